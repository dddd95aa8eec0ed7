"""Everything that differs between databases, in one place: a :class:`Dialect` per backend,
chosen from the URL. The base class is the portable subset (ANSI aggregates, window
percentiles, SQLAlchemy's inspector for CHECKs); subclasses override types, percentiles,
CHECK reading and the replica-safety settings :mod:`synth.profiler.session` applies
(read-only session, statement timeout, cancelling on Ctrl-C, sampling)."""

from __future__ import annotations

import contextlib
import math
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL

from synth.errors import SourceError
from synth.internal.watchdog import Watchdog
from synth.model import LogicalType
from synth.profiler import catalog
from synth.profiler.catalog import TriggerText
from synth.profiler.sampling import HASH_MODULUS, hash_cut, key_sample
from synth.profiler.types import TypeInfo, describe_sql

__all__ = ["Deadline", "Dialect", "TriggerText", "dialect_for"]

CONNECT_TIMEOUT_SECONDS = 10
SAMPLE_SEED = 20250101
"""Seed of PostgreSQL's ``TABLESAMPLE ... REPEATABLE``: every query of a table reads the
same pages, and so does a re-profile of unchanged data."""
CONNECTION_CHECK_MS = 1000
"""How often PostgreSQL (14+) looks whether a profiling session's client is still there."""
PROGRESS_STEPS = 10_000
"""SQLite virtual-machine steps between two looks at a query's deadline (well under 1 ms)."""


def _milliseconds(seconds: float) -> int:
    return max(1, math.ceil(seconds * 1000))


@dataclass
class Deadline:
    """One query's time limit, where the client enforces it (SQLite); the servers enforce
    theirs themselves and never set :attr:`expired`."""

    expired: bool = False
    """Whether the query was aborted because its time ran out."""


class Dialect:
    """The portable behaviour; see the subclasses for what differs."""

    ordered_set_percentiles = False
    """Whether ``percentile_disc(ARRAY[...]) WITHIN GROUP (ORDER BY x)`` exists, so that
    percentiles come out of the aggregate query instead of a window-function query."""

    grouping_sets = False  # GROUP BY GROUPING SETS: every frequent value in one scan

    name = "this database"
    """How messages name the database."""

    def engine_options(self, url: URL, masked: str) -> dict[str, Any]:
        """Extra ``create_engine`` arguments: read-only session, connect timeout."""
        return {}

    def start_session(self, conn: sa.Connection, timeout: float | None) -> None:
        """Make ``conn`` read-only (again, where :meth:`engine_options` already did) and
        limit each of its statements to ``timeout`` seconds (None: no limit). The portable
        behaviour can do neither."""

    @contextlib.contextmanager
    def watch(self, conn: sa.Connection, timeout: float | None) -> Iterator[Deadline]:
        """Around one statistics query: enforce ``timeout`` where the server cannot."""
        yield Deadline()

    def timed_out(self, exc: sa.exc.DBAPIError) -> bool:
        """Whether ``exc`` is the server cancelling a statement for the session's timeout."""
        return False

    def interrupted(self, exc: sa.exc.DBAPIError) -> bool:
        """Whether ``exc`` is a query aborted by Ctrl-C (SQLite reports it as an error)."""
        return False

    def canceller(self, conn: sa.Connection) -> Callable[[], None] | None:
        """A function that cancels the query running on ``conn`` from elsewhere, called
        after Ctrl-C or SIGTERM interrupted it (None: the driver cancels, or nothing can)."""
        return None

    def guard(self, conn: sa.Connection) -> contextlib.AbstractContextManager[object]:
        """Held while ``conn`` profiles: what ends its query on the server if this process
        dies without a word (``kill -9``); nothing where the server notices by itself."""
        return contextlib.nullcontext()

    def sampled(
        self, table: sa.TableClause, percent: float, name: str, key: str | None
    ) -> sa.Select[Any]:
        """``SELECT <columns> FROM table`` reading about ``percent`` % of it, its FROM item
        named ``name``; it becomes the subquery every statistics query of the table reads,
        so it must pick the same rows every time (``key``: the table's one-column integer
        primary key, if it has one)."""
        raise SourceError(
            f"sample (--sample) {percent:g}: synth cannot sample tables of {self.name} "
            "(only PostgreSQL, MySQL/MariaDB and SQLite); profile without --sample"
        )

    def table_names(
        self, conn: sa.Connection, inspector: sa.Inspector, schema: str | None
    ) -> list[str]:
        """The tables of ``schema`` (None: the connection's default) that synth profiles."""
        return inspector.get_table_names(schema=schema)

    def partitions(
        self, conn: sa.Connection, inspector: sa.Inspector
    ) -> dict[tuple[str, str], tuple[str, str]]:
        """(schema, partition) -> (schema, its top-level partitioned table), for every
        partition the database has (none where it has no declarative partitioning)."""
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

    triggers: catalog.Reader[list[TriggerText]] = staticmethod(catalog.no_triggers)
    """table name -> its triggers that fire on INSERT (none: synth cannot read them)."""
    charsets: catalog.Reader[tuple[str | None, str | None]] = staticmethod(catalog.no_charsets)
    """(table, column) -> (character set, collation) of its text columns."""
    geometry = staticmethod(catalog.no_geometry)
    """(extent, shapes) of a spatial column's values."""

    def read_domains(self, conn: sa.Connection) -> None:
        """Read the database's domains, once per profile (PostgreSQL)."""

    def sql_functions(self, conn: sa.Connection) -> dict[str, tuple[tuple[str, ...], str]]:
        """Functions a CHECK may call whose body is one SQL expression (PostgreSQL)."""
        return {}

    def domain(self, t: sa.types.TypeEngine[Any]) -> tuple[str, str, tuple[str, ...]] | None:
        """(domain name, base type as declared, its CHECK texts) of a domain-typed column."""
        return None


