"""Schema reflection: which tables exist, their columns, keys and value domains.

Uses SQLAlchemy's inspector in its multi-table form (``get_multi_*``), which is a
fixed number of catalog queries per schema on PostgreSQL and a few per table on
MySQL/MariaDB and SQLite.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

import sqlalchemy as sa

from synth.errors import SourceError, UsageError
from synth.model import Check, Column, ForeignKey, LogicalType, Trigger
from synth.profiler.catalog import trigger_effects
from synth.profiler.checks import (
    inline_functions,
    model_check,
    parse_in_list,
    parse_json_valid,
)
from synth.profiler.dialects import Dialect
from synth.profiler.selection import is_excluded, select_tables
from synth.profiler.types import TypeInfo, warn_opaque

__all__ = ["ReflectedColumn", "ReflectedTable", "Reflector", "reflect_selected"]

_UNRECOGNIZED = re.compile(r"Did not recognize type '(?P<type>.+?)' of column '(?P<col>.+?)'")


@dataclass
class ReflectedColumn:
    name: str
    sa_type: sa.types.TypeEngine[Any]
    info: TypeInfo
    nullable: bool
    charset: str | None = None
    collation: str | None = None
    derived: str | None = None
    extent: tuple[float, float, float, float] | None = None
    geometry_types: tuple[str, ...] | None = None
    """The SQL the database computes the column with (a generated column, or a BEFORE
    INSERT trigger's assignment): left out of the fixtures."""

    def column(self) -> Column:
        """The column's profile entry, before any statistics."""
        extra = {
            "charset": self.charset,
            "collation": self.collation,
            "derived": self.derived,
            "extent": self.extent,
            "geometry_types": self.geometry_types,
        }
        update = {k: v for k, v in extra.items() if v is not None}
        return self.info.column(self.name, self.nullable).model_copy(update=update)


@dataclass
class ReflectedTable:
    query_schema: str | None
    """The schema to query the table in (None: the connection's default)."""
    schema: str | None
    """The schema as the profile records it (None: the base schema)."""
    name: str
    key: str
    columns: list[ReflectedColumn]
    primary_key: tuple[str, ...] = ()
    unique: tuple[tuple[str, ...], ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    parents: list[tuple[str, str]] = field(default_factory=list)
    """(schema, name) of every table a foreign key references."""
    checks: tuple[Check, ...] = ()
    triggers: tuple[Trigger, ...] = ()

    def column_type(self, name: str) -> LogicalType | None:
        """The logical type of column ``name`` (None: no such column)."""
        return next((c.info.logical for c in self.columns if c.name == name), None)


class Reflector:
    """Reflects tables relative to a base schema (the selected or default one)."""

    def __init__(self, conn: sa.Connection, dialect: Dialect, schema: str | None) -> None:
        self.conn = conn
        self.dialect = dialect
        self.inspector = sa.inspect(conn)
        self.default_schema: str = self.inspector.default_schema_name or ""
        self.query_schema = schema
        self.base = schema or self.default_schema
        self.partitions = dialect.partitions(conn, self.inspector)
        """(schema, partition) -> (schema, partitioned table): keys declared on partitions
        are their table's, and a key referencing a partition references its table."""
        if schema is not None and schema not in self.inspector.get_schema_names():
            known = ", ".join(sorted(self.inspector.get_schema_names()))
            raise UsageError(f"schema={schema!r} does not exist in the source; available: {known}")
        dialect.read_domains(conn)
        self.functions = dialect.sql_functions(conn)
        self.sql_dialect = (
            "mariadb" if getattr(conn.dialect, "is_mariadb", False) else conn.dialect.name
        )

    def key(self, schema: str, name: str) -> str:
        return name if schema == self.base else f"{schema}.{name}"

    def schema_arg(self, schema: str) -> str | None:
        return self.query_schema if schema == self.base else schema

    def choose(
        self, tables: Sequence[str] | None, exclude: Sequence[str] | None, where: str
    ) -> list[tuple[str, str]]:
        """(schema, name) of the chosen tables."""
        available: dict[str, list[str]] = {}
        located: dict[str, tuple[str, str]] = {}
        for name in self.dialect.table_names(self.conn, self.inspector, self.query_schema):
            available[name] = [name, f"{self.base}.{name}"]
            located[name] = (self.base, name)
        # tables=["billing.*"]: tables of other schemas are candidates only when named.
        other = {e.split(".", 1)[0] for e in tables or () if "." in e and e not in available}
        for schema in self.inspector.get_schema_names() if other else ():
            if schema != self.base and any(fnmatchcase(schema, pattern) for pattern in other):
                for name in self.dialect.table_names(self.conn, self.inspector, schema):
                    available[f"{schema}.{name}"] = [f"{schema}.{name}"]
                    located[f"{schema}.{name}"] = (schema, name)
        keys = select_tables(available, tables, exclude, where=where)
        return [located[k] for k in keys]

    def reflect(self, targets: Sequence[tuple[str, str]]) -> list[ReflectedTable]:
        by_schema: dict[str, list[str]] = {}
        for schema, name in targets:
            by_schema.setdefault(schema, []).append(name)
        out: list[ReflectedTable] = []
        for schema, names in by_schema.items():
            out.extend(self._reflect_schema(schema, sorted(names)))
        return out

    def _reflect_schema(self, schema: str, names: list[str]) -> list[ReflectedTable]:
        insp, arg = self.inspector, self.schema_arg(schema)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            columns = insp.get_multi_columns(schema=arg, filter_names=names)
        unknown: dict[str, str] = {}
        for w in caught:
            m = _UNRECOGNIZED.search(str(w.message))
            if m:
                unknown.setdefault(m["col"], m["type"])
            else:
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        pks = insp.get_multi_pk_constraint(schema=arg, filter_names=names)
        uniques = insp.get_multi_unique_constraints(schema=arg, filter_names=names)
        indexes = insp.get_multi_indexes(
            schema=arg, filter_names=names, **self.dialect.index_options
        )
        fks = insp.get_multi_foreign_keys(schema=arg, filter_names=names)
        parts = {p: t for (s, p), (_, t) in self.partitions.items() if s == schema and t in names}
        if parts:  # declarative partitioning: keys may be declared on the partitions only
            found = insp.get_multi_foreign_keys(schema=arg, filter_names=sorted(parts))
            for (_, part), part_fks in found.items():
                fks.setdefault((arg, parts[part]), []).extend(part_fks)
        checks = self.dialect.check_constraints(self.conn, insp, arg, names)
        triggers = self.dialect.triggers(self.conn, insp, arg, names)
        charsets = self.dialect.charsets(self.conn, insp, arg, names)

        tables = []
        for (_, name), cols in sorted(columns.items(), key=lambda kv: kv[0][1]):
            key = self.key(schema, name)
            pk = tuple((pks.get((arg, name)) or {}).get("constrained_columns") or ())
            table = ReflectedTable(
                query_schema=arg,
                schema=None if schema == self.base else schema,
                name=name,
                key=key,
                columns=self._columns(key, cols, pk, checks.get(name, []), unknown),
                primary_key=pk,
            )
            self._constraints(table, checks.get(name, []), triggers.get(name, []), schema)
            for col in table.columns:
                col.charset, col.collation = charsets.get((name, col.name), (None, None))
                if col.info.logical is LogicalType.GEOMETRY:
                    where = sa.table(name, sa.column(col.name), schema=arg)
                    col.extent, shapes = self.dialect.geometry(self.conn, where, col.name)
                    col.geometry_types = shapes or None
            table.unique = _unique(uniques.get((arg, name), []), indexes.get((arg, name), []), pk)
            table.foreign_keys, table.parents = self._foreign_keys(fks.get((arg, name), []))
            tables.append(table)
        return tables

    def _columns(
        self,
        table_key: str,
        cols: list[dict[str, Any]],
        pk: tuple[str, ...],
        checks: list[str],
        unknown: dict[str, str],
    ) -> list[ReflectedColumn]:
        domains: dict[str, tuple[str, ...]] = {}
        json_columns: set[str] = set()
        for text in checks:
            parsed = parse_in_list(text, self.sql_dialect)
            if parsed:
                domains.setdefault(parsed[0], parsed[1])
            json_col = parse_json_valid(text, self.sql_dialect)
            if json_col:
                json_columns.add(json_col)
        folded = {k.casefold(): v for k, v in domains.items()}

        out = []
        for col in cols:
            name, t = col["name"], col["type"]
            try:
                sql_type = t.compile(dialect=self.conn.dialect)
            except sa.exc.CompileError:
                sql_type = unknown.get(name, "UNKNOWN").upper()
            info = self.dialect.describe(t, sql_type)
            if info.logical is LogicalType.STRING:
                if name in json_columns:
                    info = TypeInfo(LogicalType.JSON, "JSON")
                elif info.domain is None:
                    domain = domains.get(name) or folded.get(name.casefold())
                    if domain:
                        info = info.with_(domain=domain)
            if info.logical is LogicalType.OPAQUE:
                warn_opaque(table_key, name, sql_type)
            nullable = bool(col.get("nullable", True)) and name not in pk
            column = ReflectedColumn(name, t, info, nullable)
            computed = col.get("computed")
            if computed:  # GENERATED ALWAYS AS (...): the database writes it
                column.derived = str(computed.get("sqltext"))
            out.append(column)
        return out

    def _constraints(
        self, table: ReflectedTable, texts: list[str], triggers: list[Any], schema: str
    ) -> None:
        """The table's CHECKs (its domain columns' too, their ``VALUE`` named) and INSERT
        triggers; a column a BEFORE trigger assigns is derived by the database."""
        names = [c.name for c in table.columns]
        found = [model_check(t, self.sql_dialect, names, inlined=self._inline(t)) for t in texts]
        for col in table.columns:
            domain = self.dialect.domain(col.sa_type)
            for text in domain[2] if domain else ():
                check = model_check(text, self.sql_dialect, names, value=col.name)
                found.append(check.model_copy(update={"name": f"domain {domain[0]}"}))  # type: ignore[index]
        # an IN list that became a domain or a json_valid() that made JSON: nothing left
        table.checks = tuple(c for c in found if not _absorbed(c, table.columns, self.sql_dialect))
        made: list[Trigger] = []
        for trig in triggers:
            writes, sets = trigger_effects(trig.body)
            keys = [self.key(s or schema, n) for s, n in writes]
            made.append(
                Trigger(
                    name=trig.name,
                    timing=trig.timing,
                    events=trig.events,
                    writes=tuple(keys),
                    sets=tuple(c for c in sets if c in names),
                )
            )
            if trig.timing == "BEFORE":
                for col in table.columns:
                    if col.name in sets and col.derived is None:
                        col.derived = f"set by trigger {trig.name}"
        table.triggers = tuple(made)

    def _inline(self, text: str) -> str | None:
        return inline_functions(text, self.sql_dialect, self.functions) if self.functions else None

    def _foreign_keys(
        self, fks: list[dict[str, Any]]
    ) -> tuple[tuple[ForeignKey, ...], list[tuple[str, str]]]:
        out, parents = [], []
        for fk in fks:
            columns, ref_columns = fk.get("constrained_columns"), fk.get("referred_columns")
            if not columns or not ref_columns or len(columns) != len(ref_columns):
                continue
            # SQLAlchemy leaves referred_schema empty for the connection's default schema.
            ref_schema = fk.get("referred_schema") or self.default_schema
            ref_table = fk["referred_table"]
            # PostgreSQL lists a key to a partitioned table once per partition too
            ref_schema, ref_table = self.partitions.get(
                (ref_schema, ref_table), (ref_schema, ref_table)
            )
            out.append(
                ForeignKey(
                    columns=tuple(columns),
                    ref_table=self.key(ref_schema, ref_table),
                    ref_columns=tuple(ref_columns),
                )
            )
            parents.append((ref_schema, ref_table))
        unique_fks = sorted(set(out), key=lambda f: (f.columns, f.ref_table, f.ref_columns))
        return tuple(unique_fks), parents


def reflect_selected(
    conn: sa.Connection,
    dialect: Dialect,
    schema: str | None,
    tables: Sequence[str] | None,
    exclude: Sequence[str] | None,
    masked: str,
) -> list[ReflectedTable]:
    """The chosen tables; with no ``tables`` given, also the parents they reference in
    other schemas (so that foreign keys resolve), unless excluded."""
    reflector = Reflector(conn, dialect, schema)
    targets = reflector.choose(tables, exclude, masked)
    _say_skipped(reflector, targets, masked)
    reflected = reflector.reflect(targets)
    if tables is not None:
        return reflected
    seen = set(targets)
    while True:
        missing = {
            parent
            for table in reflected
            for parent in table.parents
            if parent not in seen and not is_excluded([reflector.key(*parent)], exclude)
        }
        if not missing:
            return reflected
        seen |= missing
        reflected += reflector.reflect(sorted(missing))


def _views(reflector: Reflector) -> list[str]:
    """The views and materialized views of the profiled schema, described for a message."""
    insp, schema = reflector.inspector, reflector.query_schema
    found = []
    for kind, names in (
        ("view", insp.get_view_names(schema=schema)),
        ("materialized view", _materialized(insp, schema)),
    ):
        if names:
            plural = "s" if len(names) > 1 else ""
            found.append(f"{len(names)} {kind}{plural} ({', '.join(sorted(names)[:10])})")
    return found


def _materialized(insp: sa.Inspector, schema: str | None) -> list[str]:
    try:
        return list(insp.get_materialized_view_names(schema=schema))
    except NotImplementedError:  # databases without materialized views
        return []


def _say_skipped(reflector: Reflector, targets: Sequence[tuple[str, str]], masked: str) -> None:
    """Views are never profiled: say which were skipped, and refuse a source with no table."""
    views = _views(reflector)
    where = f"schema {reflector.base!r}" if reflector.base else "the default schema"
    if not targets:
        found = " and ".join(views) if views else "nothing"
        raise SourceError(
            f"{masked}: no table to profile in {where} (found {found}; synth profiles "
            "tables, not views); pass --schema NAME for another schema, or fix --tables/--exclude"
        )
    if views:
        from synth.errors import SynthWarning

        warnings.warn(
            SynthWarning(f"skipped {' and '.join(views)} in {where}: synth profiles tables only"),
            stacklevel=2,
        )


def _absorbed(check: Check, columns: Sequence[ReflectedColumn], dialect: str) -> bool:
    """Whether a CHECK is already all in the columns' shape: a string IN list kept as the
    column's domain, or MariaDB's ``json_valid(col)`` that made the column JSON."""
    if check.unenforced or not check.rules:
        return parse_json_valid(check.sql, dialect) is not None and not check.rules
    by_name = {c.name: c for c in columns}
    for rule in check.rules:
        col = by_name.get(rule.column)
        if rule.kind != "in" or col is None or col.info.domain is None:
            return False
        if set(map(str, rule.values)) != set(col.info.domain):
            return False
    return True


def _unique(
    constraints: list[dict[str, Any]], indexes: list[dict[str, Any]], pk: tuple[str, ...]
) -> tuple[tuple[str, ...], ...]:
    found: set[tuple[str, ...]] = set()
    for uc in constraints:
        cols = tuple(uc.get("column_names") or ())
        if cols and None not in cols:
            found.add(cols)
    for ix in indexes:
        options = ix.get("dialect_options") or {}
        partial = any(k.endswith("_where") and v is not None for k, v in options.items())
        cols = tuple(ix.get("column_names") or ())
        if ix.get("unique") and cols and None not in cols and not partial:
            found.add(cols)
    found.discard(pk)
    return tuple(sorted(found))
