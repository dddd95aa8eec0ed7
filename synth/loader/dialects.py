"""What differs between databases when synth writes into them, one class per database.

:func:`dialect_for` picks the class from a URL's backend name. A :class:`Dialect` knows
the session settings of a load, how to empty tables inside a transaction, the fastest
bulk path (PostgreSQL ``COPY``, ``executemany`` elsewhere) and how each column must be
bound, which errors its driver raises, and, for the pytest plugin's ``synth_db``, how to
run a DDL script and drop what a session created. The loader
(:mod:`synth.loader.database`) and the plugin never branch on the database's name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import URL

from synth.errors import SourceError
from synth.loader.rows import copy_text, driver_rows, zoned_utc_text
from synth.loader.target import Adjusted, TargetTable
from synth.writers.sql.literals import DATE_FORMAT, TIME_FORMAT, TIMESTAMP_FORMAT, json_array_text

__all__ = ["BATCH_ROWS", "COPY_CHUNK_ROWS", "Dialect", "dialect_for", "quote", "run_raw"]

COPY_CHUNK_ROWS = 50_000
"""Rows rendered per piece of a PostgreSQL COPY (one COPY statement per table)."""
BATCH_ROWS = 5_000
"""Rows per ``executemany`` call (MySQL, SQLite)."""
_FLOAT_MAX = 1.7976931348623157e308
_FLOAT32_MAX = 3.4028234663852886e38
"""The largest finite 4-byte float: a ``Float32`` column's infinities clamp to it."""

Advance = Callable[[int], None]
"""Called with the number of rows just written (progress)."""


def quote(conn: sa.Connection, name: str) -> str:
    """``name`` quoted for SQL sent straight to the driver: always quoted (the exact name
    the inspector reported), without the ``%`` doubling SQLAlchemy adds for its own
    parameter formatting (``executemany`` statements escape ``%`` themselves)."""
    prep = conn.dialect.identifier_preparer
    inner = name.replace(prep.escape_quote, prep.escape_to_quote)
    return f"{prep.initial_quote}{inner}{prep.final_quote}"


