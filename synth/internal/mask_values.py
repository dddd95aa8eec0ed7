"""Values made from masks (:mod:`synth.internal.masks`), vectorised: each run of a mask
is one array of characters for every row, the runs and literals joined by polars."""

from __future__ import annotations

import numpy as np
import polars as pl

from synth.internal.masks import ALPHABETS, Element, Group, Lit, Run, parse
from synth.internal.vectors import concat, string_series

__all__ = ["generate"]

_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UPPER = _LOWER.upper()
_DIGITS = "0123456789"

_FORCED = {"w": ("l", "d"), "W": ("u", "d"), "x": ("u", "l", "d"), "h": ("h6", "d"),
           "H": ("H6", "d"), "b": ("u", "l", "d")}  # fmt: skip
"""Classes a run must hold to be read back as its own class: the first characters of
a generated run are drawn from these (``h6``: the letters a-f)."""
_FORCED_ALPHABETS = {"l": _LOWER, "u": _UPPER, "d": _DIGITS, "h6": "abcdef", "H6": "ABCDEF"}


def _run_strings(
    cls: str, lengths: np.ndarray, rng: np.random.Generator, code: np.ndarray | None = None
) -> pl.Series:
    """One run of ``cls`` per row, of the given lengths (0: empty); ``code``, an (n, width)
    matrix of digits in the class's alphabet, ends each run."""
    lengths = lengths.astype(np.int64)
    alphabet = ALPHABETS[cls]
    if not alphabet.isascii():
        return pl.Series([alphabet * int(k) for k in lengths], dtype=pl.String)
    table = np.frombuffer(alphabet.encode(), dtype=np.uint8)
    data = table[rng.integers(0, len(table), int(lengths.sum()))]
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]).astype(np.int64)
    forced_classes = _FORCED.get(cls, ())
    rows = lengths >= len(forced_classes)
    for k, forced in enumerate(forced_classes if rows.any() else ()):
        if rows.any():
            sub = np.frombuffer(_FORCED_ALPHABETS[forced].encode(), dtype=np.uint8)
            data[starts[rows] + k] = sub[rng.integers(0, len(sub), int(rows.sum()))]
    if code is not None and code.size:
        width = code.shape[1]
        at = (starts + lengths - width)[:, None] + np.arange(width)[None, :]
        data[at.ravel()] = table[code.ravel()]
    return string_series(data, lengths)


_MULTIPLIER = 1_000_003
"""Prime, so ``code * _MULTIPLIER`` permutes the codes of any base's power."""


def _shorten(run_len: dict[int, np.ndarray], slots: list[int], short: np.ndarray) -> None:
    """``run_len`` of ``slots`` cut by ``short`` characters per row in all (each run keeps
    one), the longest runs first."""
    left = short.copy()
    for j in sorted(slots, key=lambda j: -float(run_len[j].mean())):
        cut = np.minimum(left, np.maximum(run_len[j] - 1, 0))
        run_len[j] = run_len[j] - cut
        left -= cut


def _code_slot(slots: list[tuple[Element, np.ndarray]], top: int) -> tuple[int, int] | None:
    """(slot, width) of the run that holds a row's code: the longest exact run whose class
    has 10 characters or more with room for ``top`` codes, else a ``+`` run of the widest
    class."""
    exact: list[tuple[int, int, int]] = []
    variable: list[tuple[int, int]] = []
    for i, (e, used) in enumerate(slots):
        if isinstance(e, Group) or not isinstance(e, Run) or not used.all():
            continue
        alphabet = ALPHABETS[e.cls]
        if not alphabet.isascii() or len(alphabet) < 10:
            continue
        width = 1
        while len(alphabet) ** width < top:
            width += 1
        need = width + len(_FORCED.get(e.cls, ()))
        if e.length is None:
            variable.append((i, width))
        elif e.length >= need:
            exact.append((e.length, i, width))
    if exact:
        _, i, width = max(exact)
        return i, width
    # the widest alphabet, then the first run: an email's local part, not its TLD
    variable.sort(key=lambda iw: (-len(ALPHABETS[slots[iw[0]][0].cls]), iw[0]))  # type: ignore[union-attr]
    return variable[0] if variable else None


YEARS = (2000, 2025)
"""Years a date string's ``d{4}`` is drawn from: the profile keeps no value of a text
column, and a real year keeps the string a date."""


def _calendar(slots: list[tuple[Element, np.ndarray]]) -> dict[int, tuple[int, int]]:
    """Runs that spell a date or a time of day (``d{4}-d{2}-d{2}``, ``d{2}:d{2}:d{2}``):
    slot -> (lowest, highest) value, so that a date string made from a mask is a date a
    parser accepts (day up to 28: every month has it)."""

    def digits(i: int, k: int) -> bool:
        e = slots[i][0] if 0 <= i < len(slots) else None
        return isinstance(e, Run) and e.cls == "d" and e.length == k

    def text(i: int) -> str:
        e = slots[i][0] if 0 <= i < len(slots) else None
        return e.text if isinstance(e, Lit) else ""

    out: dict[int, tuple[int, int]] = {}
    for i in range(len(slots)):
        sep = text(i + 1)
        dated = digits(i, 4) and digits(i + 2, 2) and digits(i + 4, 2)
        if dated and sep in ("-", "/") and text(i + 3) == sep:
            out.update({i: YEARS, i + 2: (1, 12), i + 4: (1, 28)})
        if i in out or not digits(i, 2):
            continue
        if text(i - 1).endswith(":"):
            out[i] = (0, 59)
        elif text(i + 1).startswith(":"):
            out[i] = (0, 23)
    return out


