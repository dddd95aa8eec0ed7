"""The statistics queries the database profiler sends, and what each stores.

:mod:`synth.profiler.database` assembles a table's aggregate query (one row); here are the
others it runs: the ranked query (k-th extremes and, where the aggregate cannot compute
them, percentiles, with ``ROW_NUMBER()``), the frequent-value queries (see
:class:`FrequentValues`), and table traits' own queries (:class:`SqlMeasure`). Every one
starts with :data:`STATS_TAG`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import sqlalchemy as sa

from synth.model import LogicalType, Table
from synth.profiler.dialects import Dialect
from synth.profiler.reflect import ReflectedColumn, ReflectedTable
from synth.profiler.session import (
    AGGREGATE,
    PERCENTILES,
    SampledTable,
    execute,
    frequent_label,
    trait_label,
)
from synth.profiler.stats import MAX_FREQUENT, PERCENTS, QUANTILE_TYPES, Measured, nearest_rank
from synth.traits.base import TableMeasure

__all__ = [
    "FREQUENT",
    "STATS_TAG",
    "Dated",
    "FrequentValues",
    "GroupingSetsFrequent",
    "Planned",
    "SqlMeasure",
    "as_count",
    "count_into",
    "percentile_item",
    "quantile_queries",
    "run_items",
    "setter",
    "skeleton",
]

STATS_TAG = "/* synth:profile */"
"""Leading comment of every statistics query."""

_MAX_ITEMS = 1600
"""Result columns per statistics query (PostgreSQL allows 1,664, SQLite 2,000 by default,
MySQL 4,096); very wide tables take one more query per 1,600."""

_RAW = sa.types.NullType()
"""Results are coerced to this type so that values arrive as the driver returns them."""

FREQUENT = "the frequent-value query (most frequent values of low-cardinality columns)"
"""Label of a table's one frequent-value query (all its low-cardinality columns at once)."""


class Planned(Protocol):
    """What these queries need of one column's plan (``database.Planned``)."""

    column: ReflectedColumn
    expr: Any
    text: Any | None
    """The column as text (string columns), which shape rules read."""
    shapes: Sequence[Any]
    """The semantic shape rules measured on it (``semantic.ShapeRule``)."""
    m: Measured

    @property
    def logical(self) -> LogicalType: ...

    @property
    def length(self) -> Any | None: ...

    @property
    def values(self) -> Any:
        """What ``values`` and frequent values measure (floats without NaN, infinities)."""
        ...


def run_items(
    conn: sa.Connection,
    source: Any,
    items: list[tuple[Any, Callable[[Any], None]]],
    label: str = AGGREGATE,
) -> None:
    """Evaluate aggregate expressions in as few one-row queries as the width allows."""
    for start in range(0, len(items), _MAX_ITEMS):
        chunk = items[start : start + _MAX_ITEMS]
        query = sa.select(*(expr.label(f"a{i}") for i, (expr, _) in enumerate(chunk)))
        row = execute(conn, query.select_from(source).prefix_with(STATS_TAG), label).one()
        for value, (_, store) in zip(row, chunk, strict=True):
            store(value)


def setter(
    target: Any, attr: str, convert: Callable[[Any], Any] = lambda v: v
) -> Callable[[Any], None]:
    return lambda value: setattr(target, attr, convert(value))


def count_into(counts: dict[Any, int], key: Any) -> Callable[[Any], None]:
    return lambda value: counts.__setitem__(key, as_count(value))


def as_count(value: Any) -> int:
    return int(value or 0)


def percentile_item(
    dialect: Dialect, expr: Any, into: dict[str, Any]
) -> tuple[Any, Callable[[Any], None]]:
    def store(values: Any) -> None:
        for (name, _), value in zip(PERCENTS, values or [], strict=False):
            into[name] = value

    agg = dialect.percentiles(expr, [percent for _, percent in PERCENTS])
    return sa.type_coerce(agg, _RAW), store


