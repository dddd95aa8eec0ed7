"""Array columns end to end on real databases: PostgreSQL arrays profiled with their
element type and counts, generated as lists, written as SQL (array literals, COPY fields;
JSON arrays where a database has no arrays) and loaded, with elements that need quoting
(quotes, backslashes, commas, braces, newlines, the text ``NULL``) and NULL elements."""

from __future__ import annotations

import json
import subprocess
import warnings
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

import synth
from synth.model import LogicalType, Profile
from synth.writers.sql.dialects import dialect_named
from tests.integration.traits_support import Db
from tests.integration.writers.test_sql_output import (
    SEED,
    canon,
    database_rows,
    fresh,  # noqa: F401  (fixture: more empty databases)
    load,
    parquet_rows,
    write_sql,
)

PROFILE = """
kind: synth-profile
version: 1
synth_version: 0.1.0
source:
  {kind: database, url: 'postgresql://r/app', dialect: postgresql, as_of: '2026-11-01T00:00:00Z'}
tables:
- name: people
  rows: 300
  primary_key: [id]
  columns:
  - {name: id, type: integer, sql_type: INTEGER, nullable: false, size: 4}
  - name: tags
    type: array
    items: string
    sql_type: TEXT[]
    stats:
      null_fraction: 0.25
      lengths:
        {min: 1, p01: 1, p05: 1, p10: 1, p25: 1, p50: 2, p75: 2, p90: 3, p95: 3, p99: 4, max: 4}
  - {name: scores, type: array, items: integer, sql_type: 'INTEGER[]', size: 4, nullable: false}
  - {name: moods, type: array, items: string, sql_type: 'mood[]', domain: [sad, ok, happy],
     enum_name: mood}
  - {name: seen_at, type: array, items: datetime, timezone: true, sql_type: 'TIMESTAMPTZ[]'}
  - {name: prices, type: array, items: decimal, precision: 8, scale: 2, sql_type: 'NUMERIC(8,2)[]'}
"""

TRICKY = [
    ["it's", 'say "hi"', "back\\slash", "a,b", "{braces}", "NULL", ""],
    ["line1\nline2", "tab\there", "cr\r\nlf", "emoji 🎉 ünïcödé", None],
    [],
    None,
]
"""Elements that array text, COPY and JSON must each escape, a NULL element, an empty
array and a NULL array."""


def profile() -> Profile:
    return synth.load_profile(PROFILE)


def tricky_frame(prof: Profile) -> pl.DataFrame:
    n = len(TRICKY)
    frame = synth.generate(prof, rows=n, seed=3)["people"]
    return frame.with_columns(pl.Series("tags", TRICKY, dtype=pl.List(pl.String)))


def read_back(url: str, prof: Profile) -> list[tuple[str | None, ...]]:
    cols = list(prof.table("people").columns)
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name in ("mysql", "mariadb"):
                conn.exec_driver_sql("SET time_zone = '+00:00'")
            quote = conn.dialect.identifier_preparer.quote
            names = ", ".join(quote(c.name) for c in cols)
            rows = conn.exec_driver_sql(f"SELECT {names} FROM people ORDER BY id").fetchall()
    finally:
        engine.dispose()
    return [tuple(canon(v, c) for v, c in zip(r, cols, strict=True)) for r in rows]


def expected(frame: pl.DataFrame, prof: Profile) -> list[tuple[str | None, ...]]:
    cols = list(prof.table("people").columns)
    return [tuple(canon(r[c.name], c) for c in cols) for r in frame.iter_rows(named=True)]


def test_profile_validates_items() -> None:
    prof = profile()
    tags = prof.table("people").column("tags")
    assert (tags.type, tags.items, tags.element().type) == (
        LogicalType.ARRAY, LogicalType.STRING, LogicalType.STRING
    )  # fmt: skip
    assert synth.load_profile(synth.dump_profile(prof)) == prof
    bad = PROFILE.replace("items: integer", "items: json")
    with pytest.raises(synth.ProfileError, match=r"items='json' cannot be an array element"):
        synth.load_profile(bad)
    with pytest.raises(synth.ProfileError, match=r"items=None goes with type 'array'"):
        synth.load_profile(
            PROFILE.replace("    items: string\n    sql_type: TEXT[]", "    sql_type: TEXT[]")
        )


def test_generated_lists_follow_the_profile(tmp_path: Path) -> None:
    prof = profile()
    synth.write(prof, tmp_path / "out", rows=2000, seed=5)
    people = synth.load(tmp_path / "out")["people"]
    assert people.schema["tags"] == pl.List(pl.String)
    assert people.schema["prices"] == pl.List(pl.Decimal(8, 2))
    counts = people["tags"].drop_nulls().list.len()
    assert 0.2 < people["tags"].null_count() / people.height < 0.3
    assert (counts.min(), counts.max()) == (1, 4)
    moods = set(people["moods"].explode().drop_nulls().to_list())
    assert moods == {"sad", "ok", "happy"}  # elements from the enum, nothing else
    again = tmp_path / "again"
    synth.write(prof, again, rows=2000, seed=5)
    assert (again / "people.parquet").read_bytes() == (tmp_path / "out/people.parquet").read_bytes()


def test_parquet_arrays_profile_back(tmp_path: Path) -> None:
    """Fixtures profiled as files keep their array columns (element type and counts)."""
    synth.write(profile(), tmp_path / "out", rows=1000, seed=5)
    again = synth.profile(tmp_path / "out" / "people.parquet", min_count=1)
    tags = again.table("people").column("tags")
    assert (tags.type, tags.items) == (LogicalType.ARRAY, LogicalType.STRING)
    assert tags.stats.lengths is not None and tags.stats.lengths.max == 4
    assert again.table("people").column("prices").items is LogicalType.DECIMAL