class PostgreSQL(Dialect):
    ordered_set_percentiles = True
    grouping_sets = True
    name = "PostgreSQL"

    def engine_options(self, url: URL, masked: str) -> dict[str, Any]:
        if url.get_driver_name() not in ("psycopg", "psycopg2"):
            return {}
        options = "-c default_transaction_read_only=on"
        return {"connect_args": {"options": options, "connect_timeout": CONNECT_TIMEOUT_SECONDS}}

    def start_session(self, conn: sa.Connection, timeout: float | None) -> None:
        # The whole profile is one transaction: read-only whatever the driver (with psycopg
        # the connection's default already is), its statements cut at `timeout`. Both are
        # undone when the transaction ends.
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        conn.exec_driver_sql("SET jit = off")  # 10 s compiling a 0.1 s wide sampled query
        if timeout:
            conn.exec_driver_sql(f"SET statement_timeout = {_milliseconds(timeout)}")
        if (conn.dialect.server_version_info or (0,)) >= (14,):
            # The server ends a running query once its client is gone (a kill -9).
            conn.exec_driver_sql(f"SET client_connection_check_interval = {CONNECTION_CHECK_MS}")

    def timed_out(self, exc: sa.exc.DBAPIError) -> bool:
        orig = exc.orig
        code = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
        return code == "57014" and "statement timeout" in str(orig)  # not Ctrl-C's cancel

    def sampled(
        self, table: sa.TableClause, percent: float, name: str, key: str | None
    ) -> sa.Select[Any]:
        # SYSTEM picks whole pages: it reads about `percent` % of the table's pages, the
        # same ones for every query (REPEATABLE).
        sample = sa.tablesample(
            table,
            sa.func.system(sa.literal_column(repr(float(percent)))),
            name=name,
            seed=sa.literal_column(str(SAMPLE_SEED)),
        )
        return sa.select(*sample.c)

    def table_names(
        self, conn: sa.Connection, inspector: sa.Inspector, schema: str | None
    ) -> list[str]:
        # A partitioned table is one table: its partitions (listed as tables too) hold its
        # rows, which queries of the parent read and inserts into the parent route.
        base = schema or inspector.default_schema_name or ""
        skip = {name for (s, name) in self.partitions(conn, inspector) if s == base}
        return [name for name in inspector.get_table_names(schema=schema) if name not in skip]

    def partitions(
        self, conn: sa.Connection, inspector: sa.Inspector
    ) -> dict[tuple[str, str], tuple[str, str]]:
        rows = conn.execute(
            sa.text(
                "SELECT cn.nspname, c.relname, pn.nspname, p.relname"
                " FROM pg_catalog.pg_inherits i"
                " JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid"
                " JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace"
                " JOIN pg_catalog.pg_class p ON p.oid = i.inhparent"
                " JOIN pg_catalog.pg_namespace pn ON pn.oid = p.relnamespace"
                " WHERE c.relispartition"
            )
        ).all()
        parent = {(cs, c): (ps, p) for cs, c, ps, p in rows}
        out = {}
        for child in parent:
            top = parent[child]
            while top in parent:  # a partition of a partition: up to the partitioned root
                top = parent[top]
            out[child] = top
        return out

    _domains: dict[str, tuple[str, tuple[str, ...]]] | None = None
    triggers = staticmethod(catalog.pg_triggers)
    charsets = staticmethod(catalog.pg_charsets)

    def read_domains(self, conn: sa.Connection) -> None:
        """Every domain's declared base type and CHECKs, once per profile."""
        self._domains = catalog.pg_domains(conn)

    def sql_functions(self, conn: sa.Connection) -> dict[str, tuple[tuple[str, ...], str]]:
        return catalog.pg_sql_functions(conn)

    def domain(self, t: sa.types.TypeEngine[Any]) -> tuple[str, str, tuple[str, ...]] | None:
        from sqlalchemy.dialects.postgresql import DOMAIN

        if not isinstance(t, DOMAIN) or self._domains is None:
            return None
        key = f"{t.schema}.{t.name}" if t.schema else t.name
        found = self._domains.get(key) or self._domains.get(t.name)
        return (key, *found) if found else None

    def describe(self, t: sa.types.TypeEngine[Any], sql_type: str) -> TypeInfo:
        from sqlalchemy.dialects.postgresql import DOMAIN, TSVECTOR

        if isinstance(t, TSVECTOR):  # its text form: lexemes PostgreSQL reads back
            return TypeInfo(LogicalType.STRING, sql_type)
        if not isinstance(t, DOMAIN):
            return describe_sql(t, sql_type)
        # A domain is its base type (with its declared length), plus a value set when its
        # CHECK is an IN list; its other CHECKs become the column's (see reflect).
        info = describe_sql(t.data_type, sql_type)
        found = self.domain(t)
        checks = found[2] if found else ((t.check.text,) if t.check is not None else ())
        length = catalog.declared_length(found[1]) if found else None
        if length is not None and info.logical is LogicalType.STRING:
            info = info.with_(length=length)
        for check in checks:
            if info.logical is LogicalType.STRING and info.domain is None:
                from synth.profiler.checks import parse_in_list

                parsed = parse_in_list(check, "postgresql")
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

    name = "MySQL/MariaDB"
    triggers = staticmethod(catalog.mysql_triggers)
    charsets = staticmethod(catalog.mysql_charsets)
    geometry = staticmethod(catalog.mysql_geometry)

    def engine_options(self, url: URL, masked: str) -> dict[str, Any]:
        if url.get_driver_name() not in ("pymysql", "mysqldb"):
            return {}
        return {
            "connect_args": {
                "init_command": "SET SESSION TRANSACTION READ ONLY",
                "connect_timeout": CONNECT_TIMEOUT_SECONDS,
            }
        }

    def start_session(self, conn: sa.Connection, timeout: float | None) -> None:
        if timeout:
            if getattr(conn.dialect, "is_mariadb", False):  # seconds, every statement
                conn.exec_driver_sql(f"SET SESSION max_statement_time = {timeout:.6f}")
            else:  # milliseconds, SELECT statements (all synth runs)
                conn.exec_driver_sql(f"SET SESSION max_execution_time = {_milliseconds(timeout)}")
        # One read-only transaction for the whole profile, whatever the driver.
        conn.exec_driver_sql("START TRANSACTION READ ONLY")

    def timed_out(self, exc: sa.exc.DBAPIError) -> bool:
        # MariaDB ER_STATEMENT_TIMEOUT, MySQL ER_QUERY_TIMEOUT
        args = getattr(exc.orig, "args", ())
        return bool(args) and args[0] in (1969, 3024)

    def canceller(self, conn: sa.Connection) -> Callable[[], None] | None:
        thread_id = getattr(conn.connection.dbapi_connection, "thread_id", None)
        if not callable(thread_id):
            return None
        ident, engine = int(thread_id()), conn.engine

        def cancel() -> None:
            # The interrupted connection is unusable: kill its query from a second one.
            with contextlib.suppress(sa.exc.DBAPIError), engine.connect() as other:
                other.exec_driver_sql(f"KILL QUERY {ident}")

        return cancel

    def guard(self, conn: sa.Connection) -> contextlib.AbstractContextManager[object]:
        # MariaDB and MySQL finish a running SELECT whatever happened to its client: a
        # second process kills this connection if this one dies (synth.internal.watchdog).
        thread_id = getattr(conn.connection.dbapi_connection, "thread_id", None)
        if not callable(thread_id):
            return contextlib.nullcontext()
        url = conn.engine.url.render_as_string(hide_password=False)
        return Watchdog(url, f"KILL CONNECTION {int(thread_id())}")

    def sampled(
        self, table: sa.TableClause, percent: float, name: str, key: str | None
    ) -> sa.Select[Any]:
        # No TABLESAMPLE: a row filter on a hash of the key, or of the whole row without
        # one (RAND() would pick other rows when a query reads in another order). It still
        # reads every row, but aggregates only about `percent` % of them.
        if key is not None:
            return sa.select(*table.c).where(key_sample(table.c[key], percent))
        row = sa.func.crc32(sa.func.concat_ws("|", *table.c))
        return sa.select(*table.c).where(row % HASH_MODULUS < hash_cut(percent))

    def describe(self, t: sa.types.TypeEngine[Any], sql_type: str) -> TypeInfo:
        from sqlalchemy.dialects import mysql

        if catalog.SPATIAL.match(sql_type):
            return TypeInfo(LogicalType.GEOMETRY, sql_type)
        if isinstance(t, mysql.TINYINT):
            if getattr(t, "display_width", None) == 1:
                return TypeInfo(LogicalType.BOOLEAN, sql_type)
            return TypeInfo(LogicalType.INTEGER, sql_type, size=1)
        if isinstance(t, mysql.MEDIUMINT):
            return TypeInfo(LogicalType.INTEGER, sql_type)
        if isinstance(t, mysql.YEAR):
            return TypeInfo(LogicalType.INTEGER, sql_type, size=2)
        if isinstance(t, mysql.SET):  # a subset of the members, joined by commas
            members = tuple(t.values)
            joined = max(1, len(",".join(members)))
            return TypeInfo(LogicalType.STRING, sql_type, length=joined, members=members)
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
    name = "SQLite"
    triggers = staticmethod(catalog.sqlite_triggers)

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

    def start_session(self, conn: sa.Connection, timeout: float | None) -> None:
        # mode=ro already, except for a file: URI the user wrote with its own mode.
        conn.exec_driver_sql("PRAGMA query_only = ON")

    @contextlib.contextmanager
    def watch(self, conn: sa.Connection, timeout: float | None) -> Iterator[Deadline]:
        # SQLite has no statement timeout: a progress handler aborts the query once its
        # time is up. It also gives Python a moment to notice Ctrl-C mid-query.
        raw = conn.connection.dbapi_connection
        deadline = Deadline()
        if not isinstance(raw, sqlite3.Connection):
            yield deadline
            return
        end = time.monotonic() + timeout if timeout else math.inf

        def check() -> int:
            if time.monotonic() < end:
                return 0
            deadline.expired = True
            return 1  # non-zero: abort with "interrupted"

        raw.set_progress_handler(check, PROGRESS_STEPS)
        try:
            yield deadline
        finally:
            with contextlib.suppress(sqlite3.ProgrammingError):  # closed meanwhile
                raw.set_progress_handler(None, 0)

    def interrupted(self, exc: sa.exc.DBAPIError) -> bool:
        return isinstance(exc.orig, sqlite3.OperationalError) and str(exc.orig) == "interrupted"

    def sampled(
        self, table: sa.TableClause, percent: float, name: str, key: str | None
    ) -> sa.Select[Any]:
        # No TABLESAMPLE, no seedable random() and no hash function: a row filter on a
        # hash of the integer key, else of the rowid (a WITHOUT ROWID table needs an
        # integer key). It still reads every row.
        ident = table.c[key] if key is not None else sa.literal_column("rowid")
        return sa.select(*table.c).where(key_sample(ident, percent))

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
