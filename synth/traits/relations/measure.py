"""Measuring relation traits: which columns relate two tables, and their queries.

A *relation* is a one-column reference from a child table to a parent table's key:
a foreign key of the child, declared in the schema or inferred by the profiler from
names and values (:mod:`synth.profiler.relations`). Databases only: a file's measure
sees one file, and a relation needs two.

Per relation **one** query (:func:`histogram`) serves all four traits: the parent,
profiled first, runs it for ``childless_parent`` (:func:`childless`) and leaves it in the
run's memo, where the child finds it for ``children_per_parent``, ``orphan`` and
``soft_deleted_parent``. Under ``--sample`` each side runs its own.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl
import sqlalchemy as sa

from synth.model import Column, LogicalType, Table
from synth.traits.base import MeasureContext, TableMeasure

__all__ = [
    "KEY_TYPES",
    "TOP_SHARE",
    "Histogram",
    "Relation",
    "candidate_count",
    "child_relations",
    "childless",
    "composite_member",
    "flag_column",
    "histogram",
    "relations",
    "run_histogram",
    "top_count",
]

KEY_TYPES = frozenset({LogicalType.INTEGER, LogicalType.STRING, LogicalType.UUID})
"""Key types a relation may have (the types orphan values can be made for)."""
TOP_SHARE = 0.1
"""``children_per_parent`` counts the child rows of the busiest tenth of the parents."""
GROUP_FIRST = 2
"""The relation query counts children per key before joining the parent when the child
has at least this many rows per key (or per parent row, judged from the parent)."""
_FLAG = re.compile(r"^(deleted|archived|removed|trashed|purged|discarded)(_at|_on|_date|_time)?$")
_TEMPORAL = (LogicalType.DATETIME, LogicalType.DATE)


@dataclass(frozen=True)
class Relation:
    """``fk`` of a child table references ``key`` of ``parent`` (one column each)."""

    fk: str
    parent: Table
    key: str
    inferred: bool

    def is_self(self, child: Table) -> bool:
        return self.parent.key == child.key


def top_count(parents: int) -> int:
    """How many parents are the busiest :data:`TOP_SHARE` of ``parents`` (at least one)."""
    return max(1, math.floor(TOP_SHARE * parents + 0.5))


def top_share(fraction: float, parents: int) -> float:
    """The share of child rows the busiest :func:`top_count` of ``parents`` hold when the
    busiest tenth of production's parents hold ``fraction``: with few parents that group
    is more than a tenth of them (one of three), so its share lies on the line from
    (a tenth, ``fraction``) to (all, 1), a chord of the concave curve of busiest shares;
    uniform children (``fraction`` = 0.1) give each group its own share."""
    if parents <= 0:
        return fraction
    group = top_count(parents) / parents
    if group <= TOP_SHARE:
        return fraction
    return fraction + (group - TOP_SHARE) * (1.0 - fraction) / (1.0 - TOP_SHARE)


def _key_column(table: Table, name: str) -> Column | None:
    try:
        col = table.column(name)
    except KeyError:
        return None
    return col if col.type in KEY_TYPES else None


def relations(child: Table, parents: Mapping[str, Table]) -> list[Relation]:
    """The relations from ``child`` to tables in ``parents`` (by key): its one-column
    foreign keys, declared or inferred by the profiler (``ForeignKey.inferred``), the same
    ones the generator draws keys through."""
    out = []
    for fk in child.foreign_keys:
        parent = parents.get(fk.ref_table)
        if parent is None or len(fk.columns) != 1:
            continue
        col, key = _key_column(child, fk.columns[0]), _key_column(parent, fk.ref_columns[0])
        if col is not None and key is not None:
            out.append(Relation(fk.columns[0], parent, key.name, inferred=fk.inferred))
    return out


def composite_member(table: Table, column: str) -> bool:
    """Whether ``column`` is one column of a composite primary key or unique constraint
    (the generator lays such keys out in groups, which relation traits leave alone)."""
    keys = [table.primary_key, *table.unique]
    return any(column in k and len(k) > 1 for k in keys) and not any(k == (column,) for k in keys)


def child_relations(table: Table, ctx: MeasureContext) -> list[Relation]:
    """The relations of the table being measured: to the tables profiled before it
    (its parents, in a database) and to itself."""
    return relations(table, {**ctx.tables, table.key: table})


def candidate_count(table: Table) -> int:
    """At most how many relations ``table`` has: its one-column foreign keys (declared or
    inferred), for ``max_queries``."""
    return sum(1 for fk in table.foreign_keys if len(fk.columns) == 1)


def flag_column(parent: Table) -> str | None:
    """The parent's soft-delete column (``deleted_at``, ``archived_at``...): a date or
    timestamp that is NULL in some rows and set in others."""
    for col in parent.columns:
        if (
            _FLAG.match(col.name.lower())
            and col.type in _TEMPORAL
            and col.nullable
            and 0.0 < col.stats.null_fraction < 1.0
        ):
            return col.name
    return None


def _other(table: Table, base: str | None, *columns: str) -> Any:
    """``table`` as a SQLAlchemy table in the schema to query it in: its own, else the
    profile's base schema ``base`` (``--schema``; None: the connection's default)."""
    schema = table.schema_ if table.schema_ is not None else base
    return sa.table(table.name, *(sa.column(c) for c in columns), schema=schema)


def _no_frame(lf: pl.LazyFrame) -> pl.LazyFrame:
    raise NotImplementedError("relation traits are measured in databases only")


@dataclass
class Histogram:
    """What the relation query found: parents with ``n`` children, orphan rows, and rows
    pointing at soft-deleted parents."""

    counts: dict[int, int] = field(default_factory=dict)
    """Children per parent (parents with at least one) -> how many parents have that many."""
    orphan_rows: int = 0
    deleted_rows: int = 0
    deleted_parents: int = 0
    """Soft-deleted parents with at least one child."""

    @property
    def parents(self) -> int:
        return sum(self.counts.values())

    @property
    def rows(self) -> int:
        """Child rows pointing at an existing parent."""
        return sum(n * k for n, k in self.counts.items())

    def percentile(self, percent: int) -> int:
        """Nearest-rank percentile of the children per parent (parents with children)."""
        rank = max(1, -(-percent * self.parents // 100))
        seen = 0
        for n in sorted(self.counts):
            seen += self.counts[n]
            if seen >= rank:
                return n
        return max(self.counts, default=0)

    def top_rows(self) -> int:
        """Child rows of the busiest :data:`TOP_SHARE` of the parents (at least one)."""
        left = top_count(self.parents)
        total = 0
        for n in sorted(self.counts, reverse=True):
            take = min(left, self.counts[n])
            total += take * n
            left -= take
            if left == 0:
                break
        return total


def histogram(source: TableMeasure, ctx: MeasureContext, rel: Relation) -> Histogram:
    """The relation query for ``rel`` of the table being measured, run once per table and
    relation (the traits sharing it ask in turn)::

        SELECT n, o, d, COUNT(*) FROM (
          SELECT COUNT(*) AS n, MAX(CASE WHEN p.key IS NULL THEN 1 ELSE 0 END) AS o,
                 MAX(CASE WHEN p.deleted_at IS NOT NULL THEN 1 ELSE 0 END) AS d
          FROM child c LEFT JOIN parent p ON c.fk = p.key
          WHERE c.fk IS NOT NULL GROUP BY c.fk) GROUP BY n, o, d

    It returns one row per distinct children count (fewer than ``sqrt(2 * rows)``). Where
    the parent, profiled whole before this table, already ran it for ``childless_parent``
    (:func:`childless`), that result serves, and this table runs none."""
    key = ("relations", "histogram", rel.fk)
    if key not in ctx.memo:
        shared = ctx.run.get(_run_key(source.table.key, rel.fk)) if source.whole else None
        if shared is None:
            child = source.table
            flag = None if rel.is_self(child) else flag_column(rel.parent)
            stats = child.column(rel.fk).stats
            nonnull = child.rows * (1.0 - stats.null_fraction)
            grouped = stats.distinct is not None and nonnull >= GROUP_FIRST * stats.distinct
            shared = run_histogram(source, rel, flag, None, ctx.schema, grouped=grouped)
        ctx.memo[key] = shared
    histogram: Histogram = ctx.memo[key]
    return histogram


def _run_key(child: str, fk: str) -> tuple[str, ...]:
    return ("relations", "histogram", child, fk)


def run_histogram(
    source: TableMeasure,
    rel: Relation,
    flag: str | None,
    child: Table | None,
    base: str | None,
    *,
    grouped: bool,
) -> Histogram:
    """The histogram query, run from the child (``child`` None: ``source`` is the child)
    or from the parent (``source`` is the parent, ``child`` the table referencing it).
    ``grouped``: count the children per key before joining the parent (``(SELECT c.fk,
    COUNT(*) n ... GROUP BY c.fk) g LEFT JOIN parent p``), which joins one row per parent
    instead of one per child row, and lets PostgreSQL count in parallel: 2x faster on the
    benchmark's 10M orders of 100k customers, but 3x slower on its 2M items of 10M orders
    (one item each), where PostgreSQL hashes both sides of the join instead of merging."""

    def sql(src: Any) -> Any:
        if child is None:
            c = src.alias("c")
            p = _other(rel.parent, base, *([rel.key] + ([flag] if flag else []))).alias("p")
        else:
            c, p = _other(child, base, rel.fk).alias("c"), src.alias("p")
        fk, key = c.c[rel.fk], p.c[rel.key]
        orphan = sa.case((key.is_(None), 1), else_=0)
        deleted = sa.case((p.c[flag].is_not(None), 1), else_=0) if flag else sa.literal_column("0")
        if grouped:
            g = (
                sa.select(fk.label("fk"), sa.func.count().label("n"))
                .where(fk.is_not(None))
                .group_by(fk)
                .subquery("g")
            )
            fk = g.c.fk
            inner = (
                sa.select(g.c.n, orphan.label("o"), deleted.label("d"))
                .select_from(g.outerjoin(p, fk == key))
                .subquery("per_parent")
            )
        else:
            inner = (
                sa.select(
                    sa.func.count().label("n"),
                    sa.func.max(orphan).label("o"),
                    sa.func.max(deleted).label("d"),
                )
                .select_from(c.outerjoin(p, fk == key))
                .where(fk.is_not(None))
                .group_by(fk)
                .subquery("per_parent")
            )
        groups = (inner.c.n, inner.c.o, inner.c.d)
        return sa.select(*groups, sa.func.count().label("k")).group_by(*groups)

    out = Histogram()
    for n, o, d, k in source.rows(sql=sql, frame=_no_frame):
        n, k = int(n), int(k)
        if int(o or 0):
            out.orphan_rows += n * k
            continue
        out.counts[n] = out.counts.get(n, 0) + k
        if int(d or 0):
            out.deleted_rows += n * k
            out.deleted_parents += k
    return out


def childless(
    source: TableMeasure, ctx: MeasureContext, child: Table, rel: Relation, flag: str | None
) -> tuple[int, int]:
    """(parents with no child through ``rel``, how many of them have ``flag`` set).

    Read whole (no ``--sample``), the parent runs the child's :func:`histogram` query for
    it, ``child LEFT JOIN parent GROUP BY c.fk``: the parents it finds are those with a
    child, and the rest are childless, counted from the parent's own exact statistics (its
    rows with a key, with ``flag`` set). The result is kept for the run, so the child,
    profiled later, runs no query of its own for ``children_per_parent`` and ``orphan``:
    one query per relation, not two.

    A sampled parent (``--sample``) instead counts, in one query, its sampled parents with
    a key, less those the child's distinct keys join to, ``SELECT a.n - l.n, a.f - l.f FROM
    (SELECT COUNT(p.key) n, SUM(CASE WHEN p.deleted_at IS NOT NULL ...) f FROM parent p) a
    JOIN (SELECT COUNT(*) n, SUM(...) f FROM (SELECT DISTINCT c.fk FROM child c WHERE c.fk
    IS NOT NULL) r JOIN parent q ON q.key = r.fk) l ON true``.

    Neither is an anti-join (``NOT EXISTS``), which probes the child once per parent row:
    on MariaDB's 10M-row parent of the benchmark that ran past a 60 s timeout (SQLite
    without an index on the child's column: a scan of the child per parent row)."""
    if source.whole:
        estimate = ctx.estimated_rows(child.key)
        grouped = estimate is not None and estimate >= GROUP_FIRST * source.table.rows
        found = run_histogram(source, rel, flag, child, ctx.schema, grouped=grouped)
        ctx.run[_run_key(child.key, rel.fk)] = found
        me = source.table
        keys = _present(me, rel.key)
        flagged = _present(me, flag) if flag else 0
        return max(0, keys - found.parents), max(0, flagged - found.deleted_parents)
    return _childless_sampled(source, child, rel, flag, ctx.schema)


