"""Live loading (``synth.load_into``) into real PostgreSQL, MariaDB and SQLite databases.

The fixtures are generated once from ``profiles/shop.yaml`` (five tables, parents first,
with the ``orphan`` trait on ``payments.order_id``). Per dialect the target schema is
made by synth's own ``schema.sql`` (run by the database's client) or by the ORIGINAL DDL
of ``examples/shop.db`` (which enforces ``payments.order_id``); what is loaded must equal
the Parquet data row for row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import warnings
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

import synth
from synth.model.manifest import Manifest, read_manifest
from tests.integration.traits_support import Db
from tests.integration.writers.test_sql_output import load
from tests.unit.test_examples import _script

ROOT = Path(__file__).resolve().parents[3]
PROFILE = ROOT / "profiles" / "shop.yaml"
ROWS = 300
SQL_DIALECT = {"sqlite": "sqlite", "postgresql": "postgresql", "mariadb": "mariadb"}


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("live") / "fixtures"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        synth.write(PROFILE, out, rows=ROWS, seed=5)
    return out


@pytest.fixture(scope="module")
def schemas(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Dialect -> the text of synth's schema.sql for it."""
    out: dict[str, str] = {}
    for dialect, name in SQL_DIALECT.items():
        target = tmp_path_factory.mktemp("sql") / dialect
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            synth.write(PROFILE, target, format="sql", dialect=name, rows=10, seed=5)
        out[dialect] = (target / "schema.sql").read_text(encoding="utf-8")
    return out


def original_ddl(dialect: str) -> str:
    """The DDL the example database is made with (its FKs all enforced), from the builder
    itself: a clean checkout has no examples/shop.db."""
    ddl = _script("build_shop_db").SCHEMA
    if dialect == "mariadb":  # MariaDB's TIMESTAMP is 1970-2038 and whole seconds
        ddl = ddl.replace("timestamp", "datetime(6)")
    return ddl


def run_script(db: Db, script: str, tmp_path: Path) -> None:
    """Run SQL text through the database's own client; fail on any error."""
    file = tmp_path / "script.sql"
    file.write_text(script, encoding="utf-8")
    load(db.dialect, db.url, file)


def plant(schema: str, table: str, clause: str, dialect: str) -> str:
    """``schema`` with ``clause`` added to the body of ``CREATE TABLE table``."""
    q = "`" if dialect == "mariadb" else '"'
    start = schema.index(f"CREATE TABLE {q}{table}{q} (")
    end = schema.index("\n)", start)
    return f"{schema[:end]},\n    {clause.replace(chr(34), q)}{schema[end:]}"


# -- comparing ---------------------------------------------------------------------------


