"""Order between two columns of a row: `updated_at >= created_at`, `ends_at > starts_at`."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import polars as pl
import sqlalchemy as sa

from synth.model import Column, LogicalType, Table, TraitStat
from synth.model.values import round_fraction
from synth.traits import register
from synth.traits._order_exempt import exempt, exempt_frame, exempt_rows, exempt_sql
from synth.traits._order_moves import (
    back,
    beyond,
    carriers,
    cast,
    compare,
    couple,
    holding,
    mirrored,
    order_rules,
    plain,
    return_carriers,
    swap,
    temporal,
)
from synth.traits.base import InjectContext, MeasureContext, RunMemo, TableMeasure, TableTrait
from synth.traits.instants import expected

__all__ = ["MAX_COLUMNS", "MIN_HOLDS", "ColumnOrder", "order_pairs"]

MAX_COLUMNS = 8
"""Date and timestamp columns compared pairwise per table (those with fewest NULLs)."""
MIN_HOLDS = 0.9
"""A pair is an order when it holds in at least this share of the rows holding both..."""
MIN_BOTH = 10
PASSES = 4
"""Passes over a table's orders per chunk; the last sets what is still out of order."""
"""...and at least this many rows hold both columns."""
_TEMPORAL = (LogicalType.DATE, LogicalType.DATETIME)
_NUMERIC = (LogicalType.INTEGER, LogicalType.FLOAT, LogicalType.DECIMAL)
FLIP = {">": "<", ">=": "<=", "<": ">", "<=": ">="}
_ANCHORS = ("stale", "legacy_value", "backfill_gap")
"""Table traits whose last column is a row's time column, which order does not move (a
burst only needs its instant's share, which exchanging values keeps)."""


def _candidates(table: Table) -> list[tuple[str, str]]:
    """Pairs of columns compared: every two date/timestamp columns (at most
    :data:`MAX_COLUMNS`, no keys) and the two columns of each CHECK comparison between
    numbers or instants."""
    keys = set(table.primary_key) | {c for fk in table.foreign_keys for c in fk.columns}
    dated = [
        c
        for c in table.columns
        if c.type in _TEMPORAL and c.name not in keys and c.stats.null_fraction < 1.0
    ]
    dated = sorted(dated, key=lambda c: c.stats.null_fraction)[:MAX_COLUMNS]
    names = [c.name for c in table.columns if c in dated]
    pairs = list(itertools.combinations(names, 2))
    kinds = {c.name: c.type for c in table.columns}
    for check in table.checks:
        for rule in check.rules:
            if rule.kind != "compare" or not rule.other:
                continue
            a, b = rule.column, rule.other
            ordered = (*_TEMPORAL, *_NUMERIC)
            fresh = (a, b) not in pairs and (b, a) not in pairs
            if kinds.get(a) in ordered and kinds.get(b) in ordered and fresh:
                pairs.append((a, b))
    return pairs


def order_pairs(table: Table) -> list[tuple[str, str]]:
    """The pairs of columns whose order :class:`ColumnOrder` measures on ``table``."""
    return _candidates(table)


def _frame_col(name: str, dtype: pl.DataType | None = None) -> pl.Expr:
    expr = pl.col(name)
    if dtype == pl.Date:
        return expr.cast(pl.Datetime("us"))
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
        return expr.dt.replace_time_zone(None)
    return expr


def _sql_counts(rows: Any, x: Any, y: Any, name: str) -> list[Any]:
    """``SUM``s of ``rows``, of those with ``x > y`` and with ``x = y`` (zeros without rows)."""
    if rows is None:
        return [sa.literal(0).label(f"{k}{name}") for k in "bge"]
    return [
        sa.func.sum(sa.case((cond, 1), else_=0)).label(f"{k}{name}")
        for k, cond in (("b", rows), ("g", sa.and_(rows, x > y)), ("e", sa.and_(rows, x == y)))
    ]


def _frame_counts(rows: pl.Expr, x: pl.Expr, y: pl.Expr, name: str) -> list[pl.Expr]:
    return [
        cond.fill_null(False).cast(pl.Int64).sum().alias(f"{k}{name}")
        for k, cond in (("b", rows), ("g", rows & (x > y)), ("e", rows & (x == y)))
    ]


