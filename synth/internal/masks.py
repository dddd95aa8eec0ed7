"""The mask language: the *format* of a text value as a run-length character-class shape.

A mask is a sequence of elements, written one after the other:

=============  ===============================================================
``l`` ``u``    a run of lower-case / upper-case letters
``d``          a run of ASCII digits
``h`` ``H``    a run of lower-case / upper-case hex digits holding letters and digits,
               at least 8 long (salts, hashes)
``w`` ``W``    a run of lower-case / upper-case letters and digits, holding both
``x``          a run of letters of both cases and digits, holding all three
``b``          a base64-like run (``A-Za-z0-9./+``), at least 20 long, holding upper,
               lower and digits (bcrypt's 53 characters, tokens)
``n``          a run of other non-ASCII characters (symbols, uncased scripts)
=============  ===============================================================

Each class letter takes a length: ``{6}`` exactly six, ``+`` one or more. Anything
else is a literal: punctuation, spaces and control characters stand for themselves
(``\\`` escapes ``\\ ' + { } ( )``; ``\\n``, ``\\t``, ``\\r``, ``\\xHH`` spell control
characters), and letters or digits kept literally are quoted (``'md5'``). A group
``(SEP RUN){m,n}`` repeats a separator and a run ``m`` to ``n`` times: a slug is
``l+(-l+){2,7}-w{6}``, a bcrypt hash ``$'2b'$'12'$b{53}``, a legacy Django hash
``'md5'$h{8}$h{32}``, a comma-joined list ``l+(, l+){1,4}``, the empty string is the
empty mask.

This module knows the language only: reading a value's tokens (:func:`tokens`),
writing and parsing masks (:func:`render`, :func:`parse`), the regular expression a
mask matches (:func:`regex`); values are made from masks in :mod:`synth.internal.mask_values`.
Which literals a profile may keep is the profiler's business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from synth.errors import ProfileError

__all__ = [
    "ALPHABETS",
    "Element",
    "Group",
    "Lit",
    "Run",
    "breadth",
    "mask_name",
    "parse",
    "regex",
    "render",
    "tokens",
]

_LOWER = "abcdefghijklmnopqrstuvwxyz"
_UPPER = _LOWER.upper()
_DIGITS = "0123456789"
ALPHABETS: dict[str, str] = {
    "l": _LOWER,
    "u": _UPPER,
    "d": _DIGITS,
    "h": _DIGITS + "abcdef",
    "H": _DIGITS + "ABCDEF",
    "w": _LOWER + _DIGITS,
    "W": _UPPER + _DIGITS,
    "x": _LOWER + _UPPER + _DIGITS,
    "b": _LOWER + _UPPER + _DIGITS + "./",
    "n": "¿",
}
"""The characters each class is generated from (``n``: one non-ASCII symbol every
character set synth writes can hold)."""
_PATTERNS: dict[str, str] = {
    "l": r"\p{Ll}",
    "u": r"\p{Lu}",
    "d": "[0-9]",
    "h": "[0-9a-f]",
    "H": "[0-9A-F]",
    "w": r"[\p{Ll}0-9]",
    "W": r"[\p{Lu}0-9]",
    "x": r"[\p{L}0-9]",
    "b": "[A-Za-z0-9./+]",
    "n": r"[^\x00-\x7f]",
}
_NAMES = {
    "l": "lower",
    "u": "upper",
    "d": "digits",
    "h": "hex",
    "H": "hex",
    "w": "code",
    "W": "code",
    "x": "code",
    "b": "base64",
    "n": "symbols",
}
_SPECIAL = "\\'+{}()"
_CONTROL = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
_B64_RUN = re.compile(r"[A-Za-z0-9./+]{20,}")
HEX_MIN = 8
"""Shortest run read as hex (shorter ones are codes)."""


@dataclass(frozen=True)
class Run:
    """A run of one class; ``length`` None is ``+`` (one or more)."""

    cls: str
    length: int | None = None


@dataclass(frozen=True)
class Lit:
    """Literal text (punctuation, spaces, or letters and digits kept by the profile)."""

    text: str


@dataclass(frozen=True)
class Group:
    """``(sep run){low,high}``: a separator and a run repeated ``low`` to ``high`` times."""

    sep: str
    run: Run
    low: int
    high: int


Element = Run | Lit | Group


# ------------------------------------------------------------------------------ reading values


def _word_tokens(word: str) -> list[tuple[str, str]]:
    """(class, text) of a run of letters and ASCII digits."""
    has_digit = any(c in _DIGITS for c in word)
    has_alpha = any(not c.isdigit() for c in word)
    if not has_alpha:
        return [("d", word)]
    if not has_digit:  # letters only: split into case runs (``News`` is u{1} l{3})
        out: list[tuple[str, str]] = []
        for c in word:
            cls = "u" if c.isupper() else "l"
            if out and out[-1][0] == cls:
                out[-1] = (cls, out[-1][1] + c)
            else:
                out.append((cls, c))
        return out
    if len(word) >= HEX_MIN and all(c in "0123456789abcdef" for c in word):
        return [("h", word)]
    if len(word) >= HEX_MIN and all(c in "0123456789ABCDEF" for c in word):
        return [("H", word)]
    upper = any(c.isupper() for c in word)
    lower = any(c.islower() for c in word)
    return [("x" if upper and lower else "W" if upper else "w", word)]


def _is_b64(run: str) -> bool:
    seps = sum(c in "./+" for c in run)
    return (
        seps <= len(run) // 8
        and any(c.isupper() for c in run)
        and any(c.islower() for c in run)
        and any(c.isdigit() for c in run)
    )


def _plain_tokens(text: str, out: list[tuple[str, str]]) -> None:
    word = ""
    for c in text:
        if (c.isalpha() and (c.isupper() or c.islower())) or c in _DIGITS:
            word += c
            continue
        if word:
            out.extend(_word_tokens(word))
            word = ""
        if c.isascii():
            out.append(("", c))
        elif out and out[-1][0] == "n":
            out[-1] = ("n", out[-1][1] + c)
        else:
            out.append(("n", c))
    if word:
        out.extend(_word_tokens(word))


def tokens(value: str) -> list[tuple[str, str]]:
    """The tokens of ``value``: ``(class, text)`` for runs, ``("", char)`` for each
    literal character (ASCII punctuation, space, control)."""
    out: list[tuple[str, str]] = []
    at = 0
    for m in _B64_RUN.finditer(value):
        if _is_b64(m.group()):
            _plain_tokens(value[at : m.start()], out)
            out.append(("b", m.group()))
            at = m.end()
    _plain_tokens(value[at:], out)
    return out


# ------------------------------------------------------------------------------ writing, parsing


def _lit_text(text: str) -> str:
    out, word = [], ""
    for c in text:
        if c.isalnum():
            word += c
            continue
        if word:
            out.append(f"'{word}'")
            word = ""
        if c in _CONTROL:
            out.append(_CONTROL[c])
        elif c in _SPECIAL:
            out.append("\\" + c)
        elif ord(c) < 0x20 or ord(c) == 0x7F:
            out.append(f"\\x{ord(c):02x}")
        else:
            out.append(c)
    if word:
        out.append(f"'{word}'")
    return "".join(out)


def _run_text(run: Run) -> str:
    return run.cls + ("+" if run.length is None else f"{{{run.length}}}")


def render(elements: list[Element] | tuple[Element, ...]) -> str:
    """The mask's text."""
    out = []
    for e in elements:
        if isinstance(e, Run):
            out.append(_run_text(e))
        elif isinstance(e, Lit):
            out.append(_lit_text(e.text))
        else:
            reps = f"{{{e.low}}}" if e.low == e.high else f"{{{e.low},{e.high}}}"
            out.append(f"({_lit_text(e.sep)}{_run_text(e.run)}){reps}")
    return "".join(out)


