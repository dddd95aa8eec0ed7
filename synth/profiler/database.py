"""Profiling a database: reflect the schema, then compute statistics with aggregate SQL.

Per table, the database runs (see ``docs/profiling.md``):

1. one aggregate query over all columns: ``COUNT(*)``, per column ``COUNT(col)``,
   ``COUNT(DISTINCT col)``, ``MIN``/``MAX`` of values and of character lengths, and
   the semantic shape counters (on PostgreSQL also every percentile, with
   ``percentile_disc``);
2. elsewhere, one window-function query for the percentiles of all columns;
3. one ``GROUP BY col ... LIMIT 50`` query per low-cardinality column.

Rows never reach Python: every query returns one row, or at most 50 for (3).
Each statistics query starts with the comment ``/* synth:profile */`` so that a
DBA can recognise it in the database's logs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import sqlalchemy as sa

from synth.errors import SourceError
from synth.internal.progress import Reporter
from synth.internal.urls import connect_error, create_engine, masked_url, parse_url, reason
from synth.model import (
    PROFILE_KIND,
    PROFILE_VERSION,
    LogicalType,
    Profile,
    SemanticType,
    Source,
    Table,
)
from synth.profiler.dialects import Dialect, dialect_for
from synth.profiler.options import PrivacyOptions, ProfileOptions
from synth.profiler.reflect import ReflectedColumn, ReflectedTable, reflect_selected
from synth.profiler.relations import infer_relations
from synth.profiler.semantic import (
    ShapeRule,
    personal_override,
    semantic_from_name,
    semantic_from_shapes,
    shape_rules_for,
)
from synth.profiler.session import (
    AGGREGATE,
    PERCENTILES,
    REFLECTION,
    SampledTable,
    execute,
    frequent_label,
    integer_key,
    profile_sampled,
    start_session,
    trait_label,
)
from synth.profiler.stats import (
    MAX_FREQUENT,
    NO_DISTINCT,
    PERCENTS,
    QUANTILE_TYPES,
    Measured,
    column_stats,
    nearest_rank,
    wants_frequent,
)
from synth.profiler.traits import (
    ColumnProbes,
    detect_time_column,
    late_relations,
    measure_table_traits,
    parents_first,
    record_ages,
)
from synth.traits.base import MeasureContext, TableMeasure, TraitSettings
from synth.traits.instants import dated_column, param

__all__ = ["STATS_TAG", "profile_database", "profile_engine"]

STATS_TAG = "/* synth:profile */"
"""Leading comment of every statistics query."""

_MAX_ITEMS = 1000
"""Result columns per statistics query; very wide tables take one more query per 1,000."""

_RAW = sa.types.NullType()
"""Results are coerced to this type so that values arrive as the driver returns them."""


def _connect(url: str) -> sa.Engine:
    """An engine for ``url`` with a read-only session where cheap; nothing is opened yet."""
    parsed = parse_url(url)
    masked = masked_url(parsed)
    backend = parsed.get_backend_name()
    options = dialect_for(backend).engine_options(parsed, masked)
    return create_engine(parsed, masked, **options)


def profile_database(url: str, options: ProfileOptions | None = None) -> Profile:
    """Profile the database at ``url`` (a SQLAlchemy URL)."""
    engine = _connect(url)
    try:
        return profile_engine(engine, options)
    finally:
        engine.dispose()


def profile_engine(engine: sa.Engine, options: ProfileOptions | None = None) -> Profile:
    """Profile through an engine made by :func:`_connect`."""
    from synth._version import __version__

    options = options or ProfileOptions()
    privacy, session, settings = options.privacy, options.session, options.traits
    schema = options.schema

    url = engine.url
    masked = masked_url(url)
    dialect = dialect_for(url.get_backend_name())
    as_of = options.as_of or dt.datetime.now(dt.UTC).replace(microsecond=0)
    try:
        conn = engine.connect()
    except sa.exc.DBAPIError as exc:
        raise connect_error(exc, url) from None
    with conn:
        try:
            progress = Reporter(options.progress, "profile")
            active = start_session(conn, dialect, session, masked, progress)
        except sa.exc.DBAPIError as exc:
            raise SourceError(
                f"{masked}: cannot start a read-only session with a statement timeout: "
                f"{reason(exc, url)}; check the server version, or pass --statement-timeout 0"
            ) from None
        try:
            reflected = reflect_selected(
                conn, dialect, schema, options.tables, options.exclude, masked
            )
        except sa.exc.DBAPIError as exc:
            if dialect.timed_out(exc):
                raise active.timeout_error(REFLECTION) from None
            raise SourceError(
                f"cannot read the schema of {masked}: {reason(exc, url)}; check that it is a "
                f"{url.get_backend_name()} database and that the user may read its catalog"
            ) from None
        try:
            infer_relations(conn, reflected, options.relations)
        except sa.exc.DBAPIError as exc:
            raise SourceError(
                f"{masked}: cannot measure which columns reference other tables: "
                f"{reason(exc, url)}; check that the user may SELECT from every profiled "
                "table, or pass --no-relation '*' to skip inferring relations"
            ) from None
        out = []
        skeletons = {rt.key: _skeleton(rt) for rt in reflected}
        active.start_tables(len(reflected))
        for table in parents_first(reflected):
            active.begin_table(table.key)
            try:
                done = {t.key: t for t in out}  # parents first: table traits read them
                measure = partial(
                    _profile_table,
                    conn,
                    dialect,
                    table,
                    as_of,
                    settings,
                    done,
                    skeletons,
                    privacy,
                    schema=schema,
                )
                out.append(profile_sampled(measure, session.sample))
            except sa.exc.DBAPIError as exc:
                raise SourceError(
                    f"{masked}: cannot profile table {table.key!r}: {reason(exc, url)}; check "
                    "that the user may SELECT from it, or leave it out with exclude"
                ) from None
        active.end_tables()
        by_key = {rt.key: rt for rt in reflected}

        def whole(table: Table) -> _SqlMeasure:
            rt = by_key[table.key]
            columns = (sa.column(c.name) for c in rt.columns)
            return _SqlMeasure(conn, sa.table(rt.name, *columns, schema=rt.query_schema), table)

        active.table = None
        try:
            out = late_relations(out, whole, as_of, settings, schema)
        except sa.exc.DBAPIError as exc:
            raise SourceError(
                f"{masked}: cannot measure the relations of a foreign-key cycle: "
                f"{reason(exc, url)}; check that the user may SELECT from every profiled table"
            ) from None
    name = "mariadb" if getattr(engine.dialect, "is_mariadb", False) else engine.dialect.name
    return Profile(
        kind=PROFILE_KIND,
        version=PROFILE_VERSION,
        synth_version=__version__,
        source=Source(
            kind="database",
            url=masked,
            dialect=name,
            schema=schema,
            as_of=as_of,
            min_count=privacy.min_count,
            sample=session.sample,
            epsilon=privacy.epsilon,
        ),
        tables=tuple(sorted(out, key=lambda t: t.key)),
    )


@dataclass
class _Plan:
    """What is measured for one column, and what was measured."""

    column: ReflectedColumn
    expr: Any
    text: Any | None
    name_semantic: SemanticType | None
    shapes: tuple[ShapeRule, ...]
    m: Measured = field(default_factory=Measured)

    @property
    def logical(self) -> LogicalType:
        return self.column.info.logical

    @property
    def length(self) -> Any | None:
        """What ``lengths`` measures: characters of a string, elements of an array."""
        if self.text is not None:
            return sa.func.char_length(self.text)
        if self.logical is LogicalType.ARRAY:
            return sa.func.cardinality(self.expr)  # ANSI SQL; PostgreSQL's arrays have it
        return None


def _plan(column: ReflectedColumn, expr: Any) -> _Plan:
    info = column.info
    text = None
    if info.logical is LogicalType.STRING:
        plain = isinstance(column.sa_type, sa.String) and not isinstance(column.sa_type, sa.Enum)
        text = expr if plain else sa.cast(expr, sa.Text)
    name_semantic = semantic_from_name(column.name, info.logical)
    shapes = shape_rules_for(info.logical, name_semantic, info.domain is not None)
    return _Plan(column, expr, text, name_semantic, shapes)


def _run_items(
    conn: sa.Connection, source: Any, items: list[tuple[Any, Callable[[Any], None]]]
) -> None:
    """Evaluate aggregate expressions in as few one-row queries as the width allows."""
    for start in range(0, len(items), _MAX_ITEMS):
        chunk = items[start : start + _MAX_ITEMS]
        query = sa.select(*(expr.label(f"a{i}") for i, (expr, _) in enumerate(chunk)))
        row = execute(conn, query.select_from(source).prefix_with(STATS_TAG), AGGREGATE).one()
        for value, (_, store) in zip(row, chunk, strict=True):
            store(value)


def _setter(
    target: Any, attr: str, convert: Callable[[Any], Any] = lambda v: v
) -> Callable[[Any], None]:
    return lambda value: setattr(target, attr, convert(value))


def _count_into(counts: dict[Any, int], key: Any) -> Callable[[Any], None]:
    return lambda value: counts.__setitem__(key, _counts(value))


def _counts(value: Any) -> int:
    return int(value or 0)


def _aggregate_items(
    dialect: Dialect, plans: list[_Plan], rows: dict[str, int], probes: ColumnProbes
) -> list[tuple[Any, Callable[[Any], None]]]:
    items: list[tuple[Any, Callable[[Any], None]]] = [
        (sa.func.count(), lambda v: rows.__setitem__("rows", _counts(v)))
    ]
    for p in plans:
        m, expr, logical = p.m, p.expr, p.logical
        items.append((sa.func.count(expr), _setter(m, "nonnull", _counts)))
        if logical not in NO_DISTINCT:
            distinct = sa.func.count(sa.distinct(dialect.exact(expr, logical)))
            items.append((distinct, _setter(m, "distinct", _counts)))
        if logical in QUANTILE_TYPES:
            items.append((sa.type_coerce(sa.func.min(expr), _RAW), _setter(m, "value_min")))
            items.append((sa.type_coerce(sa.func.max(expr), _RAW), _setter(m, "value_max")))
            if dialect.ordered_set_percentiles:
                items.append(_percentile_item(dialect, expr, m.value_quantiles))
        length = p.length
        if length is not None:
            items.append((sa.func.min(length), _setter(m, "length_min")))
            items.append((sa.func.max(length), _setter(m, "length_max")))
            if dialect.ordered_set_percentiles:
                items.append(_percentile_item(dialect, length, m.length_quantiles))
        if p.text is not None:
            for rule in p.shapes:
                hits = sa.func.sum(sa.case((rule.sql(p.text), 1), else_=0))
                items.append((hits, _count_into(m.shape_counts, rule.semantic)))
    targets = {p.column.name: p.text if p.text is not None else p.expr for p in plans}
    return items + probes.sql_items(targets)


def _percentile_item(
    dialect: Dialect, expr: Any, into: dict[str, Any]
) -> tuple[Any, Callable[[Any], None]]:
    def store(values: Any) -> None:
        for (name, _), value in zip(PERCENTS, values or [], strict=False):
            into[name] = value

    agg = dialect.percentiles(expr, [percent for _, percent in PERCENTS])
    return sa.type_coerce(agg, _RAW), store


def _ranks(
    m: Measured, kind: str, into: dict[str, Any], k: int, percentiles: bool
) -> list[tuple[int, Callable[[Any], None]]]:
    """(1-based rank, store) of what one column's ranking picks: the k-th smallest and
    largest value (into ``m.<kind>_low``/``_high``) and, with ``percentiles``, each percentile."""
    from synth.profiler.stats import extreme_ranks

    ranks = extreme_ranks(m.nonnull, k)
    if ranks is None:
        return []
    low, high = ranks
    out = [(low, _setter(m, f"{kind}_low")), (high, _setter(m, f"{kind}_high"))]
    if percentiles:
        out += [(nearest_rank(pct, m.nonnull), _store_into(into, name)) for name, pct in PERCENTS]
    return out


def _store_into(into: dict[str, Any], key: str) -> Callable[[Any], None]:
    return lambda value: into.__setitem__(key, value)


def _quantile_queries(
    conn: sa.Connection, source: Any, plans: list[_Plan], k: int, percentiles: bool = True
) -> None:
    """The k-th smallest and largest value (what a profile stores as min and max) and, with
    ``percentiles``, the nearest-rank percentiles, with ROW_NUMBER(), NULLs ranked last, all
    columns at once. Columns with fewer than 2k non-NULL values store no distribution and
    are left out; a table without any other costs no query."""
    targets: list[tuple[Any, list[tuple[int, Callable[[Any], None]]]]] = []
    for p in plans:
        m = p.m
        if p.logical in QUANTILE_TYPES:
            targets.append((p.expr, _ranks(m, "value", m.value_quantiles, k, percentiles)))
        if p.length is not None:
            targets.append((p.length, _ranks(m, "length", m.length_quantiles, k, percentiles)))
    targets = [(expr, picks) for expr, picks in targets if picks]
    per_query = _MAX_ITEMS // (len(PERCENTS) + 2)
    for start in range(0, len(targets), per_query):
        chunk = targets[start : start + per_query]
        inner = []
        for i, (expr, _) in enumerate(chunk):
            nulls_last = sa.case((expr.is_(None), 1), else_=0)
            inner.append(expr.label(f"v{i}"))
            inner.append(sa.func.row_number().over(order_by=(nulls_last, expr)).label(f"r{i}"))
        sub = sa.select(*inner).select_from(source).subquery("ranked")
        outer, stores = [], []
        for i, (_, picks) in enumerate(chunk):
            for rank, store in picks:
                picked = sa.case((sub.c[f"r{i}"] == rank, sub.c[f"v{i}"]))
                outer.append(sa.type_coerce(sa.func.max(picked), _RAW).label(f"q{len(outer)}"))
                stores.append(store)
        row = execute(conn, sa.select(*outer).prefix_with(STATS_TAG), PERCENTILES).one()
        for value, store in zip(row, stores, strict=True):
            store(value)


def _frequent_query(
    conn: sa.Connection, dialect: Dialect, source: Any, p: _Plan, dated: tuple[Any, Any] | None
) -> list[tuple[Any, ...]]:
    """(value, count) rows; with ``dated`` = (time column, old-before instant) also each
    value's newest time and its count of old rows (for legacy values and stale rows)."""
    key = dialect.exact(p.expr, p.logical)
    value = p.expr if key is p.expr else sa.func.min(p.expr)
    count = sa.func.count().label("n")
    ages = []
    if dated is not None:
        time, old_before = dated
        ages = [
            sa.type_coerce(sa.func.max(time), _RAW).label("newest"),
            sa.func.sum(sa.case((time < old_before, 1), else_=0)).label("old"),
        ]
    query = (
        sa.select(sa.type_coerce(value, _RAW).label("v"), count, *ages)
        .select_from(source)
        .where(p.expr.is_not(None))
        .group_by(key)
        .order_by(sa.desc("n"), key)
        .limit(MAX_FREQUENT)
        .prefix_with(STATS_TAG)
    )
    return [tuple(row) for row in execute(conn, query, frequent_label(p.column.name))]


