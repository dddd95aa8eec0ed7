"""Mapping source column types (SQLAlchemy types, polars dtypes) onto synth's LogicalType.

Only the generic SQLAlchemy type hierarchy is looked at here; dialect quirks
(MySQL ``TINYINT(1)``, PostgreSQL domains, SQLite's 8-byte REAL) are handled by
:mod:`synth.profiler.dialects` before falling back to :func:`describe_sql`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from synth.errors import SynthWarning
from synth.model import ARRAY_ITEMS, Column, LogicalType

if TYPE_CHECKING:
    import polars as pl

__all__ = ["TypeInfo", "describe_polars", "describe_sql", "warn_opaque"]

L = LogicalType


@dataclass(frozen=True)
class TypeInfo:
    """The declared shape of a column, as the profile stores it."""

    logical: LogicalType
    sql_type: str
    length: int | None = None
    precision: int | None = None
    scale: int | None = None
    size: int | None = None
    timezone: bool = False
    domain: tuple[str, ...] | None = None
    enum_name: str | None = None
    items: LogicalType | None = None
    members: tuple[str, ...] | None = None

    def with_(self, **changes: Any) -> TypeInfo:
        return replace(self, **changes)

    def column(self, name: str, nullable: bool) -> Column:
        """The profile column of this shape, before any statistics are measured."""
        return Column(
            name=name,
            type=self.logical,
            sql_type=self.sql_type,
            nullable=nullable,
            length=self.length,
            precision=self.precision,
            scale=self.scale,
            size=self.size,  # type: ignore[arg-type]
            timezone=self.timezone and LogicalType.DATETIME in (self.logical, self.items),
            domain=self.domain,
            enum_name=self.enum_name,
            items=self.items,
            members=self.members,
        )

    def array_of(self, sql_type: str) -> TypeInfo:
        """An array of elements of this shape; opaque where the elements cannot be held."""
        if self.logical not in ARRAY_ITEMS:
            return TypeInfo(L.OPAQUE, sql_type)
        return self.with_(logical=L.ARRAY, sql_type=sql_type, items=self.logical)


def _positive(value: Any) -> int | None:
    return value if isinstance(value, int) and value >= 1 else None


def _float_size(t: sa.Float) -> int:
    if isinstance(t, sa.Double):
        return 8
    precision = getattr(t, "precision", None)
    return 8 if isinstance(precision, int) and precision > 24 else 4


def describe_sql(t: sa.types.TypeEngine[Any], sql_type: str) -> TypeInfo:
    """Describe a reflected SQLAlchemy type using the generic type hierarchy only."""
    if isinstance(t, sa.ARRAY):
        if (t.dimensions or 1) > 1:
            return TypeInfo(L.OPAQUE, sql_type)
        return describe_sql(t.item_type, sql_type).array_of(sql_type)
    if isinstance(t, sa.Boolean):
        return TypeInfo(L.BOOLEAN, sql_type)
    if isinstance(t, sa.Enum):
        name = getattr(t, "name", None)
        schema = getattr(t, "schema", None)
        enum_name = (f"{schema}.{name}" if schema else name) if name else None
        return TypeInfo(L.STRING, sql_type, domain=tuple(t.enums), enum_name=enum_name)
    if isinstance(t, sa.Uuid):
        return TypeInfo(L.UUID, sql_type)
    if isinstance(t, sa.JSON):
        return TypeInfo(L.JSON, sql_type)
    if isinstance(t, sa.types._Binary):
        return TypeInfo(L.BINARY, sql_type, length=_positive(getattr(t, "length", None)))
    if isinstance(t, sa.Integer):
        size = 8 if isinstance(t, sa.BigInteger) else 2 if isinstance(t, sa.SmallInteger) else 4
        return TypeInfo(L.INTEGER, sql_type, size=size)
    if isinstance(t, sa.Float):
        return TypeInfo(L.FLOAT, sql_type, size=_float_size(t))
    if isinstance(t, sa.Numeric):
        precision = _positive(t.precision)
        scale = t.scale if isinstance(t.scale, int) and t.scale >= 0 else None
        if precision is not None and scale is not None and scale > precision:
            precision = scale = None
        return TypeInfo(L.DECIMAL, sql_type, precision=precision, scale=scale)
    if isinstance(t, sa.String):
        return TypeInfo(L.STRING, sql_type, length=_positive(getattr(t, "length", None)))
    if isinstance(t, sa.DateTime):
        return TypeInfo(L.DATETIME, sql_type, timezone=bool(getattr(t, "timezone", False)))
    if isinstance(t, sa.Date):
        return TypeInfo(L.DATE, sql_type)
    if isinstance(t, sa.Time):
        return TypeInfo(L.TIME, sql_type)
    return TypeInfo(L.OPAQUE, sql_type)


def warn_opaque(table: str, column: str, sql_type: str) -> None:
    """Tell the user a column's type is not understood and will be profiled as opaque."""
    warnings.warn(
        f"{table}.{column}: type {sql_type!r} is not supported by synth; profiled as opaque "
        "(no statistics beyond NULLs, generated as NULL where allowed)",
        SynthWarning,
        stacklevel=2,
    )


def describe_polars(dtype: pl.DataType) -> TypeInfo:
    """Describe a polars/Arrow column type."""
    import polars as pl

    spelled = str(dtype)
    if dtype.is_integer():
        width = {
            pl.Int8: 1, pl.UInt8: 1, pl.Int16: 2, pl.UInt16: 2,
            pl.Int32: 4, pl.UInt32: 4, pl.Int64: 8, pl.UInt64: 8,
        }.get(dtype.base_type())  # fmt: skip
        return TypeInfo(L.INTEGER, spelled, size=width)
    if dtype.is_float():
        width = {pl.Float32: 4, pl.Float64: 8}.get(dtype.base_type(), 2)
        return TypeInfo(L.FLOAT, spelled, size=width)
    if isinstance(dtype, pl.Decimal):
        return TypeInfo(L.DECIMAL, spelled, precision=dtype.precision, scale=dtype.scale)
    if dtype == pl.Boolean:
        return TypeInfo(L.BOOLEAN, spelled)
    if isinstance(dtype, pl.Enum):
        # the categories are data: they go to the domain (under the k rule), not the type
        return TypeInfo(L.STRING, "Enum", domain=tuple(dtype.categories.to_list()))
    if dtype in (pl.String, pl.Categorical, pl.Null):
        return TypeInfo(L.STRING, spelled)
    if isinstance(dtype, pl.Datetime):
        return TypeInfo(L.DATETIME, spelled, timezone=dtype.time_zone is not None)
    if dtype == pl.Date:
        return TypeInfo(L.DATE, spelled)
    if dtype == pl.Time:
        return TypeInfo(L.TIME, spelled)
    if dtype == pl.Binary:
        return TypeInfo(L.BINARY, spelled)
    if isinstance(dtype, pl.List):
        return describe_polars(dtype.inner).array_of(spelled)
    return TypeInfo(L.OPAQUE, spelled)
