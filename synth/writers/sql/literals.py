"""Column values as SQL literals, vectorized: one polars expression per column.

:func:`column_literals` turns a column of a generated chunk into the text of its SQL
literals (``NULL`` included) for a dialect, either as ``INSERT`` values or as fields of
a PostgreSQL ``COPY ... FROM stdin`` block (text format). Nothing is formatted per row
in Python: a chunk is rendered by one ``select`` over these expressions.

Values a dialect cannot store are changed deliberately, and every change is counted by
an expression returned alongside (see :data:`ADJUSTMENTS`), so the writer can report it:
NUL characters in PostgreSQL (and portable) text are stripped; MySQL dates and
timestamps outside the supported range are clamped to it; NaN and infinities where the
dialect has none become NULL (or 0 in a NOT NULL column) and the largest finite float.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from synth.model import Column, LogicalType
from synth.writers.sql.dialects import SqlDialect

__all__ = [
    "ADJUSTMENTS",
    "COPY_NULL",
    "ColumnLiterals",
    "column_literals",
    "domain_literal",
    "json_array_text",
    "pg_array_text",
]

ADJUSTMENTS = {
    "nul_stripped": "values held NUL characters, which {dialect} text cannot store; stripped",
    "out_of_range": "values outside the range {dialect} supports; clamped to the nearest bound",
    "nan_replaced": "NaN values, which {dialect} cannot store; written as NULL (0 if NOT NULL)",
    "infinity_clamped": "infinite values, which {dialect} cannot store; written as the "
    "largest finite float of the sign",
}
"""Reason key (as recorded in the manifest) -> what was done, for the warning."""

COPY_NULL = "\\N"
"""NULL in PostgreSQL's COPY text format."""

NULL = "NULL"

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

_FLOAT_MAX = {4: "3.4028234663852886e+38", 8: "1.7976931348623157e+308"}

_TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S%.6f"
_TIME_FORMAT = "%H:%M:%S%.6f"
_DATE_FORMAT = "%Y-%m-%d"


@dataclass(frozen=True)
class ColumnLiterals:
    """How one column is rendered: ``expr`` is a String expression, never NULL, holding
    each row's literal; ``counts`` are (reason, expression summing the rows changed)."""

    expr: pl.Expr
    counts: tuple[tuple[str, pl.Expr], ...] = ()


def _quoted(body: pl.Expr, prefix: str = "", suffix: str = "") -> pl.Expr:
    return pl.concat_str(pl.lit(f"{prefix}'"), body, pl.lit(f"'{suffix}"))


def _typed(d: SqlDialect, keyword: str, text: pl.Expr, copy: bool) -> pl.Expr:
    """A quoted literal; ANSI-typed (``DATE '...'``) in the portable dialect."""
    if copy:
        return text
    return _quoted(text, prefix=f"{keyword} " if d.family == "portable" else "")


def _text_body(e: pl.Expr, d: SqlDialect, copy: bool) -> pl.Expr:
    """The escaped inside of a string literal, in one pass over the text. PostgreSQL and
    portable text cannot hold NUL: it is dropped here (and counted by the caller)."""
    if copy:  # PostgreSQL COPY text format
        return e.str.replace_many(
            ["\\", "\n", "\r", "\t", "\x00"], ["\\\\", "\\n", "\\r", "\\t", ""]
        )
    if d.family == "mysql":  # backslash escapes (the file turns NO_BACKSLASH_ESCAPES off)
        return e.str.replace_many(
            ["\\", "'", "\x00", "\n", "\r", "\x1a"],
            ["\\\\", "''", "\\0", "\\n", "\\r", "\\Z"],
        )
    if d.family == "sqlite":  # NUL cannot appear in SQL text, CR would not survive a
        # newline-translating reader: both are spliced in as char()
        return e.str.replace_many(
            ["'", "\x00", "\r"], ["''", "' || char(0) || '", "' || char(13) || '"]
        )
    return e.str.replace_many(["'", "\x00"], ["''", ""])


