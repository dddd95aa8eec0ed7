"""Relation dirt: foreign-key values with no parent, and children of soft-deleted parents.

Both are measured in the relation query of ``children_per_parent`` (see
:mod:`synth.traits.relations` and :mod:`synth.traits.relations.measure`).
"""

from __future__ import annotations

import numpy as np
import polars as pl

from synth.model import Column, Scalar, Table, TraitStat
from synth.model.values import round_fraction
from synth.traits import register
from synth.traits.base import (
    InjectContext,
    MeasureContext,
    RunMemo,
    TableMeasure,
)
from synth.traits.instants import expected
from synth.traits.relations.inject import (
    RelationTrait,
    carrying,
    child_view,
    free_first,
    in_key,
    orphan_values,
    pointing,
    recall,
    remember,
    round_half_up,
    sibling,
)
from synth.traits.relations.keysets import key_set
from synth.traits.relations.measure import child_relations, flag_column, histogram

__all__ = ["Orphan", "SoftDeletedParent"]


@register
class Orphan(RelationTrait):
    """**orphan**: foreign-key values with no parent row (`customer_id = 4711` after
    customer 4711 was deleted), where the reference is not enforced: a declared key in
    SQLite without `PRAGMA foreign_keys`, a PostgreSQL key added `NOT VALID` or with
    triggers disabled, MySQL with `foreign_key_checks = 0`, or an inferred
    `<table>_id` column with no constraint at all.

    Joins silently drop these rows, and code that loads the parent crashes on them.
    *Measured* in the relation query of `children_per_parent` (no query of its own):
    child rows whose non-NULL value finds no parent in the `LEFT JOIN`. An enforced
    key has none, so yields no entry. *Stored* on the child table with `columns` = the
    foreign key, `detail` = `parent`, `key` (and `inferred` for a column with no
    declared key). *Injected* by replacing the foreign key value of that share of rows
    (at least `--min-trait-rows`; taken from parents that keep other children) with a
    value that is no generated parent key: integers just above the largest parent key
    (a pool of missing parents, distinct values for a unique column), fresh UUIDs,
    strings as a parent key with its last characters changed. For an inferred column
    with no child in the source linked to a parent, generated values that happen to
    match a parent are moved to parent keys or left, as the share needs.
    """

    name = "orphan"
    example = "customer_id with no customers row"

    def describe(self, stat: TraitStat, table: Table, column: Column | None = None) -> str:
        return f"{stat.columns[0]} with no {stat.detail.get('parent')} row"

    def max_queries(self, table: Table) -> int:
        return 0  # shares children_per_parent's relation query

    def measure(self, source: TableMeasure, ctx: MeasureContext) -> list[TraitStat]:
        table = source.table
        if not table.rows:
            return []
        out = []
        for rel in child_relations(table, ctx):
            found = histogram(source, ctx, rel)
            if found.orphan_rows:
                detail: dict[str, Scalar] = {"parent": rel.parent.key, "key": rel.key}
                if rel.inferred:
                    detail["inferred"] = True
                fraction = round_fraction(found.orphan_rows, table.rows)
                out.append(
                    TraitStat(trait=self.name, fraction=fraction, columns=(rel.fk,), detail=detail)
                )
        return out

    def carriers(self, table: Table, stat: TraitStat, memo: RunMemo) -> pl.Expr:
        fk = stat.columns[0]
        keys = recall(memo, table.key, stat)
        if keys is None:
            return pl.lit(False)
        return pl.col(fk).is_not_null() & ~carrying(fk, keys)

    def apply(
        self, frame: pl.DataFrame, table: Table, stat: TraitStat, ctx: InjectContext
    ) -> pl.DataFrame:
        fk, d = stat.columns[0], stat.detail
        if fk not in frame.columns or frame.height == 0:
            return frame
        try:
            keys = ctx.parent_values(str(d["parent"]), [str(d["key"])]).get_column(str(d["key"]))
        except KeyError:
            return frame
        keys = keys.drop_nulls()
        name = (d["parent"], d["key"])
        remember(ctx.memo, table.key, stat, key_set(keys, None, ctx.memo, name))
        series = frame.get_column(fk)
        n = frame.height
        at = pointing(series, keys, ctx.memo, name)
        nonnull = series.is_not_null().to_numpy()
        now = nonnull & (at < 0)
        rng = ctx.rng(fk, self.name)
        target = expected(stat.fraction, n, rng)
        if ctx.chunk == 0:
            target = max(target, min(ctx.min_rows, int(nonnull.sum())))
        have = int(now.sum())
        unique = in_key(table, fk)
        if have < target:
            matched = np.flatnonzero(at >= 0)
            # rows pointing at the busiest parents carry children_per_parent: moved last
            busy = sibling(table, "children_per_parent", fk)
            held = recall(ctx.memo, table.key, busy) if busy is not None else None
            heavy = np.zeros(n, dtype=bool)
            if held is not None:
                heavy = frame.select(carrying(fk, held).fill_null(False)).to_series().to_numpy()
            light, loaded = matched[~heavy[matched]], matched[heavy[matched]]
            order = np.concatenate(
                [free_first(light, at[light], rng), free_first(loaded, at[loaded], rng)]
            )
            movers = np.sort(order[: target - have])
            pool = max(1, round_half_up(stat.fraction * ctx.rows / 2))
            values = orphan_values(
                keys, table.column(fk), movers + ctx.start, unique=unique, pool=pool, rng=rng
            )
            if values is None or len(movers) == 0:
                return frame
            return frame.with_columns(series.scatter(movers, values.cast(series.dtype)))
        if have > target and d.get("inferred") and not unique and len(keys):
            movers = np.sort(rng.choice(np.flatnonzero(now), size=have - target, replace=False))
            new = keys.gather(rng.integers(0, len(keys), len(movers))).cast(series.dtype)
            return frame.with_columns(series.scatter(movers, new))
        return frame


