"""Age-dependent shapes: old rows stuck in a state, columns NULL only before a migration."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import numpy as np
import polars as pl
import sqlalchemy as sa

from synth.internal.vectors import null_at
from synth.model import Column, LogicalType, Table, TraitStat
from synth.traits import register
from synth.traits.base import InjectContext, MeasureContext, RunMemo, TableMeasure, TableTrait
from synth.traits.instants import (
    cdf_points,
    dated_column,
    draw_times,
    expected,
    frame_literal,
    is_unique,
    iso,
    literal,
    param,
    parse_instant,
    swap,
)
from synth.traits.legacy import legacy_rows
from synth.traits.nulls import fill_values

__all__ = ["BUCKETS", "BackfillGap", "Stale"]

_STATUS = re.compile(r"(^|_)(status|state)($|_)", re.IGNORECASE)
MIN_SHIFT = 0.05
"""A status value's share of old rows must differ from all rows' by this much..."""
MIN_Z = 3.0
"""...and by this many standard deviations of a status value independent of age."""

BUCKETS = 40
"""Age buckets of the backfill query: equal shares of the time column's distribution."""
MAX_BACKFILL_COLUMNS = 200
NULL_BEFORE = 0.8
"""A backfill gap is NULL in more than this share of the rows before its boundary..."""
NULL_AFTER = 0.05
"""...and in less than this share after it."""
MIN_SIDE = 0.01
"""Each side of the boundary holds at least this share of the dated rows (and 10 rows)."""


