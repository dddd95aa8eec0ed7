"""Realistic values for semantic columns (emails, names, cities...), fast.

Faker is called only to build small seeded pools (a thousand first names, last
names, domains, cities...) once per (pool, seed); rows are then composed with
numpy index gathers and polars string concatenation, never a per-row Python loop.
Unique columns get a row-code suffix in a shape-preserving place (before the ``@``
of an email, at the end elsewhere).

Card numbers, national ids, IBANs and secrets are made from digits and characters only
(:mod:`synth.generator.samplers.identifiers`).
"""

from __future__ import annotations

import functools

import numpy as np
import polars as pl

from synth.generator.samplers.base import ColumnContext, Sampler, draw_lengths, register
from synth.generator.samplers.identifiers import SHAPED, SHAPED_UNIQUE, fits, typical_length
from synth.generator.samplers.string import unique_strings
from synth.generator.samplers.uuid import coded_uuids, random_uuids
from synth.internal.vectors import HEX_CHARS, base_digits, chars, concat, fixed_digits, word_corpus
from synth.model import LogicalType, SemanticType

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
        local = concat(first, ".", last, _maybe_number(rng, n, 100, 0.4 * share))
        return local, concat("@", _pick(_ascii_domains(seed), n, rng))
    if sem is SemanticType.USERNAME:
        first = _pick(_ascii_pool("first_name", seed), n, rng)
        seps = _pick(pl.Series([".", "_", ""]), n, rng)
        last = _pick(_ascii_pool("last_name", seed), n, rng)
        return concat(first, seps, last, _maybe_number(rng, n, 1000, 0.5 * share)), ""
    if sem is SemanticType.NAME:
        first = _pick(pool("first_name", seed), n, rng)
        return concat(first, _pick(pool("last_name", seed), n, rng), separator=" "), ""
    if sem is SemanticType.PHONE:
        return _phones(rng.integers(2 * 10**9, 10**10, n)), ""
    if sem is SemanticType.URL:
        words = pl.Series(word_corpus(seed)[2])
        domain = _pick(_ascii_domains(seed), n, rng)
        return concat("https://www.", domain, "/", _pick(words, n, rng)), ""
    if sem is SemanticType.ADDRESS:
        number = pl.Series(rng.integers(1, 10_000, n)).cast(pl.String)
        return concat(number, _pick(pool("street", seed), n, rng), separator=" "), ""
    if sem is SemanticType.POSTCODE:
        return fixed_digits(rng.integers(501, 100_000, n), 5), ""
    if sem is SemanticType.IP and typical_length(ctx, 0) > _IPV4_LONGEST:
        return _ipv6s(rng.integers(0, 2**32, n), rng), ""
    if sem is SemanticType.IP:
        return _ips(rng.integers(0x01000000, 0xE0000000, n)), ""
    if sem in SHAPED:
        return SHAPED[sem](ctx, n, rng), ""
    if sem is SemanticType.FREE_TEXT:
        sentences = pool("sentence", seed)
        head = concat(_pick(sentences, n, rng), _pick(sentences, n, rng), separator=" ")
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
    return concat(
        "+1", *(fixed_digits(p, w) for p, w in zip(parts, (3, 3, 4), strict=True)), separator="-"
    )


def _ips(numbers: np.ndarray) -> pl.Series:
    """32-bit numbers written as dotted IPv4 addresses."""
    octets = (numbers >> shift & 0xFF for shift in (24, 16, 8, 0))
    return concat(*(pl.Series(o).cast(pl.String) for o in octets), separator=".")


_IPV4_LONGEST = len("255.255.255.255")
_IPV6_PREFIX = "2001:db8:"
"""The IPv6 documentation prefix (RFC 3849): no real host has such an address."""
_IPV6_LENGTH = len(_IPV6_PREFIX) + 6 * 5 - 1


def _ipv6s(numbers: np.ndarray, rng: np.random.Generator) -> pl.Series:
    """IPv6 addresses in ``2001:db8::/32``: four random groups, then ``numbers`` (32 bits)
    as the last two."""
    groups = np.concatenate(
        [rng.integers(0, 16, (len(numbers), 16)), base_digits(numbers, 16, 8)], axis=1
    )
    hexes = chars(HEX_CHARS, groups, np.full(len(numbers), groups.shape[1]))
    return concat(
        _IPV6_PREFIX, concat(*(hexes.str.slice(i, 4) for i in range(0, 24, 4)), separator=":")
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
        value = head if isinstance(tail, str) and not tail else concat(head, tail)
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
            if typical_length(ctx, 0) > _IPV4_LONGEST and fits(ctx, _IPV6_LENGTH):
                return _ipv6s(codes.astype(np.int64), rng).rename(name)
            return _fit(ctx, _ips(0x10000000 + codes.astype(np.int64)).rename(name))
        if sem in SHAPED_UNIQUE:
            made = SHAPED_UNIQUE[sem](ctx, codes.astype(np.int64), rng)
            if made is not None:
                return made.rename(name)
        head, tail = _compose(ctx, len(codes), rng, unique=True)
        tail = pl.Series([tail] * len(codes), dtype=pl.String) if isinstance(tail, str) else tail
        code = pl.Series(codes).cast(pl.String)
        if sem is not SemanticType.EMAIL:
            sep = " " if sem in (SemanticType.NAME, SemanticType.COMPANY) else "-"
            code = concat(sep, code)
        length = ctx.column.length
        if length is not None:
            room = length - code.str.len_chars() - tail.str.len_chars()
            if room.min() < 1:
                return unique_strings(ctx, codes, rng)
            head = head.str.slice(0, room)
        value = concat(head, code, tail) if sem is SemanticType.EMAIL else concat(head, tail, code)
        return value.rename(name)


def _fit(ctx: ColumnContext, values: pl.Series) -> pl.Series:
    """Values cut to the column's declared length (no trailing space left by the cut)."""
    length = ctx.column.length
    if length is None or values.is_empty() or values.str.len_chars().max() <= length:
        return values
    return values.str.slice(0, length).str.strip_chars_end()
