"""Measuring cohorts: which columns split tables into segments, and how segments differ.

Used by :class:`synth.traits.cohorts.Cohort`; see its docstring for the rules and the
query bound. A *dimension* is one segment column (``tenants.source``) as it reaches one
measured table: the segment table itself, or a table referencing it by one foreign key.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping

from synth.errors import UsageError
from synth.model import Column, LogicalType, Scalar, Table, TraitStat
from synth.model.values import round_fraction
from synth.traits.base import MeasureContext, TableMeasure, TraitSettings
from synth.traits.cohorts.sql import Dimension, Item, aggregate_query, burst_query

__all__ = [
    "MAX_AGGREGATES",
    "MAX_SEGMENTS",
    "aggregate_queries",
    "differs",
    "dimensions",
    "max_dimensions",
    "measure_dimension",
    "segment_columns",
    "value_key",
]

L = LogicalType

SEGMENT_TABLES = re.compile(
    r"(^|_)(tenants?|accounts?|orgs?|organi[sz]ations?|compan(y|ies)|workspaces?)$"
)
"""Tables whose low-cardinality source-like columns are segments (by name, lower case)."""
SEGMENT_COLUMNS = tuple(
    re.compile(p)
    for p in (
        r"^source$",
        r"^origin$",
        r"^(migrated|imported)_from$",
        r"^(is_)?(legacy|migrated)$",
        r"_source$",
        r"_origin$",
        r"^channel$",
        r"_channel$",
    )
)
"""Segment column names (lower case), in order of preference: ``source``, ``origin``,
``migrated_from``/``imported_from``, ``legacy``/``is_legacy``/``migrated``, ``*_source``
(``import_source``, ``plan_source``), ``*_origin``, ``channel``, ``*_channel``."""
SEGMENT_TYPES = frozenset({L.STRING, L.INTEGER, L.BOOLEAN})
"""Types of segment columns and of columns whose value sets are compared."""
MAX_SEGMENTS = 10
"""At most this many segments per dimension (auto-detection: 2..10 values)."""
MIN_SEGMENT_SHARE = 0.01
"""Auto-detection: every segment value holds at least this share of the table's rows."""
MAX_AGGREGATES = 1000
"""Aggregates per query; wider measurements take one more query per 1,000."""

MIN_DIFF = 0.02
"""A share differs when it is this far (absolute) from the share over all cohorts..."""
MIN_RELATIVE = 0.2
"""...and this far relative to the larger of the two..."""
SIGMAS = 4.0
"""...and this many binomial standard errors of the cohort's row count (not noise)."""
MIN_BURST_ROWS = 5
MIN_BURST_SHARE = 0.05
"""A cohort's busiest day is a burst from this many rows and this share of its rows."""


def value_key(column: str, value: Scalar) -> str:
    """The detail key of a value's share: ``value:plan=premium``, ``value:active=true``."""
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return f"value:{column}={text}"


def _keys(table: Table) -> set[str]:
    keys = set(table.primary_key) | {u[0] for u in table.unique if len(u) == 1}
    keys |= {c for fk in table.foreign_keys for c in fk.columns}
    return keys | {c.name for c in table.columns if c.name == "id" or c.name.endswith("_id")}