@register
class ColumnOrder(TableTrait):
    """**column_order**: two columns of a row in an order that production keeps
    (`updated_at >= created_at`, `deleted_at >= created_at`, `ends_at > starts_at`, the
    two sides of a CHECK comparison), and the rows where it is broken (clock skew,
    back-dated imports, a bulk update that rewrote `created_at`).

    Durations computed as `later - earlier` go negative on the breaking rows; code and
    reports that assume the order (sorting by one column and paging by the other,
    "time to ship" histograms) break on them, and fixtures whose `updated_at` falls
    before `created_at` make tests fail that production never would. *Measured* with
    **one** query per table with two or more date/timestamp columns (up to 8, those with
    the fewest NULLs, no keys) or a CHECK comparing two numeric or temporal columns:
    for every pair, `SUM(CASE WHEN a IS NOT NULL AND b IS NOT NULL ...)`, `SUM(CASE WHEN
    a > b ...)` and `SUM(CASE WHEN a = b ...)`. A pair is an order when, of the rows
    holding both (at least 10), at least 90% have one side after the other (strictly,
    `>`, when no row has them equal; else `>=`). *Stored* as a table entry with `columns`
    = (later, earlier), `detail` = `op`, `holds` (the share of the rows holding both
    where the order holds), `both` (the share of all rows holding both), and `fraction`
    = the share of all rows that break the order, leaving out rows carrying a column
    trait of either column (a `1970-01-01` sentinel breaks it on its own account): 0 when
    production always keeps it otherwise. Those rows are exempt from mending and from the
    check too (:mod:`synth.traits._order_exempt`).
    *Injected* last (after every other trait) in the rows holding both: rows breaking
    the order beyond that share get the values of one column (the one no other trait
    dates the rows by, `updated_at` rather than `created_at`) re-paired in sorted order
    with other rows' (so each column keeps its values); a value no re-pairing fixes is
    set to the other column's. Rows short of that share break it by the mirror image of
    their gap. A zero share is checked exactly: no generated row breaks the order.
    """

    name = "column_order"
    family = "time"
    example = "updated_at >= created_at"
    stage = 4

    def describe(self, stat: TraitStat, table: Table, column: Column | None = None) -> str:
        later, earlier = stat.columns[:2]
        op = stat.detail.get("op", ">=")
        holds = float(stat.detail.get("holds", 1.0) or 0.0)
        return f"{later} {op} {earlier} in {holds:.1%} (broken in {stat.fraction:.2%} of rows)"

    def max_queries(self, table: Table) -> int:
        return 1 if _candidates(table) and table.rows > 0 else 0

    def measure(self, source: TableMeasure, ctx: MeasureContext) -> list[TraitStat]:
        table = source.table
        pairs = _candidates(table)
        if not pairs or table.rows <= 0:
            return []

        def sql(src: Any) -> sa.Select:
            sums: list[Any] = [sa.func.count().label("n")]
            for i, (a, b) in enumerate(pairs):
                x, y = src.c[a], src.c[b]
                both = sa.and_(x.is_not(None), y.is_not(None))
                skip = exempt_sql(table, ctx, src, (a, b))
                held = sa.and_(both, skip) if skip is not None else None
                sums += _sql_counts(both, x, y, f"{i}") + _sql_counts(held, x, y, f"x{i}")
            return sa.select(*sums).select_from(src)

        def frame(lf: pl.LazyFrame) -> pl.LazyFrame:
            schema = lf.collect_schema()
            sums: list[pl.Expr] = [pl.len().cast(pl.Int64).alias("n")]
            for i, (a, b) in enumerate(pairs):
                x, y = _frame_col(a, schema.get(a)), _frame_col(b, schema.get(b))
                both = x.is_not_null() & y.is_not_null()
                skip = exempt_frame(table, ctx, (a, b))
                held = both & (skip if skip is not None else pl.lit(False))
                sums += _frame_counts(both, x, y, f"{i}") + _frame_counts(held, x, y, f"x{i}")
            return lf.select(sums)

        found = source.rows(sql=sql, frame=frame)
        if not found:
            return []
        row = [int(v or 0) for v in found[0]]
        rows = row[0] or table.rows
        out = []
        for i, (a, b) in enumerate(pairs):
            counts = row[1 + 6 * i : 7 + 6 * i]
            stat = self._stat(a, b, counts, rows)
            if stat is not None:
                out.append(stat)
        return out

    def _stat(self, a: str, b: str, counts: list[int], rows: int) -> TraitStat | None:
        """The order from ``counts``: rows holding both, ``a > b``, ``a = b``, then the same
        among rows carrying a column trait of either column."""
        both, gt, eq, xboth, xgt, xeq = counts
        if both < MIN_BOTH:
            return None
        lt, xlt = both - gt - eq, xboth - xgt - xeq
        ahead, xahead = (gt, xgt) if gt >= lt else (lt, xlt)
        later, earlier = (a, b) if gt >= lt else (b, a)
        op = ">" if eq == 0 else ">="
        holds = ahead + (eq if op == ">=" else 0)
        if holds < MIN_HOLDS * both:
            return None
        # the order and its direction are the columns' as production holds them; the share
        # leaves out rows another trait's carriers break (generation exempts them too)
        exempt_breaking = xboth - xahead - (xeq if op == ">=" else 0)
        return TraitStat(
            trait=self.name,
            fraction=round_fraction(both - holds - exempt_breaking, rows),
            columns=(later, earlier),
            detail={
                "op": op,
                "holds": round(holds / both, 6),
                "both": round_fraction(both, rows),
            },
        )

    def carriers(self, table: Table, stat: TraitStat, memo: RunMemo) -> pl.Expr:
        later, earlier = stat.columns[:2]
        op = str(stat.detail.get("op", ">="))
        x, y = cast(table, later), cast(table, earlier)
        broken = x.is_not_null() & y.is_not_null() & ~compare(x, y, op).fill_null(True)
        return broken & ~exempt(table, (later, earlier))

    def writes(self, stat: TraitStat) -> tuple[str, ...]:
        return stat.columns[:2]

    def apply(
        self, frame: pl.DataFrame, table: Table, stat: TraitStat, ctx: InjectContext
    ) -> pl.DataFrame:
        """Every order of the table, not only ``stat``'s: they share columns (`deleted_at`
        after both `created_at` and `last_login_at`), so each pass mends them all, and a
        last pass sets the values still out of order to their bound. Once they hold,
        applying again changes nothing."""
        stats = [
            stat if s.columns == stat.columns else s
            for s in table.traits
            if s.trait == self.name and len(s.columns) >= 2
        ]
        if stats and stats[0].columns == stat.columns and frame.height:
            frame = couple(frame, table, _dependencies(table, stats), ctx.rng("", self.name))
        for attempt in range(PASSES):
            changed = False
            for each in stats:
                frame, moved = self._mend(frame, table, each, ctx, last=attempt == PASSES - 1)
                changed |= moved
            if not changed:
                break
        for each in stats:  # a share the last pass undid (one row of a small chunk)
            if each.fraction > 0:
                frame, _ = self._mend(frame, table, each, ctx, last=True, grow_only=True)
        return frame

    def _lone(
        self,
        frame: pl.DataFrame,
        table: Table,
        stat: TraitStat,
        ctx: InjectContext,
        moved: str,
        fixed: str,
        mop: str,
        common: pl.DataType,
        skip: np.ndarray,
    ) -> pl.DataFrame:
        """``frame`` with one row that holds ``fixed`` but not ``moved`` given a moved value
        just past the wrong side of it, where every other order still holds (the breaking
        row of a small chunk whose only rows holding both are bound by other orders)."""
        a, b = frame.get_column(moved), frame.get_column(fixed)
        lone = np.flatnonzero(a.is_null().to_numpy() & b.is_not_null().to_numpy() & ~skip)
        if len(lone) == 0:
            return frame
        cb = plain(b, common)
        values = mirrored(cb.gather(lone), cb.gather(lone), mop, common)
        ca = plain(a, common).scatter(lone, values)
        test = frame.with_columns(back(ca, a).rename(moved))
        rules = order_rules(table, moved, stat.columns[:2]).alias("\x00ok")
        ok = test.with_columns(rules).get_column("\x00ok").to_numpy()[lone]
        if not ok.any():
            return frame
        rng = ctx.rng(",".join(stat.columns[:2]), self.name, "lone")
        row = int(rng.choice(lone[ok]))
        return frame.with_columns(back(plain(a, common).scatter([row], ca[row]), a).rename(moved))

    def _mend(
        self,
        frame: pl.DataFrame,
        table: Table,
        stat: TraitStat,
        ctx: InjectContext,
        last: bool,
        grow_only: bool = False,
    ) -> tuple[pl.DataFrame, bool]:
        """``frame`` with ``stat``'s order broken in its share of the rows, and whether
        anything moved."""
        from synth.traits.pairs import nudge, repair

        later, earlier = stat.columns[:2]
        if later not in frame.columns or earlier not in frame.columns or frame.height == 0:
            return frame, False
        op = str(stat.detail.get("op", ">="))
        moved, fixed, mop = later, earlier, op
        if _moves_earlier(table, later, earlier):
            moved, fixed, mop = earlier, later, FLIP[op]
        a = frame.get_column(moved)
        b = frame.get_column(fixed)
        if a.dtype != b.dtype and not (temporal(a.dtype) and temporal(b.dtype)):
            return frame, False
        common = pl.Datetime("us") if a.dtype != b.dtype else a.dtype
        ca, cb = plain(a, common), plain(b, common)
        skip = exempt_rows(frame, table, (later, earlier))  # other traits' carriers
        both = (ca.is_not_null() & cb.is_not_null()).to_numpy() & ~skip
        holds = (
            pl.DataFrame({"a": ca, "b": cb})
            .select(compare(pl.col("a"), pl.col("b"), mop).fill_null(True))
            .to_series()
            .to_numpy()
        )
        rows = np.flatnonzero(both)
        bad = np.flatnonzero(both & ~holds)
        rng = ctx.rng(f"{later},{earlier}", self.name)
        target = expected(stat.fraction, frame.height, rng) if stat.fraction > 0 else 0
        if ctx.chunk == 0 and stat.fraction > 0:
            target = max(target, min(ctx.min_rows, frame.height))
        if target > len(rows) and ctx.chunk == 0:  # too few rows hold both: give some
            for x, y, xs, _ys, xop in ((ca, cb, a, b, mop), (cb, ca, b, a, FLIP[mop])):
                lone = np.flatnonzero(x.is_null().to_numpy() & y.is_not_null().to_numpy() & ~skip)
                size = min(target - len(rows), len(lone))
                if size > 0:
                    add = np.sort(rng.choice(lone, size=size, replace=False))
                    x = x.scatter(add, mirrored(y.gather(add), y.gather(add), xop, common))
                    return frame.with_columns(back(x, xs).rename(xs.name)), True
        target = min(target, len(rows))
        if len(bad) == target or (grow_only and len(bad) > target):
            return frame, False
        marked = carriers(frame, table, moved)
        if len(bad) > target:
            # carriers of the moved column's own traits (a 1970-01-01 sentinel) stay put
            first = np.lexsort((rng.random(len(bad)), ~marked[bad]))
            keep = np.sort(bad[first[:target]])
            fix = np.setdiff1d(bad, keep)
            if not last:
                held = np.union1d(keep, np.flatnonzero(skip))  # no partner among them
                frame = swap(frame, table, moved, cb, mop in (">", ">="), fix, held, marked, rng)
                ca = plain(frame.get_column(moved), common)
                left = fix[~holding(ca, cb, mop)[fix]]
                if len(left):  # the other column's values of rows without this one
                    lone = ca.is_null().to_numpy()
                    frame = swap(frame, table, fixed, ca, mop in ("<", "<="), left, held,
                                 carriers(frame, table, fixed), rng, among=lone)  # fmt: skip
                    cb = plain(frame.get_column(fixed), common)
                    left = left[~holding(ca, cb, mop)[left]]
                if len(left) and _degree(table, moved) == 1:  # no other order to break
                    pool = np.setdiff1d(rows, np.concatenate([keep, np.flatnonzero(marked)]))
                    ca, still = repair(ca, cb, mop, pool, np.intersect1d(left, pool), rng)
                    left = np.union1d(still, np.setdiff1d(left, pool))
            else:
                ca = plain(frame.get_column(moved), common)
                left = fix
            if len(left):
                column = table.column(moved)
                old = ca.gather(left)
                bound = nudge(cb.gather(left), mop, column, common)
                if a.dtype == pl.Date and common != pl.Date and mop in (">", ">="):
                    up = bound + pl.duration(days=1) - pl.duration(microseconds=1)
                    bound = up.dt.truncate("1d")  # a day past a timestamp, not the day before
                # the column's own nearest value past the bound: a vocabulary keeps its
                # values, and no value leaves the column's range
                plain_values = ca.gather(np.flatnonzero(~marked))  # no trait's carriers
                upward = mop in (">", ">=")
                bound = beyond(plain_values, bound, upward, rng)
                ca = ca.scatter(left, bound)
                frame = frame.with_columns(back(ca, a).rename(moved))
                frame = _within_range(
                    frame, table, moved, fixed, left, mop, common, plain_values, rng
                )
                frame = return_carriers(frame, table, moved, marked, left, old, keep, a)
                ca = plain(frame.get_column(moved), common)
        else:
            good = np.setdiff1d(rows, bad)
            flipped = ca.scatter(good, mirrored(ca.gather(good), cb.gather(good), mop, common))
            test = frame.with_columns(back(flipped, a).rename(moved))
            rules = order_rules(table, moved, (later, earlier)).alias("\x00ok")
            others = test.with_columns(rules).get_column("\x00ok")
            fits = good[others.to_numpy()[good]]  # breaking this order, not another one
            if len(fits) == 0 and ctx.chunk == 0:  # a row holding one of them gets the other
                return self._lone(frame, table, stat, ctx, moved, fixed, mop, common, skip), True
            pick = fits
            extra = np.sort(rng.choice(pick, size=min(target - len(bad), len(pick)), replace=False))
            ca = ca.scatter(extra, flipped.gather(extra))
        return frame.with_columns(back(ca, a).rename(moved)), True


