"""Table traits measured on fixture tables, for :mod:`synth.checks.fidelity`.

Traits whose carriers are a predicate over the table's own rows (``null_pattern``,
``burst``, ``case_variant``, ``stale``, ``backfill_gap``, a ``cohort`` segmented by its own
column) are counted with the trait's own :meth:`TableTrait.carriers`. Relation traits
remember their carriers in the generator's run memo, so here they are measured again from
the fixture tables, as the relation query of ``docs/traits.md`` defines them: the child
rows grouped by foreign key, joined to the parent rows (a polars rendering of
:func:`synth.traits.relations.measure._run_histogram`, reusing its :class:`Histogram`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from synth.checks.fidelity.allowances import standard_error
from synth.checks.fidelity.report import Check, Tolerances, TraitBar
from synth.model import Column, Table, TraitStat
from synth.traits.cohorts.withheld import PREFIX as WITHHELD
from synth.traits.cohorts.withheld import is_placeholder

__all__ = ["column_trait_checks", "table_trait_checks", "trait_checks"]

_RELATIONS = {"children_per_parent", "orphan", "soft_deleted_parent", "childless_parent"}

Attached = tuple[str | None, list[Check], TraitBar]


def trait_checks(
    table: str,
    column: str | None,
    label: str,
    p: float,
    carriers: int,
    n: int,
    tol: Tolerances,
    floor: int,
    *,
    noise_n: int | None = None,
    note: str = "",
    slack: float = 0.0,
) -> tuple[list[Check], TraitBar]:
    """Presence and rate of one trait: ``carriers`` of ``n`` rows against share ``p``.
    The generator forces ``min(floor, n)`` carriers, so shares up to that are expected;
    ``noise_n`` is the number of independent units behind the share (default ``n``);
    ``slack``, a share the rate may be off by besides its tolerance, also lowers the
    share presence is required from."""
    r = carriers / n if n else 0.0
    sure = p - slack
    required = n > 0 and sure > 0 and (floor >= 1 or sure * n >= 10)
    present = carriers > 0 or not required
    presence = Check(
        table, column, "trait_presence", label, "present", f"{carriers} rows", None, None,
        present, "" if present else "the profile has this trait; the fixture has no row with it",
    )  # fmt: skip
    upper = max(p, min(floor, n) / n) if n and p > 0 else p
    distance = max(0.0, p - r, r - upper)
    units = noise_n if noise_n is not None else n
    allowed = slack + max(
        tol.trait_rate_abs, tol.trait_rate * min(p, 1.0 - p), tol.noise * standard_error(p, units)
    )
    if p == 0:  # a shape production never shows (an order always kept): none allowed
        allowed = 0.0
    rate = Check(
        table, column, "trait_rate", label, round(p, 6), round(r, 6), round(distance, 6),
        round(allowed, 6), distance <= allowed + 1e-12, note,
    )  # fmt: skip
    return [presence, rate], TraitBar(label, p, r, presence.ok and rate.ok)


def column_trait_checks(
    table: Table,
    col: Column,
    stat: TraitStat,
    frame: pl.DataFrame,
    tol: Tolerances,
    floor: int,
    blocked: Mapping[str, str],
) -> tuple[list[Check], TraitBar]:
    """Presence and rate of one column trait; ``blocked``: trait label -> the constraint
    it would break (the generator does not inject those)."""
    from synth.generator.inject import trait_label
    from synth.traits import get
    from synth.traits.base import ColumnTrait

    label = trait_label(stat, col.name)
    if label in blocked:  # not injected: it would break one of the column's constraints
        note = f"not injected: it would break {blocked[label]}"
        check = Check(table.key, col.name, "trait_rate", label, stat.fraction, None, None, None,
                      True, note)  # fmt: skip
        return [check], TraitBar(label, stat.fraction, 0.0, True)
    trait = get(stat.trait, where=f"{table.key}.{col.name}")
    if not isinstance(trait, ColumnTrait):
        note = f"{stat.trait} is a table trait listed under a column; not compared"
        check = Check(table.key, col.name, "trait_rate", label, stat.fraction, None, None, None,
                      True, note)  # fmt: skip
        return [check], TraitBar(label, stat.fraction, 0.0, True)
    expr = trait.carriers(pl.col(col.name), col, stat).fill_null(False)
    if not trait.overlaid:
        carriers = int(frame.select(expr.sum()).item()) if frame.height else 0
        return trait_checks(table.key, col.name, label, stat.fraction, carriers, frame.height,
                            tol, floor)  # fmt: skip
    # a format of the non-NULL values: judged among them (the NULL share has its own check),
    # allowing the shares of the column's other traits, written over its rows, and one row
    # (mask counts are drawn stratified: each is off by less than one). A withheld value's
    # placeholder (`withheld:1`) stands for a literal whose shape is not told: not judged.
    judged = pl.col(col.name).is_not_null() & ~pl.col(col.name).cast(pl.String).str.starts_with(
        WITHHELD
    ).fill_null(False)
    carriers, n = (
        frame.select((expr & judged).sum().alias("hit"), judged.sum().alias("n")).row(0)
        if frame.height
        else (0, 0)
    )
    others = [s for s in col.stats.traits if not getattr(get(s.trait), "overlaid", False)]
    rest = max(1e-9, 1.0 - col.stats.null_fraction)
    # the placeholders' rows held some mask the profile does not tell: their share is slack
    hidden = sum(f.fraction for f in col.stats.frequent if is_placeholder(f.value))
    shares = sum(s.fraction for s in others) + hidden
    slack = min(1.0, shares / rest + (1.0 / n if n else 0.0))
    p = min(1.0, stat.fraction / rest)
    return trait_checks(table.key, col.name, label, p, carriers, n, tol,
                        floor if trait.forced else 0, slack=slack)  # fmt: skip


def table_trait_checks(
    table: Table,
    frames: Mapping[str, pl.DataFrame],
    tol: Tolerances,
    floor: int,
) -> tuple[list[Attached], list[Check]]:
    """Presence and rate checks of every table trait of ``table``, each with the column it
    belongs to (its first column), and checks that could not be placed on a column."""
    from synth.generator.inject import trait_label
    from synth.traits import get
    from synth.traits.base import TableTrait
    from synth.traits.relations.measure import top_share

    names = {c.name for c in table.columns}
    out: list[Attached] = []
    loose: list[Check] = []
    for stat in table.traits:
        label = trait_label(stat, None, qualified=True)
        column = stat.columns[0] if stat.columns and stat.columns[0] in names else None
        trait = get(stat.trait, where=table.key)
        if not isinstance(trait, TableTrait):
            continue
        measured = _measure(table, stat, trait, frames)
        if isinstance(measured, str):  # cannot be measured here: say why, do not fail
            check = Check(table.key, column, "trait_rate", label, stat.fraction, None, None,
                          None, True, measured)  # fmt: skip
            out.append((column, [check], TraitBar(label, stat.fraction, 0.0, True)))
            continue
        carriers, n, units = measured
        expected = stat.fraction
        if stat.trait == "children_per_parent":  # few parents: their busiest group is more
            expected = top_share(stat.fraction, units)  # than a tenth of them
        checks, bar = trait_checks(
            table.key, column, label, expected, carriers, n, tol, floor, noise_n=units
        )
        out.append((column, checks, bar))
    return out, loose


def _measure(
    table: Table, stat: TraitStat, trait: Any, frames: Mapping[str, pl.DataFrame]
) -> tuple[int, int, int] | str:
    """(carrier rows, rows, independent units) of ``stat`` in the fixture, or why not."""
    frame = frames[table.key]
    missing = [c for c in stat.columns if c not in frame.columns]
    if missing:
        return f"the fixture table has no column {missing[0]!r}; not compared"
    if stat.trait in _RELATIONS:
        return _relation(table, stat, frames)
    if (
        stat.trait == "cohort"
        and str(stat.detail.get("segment")) != f"{table.key}.{stat.columns[0]}"
    ):
        return _parent_cohort(table, stat, frames)
    expr = trait.carriers(table, stat, {}).fill_null(False)
    carriers = int(frame.select(expr.sum()).item()) if frame.height else 0
    return carriers, frame.height, frame.height


def _parent_cohort(
    table: Table, stat: TraitStat, frames: Mapping[str, pl.DataFrame]
) -> tuple[int, int, int] | str:
    """Rows whose parent (by ``columns[0]``) has the segment value ``stat.value``."""
    segment = str(stat.detail.get("segment", ""))
    parent_key, _, seg_col = segment.rpartition(".")
    key = str(stat.detail.get("key", "id"))
    parent = frames.get(parent_key)
    if parent is None or seg_col not in parent.columns or key not in parent.columns:
        return f"segment {segment!r} is not in the fixtures; not compared"
    frame = frames[table.key]
    fk = stat.columns[0]
    keys = parent.filter(pl.col(seg_col) == pl.lit(stat.value)).get_column(key)
    carriers = int(frame.select(pl.col(fk).is_in(keys.implode()).sum()).item())
    return carriers, frame.height, max(1, parent.height)


def _relation(
    table: Table, stat: TraitStat, frames: Mapping[str, pl.DataFrame]
) -> tuple[int, int, int] | str:
    from synth.traits.relations.measure import Histogram

    d = stat.detail
    frame = frames[table.key]
    if stat.trait == "childless_parent":
        child_key, via, key = str(d.get("child")), str(d.get("via")), stat.columns[0]
        child = frames.get(child_key)
        if child is None or via not in child.columns:
            return f"child table {child_key!r} is not in the fixtures; not compared"
        used = child.get_column(via).drop_nulls().unique()
        mask = pl.col(key).is_not_null() & ~pl.col(key).cast(used.dtype).is_in(used.implode())
        carriers = int(frame.select(mask.sum()).item()) if frame.height else 0
        return carriers, frame.height, frame.height
    parent_key, key, fk = str(d.get("parent")), str(d.get("key")), stat.columns[0]
    parent = frames.get(parent_key)
    if parent is None or key not in parent.columns:
        return f"parent table {parent_key!r} is not in the fixtures; not compared"
    flag = d.get("flag")
    flag = str(flag) if flag is not None and str(flag) in parent.columns else None
    dtype = frame.schema[fk]
    parents = (
        parent.lazy()
        .select(
            pl.col(key).cast(dtype).alias(fk),
            (pl.col(flag).is_not_null() if flag else pl.lit(False)).alias("_d"),
            pl.lit(True).alias("_p"),
        )
        .unique(subset=[fk], keep="first")
    )
    grouped = (
        frame.lazy()
        .filter(pl.col(fk).is_not_null())
        .group_by(fk)
        .agg(pl.len().alias("_n"))
        .join(parents, on=fk, how="left")
        .group_by(
            "_n", pl.col("_p").is_null().alias("_o"), pl.col("_d").fill_null(False).alias("_dd")
        )
        .agg(pl.len().alias("_k"))
        .collect()
    )
    found = Histogram()
    for n, o, deleted, k in grouped.select("_n", "_o", "_dd", "_k").iter_rows():
        n, k = int(n), int(k)
        if o:
            found.orphan_rows += n * k
            continue
        found.counts[n] = found.counts.get(n, 0) + k
        if deleted:
            found.deleted_rows += n * k
    rows = frame.height
    if stat.trait == "orphan":
        return found.orphan_rows, rows, rows
    if stat.trait == "soft_deleted_parent":
        return found.deleted_rows, rows, rows
    # children_per_parent: rows of the busiest tenth of parents; parents are the units
    return (found.top_rows() if found.parents else 0), rows, max(1, found.parents)