def _generated_round_trip(db: Db, style: str, tmp_path: Path) -> None:
    prof = profile()
    dialect = "mysql" if db.dialect == "mariadb" else db.dialect
    manifest = write_sql(prof, tmp_path / "sql", dialect=dialect, sql_style=style)
    synth.write(prof, tmp_path / "pq", seed=SEED)
    load(db.dialect, db.url, tmp_path / "sql" / "schema.sql", tmp_path / "sql" / "data.sql")
    loaded = database_rows(db.dialect, db.url, prof, manifest)
    assert loaded == parquet_rows(prof, tmp_path / "pq")


def test_generated_arrays_load_with_the_real_client(db: Db, tmp_path: Path) -> None:
    """schema.sql and data.sql from synth (arrays on PostgreSQL, JSON elsewhere) load with
    psql, the mariadb client or sqlite3, and hold the Parquet output's lists."""
    _generated_round_trip(db, "insert", tmp_path)


@pytest.mark.postgres
def test_generated_arrays_load_as_copy(pg: Db, tmp_path: Path) -> None:
    _generated_round_trip(pg, "copy", tmp_path)


def test_tricky_elements_survive_every_path(
    db: Db,
    fresh: Callable[[str], str],  # noqa: F811
    tmp_path: Path,
) -> None:
    """The same lists through ``load_into`` (COPY on PostgreSQL, executemany elsewhere)
    and through INSERT literals come back element for element."""
    prof = profile()
    dialect = "mysql" if db.dialect == "mariadb" else db.dialect
    write_sql(prof, tmp_path / "sql", dialect=dialect)
    schema = tmp_path / "sql" / "schema.sql"
    frame = tricky_frame(prof)
    want = expected(frame, prof)

    load(db.dialect, db.url, schema)
    synth.load_into({"people": frame}, db.url)
    assert read_back(db.url, prof) == want

    other = db.url if db.dialect == "sqlite" else fresh(db.dialect)
    if db.dialect == "sqlite":
        engine = sa.create_engine(other)
        with engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM people")
        engine.dispose()
    else:
        load(db.dialect, other, schema)
    d = dialect_named(dialect)
    cols = prof.table("people").columns
    rendered = frame.select([d.column_literals(c).expr for c in cols])
    values = ",\n".join("(" + ", ".join(r) + ")" for r in rendered.rows())
    quote = '"' if dialect != "mysql" else "`"
    names = ", ".join(f"{quote}{c.name}{quote}" for c in cols)
    statement = tmp_path / "insert.sql"
    prefix = "SET NAMES utf8mb4; SET time_zone = '+00:00';\n" if dialect == "mysql" else ""
    statement.write_text(f"{prefix}INSERT INTO people ({names}) VALUES\n{values};\n", "utf-8")
    load(db.dialect, other, statement)
    assert read_back(other, prof) == want


@pytest.mark.postgres
def test_copy_fields_load_with_psql(pg: Db, tmp_path: Path) -> None:
    """COPY text fields of tricky arrays, as the writer's ``--sql-style copy`` spells them."""
    prof = profile()
    write_sql(prof, tmp_path / "sql", dialect="postgresql")
    load("postgresql", pg.url, tmp_path / "sql" / "schema.sql")
    frame = tricky_frame(prof)
    cols = prof.table("people").columns
    d = dialect_named("postgresql")
    fields = frame.select([d.column_literals(c, copy=True).expr for c in cols])
    lines = "\n".join("\t".join(r) for r in fields.rows())
    names = ", ".join(f'"{c.name}"' for c in cols)
    block = tmp_path / "copy.sql"
    block.write_text(f"COPY people ({names}) FROM stdin;\n{lines}\n\\.\n", "utf-8")
    load("postgresql", pg.url, block)
    assert read_back(pg.url, prof) == expected(frame, prof)
    libpq = make_url(pg.url).set(drivername="postgresql").render_as_string(hide_password=False)
    raw = subprocess.run(
        ["psql", "-X", "-At", "-d", libpq, "-c",
         "SELECT tags[5], tags[6] IS NULL FROM people WHERE id = 1"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert raw == "{braces}|f"  # the text NULL is a string, not a NULL element


@pytest.mark.postgres
def test_zoned_timestamp_arrays_keep_their_zone(pg: Db, tmp_path: Path) -> None:
    pg.run(
        "CREATE TABLE t (id integer PRIMARY KEY, stamps timestamptz[], days date[])",
        "INSERT INTO t SELECT i, ARRAY[timestamptz '2024-01-01 10:00+02'], ARRAY[date '2024-01-01']"
        " FROM generate_series(1, 50) AS i",
    )
    prof = synth.profile(pg.url)
    stamps = prof.table("t").column("stamps")
    assert (stamps.items, stamps.timezone) == (LogicalType.DATETIME, True)
    assert prof.table("t").column("days").timezone is False
    frame = synth.generate(prof, rows=5, seed=1)["t"]
    assert frame.schema["stamps"] == pl.List(pl.Datetime("us", "UTC"))
    d = dialect_named("postgresql")
    literal = frame.select(d.column_literals(stamps).expr).to_series().drop_nulls()[0]
    assert "+00:00" in literal


def test_json_arrays_are_valid_json(tmp_path: Path) -> None:
    prof = profile()
    d = dialect_named("sqlite")
    frame = tricky_frame(prof)
    tags = prof.table("people").column("tags")
    out = frame.select(d.column_literals(tags).expr).to_series().to_list()
    first = json.loads(out[0][1:-1].replace("''", "'"))
    assert first == TRICKY[0]
    assert out[3] == "NULL"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert json.loads(out[2][1:-1]) == []
