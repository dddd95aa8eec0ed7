"""Loading fixtures into a live database, in one transaction, by each driver's fastest path.

:func:`load_into` takes a Parquet fixture directory (or a mapping of frames, such as
:func:`synth.generate` returns) and a database URL. It checks everything it can before
writing anything: every table exists in the target with every column, and is empty
(unless ``truncate``). Then, in ONE transaction, it empties the tables (``truncate``,
children first) and loads them parents first: PostgreSQL by ``COPY ... FROM STDIN``
(text format rendered by polars), MySQL/MariaDB and SQLite by ``executemany`` in batches
(pymysql turns them into multi-row INSERTs). Any failure rolls everything back.

Rows whose foreign key has no parent row (the ``orphan`` trait) are skipped, with a
:class:`SynthWarning` counting them per ``table.column``, where the target enforces
that foreign key; ``defer_constraints`` turns the checks off where the database can
(MySQL ``foreign_key_checks=0``, SQLite ``foreign_keys=OFF``) and loads them as they
are. PostgreSQL can only defer ``DEFERRABLE`` constraints to ``COMMIT``, where orphans
still fail, so there they are always skipped.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from synth.errors import SourceError, SynthWarning, UsageError
from synth.loader.rows import Adjusted, copy_text, driver_rows

__all__ = ["load_into"]

COPY_CHUNK_ROWS = 50_000
"""Rows rendered per piece of a PostgreSQL COPY (one COPY statement per table)."""
BATCH_ROWS = 5_000
"""Rows per ``executemany`` call (MySQL, SQLite)."""

_FAMILIES = {"postgresql": "postgresql", "mysql": "mysql", "mariadb": "mysql", "sqlite": "sqlite"}


@dataclass
class _ForeignKey:
    columns: tuple[str, ...]
    parent: str
    """Key of the loaded table it references."""
    parent_columns: tuple[str, ...]


@dataclass
class _Target:
    key: str
    schema: str | None
    name: str
    sql_name: str
    """Quoted, possibly schema-qualified."""
    not_null: set[str] = field(default_factory=set)
    foreign_keys: list[_ForeignKey] = field(default_factory=list)


class _Tables:
    """The tables to load, in load order: from a fixture directory (read one at a time)
    or from a mapping of frames."""

    def __init__(self, source: str | Path | Mapping[str, pl.DataFrame]) -> None:
        if isinstance(source, Mapping):
            self.directory: Path | None = None
            self.frames: Mapping[str, pl.DataFrame] = source
            self.rows = {key: frame.height for key, frame in source.items()}
            self.columns = {key: list(frame.columns) for key, frame in source.items()}
            return
        import pyarrow.parquet as pq

        from synth.loader.files import open_fixtures

        self.directory = Path(source)
        self.manifest = open_fixtures(self.directory)
        self.frames = {}
        self.rows = {key: t.rows for key, t in self.manifest.tables.items()}
        self.columns = {}
        for key, table in self.manifest.tables.items():
            if table.files:
                file = self.directory / table.files[0]
                try:
                    self.columns[key] = list(pq.read_schema(file).names)
                except OSError as exc:
                    raise SourceError(f"cannot read {str(file)!r} (table {key!r}): {exc}") from None
            else:
                self.columns[key] = []

    def frame(self, key: str) -> pl.DataFrame:
        if self.directory is None:
            return self.frames[key]
        from synth.loader.files import read_fixture_table

        table = self.manifest.tables[key]
        if not table.files:
            return pl.DataFrame()
        return read_fixture_table(self.directory, key, table)


class _Progress:
    """A one-line progress bar on stderr, drawn only when enabled (stderr is a terminal)."""

    def __init__(self, total: int, enabled: bool, stream: TextIO | None = None) -> None:
        self.total = max(total, 1)
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self.done = 0

    def advance(self, table: str, rows: int) -> None:
        self.done += rows
        if not self.enabled:
            return
        share = min(self.done / self.total, 1.0)
        bar = "#" * int(share * 30)
        self.stream.write(
            f"\rloading {table[:24]:<24} [{bar:<30}] {share:4.0%} {self.done:,}/{self.total:,} rows"
        )
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.stream.write("\n")
            self.stream.flush()


def _engine(url: str) -> tuple[sa.Engine, URL, str]:
    from synth.internal.urls import create_engine, masked_url, parse_url

    parsed = parse_url(url)
    masked = masked_url(parsed)
    backend = parsed.get_backend_name()
    family = _FAMILIES.get(backend)
    if family is None:
        raise UsageError(
            f"{masked}: cannot load into a {backend!r} database; synth loads into postgresql, "
            "mysql/mariadb and sqlite (write SQL files with --format sql instead)"
        )
    database = parsed.database or ""
    if family == "sqlite" and database not in ("", ":memory:") and not database.startswith("file:"):
        path = Path(database).expanduser()
        if not path.is_file():  # connecting would create an empty file, then fail
            raise SourceError(
                f"{masked}: SQLite file {str(path)!r} does not exist; create the database and "
                "its tables first (schema.sql from 'synth generate PROFILE --format sql', or "
                "your migrations)"
            )
    engine = create_engine(parsed, masked, poolclass=NullPool)
    return engine, parsed, family


def _split_key(key: str, family: str) -> tuple[str | None, str]:
    if "." in key:
        schema, name = key.split(".", 1)
        return (schema if family == "postgresql" else None), name
    return None, key


def _inspect(
    conn: sa.Connection,
    tables: _Tables,
    family: str,
    masked: str,
) -> dict[str, _Target]:
    """Each table's target, checked to exist with every column; its enforced foreign keys
    to other loaded tables."""
    inspector = sa.inspect(conn)
    prep = conn.dialect.identifier_preparer
    targets: dict[str, _Target] = {}
    by_name: dict[tuple[str | None, str], str] = {}
    for key in tables.rows:
        schema, name = _split_key(key, family)
        if not inspector.has_table(name, schema=schema):
            raise SourceError(
                f"table {key!r} does not exist in {masked}; create the tables first: run "
                "schema.sql from 'synth generate PROFILE --format sql', or your migrations"
            )
        sql_name = _ident(prep, name) if schema is None else f"{_ident(prep, schema)}."
        if schema is not None:
            sql_name += _ident(prep, name)
        columns = {c["name"]: c for c in inspector.get_columns(name, schema=schema)}
        for column in tables.columns[key]:
            if column not in columns:
                raise SourceError(
                    f"table {key!r} in {masked} has no column {column!r}; add it (run "
                    "schema.sql from 'synth generate --format sql', or your migrations) or "
                    "profile the database again"
                )
        not_null = {n for n, c in columns.items() if not c.get("nullable", True)}
        targets[key] = _Target(key, schema, name, sql_name, not_null)
        by_name[(schema, name)] = key
        by_name.setdefault((None, name), key)
    for target in targets.values():
        for fk in inspector.get_foreign_keys(target.name, schema=target.schema):
            ref_schema = fk.get("referred_schema") if family == "postgresql" else None
            parent = by_name.get((ref_schema, fk["referred_table"]))
            if parent is None and ref_schema == target.schema:
                parent = by_name.get((None, fk["referred_table"]))
            if parent is None:
                continue
            target.foreign_keys.append(
                _ForeignKey(tuple(fk["constrained_columns"]), parent, tuple(fk["referred_columns"]))
            )
    return targets


def _refuse_non_empty(conn: sa.Connection, targets: Mapping[str, _Target], masked: str) -> None:
    for key, target in targets.items():
        if _raw(conn, f"SELECT 1 FROM {target.sql_name} LIMIT 1", fetch=True):
            raise SourceError(
                f"table {key!r} in {masked} already holds rows; nothing was loaded: load into "
                "empty tables, or pass --truncate (truncate=True) to empty them first"
            )


def _start(conn: sa.Connection, family: str, defer: bool) -> None:
    """Session settings, before the transaction's first write."""
    if family == "sqlite":  # a PRAGMA outside a transaction; pysqlite begins on first DML
        conn.exec_driver_sql(f"PRAGMA foreign_keys = {'OFF' if defer else 'ON'}")
    elif family == "mysql":
        conn.exec_driver_sql("SET time_zone = '+00:00'")
        conn.exec_driver_sql(
            "SET SESSION sql_mode = TRIM(BOTH ',' FROM CONCAT(@@SESSION.sql_mode, "
            "',NO_AUTO_VALUE_ON_ZERO'))"
        )
        if defer:
            conn.exec_driver_sql("SET foreign_key_checks = 0")
    else:
        conn.exec_driver_sql("SET LOCAL TimeZone = 'UTC'")
        if defer:
            conn.exec_driver_sql("SET CONSTRAINTS ALL DEFERRED")


