"""``synth_db``: a database loaded with the fixture set once per session, each test inside a
transaction that is rolled back, even when the code under test commits.

Without ``synth_database_url`` the database is a SQLite file in a private temporary
directory (WAL journal, removed at the end of the session): unlike an in-memory database
it lets code under test open connections of its own (a normal pool), which see the loaded
data and not the test's uncommitted writes, as on a server. Tables the target lacks are
created from the profile's DDL for the target's dialect (the ``schema.sql`` of
``synth generate --format sql``, built directly from the plan, no data written) unless the
``synth_schema`` fixture returns SQL of its own; tables the session created are dropped at
its end, tables that existed are left as they are.

A test's connection is a :class:`TestConnection`: an outer transaction that is rolled back
after the test, and inside it a SAVEPOINT that ``commit()`` releases and ``rollback()``
rolls back, each starting a new one (the bare-``Connection`` form of SQLAlchemy's "Joining
a Session into an External Transaction" recipe).
"""

from __future__ import annotations

import shutil
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from synth.errors import SourceError, SynthWarning, UsageError
from synth.loader.dialects import dialect_for

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

    from synth.pytest_plugin.cache import SynthData

__all__ = ["SynthDatabase", "TestConnection"]

_TRUNCATE_HINT = (
    "set the ini option synth_db_truncate = true (or pass --synth-db-truncate) to empty "
    "them before loading, or point synth_database_url at an empty test database"
)


class TestConnection(sa.Connection):
    """``synth_db``: a ``Connection`` whose ``commit()`` and ``rollback()`` act on the test's
    SAVEPOINT (inside a transaction rolled back after the test) and start a new one, so that
    code under test may commit; ``begin()`` opens a SAVEPOINT too. Writes stay invisible to
    other connections and are rolled back at the end of the test."""

    __test__ = False  # not a test class, whatever its name
    _synth_savepoint: sa.NestedTransaction | None = None

    def _synth_restart(self, commit: bool) -> None:
        savepoint = self._synth_savepoint
        if self._transaction is None or not self._transaction.is_active:
            raise UsageError(
                "synth_db: the test's transaction was ended (get_transaction().commit() or "
                "close()); use synth_db.commit()/rollback(), which keep it"
            )
        inner = self._nested_transaction
        while inner is not None and inner is not savepoint:  # SAVEPOINTs opened inside it
            inner.commit() if commit else inner.rollback()
            inner = self._nested_transaction
        if savepoint is not None and savepoint.is_active:
            savepoint.commit() if commit else savepoint.rollback()
        self._synth_savepoint = self.begin_nested()

    def commit(self) -> None:
        """Release the test's SAVEPOINT (nothing is committed) and start a new one."""
        self._synth_restart(commit=True)

    def rollback(self) -> None:
        """Roll back to the test's SAVEPOINT (the writes since the last commit)."""
        self._synth_restart(commit=False)

    def begin(self) -> Any:
        """A SAVEPOINT (``with synth_db.begin(): ...`` works as on a fresh connection)."""
        if self._transaction is None:
            return super().begin()
        return self.begin_nested()


