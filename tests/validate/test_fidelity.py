"""``synth.checks.fidelity.validate`` as a library: same profile passes, a tampered one fails and
names the column, tolerances are checked and overridable."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import synth
from synth.checks.fidelity import Tolerances, ValidationReport, validate
from synth.errors import SourceError, UsageError
from synth.model import Profile
from tests.validate.conftest import SHOP


def test_fixtures_from_the_same_profile_pass_at_10k_rows(good_dir: Path, shop: Profile) -> None:
    report = validate(SHOP, good_dir)
    assert report.ok, [(c.where, c.check, c.subject, c.note) for c in report.failures]
    assert report.digest_matches is True
    assert [c.key for c in report.columns] == [
        f"{t.key}.{c.name}" for t in shop.tables for c in t.columns
    ]
    kinds = {c.check for c in report.checks}
    assert {"null_fraction", "frequencies", "quantiles", "lengths"} <= kinds
    assert {"trait_presence", "trait_rate"} <= kinds
    # every trait of the profile is compared: column traits and table traits
    labels = {c.subject for c in report.checks if c.check == "trait_presence"}
    assert "email:whitespace_padded" in labels
    assert any(label.startswith("orphan(order_id)") for label in labels)
    assert any(label.startswith("null_pattern(full_name,last_login_at)") for label in labels)


def test_tampered_profile_fails_and_names_the_columns(bad_dir: Path) -> None:
    report = validate(SHOP, bad_dir)
    assert not report.ok
    failed = {(c.where, c.check) for c in report.failures}
    assert ("users.email", "trait_presence") in failed
    assert ("users.postal_code", "null_fraction") in failed
    assert {where for where, _ in failed} == {"users.email", "users.postal_code"}
    assert report.digest_matches is False
    null = next(c for c in report.failures if c.check == "null_fraction")
    assert null.expected == pytest.approx(0.146833) and null.observed == pytest.approx(
        0.5, abs=0.05
    )


def test_json_holds_every_check_failures_first(bad_dir: Path) -> None:
    data = json.loads(validate(SHOP, bad_dir).to_json())
    assert data["ok"] is False
    assert data["summary"]["failed_columns"] == ["users.email", "users.postal_code"]
    assert data["checks"][0]["ok"] is False and data["checks"][-1]["ok"] is True
    assert data["tolerances"]["null_fraction"] == Tolerances().null_fraction


def test_frames_and_tolerance_overrides(bad_dir: Path, shop: Profile) -> None:
    frames = synth.load(bad_dir)
    report = validate(shop, frames, tolerances={"null_fraction": 0.5})
    assert report.fixtures == "<frames>" and report.digest_matches is None
    failed = {(c.where, c.check) for c in report.failures}
    # postal_code's format masks are shares of all rows: half NULL moves them too
    assert failed - {("users.postal_code", "trait_rate")} == {("users.email", "trait_presence")}
    # the same override as the CLI spells it
    same = validate(shop, frames, tolerances=["null_fraction=0.5"])
    assert [c.ok for c in same.checks] == [c.ok for c in report.checks]


@pytest.mark.parametrize(
    ("given", "needle"),
    [
        ({"nul_fraction": 0.1}, "unknown name"),
        (["null_fraction"], "NAME=VALUE"),
        (["null_fraction=lots"], "not a number"),
        ({"quantiles": -1}, ">= 0"),
    ],
)
def test_bad_tolerances_are_usage_errors(given: object, needle: str) -> None:
    with pytest.raises(UsageError, match=needle):
        Tolerances.of(given)  # type: ignore[arg-type]


def test_missing_table_and_missing_directory(good_dir: Path, shop: Profile, tmp_path: Path) -> None:
    frames = synth.load(good_dir)
    del frames["users"]
    with pytest.raises(UsageError, match="table 'users' of the profile is missing"):
        validate(shop, frames)
    with pytest.raises(SourceError, match=r"no manifest\.json"):
        validate(shop, tmp_path)


def test_small_fixture_is_judged_by_its_noise(shop: Profile) -> None:
    """A 200-row fixture of the same profile passes: tolerances widen with sampling
    noise, and traits forced by --min-trait-rows are expected above their share."""
    report = validate(shop, synth.generate(shop, rows=200, seed=5, min_trait_rows=3),
                      min_trait_rows=3)  # fmt: skip
    assert isinstance(report, ValidationReport)
    assert report.ok, [(c.where, c.check, c.subject, c.note) for c in report.failures]


def test_gx_engine_reports_suite_outcomes(good_dir: Path, shop: Profile) -> None:
    """The Great Expectations suite (great_expectations is in the dev extra) passes on
    fixtures of the same profile, and its outcomes replace synth's own checks."""
    report = validate(SHOP, good_dir, engine="gx")
    assert report.engine == "gx"
    assert report.checks and {c.check for c in report.checks} == {"gx"}
    assert report.ok, [(c.where, c.subject, c.observed, c.note) for c in report.failures]
    assert len(report.columns) == sum(len(t.columns) for t in shop.tables)
