"""Order between two columns of a row: `updated_at >= created_at`, `ends_at > starts_at`."""

from __future__ import annotations

import itertools
from typing import Any, NamedTuple

import numpy as np
import polars as pl
import sqlalchemy as sa

from synth.model import Column, LogicalType, Table, TraitStat
from synth.model.values import round_fraction
from synth.traits import register
from synth.traits._order_exempt import exempt, exempt_frame, exempt_rows, exempt_sql
from synth.traits._order_moves import (
    arrange,
    back,
    cast,
    compare,
    mirrored,
    order_rules,
    pinned,
    plain,
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
    *Injected* last (after every other trait), all orders of a table in one pass
    (:mod:`synth.traits._order_moves`): each group of linked orders (`created_at <=
    updated_at <= deleted_at`) takes a key column (one another trait dates the rows by,
    else the one with the most values), and every other column of the group has its
    values re-paired with the rows in the key's sorted order, so each column keeps its
    values, NULLs and traits' carriers, and `later >= earlier` holds wherever the later
    column's quantiles lie above the earlier one's. Rows where sampling made them cross
    are moved, earliest column first, to a value of their own column just past the bound
    (a column of seven dates keeps its seven), lowering the earlier column where raising
    would leave the later one's range; where a sparse last event (`sell_end_date`) mostly
    falls below it, its NULL rows take the group's later values instead, or, where the
    group holds a key member (`period_start`), its NULLs move to the rows of the latest
    earlier values (the latest periods' invoices are not issued yet; not for a column
    other traits or child tables read the NULLs of). Key members never move. Carriers
    of column traits and instants one import stamped on several columns stay put. Then
    rows short of the breaking share break it by the mirror image of their gap (at most
    a day), where the row's other orders still hold or are short of their own share.
    The cost is a sort per ordered column per chunk. A zero share is checked exactly: no
    generated row breaks the order.
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
        """The table's first order arranges every order of the table at once (they share
        columns: `deleted_at` after both `created_at` and `last_login_at`), see
        :func:`~synth.traits._order_moves.arrange`; then each order with a breaking share
        has that share of its rows broken. A later order applied again (the injector's
        repair pass on a small chunk) only tops its own breaking rows up."""
        stats = [
            stat if s.columns == stat.columns else s
            for s in table.traits
            if s.trait == self.name and len(s.columns) >= 2
        ]
        if not stats or frame.height == 0:
            return frame
        first = stats[0].columns == stat.columns
        if first:
            frame = arrange(frame, table, stats, _anchored(table), ctx.rng("", self.name))
        for each in stats if first else [stat]:
            if each.fraction > 0:
                frame = self._break(frame, table, each, ctx)
        return frame

    def _break(
        self, frame: pl.DataFrame, table: Table, stat: TraitStat, ctx: InjectContext
    ) -> pl.DataFrame:
        """``frame`` with ``stat``'s order broken in its share of the rows: rows holding it
        get the moved value (the later one's, unless another trait dates the rows by it)
        mirrored to the other side of its bound, where every other order of the row still
        holds or is short of its own share; then, if still short, the other column's."""
        later, earlier = stat.columns[:2]
        if later not in frame.columns or earlier not in frame.columns:
            return frame
        op = str(stat.detail.get("op", ">="))
        fixed_columns = _anchored(table)  # the one that dates the rows stays; two keys: both
        ways = [
            way
            for way in (Way(later, earlier, op), Way(earlier, later, FLIP[op]))
            if way.moved not in fixed_columns
        ]
        rng = ctx.rng(f"{later},{earlier}", self.name)
        target = expected(stat.fraction, frame.height, rng)
        if ctx.chunk == 0:
            target = max(target, min(ctx.min_rows, frame.height))
        short = target
        for way in ways:
            frame, short = self._flip(frame, table, stat, ctx, way, target, rng)
            if short <= 0:
                return frame
        if ctx.chunk == 0 and short > 0:  # too few rows hold both where it may break
            for way in ways:
                lone = self._lone(frame, table, stat, ctx, way, short)
                if lone is not frame:
                    return lone
        return frame

    def _flip(
        self,
        frame: pl.DataFrame,
        table: Table,
        stat: TraitStat,
        ctx: InjectContext,
        way: Way,
        target: int,
        rng: np.random.Generator,
    ) -> tuple[pl.DataFrame, int]:
        """Up to ``target`` rows breaking the order by moving ``way.moved``; the rows still
        short after it."""
        later, earlier = stat.columns[:2]
        moved, mop = way.moved, way.op
        a = frame.get_column(moved)
        pair = way.compared(frame)
        if pair is None:
            return frame, 0
        common, ca, cb = pair
        skip = exempt_rows(frame, table, (later, earlier))  # other traits' carriers
        both = (ca.is_not_null() & cb.is_not_null()).to_numpy() & ~skip
        holds = (
            pl.DataFrame({"a": ca, "b": cb})
            .select(compare(pl.col("a"), pl.col("b"), mop).fill_null(True))
            .to_series()
            .to_numpy()
        )
        short = target - int((both & ~holds).sum())
        if short <= 0:
            return frame, short
        # rows breaking another order of the moved column already are that order's carriers
        rules = order_rules(table, moved, (later, earlier))
        busy = ~_keeps(frame, rules)
        good = np.flatnonzero(both & holds & ~busy & ~pinned(frame, table, moved))
        flipped = ca.clone().scatter(good, mirrored(ca.gather(good), cb.gather(good), mop, common))
        fits = good[_keeps(frame.with_columns(back(flipped, a).rename(moved)), rules)[good]]
        if len(fits) < short:  # else one step past the bound, which other orders leave room for
            rest = np.setdiff1d(good, fits)
            step = mirrored(cb.gather(rest), cb.gather(rest), mop, common)
            nearer = flipped.clone().scatter(rest, step)
            near = rest[_keeps(frame.with_columns(back(nearer, a).rename(moved)), rules)[rest]]
            flipped, fits = nearer, np.union1d(fits, near)
        if len(fits) < short:  # then rows breaking another order still short of its share
            spare, room = self._spare(frame, table, moved, (later, earlier), ctx)
            if spare and room > 0:
                test = frame.with_columns(back(flipped, a).rename(moved))
                loose = good[_keeps(test, order_rules(table, moved, (later, earlier), spare))[good]]
                loose = np.setdiff1d(loose, fits)
                size = min(room, short - len(fits), len(loose))  # none past its share
                fits = np.union1d(fits, rng.choice(loose, size=size, replace=False))
        if len(fits) == 0:
            return frame, short
        # rows few other orders need first: the one row of a small chunk holding both
        # `deleted_at` and `last_login_at` stays for their own order to break
        load = self._load(frame, table, (later, earlier))[fits]
        pick = fits[np.lexsort((rng.random(len(fits)), load))]
        extra = np.sort(pick[: min(short, len(fits))])
        ca = ca.clone().scatter(extra, flipped.gather(extra))
        return frame.with_columns(back(ca, a).rename(moved)), short - len(extra)

    def _load(self, frame: pl.DataFrame, table: Table, but: tuple[str, ...]) -> np.ndarray:
        """Per row, how many other orders of ``table`` hold both their columns there."""
        both = [
            pl.col(s.columns[0]).is_not_null() & pl.col(s.columns[1]).is_not_null()
            for s in table.traits
            if s.trait == self.name
            and s.columns[:2] != but
            and all(c in frame.columns for c in s.columns[:2])
        ]
        if not both:
            return np.zeros(frame.height, dtype=np.int64)
        summed = pl.sum_horizontal([b.cast(pl.Int64) for b in both]).alias("\x00n")
        return frame.with_columns(summed).get_column("\x00n").to_numpy()

    def _spare(
        self,
        frame: pl.DataFrame,
        table: Table,
        column: str,
        but: tuple[str, ...],
        ctx: InjectContext,
    ) -> tuple[frozenset, int]:
        """The other orders of ``column`` broken in fewer rows than their share (in a chain,
        `clean_at` before `imported_at` is also before `touched_at`), and how many more
        rows the fullest of them can take."""
        out = []
        room = frame.height
        for s in table.traits:
            if s.trait != self.name or s.columns[:2] == but or column not in s.columns[:2]:
                continue
            if s.fraction > 0 and all(c in frame.columns for c in s.columns[:2]):
                broken = frame.select(self.carriers(table, s, {}).fill_null(False).sum()).item()
                share = int(s.fraction * frame.height)
                if ctx.chunk == 0:  # the forced floor of a small fixture
                    share = max(share, min(ctx.min_rows, frame.height))
                if broken < share:
                    out.append(s.columns[:2])
                    room = min(room, share - broken)
        return frozenset(out), room

    def _lone(
        self,
        frame: pl.DataFrame,
        table: Table,
        stat: TraitStat,
        ctx: InjectContext,
        way: Way,
        count: int,
    ) -> pl.DataFrame:
        """``frame`` with up to ``count`` rows that hold ``fixed`` but not ``moved`` given a
        moved value just past the wrong side of it, where every other order still holds
        (the breaking rows of a small chunk whose rows holding both are bound by other
        orders)."""
        moved = way.moved
        pair = way.compared(frame)
        if pair is None or not table.column(moved).nullable:
            return frame
        common, ca, cb = pair
        a = frame.get_column(moved)
        skip = exempt_rows(frame, table, stat.columns[:2])
        lone = np.flatnonzero(ca.is_null().to_numpy() & cb.is_not_null().to_numpy() & ~skip)
        if len(lone) == 0:
            return frame
        values = mirrored(cb.gather(lone), cb.gather(lone), way.op, common)
        ca = ca.clone().scatter(lone, values)
        test = frame.with_columns(back(ca, a).rename(moved))
        ok = _keeps(test, order_rules(table, moved, stat.columns[:2]))[lone]
        if not ok.any():
            return frame
        rng = ctx.rng(",".join(stat.columns[:2]), self.name, "lone")
        rows = np.sort(rng.choice(lone[ok], size=min(count, int(ok.sum())), replace=False))
        return frame.with_columns(
            back(plain(a, common).clone().scatter(rows, ca.gather(rows)), a).rename(moved)
        )


class Way(NamedTuple):
    """How an order is broken: ``moved``'s values go to the wrong side of ``fixed``'s, so
    that ``moved op fixed`` no longer holds."""

    moved: str
    fixed: str
    op: str

    def compared(self, frame: pl.DataFrame) -> tuple[pl.DataType, pl.Series, pl.Series] | None:
        """(the type both compare as, ``moved`` and ``fixed`` in it), or None when they do
        not compare (a number against a date)."""
        a, b = frame.get_column(self.moved), frame.get_column(self.fixed)
        if a.dtype != b.dtype and not (temporal(a.dtype) and temporal(b.dtype)):
            return None
        common = pl.Datetime("us") if a.dtype != b.dtype else plain(a, a.dtype).dtype
        return common, plain(a, common), plain(b, common)


def _keeps(frame: pl.DataFrame, rules: pl.Expr) -> np.ndarray:
    """``rules`` over ``frame``'s rows."""
    return frame.with_columns(rules.alias("\x00ok")).get_column("\x00ok").to_numpy()


def _anchored(table: Table) -> set[str]:
    """Columns other traits date the rows by (moving them would move those traits), and
    members of a primary or unique key (moving one between rows would repeat a key:
    `(account_id, period_start)`)."""
    out = {c for key in (table.primary_key, *table.unique) for c in key}
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