def _numbers(
    bounds: tuple[int, int], width: int, used: np.ndarray, rng: np.random.Generator
) -> pl.Series:
    """Zero-padded numbers within ``bounds`` (empty where the slot is unused)."""
    low, high = bounds
    values = pl.Series(rng.integers(low, high + 1, len(used))).cast(pl.String).str.zfill(width)
    return values.zip_with(pl.Series(used), pl.Series([""] * len(used), dtype=pl.String))


def _literal(text: str, used: np.ndarray) -> pl.Series:
    return pl.Series(np.where(used, text, ""), dtype=pl.String)


def generate(
    mask: str,
    n: int,
    rng: np.random.Generator,
    lengths: np.ndarray | None = None,
    codes: np.ndarray | None = None,
) -> pl.Series:
    """``n`` values of ``mask``; where it has ``+`` runs, ``lengths`` (one target total
    length per row) decides how long they are, as far as the fixed parts allow. With
    ``codes`` (distinct non-negative integers, one per row) the values are distinct: each
    row's code, scrambled, ends one run; ``ValueError`` when no run of the mask can hold
    them."""
    elements = parse(mask)
    # slots: (class, exact length or None, separator, row mask of use)
    slots: list[tuple[Element, np.ndarray]] = []
    every = np.ones(n, dtype=bool)
    for e in elements:
        if isinstance(e, Group):
            reps = rng.integers(e.low, e.high + 1, n)
            for j in range(e.high):
                slots.append((Group(e.sep, e.run, 1, 1), reps > j))
        else:
            slots.append((e, every))
    fixed = np.zeros(n, dtype=np.int64)
    variable = np.zeros(n, dtype=np.int64)
    for e, used in slots:
        run = e.run if isinstance(e, Group) else e
        if isinstance(e, Group):
            fixed += used * len(e.sep)
        if isinstance(run, Lit):
            fixed += len(run.text)
        elif run.length is not None:
            fixed += used * run.length
        else:
            variable += used
    var_slots = [
        i
        for i, (e, _) in enumerate(slots)
        if isinstance(e.run if isinstance(e, Group) else e, Run)
        and (e.run if isinstance(e, Group) else e).length is None  # type: ignore[union-attr]
    ]
    run_len: dict[int, np.ndarray] = {}
    if var_slots:
        if lengths is None:
            extra = rng.poisson(4.0 * np.maximum(variable, 1))
        else:
            extra = np.maximum(lengths.astype(np.int64) - fixed - variable, 0)
        weights = rng.gamma(4.0, 1.0, (n, len(var_slots)))
        weights *= np.stack([slots[i][1] for i in var_slots], axis=1)
        total = weights.sum(axis=1, keepdims=True)
        share = np.divide(weights, total, out=np.zeros_like(weights), where=total > 0)
        parts = np.floor(share * extra[:, None]).astype(np.int64)
        parts[np.arange(n), np.argmax(weights, axis=1)] += extra - parts.sum(axis=1)
        for j, i in enumerate(var_slots):
            run_len[i] = (parts[:, j] + 1) * slots[i][1]
    coded: tuple[int, int] | None = None
    if codes is not None:
        coded = _code_slot(slots, int(codes.max()) + 1 if len(codes) else 1)
        if coded is None:
            raise ValueError(f"mask {mask!r} has no run that can hold {len(codes)} codes")
        i, width = coded
        run = slots[i][0]
        assert isinstance(run, Run)
        if run.length is None:
            need = width + len(_FORCED.get(run.cls, ()))
            short = np.maximum(need - run_len[i], 0)
            run_len[i] = np.maximum(run_len[i], need)
            if lengths is not None:  # the other runs give the code its room, so the
                _shorten(run_len, [j for j in var_slots if j != i], short)  # total holds
    calendar = _calendar(slots)
    pieces: list[pl.Series] = []
    for i, (e, used) in enumerate(slots):
        run = e.run if isinstance(e, Group) else e
        if isinstance(e, Group) and e.sep:
            pieces.append(_literal(e.sep, used))
        if isinstance(run, Lit):
            pieces.append(_literal(run.text, used))
            continue
        if i in calendar and (coded is None or coded[0] != i):
            pieces.append(_numbers(calendar[i], run.length or 2, used, rng))
            continue
        size = run_len.get(i)
        if size is None:
            size = used * (run.length or 0)
        digits = None
        if coded is not None and coded[0] == i and codes is not None:
            base, width = len(ALPHABETS[run.cls]), coded[1]
            space = base**width
            mixed = codes.astype(np.int64)
            if space * _MULTIPLIER < 2**63:
                mixed = (mixed * _MULTIPLIER + space // 3) % space
            digits = (mixed[:, None] // base ** np.arange(width - 1, -1, -1)[None, :]) % base
        pieces.append(_run_strings(run.cls, size, rng, digits))
    if not pieces:
        return pl.Series([""] * n, dtype=pl.String)
    return concat(*pieces).alias("")
