"""Everything that differs between databases, in one place.

A :class:`Dialect` is chosen from the URL's backend name. The base class is the
portable subset (ANSI aggregates, window functions for percentiles, SQLAlchemy's
inspector for CHECK constraints) and is what any other SQLAlchemy dialect gets.
Subclasses override only what their database does differently.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL

from synth.errors import SourceError
from synth.model import LogicalType
from synth.profiler.types import TypeInfo, describe_sql

__all__ = ["Dialect", "dialect_for"]

CONNECT_TIMEOUT_SECONDS = 10


class Dialect:
    """The portable behaviour; see the subclasses for what differs."""

    ordered_set_percentiles = False
    """Whether ``percentile_disc(ARRAY[...]) WITHIN GROUP (ORDER BY x)`` exists, so that
    percentiles come out of the aggregate query instead of a window-function query."""

    def engine_options(self, url: URL, masked: str) -> dict[str, Any]:
        """Extra ``create_engine`` arguments: read-only session, connect timeout."""
        return {}

    def describe(self, t: sa.types.TypeEngine[Any], sql_type: str) -> TypeInfo:
        """A reflected column type's declared shape."""
        return describe_sql(t, sql_type)

    def column_expr(self, expr: Any, t: sa.types.TypeEngine[Any]) -> Any:
        """The expression statistics are computed on for a column of reflected type ``t``."""
        return expr

    def exact(self, expr: Any, logical: LogicalType) -> Any:
        """The expression to compare values by (for COUNT(DISTINCT) and GROUP BY)."""
        return expr

    def percentiles(self, expr: Any, percents: Sequence[int]) -> Any:  # pragma: no cover
        raise NotImplementedError

    index_options: dict[str, Any] = {}  # noqa: RUF012 - read only
    """Extra keyword arguments of ``Inspector.get_multi_indexes``."""

    def check_constraints(
        self, conn: sa.Connection, inspector: sa.Inspector, schema: str | None, names: list[str]
    ) -> dict[str, list[str]]:
        """table name -> the SQL text of its CHECK constraints."""
        found = inspector.get_multi_check_constraints(schema=schema, filter_names=names)
        return {table: [c["sqltext"] for c in checks] for (_, table), checks in found.items()}


class PostgreSQL(Dialect):
    ordered_set_percentiles = True

    def engine_options(self, url: URL, masked: str) -> dict[str, Any]:
        if url.get_driver_name() not in ("psycopg", "psycopg2"):
            return {}
        options = "-c default_transaction_read_only=on"
        return {"connect_args": {"options": options, "connect_timeout": CONNECT_TIMEOUT_SECONDS}}

    def describe(self, t: sa.types.TypeEngine[Any], sql_type: str) -> TypeInfo:
        from sqlalchemy.dialects.postgresql import DOMAIN

        if not isinstance(t, DOMAIN):
            return describe_sql(t, sql_type)
        # A domain is its base type, plus a value set when its CHECK is an IN list.
        info = describe_sql(t.data_type, sql_type)
        check = getattr(t.check, "text", None) if t.check is not None else None
        if check and info.logical is LogicalType.STRING and info.domain is None:
            from synth.profiler.checks import parse_in_list

            parsed = parse_in_list(check)
            if parsed and parsed[0].upper() == "VALUE":
                info = info.with_(domain=parsed[1])
        return info

    def column_expr(self, expr: Any, t: sa.types.TypeEngine[Any]) -> Any:
        from sqlalchemy.dialects.postgresql import DOMAIN

        # psycopg returns arrays of a domain type as text: aggregate the base type instead.
        return sa.cast(expr, t.data_type) if isinstance(t, DOMAIN) else expr

    def percentiles(self, expr: Any, percents: Sequence[int]) -> Any:
        # percentile_disc(f) is the value at rank ceil(f * n): the nearest-rank definition.
        fractions = ", ".join(str(p / 100) for p in percents)
        return sa.func.percentile_disc(
            sa.literal_column(f"ARRAY[{fractions}]::float8[]")
        ).within_group(expr)