def canon(value: object) -> str | None:
    """A value as comparable text, whichever driver it came from (floats and decimals to
    12 significant digits, timestamps with six fractional digits)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (int, float, Decimal)):
        return f"{float(value):.12g}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    return str(value)


def digest(rows: list[tuple[object, ...]]) -> str:
    canonical = sorted(repr(tuple(canon(v) for v in row)) for row in rows)
    return hashlib.sha256("\n".join(canonical).encode()).hexdigest()


def loaded_rows(db: Db, table: str, columns: list[str]) -> list[tuple[object, ...]]:
    engine = db.engine()
    try:
        with engine.connect() as conn:
            q = conn.dialect.identifier_preparer.quote
            sql = f"SELECT {', '.join(q(c) for c in columns)} FROM {q(table)}"
            return [tuple(r) for r in conn.exec_driver_sql(sql)]
    finally:
        engine.dispose()


def counts(db: Db, manifest: Manifest) -> dict[str, int]:
    engine = db.engine()
    try:
        with engine.connect() as conn:
            q = conn.dialect.identifier_preparer.quote
            return {
                key: conn.exec_driver_sql(f"SELECT COUNT(*) FROM {q(key)}").scalar_one()
                for key in manifest.tables
            }
    finally:
        engine.dispose()


def assert_same_data(db: Db, frames: dict[str, pl.DataFrame], skip: tuple[str, ...] = ()) -> None:
    for key, frame in frames.items():
        if key in skip:
            continue
        got = loaded_rows(db, key, frame.columns)
        assert digest(got) == digest(frame.rows()), f"{db.dialect}: {key} differs"


def orphan_rows(frames: dict[str, pl.DataFrame]) -> int:
    payments, orders = frames["payments"], frames["orders"]
    return payments.filter(~pl.col("order_id").is_in(orders["id"].implode())).height


# -- tests -------------------------------------------------------------------------------


def test_load_from_schema_sql(db: Db, fixtures: Path, schemas: dict[str, str], tmp_path: Path):
    manifest = read_manifest(fixtures)
    frames = synth.load(fixtures)
    run_script(db, schemas[db.dialect], tmp_path)

    loaded = synth.load_into(fixtures, db.url)
    expected = {key: t.rows for key, t in manifest.tables.items()}
    assert loaded == expected
    assert counts(db, manifest) == expected
    assert_same_data(db, frames)

    with pytest.raises(
        synth.SourceError, match=r"table 'tenants' .* already holds rows.*--truncate"
    ):
        synth.load_into(fixtures, db.url)
    assert counts(db, manifest) == expected

    assert synth.load_into(frames, db.url, truncate=True) == expected
    assert counts(db, manifest) == expected
    assert_same_data(db, frames)


def test_original_ddl_skips_orphans(db: Db, fixtures: Path, tmp_path: Path):
    manifest = read_manifest(fixtures)
    frames = synth.load(fixtures)
    orphans = orphan_rows(frames)
    assert orphans > 0, "the profile's orphan trait should appear in the fixtures"
    run_script(db, original_ddl(db.dialect), tmp_path)

    with pytest.warns(synth.SynthWarning, match=rf"payments.order_id: {orphans} rows reference"):
        loaded = synth.load_into(fixtures, db.url)
    assert loaded["payments"] == manifest.tables["payments"].rows - orphans
    assert counts(db, manifest) == loaded
    assert_same_data(db, frames, skip=("payments",))
    kept = frames["payments"].filter(pl.col("order_id").is_in(frames["orders"]["id"].implode()))
    assert digest(loaded_rows(db, "payments", kept.columns)) == digest(kept.rows())

    if db.dialect == "postgresql":  # cannot switch foreign keys off: still skipped, said so
        with pytest.warns(synth.SynthWarning, match="PostgreSQL checks foreign keys"):
            again = synth.load_into(fixtures, db.url, truncate=True, defer_constraints=True)
        assert again == loaded
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            again = synth.load_into(fixtures, db.url, truncate=True, defer_constraints=True)
        assert again["payments"] == manifest.tables["payments"].rows
        assert_same_data(db, frames)


def test_failed_load_rolls_back(db: Db, fixtures: Path, schemas: dict[str, str], tmp_path: Path):
    manifest = read_manifest(fixtures)
    frames = synth.load(fixtures)
    schema = plant(schemas[db.dialect], "payments", 'CHECK ("amount" < 0)', db.dialect)
    run_script(db, schema, tmp_path)
    sentinel = frames["tenants"].head(1).with_columns(pl.lit(999_999, pl.Int32).alias("id"))
    db.run(rows={"tenants": sentinel.to_dicts()})

    with pytest.raises(synth.SourceError, match=r"table 'payments'.*rolled back"):
        synth.load_into(fixtures, db.url, truncate=True)
    after = counts(db, manifest)
    assert after == {key: (1 if key == "tenants" else 0) for key in manifest.tables}
    assert loaded_rows(db, "tenants", ["id"]) == [(999_999,)]


def test_load_errors_name_the_table(sqlite_url: str, fixtures: Path):
    missing = Path(make_url(sqlite_url).database or "")
    with pytest.raises(synth.SourceError, match=r"source.db' does not exist; create the data"):
        synth.load_into(fixtures, sqlite_url)
    assert not missing.exists()  # connecting would have made an empty file
    missing.touch()
    with pytest.raises(synth.SourceError, match=r"table 'tenants' does not exist.*schema.sql"):
        synth.load_into(fixtures, sqlite_url)
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE tenants (id INTEGER PRIMARY KEY)")
    engine.dispose()
    with pytest.raises(synth.SourceError, match=r"table 'tenants' .* has no column 'name'"):
        synth.load_into(fixtures, sqlite_url)
    with pytest.raises(synth.UsageError, match="cannot load into a 'oracle'"):
        synth.load_into(fixtures, "oracle+oracledb://scott:tiger@localhost/x")


def test_generate_into(sqlite_url: str, schemas: dict[str, str]):
    path = make_url(sqlite_url).database or ""
    with sqlite3.connect(path) as conn:
        conn.executescript(schemas["sqlite"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = synth.generate_into(PROFILE, sqlite_url, rows=50, seed=1)
        frames = synth.generate(PROFILE, rows=50, seed=1)
    assert loaded == {key: frame.height for key, frame in frames.items()}