def _truncate(
    conn: sa.Connection, targets: Mapping[str, _Target], family: str, defer: bool
) -> None:
    """Empty the targets, children first, inside the load's transaction (no TRUNCATE in
    MySQL: it commits)."""
    ordered = list(reversed(list(targets.values())))
    if family == "postgresql":
        _raw(conn, "TRUNCATE TABLE " + ", ".join(t.sql_name for t in ordered))
        return
    if family == "mysql" and not defer:
        conn.exec_driver_sql("SET foreign_key_checks = 0")
    for target in ordered:
        _raw(conn, f"DELETE FROM {target.sql_name}")
    if family == "mysql" and not defer:
        conn.exec_driver_sql("SET foreign_key_checks = 1")


def _without_orphans(
    frame: pl.DataFrame,
    target: _Target,
    keys: Mapping[tuple[str, tuple[str, ...]], pl.DataFrame],
) -> tuple[pl.DataFrame, dict[str, tuple[int, str]]]:
    """``frame`` without the rows whose enforced foreign key has no parent row; per
    foreign key (``a, b``), how many were dropped and the parent table."""
    dropped: dict[str, tuple[int, str]] = {}
    for fk in target.foreign_keys:
        cols = list(fk.columns)
        if not set(cols) <= set(frame.columns):
            continue
        if fk.parent == target.key:
            parents = frame.select(fk.parent_columns).unique()
        else:
            found = keys.get((fk.parent, fk.parent_columns))
            if found is None:  # a parent loaded later (a cycle): the database decides
                continue
            parents = found
        parents = parents.cast(
            {p: frame.schema[c] for p, c in zip(fk.parent_columns, cols, strict=True)},
            strict=False,
        )
        indexed = frame.with_row_index("__synth_row")
        complete = indexed.filter(pl.all_horizontal(pl.col(c).is_not_null() for c in cols))
        orphans = complete.join(parents, left_on=cols, right_on=list(fk.parent_columns), how="anti")
        if orphans.height:
            dropped[", ".join(cols)] = (orphans.height, fk.parent)
            bad = orphans.get_column("__synth_row")
            frame = indexed.filter(~pl.col("__synth_row").is_in(bad.implode())).drop("__synth_row")
    return frame, dropped


