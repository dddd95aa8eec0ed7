"""JSON: small, valid JSON objects as strings."""

from __future__ import annotations

import numpy as np
import polars as pl

from synth.generator.samplers.base import ColumnContext, Sampler, register
from synth.internal.vectors import word_corpus
from synth.model import LogicalType


@register(LogicalType.JSON)
class JsonSampler(Sampler):
    def sample(self, ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
        words = pl.Series(word_corpus(ctx.seed)[2])
        frame = pl.DataFrame(
            {
                "id": rng.integers(1, 100_000, n),
                "tag": words.gather(rng.integers(0, len(words), n)),
                "score": np.round(rng.random(n) * 100, 2),
                "active": rng.random(n) < 0.5,
            }
        )
        out = frame.select(
            pl.concat_str(
                pl.lit('{"id": '),
                pl.col("id").cast(pl.String),
                pl.lit(', "tag": "'),
                pl.col("tag"),
                pl.lit('", "score": '),
                pl.col("score").cast(pl.String),
                pl.lit(', "active": '),
                pl.when(pl.col("active")).then(pl.lit("true")).otherwise(pl.lit("false")),
                pl.lit("}"),
            ).alias(ctx.column.name)
        )
        return out.to_series()
