"""MySQL/MariaDB ``SET`` columns: subsets of the members, joined by commas in declared order,
never longer than the column (so never truncated by the database)."""

from __future__ import annotations

import numpy as np
import polars as pl

from synth.generator.samplers.base import SHAPES, ColumnContext, Sampler
from synth.model import Column

MEMBER_SHARE = 0.3
"""The chance that a made-up value holds each member."""


class SetSampler(Sampler):
    def claims(self, col: Column) -> bool:
        return col.members is not None

    def sample(self, ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
        members = list(ctx.column.members or ())
        limit = ctx.column.length
        held = rng.random((n, len(members))) < MEMBER_SHARE
        out = []
        for row in held:
            chosen = [m for m, keep in zip(members, row, strict=True) if keep]
            while chosen and limit is not None and len(",".join(chosen)) > limit:
                chosen.pop()
            out.append(",".join(chosen))
        return pl.Series(ctx.column.name, out, dtype=pl.String)


SHAPES["set"] = SetSampler()
