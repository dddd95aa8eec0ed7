"""Bending a string until it matches a regular expression, keeping what it can of it.

A CHECK such as ``username ~ '^[a-z0-9_]{3,30}$'`` rejects ``'john.smith-2'``; the
string that matches and stays closest is ``'johnsmith2'``. :func:`fit` walks the pattern
(parsed by Python's own regular-expression parser) along the value: a character the
pattern accepts at that place is kept, and where the pattern
needs a character the value lacks (a literal ``@``, a minimum repeat) one is made up.
Alternatives take their first branch. The result is checked with ``re.fullmatch``; None
means the pattern was too involved for this walk.
"""

from __future__ import annotations

import functools
import re
from typing import Any

__all__ = ["fit"]

try:  # the stdlib's parser (public as sre_parse before 3.11)
    from re import _constants as C  # type: ignore[attr-defined]
    from re import _parser as P  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - other Pythons
    P = C = None  # type: ignore[assignment]

_MAX_FILL = 8
"""Characters made up at most for an open-ended repeat that needs more."""


def _class(items: Any) -> tuple[bool, list[tuple[int, int]]]:
    """(negated, code-point ranges) of a character class."""
    return _class_of(tuple(items))


@functools.lru_cache(maxsize=256)
def _class_of(items: tuple[Any, ...]) -> tuple[bool, list[tuple[int, int]]]:
    negate, ranges = False, []
    for op, av in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL:
            ranges.append((av, av))
        elif op is C.RANGE:
            ranges.append(av)
        elif op is C.CATEGORY:
            ranges += _category(av)
    return negate, ranges


def _category(cat: Any) -> list[tuple[int, int]]:
    if cat is C.CATEGORY_DIGIT:
        return [(48, 57)]
    if cat is C.CATEGORY_WORD:
        return [(48, 57), (65, 90), (95, 95), (97, 122)]
    if cat is C.CATEGORY_SPACE:
        return [(32, 32), (9, 13)]
    return [(97, 122)]


def _accepts(op: Any, av: Any, ch: str) -> bool:
    code = ord(ch)
    if op is C.LITERAL:
        return code == av
    if op is C.NOT_LITERAL:
        return code != av
    if op is C.ANY:
        return ch != "\n"
    if op is C.IN:  # compiled by _parsed: (negated, ranges)
        negate, ranges = av
        return any(lo <= code <= hi for lo, hi in ranges) != negate
    if op is C.CATEGORY:
        return any(lo <= code <= hi for lo, hi in _category(av))
    return False


def _made(op: Any, av: Any) -> str:
    """A character the single-character item accepts."""
    if op is C.LITERAL:
        return chr(av)
    for ch in "xaz0_-.":
        if _accepts(op, av, ch):
            return ch
    return "x"


_SINGLE = ("LITERAL", "NOT_LITERAL", "ANY", "IN", "CATEGORY")


class _Walk:
    def __init__(self, value: str) -> None:
        self.value = value
        self.i = 0
        self.out: list[str] = []

    def single(self, op: Any, av: Any, stop: Any) -> bool:
        """Emit one character for a single-character item, from the value where it can;
        False when the value is used up (or reached ``stop``'s character)."""
        if self.i >= len(self.value):
            return False
        ch = self.value[self.i]
        if stop is not None and _accepts(*stop, ch) and not _accepts(op, av, ch):
            return False
        self.i += 1
        # a character the pattern does not take here is replaced, so the length stays
        self.out.append(ch if _accepts(op, av, ch) else _made(op, av))
        return True

    def items(self, seq: Any) -> None:
        items = list(seq)
        for n, (op, av) in enumerate(items):
            following = items[n + 1] if n + 1 < len(items) else None
            stop = following if following and following[0].name in _SINGLE else None
            self.item(op, av, stop)

    def item(self, op: Any, av: Any, stop: Any) -> None:
        name = op.name
        if name in _SINGLE:
            if not self.single(op, av, stop):
                self.out.append(_made(op, av))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = av
            sub = list(sub)
            if len(sub) == 1 and sub[0][0].name in _SINGLE:
                count = 0
                while (high is C.MAXREPEAT or count < high) and self.single(*sub[0], stop):
                    count += 1
                while count < low:
                    self.out.append(_made(*sub[0]))
                    count += 1
            else:
                for _ in range(low):
                    self.items(sub)
        elif name == "SUBPATTERN":
            self.items(av[-1])
        elif name == "BRANCH":
            self.items(av[1][0])
        elif name == "AT":
            return
        else:
            raise ValueError(name)


@functools.lru_cache(maxsize=64)
def _parsed(pattern: str) -> Any:
    """The pattern's tree, each character class turned into (negated, ranges) once."""
    return _compiled(P.parse(pattern))


def _compiled(seq: Any) -> list[tuple[Any, Any]]:
    out: list[tuple[Any, Any]] = []
    for op, av in seq:
        name = op.name
        if name == "IN":
            av = _class(av)
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            av = (av[0], av[1], _compiled(av[2]))
        elif name == "SUBPATTERN":
            av = (*av[:-1], _compiled(av[-1]))
        elif name == "BRANCH":
            av = (av[0], [_compiled(branch) for branch in av[1]])
        out.append((op, av))
    return out


def fit(value: str, pattern: str) -> str | None:
    """``value`` bent to match ``pattern`` (searched, as SQL's ``~`` and ``REGEXP`` do),
    or None where synth cannot walk the pattern."""
    if P is None:
        return None
    try:
        if re.search(pattern, value):
            return value
        tree = _parsed(pattern)
        walk = _Walk(value)
        walk.items(tree)
    except (re.error, ValueError, TypeError, AttributeError, IndexError):
        return None
    out = "".join(walk.out)
    return out if re.search(pattern, out) else None
