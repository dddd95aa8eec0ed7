"""NULL patterns: columns that are NULL together far more often than chance."""

from __future__ import annotations

import itertools
import math

import numpy as np
import polars as pl
import sqlalchemy as sa

from synth.internal.vectors import null_at
from synth.model import Column, Table, TraitStat
from synth.traits import register
from synth.traits.base import (
    ColumnTrait,
    InjectContext,
    MeasureContext,
    RunMemo,
    TableMeasure,
    TableTrait,
)
from synth.traits.instants import expected, is_unique

__all__ = ["MAX_MASKS", "MAX_NULLABLE", "NullPattern", "fill_values"]

MAX_NULLABLE = 16
"""Nullable columns whose NULL masks are counted (those with the most NULLs first)."""
MAX_MASKS = 20
"""Most frequent masks returned by the query."""
MIN_LIFT = 1.5
"""A set of columns is a pattern when, however it is split in two parts, it is NULL as a
whole at least this many times as often as two independent parts would be..."""
MIN_Z = 4.0
"""...and by at least this many standard deviations of that independent count."""


def nullable_columns(table: Table) -> list[Column]:
    """Columns that hold some NULLs and some values (keys excluded), at most
    :data:`MAX_NULLABLE`, those with the most NULLs first, then in table order."""
    cols = [
        c
        for c in table.columns
        if c.nullable and 0.0 < c.stats.null_fraction < 1.0 and c.name not in table.primary_key
    ]
    ranked = sorted(cols, key=lambda c: -c.stats.null_fraction)[:MAX_NULLABLE]
    return [c for c in cols if c in ranked]


def fill_values(
    frame: pl.DataFrame,
    column: Column,
    rows: np.ndarray,
    keep: np.ndarray,
    ctx: InjectContext,
    rng: np.random.Generator,
    group: str | None = None,
) -> pl.Series:
    """Column ``column`` of ``frame`` with non-NULL values put in ``rows`` (indices): values
    of the same column in other rows of the chunk where ``keep`` (a mask of rows whose value
    stays) is set, so keys, domains and lengths stay valid; without any, fresh values from
    the column's statistics. ``group``: a column whose equal values make a row's donors
    where it has any (`tenant_id`: a row of a legacy tenant takes a legacy tenant's value,
    so a cohort keeps its own value set)."""
    series = frame.get_column(column.name)
    if len(rows) == 0:
        return series
    donors = np.flatnonzero(keep & series.is_not_null().to_numpy())
    plain = donors[~_carriers(frame, column)[donors]] if len(donors) else donors
    if len(plain):  # copying a carrier of a rare trait would inflate its share
        donors = plain
    if len(donors):
        picks = donors[rng.integers(0, len(donors), len(rows))]
        if group is not None and group in frame.columns:
            picks = _same_group(frame.get_column(group), rows, donors, picks, rng)
        values = series.gather(picks)
    else:
        copy = column.model_copy(update={"stats": column.stats.non_null()})
        values = ctx.sample(copy, len(rows), f"fill:{column.name}").cast(series.dtype)
    return series.scatter(rows, values)


