"""Rows of a polars frame in the forms drivers load fastest, vectorized.

PostgreSQL's ``COPY ... FROM STDIN`` text format (:func:`copy_text`: tab-separated,
``\\N`` for NULL, backslash escapes), rendered by polars expressions chosen from each
column's dtype; and batches of Python tuples for ``executemany`` (:func:`driver_rows`),
after each column went through the target dialect's conversion
(:meth:`synth.loader.dialects.Dialect.driver_column`). Values a target cannot store (NUL
in PostgreSQL text, NaN in MySQL and SQLite) are changed as in the SQL writer and
counted, so the loader can report them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import polars as pl

from synth.loader.target import Adjusted
from synth.writers.sql.literals import (
    COPY_NULL,
    DATE_FORMAT,
    TIME_FORMAT,
    TIMESTAMP_FORMAT,
    pg_array_text,
)

__all__ = ["Conversion", "copy_text", "driver_rows", "zoned_utc_text"]

Conversion = Callable[[str, pl.DataType, bool], tuple[pl.Expr, list[tuple[str, pl.Expr]]]]
"""(column, dtype, nullable) -> (the expression a driver binds, counts of changed values)."""


def zoned_utc_text(e: pl.Expr) -> pl.Expr:
    """A zoned timestamp as UTC text with ``+00:00``."""
    naive = e.dt.convert_time_zone("UTC").dt.replace_time_zone(None)
    return pl.concat_str(naive.dt.strftime(TIMESTAMP_FORMAT), pl.lit("+00:00"))


def _copy_field(name: str, dtype: pl.DataType) -> tuple[pl.Expr, list[tuple[str, pl.Expr]]]:
    """The COPY text field of column ``name`` (never NULL: NULL is ``\\N``) and counts."""
    e = pl.col(name)
    counts: list[tuple[str, pl.Expr]] = []
    if dtype == pl.Null:
        return pl.lit(COPY_NULL, dtype=pl.String).alias(name), counts
    if isinstance(dtype, pl.List):  # the array text form, escaped as any COPY text
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
        out = e.dt.strftime(DATE_FORMAT)
    elif isinstance(dtype, pl.Datetime):
        out = zoned_utc_text(e) if dtype.time_zone else e.dt.strftime(TIMESTAMP_FORMAT)
    elif dtype == pl.Time:
        out = e.dt.strftime(TIME_FORMAT)
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


def driver_rows(
    frame: pl.DataFrame,
    convert: Conversion,
    not_null: set[str],
    into: Adjusted,
    batch_rows: int,
) -> Iterator[list[tuple[object, ...]]]:
    """``frame`` as batches of tuples for ``executemany``, each column through ``convert``
    (the target dialect's); every value it changes is counted in ``into``."""
    exprs: list[pl.Expr] = []
    counts: list[tuple[str, str, pl.Expr]] = []
    for name, dtype in frame.schema.items():
        expr, column_counts = convert(name, dtype, name not in not_null)
        exprs.append(expr)
        counts += [(name, reason, c) for reason, c in column_counts]
    _count(frame, counts, into)
    for offset in range(0, frame.height, batch_rows):
        chunk = frame.slice(offset, batch_rows).select(exprs)
        yield chunk.rows()
