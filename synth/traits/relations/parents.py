"""``children_per_parent`` and ``childless_parent``: how many children each parent row has.

See :mod:`synth.traits.relations` for what a relation is."""

from __future__ import annotations

import numpy as np
import polars as pl

from synth.model import Column, Scalar, Table, TraitStat
from synth.model.values import round_fraction
from synth.traits import get, register
from synth.traits.base import (
    ColumnTrait,
    InjectContext,
    MeasureContext,
    TableMeasure,
)
from synth.traits.cohorts.inject import cohort_anchors
from synth.traits.nulls import fill_values
from synth.traits.relations.children import Spread, assign, plan_counts, segment_counts
from synth.traits.relations.inject import (
    ParentView,
    RelationTrait,
    child_view,
    free_first,
    in_rank_order,
    number,
    orphan_values,
    parent_view,
    remember,
    remember_childless,
    round_half_up,
    shared_view,
    sibling,
    slot_permutation,
    text,
)
from synth.traits.relations.keysets import key_set
from synth.traits.relations.measure import (
    TOP_SHARE,
    candidate_count,
    child_relations,
    childless,
    composite_member,
    flag_column,
    histogram,
    relations,
    top_count,
)

__all__ = ["ChildlessParent", "ChildrenPerParent"]


def _column_carriers(frame: pl.DataFrame, column: Column) -> np.ndarray:
    """Rows carrying a column trait of ``column`` (a sentinel ``0`` in an inferred
    ``customer_id``): their values are kept, and count as orphans where no parent has them."""
    exprs = []
    for stat in column.stats.traits:
        trait = get(stat.trait, where=column.name)
        if isinstance(trait, ColumnTrait):
            exprs.append(trait.carriers(pl.col(column.name), column, stat).fill_null(False))
    if not exprs:
        return np.zeros(frame.height, dtype=bool)
    return frame.select(pl.any_horizontal(exprs)).to_series().to_numpy()


def _segment_column(table: Table, fk: str, parent: str) -> str | None:
    """The column of ``parent`` whose segments a ``cohort`` of ``fk`` follows."""
    for stat in table.traits:
        if stat.trait == "cohort" and stat.columns[:1] == (fk,):
            key, _, column = str(stat.detail.get("segment", "")).rpartition(".")
            if key == parent and column:
                return column
    return None


def _segments(
    ctx: InjectContext, table: Table, fk: str, parent: str, column: str, view: ParentView
) -> tuple[np.ndarray, np.ndarray]:
    """A segment number per parent row (its generated ``column`` value, before traits;
    -1 without a key), and each segment's share of the child rows: the ``cohort``
    entry's, else as many as its share of the parents (how the rows were drawn)."""
    values = ctx.parent_values(parent, [column]).get_column(column)
    text = values.cast(pl.String, strict=False).fill_null("\x00")
    names, codes = np.unique(text.to_numpy(), return_inverse=True)
    labels = np.where(view.valid, codes.astype(np.int64), -1)
    measured: dict[str, float] = {}
    for stat in table.traits:
        if stat.trait == "cohort" and stat.columns[:1] == (fk,) and stat.value is not None:
            name = pl.Series([stat.value]).cast(pl.String, strict=False).item()
            measured[str(name)] = stat.fraction
    parents = np.bincount(labels[labels >= 0], minlength=len(names)).astype(np.float64)
    known = np.array([n in measured for n in names])
    shares = np.array([measured.get(n, 0.0) for n in names])
    rest = max(0.0, 1.0 - shares.sum())
    if (~known).any() and parents[~known].sum() > 0:
        shares[~known] = rest * parents[~known] / parents[~known].sum()
    return labels, shares