def run_raw(conn: sa.Connection, sql: str, *, fetch: bool = False) -> bool:
    """Run ``sql`` (no parameters) on the driver's own cursor, so a ``%`` in a quoted name
    is not taken for a placeholder; with ``fetch``, whether it returned a row."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        return fetch and cursor.fetchone() is not None
    finally:
        cursor.close()


class Dialect:
    """A database synth loads into; subclasses say what their database does."""

    name: ClassVar[str]
    """How messages name the database."""
    sql: ClassVar[str]
    """The SQL writer dialect whose DDL creates tables here (``synth_db``)."""
    schemas: ClassVar[bool] = False
    """Whether a table key's ``schema.`` part names a schema here (PostgreSQL), or the
    whole database is the one schema (MySQL, SQLite)."""
    defers_orphans: ClassVar[bool] = True
    """Whether ``defer_constraints`` lets rows without a parent in (not PostgreSQL, which
    checks deferred keys at COMMIT)."""
    orphan_fix: ClassVar[str] = (
        "pass --defer-constraints (defer_constraints=True) to load them as they are"
    )

    def check(self, url: URL, masked: str) -> None:
        """Refuse a URL that cannot work before connecting to it."""

    def insert_triggers(
        self, conn: sa.Connection, schema: str | None, names: list[str]
    ) -> dict[str, list[Any]]:
        """Table name -> its INSERT triggers (:class:`~synth.profiler.catalog.TriggerText`)."""
        return {}

    def spatial_columns(self, conn: sa.Connection, table: TargetTable) -> set[str]:
        """The table's spatial columns (none where synth writes no spatial values)."""
        return set()

    def may_disable_triggers(self, conn: sa.Connection, table: TargetTable) -> bool:
        """Whether this session can turn ``table``'s triggers off inside the load's
        transaction (only PostgreSQL can at all; it needs the table owner's rights)."""
        return False

    def set_triggers(
        self, conn: sa.Connection, table: TargetTable, names: Sequence[str], *, enable: bool
    ) -> None:
        """Turn ``table``'s triggers ``names`` off (``enable``: on again)."""

    def table(self, key: str) -> tuple[str | None, str]:
        """(schema, name) of a table key in this database."""
        if "." in key:
            schema, name = key.split(".", 1)
            return (schema if self.schemas else None), name
        return None, key

    def referred_schema(self, fk: Mapping[str, Any]) -> str | None:
        """The schema of a reflected foreign key's parent, where schemas exist here."""
        return fk.get("referred_schema") if self.schemas else None

    def start(self, conn: sa.Connection, defer: bool) -> None:
        """Session settings, before the load's first write."""

    def truncate(self, conn: sa.Connection, tables: Sequence[TargetTable], defer: bool) -> None:
        """Empty ``tables`` (children first) inside the load's transaction."""
        for table in tables:
            run_raw(conn, f"DELETE FROM {table.sql_name}")

    def write(
        self,
        conn: sa.Connection,
        table: TargetTable,
        frame: pl.DataFrame,
        advance: Advance,
        adjusted: Adjusted,
    ) -> None:
        """Write ``frame`` into ``table``: ``executemany`` in batches."""
        columns = ", ".join(quote(conn, c) for c in frame.columns)
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        name = table.sql_name
        if mark == "%s":  # pyformat drivers read % as a placeholder
            name, columns = name.replace("%", "%%"), columns.replace("%", "%%")
        # spatial columns take WKT through the database's constructor
        marks = [f"ST_GeomFromText({mark})" if c in table.spatial else mark for c in frame.columns]
        sql = f"INSERT INTO {name} ({columns}) VALUES ({', '.join(marks)})"
        dbapi: Any = conn.connection.driver_connection
        cursor = dbapi.cursor()
        try:
            for batch in driver_rows(
                frame, self.driver_column, table.not_null, adjusted, BATCH_ROWS
            ):
                cursor.executemany(sql, batch)
                advance(len(batch))
        finally:
            cursor.close()

    def update(
        self, conn: sa.Connection, table: TargetTable, columns: Sequence[str], frame: pl.DataFrame
    ) -> None:
        """Set ``columns`` of the rows of ``table`` named by its primary key, from ``frame``
        (the key and those columns): one ``UPDATE`` per row through ``executemany``."""
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        name = table.sql_name
        sets = ", ".join(f"{quote(conn, c)} = {mark}" for c in columns)
        where = " AND ".join(f"{quote(conn, c)} = {mark}" for c in table.primary_key)
        sql = f"UPDATE {name} SET {sets} WHERE {where}"
        if mark == "%s":  # pyformat drivers read % as a placeholder
            sql = sql.replace("%", "%%").replace("%%s", "%s")
        ordered = frame.select(*columns, *table.primary_key)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            for batch in driver_rows(ordered, self.driver_column, table.not_null, {}, BATCH_ROWS):
                cursor.executemany(sql, batch)
        finally:
            cursor.close()

    def defer_keys(self, conn: sa.Connection) -> None:
        """Let foreign-key checks wait for COMMIT, for a cycle of NOT NULL keys."""

    def driver_column(
        self, name: str, dtype: pl.DataType, nullable: bool
    ) -> tuple[pl.Expr, list[tuple[str, pl.Expr]]]:
        """Column ``name`` as the driver binds it, and counts of the values changed."""
        e = pl.col(name)
        if dtype.is_float():  # no NaN here: NULL, or 0 in a NOT NULL column
            nan = None if nullable else 0.0
            out = pl.when(e.is_nan()).then(pl.lit(nan, dtype=dtype)).otherwise(e)
            return out.alias(name), [("nan_replaced", e.is_nan().sum())]
        if isinstance(dtype, (pl.Categorical, pl.Enum)):
            return e.cast(pl.String).alias(name), []
        if isinstance(dtype, pl.List):  # no arrays here: a JSON array in a JSON or text column
            return json_array_text(e).alias(name), []
        return e, []

    def driver_errors(self) -> tuple[type[BaseException], ...]:
        """The exception classes a driver raises for a failed statement."""
        return (sa.exc.DBAPIError,)

    # -- synth_db: scripts and cleanup -----------------------------------------------------

    def prepare_engine(self, engine: sa.Engine) -> None:
        """Make ``engine`` fit for tests that nest SAVEPOINTs in one transaction."""

    def run_script(self, dbapi: Any, script: str) -> None:
        """Run a DDL script of several statements on a DB-API connection."""
        cursor = dbapi.cursor()
        try:
            for statement in re.split(r";\s*\n", script):
                body = "\n".join(
                    line for line in statement.splitlines() if not line.startswith("--")
                )
                if body.strip():
                    cursor.execute(body)
        finally:
            cursor.close()
        dbapi.commit()

    def objects(self, inspector: sa.Inspector) -> set[tuple[str, str | None, str]]:
        """(kind, schema, name) of what a DDL script may create besides tables."""
        return set()

    def drop(
        self,
        conn: sa.Connection,
        created: Sequence[tuple[str, str | None, str]],
        tables: Sequence[tuple[str | None, str]],
    ) -> None:
        """Drop what a session created: ``tables`` children first."""
        for schema, name in tables:
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {_quoted(conn, schema, name)}")


