"""What a SQL dialect is to the SQL writer, and the portable behaviour every dialect starts from.

:class:`SqlDialect` is the ANSI-leaning subset written for any SQLAlchemy dialect synth
has no class for (``portable``); :mod:`~synth.writers.sql.postgresql`,
:mod:`~synth.writers.sql.mysql` and :mod:`~synth.writers.sql.sqlite` override only what
their database does differently, and :mod:`~synth.writers.sql.dialects` finds the class
for a name. A dialect knows how to name things (quoting, schemas, identifier length),
what each synth column becomes in DDL (:meth:`SqlDialect.column_type`), how a column's
values are spelled as literals or COPY fields (:meth:`SqlDialect.column_literals`), and
what a data file and a ``schema.sql`` look like around the statements.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

import polars as pl

from synth.model import Column, LogicalType, Table
from synth.model.arrow import DEFAULT_DECIMAL
from synth.writers.sql.literals import (
    COPY_NULL,
    DATE_FORMAT,
    NULL,
    TIME_FORMAT,
    TIMESTAMP_FORMAT,
    ColumnLiterals,
    Counts,
    json_array_text,
    quoted,
)

__all__ = ["FLOAT_MAX", "Family", "Maker", "SqlDialect", "decimals", "ints", "sized", "string"]

Family = Literal["postgresql", "mysql", "sqlite", "portable"]

FLOAT_MAX = {4: "3.4028234663852886e+38", 8: "1.7976931348623157e+308"}
"""The largest finite float of each storage size, as SQL text."""

_FIXED_WIDTH = re.compile(r"^\s*(n?char|character|bpchar|nchar)\s*(\(|$)", re.IGNORECASE)
_ENUM_SQL = re.compile(r"^\s*enum\s*\(", re.IGNORECASE)

Maker = Callable[["SqlDialect", Column, bool, "str | None"], str]
"""(dialect, column, is a key column, enum type) -> the column's DDL type."""


def _identifier_limit(name: str, limit: int) -> str:
    """``name`` cut to ``limit`` characters, with a short digest when it had to be cut."""
    if len(name) <= limit:
        return name
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return f"{name[: limit - 9]}_{digest}"


# -- type-map building blocks, shared by the dialects ------------------------------------


def sized(small: str, large: str) -> Maker:
    """A float type by storage size: ``small`` for 4 bytes, ``large`` otherwise."""
    return lambda d, col, key, enum: small if col.size == 4 else large


def zoned(with_zone: str, naive: str) -> Maker:
    return lambda d, col, key, enum: with_zone if col.timezone else naive


def ints(*, tiny: bool) -> Maker:
    """Integers by storage size (``tiny``: the dialect has a 1-byte ``TINYINT``)."""

    def make(d: SqlDialect, col: Column, key: bool, enum: str | None) -> str:
        size = col.size or 8
        if size == 1:
            return "TINYINT" if tiny else "SMALLINT"
        return {2: "SMALLINT", 4: "INTEGER", 8: "BIGINT"}[size]

    return make


def decimals(max_precision: int, max_scale: int, bare: str | None) -> Maker:
    """``NUMERIC(p, s)`` within the dialect's limits; ``bare`` when neither is declared (or
    ``DECIMAL(p, s)`` where the dialect has no unbounded numeric)."""

    def make(d: SqlDialect, col: Column, key: bool, enum: str | None) -> str:
        if col.precision is None and col.scale is None:
            if bare is not None:
                return bare
            precision, scale = DEFAULT_DECIMAL
        else:
            precision = col.precision or DEFAULT_DECIMAL[0]
            scale = col.scale if col.scale is not None else 0
        precision = min(precision, max_precision)
        scale = min(scale, max_scale, precision)
        return f"{'NUMERIC' if bare is not None else 'DECIMAL'}({precision}, {scale})"

    return make


def string(col: Column, *, unbounded: str, max_char: int | None = None) -> str:
    """``VARCHAR(n)`` (``CHAR(n)`` where the source declared a fixed width), or
    ``unbounded`` for a column without a declared length."""
    if col.length is None:
        return unbounded
    fixed = _FIXED_WIDTH.match(col.sql_type) and (max_char is None or col.length <= max_char)
    return f"{'CHAR' if fixed else 'VARCHAR'}({col.length})"