@register
class Stale(TableTrait):
    """**stale**: old rows in a state that should not last (orders `pending` for years).

    Jobs and reports that assume every `pending` row is recent break on them. A
    status-like column (named `status` or `state`, alone or as part of the name, with
    frequent values) of a table with a time column is split by age: older than a year
    before the profile's as-of time, or not. *Measured* from the frequent-value query,
    which also counts each value's old rows (no extra query). A value is stored when it
    is held by at least `--min-count` rows (or declared), has old rows and its share of
    old rows differs from the column's by at least 5 points and 3 standard deviations
    (independent of age it needs no trait). *Stored* as a
    table entry per value with `columns` = (status column, time column), `fraction` = the
    share of all rows that hold the value and are old, `before` = as-of minus 365 days,
    and `detail` = `old_share` (of the value's rows), `column_old_share` (of all rows).
    *Injected* jointly: in each chunk, rows holding the value exchange their time with rows
    of an untracked value (older or newer, as needed) until that share of rows hold the
    value and are old, so the time column keeps its distribution; rows holding a legacy
    value keep theirs. Re-anchoring (`synth generate --as-of`) moves `before` with every
    time, so stale rows stay old.
    """

    name = "stale"
    boost_hint = (
        "a stale state's share is its value's share times the share of its rows that are old; "
        "it cannot be boosted (boost the value's legacy_value instead)"
    )
    family = "lifecycle"
    example = "'pending' and older than a year"

    def describe(self, stat: TraitStat, table: Table, column: Column | None = None) -> str:
        mine = float(stat.detail.get("old_share", 0.0))
        column = float(stat.detail.get("column_old_share", 0.0))
        when = (stat.before or "")[:10]
        return f"{stat.value!r} before {when}: {mine:.0%} of its rows (all rows: {column:.0%})"

    def max_queries(self, table: Table) -> int:
        return 0  # measured from the frequent-value queries

    def measure(self, source: TableMeasure, ctx: MeasureContext) -> list[TraitStat]:
        table = source.table
        time = dated_column(table, ctx.time_column)
        if time is None or table.rows <= 0:
            return []
        out = []
        for col in table.columns:
            ages = ctx.frequent_ages.get(col.name)
            if not ages or not _STATUS.search(col.name) or col.name == time.name:
                continue
            rows = sum(a.rows for a in ages.values())
            old = sum(a.old for a in ages.values())
            if rows <= 0:
                continue
            p = old / rows
            for value, age in ages.items():
                if age.old == 0 or age.rows == 0 or age.rows == rows:
                    continue
                share = age.old / age.rows
                spread = math.sqrt(age.rows * p * (1.0 - p))
                if abs(share - p) < MIN_SHIFT or abs(age.old - age.rows * p) < MIN_Z * spread:
                    continue
                out.append(
                    TraitStat(
                        trait=self.name,
                        fraction=round(age.old / table.rows, 6),
                        value=value,
                        columns=(col.name, time.name),
                        before=iso(ctx.old_before, time),
                        detail={"old_share": round(share, 6), "column_old_share": round(p, 6)},
                    )
                )
        return out

    def carriers(self, table: Table, stat: TraitStat, memo: RunMemo) -> pl.Expr:
        status, name = stat.columns
        time = dated_column(table, name)
        before = parse_instant(stat.before)
        if time is None or before is None:
            return pl.lit(False)
        return (pl.col(status) == pl.lit(stat.value)) & (pl.col(name) < literal(time, before))

    def apply(
        self, frame: pl.DataFrame, table: Table, stat: TraitStat, ctx: InjectContext
    ) -> pl.DataFrame:
        status, name = stat.columns
        time = dated_column(table, name)
        before = parse_instant(stat.before)
        n = frame.height
        if time is None or before is None or n == 0 or not {status, name} <= set(frame.columns):
            return frame
        rng = ctx.rng(status, f"{self.name}={stat.value}")
        target = expected(stat.fraction, n, rng)
        if ctx.chunk == 0:
            target = max(target, min(ctx.min_rows, n))
        tracked = [s.value for s in table.traits if s.trait == self.name and s.columns[0] == status]
        limit = literal(time, before)
        t, s = pl.col(name), pl.col(status)
        masks = frame.select(
            holds=(s == pl.lit(stat.value)).fill_null(False),
            other=(
                ~s.is_in(pl.Series(tracked).cast(frame.schema[status], strict=False).implode())
            ).fill_null(True),
            old=(t < limit).fill_null(False),
            new=(t >= limit).fill_null(False),
            pinned=legacy_rows(table, frame.columns),
        )
        holds, other, old, new, pinned = (masks.get_column(c).to_numpy() for c in masks.columns)
        if int(holds.sum()) < target:
            frame, holds = self._hold(frame, status, stat, holds, other & ~pinned, target, rng)
        have = int((holds & old).sum())
        series = frame.get_column(name)
        if have < target:  # make some newer rows holding the value old
            movers = np.flatnonzero(holds & new & ~pinned)
            movers = rng.choice(movers, size=min(target - have, len(movers)), replace=False)
            series, rest = swap(series, movers, np.flatnonzero(old & other & ~pinned), rng)
            if len(rest) and not is_unique(table, name):
                series = series.scatter(rest, draw_times(time, len(rest), rng, before=before))
        elif have > target:  # make some old rows holding the value newer
            movers = np.flatnonzero(holds & old & ~pinned)
            movers = rng.choice(movers, size=min(have - target, len(movers)), replace=False)
            series, rest = swap(series, movers, np.flatnonzero(new & other & ~pinned), rng)
            if len(rest) and not is_unique(table, name):
                series = series.scatter(rest, draw_times(time, len(rest), rng, after=before))
        return frame.with_columns(series)

    def _hold(
        self,
        frame: pl.DataFrame,
        status: str,
        stat: TraitStat,
        holds: np.ndarray,
        free: np.ndarray,
        target: int,
        rng: np.random.Generator,
    ) -> tuple[pl.DataFrame, np.ndarray]:
        """Free rows given the value until ``target`` rows hold it (a chunk too small to
        hold it that often by chance)."""
        rows = np.flatnonzero(free & ~holds)
        take = min(target - int(holds.sum()), len(rows))
        if take <= 0:
            return frame, holds
        picked = rng.choice(rows, size=take, replace=False)
        holds = holds.copy()
        holds[picked] = True
        series = frame.get_column(status)
        value = pl.Series([stat.value]).cast(series.dtype)
        return frame.with_columns(series.scatter(picked, value.gather([0] * take))), holds


@dataclass(frozen=True)
class _Buckets:
    """Rows and NULLs per age bucket of one column."""

    rows: np.ndarray
    nulls: np.ndarray


