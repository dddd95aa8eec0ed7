"""The happy path of each command, as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl

import synth
from tests.cli.test_errors import run


def test_profile_generate_show_load(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "app.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE tenants (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL)")
        conn.execute(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, tenant_id INTEGER REFERENCES tenants(id),"
            " plan TEXT, last_login_at TIMESTAMP)"
        )
        conn.executemany("INSERT INTO tenants (name) VALUES (?)", [(f"t{i}",) for i in range(10)])
        conn.executemany(
            "INSERT INTO users (tenant_id, plan, last_login_at) VALUES (?, ?, ?)",
            [
                (
                    i % 10 + 1,
                    ["free", "pro", "premium"][i % 3],
                    None if i % 4 == 0 else f"2025-0{i % 9 + 1}-1{i % 10} 12:00:00",
                )
                for i in range(200)
            ],
        )
    prof = tmp_path / "profiles" / "app.yaml"
    result = run("profile", f"sqlite:///{db}", "--out", str(prof), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "2 tables" in result.stderr
    assert prof.read_text().startswith("kind: synth-profile\nversion: 1\n")

    shown = run("show", str(prof), cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "users" in shown.stdout and "NULL in 25.0%" in shown.stdout

    gen = run("generate", str(prof), "--rows", "400", "--seed", "7", "--out", "fx", cwd=tmp_path)
    assert gen.returncode == 0, gen.stderr
    tables = synth.load(tmp_path / "fx")
    assert list(tables) == ["tenants", "users"]  # parents first
    assert tables["users"].height == 400
    assert tables["tenants"].height == 20  # relative size kept: 10/200 of 400
    assert set(tables["users"]["tenant_id"].drop_nulls()) <= set(tables["tenants"]["id"])
    assert tables["users"]["last_login_at"].dtype == pl.Datetime("us")
    assert tables["users"]["last_login_at"].null_count() > 0


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys\n"
        "from synth.cli import main\n"
        "sys.argv = ['synth', '--help']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('great_expectations', 'polars', 'faker', 'sqlalchemy', 'pyarrow')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "HEAVY []" in result.stdout


def test_schema_prints_json_schema(tmp_path: Path) -> None:
    import json

    result = run("schema", cwd=tmp_path)
    assert result.returncode == 0
    assert json.loads(result.stdout)["title"].startswith("synth profile")