def _copy(
    conn: sa.Connection,
    target: _Target,
    frame: pl.DataFrame,
    progress: _Progress,
    adjusted: Adjusted,
) -> None:
    dbapi: Any = conn.connection.driver_connection
    prep = conn.dialect.identifier_preparer
    columns = ", ".join(_ident(prep, c) for c in frame.columns)
    statement = f"COPY {target.sql_name} ({columns}) FROM STDIN"
    with dbapi.cursor() as cursor, cursor.copy(statement) as copy:
        for offset in range(0, frame.height, COPY_CHUNK_ROWS):
            chunk = frame.slice(offset, COPY_CHUNK_ROWS)
            copy.write(copy_text(chunk, adjusted))
            progress.advance(target.key, chunk.height)


def _ident(prep: Any, name: str) -> str:
    """``name`` quoted for SQL sent straight to the driver: always quoted (the exact name
    the inspector reported), without the ``%`` doubling SQLAlchemy adds for its own
    parameter formatting (``_insert`` escapes ``%`` itself where it binds parameters)."""
    inner = name.replace(prep.escape_quote, prep.escape_to_quote)
    return f"{prep.initial_quote}{inner}{prep.final_quote}"


def _raw(conn: sa.Connection, sql: str, *, fetch: bool = False) -> bool:
    """Run ``sql`` (no parameters) on the driver's own cursor, so a ``%`` in a quoted name
    is not taken for a placeholder; with ``fetch``, whether it returned a row."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(sql)
        return fetch and cursor.fetchone() is not None
    finally:
        cursor.close()


def _advance_sequences(conn: sa.Connection, target: _Target, columns: list[str]) -> None:
    """PostgreSQL: move the sequences of the loaded serial and identity columns past the
    loaded keys (in the load's transaction), so later INSERTs do not collide with them."""
    from synth.writers.sql.dialects import pg_advance_sequence

    owned = conn.execute(
        sa.text(
            "SELECT a.attname FROM pg_catalog.pg_attribute a"
            " WHERE a.attrelid = CAST(:t AS regclass) AND a.attnum > 0 AND NOT a.attisdropped"
            " AND pg_get_serial_sequence(CAST(:t AS text), CAST(a.attname AS text)) IS NOT NULL"
        ),
        {"t": target.sql_name},
    ).scalars()
    prep = conn.dialect.identifier_preparer
    for column in [c for c in owned if c in columns]:
        _raw(conn, pg_advance_sequence(target.sql_name, column, _ident(prep, column)))


def _insert(
    conn: sa.Connection,
    target: _Target,
    frame: pl.DataFrame,
    family: str,
    progress: _Progress,
    adjusted: Adjusted,
) -> None:
    prep = conn.dialect.identifier_preparer
    columns = ", ".join(_ident(prep, c) for c in frame.columns)
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    table = target.sql_name.replace("%", "%%") if mark == "%s" else target.sql_name
    if mark == "%s":
        columns = columns.replace("%", "%%")
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join([mark] * frame.width)})"
    dbapi: Any = conn.connection.driver_connection
    cursor = dbapi.cursor()
    try:
        for batch in driver_rows(frame, family, target.not_null, adjusted, BATCH_ROWS):
            cursor.executemany(sql, batch)
            progress.advance(target.key, len(batch))
    finally:
        cursor.close()