def _number(mask: str, i: int) -> tuple[int, int]:
    j = i
    while j < len(mask) and mask[j].isdigit():
        j += 1
    if j == i:
        raise ProfileError(f"format mask {mask!r}: a number expected at {i}")
    return int(mask[i:j]), j


def _parse(mask: str, i: int, stop: str = "") -> tuple[list[Element], int]:
    out: list[Element] = []

    def lit(text: str) -> None:
        if out and isinstance(out[-1], Lit):
            out[-1] = Lit(out[-1].text + text)
        else:
            out.append(Lit(text))

    while i < len(mask) and mask[i] != stop:
        c = mask[i]
        if c == "\\":
            nxt = mask[i + 1 : i + 2]
            if nxt == "x":
                lit(chr(int(mask[i + 2 : i + 4], 16)))
                i += 4
                continue
            lit({"n": "\n", "t": "\t", "r": "\r"}.get(nxt, nxt))
            i += 2
        elif c == "'":
            end = mask.find("'", i + 1)
            if end < 0:
                raise ProfileError(f"format mask {mask!r}: unclosed quote at {i}")
            lit(mask[i + 1 : end])
            i = end + 1
        elif c == "(":
            inner, i = _parse(mask, i + 1, ")")
            if not inner or not isinstance(inner[-1], Run) or len(inner) > 2:
                raise ProfileError(f"format mask {mask!r}: a group is (separator run)")
            sep = inner[0].text if len(inner) == 2 and isinstance(inner[0], Lit) else ""
            if mask[i + 1 : i + 2] != "{":
                raise ProfileError(f"format mask {mask!r}: a group needs {{m,n}}")
            low, i = _number(mask, i + 2)
            high = low
            if mask[i] == ",":
                high, i = _number(mask, i + 1)
            out.append(Group(sep, inner[-1], low, high))
            i += 1
        elif c in ALPHABETS and mask[i + 1 : i + 2] == "+":
            out.append(Run(c))
            i += 2
        elif c in ALPHABETS and mask[i + 1 : i + 2] == "{":
            length, i = _number(mask, i + 2)
            out.append(Run(c, length))
            i += 1
        else:
            lit(c)
            i += 1
    return out, i