@register
class ChildrenPerParent(RelationTrait):
    """**children_per_parent**: how unevenly child rows spread over their parents (one
    tenant holding most of the orders), as the children-per-parent quantiles.

    Pagination, N+1 queries, per-parent limits and "load all children" code break on
    the busiest parents. *Measured* per relation (a one-column foreign key, declared
    or inferred from a `<table>_id` column named after a profiled table) with **one**
    query, shared with `orphan`, `soft_deleted_parent` and the parent's
    `childless_parent` (the parent, profiled first, runs it and the child reuses it):
    the child `LEFT JOIN` the parent `GROUP BY` the foreign key (or the children counted
    per key first, where the child holds at least two rows per key), then `GROUP BY` the
    children count (one row per distinct count). *Stored* on the child table with
    `columns` = the foreign key, `detail` = `parent`, `key`, `p50`/`p90`/`p99`/`max`
    of the children of parents with any, `childless` (the parent's `childless_parent`
    share), `matched` (share of rows pointing at a parent), and `fraction` = the share
    of rows whose parent is in the busiest tenth. *Injected* by re-pointing every
    non-NULL foreign key value (but those carrying a column trait, such as a sentinel
    `0` in an inferred column): the childless parents get none, every other parent
    one, the rest follow the quantile curve, fitted so the busiest tenth and the
    soft-deleted parents hold their measured shares; the counts are exact and agree
    across chunks (see :mod:`synth.traits.relations.children`). This also links an
    inferred column to its parent's generated keys. A unique foreign key gets distinct
    parents instead. For a foreign key a `cohort` follows, each segment's parents
    share the segment's measured share of the rows (the cohort then applies its values
    to the rows of each segment). Not applied to self-references or to members of a composite key
    (not measured either).
    """

    name = "children_per_parent"
    boost_hint = (
        "children_per_parent is how concentrated rows are on the busiest parents, not a "
        "share of rows to raise; it cannot be boosted"
    )
    example = "busiest 10% of parents hold most rows"

    def describe(self, stat: TraitStat, table: Table, column: Column | None = None) -> str:
        d = stat.detail
        return (
            f"per {d.get('parent')}: p50 {d.get('p50')}, p99 {d.get('p99')}, max {d.get('max')}; "
            f"busiest {TOP_SHARE:.0%} hold {stat.fraction:.1%} of rows"
        )

    def max_queries(self, table: Table) -> int:
        return candidate_count(table) if table.rows else 0

    def measure(self, source: TableMeasure, ctx: MeasureContext) -> list[TraitStat]:
        table = source.table
        if not table.rows:
            return []
        out = []
        for rel in child_relations(table, ctx):
            found = histogram(source, ctx, rel)
            if rel.is_self(table) or not found.parents or composite_member(table, rel.fk):
                continue
            parent = rel.parent
            own = next(
                (
                    s
                    for s in parent.traits
                    if s.trait == "childless_parent"
                    and s.detail.get("child") == table.key
                    and s.detail.get("via") == rel.fk
                ),
                None,
            )
            share = round_fraction(max(0, parent.rows - found.parents), parent.rows)
            detail: dict[str, Scalar] = {
                "parent": parent.key,
                "key": rel.key,
                "p50": found.percentile(50),
                "p90": found.percentile(90),
                "p99": found.percentile(99),
                "max": max(found.counts),
                "childless": own.fraction if own is not None else share,
                "matched": round_fraction(found.rows, table.rows),
            }
            if rel.inferred:
                detail["inferred"] = True
            flag = flag_column(parent)
            if flag is not None:
                detail["flag"] = flag
                if own is not None and "deleted_childless" in own.detail:
                    detail["deleted_childless"] = own.detail["deleted_childless"]
            fraction = round_fraction(found.top_rows(), table.rows)
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
        if composite_member(table, fk):
            return frame
        cohort = any(s.trait == "cohort" and s.columns[:1] == (fk,) for s in table.traits)
        segment = _segment_column(table, fk, str(d["parent"])) if cohort else None
        single = (fk,) == table.primary_key or (fk,) in table.unique
        if cohort and (segment is None or single):
            return self._as_made(frame, table, stat, ctx)
        view = child_view(ctx, table, fk, d)
        if view is None:
            return frame
        if single:
            return self._one_each(frame, table, stat, view, ctx)
        col = table.column(fk)
        slots = (
            ctx.rows
            if not col.nullable
            else round_half_up(ctx.rows * (1.0 - col.stats.null_fraction))
        )
        spread = self._spread(table, stat, view, segment, slots, ctx)
        remember(ctx.memo, table.key, stat, spread.heavy_keys)
        series = frame.get_column(fk)
        rows = np.flatnonzero(series.is_not_null().to_numpy() & ~_column_carriers(frame, col))
        heavy = spread.heavy
        if spread.total == 0 or len(rows) == 0:
            return frame
        rng = ctx.rng(fk, self.name)
        offset = round_half_up(ctx.start * slots / ctx.rows) if ctx.rows else 0
        at = assign(spread, offset, len(rows), seed=ctx.seed, table=table.key, column=fk, rng=rng)
        if ctx.chunk == 0:  # at least min_rows rows of the busiest parents
            missing = min(ctx.min_rows, len(rows)) - int(heavy[at].sum())
            if missing > 0:
                light = free_first(np.flatnonzero(~heavy[at]), at[~heavy[at]], rng)[:missing]
                at[light] = rng.choice(np.flatnonzero(heavy), size=len(light))
        new = view.keys.gather(at).cast(series.dtype, strict=False)
        return frame.with_columns(series.scatter(rows, new))

    def _spread(
        self,
        table: Table,
        stat: TraitStat,
        view: ParentView,
        segment: str | None,
        slots: int,
        ctx: InjectContext,
    ) -> Spread:
        """How many of the ``slots`` child rows each parent row owns, the same for every
        chunk: planned once per run (it costs as much as the parent has rows, which a
        chunk must not pay again)."""
        fk, d = stat.columns[0], stat.detail
        cached = ("children_per_parent", "spread", table.key, fk, slots)
        found = ctx.memo.get(cached)
        if isinstance(found, Spread):
            return found
        matched = number(d.get("matched")) or 0.0
        top = min(1.0, stat.fraction / matched) if matched > 0 else TOP_SHARE
        soft = sibling(table, "soft_deleted_parent", fk)
        deleted = None
        if soft is not None and matched > 0 and view.deleted.any():
            deleted = min(1.0, soft.fraction / matched)
        counts, heavy = plan_counts(view, d, top=top, deleted=deleted, slots=slots)
        heavy_keys = key_set(view.keys, heavy, ctx.memo, (table.key, fk, "view"))
        if segment is not None and counts.any():
            labels, shares = _segments(ctx, table, fk, str(d["parent"]), segment, view)
            counts = segment_counts(counts, labels, shares, int(counts.sum()))
        spread = Spread(counts, heavy, heavy_keys)
        ctx.memo[cached] = spread
        return spread

    def _as_made(
        self, frame: pl.DataFrame, table: Table, stat: TraitStat, ctx: InjectContext
    ) -> pl.DataFrame:
        """A foreign key a ``cohort`` re-points (by segment) keeps its values; its carriers
        are the rows of the chunk's busiest tenth of parents."""
        fk = stat.columns[0]
        counts = frame.get_column(fk).drop_nulls().value_counts(sort=True, name="\x00n")
        if counts.height:
            remember(
                ctx.memo, table.key, stat, counts.get_column(fk).head(top_count(counts.height))
            )
        return frame

    def _one_each(
        self,
        frame: pl.DataFrame,
        table: Table,
        stat: TraitStat,
        view: ParentView,
        ctx: InjectContext,
    ) -> pl.DataFrame:
        """A unique foreign key (one child per parent at most): non-NULL rows take
        distinct parents that are not childless, by a fixed permutation of their row
        number (so chunks never collide). Rows beyond those parents become orphans where
        the key has an ``orphan`` entry, else NULL; a NOT NULL key without one that has
        more rows than such parents is left as made."""
        fk = stat.columns[0]
        eligible = in_rank_order(view.valid & ~view.childless, view.rank)[::-1]
        col = table.column(fk)
        orphan = sibling(table, "orphan", fk)
        if len(eligible) == 0 or (orphan is None and not col.nullable and ctx.rows > len(eligible)):
            return frame
        remember(ctx.memo, table.key, stat, view.keys.gather(eligible[: top_count(len(eligible))]))
        a, b = slot_permutation(ctx.seed, table.key, fk, ctx.rows)
        rows = ctx.start + np.arange(frame.height, dtype=np.int64)
        slot = (a * rows + b) % ctx.rows
        inside = slot < len(eligible)
        series = frame.get_column(fk)
        picked = view.keys.gather(eligible[np.where(inside, slot, 0)])
        new = picked.cast(series.dtype, strict=False).rename(fk).to_list()
        keep = series.is_not_null().to_numpy() | ~np.bool_(col.nullable)
        over = np.flatnonzero(~inside & keep)
        lost = None
        if orphan is not None and len(over):
            rng = ctx.rng(fk, self.name, "orphans")
            lost = orphan_values(view.keys, col, rows[over], unique=True, pool=1, rng=rng)
        for i, value in zip(over, lost.to_list() if lost is not None else [], strict=False):
            new[i] = value
        for i in np.flatnonzero(~keep | (~inside & (lost is None))):
            new[i] = None
        if not col.nullable and any(v is None for v in new):
            return frame
        return frame.with_columns(pl.Series(fk, new).cast(series.dtype, strict=False))


