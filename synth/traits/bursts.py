"""Bursts: many rows sharing one exact timestamp (a bulk import, a migration, a backfill)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import numpy as np
import polars as pl
import sqlalchemy as sa

from synth.model import Column, LogicalType, Table, TraitStat
from synth.model.arrow import polars_dtype
from synth.model.values import round_fraction, to_scalar
from synth.traits import register
from synth.traits.base import (
    InjectContext,
    MeasureContext,
    RunMemo,
    TableMeasure,
    TableTrait,
)
from synth.traits.batch import Branch, batched_rows
from synth.traits.sentinels import DAYS, trim_carriers

MIN_ROWS = 10
MIN_SHARE = 0.005
OVER_MEAN = 10
TOP = 5


def _value(column: Column, text: str) -> dt.datetime:
    """A burst's stored instant as a value of the generated column (naive or aware UTC)."""
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.replace(tzinfo=dt.UTC if column.timezone else None)


@register
class Burst(TableTrait):
    """**burst**: many rows sharing one exact timestamp, as a bulk import, a migration or a
    backfill leaves them (`created_at = 2023-03-01 02:00:00` on 12% of the rows).

    Breaks "newest first" orderings and pagination by time (ties), per-minute rate
    limits and dashboards, and tests that assume distinct instants. *Measured* on every
    timestamp column that is not a key or unique, by **one query per table** (a `UNION ALL`
    of one branch per column):
    `SELECT col, COUNT(*) ... WHERE col IS NOT NULL GROUP BY col HAVING COUNT(*) >= :t
    ORDER BY COUNT(*) DESC LIMIT 9` (at most nine rows). The threshold `t` is the
    largest of 10 rows, 0.5% of the table's rows, and ten times the rows an average
    instant of the column holds (non-NULL rows / distinct values), so a column holding
    whole days only is not a burst on every day. Instants on sentinel days (1970-01-01,
    1900-01-01, 9999-12-31, 0001-01-01) are left to `sentinel`; the five largest others
    (each of at least `--min-count` rows) are stored as table traits with `columns: [col]`
    and `value` the instant. *Injected*
    by setting the column to that instant in non-NULL rows up to its share (rows the
    column's distribution already put there count, and other bursts' rows are kept),
    preferring rows whose other columns carry a burst at the same instant, so that one
    import's `created_at` and `updated_at` land on the same rows, then the rows nearest the
    instant (the profiled percentiles already hold the burst's mass, which the column's
    interpolated distribution spreads around it).
    """

    name = "burst"
    sampled = True
    family = "time"
    example = "2023-03-01T02:00:00 on many rows"

    @staticmethod
    def _columns(table: Table) -> list[Column]:
        keys = set(table.primary_key) | {u[0] for u in table.unique if len(u) == 1}
        return [
            c
            for c in table.columns
            if c.type is LogicalType.DATETIME
            and c.name not in keys
            and c.stats.null_fraction < 1
            and c.stats.distinct
        ]

    def max_queries(self, table: Table) -> int:
        return 1 if table.rows and self._columns(table) else 0

    @staticmethod
    def threshold(table: Table, column: Column) -> int:
        """Rows an instant must hold to be a burst."""
        nonnull = table.rows * (1.0 - column.stats.null_fraction)
        mean = nonnull / max(1, column.stats.distinct or 1)
        return max(MIN_ROWS, math.ceil(MIN_SHARE * table.rows), math.ceil(OVER_MEAN * mean))

    def measure(self, source: TableMeasure, ctx: MeasureContext) -> list[TraitStat]:
        table = source.table
        if not table.rows:
            return []
        out = []
        columns = self._columns(table)
        limits = [self.threshold(table, col) for col in columns]
        branches: list[Branch] = [
            (
                lambda src, name=col.name, t=limit: self._sql(src, name, t),
                lambda lf, name=col.name, t=limit: self._frame(lf, name, t),
            )
            for col, limit in zip(columns, limits, strict=True)
        ]
        types = [(sa.DateTime(timezone=bool(col.timezone)), sa.BigInteger()) for col in columns]
        for col, found in zip(columns, batched_rows(source, branches, types), strict=True):
            kept = 0
            for raw, count in sorted(found, key=lambda r: (-int(r[1]), r[0])):
                value = to_scalar(raw, LogicalType.DATETIME)
                if not isinstance(value, str) or dt.date.fromisoformat(value[:10]) in DAYS:
                    continue
                fraction = round_fraction(int(count), table.rows)
                out.append(
                    TraitStat(trait=self.name, fraction=fraction, value=value, columns=(col.name,))
                )
                kept += 1
                if kept == TOP:
                    break
        return out

    @staticmethod
    def _sql(src: Any, name: str, limit: int) -> Any:
        c = src.c[name]
        n = sa.func.count()
        return (
            sa.select(c.label("v"), n.label("n"))
            .select_from(src)
            .where(c.is_not(None))
            .group_by(c)
            .having(n >= limit)
            .order_by(sa.desc("n"), c)
            .limit(TOP + len(DAYS))
        )

    @staticmethod
    def _frame(lf: pl.LazyFrame, name: str, limit: int) -> pl.LazyFrame:
        return (
            lf.select(pl.col(name))
            .drop_nulls()
            .group_by(name)
            .agg(pl.len().alias("__n"))
            .filter(pl.col("__n") >= limit)
            .sort(["__n", name], descending=[True, False])
            .head(TOP + len(DAYS))
        )

    def _equals(self, column: Column, stat: TraitStat) -> pl.Expr:
        value = _value(column, str(stat.value))
        return pl.col(column.name) == pl.lit(value).cast(polars_dtype(column))

    def carriers(self, table: Table, stat: TraitStat, memo: RunMemo) -> pl.Expr:
        return self._equals(table.column(stat.columns[0]), stat)

    def apply(
        self, frame: pl.DataFrame, table: Table, stat: TraitStat, ctx: InjectContext
    ) -> pl.DataFrame:
        name = stat.columns[0]
        if name not in frame.columns or frame.height == 0 or stat.value is None:
            return frame
        col = table.column(name)
        target = round(stat.fraction * frame.height)
        if ctx.chunk == 0:
            target = max(target, min(ctx.min_rows, ctx.rows))
        others = [
            self._equals(col, s)
            for s in table.traits
            if s.trait == self.name and s.columns == stat.columns and s.value is not None
        ]
        taken = frame.select(pl.any_horizontal(others).fill_null(False)).to_series().to_numpy()
        mine = frame.select(self._equals(col, stat).fill_null(False)).to_series().to_numpy()
        series = frame.get_column(name)
        free = np.flatnonzero(series.is_not_null().to_numpy() & ~taken)
        need = min(target - int(mine.sum()), len(free))
        if need < 0:
            return trim_carriers(frame, col, stat, ctx, self._equals(col, stat))
        if need == 0:
            return frame
        # rows already at this instant in another column first: one import sets them all
        along = [
            self._equals(table.column(s.columns[0]), s)
            for s in table.traits
            if s.trait == self.name
            and s.value == stat.value
            and s.columns != stat.columns
            and s.columns[0] in frame.columns
        ]
        first = np.zeros(frame.height, dtype=bool)
        if along:
            first = frame.select(pl.any_horizontal(along).fill_null(False)).to_series().to_numpy()
        rng = ctx.rng(name, f"{self.name}={stat.value}")
        value = pl.Series(name, [_value(col, str(stat.value))]).cast(series.dtype)
        # then the rows nearest the instant: the profiled percentiles already hold the
        # burst's mass, which the column's interpolated distribution spread around it;
        # gathering it back leaves the rest of the distribution where it was
        ticks = series.gather(free).to_physical().cast(pl.Float64).to_numpy()
        instant = float(value.to_physical().cast(pl.Float64)[0])
        order = np.lexsort((rng.random(len(free)), np.abs(ticks - instant), ~first[free]))
        rows = np.sort(free[order[:need]])
        return frame.with_columns(series.scatter(rows, value.gather([0] * need)))
