"""Booleans: the frequent values carry the shape; other values are fair coin flips."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from synth.generator.samplers.base import ColumnContext, Sampler, register
from synth.model import LogicalType, Scalar

_TRUE = {True, "1", "t", "true", "y", "yes", "on"}
_FALSE = {False, "0", "f", "false", "n", "no", "off"}


@register(LogicalType.BOOLEAN)
class BooleanSampler(Sampler):
    def sample(self, ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
        return pl.Series(ctx.column.name, rng.random(n) < 0.5)

    def convert(self, ctx: ColumnContext, values: Sequence[Scalar]) -> pl.Series:
        norm = [v.strip().lower() if isinstance(v, str) else v for v in values]
        out = [v in _TRUE for v in norm if v in _TRUE or v in _FALSE]
        return pl.Series(ctx.column.name, out, dtype=pl.Boolean)
