"""Dates, timestamps and times: inverse CDF in epoch microseconds.

Profile values are ISO-8601 strings; aware timestamps are converted to UTC. Columns
without statistics span the three years before the profile's ``as_of``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import polars as pl

from synth.generator.samplers.base import ColumnContext, Sampler, register
from synth.internal.streams import stratified
from synth.internal.vectors import inverse_cdf
from synth.model import LogicalType, Scalar

US_PER_DAY = 86_400_000_000
_EPOCH = dt.datetime(1970, 1, 1)
DEFAULT_SPAN_DAYS = 3 * 365


def _naive_utc(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def to_micros(kind: LogicalType, value: Scalar) -> int | None:
    """A profile scalar as microseconds (since the epoch, or since midnight for times)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if kind is LogicalType.TIME:
            t = dt.time.fromisoformat(text)
            return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    micros = (_naive_utc(parsed) - _EPOCH) // dt.timedelta(microseconds=1)
    if kind is LogicalType.DATE:
        micros -= micros % US_PER_DAY
    return micros


def micros_points(ctx: ColumnContext) -> tuple[np.ndarray, np.ndarray]:
    """The column's distribution as (cumulative probabilities, epoch microseconds)."""
    kind = ctx.column.type
    dist = ctx.column.stats.values
    if dist is not None:
        pts = [(q, to_micros(kind, v)) for q, v in dist.points()]
        pts = [(q, v) for q, v in pts if v is not None]
        if len(pts) >= 2:
            return np.array([q for q, _ in pts]), np.array([v for _, v in pts], dtype=np.float64)
    if kind is LogicalType.TIME:
        return np.array([0.0, 1.0]), np.array([0.0, float(US_PER_DAY - 1)])
    end = (_naive_utc(ctx.as_of) - _EPOCH) // dt.timedelta(microseconds=1)
    start = end - DEFAULT_SPAN_DAYS * US_PER_DAY
    return np.array([0.0, 1.0]), np.array([float(start), float(end)])


def from_micros(ctx: ColumnContext, micros: np.ndarray) -> pl.Series:
    """Microseconds as a Series of the column's temporal dtype."""
    name = ctx.column.name
    kind = ctx.column.type
    if kind is LogicalType.DATE:
        return pl.Series(name, (micros // US_PER_DAY).astype(np.int32)).cast(pl.Date)
    if kind is LogicalType.TIME:
        micros = np.clip(micros, 0, US_PER_DAY - 1)
        return pl.Series(name, micros * 1000).cast(pl.Time)
    return pl.Series(name, micros).cast(ctx.dtype)


@register(LogicalType.DATE, LogicalType.DATETIME, LogicalType.TIME)
class TemporalSampler(Sampler):
    def sample(self, ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
        qs, vs = micros_points(ctx)
        micros = np.rint(inverse_cdf(qs, vs, stratified(rng, n))).astype(np.int64)
        return from_micros(ctx, micros)

    def convert(self, ctx: ColumnContext, values: Sequence[Scalar]) -> pl.Series:
        micros = [m for m in (to_micros(ctx.column.type, v) for v in values) if m is not None]
        return from_micros(ctx, np.array(micros, dtype=np.int64))

    def unique(self, ctx: ColumnContext, codes: np.ndarray, rng: np.random.Generator) -> pl.Series:
        """Distinct instants: one day (dates), one second (timestamps) or one microsecond
        (times) apart from the profiled minimum."""
        _, vs = micros_points(ctx)
        step = {LogicalType.DATE: US_PER_DAY, LogicalType.DATETIME: 1_000_000}.get(
            ctx.column.type, 1
        )
        return from_micros(ctx, int(vs[0]) + codes.astype(np.int64) * step)