class _SqlMeasure(TableMeasure):
    """Table traits' own queries, run in the database. Traits build them on the plain table
    (they read its ``schema``); a sampled source adapts each one to read the sample."""

    statistic = "table"
    """The trait whose queries run now, set by ``measure_table_traits``: timeouts name it."""

    def __init__(self, conn: sa.Connection, source: Any, table: Table) -> None:
        self.conn, self.source, self.table = conn, source, table

    def rows(self, sql: Callable[[Any], Any], frame: Callable[[Any], Any]) -> list[tuple[Any, ...]]:
        sampled = self.source if isinstance(self.source, SampledTable) else None
        query = sql(self.source if sampled is None else sampled.base).prefix_with(STATS_TAG)
        if sampled is not None:
            query = sampled.adapt(query)
        found = execute(self.conn, query, trait_label(self.statistic))
        return [tuple(row) for row in found]


def _skeleton(rt: ReflectedTable) -> Table:
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


def _profile_table(
    conn: sa.Connection,
    dialect: Dialect,
    rt: ReflectedTable,
    as_of: dt.datetime,
    settings: TraitSettings,
    profiled: Mapping[str, Table] | None = None,
    reflected: Mapping[str, Table] | None = None,
    privacy: PrivacyOptions | None = None,
    sample: float | None = None,
    *,
    schema: str | None = None,
) -> Table:
    """One table's profile; with ``sample`` (percent), every statistics query reads the
    same sample of it, and the counts are the sample's (the caller scales the rows)."""
    source: Any = sa.table(
        rt.name,
        *(sa.column(c.name) for c in rt.columns),
        schema=rt.query_schema,
    )
    if sample is not None:
        source = SampledTable.build(dialect, source, sample, integer_key(rt))
    plans = [_plan(c, dialect.column_expr(source.c[c.name], c.sa_type)) for c in rt.columns]
    skeleton = _skeleton(rt)
    ctx = MeasureContext(
        table=skeleton.key,
        as_of=as_of,
        time_column=detect_time_column(skeleton, settings),
        settings=settings,
        tables=profiled or {},
        reflected=reflected or {},
        schema=schema,
    )
    probes = ColumnProbes(skeleton, ctx)
    time_col = dated_column(skeleton, ctx.time_column)
    dated = None
    if time_col is not None:
        time_expr = next(p.expr for p in plans if p.column.name == time_col.name)
        dated = (time_expr, param(time_col, ctx.old_before))
    rows = {"rows": 0}
    _run_items(conn, source, _aggregate_items(dialect, plans, rows, probes))
    privacy = privacy or PrivacyOptions()
    # k-th extremes always; percentiles too where the aggregate query could not compute them
    percentiles = not dialect.ordered_set_percentiles
    _quantile_queries(conn, source, plans, privacy.min_count, percentiles=percentiles)
    columns = []
    for p, bare in zip(plans, skeleton.columns, strict=True):
        semantic = p.name_semantic or semantic_from_shapes(p.m.shape_counts, p.m.nonnull)
        semantic = personal_override(semantic, f"{skeleton.key}.{p.column.name}", privacy)
        has_domain = p.column.info.domain is not None
        if wants_frequent(p.logical, semantic, p.m.distinct, p.m.nonnull, has_domain):
            found = _frequent_query(conn, dialect, source, p, dated)
            p.m.frequent = record_ages(ctx, p.column.name, p.logical, time_col, found)
        stats = column_stats(rows["rows"], p.logical, p.m)
        stats = stats.model_copy(update={"traits": probes.stats(bare, rows["rows"])})
        columns.append(bare.model_copy(update={"semantic": semantic, "stats": stats}))
    table = skeleton.model_copy(update={"rows": rows["rows"], "columns": tuple(columns)})
    traits = measure_table_traits(_SqlMeasure(conn, source, table), ctx)
    from synth.profiler.privacy import protect_table
    from synth.traits.cohort_legacy import with_cohort_legacy

    table = with_cohort_legacy(table.model_copy(update={"traits": traits}), ctx.settings)
    return protect_table(table, {p.column.name: p.m for p in plans}, privacy, profiled)
