"""Binary: random bytes with lengths from the length distribution, never over ``length``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from synth.errors import UsageError
from synth.generator.samplers.base import ColumnContext, Sampler, draw_lengths, register
from synth.internal.vectors import binary_series
from synth.model import LogicalType, Scalar

DEFAULT_LENGTHS = (8, 64)
"""Lengths of a binary column without length statistics."""
CODE_BYTES = 8


@register(LogicalType.BINARY)
class BinarySampler(Sampler):
    def sample(self, ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
        col = ctx.column
        lengths = draw_lengths(col.stats.lengths, n, rng, cap=col.length, default=DEFAULT_LENGTHS)
        data = rng.integers(0, 256, int(lengths.sum()), dtype=np.uint8)
        return binary_series(data, lengths, col.name)

    def convert(self, ctx: ColumnContext, values: Sequence[Scalar]) -> pl.Series:
        return pl.Series(ctx.column.name, [], dtype=pl.Binary)  # binary values are never stored

    def unique(self, ctx: ColumnContext, codes: np.ndarray, rng: np.random.Generator) -> pl.Series:
        """Random bytes ending in the code's 8 bytes (big-endian)."""
        col = ctx.column
        if col.length is not None and col.length < CODE_BYTES:
            raise UsageError(
                f"{ctx.where}: cannot make unique values of at most length={col.length!r} "
                f"bytes; synth needs {CODE_BYTES}"
            )
        n = len(codes)
        lengths = draw_lengths(
            col.stats.lengths, n, rng, cap=col.length, default=DEFAULT_LENGTHS, floor=CODE_BYTES
        )
        data = rng.integers(0, 256, int(lengths.sum()), dtype=np.uint8)
        ends = np.cumsum(lengths)
        code_bytes = codes.astype(">u8").view(np.uint8).reshape(n, CODE_BYTES)
        for i in range(CODE_BYTES):
            data[ends - CODE_BYTES + i] = code_bytes[:, i]
        return binary_series(data, lengths, col.name)
