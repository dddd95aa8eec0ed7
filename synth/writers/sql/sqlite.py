"""SQLite: no schemas, no ``ADD CONSTRAINT``, text with NUL and CR spliced in through
``char()``, and infinities (but not NaN) as values."""

from __future__ import annotations

from typing import ClassVar

import polars as pl

from synth.model import Column, LogicalType
from synth.writers.sql.base import SAME, SqlDialect, decimals, ints, sized, string, zoned
from synth.writers.sql.literals import ColumnLiterals, Counts

__all__ = ["SQLite"]

L = LogicalType


class SQLite(SqlDialect):
    family: ClassVar = "sqlite"
    title: ClassVar = "SQLite"
    qualifies: ClassVar = False
    types: ClassVar = {
        **SAME,
        L.INTEGER: ints(tiny=False),
        L.FLOAT: sized("FLOAT", "REAL"),
        L.DECIMAL: decimals(1000, 1000, bare="NUMERIC"),
        L.STRING: lambda d, col, key, enum: string(col, unbounded="TEXT"),
        L.DATETIME: zoned("TIMESTAMP", "DATETIME"),
        L.JSON: "JSON",
        L.BINARY: "BLOB",
    }
    inline_cycle_keys: ClassVar = True
    begin: ClassVar = "BEGIN;"
    typed_literals: ClassVar = False
    booleans: ClassVar = ("1", "0")

    def array_type(self, col: Column, key: bool, enum_type: str | None) -> str:
        return "JSON"

    def defer_checks(self) -> list[str]:
        return ["PRAGMA defer_foreign_keys = ON;"]  # until COMMIT, which resets it

    def text_body(self, e: pl.Expr) -> pl.Expr:
        # NUL cannot appear in SQL text, and a CR would not survive a newline-translating
        # reader: both are spliced in as char()
        return e.str.replace_many(
            ["'", "\x00", "\r"], ["''", "' || char(0) || '", "' || char(13) || '"]
        )

    def nul_counts(self, e: pl.Expr) -> Counts:
        return ()  # NUL is kept (through char(0))

    def float(self, e: pl.Expr, col: Column, copy: bool) -> ColumnLiterals:
        # SQLite stores infinities (9e999 reads as one), not NaN
        return self._finite(e, col, "9e999", "-9e999", clamps=False)