def ranks(
    m: Measured, kind: str, into: dict[str, Any], k: int, percentiles: bool
) -> list[tuple[int, Callable[[Any], None]]]:
    """(1-based rank, store) of what one column's ranking picks: the k-th smallest and
    largest value (into ``m.<kind>_low``/``_high``) and, with ``percentiles``, each percentile."""
    from synth.profiler.stats import extreme_ranks

    n = m.valued if kind == "value" else m.nonnull
    ranks = extreme_ranks(n, k)
    if ranks is None:
        return []
    low, high = ranks
    out = [(low, setter(m, f"{kind}_low")), (high, setter(m, f"{kind}_high"))]
    if percentiles:
        out += [(nearest_rank(pct, n), store_into(into, name)) for name, pct in PERCENTS]
    return out


def store_into(into: dict[str, Any], key: str) -> Callable[[Any], None]:
    return lambda value: into.__setitem__(key, value)


def quantile_queries(
    conn: sa.Connection,
    source: Any,
    plans: Sequence[Planned],
    k: int,
    percentiles: bool = True,
    singletons: Sequence[tuple[Any, Callable[[Any], None]]] = (),
) -> None:
    """The k-th smallest and largest value (what a profile stores as min and max) and, with
    ``percentiles``, the nearest-rank percentiles, with ROW_NUMBER(), NULLs ranked last, all
    columns at once. Columns with fewer than 2k non-NULL values store no distribution and
    are left out; a table without any other costs no query.

    ``singletons`` are (comparison expression, store) pairs: the same query counts, for
    each, the non-NULL values held by exactly one row (``COUNT(*) OVER (PARTITION BY x)``),
    which the distinct-value estimator of a sample needs."""
    targets: list[tuple[Any, list[tuple[int, Callable[[Any], None]]]]] = []
    for p in plans:
        m = p.m
        if p.logical in QUANTILE_TYPES:
            targets.append((p.values, ranks(m, "value", m.value_quantiles, k, percentiles)))
        if p.length is not None:
            targets.append((p.length, ranks(m, "length", m.length_quantiles, k, percentiles)))
    targets = [(expr, picks) for expr, picks in targets if picks]
    per_query = _MAX_ITEMS // (len(PERCENTS) + 2)
    chunks = [targets[start : start + per_query] for start in range(0, len(targets), per_query)]
    lone = [singletons[start : start + per_query] for start in range(0, len(singletons), per_query)]
    for n in range(max(len(chunks), len(lone))):
        chunk = chunks[n] if n < len(chunks) else []
        alone = lone[n] if n < len(lone) else []
        inner = []
        for i, (expr, _) in enumerate(chunk):
            nulls_last = sa.case((expr.is_(None), 1), else_=0)
            inner.append(expr.label(f"v{i}"))
            inner.append(sa.func.row_number().over(order_by=(nulls_last, expr)).label(f"r{i}"))
        for i, (expr, _) in enumerate(alone):
            present = sa.case((expr.is_(None), 0), else_=1).label(f"p{i}")
            inner += [present, sa.func.count().over(partition_by=expr).label(f"c{i}")]
        sub = sa.select(*inner).select_from(source).subquery("ranked")
        outer, stores = [], []
        for i, (_, picks) in enumerate(chunk):
            for rank, store in picks:
                picked = sa.case((sub.c[f"r{i}"] == rank, sub.c[f"v{i}"]))
                outer.append(sa.type_coerce(sa.func.max(picked), _RAW).label(f"q{len(outer)}"))
                stores.append(store)
        for i, (_, store) in enumerate(alone):
            once = sa.and_(sub.c[f"p{i}"] == 1, sub.c[f"c{i}"] == 1)
            outer.append(sa.func.sum(sa.case((once, 1), else_=0)).label(f"q{len(outer)}"))
            stores.append(store)
        row = execute(conn, sa.select(*outer).prefix_with(STATS_TAG), PERCENTILES).one()
        for value, store in zip(row, stores, strict=True):
            store(value)


Dated = tuple[Any, Any] | None
"""(time column, old-before instant) of a table dated by a time column, else None."""