def parse(mask: str) -> list[Element]:
    """The elements of a mask's text (a :class:`~synth.errors.ProfileError` names a bad one)."""
    try:
        elements, _ = _parse(mask, 0)
    except (IndexError, ValueError) as exc:
        raise ProfileError(f"format mask {mask!r} cannot be read: {exc}") from None
    return elements


def _escape(text: str) -> str:
    return "".join(c if c.isalnum() and c.isascii() else f"\\x{{{ord(c):x}}}" for c in text)


_MIXED = {
    "w": (r"\p{Ll}", "[0-9]"),
    "W": (r"\p{Lu}", "[0-9]"),
    "h": ("[a-f]", "[0-9]"),
    "H": ("[A-F]", "[0-9]"),
    "x": (r"\p{L}", "[0-9]"),
}
"""Classes whose runs hold two kinds of characters, both present: the regex says so."""
_MIXED_MAX = 16
"""Longer exact runs of those classes are matched by their characters alone."""


def _run_regex(run: Run) -> str:
    cls, n = run.cls, run.length
    if cls not in _MIXED or (n is not None and (n < 2 or n > _MIXED_MAX)):
        return _PATTERNS[cls] + ("+" if n is None else f"{{{n}}}")
    a, b = _MIXED[cls]
    both = _PATTERNS[cls]
    if n is None:  # a first kind, then the other, then anything of the class
        return f"(?:{a}+{b}{both}*|{b}+{a}{both}*)"
    options = [
        f"{x}{{{k}}}{y}{both}{{{n - k - 1}}}" for x, y in ((a, b), (b, a)) for k in range(1, n)
    ]
    return "(?:" + "|".join(options) + ")"


def regex(mask: str) -> str:
    """A regular expression (Rust/polars syntax) matching every value of ``mask``, anchored.
    It can match more (``w{6}`` matches six digits too): carriers, not a classifier."""
    out = []
    for e in parse(mask):
        if isinstance(e, Run):
            out.append(_run_regex(e))
        elif isinstance(e, Lit):
            out.append(_escape(e.text))
        else:
            out.append(f"(?:{_escape(e.sep)}{_run_regex(e.run)}){{{e.low},{e.high}}}")
    return "^" + "".join(out) + "$"


_BREADTH = {cls: len(chars) for cls, chars in ALPHABETS.items()} | {"n": 128}
"""Characters per class for :func:`breadth` (``n`` stands for any non-ASCII symbol)."""


def breadth(mask: str) -> int:
    """How many characters the mask's runs may hold, summed (``+`` counting double): of two
    masks matching one value, the narrower is the value's own (``H{11}`` before ``W{11}``,
    ``d+`` before ``w+``), as the profile's tokens put it."""
    total = 0
    for e in parse(mask):
        run = e.run if isinstance(e, Group) else e if isinstance(e, Run) else None
        if run is not None:
            total += _BREADTH[run.cls] * (2 if run.length is None else 1)
    return total


def mask_name(mask: str) -> str:
    """A short readable name for a mask (``lower-list-code6``), for case ids."""
    parts: list[str] = []
    for e in parse(mask):
        if isinstance(e, Run):
            size = "" if e.length is None else str(e.length)
            name = _NAMES[e.cls]
            parts.append(name + ("_" if name[-1].isdigit() and size else "") + size)
        elif isinstance(e, Group):
            if parts and parts[-1] == _NAMES[e.run.cls]:
                parts.pop()
            parts.append(f"{_NAMES[e.run.cls]}-list")
        else:
            words = re.findall(r"[A-Za-z0-9]+", e.text)
            parts.extend(w.lower() for w in words)
    if not parts:
        text = parse(mask)
        return "empty" if not text else "punct"
    out = [p for i, p in enumerate(parts) if i == 0 or p != parts[i - 1]]
    return "-".join(out)[:40]
