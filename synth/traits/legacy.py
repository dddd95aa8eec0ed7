"""Legacy values: categorical values today's code no longer writes, kept in old rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

import numpy as np
import polars as pl

from synth.model import Column, LogicalType, Scalar, Table, TraitStat
from synth.model.values import round_fraction
from synth.traits import register
from synth.traits.base import ColumnTrait, InjectContext, MeasureContext, Probe
from synth.traits.instants import (
    dated_column,
    draw_times,
    is_unique,
    literal,
    parse_instant,
    swap,
)

__all__ = ["LegacyValue", "known_values", "legacy_rows"]

EXPECTED_RECENT = 5.0
"""A value is stale-legacy only if, were it still written at its old rate, at least this
many of its rows would be newer than the cutoff (so a rare value is not legacy by chance)."""


def known_values(column: Column, table: str, known: Mapping[str, Sequence[str]]) -> set[str] | None:
    """The values code knows for ``table.column``: a ``--known-values`` entry (by table key
    or bare table name), else the declared domain, else None (unknown)."""
    bare = table.rsplit(".", 1)[-1]
    for key in (f"{table}.{column.name}", f"{bare}.{column.name}"):
        if key in known:
            return {str(v) for v in known[key]}
    return set(column.domain) if column.domain is not None else None


@register
class LegacyValue(ColumnTrait):
    """**legacy_value**: a categorical value today's code no longer knows or writes
    (`plan = 'premium'` in users who signed up before the plan was retired).

    Code that switches over the known values breaks on these rows. A value of a
    low-cardinality column is legacy when it is outside the column's declared domain
    (enum type or `CHECK ... IN` list) or outside the `--known-values` file's list for
    the column (`reason: outside_domain`), or when its newest row, by the table's time
    column, is older than `--legacy-after` days (default 365) before the profile's as-of
    time, or before the table's newest row if that is older (`reason: stale`), or, on a
    column no `--known-values` entry or declared domain lists, when only one cohort holds
    it and that cohort is not its dimension's largest (`reason: cohort_only`, with
    `detail.segment`: `premium` only in the users of migrated tenants; derived from the
    cohorts' complete value sets, no query, see :mod:`synth.traits.cohort_legacy`). A rare
    value needs enough rows that, had it still been written at its old rate, at least 5
    would be that recent. *Measured* from the frequent-value query, which also returns
    `MAX(time column)` per value (no extra query). *Stored* per value (one held by fewer
    than `--min-count` rows under a placeholder, `withheld:1`), with its share of rows,
    `before` = the day of its
    newest row (one row's instant is a raw value, see `docs/privacy.md`) and `columns` =
    the time column.
    *Injected* by the frequent values themselves (at least `--min-trait-rows` in chunk 0);
    rows holding the value but dated after the day `before` exchange their time with older rows
    that hold no legacy value (the time column keeps its distribution), or, when none is
    left, get a time drawn from the column's distribution before `before`.
    """

    name = "legacy_value"
    family = "values"
    example = "'premium'"
    types = frozenset({LogicalType.STRING, LogicalType.INTEGER})

    def describe(self, stat: TraitStat, table: Table, column: Column | None = None) -> str:
        seen = f", last seen {stat.before[:10]}" if stat.before else ""
        return f"{stat.value!r} ({stat.detail.get('reason', 'legacy')}{seen})"

    def probes(self, column: Column, ctx: MeasureContext) -> Sequence[Probe]:
        return []

    def stats(
        self, counts: Mapping[Scalar | None, int], rows: int, column: Column, ctx: MeasureContext
    ) -> list[TraitStat]:
        ages = ctx.frequent_ages.get(column.name)
        if not ages or rows <= 0:
            return []
        known = known_values(column, ctx.table, ctx.settings.known_values)
        newest = {v: parse_instant(a.newest) for v, a in ages.items()}
        seen = [t for t in newest.values() if t is not None]
        cutoff = None
        recent_share = 0.0
        if seen:
            reference = min(ctx.as_of, max(seen))
            cutoff = reference - dt.timedelta(days=ctx.settings.legacy_after_days)
            total = sum(a.rows for a in ages.values())
            recent_share = 1.0 - sum(a.old for a in ages.values()) / total if total else 0.0
        out = []
        for value, age in ages.items():
            last = newest[value]
            if known is not None and str(value) not in known:
                reason = "outside_domain"
            elif (
                cutoff is not None
                and last is not None
                and last < cutoff
                and age.rows * recent_share >= EXPECTED_RECENT
            ):
                reason = "stale"
            else:
                continue
            out.append(
                TraitStat(
                    trait=self.name,
                    fraction=round_fraction(age.rows, rows),
                    value=value,
                    columns=(ctx.time_column,) if last is not None and ctx.time_column else (),
                    before=age.newest if last is not None else None,
                    detail={"reason": reason},
                )
            )
        return out

    def carriers(self, expr: pl.Expr, column: Column, stat: TraitStat) -> pl.Expr:
        return expr == pl.lit(stat.value)

    def inject(
        self, values: pl.Series, column: Column, stat: TraitStat, rng: np.random.Generator
    ) -> pl.Series:
        return pl.Series(values.name, [stat.value] * len(values)).cast(values.dtype)

    def arrange(
        self, frame: pl.DataFrame, table: Table, column: Column, stat: TraitStat, ctx: InjectContext
    ) -> pl.DataFrame:
        time = dated_column(table, stat.columns[0] if stat.columns else None)
        before = parse_instant(stat.before)
        if time is None or before is None or time.name not in frame.columns:
            return frame
        # `before` is the day of the newest row, not its instant: the whole day is early (a
        # legacy import stamped 02:00 on that day keeps its instant and its rows)
        before = before + dt.timedelta(days=1)
        limit = literal(time, before)
        t = pl.col(time.name)
        masks = frame.select(
            holds=(pl.col(column.name) == pl.lit(stat.value)).fill_null(False),
            late=(t >= limit).fill_null(False),
            early=(t < limit).fill_null(False),
            pinned=legacy_rows(table, frame.columns),
        )
        holds, late, early, pinned = (masks.get_column(c).to_numpy() for c in masks.columns)
        movers = np.flatnonzero(holds & late)
        if len(movers) == 0:
            return frame
        rng = ctx.rng(column.name, f"{self.name}={stat.value}", "arrange")
        series, rest = swap(
            frame.get_column(time.name), movers, np.flatnonzero(early & ~pinned), rng
        )
        if len(rest) and not is_unique(table, time.name):
            series = series.scatter(rest, draw_times(time, len(rest), rng, before=before))
        return frame.with_columns(series)


def legacy_rows(table: Table, written: Sequence[str]) -> pl.Expr:
    """Rows holding any legacy value of ``table`` in the ``written`` columns (their time
    must stay before the value's last appearance)."""
    held = [
        pl.col(col.name) == pl.lit(stat.value)
        for col in table.columns
        if col.name in written
        for stat in col.stats.traits
        if stat.trait == LegacyValue.name and stat.value is not None
    ]
    if not held:
        return pl.lit(False)
    return pl.any_horizontal(held).fill_null(False)