def _driver_errors(family: str) -> tuple[type[BaseException], ...]:
    """The exception classes a driver raises for a failed statement."""
    if family == "postgresql":
        import psycopg

        return (sa.exc.DBAPIError, psycopg.Error)
    if family == "mysql":
        import pymysql

        return (sa.exc.DBAPIError, pymysql.Error)
    import sqlite3

    return (sa.exc.DBAPIError, sqlite3.Error)


def _warn_dropped(key: str, dropped: Mapping[str, tuple[int, str]], family: str) -> None:
    fix = (
        "PostgreSQL checks foreign keys (deferred ones at COMMIT), so orphans cannot be "
        "loaded; drop the constraint in the target to load them"
        if family == "postgresql"
        else "pass --defer-constraints (defer_constraints=True) to load them as they are"
    )
    for columns, (n, parent) in dropped.items():
        warnings.warn(
            f"{key}.{columns}: {n:,} rows reference no row of {parent!r} and the target "
            f"enforces that foreign key; skipped ({fix})",
            SynthWarning,
            stacklevel=4,
        )


def _warn_adjusted(key: str, adjusted: Adjusted, family: str) -> None:
    what = {
        "nul_stripped": f"held NUL characters, which {family} text cannot store; stripped",
        "nan_replaced": f"were NaN, which {family} cannot store; loaded as NULL (0 if NOT NULL)",
        "infinity_clamped": "were infinite; loaded as the largest finite float of the sign",
    }
    for column, reasons in adjusted.items():
        for reason, n in reasons.items():
            warnings.warn(f"{key}.{column}: {n:,} values {what[reason]}", SynthWarning, 4)


