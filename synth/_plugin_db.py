"""``synth_db``: a database loaded with the fixture set once per session, each test inside a
transaction that is rolled back.

Without ``synth_database_url`` the database is SQLite in memory: a shared-cache memory
database (``file:synth_<id>?mode=memory&cache=shared``) that a single held connection
(``StaticPool``) keeps alive and that :func:`synth.load_into` can reach by URL. Tables the
target lacks are created from the profile's DDL (``synth generate --format sql``'s
``schema.sql`` for the target's dialect, cached next to the fixture set) unless the
``synth_schema`` fixture returns SQL of its own.
"""

from __future__ import annotations

import re
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from synth.errors import SynthWarning, UsageError

if TYPE_CHECKING:
    from synth._fixture_cache import SynthData

__all__ = ["SynthDatabase"]

_DIALECTS = {"sqlite": "sqlite", "postgresql": "postgresql", "mysql": "mysql", "mariadb": "mariadb"}


def _memory_sqlite() -> tuple[sa.Engine, str]:
    url = f"sqlite:///file:synth_{uuid.uuid4().hex}?mode=memory&cache=shared&uri=true"
    engine = sa.create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    _sqlite_transactions(engine)
    return engine, url


def _sqlite_transactions(engine: sa.Engine) -> None:
    """pysqlite begins transactions lazily and breaks SAVEPOINT; let SQLAlchemy emit BEGIN
    (the recipe of SQLAlchemy's SQLite documentation)."""

    @sa.event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None

    @sa.event.listens_for(engine, "begin")
    def _begin(conn):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN")


def _schema_text(data: SynthData, dialect: str) -> str:
    """The profile's DDL for ``dialect``, generated once into the cache next to the set."""
    from synth.api import write

    settings = data.settings
    if settings.profile is None:
        raise UsageError(
            f"synth_db: the tables of {settings.where('fixtures')} do not exist in the target "
            "and no profile is set to create them from; set synth_profile, create the tables "
            "(migrations), or override the synth_schema fixture to return their DDL"
        )
    made = f"{data.manifest.profile_digest[:16]}-{data.seed}-{data.rows_option}-{dialect}"
    out = settings.cache_root / f"schema-{made}"
    if not (out / "manifest.json").is_file():
        write(
            settings.profile,
            out,
            format="sql",
            dialect=dialect,
            rows=data.rows_option,
            seed=data.seed,
        )
    return (out / "schema.sql").read_text(encoding="utf-8")


def _run_script(engine: sa.Engine, script: str) -> None:
    with engine.connect() as conn:
        dbapi = conn.connection.driver_connection
        family = engine.dialect.name
        if family == "sqlite":
            dbapi.executescript(script)  # type: ignore[union-attr]
            return
        cursor = dbapi.cursor()  # type: ignore[union-attr]
        try:
            if family == "postgresql":
                cursor.execute(script)
            else:
                for statement in re.split(r";\s*\n", script):
                    body = "\n".join(
                        line for line in statement.splitlines() if not line.startswith("--")
                    )
                    if body.strip():
                        cursor.execute(body)
        finally:
            cursor.close()
        dbapi.commit()  # type: ignore[union-attr]


class SynthDatabase:
    """The session's database: an engine, loaded once with the fixture set."""

    def __init__(
        self, data: SynthData, url: str | None, *, truncate: bool, schema: str | None
    ) -> None:
        self.data = data
        self.notes: list[str] = []
        if url is None:
            self.engine, self.url = _memory_sqlite()
            self._keeper: sa.Connection | None = self.engine.connect()  # keeps the db alive
        else:
            from synth._urls import create_engine, masked_url, parse_url

            parsed = parse_url(url)
            self.engine = create_engine(parsed, masked_url(parsed))
            if self.engine.dialect.name == "sqlite":
                _sqlite_transactions(self.engine)
            self.url = url
            self._keeper = None
        try:
            self._prepare(truncate, schema)
        except BaseException:
            self.close()
            raise

    def _prepare(self, truncate: bool, schema: str | None) -> None:
        inspector = sa.inspect(self.engine)
        missing = [
            key
            for key in self.data.names
            if not inspector.has_table(key.rsplit(".", 1)[-1], schema=_schema_of(key))
        ]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", SynthWarning)
            if missing and len(missing) == len(self.data.names):
                dialect = _DIALECTS.get(self.engine.dialect.name, "portable")
                _run_script(self.engine, schema or _schema_text(self.data, dialect))
            self.loaded = self.data.load_into(self.url, truncate=truncate)
        self.notes = [
            f"synth_db: {w.message}" for w in caught if issubclass(w.category, SynthWarning)
        ]

    @contextmanager
    def transaction(self) -> Iterator[sa.Connection]:
        """A connection inside a transaction that is rolled back at the end."""
        conn = self.engine.connect()
        outer = conn.begin()
        try:
            yield conn
        finally:
            if outer.is_active:
                outer.rollback()
            conn.close()

    def close(self) -> None:
        if self._keeper is not None:
            self._keeper.close()
            self._keeper = None
        self.engine.dispose()


def _schema_of(key: str) -> str | None:
    return key.split(".", 1)[0] if "." in key else None