@register
class BackfillGap(TableTrait):
    """**backfill_gap**: a column NULL almost only in rows older than some date (added by a
    migration and never backfilled: `users.phone_verified_at` NULL before 2022-03).

    Reports and code that assume the column is always set break on old rows. *Measured*
    with one query per table with a time column and nullable columns: rows and NULLs of
    every nullable column (up to 200) per age bucket, 40 buckets holding equal shares of
    the time column's profiled distribution (`GROUP BY` a `CASE WHEN time < ...` bucket).
    A column is a backfill gap where one boundary splits the buckets into more than 80%
    NULL before and less than 5% after (one mixed bucket between them is allowed; the
    boundary is placed inside it by its NULL share), with at least 1% of the dated rows,
    and 10 rows, on each side. *Stored* as a table entry with `columns` = (column, time
    column), `before` = the boundary, `fraction` = the share of rows that are NULL and
    older, and `detail` = `null_before`, `null_after`. *Injected* by making the column NULL
    in each dated row with probability `null_before` before the boundary and `null_after`
    after it; rows that lose their NULL take values of the same column from other rows of
    the chunk (so keys, domains and lengths stay valid; never for unique columns).
    """

    name = "backfill_gap"
    sampled = True
    family = "nulls"
    example = "NULL before a date"

    def describe(self, stat: TraitStat, table: Table, column: Column | None = None) -> str:
        return f"NULL before {stat.before}"

    def measure(self, source: TableMeasure, ctx: MeasureContext) -> list[TraitStat]:
        table = source.table
        time = dated_column(table, ctx.time_column)
        if time is None or table.rows <= 0:
            return []
        cols = [
            c
            for c in table.columns
            if c.nullable
            and 0.0 < c.stats.null_fraction < 1.0
            and c.name != time.name
            and c.name not in table.primary_key
        ][:MAX_BACKFILL_COLUMNS]
        edges = _edges(time)
        if not cols or not edges:
            return []
        names = [c.name for c in cols]

        def sql(src: sa.TableClause) -> sa.Select:
            t = src.c[time.name]
            whens = [(t < param(time, e), i) for i, e in enumerate(edges)]
            bucket = sa.case(*whens, else_=len(edges)).label("b")
            flags = [
                sa.case((src.c[c].is_(None), 1), else_=0).label(f"n{i}")
                for i, c in enumerate(names)
            ]
            inner = sa.select(bucket, *flags).select_from(src).where(t.is_not(None))
            aged = inner.subquery("aged")
            sums = [sa.func.sum(aged.c[f"n{i}"]) for i in range(len(names))]
            return sa.select(aged.c.b, sa.func.count(), *sums).group_by(aged.c.b).order_by(aged.c.b)

        def frame(lf: pl.LazyFrame) -> pl.LazyFrame:
            dtype = lf.collect_schema()[time.name]
            t = pl.col(time.name)
            bucket = pl.sum_horizontal([(t >= frame_literal(dtype, e)).cast(pl.Int64)
                                        for e in edges])  # fmt: skip
            return (
                lf.filter(t.is_not_null())
                .group_by(bucket.alias("\x00b"))
                .agg(pl.len(), *[pl.col(c).is_null().sum() for c in names])
                .sort("\x00b")
            )

        found = source.rows(sql=sql, frame=frame)
        width = len(edges) + 1
        counts = np.zeros(width, dtype=np.int64)
        nulls = np.zeros((len(names), width), dtype=np.int64)
        for row in found:
            b = int(row[0])
            counts[b] += int(row[1])
            nulls[:, b] += [int(v or 0) for v in row[2:]]
        out = []
        for i, name in enumerate(names):
            stat = _gap(_Buckets(counts, nulls[i]), edges, time, table.rows)
            if stat is not None:
                out.append(stat.model_copy(update={"columns": (name, time.name)}))
        return out

    def carriers(self, table: Table, stat: TraitStat, memo: RunMemo) -> pl.Expr:
        name, time_name = stat.columns
        time = dated_column(table, time_name)
        before = parse_instant(stat.before)
        if time is None or before is None:
            return pl.lit(False)
        return pl.col(name).is_null() & (pl.col(time_name) < literal(time, before))

    def apply(
        self, frame: pl.DataFrame, table: Table, stat: TraitStat, ctx: InjectContext
    ) -> pl.DataFrame:
        name, time_name = stat.columns
        time = dated_column(table, time_name)
        before = parse_instant(stat.before)
        n = frame.height
        if time is None or before is None or n == 0 or not {name, time_name} <= set(frame.columns):
            return frame
        col = table.column(name)
        rng = ctx.rng(name, self.name)
        limit = literal(time, before)
        t = pl.col(time_name)
        old = frame.select((t < limit).fill_null(False)).to_series().to_numpy()
        dated = frame.get_column(time_name).is_not_null().to_numpy()
        none_old = ctx.chunk == 0 and ctx.min_rows > 0 and not old.any()
        if none_old and not is_unique(table, time_name):
            row = int(rng.integers(0, n))  # a chunk too small to hold an old row by chance
            frame = frame.with_columns(
                frame.get_column(time_name).scatter([row], draw_times(time, 1, rng, before=before))
            )
            old[row], dated[row] = True, True
        p_before = float(stat.detail.get("null_before", 1.0))
        p_after = float(stat.detail.get("null_after", 0.0))
        want = rng.random(n) < np.where(old, p_before, p_after)
        if ctx.chunk == 0:
            short = min(ctx.min_rows, n) - int((want & old).sum())
            spare = np.flatnonzero(old & ~want)
            if short > 0 and len(spare):
                want[rng.choice(spare, size=min(short, len(spare)), replace=False)] = True
        is_null = frame.get_column(name).is_null().to_numpy()
        to_null = dated & want & ~is_null
        to_fill = dated & ~want & is_null
        series = null_at(frame.get_column(name), np.flatnonzero(to_null))
        frame = frame.with_columns(series)
        if to_fill.any() and not is_unique(table, name):
            keep = ~is_null & ~to_null
            cohort = next((s.columns[0] for s in table.traits if s.trait == "cohort"), None)
            frame = frame.with_columns(
                fill_values(frame, col, np.flatnonzero(to_fill), keep, ctx, rng, group=cohort)
            )
        return frame


