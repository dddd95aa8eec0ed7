"""Predicates that every database spells differently, behind one SQLAlchemy construct each.

The profiler hands traits plain SQLAlchemy expressions; a construct here compiles to
the dialect's own spelling (PostgreSQL regular expressions, MySQL/MariaDB ``REGEXP``
and byte lengths, SQLite ``GLOB``), and to a portable fallback elsewhere. Patterns
travel as bound parameters, never as SQL text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from synth.model import Column, LogicalType

__all__ = [
    "CONTROL",
    "control_chars",
    "exact",
    "instant",
    "lower_key",
    "non_ascii",
    "zero_padded",
]

MYSQL = ("mysql", "mariadb")

CONTROL = "\x01-\x1f\x7f"
"""The control characters looked for (a bracket-expression range): C0 without NUL, and DEL."""
_NOT_ASCII = "[^\x01-\x7f]"


class _Predicate(FunctionElement[bool]):
    type = sa.Boolean()
    inherit_cache = True


class _Value(FunctionElement[Any]):
    inherit_cache = True


def _args(element: FunctionElement[Any], compiler: Any, **kw: Any) -> list[str]:
    return [compiler.process(arg, **kw) for arg in element.clauses]


# -------------------------------------------------------------------- exact comparison


class exact(_Value):
    """The value compared byte for byte: MySQL/MariaDB's default collations ignore case
    and trailing spaces (``'N/A' = 'n/a '``), the other databases compare exactly."""

    name = "synth_exact"
    inherit_cache = True


@compiles(exact)
def _exact(element: exact, compiler: Any, **kw: Any) -> str:
    return _args(element, compiler, **kw)[0]


@compiles(exact, *MYSQL)
def _exact_mysql(element: exact, compiler: Any, **kw: Any) -> str:
    return f"CAST({_args(element, compiler, **kw)[0]} AS BINARY)"


class lower_key(_Value):
    """``LOWER(col)`` as a grouping key that keeps trailing spaces apart (MySQL/MariaDB)."""

    name = "synth_lower_key"
    inherit_cache = True


@compiles(lower_key)
def _lower(element: lower_key, compiler: Any, **kw: Any) -> str:
    return f"LOWER({_args(element, compiler, **kw)[0]})"


@compiles(lower_key, *MYSQL)
def _lower_mysql(element: lower_key, compiler: Any, **kw: Any) -> str:
    return f"CAST(LOWER({_args(element, compiler, **kw)[0]}) AS BINARY)"


# -------------------------------------------------------------------- non-ASCII text


class non_ascii(_Predicate):
    """Whether a text value holds a character outside ASCII."""

    name = "synth_non_ascii"
    inherit_cache = True


@compiles(non_ascii)
def _non_ascii(element: non_ascii, compiler: Any, **kw: Any) -> str:
    col = _args(element, compiler, **kw)[0]
    return f"(CHAR_LENGTH({col}) <> OCTET_LENGTH({col}))"


@compiles(non_ascii, "postgresql")
def _non_ascii_pg(element: non_ascii, compiler: Any, **kw: Any) -> str:
    col = _args(element, compiler, **kw)[0]
    pattern = compiler.process(sa.literal(_NOT_ASCII), **kw)
    return f"({col} ~ {pattern})"


@compiles(non_ascii, *MYSQL)
def _non_ascii_mysql(element: non_ascii, compiler: Any, **kw: Any) -> str:
    # LENGTH counts bytes: in a utf8mb4/utf8mb3 column only non-ASCII characters take more.
    col = _args(element, compiler, **kw)[0]
    return f"(CHAR_LENGTH({col}) <> LENGTH({col}))"


@compiles(non_ascii, "sqlite")
def _non_ascii_sqlite(element: non_ascii, compiler: Any, **kw: Any) -> str:
    col = _args(element, compiler, **kw)[0]
    return f"(length({col}) <> length(CAST({col} AS BLOB)))"


# -------------------------------------------------------------------- control characters


class control_chars(_Predicate):
    """Whether a text value holds a control character (tab, newline, CR, other C0, DEL)."""

    name = "synth_control_chars"
    inherit_cache = True


@compiles(control_chars)
def _control(element: control_chars, compiler: Any, **kw: Any) -> str:
    col = _args(element, compiler, **kw)[0]
    likes = [f"{col} LIKE {compiler.process(sa.literal(f'%{c}%'), **kw)}" for c in "\t\n\r"]
    return "(" + " OR ".join(likes) + ")"


@compiles(control_chars, "postgresql")
def _control_pg(element: control_chars, compiler: Any, **kw: Any) -> str:
    col = _args(element, compiler, **kw)[0]
    return f"({col} ~ {compiler.process(sa.literal(f'[{CONTROL}]'), **kw)})"


@compiles(control_chars, *MYSQL)
def _control_mysql(element: control_chars, compiler: Any, **kw: Any) -> str:
    col = _args(element, compiler, **kw)[0]
    return f"({col} REGEXP {compiler.process(sa.literal(f'[{CONTROL}]'), **kw)})"


@compiles(control_chars, "sqlite")
def _control_sqlite(element: control_chars, compiler: Any, **kw: Any) -> str:
    col = _args(element, compiler, **kw)[0]
    return f"({col} GLOB {compiler.process(sa.literal(f'*[{CONTROL}]*'), **kw)})"


# -------------------------------------------------------------------- zero-padded numbers


class zero_padded(_Predicate):
    """Whether a text value is two or more digits starting with ``0`` (``'007'``)."""

    name = "synth_zero_padded"
    inherit_cache = True


@compiles(zero_padded)
def _zero_padded(element: zero_padded, compiler: Any, **kw: Any) -> str:
    col = _args(element, compiler, **kw)[0]
    stripped = col
    for digit in "0123456789":
        stripped = f"REPLACE({stripped}, {compiler.process(sa.literal(digit), **kw)}, '')"
    first = compiler.process(sa.literal("0_%"), **kw)
    return f"({col} LIKE {first} AND CHAR_LENGTH({stripped}) = 0)"


@compiles(zero_padded, "postgresql")
def _zero_padded_pg(element: zero_padded, compiler: Any, **kw: Any) -> str:
    col = _args(element, compiler, **kw)[0]
    return f"({col} ~ {compiler.process(sa.literal('^0[0-9]+$'), **kw)})"


@compiles(zero_padded, *MYSQL)
def _zero_padded_mysql(element: zero_padded, compiler: Any, **kw: Any) -> str:
    col = _args(element, compiler, **kw)[0]
    return f"({col} REGEXP {compiler.process(sa.literal('^0[0-9]+$'), **kw)})"


@compiles(zero_padded, "sqlite")
def _zero_padded_sqlite(element: zero_padded, compiler: Any, **kw: Any) -> str:
    col = _args(element, compiler, **kw)[0]
    starts = compiler.process(sa.literal("0[0-9]*"), **kw)
    other = compiler.process(sa.literal("*[^0-9]*"), **kw)
    return f"({col} GLOB {starts} AND NOT {col} GLOB {other})"


# -------------------------------------------------------------------- instants as parameters


class _Instant(sa.types.TypeDecorator[Any]):
    """A date or timestamp parameter. SQLite keeps them as text, so there it is the ISO
    text as stored (``'2024-05-01 10:00:00'``, no microseconds) for text comparison."""

    impl = sa.types.NullType
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if dialect.name == "sqlite" and isinstance(value, dt.datetime):
            return value.isoformat(sep=" ")
        if dialect.name == "sqlite" and isinstance(value, dt.date):
            return value.isoformat()
        return value


def instant(column: Column, value: dt.date | dt.datetime) -> Any:
    """``value`` as a parameter compared with ``column``'s values: a date for date columns,
    an aware UTC timestamp for ``timestamp with time zone`` columns, else naive UTC."""
    if column.type is LogicalType.DATE:
        day = value.date() if isinstance(value, dt.datetime) else value
        return sa.literal(day, _Instant())
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    value = value.replace(tzinfo=dt.UTC if column.timezone else None)
    return sa.literal(value, _Instant())