def _same_group(
    labels: pl.Series,
    rows: np.ndarray,
    donors: np.ndarray,
    picks: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """``picks`` (a donor per row) replaced by a random donor of the row's own group where
    that group has one."""
    keys = labels.rank("dense").fill_null(0).to_numpy().astype(np.int64)
    order = donors[np.argsort(keys[donors], kind="stable")]
    sorted_keys = keys[order]
    lo = np.searchsorted(sorted_keys, keys[rows], side="left")
    hi = np.searchsorted(sorted_keys, keys[rows], side="right")
    has = (hi > lo) & (keys[rows] > 0)
    at = lo + (rng.random(len(rows)) * (hi - lo)).astype(np.int64)
    return np.where(has, order[np.minimum(at, len(order) - 1)], picks)


def _carriers(frame: pl.DataFrame, column: Column) -> np.ndarray:
    """Rows of ``frame`` whose value of ``column`` carries one of the column's traits."""
    from synth.traits import get

    exprs = []
    for stat in column.stats.traits:
        trait = get(stat.trait)
        if isinstance(trait, ColumnTrait) and trait.shape_value and stat.fraction >= 0.5:
            continue  # a shape most values have (a mask, a delimiter) is no rare trait
        if isinstance(trait, ColumnTrait):
            exprs.append(trait.carriers(pl.col(column.name), column, stat).fill_null(False))
    if not exprs:
        return np.zeros(frame.height, dtype=bool)
    return frame.select(pl.any_horizontal(exprs)).to_series().to_numpy()


def _splits(columns: frozenset[str]) -> list[frozenset[str]]:
    """One side of every split of ``columns`` into two non-empty parts (each split once)."""
    first, *rest = sorted(columns)
    out = []
    for size in range(len(rest)):
        for others in itertools.combinations(rest, size):
            out.append(frozenset((first, *others)))
    return out


MAX_SUBSETS_OF = 6
"""A mask NULL in at most this many columns offers all its subsets as candidates; a bigger
one, itself and itself less one column."""


def _candidates(masks: list[tuple[frozenset[str], int]]) -> set[frozenset[str]]:
    """Sets of two or more columns that may be NULL together: the NULL sets of the top
    masks and their subsets (a pattern hides inside a mask that also holds an unrelated,
    mostly NULL column such as ``deleted_at``)."""
    out: set[frozenset[str]] = set()
    for mask, _ in masks:
        if len(mask) < 2:
            continue
        if len(mask) <= MAX_SUBSETS_OF:
            names = sorted(mask)
            for size in range(2, len(names) + 1):
                out.update(frozenset(c) for c in itertools.combinations(names, size))
        else:
            out.add(mask)
            out.update(mask - {c} for c in mask)
    return out


def _depends(hits: float, part: float, share: float) -> bool:
    """Whether ``hits`` rows NULL in a whole pattern are more than chance, given ``part``
    rows NULL in one part of it and a ``share`` of all rows NULL in the other part."""
    chance = part * share
    spread = math.sqrt(part * share * (1.0 - share))
    return hits >= MIN_LIFT * chance and hits - chance >= MIN_Z * max(spread, 1.0)


@register
class NullPattern(TableTrait):
    """**null_pattern**: columns that are NULL together (`phone` and `phone_verified_at`, or
    every address column of a guest checkout) far more often than their own NULL shares
    would make them by chance.

    Code that checks one of them and then uses the other breaks on these rows. *Measured*
    with one query per table with two or more nullable columns: the `CASE WHEN col IS NULL
    THEN 1 ELSE 0 END` flags of up to 16 nullable columns (those with the most NULLs),
    `GROUP BY` the flags, the 20 most frequent masks. A set of two or more columns that is
    exactly the NULL set of one of those masks is stored when, however it is split in two
    parts, it is NULL as a whole at least 1.5 times as often as two independent parts
    would be, and by at least 4 standard deviations (so two independent patterns, or a
    pattern and an independent column, do not make a bigger one). Subsets of a mask's NULL
    set are candidates too (of masks NULL in up to 6 columns; of bigger ones, the set less
    one column), so a pattern is found inside masks where an unrelated, mostly NULL
    column (`deleted_at`) is also NULL; a subset of a stored pattern is not stored again.
    *Stored* as a table entry with `columns` = the columns NULL together and `fraction` =
    the share of rows where all of them are NULL. *Injected* jointly: rows are added until
    the pattern holds at that share, chosen first among rows where most of its columns are already
    NULL; then, so that each column keeps its own NULL share, as many rows where the
    column is NULL outside every pattern of it get a value again (taken from other rows
    of the same column). Columns of a `backfill_gap` are left as that trait made them:
    the pattern is only completed in rows where they are NULL.
    """

    name = "null_pattern"
    sampled = True
    family = "nulls"
    example = "NULL together"

    def describe(self, stat: TraitStat, table: Table, column: Column | None = None) -> str:
        return f"NULL together: {', '.join(stat.columns)}"

    def max_queries(self, table: Table) -> int:
        return 1 if len(nullable_columns(table)) >= 2 and table.rows > 0 else 0

    def measure(self, source: TableMeasure, ctx: MeasureContext) -> list[TraitStat]:
        table = source.table
        cols = nullable_columns(table)
        if len(cols) < 2 or table.rows <= 0:
            return []
        names = [c.name for c in cols]
        flags = [f"m{i}" for i in range(len(cols))]

        def sql(src: sa.TableClause) -> sa.Select:
            marks = [
                sa.case((src.c[name].is_(None), 1), else_=0).label(flag)
                for name, flag in zip(names, flags, strict=True)
            ]
            inner = sa.select(*marks).select_from(src).subquery("masks")
            keys = [inner.c[flag] for flag in flags]
            n = sa.func.count().label("n")
            return (
                sa.select(*keys, n)
                .group_by(*keys)
                .order_by(sa.desc(n), *[sa.desc(k) for k in keys])
                .limit(MAX_MASKS)
            )

        def frame(lf: pl.LazyFrame) -> pl.LazyFrame:
            marks = [
                pl.col(name).is_null().cast(pl.Int64).alias(flag)
                for name, flag in zip(names, flags, strict=True)
            ]
            return (
                lf.select(marks)
                .group_by(flags)
                .agg(pl.len().alias("\x00n"))
                .sort(["\x00n", *flags], descending=True)
                .head(MAX_MASKS)
            )

        masks = [
            (
                frozenset(n for n, f in zip(names, row[:-1], strict=True) if int(f or 0)),
                int(row[-1]),
            )
            for row in source.rows(sql=sql, frame=frame)
        ]
        return self._patterns(masks, cols, table.rows)

    def _patterns(
        self, masks: list[tuple[frozenset[str], int]], cols: list[Column], rows: int
    ) -> list[TraitStat]:
        share = {c.name: c.stats.null_fraction for c in cols}
        order = {c.name: i for i, c in enumerate(cols)}

        counted: dict[frozenset[str], float] = {}

        def together(names: frozenset[str]) -> float:
            """Rows where all of ``names`` are NULL (a lower bound: the top masks only)."""
            if names not in counted:
                if len(names) == 1:
                    counted[names] = rows * share[next(iter(names))]
                else:
                    counted[names] = float(sum(count for m, count in masks if names <= m))
            return counted[names]

        out: list[TraitStat] = []
        found: list[frozenset[str]] = []
        for cand in sorted(_candidates(masks), key=lambda m: (-len(m), sorted(m))):
            if any(cand <= f for f in found):
                continue  # part of a bigger pattern already stored
            hits = together(cand)
            if all(_depends(hits, together(a), together(cand - a) / rows) for a in _splits(cand)):
                found.append(cand)
                out.append(
                    TraitStat(
                        trait=self.name,
                        fraction=round(hits / rows, 6),
                        columns=tuple(sorted(cand, key=order.__getitem__)),
                    )
                )
        return out

    def carriers(self, table: Table, stat: TraitStat, memo: RunMemo) -> pl.Expr:
        return pl.all_horizontal([pl.col(c).is_null() for c in stat.columns])

    def apply(
        self, frame: pl.DataFrame, table: Table, stat: TraitStat, ctx: InjectContext
    ) -> pl.DataFrame:
        cols = [c for c in stat.columns if c in frame.columns]
        n = frame.height
        if len(cols) != len(stat.columns) or n == 0:
            return frame
        if not all(table.column(c).nullable for c in cols):
            return frame
        fixed = {s.columns[0] for s in table.traits if s.trait == "backfill_gap" and s.columns}
        rng = ctx.rng(",".join(cols), self.name)
        target = expected(stat.fraction, n, rng)
        if ctx.chunk == 0:
            target = max(target, min(ctx.min_rows, n))
        nulls = np.column_stack([frame.get_column(c).is_null().to_numpy() for c in cols])
        have = nulls.all(axis=1)
        need = target - int(have.sum())
        if need <= 0:
            return frame
        ok = np.ones(n, dtype=bool)
        for i, c in enumerate(cols):
            if c in fixed:
                ok &= nulls[:, i]
        free = np.flatnonzero(ok & ~have)
        if len(free) == 0:
            return frame
        # rows with most of the pattern already NULL first, at random among equals
        already = nulls[free].sum(axis=1)
        order = np.lexsort((rng.random(len(free)), -already))
        chosen = np.sort(free[order[:need]])
        added = {c: chosen[~nulls[chosen, i]] for i, c in enumerate(cols) if c not in fixed}
        taken = {c: frame.get_column(c).gather(idx) for c, idx in added.items()}
        frame = frame.with_columns(
            [null_at(frame.get_column(c), idx) for c, idx in added.items() if len(idx)]
        )
        return self._rebalance(frame, table, added, taken, ctx, rng)

    def _rebalance(
        self,
        frame: pl.DataFrame,
        table: Table,
        added: dict[str, np.ndarray],
        taken: dict[str, pl.Series],
        ctx: InjectContext,
        rng: np.random.Generator,
    ) -> pl.DataFrame:
        """Give values back to as many NULL rows of each column as the pattern added, in
        rows that carry no pattern of that column: the very values the pattern took, so
        the column keeps its values (a parent keeps its only child)."""
        patterns = [s for s in table.traits if s.trait == self.name]
        for name, idx in added.items():
            if len(idx) == 0 or is_unique(table, name):
                continue
            held = [
                self.carriers(table, s, ctx.memo)
                for s in patterns
                if name in s.columns and all(c in frame.columns for c in s.columns)
            ]
            inside = np.zeros(frame.height, dtype=bool)
            if held:
                inside = frame.select(pl.any_horizontal(held)).to_series().to_numpy()
            is_null = frame.get_column(name).is_null().to_numpy()
            spare = np.flatnonzero(is_null & ~inside)
            if len(spare) == 0:
                continue
            back = np.sort(rng.choice(spare, size=min(len(idx), len(spare)), replace=False))
            moved = taken[name].gather(rng.permutation(len(idx))[: len(back)])
            series = frame.get_column(name)
            frame = frame.with_columns(series.scatter(back, moved.cast(series.dtype)))
        return frame
