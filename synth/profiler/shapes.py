"""Shapes of a text value that say nothing of the value: its character classes and its
letter case (what a personal column's frequent values are reduced to, see
:func:`synth.profiler.privacy.other_values`)."""

from __future__ import annotations

from synth.model import LetterCase

__all__ = ["char_classes", "letter_case"]


def char_classes(text: str) -> set[str]:
    """The character classes of ``text``: lower, upper, digit, space, punct, non_ascii."""
    out = set()
    for ch in text:
        if not ch.isascii():
            out.add("non_ascii")
        elif ch.islower():
            out.add("lower")
        elif ch.isupper():
            out.add("upper")
        elif ch.isdigit():
            out.add("digit")
        elif ch.isspace():
            out.add("space")
        else:
            out.add("punct")
    return out


def letter_case(text: str) -> LetterCase | None:
    """``text``'s letter case: lower, upper, title (``Paid``, ``New York``) or mixed;
    None without letters."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return None
    if all(ch.islower() for ch in letters):
        return "lower"
    if all(ch.isupper() for ch in letters):
        return "upper"
    if text.istitle():
        return "title"
    return "mixed"