def _quoted(conn: sa.Connection, schema: str | None, name: str) -> str:
    prep = conn.dialect.identifier_preparer
    return (f"{prep.quote_schema(schema)}." if schema else "") + prep.quote(name)


class PostgreSQL(Dialect):
    name = "postgresql"
    sql = "postgresql"
    schemas = True
    defers_orphans = False
    orphan_fix = (
        "PostgreSQL checks foreign keys (deferred ones at COMMIT), so orphans cannot be "
        "loaded; drop the constraint in the target to load them"
    )

    def insert_triggers(
        self, conn: sa.Connection, schema: str | None, names: list[str]
    ) -> dict[str, list[Any]]:
        from synth.profiler.catalog import pg_triggers

        return pg_triggers(conn, sa.inspect(conn), schema, names)

    def may_disable_triggers(self, conn: sa.Connection, table: TargetTable) -> bool:
        # ALTER TABLE ... DISABLE TRIGGER: the owner's rights (session_replication_role
        # would also stop foreign keys and the BEFORE triggers that fill columns)
        owner = conn.execute(
            sa.text(
                "SELECT pg_has_role(c.relowner, 'USAGE') FROM pg_catalog.pg_class c"
                " WHERE c.oid = CAST(:t AS regclass)"
            ),
            {"t": table.sql_name},
        ).scalar()
        return bool(owner)

    def set_triggers(
        self, conn: sa.Connection, table: TargetTable, names: Sequence[str], *, enable: bool
    ) -> None:
        word = "ENABLE" if enable else "DISABLE"
        for name in names:
            run_raw(conn, f"ALTER TABLE {table.sql_name} {word} TRIGGER {quote(conn, name)}")

    def start(self, conn: sa.Connection, defer: bool) -> None:
        conn.exec_driver_sql("SET LOCAL TimeZone = 'UTC'")
        if defer:
            conn.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")

    def truncate(self, conn: sa.Connection, tables: Sequence[TargetTable], defer: bool) -> None:
        run_raw(conn, "TRUNCATE TABLE " + ", ".join(t.sql_name for t in tables))

    def defer_keys(self, conn: sa.Connection) -> None:
        # only DEFERRABLE constraints wait; a NOT NULL cycle in PostgreSQL needs them anyway
        conn.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")

    def write(
        self,
        conn: sa.Connection,
        table: TargetTable,
        frame: pl.DataFrame,
        advance: Advance,
        adjusted: Adjusted,
    ) -> None:
        """``COPY ... FROM STDIN`` fed by polars-rendered text, then the sequences of the
        loaded serial and identity columns moved past the loaded keys (in the load's
        transaction), so later INSERTs do not collide with them."""
        from synth.writers.sql.postgresql import advance_sequence

        dbapi: Any = conn.connection.driver_connection
        columns = ", ".join(quote(conn, c) for c in frame.columns)
        statement = f"COPY {table.sql_name} ({columns}) FROM STDIN"
        with dbapi.cursor() as cursor, cursor.copy(statement) as copy:
            for offset in range(0, frame.height, COPY_CHUNK_ROWS):
                chunk = frame.slice(offset, COPY_CHUNK_ROWS)
                copy.write(copy_text(chunk, adjusted))
                advance(chunk.height)
        owned = conn.execute(
            sa.text(
                "SELECT a.attname FROM pg_catalog.pg_attribute a"
                " WHERE a.attrelid = CAST(:t AS regclass) AND a.attnum > 0 AND NOT a.attisdropped"
                " AND pg_get_serial_sequence(CAST(:t AS text), CAST(a.attname AS text)) IS NOT NULL"
            ),
            {"t": table.sql_name},
        ).scalars()
        for column in [c for c in owned if c in frame.columns]:
            run_raw(conn, advance_sequence(table.sql_name, column, quote(conn, column)))

    def driver_errors(self) -> tuple[type[BaseException], ...]:
        import psycopg

        return (sa.exc.DBAPIError, psycopg.Error)

    def run_script(self, dbapi: Any, script: str) -> None:
        cursor = dbapi.cursor()
        try:
            cursor.execute(script)  # psycopg runs a multi-statement script in one call
        finally:
            cursor.close()
        dbapi.commit()

    def objects(self, inspector: sa.Inspector) -> set[tuple[str, str | None, str]]:
        found = {("schema", None, s) for s in inspector.get_schema_names()}
        enums = inspector.get_enums(schema="*")  # type: ignore[attr-defined]
        return found | {("type", e["schema"], e["name"]) for e in enums}

    def drop(
        self,
        conn: sa.Connection,
        created: Sequence[tuple[str, str | None, str]],
        tables: Sequence[tuple[str | None, str]],
    ) -> None:
        # CASCADE: views and keys of other tables go with them
        for word, kind in (("TABLE", "table"), ("TYPE", "type"), ("SCHEMA", "schema")):
            names = [_quoted(conn, s, n) for k, s, n in created if k == kind]
            if names:
                conn.exec_driver_sql(f"DROP {word} IF EXISTS {', '.join(names)} CASCADE")


