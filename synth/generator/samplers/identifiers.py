"""Personal identifiers made from digits and characters only, in the shape the column's
length statistics suggest: Luhn-valid card numbers on the ``400000`` test BIN, SSNs in the
never-issued ``9xx`` area (with groups below 50, which no ITIN uses), IBANs with valid check
digits, tokens and password hashes of the measured lengths. Nothing of a personal column
comes from the profile but its lengths. :data:`SHAPED` and :data:`SHAPED_UNIQUE` are what
the semantic sampler calls, by semantic type.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl

from synth.generator.samplers.base import ColumnContext, draw_lengths
from synth.internal.vectors import HEX_CHARS, base_digits, chars, concat, fixed_digits
from synth.model import Distribution, SemanticType

__all__ = ["SHAPED", "SHAPED_UNIQUE", "fits", "typical_length"]


_SCRAMBLE_LIMIT = 2**48
"""The largest code space scrambled (and so the most distinct values of a shaped column)."""


@functools.lru_cache(maxsize=64)
def _multiplier(space: int) -> int:
    """About 0.618 of ``space`` (consecutive codes land far apart), without overflowing
    int64, coprime with 2 and 5 (so that it permutes any space made of 2s and 5s)."""
    m = max(1, min(int(space * 0.6180339887), (2**63 - 1) // space - 1))
    while m > 1 and (m % 2 == 0 or m % 5 == 0):
        m -= 1
    return m


def _scramble(codes: np.ndarray, space: int) -> np.ndarray:
    """A bijection of ``0 .. space - 1`` (``space`` a product of 2s and 5s: a power of 10,
    16 or 64) that makes consecutive row codes look unrelated."""
    return (codes % space * _multiplier(space) + space // 3) % space


def _code_count(ctx: ColumnContext, codes: np.ndarray) -> int:
    """How many distinct codes a unique column may need."""
    return max(ctx.rows, int(codes.max()) + 1 if len(codes) else 1)


def _lengths(
    ctx: ColumnContext, n: int, rng: np.random.Generator, default: tuple[int, int]
) -> np.ndarray:
    """``n`` lengths drawn from the column's measured lengths, within its declared length."""
    col = ctx.column
    return draw_lengths(col.stats.lengths, n, rng, cap=col.length, default=default, floor=1)


def typical_length(ctx: ColumnContext, default: int) -> int:
    """The column's median measured length, else ``default``."""
    lengths: Distribution | None = ctx.column.stats.lengths
    median = lengths.p50 if lengths is not None else None
    return int(median) if isinstance(median, int | float) else default


def fits(ctx: ColumnContext, width: int) -> bool:
    return ctx.column.length is None or ctx.column.length >= width


def _width(count: int, base: int) -> int:
    """Digits in ``base`` needed to write ``count`` distinct codes."""
    width = 1
    while base**width < count:
        width += 1
    return width


def _choose(*cases: tuple[np.ndarray, pl.Series], otherwise: pl.Series) -> pl.Series:
    """Per row, the first series whose mask holds, else ``otherwise``."""
    expr: Any = pl.when(pl.lit(pl.Series(cases[0][0]))).then(pl.lit(cases[0][1]))
    for mask, values in cases[1:]:
        expr = expr.when(pl.lit(pl.Series(mask))).then(pl.lit(values))
    return pl.select(expr.otherwise(pl.lit(otherwise))).to_series()


_DIGIT_CHARS = b"0123456789"
_UPPER_CHARS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# Card numbers: Luhn-valid, on a test BIN.

_CARD_BIN = np.array([4, 0, 0, 0, 0, 0])
"""The issuer prefix of every made-up card number (a Visa test range)."""
_CARD_BODY = 18
"""Digits before the check digit of the longest (19-digit) card number."""
_LUHN_DOUBLED = np.array([0, 2, 4, 6, 8, 1, 3, 5, 7, 9])
"""The Luhn value of a doubled digit."""


def _cards(counts: np.ndarray, fill: np.ndarray) -> pl.Series:
    """Card numbers of ``counts`` (7..19) digits: the test BIN, then the last digits of the
    rows of ``fill`` (an (n, 18) digit matrix), then the Luhn check digit."""
    body_len = (counts - 1)[:, None]
    rel = np.arange(_CARD_BODY)[None, :] - (_CARD_BODY - body_len)
    prefix = _CARD_BIN[np.clip(rel, 0, len(_CARD_BIN) - 1)]
    body = np.where(rel < 0, 0, np.where(rel < len(_CARD_BIN), prefix, fill))
    doubled = (_CARD_BODY - 1 - np.arange(_CARD_BODY)) % 2 == 0  # every other from the right
    total = np.where(doubled[None, :], _LUHN_DOUBLED[body], body).sum(axis=1)
    check = (10 - total % 10) % 10
    return chars(_DIGIT_CHARS, np.concatenate([body, check[:, None]], axis=1), counts)


