"""MySQL and MariaDB (they render identically): backticks, inline ``ENUM``, exact key
collations, backslash escapes, the supported date ranges, and a session set up for UTC."""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar

import polars as pl

from synth.model import Column, LogicalType
from synth.writers.sql.base import SAME, SqlDialect, decimals, ints, sized, string
from synth.writers.sql.literals import ColumnLiterals, Counts, clamped

__all__ = [
    "MYSQL_DATETIME_RANGE",
    "MYSQL_DATE_RANGE",
    "MYSQL_KEY_CHARS",
    "MYSQL_KEY_COLLATION",
    "MYSQL_TIMESTAMP_RANGE",
    "MYSQL_VARCHAR_MAX",
    "MySQL",
]

MYSQL_KEY_CHARS = 768
"""The longest VARCHAR MySQL/MariaDB can index in utf8mb4 (3072 bytes)."""
MYSQL_KEY_COLLATION = "utf8mb4_bin"
"""Collation of string key columns in MySQL: exact, like PostgreSQL and SQLite."""
MYSQL_VARCHAR_MAX = 16_383
"""The longest VARCHAR a utf8mb4 MySQL row can declare; longer strings become TEXT."""

MYSQL_DATE_RANGE = (dt.date(1000, 1, 1), dt.date(9999, 12, 31))
MYSQL_DATETIME_RANGE = (
    dt.datetime(1000, 1, 1),
    dt.datetime(9999, 12, 31, 23, 59, 59, 999_999),
)
MYSQL_TIMESTAMP_RANGE = (
    dt.datetime(1970, 1, 1, 0, 0, 1),
    dt.datetime(2038, 1, 19, 3, 14, 7, 999_999),
)
"""The documented ranges of MySQL's DATE, DATETIME and TIMESTAMP (the latter in UTC)."""

L = LogicalType


def _binary(d: SqlDialect, col: Column, key: bool, enum: str | None) -> str:
    if col.length is not None and col.length <= 65_535:
        kind = "BINARY" if re.match(r"^\s*binary\s*\(", col.sql_type, re.I) else "VARBINARY"
        return f"{kind}({col.length})"
    return "VARBINARY(255)" if key else "LONGBLOB"


_SPATIAL = re.compile(
    r"^\s*(GEOMETRY|POINT|LINESTRING|POLYGON|MULTIPOINT|MULTILINESTRING|MULTIPOLYGON"
    r"|GEOMETRYCOLLECTION)\b",
    re.I,
)


def _spatial(col: Column) -> str:
    found = _SPATIAL.match(col.sql_type)
    return found.group(1).upper() if found else "GEOMETRY"


def _string(col: Column, key: bool) -> str:
    """MySQL cannot index TEXT: key columns get a VARCHAR as long as their values."""
    longest = col.stats.lengths.max if col.stats.lengths is not None else None
    if (
        col.length is not None
        and col.length <= MYSQL_VARCHAR_MAX
        and (not key or col.length <= MYSQL_KEY_CHARS)
    ):
        return string(col, unbounded="LONGTEXT", max_char=255)
    if key:
        want = longest if isinstance(longest, int) and not isinstance(longest, bool) else 255
        return f"VARCHAR({min(MYSQL_KEY_CHARS, max(255, want))})"
    return "LONGTEXT"


