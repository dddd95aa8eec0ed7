"""What differs between SQL dialects in SQL fixtures, in one place.

A :class:`SqlDialect` knows how to quote identifiers and name tables, what each
synth column becomes in DDL (:meth:`SqlDialect.column_type`), and the statements
that open and close a file of that dialect. Literal rendering lives in
:mod:`synth.writers.sql.literals`, DDL in :mod:`synth.writers.sql.ddl`.

Families: ``postgresql``; ``mysql`` (MySQL and MariaDB, which render identically);
``sqlite``; ``portable`` (ANSI-leaning SQL for any other SQLAlchemy dialect).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from synth.errors import UsageError
from synth.model import Column, LogicalType, Profile, Table
from synth.model.arrow import DEFAULT_DECIMAL

__all__ = [
    "DIALECTS",
    "Family",
    "SqlDialect",
    "resolve_dialect",
]

Family = Literal["postgresql", "mysql", "sqlite", "portable"]

DIALECTS: dict[str, Family] = {
    "postgresql": "postgresql",
    "mysql": "mysql",
    "mariadb": "mysql",
    "sqlite": "sqlite",
    "portable": "portable",
}
"""Accepted ``dialect=`` values and the family each renders as."""

_SOURCE_ALIASES = {"postgres": "postgresql", "pgsql": "postgresql"}

MYSQL_KEY_CHARS = 768
"""The longest VARCHAR MySQL/MariaDB can index in utf8mb4 (3072 bytes)."""
MYSQL_KEY_COLLATION = "utf8mb4_bin"
"""Collation of string key columns in MySQL: exact, like PostgreSQL and SQLite."""
MYSQL_VARCHAR_MAX = 16_383
"""The longest VARCHAR a utf8mb4 MySQL row can declare; longer strings become TEXT."""

_FIXED_WIDTH = re.compile(r"^\s*(n?char|character|bpchar|nchar)\s*(\(|$)", re.IGNORECASE)
_ENUM_SQL = re.compile(r"^\s*enum\s*\(", re.IGNORECASE)


def _identifier_limit(name: str, limit: int) -> str:
    """``name`` cut to ``limit`` characters, with a short digest when it had to be cut."""
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{name[: limit - 9]}_{digest}"


@dataclass(frozen=True)
class SqlDialect:
    """A target dialect: its name as given (``mariadb``) and its family (``mysql``)."""

    name: str
    family: Family
    source_family: Family | None = None
    """The family of the profile's source, when it was a database."""

    # -- names -----------------------------------------------------------------------------

    def quote(self, identifier: str) -> str:
        """``identifier`` quoted: backticks for MySQL, double quotes elsewhere."""
        if self.family == "mysql":
            return "`" + identifier.replace("`", "``") + "`"
        return '"' + identifier.replace('"', '""') + '"'

    @property
    def qualifies(self) -> bool:
        """Whether tables keep their schema (PostgreSQL, portable) or are named bare
        (MySQL and SQLite, where a schema is another database)."""
        return self.family in ("postgresql", "portable")

    def table_name(self, table: Table) -> str:
        """The quoted, possibly schema-qualified name of ``table``."""
        if table.schema_ and self.qualifies:
            return f"{self.quote(table.schema_)}.{self.quote(table.name)}"
        return self.quote(table.name)

    @property
    def max_identifier(self) -> int:
        return 64 if self.family == "mysql" else 63

    def constraint_name(self, *parts: str) -> str:
        """A deterministic constraint or type name within the dialect's length limit."""
        return _identifier_limit("_".join(parts), self.max_identifier)

    # -- types -----------------------------------------------------------------------------

    def is_enum(self, col: Column) -> bool:
        """Whether the source declared ``col`` as an enum type (rather than a CHECK)."""
        return col.domain is not None and (
            col.enum_name is not None or bool(_ENUM_SQL.match(col.sql_type))
        )

    def mysql_timestamp(self, col: Column) -> bool:
        """Whether a naive datetime column is a MySQL ``TIMESTAMP`` (1970-2038, UTC)
        rather than a ``DATETIME``: only when both source and target are MySQL-like."""
        return (
            self.family == "mysql"
            and self.source_family == "mysql"
            and col.type is LogicalType.DATETIME
            and not col.timezone
            and col.sql_type.strip().upper().startswith("TIMESTAMP")
        )

    def column_type(self, col: Column, *, key: bool = False, enum_type: str | None = None) -> str:
        """The DDL type of ``col``. ``key``: the column is part of a primary, unique or
        foreign key (MySQL cannot index TEXT/BLOB and compares strings case-blind).
        ``enum_type``: the quoted enum type (PostgreSQL) or the label list (MySQL)."""
        if col.type is LogicalType.ARRAY:  # PostgreSQL has arrays; elsewhere a JSON array
            if self.family == "postgresql":
                return f"{_family_type(self, col.element(), key, enum_type)}[]"
            return "TEXT" if self.family == "portable" else "JSON"
        return _family_type(self, col, key, enum_type)