def segment_columns(table: Table, settings: TraitSettings) -> list[tuple[str, tuple[Scalar, ...]]]:
    """(column, segment values) of each segment column of ``table``: the ``--segment-by``
    columns naming it, or (none given) the auto-detected ones."""
    if settings.segment_by:
        out = []
        for key in settings.segment_by:
            name, _, col = key.rpartition(".")
            if name not in (table.key, table.name):
                continue
            try:
                column = table.column(col)
            except KeyError:
                known = ", ".join(c.name for c in table.columns)
                raise UsageError(
                    f"segment_by (--segment-by) {key}: table {table.key!r} has no column "
                    f"{col!r}; its columns: {known}"
                ) from None
            values = tuple(f.value for f in column.stats.frequent)[:MAX_SEGMENTS]
            if column.type not in SEGMENT_TYPES or not values:
                raise UsageError(
                    f"segment_by (--segment-by) {key}: not a low-cardinality string, integer "
                    "or boolean column (no frequent values were measured); pick one like "
                    "tenants.source"
                )
            out.append((col, values))
        return out
    if not SEGMENT_TABLES.search(table.name.lower()):
        return []
    keys = _keys(table)
    found = []
    for column in table.columns:
        freq = column.stats.frequent
        rank = next(
            (i for i, p in enumerate(SEGMENT_COLUMNS) if p.search(column.name.lower())), None
        )
        if (
            rank is not None
            and column.name not in keys
            and column.type in SEGMENT_TYPES
            and 2 <= len(freq) <= MAX_SEGMENTS
            and column.stats.distinct in (None, len(freq))
            and all(f.fraction >= MIN_SEGMENT_SHARE for f in freq)
        ):
            found.append((rank, column.name, tuple(f.value for f in freq)))
    return [(name, values) for _, name, values in sorted(found)[:1]]  # the preferred one


def max_dimensions(table: Table) -> int:
    """At most how many dimensions reach ``table`` with auto-detection: its own segment
    column, and one per one-column reference to a table named like a segment table."""
    own = len(segment_columns(table, TraitSettings()))
    declared = {c for fk in table.foreign_keys for c in fk.columns}
    refs = sum(
        1
        for fk in table.foreign_keys
        if len(fk.columns) == 1 and SEGMENT_TABLES.search(fk.ref_table.rpartition(".")[2].lower())
    )
    refs += sum(
        1
        for c in table.columns
        if c.name not in declared
        and c.name.endswith("_id")
        and SEGMENT_TABLES.search(c.name[:-3].lower())
    )
    return own + refs


