"""The whole loop on real databases: profile a schema, generate from the profile, and
load the fixtures into an empty copy of the *original* schema (made by its own DDL,
with foreign keys enforced). Every PK, unique, FK, NOT NULL, CHECK, enum, length and
precision constraint must accept the generated rows."""

from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

import synth
from synth.errors import SynthWarning
from tests.conftest import MYSQL_URL, POSTGRES_URL
from tests.integration.profiler.test_databases import (
    MARIADB_DDL,
    PG_DDL,
    SQLITE_DDL,
    Shop,
    _adapt,
    _run_ddl,
    shop,  # noqa: F401  (the parametrized source-database fixture)
)

ROWS = 400


@pytest.fixture
def empty_copy(shop: Shop, tmp_path: Path) -> Iterator[tuple[sa.Engine, str | None]]:  # noqa: F811
    """An empty database with the original DDL, FKs enforced; yields (engine, billing schema)."""
    name = f"synth_copy_{uuid.uuid4().hex[:10]}"
    if shop.dialect == "sqlite":
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'copy.db'}")

        @sa.event.listens_for(engine, "connect")
        def _fks_on(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_conn.execute("PRAGMA foreign_keys = ON")

        with engine.begin() as conn:
            _run_ddl(conn, SQLITE_DDL)
        yield engine, None
        engine.dispose()
        return
    admin_url = POSTGRES_URL if shop.dialect == "postgresql" else MYSQL_URL
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    quote = '"' if shop.dialect == "postgresql" else "`"
    billing = f"{name}_billing"
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {quote}{name}{quote}")
        if shop.dialect == "mariadb":
            conn.exec_driver_sql(f"CREATE DATABASE `{billing}`")
    engine = sa.create_engine(make_url(admin_url).set(database=name))
    try:
        with engine.begin() as conn:
            if shop.dialect == "postgresql":
                _run_ddl(conn, PG_DDL)
            else:
                _run_ddl(conn, MARIADB_DDL.format(billing=billing))
        yield engine, ("billing" if shop.dialect == "postgresql" else billing)
    finally:
        engine.dispose()
        with admin.connect() as conn:
            if shop.dialect == "postgresql":
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            else:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{billing}`")
        admin.dispose()


def _load(engine: sa.Engine, tables: dict[str, pl.DataFrame], billing: str | None,
          dialect: str) -> None:  # fmt: skip
    """Insert every generated table in manifest (FK) order, in one transaction."""
    with engine.begin() as conn:
        quote = conn.dialect.identifier_preparer.quote
        for key, frame in tables.items():
            if frame.height == 0:
                continue
            schema, _, name = key.rpartition(".")
            target = f"{quote(billing)}.{quote(name)}" if schema else quote(name)
            cols = [c for c in frame.columns if frame[c].null_count() < frame.height]
            params = ", ".join(f":p{i}" for i in range(len(cols)))
            stmt = sa.text(
                f"INSERT INTO {target} ({', '.join(quote(c) for c in cols)}) VALUES ({params})"
            )
            rows = [
                {f"p{i}": _adapt(row[c], dialect) for i, c in enumerate(cols)}
                for row in frame.select(cols).iter_rows(named=True)
            ]
            conn.execute(stmt, rows)


def test_generated_fixtures_load_into_the_original_schema(
    shop: Shop,  # noqa: F811
    empty_copy: tuple[sa.Engine, str | None],
    tmp_path: Path,
) -> None:
    with warnings.catch_warnings():  # PostgreSQL's point is opaque; MariaDB's is geometry
        warnings.simplefilter("ignore", SynthWarning)
        profile = synth.profile(shop.url)
    manifest = synth.write(profile, tmp_path / "fx", rows=ROWS, seed=11)
    tables = synth.load(tmp_path / "fx")
    assert list(tables) == list(manifest.tables)

    engine, billing = empty_copy
    _load(engine, tables, billing, shop.dialect)

    with engine.connect() as conn:
        quote = conn.dialect.identifier_preparer.quote
        for key, out in manifest.tables.items():
            schema, _, name = key.rpartition(".")
            target = f"{quote(billing)}.{quote(name)}" if schema else quote(name)
            count = conn.execute(sa.text(f"SELECT COUNT(*) FROM {target}")).scalar_one()
            assert count == out.rows, key
    assert max(t.rows for t in manifest.tables.values()) == ROWS