def _text(e: pl.Expr, d: SqlDialect, copy: bool) -> ColumnLiterals:
    counts: tuple[tuple[str, pl.Expr], ...] = ()
    if d.family in ("postgresql", "portable"):
        counts = (("nul_stripped", e.str.contains("\x00", literal=True).sum()),)
    body = _text_body(e, d, copy)
    if copy:
        return ColumnLiterals(body, counts)
    if d.family == "postgresql":  # a CR is written as E'\r', so no reader can turn it into LF
        escaped = e.str.replace_many(["\\", "'", "\r", "\x00"], ["\\\\", "''", "\\r", ""])
        literal = (
            pl.when(e.str.contains("\r", literal=True))
            .then(_quoted(escaped, prefix="E"))
            .otherwise(_quoted(body))
        )
        return ColumnLiterals(literal, counts)
    return ColumnLiterals(_quoted(body), counts)


def _clamped(e: pl.Expr, lo: object, hi: object) -> tuple[pl.Expr, tuple[str, pl.Expr]]:
    low, high = pl.lit(lo), pl.lit(hi)
    outside = ((e < low) | (e > high)).sum()
    return e.clip(low, high), ("out_of_range", outside)


def _float(e: pl.Expr, col: Column, d: SqlDialect, copy: bool) -> ColumnLiterals:
    text = e.cast(pl.String)
    if d.family == "postgresql":
        q = "" if copy else "'"
        special = (
            pl.when(e.is_nan())
            .then(pl.lit(f"{q}NaN{q}"))
            .when(e == float("inf"))
            .then(pl.lit(f"{q}Infinity{q}"))
            .when(e == float("-inf"))
            .then(pl.lit(f"{q}-Infinity{q}"))
            .otherwise(text)
        )
        return ColumnLiterals(special)
    biggest = _FLOAT_MAX[4 if col.size == 4 else 8]
    if d.family == "sqlite":  # SQLite stores infinities (9e999 reads as one), not NaN
        pos, neg, inf_counts = "9e999", "-9e999", ()
    else:
        pos, neg = biggest, f"-{biggest}"
        inf_counts = (("infinity_clamped", e.is_infinite().sum()),)
    out = (
        pl.when(e.is_nan())
        .then(pl.lit(NULL if col.nullable else "0"))
        .when(e == float("inf"))
        .then(pl.lit(pos))
        .when(e == float("-inf"))
        .then(pl.lit(neg))
        .otherwise(text)
    )
    return ColumnLiterals(out, (("nan_replaced", e.is_nan().sum()), *inf_counts))


def _boolean(e: pl.Expr, d: SqlDialect, copy: bool) -> pl.Expr:
    if copy:
        yes, no = "t", "f"
    elif d.family in ("mysql", "sqlite"):
        yes, no = "1", "0"
    else:
        yes, no = "TRUE", "FALSE"
    return pl.when(e).then(pl.lit(yes)).otherwise(pl.lit(no))


def _date(e: pl.Expr, d: SqlDialect, copy: bool) -> ColumnLiterals:
    counts: tuple[tuple[str, pl.Expr], ...] = ()
    if d.family == "mysql":
        e, count = _clamped(e, *MYSQL_DATE_RANGE)
        counts = (count,)
    return ColumnLiterals(_typed(d, "DATE", e.dt.strftime(_DATE_FORMAT), copy), counts)


def _datetime(e: pl.Expr, col: Column, d: SqlDialect, copy: bool) -> ColumnLiterals:
    counts: tuple[tuple[str, pl.Expr], ...] = ()
    zoned = col.timezone
    if zoned:  # values are UTC: render the wall time and say so
        e = e.dt.replace_time_zone(None)
    if d.family == "mysql":  # DATETIME holds UTC wall time; the file sets time_zone +00:00
        bounds = MYSQL_TIMESTAMP_RANGE if d.mysql_timestamp(col) else MYSQL_DATETIME_RANGE
        e, count = _clamped(e, *bounds)
        counts = (count,)
        zoned = False
    text = e.dt.strftime(_TIMESTAMP_FORMAT)
    if zoned:
        text = pl.concat_str(text, pl.lit("+00:00"))
    return ColumnLiterals(_typed(d, "TIMESTAMP", text, copy), counts)


def _binary(e: pl.Expr, d: SqlDialect, copy: bool) -> pl.Expr:
    hexed = e.bin.encode("hex")
    if copy:
        return pl.concat_str(pl.lit("\\\\x"), hexed)
    if d.family == "postgresql":
        return pl.concat_str(pl.lit("'\\x"), hexed, pl.lit("'::bytea"))
    return _quoted(hexed, prefix="X")


