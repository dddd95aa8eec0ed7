"""``synth expectations``: GX 1.x suites from the demo profile, validated on its fixtures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import synth
from synth._profile_io import read_profile
from synth.expectations import SuiteResult, build_suite, dump_suite, run_suite
from synth.model import Profile
from tests.cli.test_errors import assert_one_line_error, run

gx = pytest.importorskip("great_expectations")

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "profiles" / "shop.yaml"


@pytest.fixture(scope="module")
def profile() -> Profile:
    return read_profile(DEMO)


@pytest.fixture(scope="module")
def tables(profile: Profile, tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    out = tmp_path_factory.mktemp("gx") / "fixtures"
    synth.write(profile, out, rows=2000, seed=7)
    return synth.load(out)


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
    profile: Profile, tables: dict[str, pl.DataFrame]
) -> None:
    result = run_suite(profile, tables)
    assert result.success, _failures(result)
    assert len(result.outcomes) > 100
    assert {o.table for o in result.outcomes} == {t.key for t in profile.tables}
    exact = run_suite(profile, tables, rows=2000)
    assert exact.success, _failures(exact)


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
    in_set = [
        o
        for o in result.outcomes
        if (o.table, o.column, o.expectation)
        == (table, column, "expect_column_values_to_be_in_set")
    ]
    assert in_set and in_set[0].success  # a value set alone cannot see a missing value


def test_a_missing_table_is_a_failure(profile: Profile, tables: dict[str, pl.DataFrame]) -> None:
    partial = {k: v for k, v in tables.items() if k != "payments"}
    result = run_suite(profile, partial)
    assert [o.table for o in result.failures] == ["payments"]


def test_building_a_suite_does_not_import_gx() -> None:
    code = (
        "import sys\nfrom synth._profile_io import read_profile\n"
        "from synth.expectations import build_suite\n"
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