@register
class SoftDeletedParent(RelationTrait):
    """**soft_deleted_parent**: child rows whose parent is soft-deleted (its `deleted_at`,
    `archived_at`... is set) but which are still there (orders of a deleted customer).

    Code that filters parents with `deleted_at IS NULL` and then joins children, or
    the reverse, shows or counts these rows inconsistently. *Measured* in the relation
    query of `children_per_parent` (no query of its own) when the parent has a date or
    timestamp column named `deleted_at`, `archived_at`, `removed_at`... that is NULL in
    some rows: child rows whose parent has it set. *Stored* on the child table with
    `columns` = the foreign key, `detail` = `parent`, `key`, `flag` (that column), and
    `fraction` = the share of child rows. *Injected* by pointing that share of rows at
    generated parents whose soft-delete column is set (before the parent's own
    traits): `children_per_parent` already fits the share, then rows are moved
    between soft-deleted and live parents (taken from parents that keep other
    children) to match it exactly, at least `--min-trait-rows`. Not applied to unique
    foreign keys or self-references.
    """

    name = "soft_deleted_parent"
    example = "an order of a deleted customer"

    def describe(self, stat: TraitStat, table: Table, column: Column | None = None) -> str:
        d = stat.detail
        return f"{stat.columns[0]} -> {d.get('parent')} with {d.get('flag')} set"

    def max_queries(self, table: Table) -> int:
        return 0  # shares children_per_parent's relation query

    def measure(self, source: TableMeasure, ctx: MeasureContext) -> list[TraitStat]:
        table = source.table
        if not table.rows:
            return []
        out = []
        for rel in child_relations(table, ctx):
            flag = None if rel.is_self(table) else flag_column(rel.parent)
            if flag is None:
                continue
            found = histogram(source, ctx, rel)
            if found.deleted_rows:
                detail: dict[str, Scalar] = {"parent": rel.parent.key, "key": rel.key, "flag": flag}
                fraction = round_fraction(found.deleted_rows, table.rows)
                out.append(
                    TraitStat(trait=self.name, fraction=fraction, columns=(rel.fk,), detail=detail)
                )
        return out

    def apply(
        self, frame: pl.DataFrame, table: Table, stat: TraitStat, ctx: InjectContext
    ) -> pl.DataFrame:
        fk, d = stat.columns[0], stat.detail
        if fk not in frame.columns or frame.height == 0 or d.get("parent") == table.key:
            return frame
        cpp = sibling(table, "children_per_parent", fk)
        info = dict(cpp.detail) if cpp is not None else {}
        info.update(parent=d["parent"], key=d["key"], flag=d["flag"])
        view = child_view(ctx, table, fk, info)
        if view is None:
            return frame
        name = (table.key, fk, "view")
        remember(ctx.memo, table.key, stat, key_set(view.keys, view.deleted, ctx.memo, name))
        if in_key(table, fk) or len(view.keys) == 0:
            return frame
        series = frame.get_column(fk)
        at = pointing(series, view.keys, ctx.memo, name)
        matched = at >= 0
        gone = matched & view.deleted[np.maximum(at, 0)]
        rng = ctx.rng(fk, self.name)
        target = expected(stat.fraction, frame.height, rng)
        if ctx.chunk == 0:
            target = max(target, min(ctx.min_rows, int(matched.sum())))
        have = int(gone.sum())
        open_ = view.valid & ~view.childless
        if have < target and (open_ & view.deleted).any():
            rows = np.flatnonzero(matched & ~gone)
            movers = free_first(rows, at[rows], rng)[: target - have]
            dest = rng.choice(np.flatnonzero(open_ & view.deleted), size=len(movers))
        elif have > target and (open_ & ~view.deleted).any():
            rows = np.flatnonzero(gone)
            movers = free_first(rows, at[rows], rng)[: have - target]
            live = np.flatnonzero(open_ & ~view.deleted)
            weight = np.bincount(at[matched & ~gone], minlength=len(view.keys))[live] + 1.0
            dest = rng.choice(live, size=len(movers), p=weight / weight.sum())
        else:
            return frame
        if len(movers) == 0:
            return frame
        new = view.keys.gather(dest).cast(series.dtype, strict=False)
        return frame.with_columns(series.scatter(movers, new))