def _grouped(cards: pl.Series) -> pl.Series:
    """16-digit card numbers written in groups of four."""
    return concat(*(cards.str.slice(i, 4) for i in range(0, 16, 4)), separator=" ")


def _card_numbers(ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
    """Luhn-valid card numbers of the measured lengths: 13 to 18 characters are that many
    digits, 19 or more are 16 digits in groups of four, fewer than 13 plain digits."""
    lengths = _lengths(ctx, n, rng, default=(16, 16))
    fill = rng.integers(0, 10, (n, _CARD_BODY))
    cards = _cards(np.where(lengths >= 19, 16, np.clip(lengths, 13, 18)), fill)
    short = chars(_DIGIT_CHARS, fill, np.clip(lengths, 1, _CARD_BODY))
    return _choose((lengths < 13, short), (lengths >= 19, _grouped(cards)), otherwise=cards)


def _unique_card_numbers(
    ctx: ColumnContext, codes: np.ndarray, rng: np.random.Generator
) -> pl.Series | None:
    """Distinct card numbers: the scrambled row code fills the digits after the BIN."""
    count = _code_count(ctx, codes)
    for digits in range(16, 20):
        room = digits - 1 - len(_CARD_BIN)
        if 10**room >= count:
            break
    else:
        return None
    grouped = digits == 16 and typical_length(ctx, 16) >= 19 and fits(ctx, 19)
    if not fits(ctx, digits):
        return None
    fill = np.zeros((len(codes), _CARD_BODY), dtype=np.int64)
    fill[:, _CARD_BODY - room :] = base_digits(_scramble(codes, 10**room), 10, room)
    cards = _cards(np.full(len(codes), digits), fill)
    return _grouped(cards) if grouped else cards


# National ids: SSNs in the never-issued 9xx area, or letters and digits.

_SSN_GROUPS = 50
"""Groups 00-49: a 9xx number with such a group is neither an SSN nor an ITIN."""
_SSN_SPACE = 100 * _SSN_GROUPS * 10_000


def _ssns(numbers: np.ndarray, separator: str) -> pl.Series:
    """``9AA-GG-SSSS`` from numbers below ``_SSN_SPACE``."""
    area = 900 + numbers // (_SSN_GROUPS * 10_000)
    group = numbers // 10_000 % _SSN_GROUPS
    return concat(
        fixed_digits(area, 3),
        fixed_digits(group, 2),
        fixed_digits(numbers % 10_000, 4),
        separator=separator,
    )


def _national_ids(ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
    """11 characters: ``9AA-GG-SSSS``; 9: the same without dashes; else two capital letters
    and digits (passport and tax-number like)."""
    lengths = _lengths(ctx, n, rng, default=(11, 11))
    numbers = rng.integers(0, _SSN_SPACE, n)
    digits = rng.integers(0, 10, (n, 32))
    letters = chars(_UPPER_CHARS, rng.integers(0, 26, (n, 2)), np.full(n, 2))
    mixed = concat(letters, chars(_DIGIT_CHARS, digits, np.clip(lengths - 2, 1, 32)))
    return _choose(
        (lengths == 11, _ssns(numbers, "-")),
        (lengths == 9, _ssns(numbers, "")),
        (lengths < 3, chars(_DIGIT_CHARS, digits, np.clip(lengths, 1, 32))),
        otherwise=mixed,
    )


def _unique_national_ids(
    ctx: ColumnContext, codes: np.ndarray, rng: np.random.Generator
) -> pl.Series | None:
    """Distinct SSN-shaped values (with or without dashes, as measured)."""
    typical = typical_length(ctx, 11)
    if typical not in (9, 11) or _code_count(ctx, codes) > _SSN_SPACE or not fits(ctx, typical):
        return None
    return _ssns(_scramble(codes, _SSN_SPACE), "-" if typical == 11 else "")


# IBANs: a real country's length, random account digits, valid check digits.

_IBAN_FORMS = {
    15: "NO", 16: "BE", 18: "DK", 19: "SI", 20: "AT", 21: "CH", 22: "DE", 24: "ES", 25: "PT",
    26: "IS", 27: "FR", 28: "PL",
}  # fmt: skip
"""Characters of an IBAN -> a country whose IBANs have that many."""


def _iban_form(ctx: ColumnContext) -> tuple[str, int, bool] | None:
    """(country, characters, spaced in groups of four) for the column's median length;
    None when that is shorter than any IBAN (an account number)."""
    typical = typical_length(ctx, 22)
    if typical < min(_IBAN_FORMS):
        return None
    if typical in _IBAN_FORMS:
        return _IBAN_FORMS[typical], typical, False
    for size, country in _IBAN_FORMS.items():
        if size + (size - 1) // 4 == typical:
            return country, size, True
    fitting = [size for size in _IBAN_FORMS if fits(ctx, size)]
    size = 22 if 22 in fitting else max(fitting, default=min(_IBAN_FORMS))
    return _IBAN_FORMS[size], size, False


def _ibans(country: str, bban: np.ndarray, spaced: bool) -> pl.Series:
    """IBANs of ``country`` whose account part is the digit rows of ``bban``, with the
    ISO 13616 check digits (the rearranged number is 1 modulo 97)."""
    rest = np.zeros(len(bban), dtype=np.int64)
    for pos in range(bban.shape[1]):
        rest = (rest * 10 + bban[:, pos]) % 97
    for letter in country:
        rest = (rest * 100 + ord(letter) - ord("A") + 10) % 97
    check = 98 - rest * 100 % 97
    body = chars(_DIGIT_CHARS, bban, np.full(len(bban), bban.shape[1]))
    iban = concat(country, fixed_digits(check, 2), body)
    if not spaced:
        return iban
    size = bban.shape[1] + 4
    return concat(*(iban.str.slice(i, 4) for i in range(0, size, 4)), separator=" ")


def _iban_values(ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
    form = _iban_form(ctx)
    if form is None:
        lengths = _lengths(ctx, n, rng, default=(10, 10))
        return chars(_DIGIT_CHARS, rng.integers(0, 10, (n, 32)), np.clip(lengths, 1, 32))
    country, size, spaced = form
    return _ibans(country, rng.integers(0, 10, (n, size - 4)), spaced)


def _unique_ibans(
    ctx: ColumnContext, codes: np.ndarray, rng: np.random.Generator
) -> pl.Series | None:
    """Distinct IBANs: the scrambled row code fills the end of the account part."""
    form = _iban_form(ctx)
    if form is None:
        return None
    country, size, spaced = form
    room = _width(_code_count(ctx, codes), 10)
    if room > min(size - 4, 15) or not fits(ctx, size + (size - 1) // 4 * spaced):
        return None
    bban = rng.integers(0, 10, (len(codes), size - 4))
    bban[:, size - 4 - room :] = base_digits(_scramble(codes, 10**room), 10, room)
    return _ibans(country, bban, spaced)


# Secrets: random characters of the measured lengths.

_BASE64URL = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_BCRYPT_CHARS = b"./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_BCRYPT_PREFIX = "$2b$12$"
_DIGESTS = (32, 40, 64, 128)


def _secret_form(ctx: ColumnContext) -> tuple[bytes, str]:
    """(alphabet, prefix) for the measured lengths: up to 8 characters are digits (PINs,
    codes), one digest length is hex, 60 is a bcrypt hash, anything else base64url."""
    lengths = ctx.column.stats.lengths
    low = lengths.min if lengths is not None else None
    high = lengths.max if lengths is not None else None
    if not isinstance(low, int) or not isinstance(high, int):
        return _BASE64URL, ""
    if high <= 8:
        return _DIGIT_CHARS, ""
    if low == high and low in _DIGESTS:
        return HEX_CHARS, ""
    if low == high == 60:
        return _BCRYPT_CHARS, _BCRYPT_PREFIX
    return _BASE64URL, ""


def _secrets(ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
    alphabet, prefix = _secret_form(ctx)
    lengths = np.maximum(_lengths(ctx, n, rng, default=(32, 32)) - len(prefix), 1)
    longest = int(lengths.max()) if n else 1
    values = chars(alphabet, rng.integers(0, len(alphabet), (n, longest)), lengths)
    return concat(prefix, values) if prefix else values


def _unique_secrets(
    ctx: ColumnContext, codes: np.ndarray, rng: np.random.Generator
) -> pl.Series | None:
    """Distinct secrets: random characters ending in the scrambled row code, written with
    the same alphabet in a fixed width (equal values have equal codes)."""
    alphabet, prefix = _secret_form(ctx)
    base = len(alphabet)
    width = _width(_code_count(ctx, codes), base)
    if base**width > _SCRAMBLE_LIMIT or not fits(ctx, len(prefix) + width):
        return None
    n = len(codes)
    lengths = np.maximum(_lengths(ctx, n, rng, default=(32, 32)) - len(prefix), width)
    digits = rng.integers(0, base, (n, int(lengths.max()) if n else width))
    digits[:, digits.shape[1] - width :] = base_digits(_scramble(codes, base**width), base, width)
    values = chars(alphabet, digits, lengths)
    return concat(prefix, values) if prefix else values


SHAPED: dict[SemanticType, Callable[[ColumnContext, int, np.random.Generator], pl.Series]] = {
    SemanticType.CARD_NUMBER: _card_numbers,
    SemanticType.NATIONAL_ID: _national_ids,
    SemanticType.IBAN: _iban_values,
    SemanticType.SECRET: _secrets,
}
"""Semantic types whose values are made from random digits and characters in a shape."""

SHAPED_UNIQUE: dict[
    SemanticType,
    Callable[[ColumnContext, np.ndarray, np.random.Generator], pl.Series | None],
] = {
    SemanticType.CARD_NUMBER: _unique_card_numbers,
    SemanticType.NATIONAL_ID: _unique_national_ids,
    SemanticType.IBAN: _unique_ibans,
    SemanticType.SECRET: _unique_secrets,
}
"""Their distinct values for key columns; None falls back to a value and its row code."""
