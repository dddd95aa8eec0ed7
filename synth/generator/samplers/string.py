"""Strings: word-like text with lengths from the length distribution, never over ``length``."""

from __future__ import annotations

import numpy as np
import polars as pl

from synth.errors import UsageError
from synth.generator.samplers import ColumnContext, Sampler, register
from synth.generator.samplers._common import base36, base36_width, draw_lengths, string_series, text
from synth.model import LogicalType

_MULTIPLIER = 1_000_003  # prime, so coprime to 36**width


def scramble(codes: np.ndarray, width: int) -> np.ndarray:
    """A bijection of ``0 .. 36**width - 1`` that makes consecutive codes look unrelated."""
    space = 36**width
    if space * _MULTIPLIER >= 2**63:
        return codes
    return (codes.astype(np.int64) * _MULTIPLIER + space // 3) % space


DEFAULT_LENGTHS = (5, 24)
"""Lengths of a string column without length statistics."""


@register(LogicalType.STRING)
class StringSampler(Sampler):
    def sample(self, ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
        col = ctx.column
        lengths = draw_lengths(col.stats.lengths, n, rng, cap=col.length, default=DEFAULT_LENGTHS)
        return text(lengths, rng, ctx.seed, col.name)

    def unique(self, ctx: ColumnContext, codes: np.ndarray, rng: np.random.Generator) -> pl.Series:
        return unique_strings(ctx, codes, rng)


def unique_strings(ctx: ColumnContext, codes: np.ndarray, rng: np.random.Generator) -> pl.Series:
    """Distinct strings: word-like text ending in a fixed-width base-36 rendering of the code.

    Equal strings have equal lengths, hence equal prefix lengths and equal codes.
    """
    col = ctx.column
    width = base36_width(max(ctx.rows, int(codes.max()) + 1 if len(codes) else 1))
    if col.length is not None and col.length < width:
        raise UsageError(
            f"{ctx.where}: cannot make {ctx.rows} unique values of at most "
            f"length={col.length!r} characters; generate fewer rows"
        )
    n = len(codes)
    lengths = draw_lengths(col.stats.lengths, n, rng, cap=col.length, default=DEFAULT_LENGTHS)
    prefix_lengths = np.maximum(lengths - width, 0)
    prefix = text(prefix_lengths, rng, ctx.seed)
    digits = base36(scramble(codes, width), width)
    code = string_series(digits.ravel(), np.full(n, width, dtype=np.int64))
    return (prefix + code).rename(col.name)
