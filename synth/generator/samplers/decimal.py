"""Decimals: inverse CDF, rounded to the scale and kept within the precision."""

from __future__ import annotations

import numpy as np
import polars as pl

from synth.generator.samplers.base import ColumnContext, Sampler, numeric_points, register
from synth.internal.streams import stratified
from synth.internal.vectors import inverse_cdf
from synth.model import LogicalType
from synth.model.arrow import decimal_shape

DEFAULT_RANGE = (0.0, 1000.0)
"""Values of a decimal column without statistics (further limited by its precision)."""


def _limit(ctx: ColumnContext) -> float:
    precision, scale = decimal_shape(ctx.column)
    return 10.0 ** (precision - scale) - 10.0 ** (-scale)


def _to_decimal(ctx: ColumnContext, values: np.ndarray) -> pl.Series:
    _, scale = decimal_shape(ctx.column)
    limit = _limit(ctx)
    values = np.clip(np.round(values, scale), -limit, limit)
    return pl.Series(ctx.column.name, values).cast(ctx.dtype)


@register(LogicalType.DECIMAL)
class DecimalSampler(Sampler):
    def sample(self, ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
        dist = ctx.column.stats.values
        if dist is not None:
            qs, vs = numeric_points(dist)
            values = inverse_cdf(qs, vs, stratified(rng, n))
        else:
            lo, hi = DEFAULT_RANGE
            values = lo + rng.random(n) * min(hi - lo, _limit(ctx))
        return _to_decimal(ctx, values)

    def unique(self, ctx: ColumnContext, codes: np.ndarray, rng: np.random.Generator) -> pl.Series:
        dist = ctx.column.stats.values
        start = float(dist.min) if dist is not None else 1.0
        return _to_decimal(ctx, start + codes.astype(np.float64))