class MySQL(SqlDialect):
    family: ClassVar = "mysql"
    title: ClassVar = "MySQL"
    qualifies: ClassVar = False
    max_identifier: ClassVar = 64
    quote_char: ClassVar = "`"
    types: ClassVar = {
        **SAME,
        L.INTEGER: ints(tiny=True),
        L.FLOAT: sized("FLOAT", "DOUBLE"),
        L.DECIMAL: decimals(65, 30, bare=None),
        L.STRING: lambda d, col, key, enum: f"ENUM({enum})" if enum else _string(col, key),
        L.DATETIME: lambda d, col, key, enum: (
            "TIMESTAMP(6)" if d.limited_timestamp(col) else "DATETIME(6)"
        ),
        L.TIME: "TIME(6)",
        L.JSON: "JSON",
        L.BINARY: _binary,
        L.OPAQUE: "LONGTEXT",
        L.GEOMETRY: lambda d, col, key, enum: _spatial(col),
    }
    enums: ClassVar = "inline"
    table_options: ClassVar = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"
    deferrable: ClassVar = False
    begin: ClassVar = "START TRANSACTION;"
    typed_literals: ClassVar = False
    booleans: ClassVar = ("1", "0")

    def limited_timestamp(self, col: Column) -> bool:
        """A naive datetime column is a ``TIMESTAMP`` (1970-2038, UTC) rather than a
        ``DATETIME`` only when both source and target are MySQL-like."""
        return (
            self.source_family == "mysql"
            and col.type is LogicalType.DATETIME
            and not col.timezone
            and col.sql_type.strip().upper().startswith("TIMESTAMP")
        )

    def array_type(self, col: Column, key: bool, enum_type: str | None) -> str:
        return "JSON"

    def key_collation(self, col: Column, enum_type: str | None) -> str:
        # default collations compare case- and trailing-space-blind: keys must be exact
        if enum_type is None and col.type in (LogicalType.STRING, LogicalType.UUID):
            return f" COLLATE {MYSQL_KEY_COLLATION}"
        return ""

    def null_clause(self, col: Column) -> str:
        # a TIMESTAMP column is NOT NULL unless it says NULL (explicit_defaults_for_timestamp)
        return " NULL" if self.limited_timestamp(col) else ""

    def prelude(self) -> list[str]:
        return [
            "SET NAMES utf8mb4;",
            "SET @synth_sql_mode = @@SESSION.sql_mode, @synth_time_zone = @@SESSION.time_zone;",
            "SET SESSION sql_mode = TRIM(BOTH ',' FROM REPLACE(CONCAT(',', "
            "@@SESSION.sql_mode, ',NO_AUTO_VALUE_ON_ZERO,'), ',NO_BACKSLASH_ESCAPES,', ','));",
            "SET SESSION time_zone = '+00:00';",
        ]

    def epilogue(self) -> list[str]:
        return ["SET SESSION sql_mode = @synth_sql_mode, time_zone = @synth_time_zone;"]

    def defer_checks(self) -> list[str]:
        # MySQL cannot defer a check: off while loading, as mysqldump does
        return ["SET @synth_fk_checks = @@SESSION.foreign_key_checks, foreign_key_checks = 0;"]

    def undefer_checks(self) -> list[str]:
        return ["SET SESSION foreign_key_checks = @synth_fk_checks;"]

    def text_body(self, e: pl.Expr) -> pl.Expr:
        # backslash escapes: the file's prelude turns NO_BACKSLASH_ESCAPES off
        return e.str.replace_many(
            ["\\", "'", "\x00", "\n", "\r", "\x1a"],
            ["\\\\", "''", "\\0", "\\n", "\\r", "\\Z"],
        )

    def nul_counts(self, e: pl.Expr) -> Counts:
        return ()  # NUL is stored as \0

    def geometry(self, e: pl.Expr, copy: bool) -> ColumnLiterals:
        """WKT through the database's own constructor."""
        text = self.text(e, copy)
        return ColumnLiterals(pl.concat_str(pl.lit("ST_GeomFromText("), text.expr, pl.lit(")")))

    def date(self, e: pl.Expr, copy: bool) -> ColumnLiterals:
        e, count = clamped(e, *MYSQL_DATE_RANGE)
        out = super().date(e, copy)
        return ColumnLiterals(out.expr, (count,))

    def datetime(self, e: pl.Expr, col: Column, copy: bool) -> ColumnLiterals:
        # DATETIME holds UTC wall time (the file sets time_zone +00:00), no zone suffix
        if col.timezone:
            e = e.dt.replace_time_zone(None)
        bounds = MYSQL_TIMESTAMP_RANGE if self.limited_timestamp(col) else MYSQL_DATETIME_RANGE
        e, count = clamped(e, *bounds)
        naive = col.model_copy(update={"timezone": False})
        return ColumnLiterals(super().datetime(e, naive, copy).expr, (count,))
