"""Values that stand for "unknown": sentinel numbers, dates and words, and future timestamps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import polars as pl
import sqlalchemy as sa

from synth.errors import UsageError
from synth.model import Column, LogicalType, Scalar, Table, TraitStat
from synth.model.arrow import integer_bounds
from synth.model.values import round_fraction
from synth.traits import register
from synth.traits._portable import exact, instant
from synth.traits.base import ColumnTrait, InjectContext, MeasureContext, Probe

L = LogicalType
NUMBERS = (0, -1, 9999, 99999, 999999)
DAYS = (dt.date(1970, 1, 1), dt.date(1900, 1, 1), dt.date(9999, 12, 31), dt.date(1, 1, 1))
WORDS = ("N/A", "n/a", "NA", "null", "NULL", "none", "None", "-", "unknown", "Unknown")
NEAR = 5
"""Neighbours looked at on each side of a numeric or date sentinel (values or days)."""
MIN_SHARE = 0.001
"""A sentinel holds at least this share of rows (0.1%)."""
_DAY = dt.timedelta(days=1)
_NO_TIME = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
"""Sentinel probes do not depend on the profile's time."""
_FAR = dt.datetime(9999, 1, 1)
"""Future timestamps stop here: later instants (9999-12-31) are sentinels."""


def _near_key(key: Scalar) -> str:
    return f"~{key}"


def _numbers(column: Column) -> list[int]:
    if column.type is L.INTEGER:
        lo, hi = integer_bounds(column)
        return [v for v in NUMBERS if lo <= v <= hi]
    if column.type is L.DECIMAL and column.precision is not None:
        limit = 10 ** (column.precision - (column.scale or 0))
        return [v for v in NUMBERS if abs(v) < limit]
    return list(NUMBERS)


def _step(column: Column) -> float:
    """The smallest step between values: a cent for ``NUMERIC(12, 2)``, else 1."""
    if column.type is L.DECIMAL and column.scale:
        return float(10**-column.scale)
    return 1.0


def _number_probes(column: Column) -> list[Probe]:
    out = []
    near = NEAR * _step(column)
    for v in _numbers(column):
        lo, hi = v - near, v + near
        out.append(Probe(sql=lambda e, v=v: e == v, frame=lambda e, v=v: e == v, key=v))
        out.append(
            Probe(
                sql=lambda e, v=v, lo=lo, hi=hi: sa.and_(e >= lo, e <= hi, e != v),
                frame=lambda e, v=v, lo=lo, hi=hi: e.is_between(lo, hi) & (e != v),
                key=_near_key(v),
            )
        )
    return out


def _day_range(column: Column, lo: dt.date, hi: dt.date | None) -> Callable[[Any], Any]:
    """SQL: the column's value falls on a day from ``lo`` to ``hi`` (None: no end)."""
    if column.type is L.DATE:
        return lambda e: sa.and_(
            e >= instant(column, lo), *([] if hi is None else [e <= instant(column, hi)])
        )
    end = None if hi is None or hi >= dt.date(9999, 12, 31) else hi + _DAY
    return lambda e: sa.and_(
        e >= instant(column, lo), *([] if end is None else [e < instant(column, end)])
    )