@register
class ChildlessParent(RelationTrait):
    """**childless_parent**: parent rows that no child row references through a given
    foreign key (a customer without orders, an order without items).

    Code that assumes every parent has a child (`orders[0]`, an inner join that drops
    rows from a report) breaks on these. *Measured* while profiling the parent with
    **one** query per relation referencing it (declared or inferred, see
    `children_per_parent`): the child's relation query (`child LEFT JOIN parent GROUP BY
    c.fk`), run by the parent, finds the parents with a child; the rest are childless,
    counted from the parent's own exact statistics. The child then reuses the result, so
    the relation costs one query in all. Under `--sample`, the sampled parents less those
    the child's distinct keys join to (`SELECT DISTINCT c.fk FROM child c ... JOIN parent
    q ON q.key = c.fk`), one read of the child, where an anti-join would probe the child
    once per parent row.
    The query bound counts it on the child's relations, as a table does not know from its
    own schema which tables reference it. *Stored* on the parent table with `columns` = its key,
    `detail` = `child`, `via` (the child's column), and with a soft-delete column its
    name (`flag`) and `deleted_childless`, the share of soft-deleted parents that are
    childless. *Injected* in the child's chunks by `children_per_parent`, which gives
    no child to this share of the generated parents (at least `--min-trait-rows`),
    chosen by a permutation both tables draw from the run's seed; the parent's own
    rows are unchanged, except that one parent is made soft-deleted when the run has
    none (so that soft-deleted parents appear even in a tiny fixture). Not measured on
    self-references or for a child column that is part of a composite key.
    """

    name = "childless_parent"
    example = "a parent row no child references"

    def describe(self, stat: TraitStat, table: Table, column: Column | None = None) -> str:
        return f"no {stat.detail.get('child')} row via {stat.detail.get('via')}"

    def max_queries(self, table: Table) -> int:
        return candidate_count(table) if table.rows else 0

    def measure(self, source: TableMeasure, ctx: MeasureContext) -> list[TraitStat]:
        me = source.table
        if not me.rows:
            return []
        flag = flag_column(me)
        flagged_total = 0
        if flag is not None:
            flagged_total = round_half_up(me.rows * (1.0 - me.column(flag).stats.null_fraction))
        out = []
        for child in sorted(ctx.reflected.values(), key=lambda t: t.key):
            for rel in relations(child, ctx.reflected):
                if rel.parent.key != me.key or rel.is_self(child):
                    continue
                if composite_member(child, rel.fk):
                    continue
                count, flagged = childless(source, ctx, child, rel, flag)
                if count == 0:
                    continue
                detail: dict[str, Scalar] = {"child": child.key, "via": rel.fk}
                if flag is not None and flagged_total > 0:
                    detail["flag"] = flag
                    detail["deleted_childless"] = round_fraction(
                        min(flagged, flagged_total), flagged_total
                    )
                out.append(
                    TraitStat(
                        trait=self.name,
                        fraction=round_fraction(count, me.rows),
                        value=f"{child.key}.{rel.fk}",
                        columns=(rel.key,),
                        detail=detail,
                    )
                )
        return out

    def writes(self, stat: TraitStat) -> tuple[str, ...]:
        flag = text(stat.detail.get("flag"))  # the parent's keys stay as made
        return (flag,) if flag else ()

    def prepare(self, table: Table, stat: TraitStat, ctx: InjectContext) -> None:
        # the view every child of the relation sees: made once, before any chunk of
        # this table or its children, by whichever process makes them
        key, d = stat.columns[0], stat.detail
        relation = f"{d.get('child')}.{d.get('via')}"
        remember_childless(ctx.memo, table.key, relation, stat.fraction)
        view = parent_view(
            ctx,
            table.key,
            key,
            relation=relation,
            childless=stat.fraction,
            flag=text(d.get("flag")),
            deleted_childless=number(d.get("deleted_childless")),
            keep=cohort_anchors(ctx, table),
        )
        if view is not None:
            remember(ctx.memo, table.key, stat, view.keys.filter(pl.Series(view.childless)))

    def apply(
        self, frame: pl.DataFrame, table: Table, stat: TraitStat, ctx: InjectContext
    ) -> pl.DataFrame:
        d = stat.detail
        flag = text(d.get("flag"))
        view = shared_view(ctx.memo, table.key, f"{d.get('child')}.{d.get('via')}")
        if view is None:
            return frame
        if flag is None or flag not in frame.columns or not len(view.forced):
            return frame
        local = view.forced - ctx.start
        local = local[(local >= 0) & (local < frame.height)]
        series = frame.get_column(flag)
        local = local[series.gather(local).is_null().to_numpy()] if len(local) else local
        if len(local) == 0:
            return frame
        rng = ctx.rng(flag, self.name)
        keep = series.is_not_null().to_numpy()
        filled = fill_values(frame, table.column(flag), local, keep, ctx, rng)
        return frame.with_columns(filled)
