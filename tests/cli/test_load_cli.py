"""``synth load DIR --to URL`` and ``synth generate --to URL``: the happy path and the
one-line errors (exit status 2), with nothing written to the target."""

from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path

import pytest

import synth
from tests.cli.test_errors import assert_one_line_error, run

PROFILE = Path(__file__).resolve().parents[2] / "profiles" / "shop.yaml"


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli-load") / "fixtures"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        synth.write(PROFILE, out, rows=100, seed=2)
        synth.write(PROFILE, out.parent / "sql", format="sql", dialect="sqlite", rows=5)
    return out


def make_target(path: Path, fixtures: Path) -> str:
    schema = (fixtures.parent / "sql" / "schema.sql").read_text(encoding="utf-8")
    with sqlite3.connect(path) as conn:
        conn.executescript(schema)
    return f"sqlite:///{path}"


def table_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: conn.execute(f'SELECT COUNT(*) FROM "{n}"').fetchone()[0] for n in names}


def test_load_happy_path(tmp_path: Path, fixtures: Path):
    url = make_target(tmp_path / "x.db", fixtures)
    result = run("load", str(fixtures), "--to", url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    manifest = synth.read_manifest(fixtures)
    expected = {key: t.rows for key, t in manifest.tables.items()}
    assert table_counts(tmp_path / "x.db") == expected
    assert f"loaded 5 tables, {sum(expected.values()):,} rows -> sqlite:///" in result.stderr
    assert "\r" not in result.stderr  # no progress bar when stderr is not a terminal

    again = run("load", str(fixtures), "--to", url, "--truncate", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert table_counts(tmp_path / "x.db") == expected


def test_load_missing_directory(tmp_path: Path, fixtures: Path):
    url = make_target(tmp_path / "x.db", fixtures)
    result = run("load", "nope", "--to", url, cwd=tmp_path)
    assert_one_line_error(result, "'nope' does not exist", "synth generate")
    assert set(table_counts(tmp_path / "x.db").values()) == {0}


def test_load_missing_table(tmp_path: Path, fixtures: Path):
    (tmp_path / "empty.db").touch()  # a database without tables
    result = run("load", str(fixtures), "--to", f"sqlite:///{tmp_path / 'empty.db'}", cwd=tmp_path)
    assert_one_line_error(result, "table 'tenants' does not exist", "schema.sql", "migrations")
    assert table_counts(tmp_path / "empty.db") == {}


def test_load_into_a_missing_sqlite_file_creates_nothing(tmp_path: Path, fixtures: Path):
    result = run("load", str(fixtures), "--to", f"sqlite:///{tmp_path / 'nope.db'}", cwd=tmp_path)
    assert_one_line_error(result, "nope.db' does not exist", "schema.sql")
    assert not (tmp_path / "nope.db").exists()


def test_load_non_empty_target(tmp_path: Path, fixtures: Path):
    url = make_target(tmp_path / "x.db", fixtures)
    with sqlite3.connect(tmp_path / "x.db") as conn:
        conn.execute("INSERT INTO payments (id, order_id, amount, method) VALUES (1, 1, 2, 'x')")
    result = run("load", str(fixtures), "--to", url, cwd=tmp_path)
    assert_one_line_error(result, "table 'payments'", "already holds rows", "--truncate")
    counts = table_counts(tmp_path / "x.db")
    assert counts.pop("payments") == 1
    assert set(counts.values()) == {0}


def test_generate_to(tmp_path: Path, fixtures: Path):
    url = make_target(tmp_path / "x.db", fixtures)
    result = run("generate", str(PROFILE), "--rows", "40", "--to", url, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "loaded 5 tables" in result.stderr
    assert table_counts(tmp_path / "x.db")["order_items"] == 40
    assert not (tmp_path / "build").exists()  # nothing written besides the database

    bad = run("generate", str(PROFILE), "--to", url, "--format", "sql", cwd=tmp_path)
    assert_one_line_error(bad, "--to", "--format sql")
    loose = run("generate", str(PROFILE), "--truncate", cwd=tmp_path)
    assert_one_line_error(loose, "--truncate", "--to")