class FrequentValues:
    """The most frequent values of a table's low-cardinality columns, with, in a dated table,
    each value's newest time and count of old rows (legacy values and stale rows).

    This portable form sends **one** statement: a ``UNION ALL`` of one ``GROUP BY col ...
    LIMIT 50`` branch per column (each branch reads the table: one scan per column, as many
    as before but one round trip). :class:`GroupingSetsFrequent` reads the table once."""

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect

    @staticmethod
    def _ages(dated: Dated) -> list[Any]:
        if dated is None:
            return []
        time, old_before = dated
        return [
            sa.type_coerce(sa.func.max(time), _RAW).label("newest"),
            sa.func.sum(sa.case((time < old_before, 1), else_=0)).label("old"),
        ]

    def measure(
        self, conn: sa.Connection, source: Any, plans: Sequence[Planned], dated: Dated
    ) -> list[list[tuple[Any, ...]]]:
        """Per plan, its (value, count[, newest, old]) rows, most frequent first, at most 50."""
        if not plans:
            return []
        if len(plans) == 1:  # a plain GROUP BY (the statement a DBA reads most easily)
            return [self._one(conn, source, plans[0], dated)]
        branches = []
        for i, p in enumerate(plans):
            key = self.dialect.exact(p.values, p.logical)
            value = p.values if key is p.values else sa.func.min(p.values)
            cells = [
                sa.type_coerce(value if j == i else sa.null(), _RAW).label(f"v{j}")
                for j in range(len(plans))
            ]
            branch = (
                sa.select(sa.literal(i).label("w"), *cells, sa.func.count().label("n"))
                .add_columns(*self._ages(dated))
                .select_from(source)
                .where(p.values.is_not(None))
                .group_by(key)
                .order_by(sa.desc("n"), key)
                .limit(MAX_FREQUENT)
                .subquery(f"f{i}")
            )
            branches.append(sa.select(*branch.c))
        query = sa.union_all(*branches)
        out: list[list[tuple[Any, ...]]] = [[] for _ in plans]
        for row in execute(conn, sa.select(query.subquery("frequent")).prefix_with(STATS_TAG),
                           FREQUENT):  # fmt: skip
            which = int(row[0])
            out[which].append((row[1 + which], *row[1 + len(plans) :]))
        for rows in out:
            rows.sort(key=lambda r: -int(r[1]))
        return out

    def _one(
        self, conn: sa.Connection, source: Any, p: Planned, dated: Dated
    ) -> list[tuple[Any, ...]]:
        key = self.dialect.exact(p.values, p.logical)
        value = p.values if key is p.values else sa.func.min(p.values)
        query = (
            sa.select(sa.type_coerce(value, _RAW).label("v"), sa.func.count().label("n"))
            .add_columns(*self._ages(dated))
            .select_from(source)
            .where(p.values.is_not(None))
            .group_by(key)
            .order_by(sa.desc("n"), key)
            .limit(MAX_FREQUENT)
            .prefix_with(STATS_TAG)
        )
        return [tuple(row) for row in execute(conn, query, frequent_label(p.column.name))]


COMBINED_GROUPS = 20_000
"""At most this many combinations of the low-cardinality columns' values (the product of
their distinct counts, NULL included) are counted in one plain ``GROUP BY`` before the
grouping sets; more would not fit PostgreSQL's default ``work_mem`` in a hash table."""