L = LogicalType
SAME: Mapping[LogicalType, str | Maker] = {
    L.BOOLEAN: "BOOLEAN",
    L.DATE: "DATE",
    L.TIME: "TIME",
    L.UUID: "CHAR(36)",
    L.OPAQUE: "TEXT",
    L.GEOMETRY: "TEXT",
}
"""Types every dialect spells alike (an opaque column is always NULL)."""


@dataclass(frozen=True)
class SqlDialect:
    """A target dialect: its name as given (``mariadb``) and the family of the profile's
    source. This class is the portable behaviour (ANSI-leaning SQL for any SQLAlchemy
    dialect); the subclasses override what their database does differently."""

    name: str = "portable"
    source_family: Family | None = None
    """The family of the profile's source, when it was a database."""
    base_schema: str | None = None
    """The schema of tables without one of their own: the profile's ``--schema``."""

    family: ClassVar[Family] = "portable"
    """The dialect family (MySQL and MariaDB render identically)."""
    title: ClassVar[str] = "the target database"
    """How messages name the database."""
    qualifies: ClassVar[bool] = True
    """Whether tables keep their schema (PostgreSQL, portable) or are named bare (MySQL and
    SQLite, where a schema is another database)."""
    max_identifier: ClassVar[int] = 63
    quote_char: ClassVar[str] = '"'
    types: ClassVar[Mapping[LogicalType, str | Maker]] = {
        **SAME,
        L.INTEGER: ints(tiny=False),
        L.FLOAT: sized("REAL", "DOUBLE PRECISION"),
        L.DECIMAL: decimals(38, 38, bare=None),
        L.STRING: lambda d, col, key, enum: string(
            col, unbounded="VARCHAR(255)" if key else "TEXT"
        ),
        L.DATETIME: zoned("TIMESTAMP WITH TIME ZONE", "TIMESTAMP"),
        L.JSON: "TEXT",
        L.BINARY: lambda d, col, key, enum: (
            f"VARBINARY({col.length})" if col.length is not None else "BLOB"
        ),
    }
    """Logical type -> its DDL type, or a function of the column that makes it."""
    enums: ClassVar[Literal["check", "type", "inline"]] = "check"
    """How a declared domain is enforced: a ``CHECK ... IN`` list, a ``CREATE TYPE ... AS
    ENUM`` (PostgreSQL) or an inline ``ENUM(...)`` column type (MySQL)."""
    table_options: ClassVar[str] = ""
    """What follows ``CREATE TABLE t (...)``."""
    inline_cycle_keys: ClassVar[bool] = False
    """Whether a foreign key closing a cycle stays inline in ``CREATE TABLE`` (SQLite: it
    checks references only when rows change, and has no ``ADD CONSTRAINT``)."""
    deferrable: ClassVar[bool] = True
    """Whether a constraint can be ``DEFERRABLE INITIALLY DEFERRED`` (not in MySQL)."""
    copy: ClassVar[bool] = False
    """Whether data can be written as ``COPY ... FROM stdin`` blocks (PostgreSQL)."""
    insert_override: ClassVar[str] = ""
    """What an ``INSERT`` needs to write explicit values into identity columns."""
    begin: ClassVar[str | None] = None
    """The statement that opens a data file's transaction; None leaves transactions to the
    loader (portable)."""
    typed_literals: ClassVar[bool] = True
    """Whether temporal literals carry their ANSI keyword (``DATE '2024-01-31'``)."""
    booleans: ClassVar[tuple[str, str]] = ("TRUE", "FALSE")
    disables_triggers: ClassVar[bool] = False
    """Whether a data file can turn a table's triggers off for the load (PostgreSQL); where
    it cannot, the rows a trigger creates are left to the trigger."""

    # -- names -----------------------------------------------------------------------------

    def quote(self, identifier: str) -> str:
        q = self.quote_char
        return q + identifier.replace(q, q + q) + q

    def table_name(self, table: Table) -> str:
        """The quoted, possibly schema-qualified name of ``table``."""
        schema = table.schema_ or self.base_schema
        if schema and self.qualifies:
            return f"{self.quote(schema)}.{self.quote(table.name)}"
        return self.quote(table.name)

    def constraint_name(self, *parts: str) -> str:
        """A deterministic constraint or type name within the dialect's length limit."""
        return _identifier_limit("_".join(parts), self.max_identifier)

    # -- types -----------------------------------------------------------------------------

    def is_enum(self, col: Column) -> bool:
        """Whether the source declared ``col`` as an enum type (rather than a CHECK)."""
        return col.domain is not None and (
            col.enum_name is not None or bool(_ENUM_SQL.match(col.sql_type))
        )

    def limited_timestamp(self, col: Column) -> bool:
        """Whether ``col`` is written as a timestamp type of limited range (MySQL's
        1970-2038 ``TIMESTAMP``)."""
        return False

    def column_type(self, col: Column, *, key: bool = False, enum_type: str | None = None) -> str:
        """The DDL type of ``col``. ``key``: the column is part of a primary, unique or
        foreign key. ``enum_type``: the quoted enum type (PostgreSQL) or the label list
        (MySQL)."""
        if col.type is LogicalType.ARRAY:
            return self.array_type(col, key, enum_type)
        made = self.types[col.type]
        return made if isinstance(made, str) else made(self, col, key, enum_type)

    def array_type(self, col: Column, key: bool, enum_type: str | None) -> str:
        """An array column where the dialect has no arrays: its JSON text."""
        return "TEXT"

    def key_collation(self, col: Column, enum_type: str | None) -> str:
        """What follows the type of a key column (MySQL: an exact collation)."""
        return ""

    def null_clause(self, col: Column) -> str:
        """What a nullable column's definition needs to stay nullable (MySQL TIMESTAMP)."""
        return ""

    # -- files -----------------------------------------------------------------------------

    def prelude(self) -> list[str]:
        """Session settings every file starts with, so that it loads the same whatever the
        client's defaults."""
        return []

    def epilogue(self) -> list[str]:
        """What undoes :meth:`prelude`."""
        return []

    def defer_checks(self) -> list[str]:
        """Statements after ``BEGIN`` that let foreign-key checks wait for ``COMMIT``, for
        a cycle of keys written inline (see :mod:`synth.writers.sql.deferred`)."""
        return []

    def undefer_checks(self) -> list[str]:
        """What undoes :meth:`defer_checks` after ``COMMIT``, where it outlives it."""
        return []

    def trigger_statements(
        self, table_sql: str, names: Sequence[str], *, enable: bool
    ) -> list[str]:
        """Statements turning the triggers ``names`` of a table off (``enable``: on again)
        around its rows, where :attr:`disables_triggers`."""
        return []

    def sequence_statements(self, table_sql: str, columns: Sequence[Column]) -> list[str]:
        """Statements after a table's rows that move its key sequences past the loaded
        values (PostgreSQL; elsewhere counters advance on explicit inserts)."""
        return []

    # -- literals --------------------------------------------------------------------------

    def column_literals(self, col: Column, *, copy: bool = False) -> ColumnLiterals:
        """The literals of column ``col`` (of a chunk cast to the table's Arrow schema);
        ``copy``: COPY text-format fields instead of literals (PostgreSQL)."""
        e = pl.col(col.name)
        t = col.type
        null = COPY_NULL if copy else NULL
        if t is LogicalType.OPAQUE:
            return ColumnLiterals(pl.lit(null, dtype=pl.String))
        if t in (LogicalType.STRING, LogicalType.UUID, LogicalType.JSON):
            out = self.text(e, copy)
        elif t is LogicalType.GEOMETRY:
            out = self.geometry(e, copy)
        elif t is LogicalType.INTEGER or t is LogicalType.DECIMAL:
            out = ColumnLiterals(e.cast(pl.String))
        elif t is LogicalType.FLOAT:
            out = self.float(e, col, copy)
        elif t is LogicalType.BOOLEAN:
            yes, no = ("t", "f") if copy else self.booleans
            out = ColumnLiterals(pl.when(e).then(pl.lit(yes)).otherwise(pl.lit(no)))
        elif t is LogicalType.DATE:
            out = self.date(e, copy)
        elif t is LogicalType.DATETIME:
            out = self.datetime(e, col, copy)
        elif t is LogicalType.TIME:
            out = ColumnLiterals(self.typed("TIME", e.dt.strftime(TIME_FORMAT), copy))
        elif t is LogicalType.BINARY:
            out = ColumnLiterals(self.binary(e, copy))
        elif t is LogicalType.ARRAY:
            out = self.array(e, col, copy)
        else:  # pragma: no cover - every LogicalType is handled above
            raise AssertionError(t)
        # A NULL input stays NULL through every expression above; only then is it spelled.
        return ColumnLiterals(
            pl.when(e.is_null()).then(pl.lit(null)).otherwise(out.expr).alias(col.name),
            out.counts,
        )

    def domain_literal(self, value: str, col: Column) -> str:
        """A domain value (``CHECK ... IN`` or enum label) as a literal of ``col``'s type."""
        if col.type in (LogicalType.INTEGER, LogicalType.DECIMAL, LogicalType.FLOAT):
            try:
                float(value)
            except ValueError:
                pass
            else:
                return value
        text = pl.DataFrame({"v": [value]}).select(self.text(pl.col("v"), copy=False).expr)
        return str(text.item())

    def typed(self, keyword: str, text: pl.Expr, copy: bool) -> pl.Expr:
        """A quoted literal, ANSI-typed (``DATE '...'``) where :attr:`typed_literals`."""
        if copy:
            return text
        return quoted(text, prefix=f"{keyword} " if self.typed_literals else "")

    def text_body(self, e: pl.Expr) -> pl.Expr:
        """The escaped inside of a string literal, in one pass over the text. Portable text
        cannot hold NUL: it is dropped here (and counted by :meth:`text`)."""
        return e.str.replace_many(["'", "\x00"], ["''", ""])

    def nul_counts(self, e: pl.Expr) -> Counts:
        """Counts of the text values the dialect changes (NUL characters stripped)."""
        return (("nul_stripped", e.str.contains("\x00", literal=True).sum()),)

    def text(self, e: pl.Expr, copy: bool) -> ColumnLiterals:
        return ColumnLiterals(quoted(self.text_body(e)), self.nul_counts(e))

    def float(self, e: pl.Expr, col: Column, copy: bool) -> ColumnLiterals:
        """Floats where the dialect has no NaN or infinity: NaN is NULL (0 in a NOT NULL
        column), infinities the largest finite float of the sign."""
        biggest = FLOAT_MAX[4 if col.size == 4 else 8]
        return self._finite(e, col, biggest, f"-{biggest}", clamps=True)

    def _finite(
        self, e: pl.Expr, col: Column, pos: str, neg: str, *, clamps: bool
    ) -> ColumnLiterals:
        out = (
            pl.when(e.is_nan())
            .then(pl.lit(NULL if col.nullable else "0"))
            .when(e == float("inf"))
            .then(pl.lit(pos))
            .when(e == float("-inf"))
            .then(pl.lit(neg))
            .otherwise(e.cast(pl.String))
        )
        counts: Counts = (("nan_replaced", e.is_nan().sum()),)
        if clamps:
            counts += (("infinity_clamped", e.is_infinite().sum()),)
        return ColumnLiterals(out, counts)

    def date(self, e: pl.Expr, copy: bool) -> ColumnLiterals:
        return ColumnLiterals(self.typed("DATE", e.dt.strftime(DATE_FORMAT), copy))

    def datetime(self, e: pl.Expr, col: Column, copy: bool) -> ColumnLiterals:
        """UTC wall time; a zoned column says ``+00:00``."""
        if col.timezone:  # values are UTC: render the wall time and say so
            e = e.dt.replace_time_zone(None)
        text = e.dt.strftime(TIMESTAMP_FORMAT)
        if col.timezone:
            text = pl.concat_str(text, pl.lit("+00:00"))
        return ColumnLiterals(self.typed("TIMESTAMP", text, copy))

    def geometry(self, e: pl.Expr, copy: bool) -> ColumnLiterals:
        """A spatial value: its WKT text where the dialect has no spatial types."""
        return self.text(e, copy)

    def binary(self, e: pl.Expr, copy: bool) -> pl.Expr:
        return quoted(e.bin.encode("hex"), prefix="X")

    def array(self, e: pl.Expr, col: Column, copy: bool) -> ColumnLiterals:
        """Where arrays do not exist: a JSON array in a JSON or text column."""
        return self.text(json_array_text(e), copy)
