"""``synth expectations``: GX 1.x suites from the demo profile, validated on its fixtures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import sqlalchemy as sa

import synth
from synth.checks.gx import (
    SuiteResult,
    build_suite,
    dump_suite,
    make_expectations,
    run_suite,
    validate_fixtures,
)
from synth.errors import SourceError
from synth.model import Profile
from synth.model.io import read_profile, write_profile
from tests.cli.test_errors import assert_one_line_error, run

gx = pytest.importorskip("great_expectations")

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "profiles" / "shop.yaml"


@pytest.fixture(scope="module")
def profile() -> Profile:
    return read_profile(DEMO)


@pytest.fixture(scope="module")
def fixture_dir(profile: Profile, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gx") / "fixtures"
    synth.write(profile, out, rows=2000, seed=7)
    return out


@pytest.fixture(scope="module")
def tables(fixture_dir: Path) -> dict[str, pl.DataFrame]:
    return synth.load(fixture_dir)


def _failures(result: SuiteResult) -> str:
    return "\n".join(
        f"{o.table}.{o.column}: {o.expectation}: {o.observed} ({o.note})" for o in result.failures
    )


def _walk_keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _walk_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _walk_keys(v)}
    return set()


def test_suite_json_round_trips_through_gx(profile: Profile) -> None:
    suite = build_suite(profile, name="shop")
    text = dump_suite(suite)
    assert text == dump_suite(build_suite(profile, name="shop"))  # deterministic
    data = json.loads(text)
    assert (data["kind"], data["version"]) == ("synth-expectations", 1)
    assert [s["name"] for s in data["suites"]] == [f"shop.{t.key}" for t in profile.tables]
    assert "id" not in _walk_keys(data) and "great_expectations_version" not in text
    for element in data["suites"]:
        loaded = gx.ExpectationSuite(**element)
        assert loaded.name == element["name"]
        assert len(loaded.expectations) == len(element["expectations"])
        for exp in element["expectations"]:
            assert exp["notes"] and exp["meta"]["synth"]["trait"], exp


def test_suite_encodes_the_production_shapes(profile: Profile) -> None:
    suites = {s["meta"]["synth"]["table"]: s for s in build_suite(profile)["suites"]}
    notes = [e["notes"] for e in suites["users"]["expectations"]]
    assert any("legacy value 'premium' (trait legacy_value" in n for n in notes), notes
    plan_set = next(
        e
        for e in suites["users"]["expectations"]
        if e["type"] == "expect_column_values_to_be_in_set" and e["kwargs"]["column"] == "plan"
    )
    assert "premium" in plan_set["kwargs"]["value_set"]  # legacy values are allowed values
    status = next(
        e
        for e in suites["orders"]["expectations"]
        if e["type"] == "expect_column_values_to_be_in_set" and e["kwargs"]["column"] == "status"
    )
    assert set(status["kwargs"]["value_set"]) == {
        "pending",
        "paid",
        "shipped",
        "cancelled",
        "refunded",
    }
    assert "mostly" not in status["kwargs"]  # a declared domain: every value, always
    created = next(
        e
        for e in suites["orders"]["expectations"]
        if e["type"] == "expect_column_values_to_be_between"
        and e["kwargs"]["column"] == "created_at"
    )
    assert created["kwargs"]["max_value"] == "2036-10-29T00:00:00"  # as_of + 3650 days
    rows = [e for e in suites["users"]["expectations"] if "row_count" in e["type"]]
    assert rows[0]["kwargs"] == {"min_value": 1}
    exact = build_suite(profile, rows=2000)["suites"]
    counts = {
        s["meta"]["synth"]["table"]: e["kwargs"]
        for s in exact
        for e in s["expectations"]
        if "row_count" in e["type"]
    }
    assert counts["order_items"] == {"min_value": 2000, "max_value": 2000}


def test_fixtures_from_the_profile_pass_every_expectation(
    profile: Profile, fixture_dir: Path, tmp_path: Path
) -> None:
    result = validate_fixtures(DEMO, fixture_dir)
    assert result.success, _failures(result)
    assert len(result.outcomes) > 100
    assert {o.table for o in result.outcomes} == {t.key for t in profile.tables}
    exact = make_expectations(profile, rows=2000, out=tmp_path / "s.json", fixtures=fixture_dir)
    assert exact.result is not None
    assert exact.result.success, _failures(exact.result)
    assert exact.exit_code == 0 and (tmp_path / "s.json").is_file()
    assert exact.summary().endswith(f"expectations pass on {fixture_dir}\n")


LEGACY = [
    pytest.param("users", "plan", "premium", id="users.plan=premium"),
    pytest.param("users", "status", "ACTIVE", id="users.status=ACTIVE"),
    pytest.param("orders", "currency", "usd", id="orders.currency=usd"),
]


@pytest.mark.parametrize(("table", "column", "value"), LEGACY)
def test_removing_a_legacy_value_fails_its_expectation(
    profile: Profile, tables: dict[str, pl.DataFrame], table: str, column: str, value: str
) -> None:
    cleaned = dict(tables)
    cleaned[table] = tables[table].filter(pl.col(column) != value)
    result = run_suite(profile, cleaned)
    assert not result.success
    failed = [(o.table, o.column, o.expectation) for o in result.failures]
    assert (table, column, "expect_column_distinct_values_to_contain_set") in failed, failed
    mine = next(o for o in result.failures if o.column == column and o.table == table)
    assert f"legacy value {value!r}" in mine.note
    assert mine.observed == f"missing value(s) {value!r}"  # what GX saw, not '-'
    in_set = [
        o
        for o in result.outcomes
        if (o.table, o.column, o.expectation)
        == (table, column, "expect_column_values_to_be_in_set")
    ]
    assert in_set and in_set[0].success  # a value set alone cannot see a missing value


def test_a_missing_column_is_named_in_what_was_observed(
    profile: Profile, tables: dict[str, pl.DataFrame]
) -> None:
    partial = {**tables, "users": tables["users"].drop("plan")}
    result = run_suite(profile, partial)
    observed = {(o.column, o.expectation): o.observed for o in result.failures}
    assert observed[(None, "expect_table_columns_to_match_set")] == "missing columns plan"
    plan = {k: v for k, v in observed.items() if k[0] == "plan"}
    assert ("plan", "expect_column_values_to_be_in_set") in plan, observed
    assert set(plan.values()) == {"column 'plan' is missing from the fixture"}, plan
    assert {o.table for o in result.failures} == {"users"}


def test_a_missing_table_is_a_failure(profile: Profile, tables: dict[str, pl.DataFrame]) -> None:
    partial = {k: v for k, v in tables.items() if k != "payments"}
    result = run_suite(profile, partial)
    assert [o.table for o in result.failures] == ["payments"]


def test_building_a_suite_does_not_import_gx() -> None:
    code = (
        "import sys\nfrom synth.model.io import read_profile\n"
        "from synth.checks.gx import build_suite\n"
        f"build_suite(read_profile({str(DEMO)!r}))\n"
        "print([m for m in sys.modules if m.startswith(('great_expectations', 'pandas'))])\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"


def test_cli_writes_the_suites_atomically(tmp_path: Path, profile: Profile) -> None:
    out = tmp_path / "gx" / "shop_suite.json"
    result = run("expectations", str(DEMO), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "5 suites" in result.stderr
    assert json.loads(out.read_text()) == json.loads(dump_suite(build_suite(profile, name="shop")))
    assert sorted(p.name for p in out.parent.iterdir()) == ["shop_suite.json"]  # no temp file


def test_cli_validates_a_fixture_directory(tmp_path: Path) -> None:
    fx = tmp_path / "fx"
    synth.write(DEMO, fx, rows=300, seed=1)
    result = run("expectations", str(DEMO), "--out", "s.json", "--fixtures", str(fx), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "expectations pass on" in result.stderr


def test_cli_checks_the_fixtures_before_writing_the_suites(tmp_path: Path) -> None:
    result = run("expectations", str(DEMO), "--out", "s.json", "--fixtures", "nope", cwd=tmp_path)
    assert_one_line_error(result, "'nope' does not exist")
    assert list(tmp_path.iterdir()) == []  # nothing written
    with pytest.raises(SourceError, match="does not exist"):
        make_expectations(DEMO, out=tmp_path / "s.json", fixtures=tmp_path / "nope")
    assert list(tmp_path.iterdir()) == []


def test_array_and_binary_columns_pass_on_their_own_fixtures(
    tmp_path: Path, postgres_url: str
) -> None:
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE tagged (id int PRIMARY KEY, tags text[], blob bytea)"))
        conn.execute(
            sa.text(
                "INSERT INTO tagged SELECT i,"
                " CASE WHEN i % 5 = 0 THEN NULL ELSE ARRAY['a', 'b'] END,"
                " CASE WHEN i % 7 = 0 THEN NULL ELSE '\\x0102'::bytea END"
                " FROM generate_series(1, 200) AS i"
            )
        )
    engine.dispose()
    prof = synth.profile(postgres_url)
    assert [c.type for c in prof.table("tagged").columns] == ["integer", "array", "binary"]
    write_profile(prof, tmp_path / "tag.yaml")
    synth.write(prof, tmp_path / "tagfx")
    (suite,) = build_suite(prof)["suites"]
    kinds = {
        (e["kwargs"].get("column"), e["type"])
        for e in suite["expectations"]
        if e["kwargs"].get("column") in ("tags", "blob")
    }
    assert kinds == {  # NULL shares only: GX compares whole cells, not elements or bytes
        ("tags", "expect_column_proportion_of_non_null_values_to_be_between"),
        ("blob", "expect_column_proportion_of_non_null_values_to_be_between"),
    }
    result = run("expectations", "tag.yaml", "--out", "s.json", "--fixtures", "tagfx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "6 of 6 expectations pass on tagfx" in result.stderr
    frames = synth.load(tmp_path / "tagfx")
    frames["tagged"] = frames["tagged"].with_columns(pl.lit(None, pl.Binary).alias("blob"))
    failed = run_suite(prof, frames).failures
    assert [(o.column, o.observed) for o in failed] == [("blob", "0.0% of rows non-NULL")]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        pytest.param(["missing.yaml"], "does not exist", id="missing-profile"),
        pytest.param(["bad.yaml"], "not a synth profile", id="not-a-profile"),
        pytest.param([str(DEMO), "--out", "blocker/x.json"], "cannot write", id="unwritable-out"),
    ],
)
def test_cli_errors_are_one_line(tmp_path: Path, args: list[str], needle: str) -> None:
    (tmp_path / "bad.yaml").write_text("kind: something-else\n")
    (tmp_path / "blocker").write_text("a file where a directory should be")
    result = run("expectations", *args, cwd=tmp_path)
    assert_one_line_error(result, needle)
