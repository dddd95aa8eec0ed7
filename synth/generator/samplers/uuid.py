"""UUIDs: uuid4-shaped strings built from the column's random bits, vectorised."""

from __future__ import annotations

import numpy as np
import polars as pl

from synth.generator.samplers.base import ColumnContext, Sampler, register
from synth.internal.vectors import string_series
from synth.model import LogicalType

_HEX = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
_DIGIT_POS = np.array([i for i in range(36) if i not in (8, 13, 18, 23)])


def uuid_strings(raw: np.ndarray, name: str = "") -> pl.Series:
    """Render an (n, 16) uint8 array as version-4, RFC 4122 variant UUID strings."""
    raw = raw.copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    n = len(raw)
    hexes = np.empty((n, 32), dtype=np.uint8)
    hexes[:, 0::2] = _HEX[raw >> 4]
    hexes[:, 1::2] = _HEX[raw & 0x0F]
    out = np.full((n, 36), ord("-"), dtype=np.uint8)
    out[:, _DIGIT_POS] = hexes
    return string_series(out.ravel(), np.full(n, 36, dtype=np.int64), name)


def random_uuids(n: int, rng: np.random.Generator, name: str = "") -> pl.Series:
    """``n`` random uuid4 strings."""
    return uuid_strings(rng.integers(0, 256, (n, 16), dtype=np.uint8), name)


_SCRAMBLE = np.uint64(0x5DEECE66D)  # odd, so x -> x * _SCRAMBLE mod 2**48 is a bijection
_MASK48 = np.uint64((1 << 48) - 1)


def coded_uuids(codes: np.ndarray, rng: np.random.Generator, name: str = "") -> pl.Series:
    """uuid4 strings whose last 48 bits are a bijection of ``codes``: distinct codes give
    distinct UUIDs (for codes below 2**48)."""
    raw = rng.integers(0, 256, (len(codes), 16), dtype=np.uint8)
    c = (codes.astype(np.uint64) * _SCRAMBLE) & _MASK48
    for i in range(6):
        raw[:, 15 - i] = ((c >> np.uint64(8 * i)) & np.uint64(0xFF)).astype(np.uint8)
    return uuid_strings(raw, name)


@register(LogicalType.UUID)
class UuidSampler(Sampler):
    def sample(self, ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
        return random_uuids(n, rng, ctx.column.name)

    def unique(self, ctx: ColumnContext, codes: np.ndarray, rng: np.random.Generator) -> pl.Series:
        return coded_uuids(codes, rng, ctx.column.name)
