"""legacy_value: retired and unknown values planted in real databases, profiled, regenerated.

``users.plan`` holds ``premium`` only in rows created before the plan was retired
(700 days ago), and ``basic``, which the known-values file does not list. The
generated rows are measured with plain polars: each legacy value's share, and that
``premium`` appears only in rows dated before its last appearance.
"""

from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

import synth
from synth.errors import UsageError
from synth.model import Profile, TraitStat
from synth.model.io import read_profile
from synth.review.show import render_profile
from tests.integration.traits_support import ROWS, SMALL, Db, close_enough

USERS = 3000
SPAN_DAYS = 5 * 365
RETIRED_DAYS = 700
PREMIUM_SHARE, BASIC_SHARE = 0.15, 0.04
KNOWN = {"users.plan": ["free", "pro", "team", "premium"]}


def _stamp(db: Db) -> str:
    return "DATETIME" if db.dialect == "mariadb" else "TIMESTAMP"


def _plant(db: Db) -> tuple[float, float, dt.datetime]:
    """Users over five years; returns the planted shares of premium and basic and the
    newest premium row's time."""
    rng = random.Random(11)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    retired = now - dt.timedelta(days=RETIRED_DAYS)
    users, events = [], []
    for i in range(1, USERS + 1):
        created = now - dt.timedelta(days=1, seconds=rng.randrange(SPAN_DAYS * 86_400))
        plan = rng.choice(["free", "free", "pro", "team"])
        if created < retired and rng.random() < PREMIUM_SHARE:
            plan = "premium"
        elif rng.random() < BASIC_SHARE:
            plan = "basic"
        region = "antarctica" if i in (5, 6) else rng.choice(["eu", "us", "apac"])
        if i in (5, 6):
            created = now - dt.timedelta(days=1500 + i)  # a rare value, old by chance
        users.append({"id": i, "plan": plan, "region": region, "created_at": created})
    for i in range(1, 501):  # a table nobody writes any more: nothing in it is legacy
        created = now - dt.timedelta(days=1000, seconds=rng.randrange(500 * 86_400))
        events.append({"id": i, "kind": rng.choice(["a", "b", "c"]), "created_at": created})
    db.run(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, plan VARCHAR(20) NOT NULL, "
        f"region VARCHAR(20) NOT NULL, created_at {_stamp(db)} NOT NULL)",
        "CREATE TABLE events (id INTEGER PRIMARY KEY, kind VARCHAR(10) NOT NULL, "
        f"created_at {_stamp(db)} NOT NULL)",
        rows={"users": users, "events": events},
    )
    premium = [u for u in users if u["plan"] == "premium"]
    basic = [u for u in users if u["plan"] == "basic"]
    newest = max(u["created_at"] for u in premium)
    return len(premium) / USERS, len(basic) / USERS, newest


def _legacy(profile: Profile, table: str, column: str) -> dict[object, TraitStat]:
    col = profile.table(table).column(column)
    return {s.value: s for s in col.stats.traits if s.trait == "legacy_value"}


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=None)


def test_legacy_values_are_measured_and_kept_in_old_rows(db: Db) -> None:
    premium_share, basic_share, newest = _plant(db)
    profile = synth.profile(db.url, known_values=KNOWN)

    legacy = _legacy(profile, "users", "plan")
    assert set(legacy) == {"premium", "basic"}
    premium, basic = legacy["premium"], legacy["basic"]
    assert premium.detail == {"reason": "stale"} and premium.columns == ("created_at",)
    assert premium.before is not None
    # one row's instant is a raw value: the profile keeps the day of the last appearance
    assert _instant(premium.before) == dt.datetime.combine(newest.date(), dt.time())
    assert basic.detail == {"reason": "outside_domain"}
    assert close_enough(premium.fraction, premium_share)
    assert close_enough(basic.fraction, basic_share)
    assert not _legacy(profile, "users", "region")  # a rare old value is not enough
    assert not _legacy(profile, "events", "kind")  # old relative to a dead table: not legacy
    assert "legacy values: ['premium', 'basic']" in render_profile(profile)

    users = synth.generate(profile, rows=ROWS, seed=5)["users"]
    assert close_enough((users["plan"] == "premium").mean(), premium_share)
    assert close_enough((users["plan"] == "basic").mean(), basic_share)
    # `before` is the day of the newest row: rows holding the value end within that day
    before = _instant(premium.before) + dt.timedelta(days=1)
    assert users.filter(pl.col("plan") == "premium")["created_at"].max() < before
    # the time column keeps its shape: its median moves by no more than a few days
    source_median = profile.table("users").column("created_at").stats.values.p50
    drift = abs(users["created_at"].median() - _instant(source_median))
    assert drift < dt.timedelta(days=30)

    small = synth.generate(profile, rows=SMALL, seed=5)["users"]
    assert (small["plan"] == "premium").sum() >= 1 and (small["plan"] == "basic").sum() >= 1
    assert small.filter(pl.col("plan") == "premium")["created_at"].max() < before


