"""Realistic values for semantic columns (emails, names, cities...), fast.

Faker is called only to build small seeded pools (a thousand first names, last
names, domains, cities...) once per (pool, seed); rows are then composed with
numpy index gathers and polars string concatenation, never a per-row Python loop.
Unique columns get a row-code suffix in a shape-preserving place (before the ``@``
of an email, at the end elsewhere).

Card numbers, national ids, IBANs and secrets are made from numpy random digits and
characters only, in the shape the column's length statistics suggest: Luhn-valid card
numbers on the ``400000`` test BIN, SSNs in the never-issued ``9xx`` area (with groups
below 50, which no ITIN uses), IBANs with valid check digits, tokens of the measured
lengths. Nothing of a personal column comes from the profile but its lengths.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl

from synth.generator.samplers.base import ColumnContext, Sampler, draw_lengths, register
from synth.generator.samplers.string import unique_strings
from synth.generator.samplers.uuid import coded_uuids, random_uuids
from synth.internal.vectors import string_series, word_corpus
from synth.model import Distribution, LogicalType, SemanticType

__all__ = ["POOL_SIZE", "SemanticSampler", "pool"]

POOL_SIZE = 1000
"""Faker draws per pool (duplicates are dropped, so pools can be smaller)."""

_POOLS = {
    "first_name": ("first_name",),
    "last_name": ("last_name",),
    "domain": ("free_email_domain", "domain_name"),
    "city": ("city",),
    "street": ("street_name",),
    "country": ("country",),
    "company": ("company",),
    "sentence": ("sentence",),
}


@functools.lru_cache(maxsize=64)
def pool(kind: str, seed: int) -> pl.Series:
    """The seeded pool of Faker values of ``kind`` (see ``_POOLS``), duplicates dropped."""
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(f"{seed}:{kind}")
    methods = [getattr(fake, m) for m in _POOLS[kind]]
    values = [methods[i % len(methods)]() for i in range(POOL_SIZE)]
    return pl.Series(kind, list(dict.fromkeys(values)), dtype=pl.String)


@functools.lru_cache(maxsize=64)
def _ascii_pool(kind: str, seed: int) -> pl.Series:
    """A pool lower-cased and reduced to a-z (for emails and usernames)."""
    out = pool(kind, seed).str.to_lowercase().str.replace_all("[^a-z]", "")
    return out.filter(out.str.len_bytes() > 0)


def _pick(values: pl.Series, n: int, rng: np.random.Generator) -> pl.Series:
    return values.gather(rng.integers(0, len(values), n))


def _digits(values: np.ndarray, width: int) -> pl.Series:
    return pl.Series(values).cast(pl.String).str.zfill(width)


def _cat(*parts: pl.Series | str, separator: str = "") -> pl.Series:
    """Row-wise concatenation of Series and literal strings."""
    exprs = [pl.lit(p, pl.String) if isinstance(p, str) else p for p in parts]
    return pl.select(pl.concat_str(exprs, separator=separator)).to_series()


@functools.lru_cache(maxsize=8)
def _numbers(high: int) -> pl.Series:
    return pl.Series(["", *(str(i) for i in range(high))], dtype=pl.String)


def _maybe_number(rng: np.random.Generator, n: int, high: int, share: float) -> pl.Series:
    """A number below ``high`` in about ``share`` of the rows, else the empty string."""
    num = rng.integers(1, high + 1, n)
    num[rng.random(n) >= share] = 0
    return _numbers(high).gather(num)


def _compose(
    ctx: ColumnContext, n: int, rng: np.random.Generator, *, unique: bool = False
) -> tuple[pl.Series, str | pl.Series]:
    """(head, tail) whose concatenation is the value; a unique column's row code goes between
    them (``tail`` is the ``@domain`` of an email, else empty). With ``unique`` no random
    digits end the head (the code takes their place, and could otherwise be confused with them)."""
    sem = ctx.column.semantic
    seed = ctx.seed
    share = 0.0 if unique else 1.0
    if sem is SemanticType.EMAIL:
        first = _pick(_ascii_pool("first_name", seed), n, rng)
        last = _pick(_ascii_pool("last_name", seed), n, rng)
        local = _cat(first, ".", last, _maybe_number(rng, n, 100, 0.4 * share))
        return local, _cat("@", _pick(_ascii_domains(seed), n, rng))
    if sem is SemanticType.USERNAME:
        first = _pick(_ascii_pool("first_name", seed), n, rng)
        seps = _pick(pl.Series([".", "_", ""]), n, rng)
        last = _pick(_ascii_pool("last_name", seed), n, rng)
        return _cat(first, seps, last, _maybe_number(rng, n, 1000, 0.5 * share)), ""
    if sem is SemanticType.NAME:
        first = _pick(pool("first_name", seed), n, rng)
        return _cat(first, _pick(pool("last_name", seed), n, rng), separator=" "), ""
    if sem is SemanticType.PHONE:
        return _phones(rng.integers(2 * 10**9, 10**10, n)), ""
    if sem is SemanticType.URL:
        words = pl.Series(word_corpus(seed)[2])
        domain = _pick(_ascii_domains(seed), n, rng)
        return _cat("https://www.", domain, "/", _pick(words, n, rng)), ""
    if sem is SemanticType.ADDRESS:
        number = pl.Series(rng.integers(1, 10_000, n)).cast(pl.String)
        return _cat(number, _pick(pool("street", seed), n, rng), separator=" "), ""
    if sem is SemanticType.POSTCODE:
        return _digits(rng.integers(501, 100_000, n), 5), ""
    if sem is SemanticType.IP and _typical_length(ctx, 0) > _IPV4_LONGEST:
        return _ipv6s(rng.integers(0, 2**32, n), rng), ""
    if sem is SemanticType.IP:
        return _ips(rng.integers(0x01000000, 0xE0000000, n)), ""
    if sem in _SHAPED:
        return _SHAPED[sem](ctx, n, rng), ""
    if sem is SemanticType.FREE_TEXT:
        sentences = pool("sentence", seed)
        head = _cat(_pick(sentences, n, rng), _pick(sentences, n, rng), separator=" ")
        if ctx.column.stats.lengths is not None:
            lengths = draw_lengths(ctx.column.stats.lengths, n, rng, cap=None, default=(1, 1))
            head = head.str.slice(0, pl.Series(lengths)).str.strip_chars_end()
        return head, ""
    kind = {
        SemanticType.FIRST_NAME: "first_name",
        SemanticType.LAST_NAME: "last_name",
        SemanticType.CITY: "city",
        SemanticType.COUNTRY: "country",
        SemanticType.COMPANY: "company",
    }.get(sem, "last_name")
    return _pick(pool(kind, seed), n, rng), ""


def _phones(numbers: np.ndarray) -> pl.Series:
    """Ten-digit numbers written as ``+1-AAA-MMM-LLLL``."""
    parts = (numbers // 10**7, numbers // 10**4 % 1000, numbers % 10**4)
    return _cat(
        "+1", *(_digits(p, w) for p, w in zip(parts, (3, 3, 4), strict=True)), separator="-"
    )


def _ips(numbers: np.ndarray) -> pl.Series:
    """32-bit numbers written as dotted IPv4 addresses."""
    octets = (numbers >> shift & 0xFF for shift in (24, 16, 8, 0))
    return _cat(*(pl.Series(o).cast(pl.String) for o in octets), separator=".")


_IPV4_LONGEST = len("255.255.255.255")
_IPV6_PREFIX = "2001:db8:"
"""The IPv6 documentation prefix (RFC 3849): no real host has such an address."""
_IPV6_LENGTH = len(_IPV6_PREFIX) + 6 * 5 - 1


def _ipv6s(numbers: np.ndarray, rng: np.random.Generator) -> pl.Series:
    """IPv6 addresses in ``2001:db8::/32``: four random groups, then ``numbers`` (32 bits)
    as the last two."""
    groups = np.concatenate(
        [rng.integers(0, 16, (len(numbers), 16)), _base_digits(numbers, 16, 8)], axis=1
    )
    hexes = _chars(_HEX_CHARS, groups, np.full(len(numbers), groups.shape[1]))
    return _cat(
        _IPV6_PREFIX, _cat(*(hexes.str.slice(i, 4) for i in range(0, 24, 4)), separator=":")
    )


@functools.lru_cache(maxsize=64)
def _ascii_domains(seed: int) -> pl.Series:
    return pool("domain", seed).str.to_lowercase()


@register(LogicalType.STRING, semantic=True)
class SemanticSampler(Sampler):
    """Strings with a meaning; the semantic type picks the composition."""

    def sample(self, ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
        if ctx.column.semantic is SemanticType.UUID:
            return _fit(ctx, random_uuids(n, rng, ctx.column.name))
        head, tail = _compose(ctx, n, rng)
        value = head if isinstance(tail, str) and not tail else _cat(head, tail)
        return _fit(ctx, value.rename(ctx.column.name))

    def unique(self, ctx: ColumnContext, codes: np.ndarray, rng: np.random.Generator) -> pl.Series:
        """Values with the row code added (before the ``@`` of an email, else at the end),
        the head cut where needed so the whole fits ``length``."""
        name = ctx.column.name
        sem = ctx.column.semantic
        if sem is SemanticType.UUID:
            return _fit(ctx, coded_uuids(codes, rng, name))
        if sem is SemanticType.PHONE and len(codes) and codes.max() < 8 * 10**9:
            return _fit(ctx, _phones(2 * 10**9 + codes.astype(np.int64)).rename(name))
        if sem is SemanticType.IP and len(codes) and codes.max() < 2**31:
            if _typical_length(ctx, 0) > _IPV4_LONGEST and _fits(ctx, _IPV6_LENGTH):
                return _ipv6s(codes.astype(np.int64), rng).rename(name)
            return _fit(ctx, _ips(0x10000000 + codes.astype(np.int64)).rename(name))
        if sem in _SHAPED_UNIQUE:
            made = _SHAPED_UNIQUE[sem](ctx, codes.astype(np.int64), rng)
            if made is not None:
                return made.rename(name)
        head, tail = _compose(ctx, len(codes), rng, unique=True)
        tail = pl.Series([tail] * len(codes), dtype=pl.String) if isinstance(tail, str) else tail
        code = pl.Series(codes).cast(pl.String)
        if sem is not SemanticType.EMAIL:
            sep = " " if sem in (SemanticType.NAME, SemanticType.COMPANY) else "-"
            code = _cat(sep, code)
        length = ctx.column.length
        if length is not None:
            room = length - code.str.len_chars() - tail.str.len_chars()
            if room.min() < 1:
                return unique_strings(ctx, codes, rng)
            head = head.str.slice(0, room)
        value = _cat(head, code, tail) if sem is SemanticType.EMAIL else _cat(head, tail, code)
        return value.rename(name)


def _fit(ctx: ColumnContext, values: pl.Series) -> pl.Series:
    """Values cut to the column's declared length (no trailing space left by the cut)."""
    length = ctx.column.length
    if length is None or values.is_empty() or values.str.len_chars().max() <= length:
        return values
    return values.str.slice(0, length).str.strip_chars_end()