class MySQL(Dialect):
    """MySQL and MariaDB."""

    name = "mysql"
    sql = "mysql"

    def insert_triggers(
        self, conn: sa.Connection, schema: str | None, names: list[str]
    ) -> dict[str, list[Any]]:
        from synth.profiler.catalog import mysql_triggers

        return mysql_triggers(conn, sa.inspect(conn), schema, names)

    def spatial_columns(self, conn: sa.Connection, table: TargetTable) -> set[str]:
        rows = conn.execute(
            sa.text(
                "SELECT COLUMN_NAME FROM information_schema.COLUMNS WHERE TABLE_NAME = :t"
                " AND TABLE_SCHEMA = COALESCE(:s, DATABASE()) AND DATA_TYPE IN ('geometry',"
                " 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring',"
                " 'multipolygon', 'geometrycollection')"
            ),
            {"t": table.name, "s": table.schema},
        )
        return {r[0] for r in rows}

    def start(self, conn: sa.Connection, defer: bool) -> None:
        conn.exec_driver_sql("SET time_zone = '+00:00'")
        conn.exec_driver_sql(
            "SET SESSION sql_mode = TRIM(BOTH ',' FROM CONCAT(@@SESSION.sql_mode, "
            "',NO_AUTO_VALUE_ON_ZERO'))"
        )
        if defer:
            conn.exec_driver_sql("SET foreign_key_checks = 0")

    def defer_keys(self, conn: sa.Connection) -> None:
        # MySQL cannot defer a check; the loaded values are whole, as mysqldump's are
        conn.exec_driver_sql("SET foreign_key_checks = 0")

    def truncate(self, conn: sa.Connection, tables: Sequence[TargetTable], defer: bool) -> None:
        # DELETE, not TRUNCATE, which commits; children first, checks off meanwhile
        if not defer:
            conn.exec_driver_sql("SET foreign_key_checks = 0")
        super().truncate(conn, tables, defer)
        if not defer:
            conn.exec_driver_sql("SET foreign_key_checks = 1")

    def driver_column(
        self, name: str, dtype: pl.DataType, nullable: bool
    ) -> tuple[pl.Expr, list[tuple[str, pl.Expr]]]:
        e = pl.col(name)
        if dtype.is_float():  # no infinities either: the largest finite float of the sign
            expr, counts = super().driver_column(name, dtype, nullable)
            counts.append(("infinity_clamped", e.is_infinite().sum()))
            biggest = _FLOAT32_MAX if dtype == pl.Float32 else _FLOAT_MAX
            return expr.clip(-biggest, biggest).alias(name), counts
        if isinstance(dtype, pl.Datetime) and dtype.time_zone:  # DATETIME holds UTC wall time
            return e.dt.convert_time_zone("UTC").dt.replace_time_zone(None).alias(name), []
        return super().driver_column(name, dtype, nullable)

    def driver_errors(self) -> tuple[type[BaseException], ...]:
        import pymysql

        return (sa.exc.DBAPIError, pymysql.Error)

    def drop(
        self,
        conn: sa.Connection,
        created: Sequence[tuple[str, str | None, str]],
        tables: Sequence[tuple[str | None, str]],
    ) -> None:
        conn.exec_driver_sql("SET foreign_key_checks = 0")
        super().drop(conn, created, tables)