class MySQL(Dialect):
    """MySQL and MariaDB (the same SQLAlchemy dialect)."""

    def engine_options(self, url: URL, masked: str) -> dict[str, Any]:
        if url.get_driver_name() not in ("pymysql", "mysqldb"):
            return {}
        return {
            "connect_args": {
                "init_command": "SET SESSION TRANSACTION READ ONLY",
                "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            }
        }

    def describe(self, t: sa.types.TypeEngine[Any], sql_type: str) -> TypeInfo:
        from sqlalchemy.dialects import mysql

        if isinstance(t, mysql.TINYINT):
            if getattr(t, "display_width", None) == 1:
                return TypeInfo(LogicalType.BOOLEAN, sql_type)
            return TypeInfo(LogicalType.INTEGER, sql_type, size=1)
        if isinstance(t, mysql.MEDIUMINT):
            return TypeInfo(LogicalType.INTEGER, sql_type)
        if isinstance(t, mysql.YEAR):
            return TypeInfo(LogicalType.INTEGER, sql_type, size=2)
        return describe_sql(t, sql_type)

    def exact(self, expr: Any, logical: LogicalType) -> Any:
        # Default collations are case- and trailing-space-insensitive: 'Paid', 'paid' and
        # 'paid ' would count as one value. Compare the bytes instead.
        if logical is LogicalType.STRING:
            return sa.cast(expr, sa.LargeBinary)
        return expr

    def check_constraints(
        self, conn: sa.Connection, inspector: sa.Inspector, schema: str | None, names: list[str]
    ) -> dict[str, list[str]]:
        # SQLAlchemy misses column-level CHECKs (and MariaDB's JSON is LONGTEXT plus a
        # column-level json_valid() check), so read them from information_schema.
        is_mariadb = bool(getattr(conn.dialect, "is_mariadb", False))
        same_table = "AND cc.TABLE_NAME = tc.TABLE_NAME " if is_mariadb else ""
        query = sa.text(
            "SELECT /* synth:reflect */ tc.TABLE_NAME, cc.CHECK_CLAUSE "
            "FROM information_schema.TABLE_CONSTRAINTS tc "
            "JOIN information_schema.CHECK_CONSTRAINTS cc "
            "ON cc.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA "
            "AND cc.CONSTRAINT_NAME = tc.CONSTRAINT_NAME "
            + same_table
            + "WHERE tc.CONSTRAINT_TYPE = 'CHECK' AND tc.TABLE_SCHEMA = :schema"
        )
        wanted = set(names)
        out: dict[str, list[str]] = {}
        schema_name = schema or inspector.default_schema_name
        for table, clause in conn.execute(query, {"schema": schema_name}):
            if table in wanted:
                out.setdefault(table, []).append(clause)
        return out


class SQLite(Dialect):
    # SQLAlchemy misses inline ``col VARCHAR(120) UNIQUE``; SQLite's automatic indexes
    # (one per UNIQUE constraint, and the primary key) do not.
    index_options = {"include_auto_indexes": True}  # noqa: RUF012 - read only

    def engine_options(self, url: URL, masked: str) -> dict[str, Any]:
        database = url.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            if database.startswith("file:"):
                return {}  # the user wrote a URI filename and chose its mode
            raise SourceError(
                f"{masked}: an in-memory SQLite database has nothing to profile; "
                "give the path of a database file (sqlite:///path/to/file.db)"
            )
        path = Path(database).expanduser()
        if not path.is_file():
            raise SourceError(
                f"{masked}: SQLite file {str(path)!r} does not exist; check the path "
                "(sqlite:///relative/path.db or sqlite:////absolute/path.db)"
            )
        uri = path.resolve().as_uri() + "?mode=ro"
        creator: Callable[[], sqlite3.Connection] = lambda: sqlite3.connect(  # noqa: E731
            uri, uri=True, check_same_thread=False
        )
        return {"creator": creator}

    def describe(self, t: sa.types.TypeEngine[Any], sql_type: str) -> TypeInfo:
        info = describe_sql(t, sql_type)
        if info.logical is LogicalType.FLOAT:
            return info.with_(size=8)  # every SQLite REAL is an 8-byte float
        return info


_BY_BACKEND: dict[str, type[Dialect]] = {
    "postgresql": PostgreSQL,
    "mysql": MySQL,
    "mariadb": MySQL,
    "sqlite": SQLite,
}


def dialect_for(backend: str) -> Dialect:
    """The dialect behaviour for a SQLAlchemy backend name (``url.get_backend_name()``)."""
    return _BY_BACKEND.get(backend, Dialect)()
