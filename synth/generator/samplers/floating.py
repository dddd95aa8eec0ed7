"""Floats: inverse CDF through the value distribution."""

from __future__ import annotations

import numpy as np
import polars as pl

from synth.generator.samplers.base import ColumnContext, Sampler, numeric_points, register
from synth.internal.streams import stratified
from synth.internal.vectors import inverse_cdf
from synth.model import LogicalType


@register(LogicalType.FLOAT)
class FloatSampler(Sampler):
    def sample(self, ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
        dist = ctx.column.stats.values
        if dist is not None:
            qs, vs = numeric_points(dist)
            values = inverse_cdf(qs, vs, stratified(rng, n))
        else:
            values = rng.random(n)
        return pl.Series(ctx.column.name, values).cast(ctx.dtype)

    def unique(self, ctx: ColumnContext, codes: np.ndarray, rng: np.random.Generator) -> pl.Series:
        dist = ctx.column.stats.values
        start = float(dist.min) if dist is not None else 0.0
        return pl.Series(ctx.column.name, start + codes.astype(np.float64)).cast(ctx.dtype)