class SQLite(Dialect):
    name = "sqlite"
    sql = "sqlite"

    def check(self, url: URL, masked: str) -> None:
        database = url.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            return
        path = Path(database).expanduser()
        if not path.is_file():  # connecting would create an empty file, then fail
            raise SourceError(
                f"{masked}: SQLite file {str(path)!r} does not exist; create the database and "
                "its tables first (schema.sql from 'synth generate PROFILE --format sql', or "
                "your migrations)"
            )

    def insert_triggers(
        self, conn: sa.Connection, schema: str | None, names: list[str]
    ) -> dict[str, list[Any]]:
        from synth.profiler.catalog import sqlite_triggers

        return sqlite_triggers(conn, sa.inspect(conn), schema, names)

    def start(self, conn: sa.Connection, defer: bool) -> None:
        # a PRAGMA outside a transaction; pysqlite begins on the first DML
        conn.exec_driver_sql(f"PRAGMA foreign_keys = {'OFF' if defer else 'ON'}")

    def defer_keys(self, conn: sa.Connection) -> None:
        conn.exec_driver_sql("PRAGMA defer_foreign_keys = ON")

    def driver_column(
        self, name: str, dtype: pl.DataType, nullable: bool
    ) -> tuple[pl.Expr, list[tuple[str, pl.Expr]]]:
        # sqlite3 binds no dates, times or decimals: their text
        e = pl.col(name)
        if dtype == pl.Date:
            return e.dt.strftime(DATE_FORMAT).alias(name), []
        if isinstance(dtype, pl.Datetime):
            text = zoned_utc_text(e) if dtype.time_zone else e.dt.strftime(TIMESTAMP_FORMAT)
            return text.alias(name), []
        if dtype == pl.Time:
            return e.dt.strftime(TIME_FORMAT).alias(name), []
        if isinstance(dtype, pl.Decimal):
            return e.cast(pl.String).alias(name), []
        return super().driver_column(name, dtype, nullable)

    def driver_errors(self) -> tuple[type[BaseException], ...]:
        import sqlite3

        return (sa.exc.DBAPIError, sqlite3.Error)

    def prepare_engine(self, engine: sa.Engine) -> None:
        """pysqlite begins transactions lazily and breaks SAVEPOINT; let SQLAlchemy emit
        BEGIN (the recipe of SQLAlchemy's SQLite documentation)."""

        @sa.event.listens_for(engine, "connect")
        def _connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            dbapi_connection.isolation_level = None

        @sa.event.listens_for(engine, "begin")
        def _begin(conn):  # type: ignore[no-untyped-def]
            conn.exec_driver_sql("BEGIN")

    def run_script(self, dbapi: Any, script: str) -> None:
        dbapi.executescript(script)


_BY_BACKEND: dict[str, type[Dialect]] = {
    "postgresql": PostgreSQL,
    "mysql": MySQL,
    "mariadb": MySQL,
    "sqlite": SQLite,
}


def dialect_for(backend: str) -> Dialect | None:
    """The dialect of a SQLAlchemy backend name (``url.get_backend_name()``), or None where
    synth cannot load."""
    found = _BY_BACKEND.get(backend)
    return found() if found is not None else None