def json_array_text(e: pl.Expr) -> pl.Expr:
    """A list column as JSON array text (``["a",1]``), for databases without arrays; a NULL
    list stays NULL."""
    encoded = pl.struct(e.alias("v")).struct.json_encode().str.slice(5).str.head(-1)  # {"v":..}
    return pl.when(e.is_not_null()).then(encoded)


def pg_array_text(e: pl.Expr, element_text: pl.Expr) -> pl.Expr:
    """A list column in PostgreSQL's array text form (``{"a","b c",NULL}``), which a column
    of any array type accepts; ``element_text`` spells one non-NULL element (over
    ``pl.element()``). Every element is quoted, so no element needs a special case."""
    quoted = pl.concat_str(
        pl.lit('"'), element_text.str.replace_many(["\\", '"'], ["\\\\", '\\"']), pl.lit('"')
    )
    elements = pl.when(pl.element().is_null()).then(pl.lit("NULL")).otherwise(quoted)
    return pl.concat_str(pl.lit("{"), e.list.eval(elements).list.join(","), pl.lit("}"))


def _array(e: pl.Expr, col: Column, d: SqlDialect, copy: bool) -> ColumnLiterals:
    """PostgreSQL: the array's text form, as a literal or a COPY field. Elsewhere, where
    arrays do not exist, a JSON array in a JSON or text column."""
    if d.family != "postgresql":
        return _text(json_array_text(e), d, copy)
    element = col.element().model_copy(update={"name": ""})  # pl.col("") is pl.element()
    counts: tuple[tuple[str, pl.Expr], ...] = ()
    if element.type in (LogicalType.STRING, LogicalType.UUID):
        raw = pl.element().str.replace_all("\x00", "", literal=True)
        counts = (("nul_stripped", e.explode().str.contains("\x00", literal=True).sum()),)
    else:  # the COPY field of a scalar is its plain text form
        raw = column_literals(element, d, copy=True).expr
    return ColumnLiterals(_text(pg_array_text(e, raw), d, copy).expr, counts)


def column_literals(col: Column, d: SqlDialect, *, copy: bool = False) -> ColumnLiterals:
    """The literals of column ``col`` (of a chunk cast to the table's Arrow schema) in
    dialect ``d``; ``copy``: PostgreSQL COPY text-format fields instead of literals."""
    e = pl.col(col.name)
    t = col.type
    null = COPY_NULL if copy else NULL
    if t is LogicalType.OPAQUE:
        return ColumnLiterals(pl.lit(null, dtype=pl.String))
    if t in (LogicalType.STRING, LogicalType.UUID, LogicalType.JSON):
        out = _text(e, d, copy)
    elif t is LogicalType.INTEGER or t is LogicalType.DECIMAL:
        out = ColumnLiterals(e.cast(pl.String))
    elif t is LogicalType.FLOAT:
        out = _float(e, col, d, copy)
    elif t is LogicalType.BOOLEAN:
        out = ColumnLiterals(_boolean(e, d, copy))
    elif t is LogicalType.DATE:
        out = _date(e, d, copy)
    elif t is LogicalType.DATETIME:
        out = _datetime(e, col, d, copy)
    elif t is LogicalType.TIME:
        out = ColumnLiterals(_typed(d, "TIME", e.dt.strftime(_TIME_FORMAT), copy))
    elif t is LogicalType.BINARY:
        out = ColumnLiterals(_binary(e, d, copy))
    elif t is LogicalType.ARRAY:
        out = _array(e, col, d, copy)
    else:  # pragma: no cover - every LogicalType is handled above
        raise AssertionError(t)
    # A NULL input stays NULL through every expression above; only then is it spelled.
    return ColumnLiterals(
        pl.when(e.is_null()).then(pl.lit(null)).otherwise(out.expr).alias(col.name),
        out.counts,
    )


def domain_literal(value: str, col: Column, d: SqlDialect) -> str:
    """A domain value (``CHECK ... IN`` or enum label) as a literal of ``col``'s type."""
    if col.type in (LogicalType.INTEGER, LogicalType.DECIMAL, LogicalType.FLOAT):
        try:
            float(value)
        except ValueError:
            pass
        else:
            return value
    text = pl.DataFrame({"v": [value]}).select(_text(pl.col("v"), d, copy=False).expr)
    return str(text.item())