def aggregate_queries(table: Table) -> int:
    """At most how many per-segment aggregate queries one dimension costs on ``table``."""
    items = sum(
        (1 if c.nullable else 0) + (len(c.stats.frequent) if c.type in SEGMENT_TYPES else 0)
        for c in table.columns
    )
    return max(1, -(-items // MAX_AGGREGATES))


def _references(table: Table, tables: Mapping[str, Table]) -> list[tuple[str, str, Table]]:
    """(column, referenced column, parent) of one-column foreign keys (declared or
    inferred) to other profiled tables."""
    out = []
    for fk in table.foreign_keys:
        parent = tables.get(fk.ref_table)
        if parent is not None and len(fk.columns) == 1 and parent.key != table.key:
            out.append((fk.columns[0], fk.ref_columns[0], parent))
    return out


def dimensions(table: Table, ctx: MeasureContext) -> list[Dimension]:
    """Every dimension reaching ``table``: its own segment columns, then those of the
    tables it references (one hop)."""
    out = [Dimension(table, col, values) for col, values in segment_columns(table, ctx.settings)]
    for fk, ref, parent in _references(table, ctx.tables):
        for col, values in segment_columns(parent, ctx.settings):
            out.append(Dimension(parent, col, values, fk, ref))
    return out


def _items(table: Table, dim: Dimension, ctx: MeasureContext) -> tuple[list[Item], Column | None]:
    """The per-segment counts to measure, and the time column (for bursts)."""
    skip = _keys(table) | {dim.fk or dim.column}
    eligible = [c for c in table.columns if c.name not in skip and c.type is not L.OPAQUE]
    items = []
    for c in eligible:
        if c.nullable and 0.0 < c.stats.null_fraction < 1.0:
            items.append(Item("null", c))
        if c.type in SEGMENT_TYPES and c.stats.frequent:
            items += [Item("value", c, f.value) for f in c.stats.frequent]
    time = next((c for c in eligible if c.name == ctx.time_column), None)
    if time is not None and (
        time.type not in (L.DATE, L.DATETIME) or time.stats.null_fraction >= 1
    ):
        time = None
    return items, time


# ------------------------------------------------------------------------------- rules


def differs(share: float, rows: int, pooled: float) -> bool:
    """Whether a cohort's share (of its ``rows``) differs meaningfully from the share over
    all cohorts: by :data:`MIN_DIFF`, :data:`MIN_RELATIVE` and :data:`SIGMAS` errors."""
    gap = abs(share - pooled)
    noise = SIGMAS * math.sqrt(pooled * (1.0 - pooled) / rows) if rows else math.inf
    return gap >= MIN_DIFF and gap >= MIN_RELATIVE * max(share, pooled) and gap >= noise


def measure_dimension(
    source: TableMeasure, dim: Dimension, ctx: MeasureContext, name: str
) -> list[TraitStat]:
    """The cohort entries of ``source.table`` for ``dim`` (none when no share differs)."""
    from synth.model.values import to_scalar

    table = source.table
    if table.rows == 0:
        return []
    items, time = _items(table, dim, ctx)
    rows: dict[int, int] = {}
    counts: dict[int, list[int]] = {}
    for start in range(0, max(1, len(items)), MAX_AGGREGATES):
        chunk = items[start : start + MAX_AGGREGATES]
        sql, frame = aggregate_query(dim, table, chunk)
        for s, n, *found in source.rows(sql=sql, frame=frame):
            rows[int(s)] = int(n)
            counts.setdefault(int(s), []).extend(int(v or 0) for v in found)
    total = sum(rows.values())
    if total == 0:
        return []
    segments = sorted(rows)
    overrides: dict[int, dict[str, Scalar]] = {s: {} for s in segments}
    by_column: dict[str, list[int]] = {}
    for i, item in enumerate(items):
        by_column.setdefault(item.column.name, []).append(i)
    for positions in by_column.values():
        changed = any(
            differs(counts[s][i] / rows[s], rows[s], sum(counts[x][i] for x in segments) / total)
            for i in positions
            for s in segments
        )
        if not changed:
            continue
        for s in segments:
            for i in positions:
                item, share = items[i], round_fraction(counts[s][i], rows[s])
                if item.kind == "null":
                    overrides[s][f"null:{item.column.name}"] = share
                elif share > 0:
                    assert item.value is not None
                    overrides[s][value_key(item.column.name, item.value)] = share
    if time is not None:
        sql, frame = burst_query(dim, table, time)
        for s, n, lo, hi, day_n in source.rows(sql=sql, frame=frame):
            s, n = int(s), int(n)
            share, pooled = n / rows[s], int(day_n) / total
            first, last = to_scalar(lo, time.type), to_scalar(hi, time.type)
            big = n >= MIN_BURST_ROWS and share >= MIN_BURST_SHARE
            if big and differs(share, rows[s], pooled) and first is not None and last is not None:
                overrides[s][f"burst:{time.name}"] = first
                overrides[s][f"burst_last:{time.name}"] = last
                overrides[s][f"burst_share:{time.name}"] = round_fraction(n, rows[s])
    if not any(overrides.values()):
        return []
    common: dict[str, Scalar] = {"segment": dim.key}
    if dim.fk is None:
        common["segments"] = json.dumps([dim.label(s) for s in segments])
    else:
        assert dim.ref is not None
        common["key"] = dim.ref
        carried = [
            t.value
            for t in dim.segment.traits
            if t.trait == name and t.detail.get("segment") == dim.key and t.value is not None
        ]
        if carried:
            common["segments"] = json.dumps(carried)
    return [
        TraitStat(
            trait=name,
            fraction=round_fraction(rows[s], table.rows),
            value=dim.label(s),
            columns=(dim.fk or dim.column,),
            detail={**common, "rows": rows[s], **overrides[s]},
        )
        for s in segments
    ]
