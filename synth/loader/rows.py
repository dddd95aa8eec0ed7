"""Rows of a polars frame in the form each driver loads fastest, vectorized.

PostgreSQL: the text format of ``COPY ... FROM STDIN`` (tab-separated, ``\\N`` for NULL,
backslash escapes), rendered by polars expressions chosen from each column's dtype and
written to psycopg's ``Copy`` as bytes. Others: Python tuples for ``executemany``, after
polars has turned what the driver cannot bind (SQLite: dates, times, decimals; MySQL:
zoned datetimes) into values it can. Values a target cannot store (NUL in PostgreSQL
text, NaN in MySQL and SQLite) are changed as in the SQL writer and counted, so the
loader can report them.
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

__all__ = ["Adjusted", "copy_text", "driver_rows"]

COPY_NULL = "\\N"

_TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S%.6f"
_TIME_FORMAT = "%H:%M:%S%.6f"
_DATE_FORMAT = "%Y-%m-%d"
_FLOAT_MAX = 1.7976931348623157e308

Adjusted = dict[str, dict[str, int]]
"""Column -> reason (``nul_stripped``, ``nan_replaced``, ``infinity_clamped``) -> rows."""


def _zoned_utc_text(e: pl.Expr) -> pl.Expr:
    naive = e.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    return pl.concat_str(naive.dt.strftime(_TIMESTAMP_FORMAT), pl.lit("+00:00"))


def _copy_field(name: str, dtype: pl.DataType) -> tuple[pl.Expr, list[tuple[str, pl.Expr]]]:
    """The COPY text field of column ``name`` (never NULL: NULL is ``\\N``) and counts."""
    e = pl.col(name)
    counts: list[tuple[str, pl.Expr]] = []
    if dtype == pl.Null:
        return pl.lit(COPY_NULL, dtype=pl.String).alias(name), counts
    if isinstance(dtype, pl.List):  # the array text form, escaped as any COPY text
        from synth.writers.sql.literals import pg_array_text

        if isinstance(dtype.inner, (pl.String, pl.Categorical, pl.Enum)):
            raw = pl.element().cast(pl.String).str.replace_all("\x00", "", literal=True)
            counts.append(
                (
                    "nul_stripped",
                    e.explode().cast(pl.String).str.contains("\x00", literal=True).sum(),
                )
            )
        else:
            raw = _copy_field("", dtype.inner)[0]  # pl.col("") is pl.element()
        text = pg_array_text(e, raw)
        out = text.str.replace_many(["\\", "\n", "\r", "\t"], ["\\\\", "\\n", "\\r", "\\t"])
    elif isinstance(dtype, (pl.String, pl.Categorical, pl.Enum)):
        text = e.cast(pl.String)
        counts.append(("nul_stripped", text.str.contains("\x00", literal=True).sum()))
        out = text.str.replace_many(
            ["\\", "\n", "\r", "\t", "\x00"], ["\\\\", "\\n", "\\r", "\\t", ""]
        )
    elif dtype.is_float():
        out = (
            pl.when(e.is_nan())
            .then(pl.lit("NaN"))
            .when(e == float("inf"))
            .then(pl.lit("Infinity"))
            .when(e == float("-inf"))
            .then(pl.lit("-Infinity"))
            .otherwise(e.cast(pl.String))
        )
    elif dtype == pl.Boolean:
        out = pl.when(e).then(pl.lit("t")).otherwise(pl.lit("f"))
    elif dtype == pl.Date:
        out = e.dt.strftime(_DATE_FORMAT)
    elif isinstance(dtype, pl.Datetime):
        out = _zoned_utc_text(e) if dtype.time_zone else e.dt.strftime(_TIMESTAMP_FORMAT)
    elif dtype == pl.Time:
        out = e.dt.strftime(_TIME_FORMAT)
    elif dtype == pl.Binary:
        out = pl.concat_str(pl.lit("\\\\x"), e.bin.encode("hex"))
    else:  # integers, decimals (exact text), anything else polars can spell
        out = e.cast(pl.String)
    return pl.when(e.is_null()).then(pl.lit(COPY_NULL)).otherwise(out).alias(name), counts


def _count(frame: pl.DataFrame, counts: list[tuple[str, str, pl.Expr]], into: Adjusted) -> None:
    if not counts:
        return
    row = frame.select([expr.alias(f"{i}") for i, (_, _, expr) in enumerate(counts)]).row(0)
    for (column, reason, _), n in zip(counts, row, strict=True):
        if n:
            into.setdefault(column, {})
            into[column][reason] = into[column].get(reason, 0) + int(n)


def copy_text(frame: pl.DataFrame, into: Adjusted) -> bytes:
    """``frame`` as PostgreSQL COPY text-format lines (UTF-8, each ending in a newline);
    NUL characters (which PostgreSQL text cannot hold) are stripped and counted in ``into``."""
    if frame.height == 0:
        return b""
    fields: list[pl.Expr] = []
    counts: list[tuple[str, str, pl.Expr]] = []
    for name, dtype in frame.schema.items():
        field, column_counts = _copy_field(name, dtype)
        fields.append(field)
        counts += [(name, reason, expr) for reason, expr in column_counts]
    _count(frame, counts, into)
    lines = frame.select(pl.concat_str(fields, separator="\t").alias("line"))
    text = lines.select(pl.col("line").str.join("\n")).item()
    return (text + "\n").encode("utf-8")


def _driver_column(
    name: str, dtype: pl.DataType, family: str, nullable: bool
) -> tuple[pl.Expr, list[tuple[str, pl.Expr]]]:
    e = pl.col(name)
    counts: list[tuple[str, pl.Expr]] = []
    if dtype.is_float():
        counts.append(("nan_replaced", e.is_nan().sum()))
        nan = None if nullable else 0.0
        out = pl.when(e.is_nan()).then(pl.lit(nan, dtype=dtype)).otherwise(e)
        if family == "mysql":
            counts.append(("infinity_clamped", e.is_infinite().sum()))
            out = out.clip(-_FLOAT_MAX, _FLOAT_MAX)
        return out.alias(name), counts
    if family == "sqlite":
        if dtype == pl.Date:
            return e.dt.strftime(_DATE_FORMAT).alias(name), counts
        if isinstance(dtype, pl.Datetime):
            text = _zoned_utc_text(e) if dtype.time_zone else e.dt.strftime(_TIMESTAMP_FORMAT)
            return text.alias(name), counts
        if dtype == pl.Time:
            return e.dt.strftime(_TIME_FORMAT).alias(name), counts
        if isinstance(dtype, pl.Decimal):
            return e.cast(pl.String).alias(name), counts
    if family == "mysql" and isinstance(dtype, pl.Datetime) and dtype.time_zone:
        return e.dt.convert_time_zone("UTC").dt.replace_time_zone(None).alias(name), counts
    if isinstance(dtype, (pl.Categorical, pl.Enum)):
        return e.cast(pl.String).alias(name), counts
    if isinstance(dtype, pl.List):  # no arrays here: a JSON array in a JSON or text column
        from synth.writers.sql.literals import json_array_text

        return json_array_text(e).alias(name), counts
    return e, counts


def driver_rows(
    frame: pl.DataFrame,
    family: str,
    not_null: set[str],
    into: Adjusted,
    batch_rows: int,
) -> Iterator[list[tuple[object, ...]]]:
    """``frame`` as batches of tuples the DB-API driver of ``family`` (``mysql``,
    ``sqlite``) binds; NaN becomes NULL (0 in a NOT NULL column, ``not_null``), MySQL
    infinities the largest finite float; every change is counted in ``into``."""
    exprs: list[pl.Expr] = []
    counts: list[tuple[str, str, pl.Expr]] = []
    for name, dtype in frame.schema.items():
        expr, column_counts = _driver_column(name, dtype, family, name not in not_null)
        exprs.append(expr)
        counts += [(name, reason, c) for reason, c in column_counts]
    _count(frame, counts, into)
    for offset in range(0, frame.height, batch_rows):
        chunk = frame.slice(offset, batch_rows).select(exprs)
        yield chunk.rows()