def _load_tables(
    conn: sa.Connection,
    tables: _Tables,
    targets: Mapping[str, _Target],
    family: str,
    defer: bool,
    progress: _Progress,
    state: dict[str, str],
) -> Iterator[tuple[str, int]]:
    needed = {
        (fk.parent, fk.parent_columns)
        for t in targets.values()
        for fk in t.foreign_keys
        if fk.parent != t.key
    }
    check_orphans = family == "postgresql" or not defer
    keys: dict[tuple[str, tuple[str, ...]], pl.DataFrame] = {}
    for key, target in targets.items():
        state["at"] = f"table {key!r}"
        frame = tables.frame(key)
        if check_orphans:
            frame, dropped = _without_orphans(frame, target, keys)
            _warn_dropped(key, dropped, family)
        for parent, cols in needed:
            if parent == key and set(cols) <= set(frame.columns):
                keys[(parent, cols)] = frame.select(cols).unique()
        adjusted: Adjusted = {}
        if frame.height and frame.width:
            if family == "postgresql":
                _copy(conn, target, frame, progress, adjusted)
                _advance_sequences(conn, target, frame.columns)
            else:
                _insert(conn, target, frame, family, progress, adjusted)
        progress.advance(key, tables.rows[key] - frame.height)  # skipped rows
        _warn_adjusted(key, adjusted, family)
        yield key, frame.height


def load_into(
    source: str | Path | Mapping[str, pl.DataFrame],
    url: str,
    *,
    truncate: bool = False,
    defer_constraints: bool = False,
    progress: bool | None = None,
) -> dict[str, int]:
    """Load fixtures into the existing, empty tables of the database at ``url``; return
    the rows loaded per table key. See the module docstring and ``docs/sql.md``."""
    tables = _Tables(source)
    engine, parsed, family = _engine(url)
    from synth.internal.urls import connect_error, masked_url, reason

    masked = masked_url(parsed)
    errors = _driver_errors(family)
    show = sys.stderr.isatty() if progress is None else progress
    bar = _Progress(sum(tables.rows.values()), show)
    loaded: dict[str, int] = {}
    state = {"at": "start"}
    try:
        try:
            conn = engine.connect()
        except sa.exc.DBAPIError as exc:
            raise connect_error(exc, parsed) from None
        with conn:
            try:
                targets = _inspect(conn, tables, family, masked)
                if not truncate:
                    _refuse_non_empty(conn, targets, masked)
                conn.rollback()  # end the inspection's implicit transaction
            except sa.exc.DBAPIError as exc:
                raise SourceError(
                    f"cannot read the tables of {masked}: {reason(exc, parsed)}; check that "
                    "the user may read them"
                ) from None
            try:
                with conn.begin():
                    _start(conn, family, defer_constraints)
                    if truncate:
                        state["at"] = "truncate"
                        _truncate(conn, targets, family, defer_constraints)
                    for key, rows in _load_tables(
                        conn, tables, targets, family, defer_constraints, bar, state
                    ):
                        loaded[key] = rows
                    state["at"] = "commit"
            except errors as exc:
                raise SourceError(
                    f"cannot load into {masked} ({state['at']}): {reason(exc, parsed)}; "
                    "nothing was loaded (the transaction was rolled back): fix the data or the "
                    "target schema"
                ) from None
    finally:
        bar.close()
        engine.dispose()
    return loaded
