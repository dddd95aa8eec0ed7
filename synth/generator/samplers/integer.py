"""Integers: inverse CDF through the value distribution, rounded, kept within the column's size."""

from __future__ import annotations

import numpy as np
import polars as pl

from synth._arrow import integer_bounds
from synth.generator.samplers import ColumnContext, Sampler, register
from synth.generator.samplers._common import inverse_cdf, numeric_points
from synth.model import LogicalType

DEFAULT_RANGE = (1, 1000)
"""Values of an integer column without statistics."""


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
            raw = np.rint(inverse_cdf(qs, vs, rng.random(n)))
        else:
            raw = rng.integers(DEFAULT_RANGE[0], DEFAULT_RANGE[1] + 1, n).astype(np.float64)
        values = np.clip(raw, lo, hi).astype(np.int64)
        return pl.Series(col.name, values).cast(ctx.dtype)

    def unique(self, ctx: ColumnContext, codes: np.ndarray, rng: np.random.Generator) -> pl.Series:
        values = start_value(ctx) + codes.astype(np.int64)
        return pl.Series(ctx.column.name, values).cast(ctx.dtype)