def _shift(day: dt.date, days: int) -> dt.date:
    """``day`` moved by ``days``, kept within the dates Python can hold."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max if days > 0 else dt.date.min


def _day_of(column: Column, e: pl.Expr) -> pl.Expr:
    return e if column.type is L.DATE else _frame_time(column, e).dt.date()


def _day_probes(column: Column) -> list[Probe]:
    out = []
    for day in DAYS:
        key = day.isoformat()
        out.append(
            Probe(
                sql=_day_range(column, day, None if day.year == 9999 else day),
                frame=lambda e, d=day: _day_of(column, e) == d,
                key=key,
            )
        )
        lo, hi = _shift(day, -NEAR), _shift(day, NEAR)
        sides = [_day_range(column, lo, day - _DAY)] if lo < day else []
        sides += [_day_range(column, day + _DAY, hi)] if hi > day else []
        out.append(
            Probe(
                sql=lambda e, sides=sides: sa.or_(*(side(e) for side in sides)),
                frame=lambda e, d=day, lo=lo, hi=hi: (
                    _day_of(column, e).is_between(lo, hi) & (_day_of(column, e) != d)
                ),
                key=_near_key(key),
            )
        )
    return out


def trim_carriers(
    frame: pl.DataFrame, column: Column, stat: TraitStat, ctx: InjectContext, carriers: pl.Expr
) -> pl.DataFrame:
    """The chunk with carriers beyond the measured share given fresh non-carrying values.

    A column's distribution already makes some carriers (a sentinel ``0`` that is the
    bottom 5% of the values, future instants in its tail) before the trait tops up."""
    if column.name not in frame.columns or frame.height == 0:
        return frame
    target = round(stat.fraction * frame.height)
    if ctx.chunk == 0:
        target = max(target, min(ctx.min_rows, ctx.rows))
    mask = frame.select(carriers.fill_null(False)).to_series().to_numpy()
    extra = int(mask.sum()) - target
    if extra <= 0:
        return frame
    label = stat.trait if stat.value is None else f"{stat.trait}={stat.value}"
    rng = ctx.rng(column.name, label, "trim")
    rows = np.sort(rng.choice(np.flatnonzero(mask), size=extra, replace=False))
    stats = column.stats.non_null().model_copy(update={"traits": ()})
    plain = column.model_copy(update={"stats": stats, "nullable": False})
    fresh = ctx.sample(plain, 4 * extra + 16, f"trait:{label}:trim").drop_nulls()
    keep = pl.DataFrame([fresh]).select(~carriers.fill_null(False)).to_series()
    fresh = fresh.filter(keep)[: len(rows)]
    series = frame.get_column(column.name)
    return frame.with_columns(series.scatter(rows[: len(fresh)], fresh.cast(series.dtype)))


class TrimsToShare(ColumnTrait):
    """A column trait whose carriers the column's own statistics already make (the bottom
    of a distribution at ``0``, lengths at 0 or at the maximum, instants in the future):
    after the top-up, carriers beyond the measured share get fresh values."""

    def arrange(
        self, frame: pl.DataFrame, table: Table, column: Column, stat: TraitStat, ctx: InjectContext
    ) -> pl.DataFrame:
        carriers = self.carriers(pl.col(column.name), column, stat)
        return trim_carriers(frame, column, stat, ctx, carriers)


def _constant(value: Scalar, column: Column, like: pl.Series) -> pl.Series:
    n = len(like)
    if column.type is L.DATE:
        return pl.Series(like.name, [dt.date.fromisoformat(str(value))] * n, dtype=pl.Date)
    if column.type is L.DATETIME:
        day = dt.date.fromisoformat(str(value))
        stamp = pl.Series(like.name, [dt.datetime(day.year, day.month, day.day)] * n)
        stamp = stamp.cast(pl.Datetime("us"))
        if column.timezone:
            stamp = stamp.dt.replace_time_zone("UTC")
        return stamp.cast(like.dtype)
    return pl.Series(like.name, [value] * n).cast(like.dtype)


@register
class Sentinel(TrimsToShare):
    """**sentinel**: a value meaning "unknown" that holds an outsized share of rows:
    numbers `0`, `-1`, `9999`, `99999`, `999999`; dates `1970-01-01`, `1900-01-01`,
    `9999-12-31`, `0001-01-01` (on timestamp columns, any time of that day); words
    `'N/A'`, `'n/a'`, `'NA'`, `'null'`, `'NULL'`, `'none'`, `'None'`, `'-'`, `'unknown'`,
    `'Unknown'` (`''` is `empty_string`). Stored once per sentinel, with `value`.

    Breaks averages, age and duration arithmetic, date ranges and "is it set?" checks.
    *Measured* in the aggregate query (no extra query): one `SUM(CASE ...)` per candidate
    (words compared byte for byte on MySQL/MariaDB), and for numbers and dates one more
    counting its neighbours, the values within 5 steps (1, or a cent on `NUMERIC(12, 2)`;
    for dates 5 days) on either side. A candidate is a sentinel when it holds at least 0.1%
    of rows and, for numbers and dates, at least as many rows as its ten neighbours
    together: ten times what a value at that point of the distribution would hold. Not
    measured on key or unique columns. *Injected* by setting generated values to the
    sentinel (a low-cardinality column's frequent values already carry word sentinels); rows
    that the column's distribution already made carriers count towards the share. A boost on
    a column that showed none injects `0`, `1970-01-01` or `'N/A'`.
    """

    name = "sentinel"
    family = "values"
    example = "0 / '1970-01-01' / 'N/A'"
    types = frozenset({L.INTEGER, L.FLOAT, L.DECIMAL, L.DATE, L.DATETIME, L.STRING})

    def probes(self, column: Column, ctx: MeasureContext) -> Sequence[Probe]:
        if column.type is L.STRING:
            return [
                Probe(
                    sql=lambda e, w=w: exact(e) == exact(sa.literal(w)),
                    frame=lambda e, w=w: e == w,
                    key=w,
                )
                for w in WORDS
            ]
        if column.type in (L.DATE, L.DATETIME):
            return _day_probes(column)
        return _number_probes(column)

    def stats(
        self, counts: Mapping[Scalar | None, int], rows: int, column: Column, ctx: MeasureContext
    ) -> list[TraitStat]:
        out = []
        for key, count in counts.items():
            if isinstance(key, str) and key.startswith("~"):
                continue  # a neighbour count
            fraction = round_fraction(count, rows)
            near = counts.get(_near_key(key)) if key is not None else None
            if count > 0 and fraction >= MIN_SHARE and (near is None or count >= near):
                out.append(TraitStat(trait=self.name, fraction=fraction, value=key))
        return out

    @staticmethod
    def _value(column: Column, stat: TraitStat) -> Scalar:
        """The stat's sentinel; a boost on a column that showed none gets the usual one."""
        if stat.value is not None:
            return stat.value
        if column.type is L.STRING:
            return WORDS[0]
        if column.type in (L.DATE, L.DATETIME):
            return DAYS[0].isoformat()
        return (_numbers(column) or [0])[0]

    def carriers(self, expr: pl.Expr, column: Column, stat: TraitStat) -> pl.Expr:
        value = self._value(column, stat)
        for probe in self.probes(
            column, MeasureContext(table="", as_of=_NO_TIME, time_column=None)
        ):
            if probe.key == value:
                return probe.frame(expr).fill_null(False)
        return pl.lit(False)

    def inject(
        self, values: pl.Series, column: Column, stat: TraitStat, rng: np.random.Generator
    ) -> pl.Series:
        return _constant(self._value(column, stat), column, values)

    def nearness(self, values: pl.Series, column: Column, stat: TraitStat) -> np.ndarray | None:
        # the values nearest the sentinel turn into it (a 0 at the bottom of the amounts
        # takes the smallest ones), so the quantiles of the rest stay where they were
        if column.type is L.STRING:
            return None
        value = self._value(column, stat)
        if column.type in (L.DATE, L.DATETIME):
            day = dt.date.fromisoformat(str(value)[:10])
            where = (day - dt.date(1970, 1, 1)).days
            distance = (_frame_time(column, pl.col("v")).dt.epoch("d") - where).abs()
        else:
            distance = (pl.col("v").cast(pl.Float64) - float(value)).abs()
        out = pl.DataFrame({"v": values}).select(-distance.cast(pl.Float64)).to_series()
        return out.fill_null(-np.inf).to_numpy()

    def arrange(
        self, frame: pl.DataFrame, table: Table, column: Column, stat: TraitStat, ctx: InjectContext
    ) -> pl.DataFrame:
        if column.type is L.STRING:
            return frame  # words come from frequent values or injection only
        return super().arrange(frame, table, column, stat, ctx)


BUCKETS = (1, 30, 365, 3650)
"""Days ahead counted for a future timestamp's shape (``detail: beyond_<days>d``)."""
_OPEN_END_DAYS = 36500


def _anchor(column: Column, when: dt.datetime) -> dt.datetime | dt.date:
    """``when`` as values of ``column`` compare with it: its UTC day, UTC, or naive UTC."""
    when = when.astimezone(dt.UTC)
    if column.type is L.DATE:
        return when.date()
    return when if column.timezone else when.replace(tzinfo=None)


def _frame_time(column: Column, e: pl.Expr) -> pl.Expr:
    return e.dt.convert_time_zone("UTC") if column.timezone else e


@register
class FutureTimestamp(TrimsToShare):
    """**future_timestamp**: dates and timestamps after the profile's `as_of` (clock skew,
    scheduled rows, typos such as 2205 for 2025), up to 9999-01-01 (later ones are
    sentinels). Timestamps without a time zone are compared as UTC.

    Breaks "ago" arithmetic, age checks and reports bounded by now. *Measured* in the
    aggregate query (no extra query): `SUM(CASE WHEN col > :as_of ...)`, and the same for
    `as_of` plus 1, 30, 365 and 3650 days. Stored with `detail`: `as_of` (the instant
    compared with), `max_days_ahead` (the first of those bounds no value passes, 36500 if
    all are passed) and `beyond_<N>d`, the share of the carriers more than N days ahead.
    *Injected* as `as_of` plus a random delay drawn from those shares (uniform within a
    band); rows that the column's distribution already put after `as_of` count towards
    the share. A boost on a column that showed none injects instants up to a day after
    its latest value.
    """

    name = "future_timestamp"
    family = "time"
    example = "as_of + 3 days"
    types = frozenset({L.DATE, L.DATETIME})

    def _probes(self, column: Column, as_of: dt.datetime) -> list[Probe]:
        far = instant(column, _FAR)
        out = []
        for key, days in [(None, 0), *((d, d) for d in BUCKETS)]:
            bound = as_of + dt.timedelta(days=days)
            sql_bound, lit = instant(column, bound), _anchor(column, bound)
            out.append(
                Probe(
                    sql=lambda e, b=sql_bound: sa.and_(e > b, e < far),
                    frame=lambda e, b=lit: (
                        (_frame_time(column, e) > b) & (_day_of(column, e) < _FAR.date())
                    ),
                    key=key,
                )
            )
        return out

    def probes(self, column: Column, ctx: MeasureContext) -> Sequence[Probe]:
        return self._probes(column, ctx.as_of)

    def stats(
        self, counts: Mapping[Scalar | None, int], rows: int, column: Column, ctx: MeasureContext
    ) -> list[TraitStat]:
        total = counts.get(None, 0)
        if total <= 0:
            return []
        detail: dict[str, Scalar] = {"as_of": ctx.as_of.astimezone(dt.UTC).isoformat()}
        reached = [d for d in BUCKETS if counts.get(d, 0) > 0]
        detail["max_days_ahead"] = next((d for d in BUCKETS if d not in reached), _OPEN_END_DAYS)
        for days in reached:
            detail[f"beyond_{days}d"] = round_fraction(counts[days], total)
        return [TraitStat(trait=self.name, fraction=round_fraction(total, rows), detail=detail)]

    @staticmethod
    def _as_of(column: Column, stat: TraitStat) -> dt.datetime:
        """The instant carriers are after: the profile's ``as_of`` as measured; for a boost
        on a column that showed none, the column's latest value."""
        text = stat.detail.get("as_of")
        if not isinstance(text, str) and column.stats.values is not None:
            text = column.stats.values.max
        if not isinstance(text, str):
            raise UsageError(
                f"column {column.name!r}: {stat.trait} needs detail.as_of or the column's "
                "latest value; re-profile the source"
            )
        value = dt.datetime.fromisoformat(text)
        return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)

    def carriers(self, expr: pl.Expr, column: Column, stat: TraitStat) -> pl.Expr:
        return self._probes(column, self._as_of(column, stat))[0].frame(expr).fill_null(False)

    def inject(
        self, values: pl.Series, column: Column, stat: TraitStat, rng: np.random.Generator
    ) -> pl.Series:
        n = len(values)
        as_of = self._as_of(column, stat)
        longest = float(stat.detail.get("max_days_ahead", BUCKETS[0]))  # type: ignore[arg-type]
        edges = np.array([0.0, *BUCKETS, max(longest, BUCKETS[-1] + 1.0)])
        beyond = np.array([float(stat.detail.get(f"beyond_{d}d", 0.0)) for d in BUCKETS])  # type: ignore[arg-type]
        band = (rng.random(n)[:, None] < beyond[None, :]).sum(axis=1)
        days = edges[band] + rng.random(n) * (edges[band + 1] - edges[band])
        if column.type is L.DATE:
            first = (as_of.astimezone(dt.UTC).date() - dt.date(1970, 1, 1)).days
            whole = first + np.maximum(1, np.ceil(days)).astype(np.int64)
            return pl.Series(values.name, whole.astype(np.int32)).cast(pl.Date)
        start = (as_of - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) // dt.timedelta(microseconds=1)
        micros = start + np.maximum(1_000_000, np.rint(days * 86_400e6)).astype(np.int64)
        stamps = pl.Series(values.name, micros).cast(pl.Datetime("us"))
        if column.timezone:
            stamps = stamps.dt.replace_time_zone("UTC")
        return stamps.cast(values.dtype)
