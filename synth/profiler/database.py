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
from synth.internal.floats import finite
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
from synth.profiler.formats import measure_formats
from synth.profiler.options import PrivacyOptions, ProfileOptions
from synth.profiler.plan import large_table, row_estimator
from synth.profiler.queries import _RAW, STATS_TAG, FrequentValues, GroupingSetsFrequent
from synth.profiler.queries import SqlMeasure as _SqlMeasure
from synth.profiler.queries import as_count as _counts
from synth.profiler.queries import count_into as _count_into
from synth.profiler.queries import percentile_item as _percentile_item
from synth.profiler.queries import quantile_queries as _quantile_queries
from synth.profiler.queries import run_items as _run_items
from synth.profiler.queries import setter as _setter
from synth.profiler.queries import skeleton as _skeleton
from synth.profiler.reflect import ReflectedColumn, ReflectedTable, reflect_selected
from synth.profiler.relations import infer_relations
from synth.profiler.sample import sampler_for
from synth.profiler.semantic import (
    ShapeRule,
    personal_override,
    semantic_from_name,
    semantic_from_shapes,
    shape_rules_for,
)
from synth.profiler.session import (
    REFLECTION,
    integer_key,
    profile_sampled,
    start_session,
)
from synth.profiler.stats import (
    NO_DISTINCT,
    QUANTILE_TYPES,
    Measured,
    column_stats,
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
from synth.traits.base import MeasureContext, RunMemo, TraitSettings
from synth.traits.instants import dated_column, param

__all__ = ["STATS_TAG", "profile_database", "profile_engine"]


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
    with conn, dialect.guard(conn):
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
        run: RunMemo = {}  # what a parent measured that its children reuse
        estimate = row_estimator(conn, dialect, reflected)
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
                    exact_rows=session.exact_rows,
                    run=run,
                    estimated_rows=estimate,
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
    def values(self) -> Any:
        """What ``values`` and frequent values measure: floats without NaN and infinities
        (the ``non_finite`` trait counts those)."""
        return finite(self.expr) if self.logical is LogicalType.FLOAT else self.expr

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


def _aggregate_items(
    dialect: Dialect,
    plans: list[_Plan],
    rows: dict[str, int],
    probes: ColumnProbes,
    exact: bool = True,
) -> list[tuple[Any, Callable[[Any], None]]]:
    """The aggregate query's terms; without ``exact`` (a large table) none that sorts, and
    no shape or trait counter (string functions and comparisons by the dozen on every
    row): distinct counts, percentiles, shape and trait shares then come from its sample
    (``plan.LargeTable``)."""
    items: list[tuple[Any, Callable[[Any], None]]] = [
        (sa.func.count(), lambda v: rows.__setitem__("rows", _counts(v)))
    ]
    for p in plans:
        m, expr, logical = p.m, p.expr, p.logical
        items.append((sa.func.count(expr), _setter(m, "nonnull", _counts)))
        if exact and logical not in NO_DISTINCT:
            distinct = sa.func.count(sa.distinct(dialect.exact(expr, logical)))
            items.append((distinct, _setter(m, "distinct", _counts)))
        if logical in QUANTILE_TYPES:
            values = p.values
            items.append((sa.type_coerce(sa.func.min(values), _RAW), _setter(m, "value_min")))
            items.append((sa.type_coerce(sa.func.max(values), _RAW), _setter(m, "value_max")))
            if values is not expr:
                items.append((sa.func.count(values), _setter(m, "finite", _counts)))
            if exact and dialect.ordered_set_percentiles:
                items.append(_percentile_item(dialect, values, m.value_quantiles))
        length = p.length
        if length is not None:
            items.append((sa.func.min(length), _setter(m, "length_min")))
            items.append((sa.func.max(length), _setter(m, "length_max")))
            if exact and dialect.ordered_set_percentiles:
                items.append(_percentile_item(dialect, length, m.length_quantiles))
        if exact and p.text is not None:
            for rule in p.shapes:
                hits = sa.func.sum(sa.case((rule.sql(p.text), 1), else_=0))
                items.append((hits, _count_into(m.shape_counts, rule.semantic)))
    if not exact:
        return items
    targets = {p.column.name: p.text if p.text is not None else p.expr for p in plans}
    return items + probes.sql_items(targets)


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
    exact_rows: int | None = None,
    run: RunMemo | None = None,
    estimated_rows: Callable[[str], int | None] | None = None,
) -> Table:
    """One table's profile; with ``sample`` (percent), every statistics query reads the
    same sample of it, and the counts are the sample's (the caller scales the rows).
    Without, a table estimated above ``exact_rows`` rows gets its sort-bound statistics
    from a bounded sample (see :mod:`synth.profiler.plan`)."""
    source: Any = sa.table(
        rt.name,
        *(sa.column(c.name) for c in rt.columns),
        schema=rt.query_schema,
    )
    large = None
    if sample is not None:
        source = sampler_for(dialect).sample(conn, dialect, source, sample, integer_key(rt))
    else:
        estimate = estimated_rows or row_estimator(conn, dialect, [rt])
        large = large_table(lambda: estimate(rt.key), exact_rows)
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
        run=run if run is not None else {},
        estimated_rows=estimated_rows or (lambda key: None),
    )
    probes = ColumnProbes(skeleton, ctx)
    time_col = dated_column(skeleton, ctx.time_column)
    dated = None
    if time_col is not None:
        time_expr = next(p.expr for p in plans if p.column.name == time_col.name)
        dated = (time_expr, param(time_col, ctx.old_before))
    rows = {"rows": 0}
    items = _aggregate_items(dialect, plans, rows, probes, exact=large is None)
    _run_items(conn, source, items)
    privacy = privacy or PrivacyOptions()
    if large is not None:
        large.draw(dialect, rt, source, plans)
    if large is not None and large.sample is not None:
        large.measure(conn, dialect, plans, _plan, privacy.min_count, probes, rows["rows"])
    else:
        large = None
        # k-th extremes always; percentiles too where the aggregate query could not
        percentiles = not dialect.ordered_set_percentiles
        _quantile_queries(conn, source, plans, privacy.min_count, percentiles=percentiles)
    semantics = []
    for p in plans:
        semantic = p.name_semantic or semantic_from_shapes(p.m.shape_counts, p.m.nonnull)
        semantics.append(personal_override(semantic, f"{skeleton.key}.{p.column.name}", privacy))
    wanted = [
        p
        for p, semantic in zip(plans, semantics, strict=True)
        if wants_frequent(
            p.logical, semantic, p.m.distinct, p.m.nonnull, p.column.info.domain is not None
        )
    ]
    frequent = GroupingSetsFrequent if dialect.grouping_sets else FrequentValues
    for p, found in zip(wanted, frequent(dialect).measure(conn, source, wanted, dated),
                        strict=True):  # fmt: skip
        p.m.frequent = record_ages(ctx, p.column.name, p.logical, time_col, found)
    columns = []
    for p, semantic, bare in zip(plans, semantics, skeleton.columns, strict=True):
        stats = column_stats(rows["rows"], p.logical, p.m)
        stats = stats.model_copy(update={"traits": probes.stats(bare, rows["rows"])})
        columns.append(bare.model_copy(update={"semantic": semantic, "stats": stats}))
    table = skeleton.model_copy(update={"rows": rows["rows"], "columns": tuple(columns)})
    sampled = None
    if large is not None and large.sample is not None:
        at_sample = table.model_copy(update={"rows": large.rows})
        sampled = _SqlMeasure(conn, large.sample.source, at_sample)
    measure = _SqlMeasure(conn, source, table)
    traits, estimated = measure_table_traits(measure, ctx, sampled)
    from synth.profiler.privacy import protect_table
    from synth.traits.cohort_legacy import with_cohort_legacy

    update: dict[str, Any] = {"traits": traits}
    if large is not None:
        update["estimates"] = large.estimates(estimated)
    table = with_cohort_legacy(table.model_copy(update=update), ctx.settings)
    table = measure_formats(measure, table, privacy.min_count)
    return protect_table(table, {p.column.name: p.m for p in plans}, privacy, profiled)