# -- per-family type mapping ---------------------------------------------------------------


def _int_type(col: Column, *, tiny: bool) -> str:
    size = col.size or 8
    if size == 1:
        return "TINYINT" if tiny else "SMALLINT"
    return {2: "SMALLINT", 4: "INTEGER", 8: "BIGINT"}[size]


def _decimal(col: Column, *, max_precision: int, max_scale: int, bare: str | None) -> str:
    if col.precision is None and col.scale is None:
        if bare is not None:
            return bare
        precision, scale = DEFAULT_DECIMAL
    else:
        precision = col.precision or DEFAULT_DECIMAL[0]
        scale = col.scale if col.scale is not None else 0
    precision = min(precision, max_precision)
    scale = min(scale, max_scale, precision)
    return f"NUMERIC({precision}, {scale})"


def _string(col: Column, *, unbounded: str, max_char: int | None = None) -> str:
    if col.length is None:
        return unbounded
    fixed = _FIXED_WIDTH.match(col.sql_type) and (max_char is None or col.length <= max_char)
    return f"{'CHAR' if fixed else 'VARCHAR'}({col.length})"


_Maker = Callable[["SqlDialect", Column, bool, "str | None"], str]
"""(dialect, column, is a key column, enum type) -> the column's DDL type."""


def _sized(small: str, large: str) -> _Maker:
    """A float type by storage size: ``small`` for 4 bytes, ``large`` otherwise."""
    return lambda d, col, key, enum: small if col.size == 4 else large


def _zoned(zoned: str, naive: str) -> _Maker:
    return lambda d, col, key, enum: zoned if col.timezone else naive


def _ints(*, tiny: bool) -> _Maker:
    return lambda d, col, key, enum: _int_type(col, tiny=tiny)


def _decimals(max_precision: int, max_scale: int, bare: str | None) -> _Maker:
    """``NUMERIC(p, s)`` within the family's limits; ``bare`` when neither is declared (or
    ``DECIMAL(p, s)`` where the family has no unbounded numeric)."""

    def make(d: SqlDialect, col: Column, key: bool, enum: str | None) -> str:
        text = _decimal(col, max_precision=max_precision, max_scale=max_scale, bare=bare)
        return text if bare is not None else text.replace("NUMERIC", "DECIMAL")

    return make


def _mysql_binary(d: SqlDialect, col: Column, key: bool, enum: str | None) -> str:
    if col.length is not None and col.length <= 65_535:
        kind = "BINARY" if re.match(r"^\s*binary\s*\(", col.sql_type, re.I) else "VARBINARY"
        return f"{kind}({col.length})"
    return "VARBINARY(255)" if key else "LONGBLOB"


def _mysql_string(col: Column, key: bool) -> str:
    longest = col.stats.lengths.max if col.stats.lengths is not None else None
    if (
        col.length is not None
        and col.length <= MYSQL_VARCHAR_MAX
        and (not key or col.length <= MYSQL_KEY_CHARS)
    ):
        return _string(col, unbounded="LONGTEXT", max_char=255)
    if key:
        want = longest if isinstance(longest, int) and not isinstance(longest, bool) else 255
        return f"VARCHAR({min(MYSQL_KEY_CHARS, max(255, want))})"
    return "LONGTEXT"


L = LogicalType
_SAME = {L.BOOLEAN: "BOOLEAN", L.DATE: "DATE", L.TIME: "TIME", L.UUID: "CHAR(36)", L.OPAQUE: "TEXT"}
"""Types every family spells alike (an opaque column is always NULL)."""