def _temporary_sqlite() -> tuple[sa.Engine, str, Path]:
    """A SQLite file in a new private temporary directory, in WAL mode (readers do not wait
    for the test's uncommitted writes)."""
    directory = Path(tempfile.mkdtemp(prefix="synth-db-"))
    url = f"sqlite:///{directory / 'synth.db'}"
    engine = sa.create_engine(url)

    @sa.event.listens_for(engine, "connect")
    def _wal(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA journal_mode=WAL")

    return engine, url, directory


def _schema_text(data: SynthData, dialect: str) -> str:
    """The profile's DDL for ``dialect``: what ``synth generate --format sql`` writes as
    ``schema.sql`` for this set, built from the plan and the set's own columns and values
    (no data file is written)."""
    import polars as pl

    from synth.generator import GenerateOptions, make_plan
    from synth.model import LogicalType
    from synth.writers.sql import MAX_DOMAIN_EXTRAS
    from synth.writers.sql.ddl import schema_sql
    from synth.writers.sql.dialects import resolve_dialect

    settings = data.settings
    profile = data.profile()
    if profile is None:
        raise UsageError(
            f"synth_db: the tables of {settings.where('fixtures')} do not exist in the target "
            "and no profile is set to create them from; set synth_profile, create the tables "
            "(migrations), or override the synth_schema fixture to return their DDL"
        )
    recorded = GenerateOptions.from_record(data.manifest.options, data.seed)
    plan = make_plan(profile, recorded)
    written: dict[str, tuple[str, ...]] = {}
    extras: dict[tuple[str, str], list[str]] = {}
    for tp in plan.tables:
        frame = data.table(tp.key)
        written[tp.key] = tuple(frame.columns)
        for col in tp.table.columns:  # values outside a declared domain, as the writer tracks
            if col.domain is None or col.type is not LogicalType.STRING:
                continue
            if col.name not in frame.columns:
                continue
            values = frame.get_column(col.name)
            outside = values.filter(~values.is_in(list(col.domain)) & values.is_not_null())
            found = outside.cast(pl.String).unique(maintain_order=True).to_list()
            if found:
                extras[(tp.key, col.name)] = sorted(found[:MAX_DOMAIN_EXTRAS])
    schema = schema_sql(plan, resolve_dialect(dialect, plan.profile), written, extras)
    for note in schema.notes:
        if note.warn:
            warnings.warn(f"schema.sql: {note}", SynthWarning, stacklevel=2)
    return schema.text


def _schema_of(key: str) -> str | None:
    return key.split(".", 1)[0] if "." in key else None


class SynthDatabase:
    """The session's database: an engine, loaded once with the fixture set."""

    def __init__(
        self, data: SynthData, url: str | None, *, truncate: bool, schema: str | None
    ) -> None:
        from synth.internal.urls import create_engine, masked_url, parse_url

        self.data = data
        self.notes: list[str] = []
        self.created: list[tuple[str, str | None, str]] = []
        """(kind, schema, name) of what this session created (dropped by :meth:`close`)."""
        self._directory: Path | None = None
        if url is None:
            self.engine, self.url, self._directory = _temporary_sqlite()
        else:
            self.engine = create_engine(parse_url(url), masked_url(parse_url(url)))
            self.url = url
        self._parsed: URL = parse_url(self.url)
        self.masked = masked_url(self._parsed)
        dialect = dialect_for(self._parsed.get_backend_name())
        if dialect is None:
            self.engine.dispose()
            raise UsageError(
                f"synth_db: cannot load into {self.masked}: synth loads into postgresql, "
                "mysql/mariadb and sqlite; point synth_database_url at one of them"
            )
        self.dialect = dialect
        dialect.prepare_engine(self.engine)
        self._driver_errors: tuple[type[BaseException], ...] = (
            sa.exc.DBAPIError,
            self.engine.dialect.loaded_dbapi.Error,
        )
        try:
            self._prepare(truncate, schema)
        except BaseException:
            self.close()
            raise

    def _driver_error(self, exc: BaseException, doing: str, hint: str) -> SourceError:
        from synth.internal.urls import reason

        return SourceError(
            f"synth_db: cannot {doing} {self.masked}: {reason(exc, self._parsed)}; {hint}"
        )

    def _objects(self) -> set[tuple[str, str | None, str]]:
        """(kind, schema, name) of the tables in the schemas of the set's tables, and on
        PostgreSQL of the schemas and enum types, which the profile's DDL may create."""
        from synth.internal.urls import connect_error

        try:
            conn = self.engine.connect()
        except sa.exc.DBAPIError as exc:
            raise SourceError(f"synth_db: {connect_error(exc, self._parsed)}") from None
        with conn:
            try:
                inspector = sa.inspect(conn)
                found = {
                    ("table", schema, name)
                    for schema in {_schema_of(key) for key in self.data.names}
                    for name in inspector.get_table_names(schema=schema)
                }
                return found | self.dialect.objects(inspector)
            except self._driver_errors as exc:
                raise self._driver_error(
                    exc, "read the tables of", "check that the user may read them"
                ) from None

    def _prepare(self, truncate: bool, schema: str | None) -> None:
        before = self._objects()
        wanted = [("table", _schema_of(key), key.rsplit(".", 1)[-1]) for key in self.data.names]
        existing = [t for t in wanted if t in before]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SynthWarning)
            if not existing:
                script = schema or _schema_text(self.data, self.dialect.sql)
                self._create(script, before, schema)
            elif not truncate:
                self._refuse_non_empty([(s, n) for _, s, n in existing])
            self.loaded = self.data.load_into(self.url, truncate=truncate)
        self.notes = [
            f"synth_db: {w.message}" for w in caught if issubclass(w.category, SynthWarning)
        ]

    def _create(
        self, script: str, before: set[tuple[str, str | None, str]], own: str | None
    ) -> None:
        what = "the synth_schema fixture's DDL" if own else "the profile's DDL"
        try:
            with self.engine.connect() as conn:
                self.dialect.run_script(conn.connection.driver_connection, script)
        except self._driver_errors as exc:
            raise self._driver_error(
                exc, "create the tables in", f"check {what} and that the user may create tables"
            ) from None
        finally:  # also after a failure half-way (MySQL's DDL is not transactional)
            self.created = sorted(self._objects() - before, key=lambda t: (t[0], t[1] or "", t[2]))

    def _refuse_non_empty(self, tables: list[tuple[str | None, str]]) -> None:
        """Existing tables must be empty (a message naming the plugin's option, where the
        loader's would name its own ``truncate=True``)."""
        with self.engine.connect() as conn:
            for schema, name in tables:
                query = sa.select(sa.literal(1)).select_from(sa.table(name, schema=schema))
                try:
                    found = conn.execute(query.limit(1)).first()
                except self._driver_errors as exc:
                    raise self._driver_error(
                        exc, "read the tables of", "check that the user may read them"
                    ) from None
                if found is not None:
                    key = f"{schema}.{name}" if schema else name
                    raise SourceError(
                        f"synth_db: table {key!r} in {self.masked} already holds rows and "
                        f"was not created by synth; {_TRUNCATE_HINT}"
                    )

    @contextmanager
    def transaction(self) -> Iterator[TestConnection]:
        """A connection inside a transaction that is rolled back at the end, its own
        ``commit()`` releasing a SAVEPOINT instead (see :class:`TestConnection`)."""
        conn = TestConnection(self.engine)
        try:
            conn.begin()
            conn._synth_savepoint = conn.begin_nested()
            yield conn
        finally:
            try:
                if conn._transaction is not None and conn._transaction.is_active:
                    conn._transaction.rollback()
            finally:
                conn.close()

    def _drop_created(self) -> None:
        order = {(_schema_of(k), k.rsplit(".", 1)[-1]): i for i, k in enumerate(self.data.names)}
        tables = sorted(
            ((s, n) for kind, s, n in self.created if kind == "table"),
            key=lambda t: -order.get(t, -1),
        )  # children first
        with self.engine.connect() as conn:
            self.dialect.drop(conn, self.created, tables)
            conn.commit()

    def close(self) -> None:
        """Drop the tables this session created, release the engine, remove a temporary
        SQLite database."""
        try:
            if self.created and self._directory is None:
                try:
                    self._drop_created()
                except self._driver_errors as exc:
                    raise self._driver_error(
                        exc,
                        "drop the tables this session created in",
                        "drop them by hand before the next session",
                    ) from None
                self.created = []
        finally:
            self.engine.dispose()
            if self._directory is not None:
                shutil.rmtree(self._directory, ignore_errors=True)
                self._directory = None
