"""Strings: word-like text with lengths from the length distribution, never over ``length``."""

from __future__ import annotations

import numpy as np
import polars as pl

from synth.errors import UsageError
from synth.generator.samplers.base import ColumnContext, Sampler, draw_lengths, register
from synth.internal.vectors import base36, base36_width, string_series, text
from synth.model import LogicalType, OtherValues

_MULTIPLIER = 1_000_003  # prime, so coprime to 36**width


def scramble(codes: np.ndarray, width: int) -> np.ndarray:
    """A bijection of ``0 .. 36**width - 1`` that makes consecutive codes look unrelated."""
    space = 36**width
    if space * _MULTIPLIER >= 2**63:
        return codes
    return (codes.astype(np.int64) * _MULTIPLIER + space // 3) % space


DEFAULT_LENGTHS = (5, 24)
"""Lengths of a string column without length statistics."""


@register(LogicalType.STRING)
class StringSampler(Sampler):
    def sample(self, ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
        col = ctx.column
        lengths = draw_lengths(col.stats.lengths, n, rng, cap=col.length, default=DEFAULT_LENGTHS)
        return text(lengths, rng, ctx.seed, col.name)

    def unique(self, ctx: ColumnContext, codes: np.ndarray, rng: np.random.Generator) -> pl.Series:
        return unique_strings(ctx, codes, rng)


def unique_strings(ctx: ColumnContext, codes: np.ndarray, rng: np.random.Generator) -> pl.Series:
    """Distinct strings: word-like text ending in a fixed-width base-36 rendering of the code.

    Equal strings have equal lengths, hence equal prefix lengths and equal codes.
    """
    col = ctx.column
    width = base36_width(max(ctx.rows, int(codes.max()) + 1 if len(codes) else 1))
    if col.length is not None and col.length < width:
        raise UsageError(
            f"{ctx.where}: cannot make {ctx.rows} unique values of at most "
            f"length={col.length!r} characters; generate fewer rows"
        )
    n = len(codes)
    lengths = draw_lengths(col.stats.lengths, n, rng, cap=col.length, default=DEFAULT_LENGTHS)
    prefix_lengths = np.maximum(lengths - width, 0)
    prefix = text(prefix_lengths, rng, ctx.seed)
    digits = base36(scramble(codes, width), width)
    code = string_series(digits.ravel(), np.full(n, width, dtype=np.int64))
    return (prefix + code).rename(col.name)


_CLASS_CHARS: dict[str, str] = {
    "digit": "0123456789",
    "space": " ",
    "punct": "-_.#/&",
    "non_ascii": "éüñøçåß",
}
_CLASS_WEIGHTS = {"letter": 6.0, "digit": 2.0, "space": 1.0, "punct": 1.0, "non_ascii": 1.0}
"""How often each present character class is drawn, per character: mostly letters, as
codes and labels are."""


def _alphabet(other: OtherValues) -> tuple[list[str], np.ndarray]:
    """The characters of an other bucket's classes, and each one's draw probability."""
    lower, upper = "abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    classes = set(other.chars) or {"lower"}
    groups: list[tuple[str, str]] = []
    if classes & {"lower", "upper"}:
        letters = {"lower": lower, "upper": upper}.get(other.case or "", "")
        if not letters:  # title, mixed or unknown: both cases as seen, title fixed later
            letters = (lower if "lower" in classes else "") + (
                upper if "upper" in classes and other.case != "title" else ""
            )
        groups.append(("letter", letters or lower))
    groups += [
        (c, _CLASS_CHARS[c]) for c in ("digit", "space", "punct", "non_ascii") if c in classes
    ]
    chars: list[str] = []
    weights: list[float] = []
    for name, group in groups:
        chars += list(group)
        weights += [_CLASS_WEIGHTS[name] / len(group)] * len(group)
    p = np.array(weights, dtype=np.float64)
    return chars, p / p.sum()


def shaped_strings(
    other: OtherValues, n: int, rng: np.random.Generator, cap: int | None = None
) -> pl.Series:
    """``n`` made-up strings shaped like a column's withheld values (:class:`OtherValues`):
    lengths uniform over ``length_min..length_max`` (at most ``cap``), characters from the
    classes seen, letters in the dominant case. Never a real value: the profile holds none."""
    lo = other.length_min if other.length_min is not None else DEFAULT_LENGTHS[0]
    hi = other.length_max if other.length_max is not None else DEFAULT_LENGTHS[1]
    if cap is not None:
        hi = min(hi, cap)
        lo = min(lo, hi)
    lengths = rng.integers(lo, hi + 1, n, dtype=np.int64)
    chars, p = _alphabet(other)
    codes = rng.choice(len(chars), size=int(lengths.sum()), p=p)
    table = np.array(chars, dtype=object)
    out = []
    start = 0
    for length in lengths.tolist():
        text = "".join(table[codes[start : start + length]])
        start += length
        if text != text.strip():  # no leading or trailing space: that is another trait
            text = text.strip().rjust(length, "x")
        if other.case == "title":
            text = text.title()
        out.append(text)
    return pl.Series("", out, dtype=pl.String)
