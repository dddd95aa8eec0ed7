"""Withheld, not lost: a cohort of 8 tenants of 60 (under k = 10) keeps its trait under a
placeholder token, in the profile and in the fixtures; the literal never reaches either."""

from __future__ import annotations

import datetime as dt
import random

import polars as pl

import synth
from synth.model import Profile, TraitStat
from synth.model.io import dump_profile
from synth.review.show import render_profile
from tests.integration.traits_support import Db, tenants_and_users

TENANTS, LEGACY, USERS = 60, 8, 1200


def _plant(db: Db) -> None:
    rng = random.Random(17)
    legacy = set(rng.sample(range(1, TENANTS + 1), LEGACY))
    start = dt.datetime(2023, 1, 1)
    tenants = [
        {"id": i, "source": "acme_import" if i in legacy else "signup"}
        for i in range(1, TENANTS + 1)
    ]
    users = []
    for i in range(1, USERS + 1):
        tenant = rng.choice(sorted(legacy)) if i % 5 == 0 else rng.randrange(1, TENANTS + 1)
        plan = "premium" if tenant in legacy else rng.choice(["free", "pro"])
        when = start + dt.timedelta(seconds=rng.randrange(600 * 86_400))
        users.append({"id": i, "tenant_id": tenant, "plan": plan, "created_at": when})
    tenants_and_users(db, tenants, users)


def _cohorts(profile: Profile, table: str) -> dict[object, TraitStat]:
    return {s.value: s for s in profile.table(table).traits if s.trait == "cohort"}


def test_a_cohort_under_k_is_kept_under_a_placeholder(db: Db) -> None:
    _plant(db)
    profile = synth.profile(db.url)
    text = dump_profile(profile)
    source = {f.value: f.fraction for f in profile.table("tenants").column("source").stats.frequent}
    assert source == {"signup": round(52 / 60, 6), "withheld:1": round(8 / 60, 6)}
    users = _cohorts(profile, "users")
    assert set(users) == {"signup", "withheld:1"}
    assert users["withheld:1"].detail["value:plan=premium"] == 1.0
    assert users["withheld:1"].detail["segment"] == "tenants.source"
    assert "acme_import" not in text

    out = synth.generate(profile, rows=2000, seed=3)
    joined = out["users"].join(
        out["tenants"].select(pl.col("id").alias("tenant_id"), "source"), on="tenant_id"
    )
    legacy = joined.filter(pl.col("source") == "withheld:1")
    assert legacy.height > 0 and set(legacy["plan"]) == {"premium"}
    assert "premium" not in set(joined.filter(pl.col("source") == "signup")["plan"])
    small = synth.generate(profile, rows=200, seed=3)
    assert "withheld:1" in set(small["tenants"]["source"])
    assert synth.validate(profile, out).ok

    shown = render_profile(profile)
    assert "rests on withheld values: cohort tenants.source=withheld:1" in shown
    assert "--min-count" in shown and "--segment-by" in shown and "acme_import" not in shown


def test_a_legacy_value_under_k_is_kept_under_a_placeholder(db: Db) -> None:
    """`gold` (8 rows, k = 10) stopped being written four years ago: still legacy."""
    recent = dt.datetime(2025, 3, 1)
    rows = [
        {"id": i, "plan": "gold" if i <= 8 else "free",
         "created_at": dt.datetime(2021, 1, 1) + dt.timedelta(days=i) if i <= 8
         else recent + dt.timedelta(hours=i % 5000)}
        for i in range(1, 1001)
    ]  # fmt: skip
    stamp = "DATETIME" if db.dialect == "mariadb" else "TIMESTAMP"
    db.run(
        f"CREATE TABLE accounts (id INTEGER PRIMARY KEY, plan VARCHAR(10) NOT NULL, "
        f"created_at {stamp} NOT NULL)",
        rows={"accounts": rows},
    )
    profile = synth.profile(db.url, as_of="2026-01-01T00:00:00Z", legacy_after=365)
    col = profile.table("accounts").column("plan")
    legacy = [s for s in col.stats.traits if s.trait == "legacy_value"]
    assert [s.value for s in legacy] == ["withheld:1"]
    assert "withheld:1" in {f.value for f in col.stats.frequent}
    out = synth.generate(profile, rows=500, seed=1)["accounts"]
    assert (out["plan"] == "withheld:1").sum() >= 1
