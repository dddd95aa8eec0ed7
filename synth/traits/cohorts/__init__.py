"""Cohorts: segments of a population (migrated tenants, imported accounts) that look different."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from synth.errors import UsageError
from synth.model import Column, LogicalType, Profile, Table, TraitStat
from synth.traits import register
from synth.traits.base import (
    InjectContext,
    MeasureContext,
    RunMemo,
    TableMeasure,
    TableTrait,
    TraitSettings,
)
from synth.traits.cohorts.inject import (
    NotGenerated,
    apply_overrides,
    burst_days,
    carrier_keys,
    members,
)
from synth.traits.cohorts.measure import (
    aggregate_queries,
    dimensions,
    max_dimensions,
    measure_dimension,
    segment_columns,
)
from synth.traits.cohorts.withheld import resolve

__all__ = ["Cohort", "check_segment_by", "segment_keys"]


@register
class Cohort(TableTrait):
    """**cohort**: the rows of one segment (tenants imported from a legacy system, and
    their users and orders) whose columns look different: other NULL shares, other
    value sets (`plan = 'premium'` only there), all created on one migration day.

    Code tested on uniform data misses what only one cohort does. *Segments*: each
    `--segment-by table.column`; with none given, auto-detected on a table named like
    tenants, accounts, orgs, organizations, companies or workspaces (also as the last
    word: `billing_accounts`): its first string, integer or boolean column that is no key
    and has 2..10 distinct values, each on at least 1% of rows, named (in this order of
    preference) `source`, `origin`, `migrated_from`/`imported_from`,
    `legacy`/`is_legacy`/`migrated`/`is_migrated`, `*_source` (`import_source`,
    `plan_source`), `*_origin`, `channel` or `*_channel`; at most one per table (pass
    `--segment-by` for more). NULL is no segment, so a `migrated_from` that is NULL but
    for one value splits nothing. An explicit segment column takes its 10 most frequent
    values. A segment reaches the segment table itself and every table referencing it
    by a one-column foreign key (or, undeclared, a column named `<singular>_id`: `tenant_id`).

    *Measured* per table and segment dimension, in the database: ONE `GROUP BY segment`
    query (the segment from a `JOIN` to the segment table through the key) with
    `COUNT(*)` and, for every column that is no key, `SUM(CASE WHEN col IS NULL ...)`
    (nullable columns with NULLs) and `SUM(CASE WHEN col = v ...)` per frequent value v
    of low-cardinality string, integer and boolean columns (byte-exact on MySQL/MariaDB),
    one more query per further 1,000 such aggregates; plus, when the table has a time
    column, ONE window-function query for each segment's busiest day (`GROUP BY
    segment, date(time)`, `ROW_NUMBER()`). Each returns at most 10 rows (one per
    segment). Files: the segment table only (no joins across files). A share *differs*
    when it is at least 0.02 and 20% away from the share over all segments, and 4
    binomial standard errors of the segment's row count; a column differing in one
    segment is stored for every segment (so the mixture adds up). A busiest day is a
    burst from 5 rows and 5% of the segment, when its share differs the same way from
    that day's share over all segments. Nothing differing: no entry (a uniform segment
    column yields nothing).

    *Stored*: one entry per segment on each table it affects, `value` the segment value,
    `fraction` its share of the table's rows, `columns` the key referencing the segment
    table (or the segment column), `detail`: `segment` (`tenants.source`), `rows` (the
    segment's rows, for a minimum cohort size), `key` (the referenced column), `segments`
    (JSON list of the segments the segment table carries), and the overrides, each a
    share of the segment's rows: `null:<col>`, `value:<col>=<v>` (the segment's complete
    value set of that column: a value not listed does not occur), `burst:<col>` and
    `burst_last:<col>` (first and last instant of the busiest day, to the hour) with
    `burst_share:<col>`. Privacy (`docs/privacy.md`): a segment value held by fewer than
    `--min-count` rows of the segment table is stored under a placeholder
    (`withheld:1`), in the segment column's frequent values and in every entry resting
    on it (a child reads the segment values back with one `GROUP BY` query on the
    segment table to number them alike); an override of a value, or a busiest day,
    needs that many rows within the cohort.

    *Injected*: a row's segment is its own (segment table) or its parent's segment value
    as generated; the segment table's first chunk holds every carried segment at least
    `--min-trait-rows` times (rows of no segment or of the largest one take it), and a
    child's first chunk points rows of the largest cohort at parents of a cohort short
    of rows (not for unique keys); a segment table with fewer generated rows than
    segments cannot hold them all. Overridden value sets are redrawn from the segment's
    shares; NULL shares are thinned or thickened (kept values keep their traits); values
    on any segment's busiest day are redrawn off it (the whole table's distribution holds
    every burst), then a bursting segment's share of rows gets instants within its day.
    A segment table left out of the run (`--tables`) leaves its children unchanged.
    """

    name = "cohort"
    family = "relations"
    example = "segment tenants.source='legacy_import': its own NULLs, values, burst"
    stage = 1  # after relations re-point keys, before column traits
    boost_hint = (
        "a cohort's share follows its segment column's values, not a rate; "
        "generate more of one cohort by boosting the traits it carries instead"
    )

    def describe(self, stat: TraitStat, table: Table, column: Column | None = None) -> str:
        """``tenants.source='legacy_import': full_name, plan`` (the overridden columns)."""
        changed = sorted({k.partition(":")[2].partition("=")[0] for k in stat.detail if ":" in k})
        where = stat.detail.get("segment", "?")
        return f"{where}={stat.value!r}: {', '.join(changed) or 'no overrides'}"

    def max_queries(self, table: Table) -> int:
        """Per dimension one aggregate query (per 1,000 aggregates) and, with a time
        column, one busiest-day query; auto-detected dimensions (with ``--segment-by``:
        one per key naming the table or a table it references); plus, per referenced
        segment table, one query reading its segment values back where the profile holds
        one as a placeholder (`withheld:1`)."""
        dated = any(c.type in (LogicalType.DATE, LogicalType.DATETIME) for c in table.columns)
        dims = max_dimensions(table)
        own = len(segment_columns(table, TraitSettings()))
        return dims * (aggregate_queries(table) + (1 if dated else 0)) + max(0, dims - own)

    def measure(self, source: TableMeasure, ctx: MeasureContext) -> list[TraitStat]:
        out: list[TraitStat] = []
        for dim in dimensions(source.table, ctx):
            resolved = resolve(source, dim)  # a withheld segment value's raw value
            if resolved is not None:
                out += measure_dimension(source, resolved, ctx, self.name)
        return out

    def carriers(self, table: Table, stat: TraitStat, memo: RunMemo) -> pl.Expr:
        column = stat.columns[0]
        if str(stat.detail.get("segment")) == f"{table.key}.{column}":
            return pl.col(column) == pl.lit(stat.value)
        keys = carrier_keys(memo, table.key, stat)
        return pl.lit(False) if keys is None else pl.col(column).is_in(keys.implode())

    def apply(
        self, frame: pl.DataFrame, table: Table, stat: TraitStat, ctx: InjectContext
    ) -> pl.DataFrame:
        if frame.height == 0 or stat.columns[0] not in frame.columns:
            return frame
        cohorts = [
            t
            for t in table.traits
            if t.trait == self.name
            and t.columns == stat.columns
            and t.detail.get("segment") == stat.detail.get("segment")
        ]
        try:
            frame, rows, mine = members(frame, table, stat, cohorts, ctx)
        except NotGenerated:
            return frame
        idx = np.flatnonzero(rows == mine) if mine >= 0 else np.array([], dtype=np.int64)
        return apply_overrides(frame, table, stat, idx, ctx, burst_days(cohorts))


def segment_keys(given: Sequence[str] | str) -> tuple[str, ...]:
    """``segment_by`` (``--segment-by``, repeatable or comma-separated) as checked
    ``table.column`` keys."""
    items = [given] if isinstance(given, str) else list(given)
    keys = tuple(k.strip() for item in items for k in str(item).split(",") if k.strip())
    for key in keys:
        name, _, column = key.rpartition(".")
        if not name or not column:
            raise UsageError(
                f"segment_by (--segment-by) {key!r} must be table.column, e.g. tenants.source"
            )
    return keys


def check_segment_by(profile: Profile, keys: Sequence[str]) -> None:
    """Each ``--segment-by`` key names a profiled table (its column was checked while
    measuring it)."""
    tables = {t.key for t in profile.tables} | {t.name for t in profile.tables}
    for key in keys:
        name = key.rpartition(".")[0]
        if name not in tables:
            known = ", ".join(t.key for t in profile.tables) or "(none)"
            raise UsageError(
                f"segment_by (--segment-by) {key}: table {name!r} is not profiled; "
                f"profiled tables: {known}"
            )
