"""Time helpers shared by the age-dependent traits (legacy values, stale rows, backfill gaps)
and the profilers: which column dates a table's rows, instants as query parameters, and
moving generated rows in time without changing the time column's distribution.

Instants inside synth are aware UTC datetimes; a profile stores them as ISO-8601 text.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import polars as pl

from synth.model import Column, LogicalType, Table

__all__ = [
    "TEMPORAL",
    "cdf_points",
    "dated_column",
    "draw_times",
    "expected",
    "frame_literal",
    "is_unique",
    "iso",
    "literal",
    "param",
    "parse_instant",
    "swap",
]

TEMPORAL = frozenset({LogicalType.DATE, LogicalType.DATETIME})
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_US_PER_DAY = 86_400_000_000
_FALLBACK_SPAN = dt.timedelta(days=30)
"""Span drawn from when the time column's statistics hold no instant on the wanted side."""


def dated_column(table: Table, name: str | None) -> Column | None:
    """The column ``name`` of ``table`` when it is a date or timestamp column."""
    if name is None:
        return None
    for col in table.columns:
        if col.name == name and col.type in TEMPORAL:
            return col
    return None


def parse_instant(text: str | None) -> dt.datetime | None:
    """An ISO-8601 date or timestamp as an aware UTC datetime (naive text is UTC)."""
    if not isinstance(text, str):
        return None
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def iso(instant: dt.datetime, column: Column | None = None) -> str:
    """``instant`` as a profile stores values of ``column`` (a date, naive or UTC text)."""
    instant = instant.astimezone(dt.UTC)
    if column is not None and column.type is LogicalType.DATE:
        return instant.date().isoformat()
    if column is not None and not column.timezone:
        return instant.replace(tzinfo=None).isoformat()
    return instant.isoformat()


def param(column: Column, instant: dt.datetime) -> dt.date | dt.datetime:
    """``instant`` as a query parameter compared with ``column``'s values: a date, a naive
    UTC timestamp, or an aware one for ``timestamp with time zone`` columns."""
    instant = instant.astimezone(dt.UTC)
    if column.type is LogicalType.DATE:
        return instant.date()
    return instant if column.timezone else instant.replace(tzinfo=None)


def literal(column: Column, instant: dt.datetime) -> pl.Expr:
    """``instant`` as a polars literal of a generated ``column``'s dtype."""
    from synth.model.arrow import polars_dtype

    return pl.lit(param(column, instant)).cast(polars_dtype(column))


def frame_literal(dtype: pl.DataType, instant: dt.datetime) -> pl.Expr:
    """``instant`` as a polars literal comparable with a source file's column of ``dtype``."""
    instant = instant.astimezone(dt.UTC)
    if dtype == pl.Date:
        return pl.lit(instant.date())
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is None:
        return pl.lit(instant.replace(tzinfo=None)).cast(dtype)
    return pl.lit(instant).cast(dtype)


def _micros(instant: dt.datetime) -> float:
    return float((instant.astimezone(dt.UTC) - _EPOCH) // dt.timedelta(microseconds=1))


def cdf_points(column: Column) -> tuple[np.ndarray, np.ndarray] | None:
    """The profiled distribution of a date or timestamp column as (cumulative share,
    epoch microseconds) arrays, or None without one."""
    dist = column.stats.values
    if dist is None:
        return None
    pts = [(q, parse_instant(v if isinstance(v, str) else None)) for q, v in dist.points()]
    kept = [(q, _micros(v)) for q, v in pts if v is not None]
    if len(kept) < 2:
        return None
    qs = np.array([q for q, _ in kept])
    vs = np.maximum.accumulate(np.array([v for _, v in kept]))
    return qs, vs


def draw_times(
    column: Column,
    n: int,
    rng: np.random.Generator,
    *,
    after: dt.datetime | None = None,
    before: dt.datetime | None = None,
) -> pl.Series:
    """``n`` instants from ``column``'s profiled distribution, restricted to
    ``[after, before)``, as a Series of the column's generated dtype. Where the profile
    holds no instant in that range, they are spread over 30 days next to its bound."""
    from synth.model.arrow import polars_dtype

    lo = _micros(after) if after is not None else None
    hi = _micros(before) - 1 if before is not None else None
    points = cdf_points(column)
    u = rng.random(n)
    if points is not None:
        qs, vs = points
        q_lo = float(np.interp(lo, vs, qs)) if lo is not None else 0.0
        q_hi = float(np.interp(hi, vs, qs)) if hi is not None else 1.0
        if lo is not None and lo >= vs[-1]:
            q_lo = 1.0
        if hi is not None and hi <= vs[0]:
            q_hi = 0.0
    if points is not None and q_hi - q_lo > 1e-9:
        micros = np.interp(q_lo + u * (q_hi - q_lo), qs, vs)
    else:
        span = _FALLBACK_SPAN // dt.timedelta(microseconds=1)
        if hi is not None:
            start = hi - span if lo is None else max(lo, hi - span)
        else:
            start = lo if lo is not None else 0.0
        micros = start + u * span
    if lo is not None:
        micros = np.maximum(micros, lo)
    if hi is not None:
        micros = np.minimum(micros, hi)
    whole = np.rint(micros).astype(np.int64)
    if column.type is LogicalType.DATE:
        days = np.floor_divide(whole, _US_PER_DAY)
        if before is not None:  # a date at or after the day of `before` is not before it
            first = dt.date(1970, 1, 1)
            limit = (before.astimezone(dt.UTC).date() - first).days - 1
            days = np.minimum(days, limit)
        return pl.Series(column.name, days.astype(np.int32)).cast(pl.Date)
    series = pl.Series(column.name, whole).cast(pl.Datetime("us"))
    if column.timezone:
        series = series.dt.replace_time_zone("UTC")
    return series.cast(polars_dtype(column))


def swap(
    series: pl.Series, movers: np.ndarray, partners: np.ndarray, rng: np.random.Generator
) -> tuple[pl.Series, np.ndarray]:
    """``series`` with the values of as many ``movers`` as possible exchanged with those of
    distinct random ``partners`` (row indices), so the column keeps its values; and the
    movers that found no partner."""
    k = min(len(movers), len(partners))
    if k == 0:
        return series, movers
    order = rng.permutation(len(movers))
    moved, rest = movers[order[:k]], movers[order[k:]]
    chosen = rng.choice(partners, size=k, replace=False)
    a, b = series.gather(moved), series.gather(chosen)
    return series.scatter(moved, b).scatter(chosen, a), np.sort(rest)


def is_unique(table: Table, column: str) -> bool:
    """Whether ``column`` alone must hold distinct values (then no value is drawn again)."""
    return (column,) in table.unique or table.primary_key == (column,)


def expected(share: float, n: int, rng: np.random.Generator) -> int:
    """``share * n`` rounded up or down at random, so that its expectation is exact."""
    whole = share * n
    low = math.floor(whole)
    return low + int(rng.random() < whole - low)
