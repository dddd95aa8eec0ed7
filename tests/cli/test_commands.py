"""The happy path of each command, as a user runs it."""

from __future__ import annotations

import re
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


def test_schema_prints_json_schema(tmp_path: Path) -> None:
    import json

    result = run("schema", cwd=tmp_path)
    assert result.returncode == 0
    assert json.loads(result.stdout)["title"].startswith("synth profile")


ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "profiles" / "shop.yaml"


def test_traits_lists_every_shape_of_the_demo_profile(tmp_path: Path) -> None:
    result = run("traits", str(DEMO), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "users.plan" in result.stdout and "legacy_value" in result.stdout
    assert "'premium'" in result.stdout  # a frequent value, allowed into the profile
    assert "'pro' / 'Pro' / 'PRO'" in result.stdout  # case variants from the profile itself
    assert "32 characters in VARCHAR(32)" in result.stdout  # max_length names its column
    assert result.stdout.rstrip().endswith("shapes")


def test_generate_boost_and_min_trait_rows(tmp_path: Path) -> None:
    result = run(
        "generate", str(DEMO), "--rows", "400", "--seed", "3", "--out", "fx",
        "--boost", "users.last_login_at:null=0.6", "--min-trait-rows", "3", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    users = synth.load(tmp_path / "fx")["users"]
    assert 0.5 < users["last_login_at"].null_count() / users.height < 0.7
    manifest = synth.read_manifest(tmp_path / "fx")
    assert manifest.options["boost"] == {"users.last_login_at:null": 0.6}
    from synth.generator.inject import trait_label

    never = {  # an order production always keeps: its breaking rows must stay absent
        f"{t.key}:{trait_label(s, None, qualified=True)}"
        for t in synth.read_profile(DEMO).tables
        for s in t.traits
        if s.fraction == 0
    }
    short = {
        f"{table}:{label}": carried.rows
        for table, rows in manifest.traits.items()
        for label, carried in rows.items()
        if carried.rows < 3
        and ":format=" not in label  # masks are shares, not forced in
        and f"{table}:{label}" not in never
    }
    assert short == {}


def test_generate_as_of_reanchors_times(tmp_path: Path) -> None:
    for name, as_of in (("kept", None), ("moved", "2027-11-01T00:00:00Z")):
        extra = ["--as-of", as_of] if as_of else []
        result = run(
            "generate", str(DEMO), "--rows", "100", "--seed", "1", "--out", name, *extra,
            cwd=tmp_path,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
    kept = synth.load(tmp_path / "kept")["orders"]["created_at"].drop_nulls()
    moved = synth.load(tmp_path / "moved")["orders"]["created_at"].drop_nulls()
    shift = (moved.max() - kept.max()).days
    assert 360 <= shift <= 370  # one year later, same shape


def test_profile_as_of_is_recorded(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "app.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, created_at TIMESTAMP)")
        conn.executemany(
            "INSERT INTO t (created_at) VALUES (?)", [(f"2025-0{i % 9 + 1}-01",) for i in range(30)]
        )
    out = tmp_path / "p.yaml"
    result = run(
        "profile", f"sqlite:///{db}", "--as-of", "2026-01-01T00:00:00Z", "--out", str(out),
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "as_of: '2026-01-01T00:00:00Z'" in out.read_text()


def test_audit_lists_literal_values_and_fails_on_a_rare_one(tmp_path: Path) -> None:
    data = tmp_path / "orders.parquet"
    status = ["paid"] * 60 + ["open"] * 37 + ["Legacy Gold"] * 3
    pl.DataFrame({"status": status, "n": list(range(100))}).write_parquet(data)
    prof = tmp_path / "orders.yaml"
    assert run("profile", str(data), "--out", str(prof), cwd=tmp_path).returncode == 0
    text = prof.read_text()
    assert "Legacy Gold" not in text and "other:" in text

    result = run("audit", str(prof), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert re.search(r"orders\.status +frequent +'paid'", result.stdout)
    assert "shared by 60 >= k=10 rows" in result.stdout
    assert "the k-th smallest value (k=10)" in result.stdout
    assert result.stdout.rstrip().endswith("0 not allowed; k = 10")

    edited = text.replace("other:", "other_:", 1).split("      other_:")[0]
    edited += "      - {value: Legacy Gold, fraction: 0.03}\n" + text.split("case: title\n", 1)[1]
    bad = tmp_path / "edited.yaml"
    bad.write_text(edited)
    result = run("audit", str(bad), cwd=tmp_path)
    assert result.returncode == 2 and "Legacy Gold" in result.stdout
    (line,) = result.stderr.strip().splitlines()
    assert "edited.yaml: 1 literal values may not be in a profile" in line
    assert "'Legacy Gold' (shared by only 3 < k=10 rows)" in line


def test_generate_sql_loads_into_sqlite(tmp_path: Path) -> None:
    import sqlite3

    result = run(
        "generate", str(DEMO), "--rows", "120", "--seed", "2", "--format", "sql",
        "--dialect", "sqlite", "--split", "--out", "sqlfx", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    manifest = synth.read_manifest(tmp_path / "sqlfx")
    assert manifest.format == "sql" and manifest.options["dialect"] == "sqlite"
    conn = sqlite3.connect(tmp_path / "loaded.db")
    conn.executescript((tmp_path / "sqlfx" / "schema.sql").read_text(encoding="utf-8"))
    for key in manifest.tables:
        conn.executescript((tmp_path / "sqlfx" / f"{key}.sql").read_text(encoding="utf-8"))
    for key, table in manifest.tables.items():
        assert conn.execute(f'SELECT COUNT(*) FROM "{key}"').fetchone()[0] == table.rows, key
    conn.close()
