"""Arrays: as many elements per row as the profiled element counts, each made by the
element type's own sampler (or drawn from the declared domain of an enum array)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import polars as pl
import pyarrow as pa

from synth.generator.samplers.base import (
    ColumnContext,
    Sampler,
    draw_lengths,
    register,
    sampler_for,
)
from synth.model import LogicalType, Scalar
from synth.model.arrow import arrow_type

DEFAULT_ELEMENTS = (0, 3)
"""Element counts when the profile holds no distribution of them."""


@register(LogicalType.ARRAY)
class ArraySampler(Sampler):
    def sample(self, ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
        col = ctx.column
        element = col.element()
        counts = draw_lengths(col.stats.lengths, n, rng, cap=None, default=DEFAULT_ELEMENTS)
        total = int(counts.sum())
        element_ctx = replace(ctx, column=element)
        items = sampler_for(element)
        if col.domain:
            allowed = items.convert(element_ctx, list(col.domain))
            values = allowed.gather(rng.integers(0, len(allowed), total))
        else:
            values = items.sample(element_ctx, total, rng)
        offsets = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        flat = values.cast(element_ctx.dtype).to_arrow().cast(arrow_type(element))
        lists = pa.LargeListArray.from_arrays(pa.array(offsets), flat)
        return pl.Series(col.name, lists).cast(ctx.dtype)

    def convert(self, ctx: ColumnContext, values: Sequence[Scalar]) -> pl.Series:
        return pl.Series(ctx.column.name, [], dtype=ctx.dtype)  # a profile lists no arrays