def _present(table: Table, column: str) -> int:
    """Rows of ``table`` where ``column`` is not NULL, from its statistics."""
    return math.floor(table.rows * (1.0 - table.column(column).stats.null_fraction) + 0.5)


def _childless_sampled(
    source: TableMeasure, child: Table, rel: Relation, flag: str | None, base: str | None
) -> tuple[int, int]:
    def flags(t: Any) -> Any:
        if not flag:
            return sa.literal_column("0")
        return sa.func.sum(sa.case((t.c[flag].is_not(None), 1), else_=0))

    def sql(src: Any) -> Any:
        p, q = src.alias("p"), src.alias("q")
        fk = _other(child, base, rel.fk).alias("c").c[rel.fk]
        every = sa.select(sa.func.count(p.c[rel.key]).label("n"), flags(p).label("f"))
        allp = every.select_from(p).subquery("allp")
        referenced = sa.select(fk.label("k")).where(fk.is_not(None)).distinct().subquery("r")
        joined = referenced.join(q, q.c[rel.key] == referenced.c.k)
        linked = (
            sa.select(sa.func.count().label("n"), flags(q).label("f"))
            .select_from(joined)
            .subquery("linked")
        )
        return sa.select(allp.c.n - linked.c.n, allp.c.f - linked.c.f).select_from(
            allp.join(linked, sa.true())
        )

    rows = source.rows(sql=sql, frame=_no_frame)
    count, flagged = rows[0] if rows else (0, 0)
    return int(count or 0), int(flagged or 0)