def test_legacy_after_and_the_time_column_are_options(db: Db, tmp_path: Path) -> None:
    _plant(db)
    # with a 1000-day threshold premium (last seen ~700 days ago) is no longer legacy
    profile = synth.profile(db.url, legacy_after=1000, tables=["users"])
    assert not _legacy(profile, "users", "plan")
    known = tmp_path / "known.yaml"
    known.write_text("users.plan: [free, pro, team, premium, basic]\n", encoding="utf-8")
    profile = synth.profile(db.url, known_values=known, time_columns=["users.created_at"])
    assert set(_legacy(profile, "users", "plan")) == {"premium"}
    with pytest.raises(UsageError, match=r"--time-column.*users\.plan"):
        synth.profile(db.url, time_columns=["users.plan"])


def test_bad_options_are_one_line_usage_errors(tmp_path: Path) -> None:
    bad = tmp_path / "known.yaml"
    bad.write_text("users.plan: free\n", encoding="utf-8")
    cases = [
        ({"known_values": tmp_path / "missing.yaml"}, "missing.yaml"),
        ({"known_values": bad}, "must list values"),
        ({"legacy_after": "a year"}, "--legacy-after"),
        ({"time_columns": ["created_at"]}, "--time-column"),
    ]
    for options, needle in cases:
        with pytest.raises(UsageError, match=needle) as caught:
            synth.profile(tmp_path, **options)  # type: ignore[arg-type]
        assert "\n" not in str(caught.value)


def test_values_outside_a_check_added_later_are_legacy(pg: Db) -> None:
    """A CHECK added NOT VALID after old rows held other values: those values are legacy."""
    rows = [
        {"id": i, "tier": "gold" if i % 10 == 0 else ("free" if i % 3 else "pro")}
        for i in range(1, 1001)
    ]
    ddl = "CREATE TABLE accounts (id INTEGER PRIMARY KEY, tier VARCHAR(10) NOT NULL)"
    pg.run(ddl, rows={"accounts": rows})
    pg.run(
        "ALTER TABLE accounts ADD CONSTRAINT tier_known CHECK (tier IN ('free', 'pro')) NOT VALID"
    )
    profile = synth.profile(pg.url)
    col = profile.table("accounts").column("tier")
    assert col.domain == ("free", "pro")
    legacy = _legacy(profile, "accounts", "tier")
    assert set(legacy) == {"gold"}
    assert legacy["gold"].detail == {"reason": "outside_domain"}
    assert legacy["gold"].before is None and legacy["gold"].fraction == 0.1
    out = synth.generate(profile, rows=ROWS, seed=1)["accounts"]
    assert close_enough((out["tier"] == "gold").mean(), 0.1)


class _Files:
    """Stands in for a database: keeps the planted rows to write them as a CSV file."""

    dialect = "files"

    def run(self, *statements: str, rows: dict[str, list[dict]]) -> None:
        self.rows = rows


def test_files_are_measured_the_same_way(tmp_path: Path) -> None:
    files = _Files()
    _plant(files)  # type: ignore[arg-type]
    pl.DataFrame(files.rows["users"]).write_csv(tmp_path / "users.csv")
    profile = synth.profile(tmp_path / "users.csv", known_values=KNOWN)
    legacy = _legacy(profile, "users", "plan")
    assert {v: s.detail["reason"] for v, s in legacy.items()} == {
        "premium": "stale",
        "basic": "outside_domain",
    }


def test_the_profile_command_takes_the_options(tmp_path: Path, sqlite_url: str) -> None:
    _plant(Db("sqlite", sqlite_url))
    (tmp_path / "known.yaml").write_text("users.plan: [free, pro, team]\n", encoding="utf-8")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "synth.cli", "profile", sqlite_url, *args]
        return subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)

    good = run("--known-values", "known.yaml", "--legacy-after", "400",
               "--time-column", "users.created_at", "-o", "p.yaml")  # fmt: skip
    assert good.returncode == 0, good.stderr
    profile = read_profile(tmp_path / "p.yaml")
    assert set(_legacy(profile, "users", "plan")) == {"premium", "basic"}
    for args, needle in (
        (["--legacy-after", "soon"], "--legacy-after"),
        (["--known-values", "nope.yaml"], "nope.yaml"),
        (["--time-column", "users.plan"], "users.plan"),
    ):
        bad = run(*args)
        lines = [line for line in bad.stderr.splitlines() if line.strip()]
        assert bad.returncode == 2 and len(lines) == 1 and needle in lines[0], bad.stderr