class GroupingSetsFrequent(FrequentValues):
    """PostgreSQL: one ``GROUP BY GROUPING SETS ((a), (b), ...)`` over the table, one scan
    for every column (hashed when the groups fit in ``work_mem``), the 50 most frequent of
    each set kept by ``ROW_NUMBER() OVER (PARTITION BY GROUPING(a), GROUPING(b), ...)``.
    Where the columns' value combinations are few (:data:`COMBINED_GROUPS`), the grouping
    sets read those, counted by a plain ``GROUP BY a, b, ...`` of the table, which
    PostgreSQL runs in parallel."""

    def measure(
        self, conn: sa.Connection, source: Any, plans: Sequence[Planned], dated: Dated
    ) -> list[list[tuple[Any, ...]]]:
        if len(plans) <= 1:
            return super().measure(conn, source, plans, dated)
        keys = [self.dialect.exact(p.values, p.logical) for p in plans]
        n: Any = sa.func.count()
        ages = self._ages(dated)
        src: Any = source
        if math.prod((p.m.distinct or 0) + 1 for p in plans) <= COMBINED_GROUPS:
            # Count every combination of the columns' values first, in one plain GROUP BY
            # that PostgreSQL runs in parallel (grouping sets it does not), then add the
            # combinations up per column: exact, and half the time of the grouping sets
            # over the benchmark's 10M rows.
            combos = (
                sa.select(*(key.label(f"k{i}") for i, key in enumerate(keys)), n.label("n"))
                .add_columns(*ages)
                .select_from(source)
                .where(sa.or_(*(p.values.is_not(None) for p in plans)))
                .group_by(*keys)
                .subquery("combos")
            )
            keys = [combos.c[f"k{i}"] for i in range(len(keys))]
            n = sa.func.sum(combos.c.n)
            if dated is not None:
                ages = [
                    sa.func.max(combos.c.newest).label("newest"),
                    sa.func.sum(combos.c.old).label("old"),
                ]
            src = combos
        flags = [sa.func.grouping(key) for key in keys]
        rank = sa.func.row_number().over(partition_by=flags, order_by=(sa.desc(n), *keys))
        grouped = (
            sa.select(
                *(sa.type_coerce(key, _RAW).label(f"v{i}") for i, key in enumerate(keys)),
                *(flag.label(f"g{i}") for i, flag in enumerate(flags)),
                n.label("n"),
                rank.label("r"),
            )
            .add_columns(*ages)
            .select_from(src)
            .where(sa.or_(*(k.is_not(None) for k in keys)))
            .group_by(sa.func.grouping_sets(*(sa.tuple_(key) for key in keys)))
            .subquery("grouped")
        )
        ages = [grouped.c.newest, grouped.c.old] if dated is not None else []
        query = (
            sa.select(*grouped.c[: 2 * len(keys)], grouped.c.n, *ages)
            .where(grouped.c.r <= MAX_FREQUENT + 1)  # + the NULL group of its column
            .prefix_with(STATS_TAG)
        )
        out: list[list[tuple[Any, ...]]] = [[] for _ in plans]
        for row in execute(conn, query, FREQUENT):
            which = next(i for i in range(len(keys)) if row[len(keys) + i] == 0)
            if row[which] is not None:
                out[which].append((row[which], *row[2 * len(keys) :]))
        for rows in out:
            rows.sort(key=lambda r: -int(r[1]))
            del rows[MAX_FREQUENT:]
        return out


class SqlMeasure(TableMeasure):
    """Table traits' own queries, run in the database. Traits build them on the plain table
    (they read its ``schema``); a sampled source adapts each one to read the sample."""

    statistic = "table"
    """The trait whose queries run now, set by ``measure_table_traits``: timeouts name it."""

    def __init__(self, conn: sa.Connection, source: Any, table: Table) -> None:
        self.conn, self.source, self.table = conn, source, table
        self.whole = not isinstance(source, SampledTable)

    def rows(self, sql: Callable[[Any], Any], frame: Callable[[Any], Any]) -> list[tuple[Any, ...]]:
        sampled = self.source if isinstance(self.source, SampledTable) else None
        query = sql(self.source if sampled is None else sampled.base).prefix_with(STATS_TAG)
        if sampled is not None:
            query = sampled.adapt(query)
        found = execute(self.conn, query, trait_label(self.statistic))
        return [tuple(row) for row in found]


def skeleton(rt: ReflectedTable) -> Table:
    """The table as reflected: its schema, no rows and no statistics."""
    return Table(
        name=rt.name,
        schema=rt.schema,
        rows=0,
        primary_key=rt.primary_key,
        unique=rt.unique,
        foreign_keys=rt.foreign_keys,
        columns=tuple(c.column() for c in rt.columns),
        checks=rt.checks,
        triggers=rt.triggers,
    )
