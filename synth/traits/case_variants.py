"""Case variants: string values that collide with another value once case is ignored."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import sqlalchemy as sa

from synth.model import Column, LogicalType, SemanticType, Table, TraitStat
from synth.model.values import round_fraction
from synth.traits import register
from synth.traits._portable import exact, lower_key
from synth.traits.base import (
    InjectContext,
    MeasureContext,
    RunMemo,
    TableMeasure,
    TableTrait,
)
from synth.traits.batch import Branch, batched_rows
from synth.traits.strings import _fit


def _collisions(col: Column) -> list[list[str]]:
    """Groups of a column's frequent values equal but for case, most frequent group first
    (members most frequent first)."""
    groups: dict[str, list[tuple[float, str]]] = {}
    for f in col.stats.frequent:
        if isinstance(f.value, str):
            groups.setdefault(f.value.lower(), []).append((f.fraction, f.value))
    found = [sorted(g, reverse=True) for g in groups.values() if len(g) > 1]
    found.sort(key=lambda g: -sum(share for share, _ in g))
    return [[value for _, value in g] for g in found]


def _case_flip(values: pl.Series, column: Column) -> pl.Series:
    """Each value upper-cased, or lower-cased where that changes nothing."""
    upper = values.str.to_uppercase()
    flipped = upper.zip_with(upper != values, values.str.to_lowercase())
    return _fit(flipped, column, 0)


@register
class CaseVariant(TableTrait):
    """**case_variant**: values equal to another value of the column but for case
    (`'Pro'` / `'pro'` / `'PRO'`, `'Ann@Example.com'` / `'ann@example.com'`); the share
    counts every value of such a group.

    Breaks case-sensitive lookups and joins, and unique checks done case-insensitively
    elsewhere (MySQL collations, `citext`, lower-cased emails). *Measured* per string
    column that is not a key: a low-cardinality column from its frequent values (no
    query: the frequent-value query already tells `'Pro'` and `'pro'` apart); any other
    column whose longest value has at most 255 characters and that is not free text by
    `SELECT SUM(n) FROM (SELECT COUNT(*) n ... WHERE col IS NOT NULL GROUP BY LOWER(col)
    HAVING COUNT(DISTINCT col) > 1)` (byte comparison on MySQL/MariaDB), one row per
    column, all columns in **one query per table** (a `UNION ALL` of one branch each).
    Stored as a table trait with `columns: [col]`.
    *Injected*: a low-cardinality column's frequent values already carry it at their
    shares (chunk 0 makes sure at least `--min-trait-rows` rows carry it, reusing those
    real values); elsewhere pairs of generated values are made to collide, the second of
    each pair set to the first one upper-cased (lower-cased if it already was). A boost
    (`--boost table:case_variant=RATE`) gives more rows the colliding frequent values, or
    makes more pairs. Carriers are counted within each generated chunk.
    """

    name = "case_variant"
    sampled = True
    family = "strings"
    example = "'Pro' / 'pro' / 'PRO'"
    MAX_QUERIED_LENGTH = 255

    def describe(self, stat: TraitStat, table: Table, column: Column | None = None) -> str:
        """The largest group of the column's frequent values that differ only by case
        (values in a profile passed its frequent-value rule), else the trait in words."""
        if not stat.columns:
            return self.summary()
        groups: dict[str, list[str]] = {}
        for f in table.column(stat.columns[0]).stats.frequent:
            if isinstance(f.value, str):
                groups.setdefault(f.value.lower(), []).append(f.value)
        best = max(groups.values(), key=len, default=[])
        return " / ".join(repr(v) for v in best) if len(best) > 1 else self.summary()

    def _candidates(self, table: Table) -> list[Column]:
        keys = {c for fk in table.foreign_keys for c in fk.columns} | set(table.primary_key)
        keys |= {u[0] for u in table.unique if len(u) == 1}
        return [
            c
            for c in table.columns
            if c.type is LogicalType.STRING
            and c.name not in keys
            and c.stats.null_fraction < 1
            and c.derived is None
            # a tsvector's lexemes are lower-cased already, and lower() takes no tsvector
            and c.sql_type.upper() != "TSVECTOR"
        ]

    def _queried(self, col: Column) -> bool:
        lengths = col.stats.lengths
        longest = lengths.max if lengths is not None else None
        return (
            not col.stats.frequent
            and isinstance(longest, int)
            and longest <= self.MAX_QUERIED_LENGTH
            and col.semantic is not SemanticType.FREE_TEXT
        )

    def max_queries(self, table: Table) -> int:
        return 1 if any(self._queried(c) for c in self._candidates(table)) else 0

    def measure(self, source: TableMeasure, ctx: MeasureContext) -> list[TraitStat]:
        table = source.table
        out = []
        queried = [col for col in self._candidates(table) if not col.stats.frequent
                   and self._queried(col)]  # fmt: skip
        branches: list[Branch] = [
            (
                lambda src, name=col.name: self._sql(src, name),
                lambda lf, name=col.name: self._frame(lf, name),
            )
            for col in queried
        ]
        types = [(sa.Numeric(),)] * len(queried)
        found_rows = batched_rows(source, branches, types)
        measured = dict(zip([c.name for c in queried], found_rows, strict=True))
        for col in self._candidates(table):
            if col.stats.frequent:
                carried = {v for group in _collisions(col) for v in group}
                share = sum(f.fraction for f in col.stats.frequent if f.value in carried)
                fraction = round(share, 6)
            elif col.name in measured:
                found = measured[col.name]
                fraction = round_fraction(int(found[0][0] or 0) if found else 0, table.rows)
            else:
                continue
            if fraction > 0:
                out.append(TraitStat(trait=self.name, fraction=fraction, columns=(col.name,)))
        return out

    @staticmethod
    def _sql(src: Any, name: str) -> Any:
        c = src.c[name]
        groups = (
            sa.select(sa.func.count().label("n"))
            .select_from(src)
            .where(c.is_not(None))
            .group_by(lower_key(c))
            .having(sa.func.count(sa.distinct(exact(c))) > 1)
            .subquery("groups")
        )
        return sa.select(sa.func.sum(groups.c.n))

    @staticmethod
    def _frame(lf: pl.LazyFrame, name: str) -> pl.LazyFrame:
        c = pl.col(name).cast(pl.String)
        return (
            lf.select(c)
            .drop_nulls()
            .group_by(c.str.to_lowercase().alias("__key"))
            .agg(pl.len().alias("__n"), c.n_unique().alias("__distinct"))
            .filter(pl.col("__distinct") > 1)
            .select(pl.col("__n").sum())
        )

    def carriers(self, table: Table, stat: TraitStat, memo: RunMemo) -> pl.Expr:
        c = pl.col(stat.columns[0])
        return c.is_not_null() & (c.n_unique().over(c.str.to_lowercase()) > 1)

    def apply(
        self, frame: pl.DataFrame, table: Table, stat: TraitStat, ctx: InjectContext
    ) -> pl.DataFrame:
        name = stat.columns[0]
        if name not in frame.columns or frame.height == 0:
            return frame
        col = table.column(name)
        carrying = (
            frame.select(self.carriers(table, stat, ctx.memo).fill_null(False))
            .to_series()
            .to_numpy()
        )
        floor = min(ctx.min_rows, ctx.rows) if ctx.chunk == 0 else 0
        rng = ctx.rng(name, self.name)
        groups = _collisions(col)
        if groups:
            # the frequent values carry it at the measured share; a boost asks for more
            carried = sum(
                f.fraction for f in col.stats.frequent if any(f.value in g for g in groups)
            )
            target = round(stat.fraction * frame.height) if stat.fraction > carried + 1e-6 else 0
            missing = max(floor, target) - int(carrying.sum())
            return self._complete(frame, name, groups[0], carrying, missing, rng)
        series = frame.get_column(name)
        cased = (series.str.to_lowercase() != series.str.to_uppercase()).fill_null(False)
        free = np.flatnonzero(cased.to_numpy() & ~carrying)
        want = stat.fraction * frame.height - carrying.sum()
        p = min(1.0, max(0.0, want) / len(free)) if len(free) else 0.0
        chosen = rng.random(len(free)) < p
        extra = max(0, floor - int(carrying.sum()) - int(chosen.sum()))
        if chosen.sum() + extra == 1:
            extra += 1  # a lone value collides with nothing
        if extra:
            rest = np.flatnonzero(~chosen)
            chosen[rng.choice(rest, size=min(extra, len(rest)), replace=False)] = True
        order = rng.permutation(free[chosen])
        if len(order) < 2:
            return frame
        even = len(order) - len(order) % 2
        sources, targets = order[0:even:2], order[1:even:2]
        if len(order) % 2:  # the odd one out joins the last pair
            sources, targets = np.append(sources, order[even - 2]), np.append(targets, order[-1])
        flipped = _case_flip(series.gather(sources), col)
        return frame.with_columns(series.scatter(targets, flipped))

    @staticmethod
    def _complete(
        frame: pl.DataFrame,
        name: str,
        group: list[str],
        carrying: np.ndarray,
        missing: int,
        rng: np.random.Generator,
    ) -> pl.DataFrame:
        """``missing`` more carriers in the chunk, by giving rows the members of ``group``
        (real frequent values), those absent from the chunk first; the rows rewritten hold
        the chunk's most common other values (never the last row holding a member)."""
        if missing <= 0:
            return frame
        series = frame.get_column(name)
        present = set(series.drop_nulls().to_list())
        members = [m for m in group if m not in present] + [m for m in group if m in present]
        count = max(missing, sum(1 for m in group if m not in present))
        counts = frame.select(pl.len().over(name)).to_series().to_numpy().astype(np.float64)
        last = series.is_in(group).fill_null(False).to_numpy() & (counts < 2)
        blocked = series.is_null().to_numpy() | carrying | last
        score = np.where(blocked, -1.0, counts + rng.random(len(counts)))
        rows = np.argsort(-score)[: min(count, int((score >= 0).sum()))]
        values = pl.Series(name, [members[i % len(members)] for i in range(len(rows))])
        return frame.with_columns(series.scatter(rows, values.cast(series.dtype)))
