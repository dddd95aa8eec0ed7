"""PostgreSQL: arrays, enum types, identity columns and ``COPY``, NaN and infinities as
values, and sequences moved past the loaded keys."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import polars as pl

from synth.model import Column, LogicalType
from synth.writers.sql.base import SAME, SqlDialect, decimals, ints, sized, string, zoned
from synth.writers.sql.literals import ColumnLiterals, Counts, pg_array_text, quoted

__all__ = ["PostgreSQL", "advance_sequence", "advance_sequence_block"]

L = LogicalType


def _serial_sequence(table_sql: str, column: str) -> str:
    table_text = table_sql.replace("'", "''")
    column_text = column.replace("'", "''")
    return f"pg_get_serial_sequence('{table_text}', '{column_text}')"


def advance_sequence(table_sql: str, column: str, quoted_column: str) -> str:
    """A query that moves the sequence behind ``column`` (serial or identity) past the
    largest loaded value, so the application's next INSERT gets a fresh key. It does
    nothing where the column has no sequence (``setval(NULL, ...)`` is NULL) or the table
    is empty. MySQL and SQLite advance their counters on explicit inserts."""
    sequence = _serial_sequence(table_sql, column)
    return (
        f"SELECT setval({sequence}, GREATEST(max({quoted_column}), 1)) FROM {table_sql}"
        f" HAVING max({quoted_column}) IS NOT NULL"
    )


def advance_sequence_block(table_sql: str, column: str, quoted_column: str) -> str:
    """:func:`advance_sequence` as a statement for a SQL file: a ``DO`` block that prints
    nothing and reads the table only where the column has a sequence."""
    query = advance_sequence(table_sql, column, quoted_column).removeprefix("SELECT ")
    return (
        f"DO $synth$ BEGIN IF {_serial_sequence(table_sql, column)} IS NOT NULL THEN "
        f"PERFORM {query}; END IF; END $synth$;"
    )


class PostgreSQL(SqlDialect):
    family: ClassVar = "postgresql"
    title: ClassVar = "PostgreSQL"
    types: ClassVar = {
        **SAME,
        L.INTEGER: ints(tiny=False),
        L.FLOAT: sized("REAL", "DOUBLE PRECISION"),
        L.DECIMAL: decimals(1000, 1000, bare="NUMERIC"),
        L.STRING: lambda d, col, key, enum: enum or string(col, unbounded="TEXT"),
        L.DATETIME: zoned("TIMESTAMP WITH TIME ZONE", "TIMESTAMP"),
        L.UUID: "UUID",
        L.JSON: lambda d, col, key, enum: (
            "JSONB" if col.sql_type.strip().upper() == "JSONB" else "JSON"
        ),
        L.BINARY: "BYTEA",
    }
    enums: ClassVar = "type"
    copy: ClassVar = True
    insert_override: ClassVar = " OVERRIDING SYSTEM VALUE"
    begin: ClassVar = "BEGIN;"
    typed_literals: ClassVar = False
    disables_triggers: ClassVar = True

    def array_type(self, col: Column, key: bool, enum_type: str | None) -> str:
        return f"{self.column_type(col.element(), key=key, enum_type=enum_type)}[]"

    def prelude(self) -> list[str]:
        return ["SET client_encoding = 'UTF8';", "SET standard_conforming_strings = on;"]

    def defer_checks(self) -> list[str]:
        # DEFERRABLE constraints wait; a NOT NULL cycle in PostgreSQL is made of them
        return ["SET CONSTRAINTS ALL DEFERRED;"]

    def trigger_statements(
        self, table_sql: str, names: Sequence[str], *, enable: bool
    ) -> list[str]:
        # ALTER TABLE ... DISABLE TRIGGER, not session_replication_role = replica: replica
        # also stops foreign-key checks and the BEFORE triggers that fill derived columns.
        # It needs the table's owner's rights: checked first, with a message saying so. A
        # trigger the target does not have (another schema than the profiled one) is skipped.
        word = "ENABLE" if enable else "DISABLE"
        table_text = table_sql.replace("'", "''")
        owner = (
            "IF NOT pg_has_role((SELECT relowner FROM pg_catalog.pg_class"
            f" WHERE oid = '{table_text}'::regclass), 'USAGE') THEN RAISE EXCEPTION"
            f" 'synth: turning the triggers of {table_text} off for this load needs its"
            " owner''s rights; load as the owner, or generate without the tables its"
            " triggers fill (--tables)'; END IF; "
        )
        out = []
        for name in names:
            name_text = name.replace("'", "''")
            alter = f"ALTER TABLE {table_sql} {word} TRIGGER {self.quote(name)}".replace("'", "''")
            out.append(
                "DO $synth$ BEGIN IF EXISTS (SELECT 1 FROM pg_catalog.pg_trigger"
                f" WHERE tgrelid = '{table_text}'::regclass AND tgname = '{name_text}') THEN "
                + ("" if enable else owner)
                + f"EXECUTE '{alter}'; END IF; END $synth$;"
            )
        return out

    def sequence_statements(self, table_sql: str, columns: Sequence[Column]) -> list[str]:
        # every integer column: one that has no sequence in the target makes it a no-op
        return [
            advance_sequence_block(table_sql, col.name, self.quote(col.name))
            for col in columns
            if col.type is LogicalType.INTEGER
        ]

    def text(self, e: pl.Expr, copy: bool) -> ColumnLiterals:
        counts = self.nul_counts(e)
        if copy:  # the COPY text format
            body = e.str.replace_many(
                ["\\", "\n", "\r", "\t", "\x00"], ["\\\\", "\\n", "\\r", "\\t", ""]
            )
            return ColumnLiterals(body, counts)
        # a CR is written as E'\r', so no reader can turn it into LF
        escaped = e.str.replace_many(["\\", "'", "\r", "\x00"], ["\\\\", "''", "\\r", ""])
        literal = (
            pl.when(e.str.contains("\r", literal=True))
            .then(quoted(escaped, prefix="E"))
            .otherwise(quoted(self.text_body(e)))
        )
        return ColumnLiterals(literal, counts)

    def float(self, e: pl.Expr, col: Column, copy: bool) -> ColumnLiterals:
        q = "" if copy else "'"
        special = (
            pl.when(e.is_nan())
            .then(pl.lit(f"{q}NaN{q}"))
            .when(e == float("inf"))
            .then(pl.lit(f"{q}Infinity{q}"))
            .when(e == float("-inf"))
            .then(pl.lit(f"{q}-Infinity{q}"))
            .otherwise(e.cast(pl.String))
        )
        return ColumnLiterals(special)

    def binary(self, e: pl.Expr, copy: bool) -> pl.Expr:
        hexed = e.bin.encode("hex")
        if copy:
            return pl.concat_str(pl.lit("\\\\x"), hexed)
        return pl.concat_str(pl.lit("'\\x"), hexed, pl.lit("'::bytea"))

    def array(self, e: pl.Expr, col: Column, copy: bool) -> ColumnLiterals:
        """The array's text form, as a literal or a COPY field."""
        element = col.element().model_copy(update={"name": ""})  # pl.col("") is pl.element()
        counts: Counts = ()
        if element.type in (LogicalType.STRING, LogicalType.UUID):
            raw = pl.element().str.replace_all("\x00", "", literal=True)
            counts = (("nul_stripped", e.explode().str.contains("\x00", literal=True).sum()),)
        else:  # the COPY field of a scalar is its plain text form
            raw = self.column_literals(element, copy=True).expr
        return ColumnLiterals(self.text(pg_array_text(e, raw), copy).expr, counts)
