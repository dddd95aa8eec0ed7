"""Integers: inverse CDF through the value distribution, rounded, kept within the column's size."""

from __future__ import annotations

import numpy as np
import polars as pl

from synth.generator.samplers.base import ColumnContext, Sampler, numeric_points, register
from synth.internal.streams import stratified
from synth.internal.vectors import inverse_cdf
from synth.model import LogicalType, SemanticType
from synth.model.arrow import integer_bounds

DEFAULT_RANGE = (1, 1000)
"""Values of an integer column without statistics."""


def luhn_numbers(prefix: str, digits: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` numbers of ``digits`` digits starting with ``prefix`` whose last digit is the
    Luhn check digit (as payment card numbers are)."""
    body = rng.integers(0, 10, size=(n, digits - 1))
    body[:, : len(prefix)] = [int(c) for c in prefix]
    # from the right of the full number, the check digit is position 1: the body's last
    # digit is doubled, then every second one to its left
    doubled = body[:, ::-1].copy()
    twice = doubled[:, 0::2] * 2
    doubled[:, 0::2] = np.where(twice > 9, twice - 9, twice)
    check = (10 - doubled.sum(axis=1) % 10) % 10
    weights = 10 ** np.arange(digits - 2, -1, -1, dtype=np.int64)
    return (body.astype(np.int64) * weights).sum(axis=1) * 10 + check


def personal_numbers(
    semantic: SemanticType | None, n: int, rng: np.random.Generator, hi: int
) -> np.ndarray | None:
    """Made-up numbers in the shape of a personal-number column whose values were withheld,
    as the string semantic samplers make them (docs/privacy.md): card numbers as 16-digit
    Luhn-valid numbers on the ``400000`` test BIN, national ids in the never-issued 9xx
    range, phones as 10-digit 555-01xx numbers. None where the column's type cannot hold
    that many digits, or the column is not of such a kind."""
    if semantic is SemanticType.CARD_NUMBER and hi >= 10**16:
        return luhn_numbers("400000", 16, n, rng)
    if semantic is SemanticType.NATIONAL_ID and hi >= 10**9:
        return rng.integers(900_000_000, 1_000_000_000, n, dtype=np.int64)
    if semantic is SemanticType.PHONE and hi >= 10**10:
        area = rng.integers(201, 990, n, dtype=np.int64)
        return area * 10_000_000 + 5_550_100 + rng.integers(0, 100, n, dtype=np.int64)
    return None


def start_value(ctx: ColumnContext) -> int:
    """First value of a sequence: the profiled minimum when present, else 1."""
    lo, hi = integer_bounds(ctx.column)
    values = ctx.column.stats.values
    start = 1
    if (
        values is not None
        and isinstance(values.min, int | float)
        and not isinstance(values.min, bool)
    ):
        start = int(values.min)
    return max(lo, min(start, hi - max(ctx.rows, 1) + 1))


@register(LogicalType.INTEGER)
class IntegerSampler(Sampler):
    def sample(self, ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
        col = ctx.column
        lo, hi = integer_bounds(col)
        dist = col.stats.values
        if dist is not None:
            qs, vs = numeric_points(dist)
            raw = np.rint(inverse_cdf(qs, vs, stratified(rng, n)))
        else:
            shaped = personal_numbers(col.semantic, n, rng, hi)
            if shaped is not None:
                return pl.Series(col.name, shaped).cast(ctx.dtype)
            raw = rng.integers(DEFAULT_RANGE[0], DEFAULT_RANGE[1] + 1, n).astype(np.float64)
        values = np.clip(raw, lo, hi).astype(np.int64)
        return pl.Series(col.name, values).cast(ctx.dtype)

    pure_unique = True  # the start value plus the code

    def unique(self, ctx: ColumnContext, codes: np.ndarray, rng: np.random.Generator) -> pl.Series:
        values = start_value(ctx) + codes.astype(np.int64)
        return pl.Series(ctx.column.name, values).cast(ctx.dtype)