def _edges(time: Column) -> list[dt.datetime]:
    """Instants splitting the time column's profiled distribution into :data:`BUCKETS`
    equal shares (fewer where instants repeat)."""
    points = cdf_points(time)
    if points is None:
        return []
    qs, vs = points
    micros = np.interp(np.arange(1, BUCKETS) / BUCKETS, qs, vs)
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    out: list[dt.datetime] = []
    for m in micros:
        edge = epoch + dt.timedelta(microseconds=int(m))
        if time.type is LogicalType.DATE:
            edge = dt.datetime.combine(edge.date(), dt.time(), dt.UTC)
        elif not time.timezone:
            edge = edge.replace(microsecond=0)
        if not out or edge > out[-1]:
            out.append(edge)
    return out


def _gap(b: _Buckets, edges: list[dt.datetime], time: Column, rows: int) -> TraitStat | None:
    """The backfill boundary of one column's buckets, if it has one."""
    total = int(b.rows.sum())
    floor = max(10, MIN_SIDE * total)
    best: tuple[float, int, bool] | None = None
    cum_rows, cum_nulls = np.cumsum(b.rows), np.cumsum(b.nulls)
    width = len(b.rows)
    for k in range(1, width):
        for mixed in (False, True):
            if mixed and k == width - 1:
                continue
            start = k + 1 if mixed else k
            n_before, z_before = cum_rows[k - 1], cum_nulls[k - 1]
            n_after = total - cum_rows[start - 1]
            z_after = int(b.nulls.sum()) - cum_nulls[start - 1]
            if n_before < floor or n_after < floor:
                continue
            nb, na = z_before / n_before, z_after / n_after
            if nb > NULL_BEFORE and na < NULL_AFTER and (best is None or nb - na > best[0]):
                best = (nb - na, k, mixed)
    if best is None:
        return None
    _, k, mixed = best
    start = k + 1 if mixed else k
    n_before, z_before = int(cum_rows[k - 1]), int(cum_nulls[k - 1])
    nb = z_before / n_before
    na = (int(b.nulls.sum()) - int(cum_nulls[start - 1])) / (total - int(cum_rows[start - 1]))
    boundary = edges[k - 1]
    if mixed and b.rows[k] > 0:
        x = float(np.clip((b.nulls[k] / b.rows[k] - na) / (nb - na), 0.0, 1.0))
        upper = edges[k] if k < len(edges) else edges[-1]
        boundary = boundary + (upper - boundary) * x
        z_before += round(x * b.nulls[k])
    return TraitStat(
        trait=BackfillGap.name,
        fraction=round(z_before / rows, 6),
        before=iso(boundary, time),
        detail={"null_before": round(nb, 6), "null_after": round(na, 6)},
    )
