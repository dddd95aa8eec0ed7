"""Opaque columns (types synth does not understand) are generated as NULL."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from synth.generator.samplers.base import ColumnContext, Sampler, register
from synth.model import LogicalType, Scalar


@register(LogicalType.OPAQUE)
class OpaqueSampler(Sampler):
    def sample(self, ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
        return pl.Series(ctx.column.name, [None] * n, dtype=pl.String)

    def convert(self, ctx: ColumnContext, values: Sequence[Scalar]) -> pl.Series:
        return pl.Series(ctx.column.name, [], dtype=pl.String)