# ----------------------------------------------------------------------------- personal shapes

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


def _typical_length(ctx: ColumnContext, default: int) -> int:
    """The column's median measured length, else ``default``."""
    lengths: Distribution | None = ctx.column.stats.lengths
    median = lengths.p50 if lengths is not None else None
    return int(median) if isinstance(median, int | float) else default


def _fits(ctx: ColumnContext, width: int) -> bool:
    return ctx.column.length is None or ctx.column.length >= width


def _base_digits(values: np.ndarray, base: int, width: int) -> np.ndarray:
    """(n, width) digits of non-negative ``values`` in ``base``, most significant first."""
    out = np.empty((len(values), width), dtype=np.int64)
    rest = values.astype(np.int64, copy=True)
    for pos in range(width - 1, -1, -1):
        out[:, pos] = rest % base
        rest //= base
    return out


def _width(count: int, base: int) -> int:
    """Digits in ``base`` needed to write ``count`` distinct codes."""
    width = 1
    while base**width < count:
        width += 1
    return width


def _chars(alphabet: bytes, digits: np.ndarray, widths: np.ndarray) -> pl.Series:
    """Strings of the right-aligned (n, w) digit matrix, each its last ``widths`` digits,
    written with ``alphabet``."""
    w = digits.shape[1]
    keep = np.arange(w)[None, :] >= (w - widths)[:, None]
    table = np.frombuffer(alphabet, dtype=np.uint8)
    return string_series(table[digits[keep]], widths.astype(np.int64))


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
    return _chars(_DIGIT_CHARS, np.concatenate([body, check[:, None]], axis=1), counts)


