"""The one place that maps synth's column types onto Arrow and polars types.

Generated frames use :func:`polars_dtype`; Parquet files are written with
:func:`arrow_schema`, and read back with exactly those Arrow types.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
import pyarrow as pa

from synth.model import Column, LogicalType

__all__ = [
    "DEFAULT_DECIMAL",
    "arrow_schema",
    "arrow_type",
    "decimal_shape",
    "enum_categories",
    "enum_field",
    "integer_bounds",
    "plain_strings",
    "polars_dtype",
    "to_arrow",
    "written",
]

DEFAULT_DECIMAL = (38, 9)
"""(precision, scale) of a decimal column that declares neither."""

_INT_BITS = {1: 16, 2: 16, 4: 32, 8: 64, None: 64}


def written(col: Column) -> bool:
    """Whether fixtures hold ``col``: not a NOT NULL column of an opaque type, nor one the
    database computes itself (a generated column, one a trigger sets)."""
    return not (col.type is LogicalType.OPAQUE and not col.nullable) and col.derived is None


def decimal_shape(col: Column) -> tuple[int, int]:
    """(precision, scale) of a decimal column; scale defaults to 0 when only precision is set."""
    if col.precision is None and col.scale is None:
        return DEFAULT_DECIMAL
    precision = min(col.precision or DEFAULT_DECIMAL[0], 38)
    scale = min(col.scale if col.scale is not None else 0, precision)
    return precision, scale


def integer_bounds(col: Column) -> tuple[int, int]:
    """The signed range an integer column of ``col.size`` bytes can hold."""
    bits = 8 * (col.size or 8)
    return -(2 ** (bits - 1)), 2 ** (bits - 1) - 1


def arrow_type(col: Column) -> pa.DataType:
    """The Arrow type a generated column is written with."""
    t = col.type
    if t is LogicalType.INTEGER:
        return {16: pa.int16(), 32: pa.int32(), 64: pa.int64()}[_INT_BITS[col.size]]
    if t is LogicalType.FLOAT:
        return pa.float32() if col.size == 4 else pa.float64()
    if t is LogicalType.DECIMAL:
        return pa.decimal128(*decimal_shape(col))
    if t is LogicalType.BOOLEAN:
        return pa.bool_()
    if t is LogicalType.DATE:
        return pa.date32()
    if t is LogicalType.DATETIME:
        return pa.timestamp("us", tz="UTC" if col.timezone else None)
    if t is LogicalType.TIME:
        return pa.time64("us")
    if t is LogicalType.BINARY:
        return pa.large_binary()
    if t is LogicalType.ARRAY:
        return pa.large_list(arrow_type(col.element()))
    # string, uuid (36 characters), json (text), opaque (always NULL)
    return pa.large_string()


def polars_dtype(col: Column) -> pl.DataType:
    """The polars dtype of a generated column (the dtype :func:`arrow_type` reads back as)."""
    t = col.type
    if t is LogicalType.INTEGER:
        return {16: pl.Int16(), 32: pl.Int32(), 64: pl.Int64()}[_INT_BITS[col.size]]
    if t is LogicalType.FLOAT:
        return pl.Float32() if col.size == 4 else pl.Float64()
    if t is LogicalType.DECIMAL:
        return pl.Decimal(*decimal_shape(col))
    if t is LogicalType.BOOLEAN:
        return pl.Boolean()
    if t is LogicalType.DATE:
        return pl.Date()
    if t is LogicalType.DATETIME:
        return pl.Datetime("us", "UTC" if col.timezone else None)
    if t is LogicalType.TIME:
        return pl.Time()
    if t is LogicalType.BINARY:
        return pl.Binary()
    if t is LogicalType.ARRAY:
        return pl.List(polars_dtype(col.element()))
    return pl.String()


def enum_categories(col: Column) -> tuple[str, ...] | None:
    """The categories of a string column with a declared domain (an enum type or a
    ``CHECK ... IN`` list), which Parquet fixtures hold dictionary-encoded: the domain in
    its declared order, then the values the profile holds outside it (legacy frequent
    values, trait values), each cut to the column's length as the generator cuts them.
    None for every other column."""
    if col.type is not LogicalType.STRING or not col.domain:
        return None
    values = [*col.domain, *(f.value for f in col.stats.frequent)]
    values += [t.value for t in col.stats.traits]
    cut = col.length
    texts = [v if cut is None else v[:cut] for v in values if isinstance(v, str)]
    return tuple(dict.fromkeys(texts))


def enum_field(name: str, categories: Sequence[str], nullable: bool) -> pa.Field:
    """The Arrow field of an enum column: polars' own form of ``pl.Enum(categories)`` (a
    dictionary whose categories polars keeps in the field's metadata, so polars reads the
    column back as that Enum, pandas as a ``category``), asked of polars rather than
    spelled here, since the metadata is polars' format."""
    frame = pl.DataFrame(schema={name: pl.Enum(list(categories))})
    return frame.to_arrow().schema.field(name).with_nullable(nullable)


def plain_strings(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with its Enum and Categorical columns as plain strings, as they were
    generated: what code measuring strings (``.str`` expressions) reads fixtures as."""
    coded = [n for n, t in frame.schema.items() if isinstance(t, pl.Enum | pl.Categorical)]
    return frame.with_columns(pl.col(coded).cast(pl.String)) if coded else frame


def arrow_schema(columns: Sequence[Column]) -> pa.Schema:
    """The Arrow schema of a generated table with these columns, nullability included."""
    return pa.schema([pa.field(c.name, arrow_type(c), nullable=c.nullable) for c in columns])


def to_arrow(frame: pl.DataFrame, schema: pa.Schema) -> pa.Table:
    """A generated chunk as an Arrow table of exactly ``schema``."""
    return frame.to_arrow().cast(schema)
