"""Empty sources and wrong names are errors, views are listed as skipped: a source with no
table is exit 2 saying what was found, an unknown --time-column/--segment-by table is an
error, on real PostgreSQL, MariaDB and SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.test_errors import assert_one_line_error, run
from tests.integration.traits_support import Db

VIEWS = {
    "postgresql": [
        "CREATE VIEW v_users AS SELECT 1 AS id",
        "CREATE MATERIALIZED VIEW mv_totals AS SELECT 2 AS total",
    ],
    "mariadb": ["CREATE VIEW v_users AS SELECT 1 AS id"],
    "sqlite": ["CREATE VIEW v_users AS SELECT 1 AS id"],
}


def test_an_empty_database_is_an_error(db: Db, tmp_path: Path) -> None:
    if db.dialect == "sqlite":
        import sqlite3

        sqlite3.connect(db.url.removeprefix("sqlite:///")).close()
    out = tmp_path / "p.yaml"
    result = run("profile", db.url, "--out", str(out), cwd=tmp_path)
    assert_one_line_error(result, "no table to profile", "found nothing", "--schema")
    assert not out.exists()


def test_views_only_is_an_error_listing_them(db: Db, tmp_path: Path) -> None:
    db.run(*VIEWS[db.dialect])
    out = tmp_path / "p.yaml"
    result = run("profile", db.url, "--out", str(out), cwd=tmp_path)
    line = assert_one_line_error(result, "no table to profile", "1 view (v_users)")
    if db.dialect == "postgresql":
        assert "1 materialized view (mv_totals)" in line
    assert not out.exists()


def test_views_beside_tables_are_listed_as_skipped(db: Db, tmp_path: Path) -> None:
    db.run("CREATE TABLE t (id integer PRIMARY KEY)", *VIEWS[db.dialect])
    out = tmp_path / "p.yaml"
    result = run("profile", db.url, "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "warning: skipped 1 view (v_users)" in result.stderr
    assert out.exists()


@pytest.mark.parametrize(
    ("flag", "value", "needle"),
    [
        ("--time-column", "nosuch.created_at", "table 'nosuch' is not profiled"),
        ("--time-column", "t.nosuch", "has no date or timestamp column 'nosuch'"),
        ("--segment-by", "nosuch.kind", "table 'nosuch' is not profiled"),
        ("--segment-by", "t.nosuch", "has no column 'nosuch'"),
    ],
)
def test_unknown_time_column_and_segment_by_are_errors(
    pg: Db, tmp_path: Path, flag: str, value: str, needle: str
) -> None:
    pg.run("CREATE TABLE t (id integer PRIMARY KEY, created_at timestamp, kind text)")
    out = tmp_path / "p.yaml"
    result = run("profile", pg.url, flag, value, "--out", str(out), cwd=tmp_path)
    assert_one_line_error(result, needle)
    assert not out.exists()
