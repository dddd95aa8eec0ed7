"""``schema.sql``: the DDL of the generated tables, for one dialect.

Tables come in generation order (parents first). Each ``CREATE TABLE`` holds its
columns (type from the column's logical type and declared shape, ``NOT NULL``), its
primary key, UNIQUE constraints, ``CHECK (col IN (...))`` for a declared domain and its
foreign keys to tables created before it (or to itself). Foreign keys that close a cycle
are added by ``ALTER TABLE ... ADD CONSTRAINT`` after every table (SQLite, which has no
such statement and checks references only when rows change, keeps them inline).
PostgreSQL enum types are created first with ``CREATE TYPE ... AS ENUM``.

The DDL is written after the data, so it can admit what the data holds: values outside
a declared domain that the profile carries (legacy values) are added to the enum or the
IN-list, and every such departure from the source's schema is a :class:`DdlNote`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from synth.generator.plan import Plan, TablePlan
from synth.model import Column, ForeignKey, LogicalType, Table
from synth.writers.sql.base import SqlDialect

__all__ = ["DdlNote", "Schema", "schema_sql"]

INDENT = "    "


@dataclass(frozen=True)
class DdlNote:
    """A departure of ``schema.sql`` from the profiled schema, and whether to warn."""

    where: str
    text: str
    warn: bool = True

    def __str__(self) -> str:
        return f"{self.where}: {self.text}".replace("\r", " ").replace("\n", " ")


@dataclass
class Schema:
    """The text of ``schema.sql`` and the notes on what it changed."""

    text: str
    notes: list[DdlNote] = field(default_factory=list)


def _cols(d: SqlDialect, names: Sequence[str]) -> str:
    return ", ".join(d.quote(n) for n in names)


class _Builder:
    """Collects the statements and notes of one ``schema.sql``."""

    def __init__(
        self,
        plan: Plan,
        d: SqlDialect,
        written: Mapping[str, Sequence[str]],
        extras: Mapping[tuple[str, str], Sequence[str]],
    ) -> None:
        self.plan = plan
        self.d = d
        self.written = written
        self.extras = extras
        self.tables = {tp.key: tp.table for tp in plan.tables}
        self.rows = {tp.key: tp.rows for tp in plan.tables}
        self.notes: list[DdlNote] = []
        self.keys = self._key_columns()
        self.enums: dict[str, list[str]] = {}
        self.after: list[str] = []

    # -- helpers ---------------------------------------------------------------------------

    def _key_columns(self) -> set[tuple[str, str]]:
        out: set[tuple[str, str]] = set()
        for key, table in self.tables.items():
            groups = [table.primary_key, *table.unique]
            groups += [fk.columns for fk in table.foreign_keys]
            out |= {(key, c) for cols in groups for c in cols}
            for fk in table.foreign_keys:
                out |= {(fk.ref_table, c) for c in fk.ref_columns}
        return out

    def _labels(self, table: Table, col: Column) -> list[str]:
        assert col.domain is not None
        labels = list(col.domain)
        extra = [v for v in self.extras.get((table.key, col.name), ()) if v not in labels]
        if extra:
            shown = ", ".join(repr(v) for v in extra[:10])
            self.notes.append(
                DdlNote(
                    f"{table.key}.{col.name}",
                    f"generated values outside the declared domain ({shown}) were added "
                    "to it, because the profile holds them",
                )
            )
        return labels + extra

    def _enum_type(self, table: Table, col: Column) -> str | None:
        d = self.d
        # an enum type can type an array's elements; an inline ENUM cannot
        enum_array = col.items is LogicalType.STRING and d.enums == "type"
        if not (col.type is LogicalType.STRING or enum_array) or not d.is_enum(col):
            return None
        if d.enums == "check":
            return None
        labels = self._labels(table, col)
        if d.enums == "inline":
            return ", ".join(d.domain_literal(v, col) for v in labels)
        if col.enum_name is not None and "." in col.enum_name and d.qualifies:
            schema, name = col.enum_name.split(".", 1)
            quoted = f"{d.quote(schema)}.{d.quote(name)}"
        else:
            name = col.enum_name or d.constraint_name(table.name, col.name)
            schema = (table.schema_ or d.base_schema) if col.enum_name is None else None
            quoted = f"{d.quote(schema)}.{d.quote(name)}" if schema else d.quote(name)
        known = self.enums.setdefault(quoted, [])
        known.extend(v for v in labels if v not in known)
        return quoted

    def _check(self, table: Table, col: Column, enum_type: str | None) -> str | None:
        if col.domain is None or enum_type is not None:
            return None
        if col.type in (
            LogicalType.ARRAY,  # a CHECK cannot look inside; PostgreSQL gets an enum type
            LogicalType.BOOLEAN,
            LogicalType.OPAQUE,
            LogicalType.BINARY,
        ):
            return None
        values = ", ".join(self.d.domain_literal(v, col) for v in self._labels(table, col))
        return f"CHECK ({self.d.quote(col.name)} IN ({values}))"

    def _column(self, tp: TablePlan, col: Column) -> tuple[str, str | None, str | None]:
        """(column definition, CHECK constraint or None, trailing comment or None)."""
        d, table = self.d, tp.table
        key = (table.key, col.name) in self.keys
        enum_type = self._enum_type(table, col)
        text = f"{d.quote(col.name)} {d.column_type(col, key=key, enum_type=enum_type)}"
        if key:
            text += d.key_collation(col, enum_type)
        comment = None
        if col.type is LogicalType.OPAQUE:
            comment = f"source type {col.sql_type}: synth writes NULL here"
        if not col.nullable:
            if col.name in self.written[table.key]:
                text += " NOT NULL"
            else:
                comment = f"source type {col.sql_type}, NOT NULL: synth cannot generate it"
                self.notes.append(
                    DdlNote(
                        f"{table.key}.{col.name}",
                        f"declared without NOT NULL: synth cannot make values of type "
                        f"{col.sql_type!r}, so the column is left out of the data",
                        warn=False,
                    )
                )
        else:
            text += d.null_clause(col)
        return text, self._check(table, col, enum_type), comment

    def _foreign_key(self, tp: TablePlan, index: int, fk: ForeignKey) -> str | None:
        """The FOREIGN KEY clause to put inline, or None (deferred to ALTER or left out)."""
        d, table = self.d, tp.table
        where = f"{table.key}.{','.join(fk.columns)}"
        ref = self.tables.get(fk.ref_table)
        if ref is None:
            self.notes.append(
                DdlNote(
                    where,
                    f"FOREIGN KEY to {fk.ref_table!r} left out: that table is not generated",
                    warn=False,
                )
            )
            return None
        nullable = all(table.column(c).nullable for c in fk.columns)
        orphans = any(
            t.trait == "orphan" and tuple(t.columns) == tuple(fk.columns) for t in table.traits
        )
        clause = (
            f"FOREIGN KEY ({_cols(d, fk.columns)}) "
            f"REFERENCES {d.table_name(ref)} ({_cols(d, fk.ref_columns)})"
        )
        why = None
        if orphans:
            why = "the profile records orphan rows (values with no parent), which it would reject"
        elif not nullable and tp.rows > 0 and self.rows[fk.ref_table] == 0:
            why = f"{fk.ref_table!r} gets no rows, so these NOT NULL values have no parent"
        if why is not None:
            self.notes.append(DdlNote(where, f"FOREIGN KEY to {fk.ref_table!r} left out: {why}"))
            return None
        if index not in tp.deferred or d.inline_cycle_keys:
            deferred = index in tp.deferred and not nullable
            return clause + (" DEFERRABLE INITIALLY DEFERRED" if deferred else "")
        name = d.constraint_name(table.name, *fk.columns, "fkey")
        statement = f"ALTER TABLE {d.table_name(table)} ADD CONSTRAINT {d.quote(name)} {clause}"
        if nullable:
            self.after.append(statement + ";")
        elif not d.deferrable:
            self.notes.append(
                DdlNote(
                    where,
                    f"FOREIGN KEY to {fk.ref_table!r} closes a cycle of NOT NULL keys, which "
                    f"{d.title} cannot defer; left out (run the commented ALTER TABLE after "
                    "the data)",
                )
            )
            self.after.append(f"-- {statement};")
        else:
            self.after.append(statement + " DEFERRABLE INITIALLY DEFERRED;")
        return None

    def create_table(self, tp: TablePlan) -> str:
        d, table = self.d, tp.table
        items: list[tuple[str, str | None]] = []
        checks: list[str] = []
        for col in table.columns:
            text, check, comment = self._column(tp, col)
            items.append((text, comment))
            if check is not None:
                checks.append(check)
        if table.primary_key:
            items.append((f"PRIMARY KEY ({_cols(d, table.primary_key)})", None))
        items += [(f"UNIQUE ({_cols(d, cols)})", None) for cols in table.unique]
        items += [(c, None) for c in checks]
        for i, fk in enumerate(table.foreign_keys):
            if fk.inferred:  # production does not enforce it: neither does the copy
                continue
            clause = self._foreign_key(tp, i, fk)
            if clause is not None:
                items.append((clause, None))
        lines = []
        for n, (text, comment) in enumerate(items):
            comma = "," if n < len(items) - 1 else ""
            lines.append(f"{INDENT}{text}{comma}" + (f" -- {comment}" if comment else ""))
        body = "\n".join(lines)
        return f"CREATE TABLE {d.table_name(table)} (\n{body}\n){d.table_options};"


def schema_sql(
    plan: Plan,
    d: SqlDialect,
    written: Mapping[str, Sequence[str]],
    extras: Mapping[tuple[str, str], Sequence[str]],
) -> Schema:
    """``schema.sql`` for the tables of ``plan``. ``written``: table key -> the columns
    the data holds; ``extras``: (table key, column) -> values generated outside its domain."""
    b = _Builder(plan, d, written, extras)
    tables = [b.create_table(tp) for tp in plan.tables]
    parts = [f"-- Schema of {len(tables)} table(s) for {d.name}, written by synth."]
    if b.notes:
        parts += ["-- Departures from the profiled schema:", *(f"--   {n}" for n in b.notes)]
    parts.append("")
    prelude = d.prelude()
    if prelude:
        parts += [*prelude, ""]
    schemas = sorted({tp.table.schema_ or d.base_schema for tp in plan.tables} - {None})
    if schemas and d.qualifies:
        parts += [f"CREATE SCHEMA IF NOT EXISTS {d.quote(s)};" for s in schemas] + [""]
    for name, labels in b.enums.items():
        values = ", ".join(d.domain_literal(v, _LABEL) for v in labels)
        parts += [f"CREATE TYPE {name} AS ENUM ({values});", ""]
    for text in tables:
        parts += [text, ""]
    if b.after:
        parts += ["-- Foreign keys that close a cycle, once every table exists.", *b.after, ""]
    epilogue = d.epilogue()
    if epilogue:
        parts += [*epilogue, ""]
    return Schema("\n".join(parts).rstrip("\n") + "\n", b.notes)


_LABEL = Column(name="label", type=LogicalType.STRING, sql_type="TEXT")
"""A stand-in column for rendering enum labels as string literals."""