def _grouped(cards: pl.Series) -> pl.Series:
    """16-digit card numbers written in groups of four."""
    return _cat(*(cards.str.slice(i, 4) for i in range(0, 16, 4)), separator=" ")


def _card_numbers(ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
    """Luhn-valid card numbers of the measured lengths: 13 to 18 characters are that many
    digits, 19 or more are 16 digits in groups of four, fewer than 13 plain digits."""
    lengths = _lengths(ctx, n, rng, default=(16, 16))
    fill = rng.integers(0, 10, (n, _CARD_BODY))
    cards = _cards(np.where(lengths >= 19, 16, np.clip(lengths, 13, 18)), fill)
    short = _chars(_DIGIT_CHARS, fill, np.clip(lengths, 1, _CARD_BODY))
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
    grouped = digits == 16 and _typical_length(ctx, 16) >= 19 and _fits(ctx, 19)
    if not _fits(ctx, digits):
        return None
    fill = np.zeros((len(codes), _CARD_BODY), dtype=np.int64)
    fill[:, _CARD_BODY - room :] = _base_digits(_scramble(codes, 10**room), 10, room)
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
    return _cat(
        _digits(area, 3), _digits(group, 2), _digits(numbers % 10_000, 4), separator=separator
    )


def _national_ids(ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
    """11 characters: ``9AA-GG-SSSS``; 9: the same without dashes; else two capital letters
    and digits (passport and tax-number like)."""
    lengths = _lengths(ctx, n, rng, default=(11, 11))
    numbers = rng.integers(0, _SSN_SPACE, n)
    digits = rng.integers(0, 10, (n, 32))
    letters = _chars(_UPPER_CHARS, rng.integers(0, 26, (n, 2)), np.full(n, 2))
    mixed = _cat(letters, _chars(_DIGIT_CHARS, digits, np.clip(lengths - 2, 1, 32)))
    return _choose(
        (lengths == 11, _ssns(numbers, "-")),
        (lengths == 9, _ssns(numbers, "")),
        (lengths < 3, _chars(_DIGIT_CHARS, digits, np.clip(lengths, 1, 32))),
        otherwise=mixed,
    )


def _unique_national_ids(
    ctx: ColumnContext, codes: np.ndarray, rng: np.random.Generator
) -> pl.Series | None:
    """Distinct SSN-shaped values (with or without dashes, as measured)."""
    typical = _typical_length(ctx, 11)
    if typical not in (9, 11) or _code_count(ctx, codes) > _SSN_SPACE or not _fits(ctx, typical):
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
    typical = _typical_length(ctx, 22)
    if typical < min(_IBAN_FORMS):
        return None
    if typical in _IBAN_FORMS:
        return _IBAN_FORMS[typical], typical, False
    for size, country in _IBAN_FORMS.items():
        if size + (size - 1) // 4 == typical:
            return country, size, True
    fitting = [size for size in _IBAN_FORMS if _fits(ctx, size)]
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
    body = _chars(_DIGIT_CHARS, bban, np.full(len(bban), bban.shape[1]))
    iban = _cat(country, _digits(check, 2), body)
    if not spaced:
        return iban
    size = bban.shape[1] + 4
    return _cat(*(iban.str.slice(i, 4) for i in range(0, size, 4)), separator=" ")


def _iban_values(ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
    form = _iban_form(ctx)
    if form is None:
        lengths = _lengths(ctx, n, rng, default=(10, 10))
        return _chars(_DIGIT_CHARS, rng.integers(0, 10, (n, 32)), np.clip(lengths, 1, 32))
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
    if room > min(size - 4, 15) or not _fits(ctx, size + (size - 1) // 4 * spaced):
        return None
    bban = rng.integers(0, 10, (len(codes), size - 4))
    bban[:, size - 4 - room :] = _base_digits(_scramble(codes, 10**room), 10, room)
    return _ibans(country, bban, spaced)


# Secrets: random characters of the measured lengths.

_BASE64URL = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_HEX_CHARS = b"0123456789abcdef"
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
        return _HEX_CHARS, ""
    if low == high == 60:
        return _BCRYPT_CHARS, _BCRYPT_PREFIX
    return _BASE64URL, ""


def _secrets(ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
    alphabet, prefix = _secret_form(ctx)
    lengths = np.maximum(_lengths(ctx, n, rng, default=(32, 32)) - len(prefix), 1)
    longest = int(lengths.max()) if n else 1
    values = _chars(alphabet, rng.integers(0, len(alphabet), (n, longest)), lengths)
    return _cat(prefix, values) if prefix else values


def _unique_secrets(
    ctx: ColumnContext, codes: np.ndarray, rng: np.random.Generator
) -> pl.Series | None:
    """Distinct secrets: random characters ending in the scrambled row code, written with
    the same alphabet in a fixed width (equal values have equal codes)."""
    alphabet, prefix = _secret_form(ctx)
    base = len(alphabet)
    width = _width(_code_count(ctx, codes), base)
    if base**width > _SCRAMBLE_LIMIT or not _fits(ctx, len(prefix) + width):
        return None
    n = len(codes)
    lengths = np.maximum(_lengths(ctx, n, rng, default=(32, 32)) - len(prefix), width)
    digits = rng.integers(0, base, (n, int(lengths.max()) if n else width))
    digits[:, digits.shape[1] - width :] = _base_digits(_scramble(codes, base**width), base, width)
    values = _chars(alphabet, digits, lengths)
    return _cat(prefix, values) if prefix else values


_SHAPED: dict[SemanticType, Callable[[ColumnContext, int, np.random.Generator], pl.Series]] = {
    SemanticType.CARD_NUMBER: _card_numbers,
    SemanticType.NATIONAL_ID: _national_ids,
    SemanticType.IBAN: _iban_values,
    SemanticType.SECRET: _secrets,
}
"""Semantic types whose values are made from random digits and characters in a shape."""

_SHAPED_UNIQUE: dict[
    SemanticType,
    Callable[[ColumnContext, np.ndarray, np.random.Generator], pl.Series | None],
] = {
    SemanticType.CARD_NUMBER: _unique_card_numbers,
    SemanticType.NATIONAL_ID: _unique_national_ids,
    SemanticType.IBAN: _unique_ibans,
    SemanticType.SECRET: _unique_secrets,
}
"""Their distinct values for key columns; None falls back to a value and its row code."""