def _within_range(
    frame: pl.DataFrame,
    table: Table,
    moved: str,
    fixed: str,
    rows: np.ndarray,
    op: str,
    common: pl.DataType,
    before: pl.Series,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """``frame`` where the moved value of ``rows`` left the column's range (``before``: its
    values before they were set) (no value of the
    column lies past the other column's there): the moved value becomes the column's
    extreme and the other column's value its own nearest one on the right side, so both
    columns keep to their ranges (a `last_login_at` later than every `deleted_at`); where
    the other column may not move, a nullable moved column is NULL there instead."""
    from synth.traits.pairs import nudge

    a, b = frame.get_column(moved), frame.get_column(fixed)
    ca, cb = plain(a, common), plain(b, common)
    pool = before.drop_nulls()
    if pool.is_empty() or len(rows) == 0:
        return frame
    upward = op in (">", ">=")
    edge = pool.max() if upward else pool.min()
    values = ca.gather(rows)
    out = rows[(values > edge if upward else values < edge).fill_null(False).to_numpy()]
    if len(out) == 0:
        return frame
    held = carriers(frame, table, fixed)[out]
    if fixed in _anchored(table) or _degree(table, fixed) > 1 or held.any():
        # the other column dates the row, is bound by other orders, or carries a trait
        # there: it stays, and a nullable moved column is NULL in those rows instead
        if not table.column(moved).nullable:
            return frame
        return frame.with_columns(back(ca.scatter(out, None), a).rename(moved))
    ca = ca.scatter(out, pl.Series([edge] * len(out)).cast(ca.dtype))
    target = nudge(ca.gather(out), FLIP[op], table.column(fixed), common)
    cb = cb.scatter(out, beyond(cb.drop_nulls(), target, not upward, rng))
    return frame.with_columns(back(ca, a).rename(moved), back(cb, b).rename(fixed))


def _degree(table: Table, column: str) -> int:
    """How many orders of ``table`` bind ``column``."""
    return sum(1 for s in table.traits if s.trait == "column_order" and column in s.columns[:2])


def _moves_earlier(table: Table, later: str, earlier: str) -> bool:
    """Whether the earlier column's values move rather than the later one's: only when
    another trait dates the rows by the later one and not by the earlier one."""
    anchored = _anchored(table)
    return later in anchored and earlier not in anchored


def _dependencies(table: Table, stats: list[TraitStat]) -> dict[str, list[tuple[str, bool]]]:
    """Moved column -> the columns it is ordered against, each with whether it must be
    above (True) or below them."""
    out: dict[str, list[tuple[str, bool]]] = {}
    for stat in stats:
        later, earlier = stat.columns[:2]
        if _moves_earlier(table, later, earlier):
            out.setdefault(earlier, []).append((later, False))
        else:
            out.setdefault(later, []).append((earlier, True))
    return out


def _anchored(table: Table) -> set[str]:
    """Columns other traits date the rows by (moving them would move those traits)."""
    out = set()
    for stat in table.traits:
        if stat.trait in _ANCHORS and stat.columns:
            out.add(stat.columns[-1])
        if stat.trait == "cohort":  # a segment's busiest day is in its own rows
            out.update(k.partition(":")[2] for k in stat.detail if k.startswith("burst:"))
    for col in table.columns:
        for stat in col.stats.traits:
            if stat.trait == "legacy_value" and stat.columns:
                out.add(stat.columns[0])
    return out
