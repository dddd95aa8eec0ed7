"""Building blocks of SQL literals that every dialect shares, as polars expressions.

Nothing here knows a dialect: :class:`~synth.writers.sql.base.SqlDialect` and its
subclasses compose these pieces into each column's literal (``column_literals``), and the
live loader (:mod:`synth.loader.rows`) reuses the array renderings. Values a dialect
cannot store are changed deliberately, and every change is counted by an expression
returned alongside (see :data:`ADJUSTMENTS`), so the writer can report it.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

__all__ = [
    "ADJUSTMENTS",
    "COPY_NULL",
    "DATE_FORMAT",
    "NULL",
    "TIMESTAMP_FORMAT",
    "TIME_FORMAT",
    "ColumnLiterals",
    "Counts",
    "clamped",
    "json_array_text",
    "pg_array_text",
    "quoted",
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

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S%.6f"
TIME_FORMAT = "%H:%M:%S%.6f"
DATE_FORMAT = "%Y-%m-%d"

Counts = tuple[tuple[str, pl.Expr], ...]
"""(reason, expression summing the rows of a chunk changed for that reason)."""


@dataclass(frozen=True)
class ColumnLiterals:
    """How one column is rendered: ``expr`` is a String expression, never NULL, holding
    each row's literal; ``counts`` are (reason, expression summing the rows changed)."""

    expr: pl.Expr
    counts: Counts = ()


def quoted(body: pl.Expr, prefix: str = "", suffix: str = "") -> pl.Expr:
    """``body`` between single quotes, with an optional keyword before (``DATE '...'``)."""
    return pl.concat_str(pl.lit(f"{prefix}'"), body, pl.lit(f"'{suffix}"))


def clamped(e: pl.Expr, lo: object, hi: object) -> tuple[pl.Expr, tuple[str, pl.Expr]]:
    """``e`` clipped into ``lo..hi``, and the count of values that had to move."""
    low, high = pl.lit(lo), pl.lit(hi)
    outside = ((e < low) | (e > high)).sum()
    return e.clip(low, high), ("out_of_range", outside)


def json_array_text(e: pl.Expr) -> pl.Expr:
    """A list column as JSON array text (``["a",1]``), for databases without arrays; a NULL
    list stays NULL."""
    encoded = pl.struct(e.alias("v")).struct.json_encode().str.slice(5).str.head(-1)  # {"v":..}
    return pl.when(e.is_not_null()).then(encoded)


def pg_array_text(e: pl.Expr, element_text: pl.Expr) -> pl.Expr:
    """A list column in PostgreSQL's array text form (``{"a","b c",NULL}``), which a column
    of any array type accepts; ``element_text`` spells one non-NULL element (over
    ``pl.element()``). Every element is quoted, so no element needs a special case."""
    quoted_element = pl.concat_str(
        pl.lit('"'), element_text.str.replace_many(["\\", '"'], ["\\\\", '\\"']), pl.lit('"')
    )
    elements = pl.when(pl.element().is_null()).then(pl.lit("NULL")).otherwise(quoted_element)
    return pl.concat_str(pl.lit("{"), e.list.eval(elements).list.join(","), pl.lit("}"))