_TYPES: dict[Family, dict[LogicalType, str | _Maker]] = {
    "postgresql": {
        **_SAME,
        L.INTEGER: _ints(tiny=False),
        L.FLOAT: _sized("REAL", "DOUBLE PRECISION"),
        L.DECIMAL: _decimals(1000, 1000, bare="NUMERIC"),
        L.STRING: lambda d, col, key, enum: enum or _string(col, unbounded="TEXT"),
        L.DATETIME: _zoned("TIMESTAMP WITH TIME ZONE", "TIMESTAMP"),
        L.UUID: "UUID",
        L.JSON: lambda d, col, key, enum: (
            "JSONB" if col.sql_type.strip().upper() == "JSONB" else "JSON"
        ),
        L.BINARY: "BYTEA",
    },
    "mysql": {
        **_SAME,
        L.INTEGER: _ints(tiny=True),
        L.FLOAT: _sized("FLOAT", "DOUBLE"),
        L.DECIMAL: _decimals(65, 30, bare=None),
        L.STRING: lambda d, col, key, enum: f"ENUM({enum})" if enum else _mysql_string(col, key),
        L.DATETIME: lambda d, col, key, enum: (
            "TIMESTAMP(6)" if d.mysql_timestamp(col) else "DATETIME(6)"
        ),
        L.TIME: "TIME(6)",
        L.JSON: "JSON",
        L.BINARY: _mysql_binary,
        L.OPAQUE: "LONGTEXT",
    },
    "sqlite": {
        **_SAME,
        L.INTEGER: _ints(tiny=False),
        L.FLOAT: _sized("FLOAT", "REAL"),
        L.DECIMAL: _decimals(1000, 1000, bare="NUMERIC"),
        L.STRING: lambda d, col, key, enum: _string(col, unbounded="TEXT"),
        L.DATETIME: _zoned("TIMESTAMP", "DATETIME"),
        L.JSON: "JSON",
        L.BINARY: "BLOB",
    },
    "portable": {
        **_SAME,
        L.INTEGER: _ints(tiny=False),
        L.FLOAT: _sized("REAL", "DOUBLE PRECISION"),
        L.DECIMAL: _decimals(38, 38, bare=None),
        L.STRING: lambda d, col, key, enum: _string(
            col, unbounded="VARCHAR(255)" if key else "TEXT"
        ),
        L.DATETIME: _zoned("TIMESTAMP WITH TIME ZONE", "TIMESTAMP"),
        L.JSON: "TEXT",
        L.BINARY: lambda d, col, key, enum: (
            f"VARBINARY({col.length})" if col.length is not None else "BLOB"
        ),
    },
}
"""Family -> logical type -> its DDL type, or a function of the column that makes it."""


def _family_type(d: SqlDialect, col: Column, key: bool, enum_type: str | None) -> str:
    made = _TYPES[d.family][col.type]
    return made if isinstance(made, str) else made(d, col, key, enum_type)


def pg_advance_sequence(table_sql: str, column: str, quoted_column: str) -> str:
    """A PostgreSQL query that moves the sequence behind ``column`` (serial or identity)
    past the largest loaded value, so the application's next INSERT gets a fresh key. It
    does nothing where the column has no sequence (``setval(NULL, ...)`` is NULL) or the
    table is empty. MySQL and SQLite advance their counters on explicit inserts."""
    sequence = _serial_sequence(table_sql, column)
    return (
        f"SELECT setval({sequence}, GREATEST(max({quoted_column}), 1)) FROM {table_sql}"
        f" HAVING max({quoted_column}) IS NOT NULL"
    )


def pg_advance_sequence_block(table_sql: str, column: str, quoted_column: str) -> str:
    """:func:`pg_advance_sequence` as a statement for a SQL file: a ``DO`` block that
    prints nothing and reads the table only where the column has a sequence."""
    query = pg_advance_sequence(table_sql, column, quoted_column).removeprefix("SELECT ")
    return (
        f"DO $synth$ BEGIN IF {_serial_sequence(table_sql, column)} IS NOT NULL THEN "
        f"PERFORM {query}; END IF; END $synth$;"
    )


def _serial_sequence(table_sql: str, column: str) -> str:
    table_text = table_sql.replace("'", "''")
    column_text = column.replace("'", "''")
    return f"pg_get_serial_sequence('{table_text}', '{column_text}')"


def _family_of(name: str | None) -> Family | None:
    if name is None:
        return None
    name = _SOURCE_ALIASES.get(name.lower(), name.lower())
    return DIALECTS.get(name, "portable")


def resolve_dialect(option: object, profile: Profile) -> SqlDialect:
    """The dialect to write: ``option`` when given, else the profile's source dialect
    (another SQLAlchemy dialect than the four renders as ``portable``), else PostgreSQL."""
    source = _family_of(profile.source.dialect)
    if option is None:
        raw = profile.source.dialect
        if raw is None:
            return SqlDialect("postgresql", "postgresql", source)
        name = _SOURCE_ALIASES.get(raw.lower(), raw.lower())
        if name not in DIALECTS:
            return SqlDialect("portable", "portable", source)
        return SqlDialect(name, DIALECTS[name], source)
    if not isinstance(option, str) or option.lower() not in DIALECTS:
        raise UsageError(
            f"dialect={option!r} (--dialect) is not a SQL dialect synth writes; "
            f"choose one of: {', '.join(DIALECTS)}"
        )
    name = option.lower()
    return SqlDialect(name, DIALECTS[name], source)
