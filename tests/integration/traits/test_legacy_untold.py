"""Legacy without being told: no ``--known-values``, and still `premium` (held only by the
users of tenants migrated from another platform) and `gold` (last written two years ago)
are flagged legacy, each with the rule that flagged it, and ``synth.cases`` names both."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import synth
from synth.model import Profile, TraitStat
from synth.model.io import write_profile
from tests.integration.traits_support import Db, tenants_and_users

AS_OF = "2026-06-01T00:00:00Z"
NOW = dt.datetime(2026, 6, 1)


def _plant(db: Db) -> None:
    rng = random.Random(23)
    tenants = [{"id": i, "source": "acme_import" if i <= 30 else "signup"} for i in range(1, 201)]
    users = []
    for i in range(1, 3001):
        tenant = rng.randrange(1, 201)
        created = NOW - dt.timedelta(days=rng.randrange(1, 1500))
        if tenant <= 30:
            plan = "premium"
        elif i % 25 == 0:
            plan = "gold"  # retired two years ago: every gold row is older
            created = NOW - dt.timedelta(days=rng.randrange(730, 1500))
        else:
            plan = rng.choice(["free", "pro"])
        users.append({"id": i, "tenant_id": tenant, "plan": plan, "created_at": created})
    tenants_and_users(db, tenants, users)


def _legacy(profile: Profile) -> dict[object, TraitStat]:
    col = profile.table("users").column("plan")
    return {s.value: s for s in col.stats.traits if s.trait == "legacy_value"}


def test_legacy_values_are_found_without_known_values(db: Db, tmp_path: Path) -> None:
    _plant(db)
    profile = synth.profile(db.url, as_of=AS_OF)
    legacy = _legacy(profile)
    assert set(legacy) == {"premium", "gold"}
    assert legacy["premium"].detail["reason"] == "cohort_only"
    assert legacy["premium"].detail["segment"] == "tenants.source"
    assert legacy["gold"].detail["reason"] == "stale"

    path = tmp_path / "app.yaml"
    write_profile(profile, path)
    ids = [str(c) for c in synth.cases("users", "plan", profile=path, seed=1, rows=400)]
    assert "users.plan=premium[legacy]" in ids and "users.plan=gold[legacy]" in ids
    whole = [str(c) for c in synth.cases("users", profile=path, seed=1, rows=400)]
    assert set(ids) <= set(whole) and "users[cohort=acme_import]" in whole

    known = tmp_path / "known.yaml"  # a --known-values file still decides
    known.write_text("users.plan: [free, pro, premium, gold]\n")
    told = synth.profile(db.url, as_of=AS_OF, known_values=known)
    assert set(_legacy(told)) == {"gold"}  # premium is known; gold is still not written
