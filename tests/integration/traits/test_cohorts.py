"""cohort: migrated tenants whose users look different, planted, profiled and regenerated.

Tenants come from ``signup`` or ``legacy_import``. Users of legacy tenants have plan
``premium`` only, a NULL full_name 90% of the time and were all created on the
2024-03-16 migration day; users of signup tenants are never ``premium``, have a NULL
full_name 5% of the time and were created over two years. The generated output is
checked with plain polars joins, independent of the injector.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import sqlalchemy as sa

import synth
from synth.errors import UsageError
from synth.model import Profile, Scalar, TraitStat
from synth.profiler import database
from synth.profiler.options import ProfileOptions
from synth.traits import get
from synth.traits.base import TraitSettings
from synth.traits.cohorts.inject import force
from synth.traits.cohorts.measure import MAX_SEGMENTS
from tests.integration.traits_support import ROWS, SMALL, Db, close_enough

TENANTS, USERS = 200, 2000
LEGACY_SHARE, LEGACY_NULL, SIGNUP_NULL = 0.3, 0.9, 0.05
MIGRATION = dt.date(2024, 3, 16)
START = dt.datetime(2022, 1, 1)


def _ddl(db: Db) -> list[str]:
    stamp = "DATETIME" if db.dialect == "mariadb" else "TIMESTAMP"
    return [
        "CREATE TABLE tenants (id INTEGER PRIMARY KEY, name VARCHAR(80) NOT NULL, "
        f"source VARCHAR(20) NOT NULL, created_at {stamp} NOT NULL)",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, "
        "tenant_id INTEGER NOT NULL REFERENCES tenants (id), full_name VARCHAR(120), "
        f"plan VARCHAR(20) NOT NULL, created_at {stamp} NOT NULL)",
        "CREATE TABLE workspaces (id INTEGER PRIMARY KEY, channel VARCHAR(10) NOT NULL)",
        "CREATE TABLE members (id INTEGER PRIMARY KEY, "
        "workspace_id INTEGER NOT NULL REFERENCES workspaces (id), nickname VARCHAR(40), "
        f"role VARCHAR(10) NOT NULL, created_at {stamp} NOT NULL)",
    ]


def _rows() -> dict[str, list[dict]]:
    rng = random.Random(3)
    migration = dt.datetime.combine(MIGRATION, dt.time(2, 0))

    def spread() -> dt.datetime:
        return START + dt.timedelta(seconds=rng.randrange(730 * 86_400))

    tenants, legacy = [], set()
    for i in range(1, TENANTS + 1):
        is_legacy = rng.random() < LEGACY_SHARE
        if is_legacy:
            legacy.add(i)
        created = migration + dt.timedelta(minutes=rng.randrange(90)) if is_legacy else spread()
        source = "legacy_import" if is_legacy else "signup"
        tenants.append({"id": i, "name": f"t{i}", "source": source, "created_at": created})
    users = []
    for i in range(1, USERS + 1):
        tenant = rng.randrange(1, TENANTS + 1)
        if tenant in legacy:
            name = None if rng.random() < LEGACY_NULL else f"user {i}"
            plan = "premium"
            created = migration + dt.timedelta(seconds=rng.randrange(4 * 3600))
        else:
            name = None if rng.random() < SIGNUP_NULL else f"user {i}"
            plan = "PRO" if rng.random() < 0.03 else rng.choice(["free", "free", "pro"])
            created = spread()
        users.append(
            {"id": i, "tenant_id": tenant, "full_name": name, "plan": plan, "created_at": created}
        )
    workspaces = [{"id": i, "channel": rng.choice(["web", "api"])} for i in range(1, 101)]
    members = [
        {
            "id": i,
            "workspace_id": rng.randrange(1, 101),
            "nickname": None if rng.random() < 0.3 else f"n{i}",
            "role": rng.choice(["admin", "member", "member"]),
            "created_at": spread(),
        }
        for i in range(1, 1501)
    ]
    return {"tenants": tenants, "users": users, "workspaces": workspaces, "members": members}


@pytest.fixture
def planted(db: Db) -> Db:
    db.run(*_ddl(db), rows=_rows())
    return db


def _cohorts(profile: Profile, key: str) -> dict[Scalar | None, TraitStat]:
    return {s.value: s for s in profile.table(key).traits if s.trait == "cohort"}


def _by_segment(out: dict[str, pl.DataFrame]) -> pl.DataFrame:
    tenants = out["tenants"].select(pl.col("id").alias("tenant_id"), "source")
    return out["users"].join(tenants, on="tenant_id", how="left")


def test_legacy_cohort_is_measured_and_reproduced(planted: Db) -> None:
    profile = synth.profile(planted.url)
    users = _cohorts(profile, "users")
    assert set(users) == {"signup", "legacy_import"}
    legacy, signup = users["legacy_import"].detail, users["signup"].detail
    assert users["legacy_import"].columns == ("tenant_id",)
    assert legacy["segment"] == "tenants.source" and legacy["key"] == "id"
    assert legacy["value:plan=premium"] == 1.0 and "value:plan=premium" not in signup
    assert close_enough(float(legacy["null:full_name"]), LEGACY_NULL)
    assert close_enough(float(signup["null:full_name"]), SIGNUP_NULL)
    assert str(legacy["burst:created_at"]).startswith(MIGRATION.isoformat())
    assert legacy["burst_share:created_at"] == 1.0 and "burst:created_at" not in signup
    assert int(legacy["rows"]) + int(signup["rows"]) == USERS
    assert 0.01 < float(signup["value:plan=PRO"]) < 0.06  # 'PRO' is not 'pro' (MariaDB too)
    shares = [v for k, v in signup.items() if k.startswith(("value:plan=", "null:plan"))]
    assert sum(float(v) for v in shares) == pytest.approx(1.0, abs=1e-5)
    tenants = _cohorts(profile, "tenants")  # legacy tenants were created on migration day too
    assert set(tenants) == {"signup", "legacy_import"}
    assert str(tenants["legacy_import"].detail["burst:created_at"]).startswith("2024-03-16")

    out = synth.generate(profile, rows=ROWS, seed=7)
    joined = _by_segment(out)
    assert joined.height == ROWS and joined["source"].null_count() == 0
    share = (joined["source"] == "legacy_import").mean()
    assert close_enough(share, users["legacy_import"].fraction)
    premium = joined.filter(pl.col("plan") == "premium")
    assert premium.height > 0 and set(premium["source"]) == {"legacy_import"}
    stats = joined.group_by("source").agg(
        pl.col("full_name").is_null().mean().alias("nulls"),
        (pl.col("plan") == "premium").mean().alias("premium"),
        (pl.col("created_at").dt.date() == MIGRATION).mean().alias("burst"),
    )
    got = {r["source"]: r for r in stats.iter_rows(named=True)}
    # the fixture follows what was measured (the planted rates are only expectations)
    assert close_enough(got["legacy_import"]["nulls"], float(legacy["null:full_name"]))
    assert close_enough(got["signup"]["nulls"], float(signup["null:full_name"]))
    assert got["legacy_import"]["premium"] == 1.0 and got["signup"]["premium"] == 0.0
    assert got["legacy_import"]["burst"] == 1.0 and got["signup"]["burst"] < 0.05
    tenants_out = out["tenants"]
    migrated = tenants_out.filter(pl.col("source") == "legacy_import")
    assert (migrated["created_at"].dt.date() == MIGRATION).all()


def test_every_cohort_appears_in_a_small_fixture(planted: Db, tmp_path: Path) -> None:
    profile = synth.profile(planted.url)
    out = synth.generate(profile, rows=SMALL, seed=1)
    assert set(out["tenants"]["source"]) == {"signup", "legacy_import"}
    assert set(_by_segment(out)["source"]) == {"signup", "legacy_import"}
    manifest = synth.write(profile, tmp_path / "fixtures", rows=SMALL, seed=1)
    for key in ("tenants", "users"):  # the manifest names the carriers of each cohort
        carriers = manifest.traits[key]
        assert carriers["cohort=legacy_import"].rows >= 1 and carriers["cohort=signup"].rows >= 1
    users = _by_segment(out).filter(pl.col("source") == "legacy_import")
    assert set(manifest.traits["users"]["cohort=legacy_import"].keys) == set(users["id"])


def test_uniform_segment_yields_no_cohort(planted: Db) -> None:
    profile = synth.profile(planted.url, tables=["workspaces", "members"])
    assert not _cohorts(profile, "workspaces") and not _cohorts(profile, "members")


def _profile_counting(db: Db, settings: TraitSettings) -> tuple[Profile, list[str]]:
    engine = database._connect(db.url)
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    try:
        profile = database.profile_engine(engine, ProfileOptions(traits=settings))
    finally:
        engine.dispose()
    return profile, [s for s in statements if "AS cohort" in s]


def test_queries_stay_within_the_documented_bound(planted: Db) -> None:
    """One aggregate query per table and dimension (tenants and workspaces: their own
    segment column; users and members: through their foreign key), and one busiest-day
    query where the table has a time column (all but workspaces)."""
    profile, queries = _profile_counting(planted, TraitSettings())
    assert len(queries) == 4 + 3
    assert len(queries) <= sum(get("cohort").max_queries(t) for t in profile.tables)  # type: ignore[union-attr]
    assert all(s.lstrip().startswith(f"SELECT {database.STATS_TAG}") for s in queries)


def test_segment_by_names_the_segments(planted: Db) -> None:
    profile, queries = _profile_counting(planted, TraitSettings(segment_by=("tenants.source",)))
    assert _cohorts(profile, "users") and not _cohorts(profile, "members")
    assert len(queries) == 4  # workspaces.channel is no longer detected
    assert MAX_SEGMENTS == 10
    with pytest.raises(UsageError, match=r"table\.column"):
        synth.profile(planted.url, segment_by="source")
    with pytest.raises(UsageError, match="'tenant' is not profiled"):
        synth.profile(planted.url, segment_by=["tenant.source"])
    with pytest.raises(UsageError, match="has no column 'origin'"):
        synth.profile(planted.url, segment_by="tenants.origin")


def test_files_measure_the_segment_table_only(tmp_path: Path) -> None:
    for name, rows in _rows().items():
        pl.DataFrame(rows).write_parquet(tmp_path / f"{name}.parquet")
    profile = synth.profile(tmp_path)
    tenants = _cohorts(profile, "tenants")
    assert set(tenants) == {"signup", "legacy_import"}
    assert str(tenants["legacy_import"].detail["burst:created_at"]).startswith("2024-03-16")
    assert not _cohorts(profile, "users")  # no joins across files
    out = synth.generate(profile, rows=SMALL, seed=2)
    assert set(out["tenants"]["source"]) == {"signup", "legacy_import"}


def test_postgres_enum_segment_and_values(pg: Db) -> None:
    rng = random.Random(5)
    tenants = [
        {"id": i, "source": "legacy_import" if i % 4 == 0 else "signup"} for i in range(1, 81)
    ]
    users = []
    for i in range(1, 1201):
        tenant = rng.randrange(1, 81)
        plan = "premium" if tenant % 4 == 0 else rng.choice(["free", "pro"])
        users.append({"id": i, "tenant_id": tenant, "plan": plan})
    pg.run(
        "CREATE TYPE origin AS ENUM ('signup', 'legacy_import')",
        "CREATE TYPE tier AS ENUM ('free', 'pro', 'premium')",
        "CREATE TABLE tenants (id INTEGER PRIMARY KEY, source origin NOT NULL)",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, "
        "tenant_id INTEGER NOT NULL REFERENCES tenants (id), plan tier NOT NULL)",
        rows={"tenants": tenants, "users": users},
    )
    profile = synth.profile(pg.url)
    legacy = _cohorts(profile, "users")["legacy_import"]
    assert legacy.detail["value:plan=premium"] == 1.0
    out = _by_segment(synth.generate(profile, rows=ROWS, seed=3))
    assert set(out.filter(pl.col("plan") == "premium")["source"]) == {"legacy_import"}


def test_forcing_puts_every_segment_in_the_first_chunk() -> None:
    labels = np.array([0] * 8 + [-1, 1])
    forced = force(labels, 3, 2)
    assert [int((forced == j).sum()) for j in range(3)] == [6, 2, 2]
    assert (forced[:6] == 0).all()  # taken from the end, the same way every time
    assert (force(labels, 3, 2) == forced).all()


def test_cli_segment_by(planted: Db, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from synth.cli import app

    if planted.dialect != "sqlite":
        pytest.skip("the option is the same for every database")
    out = tmp_path / "p.yaml"
    runner = CliRunner()
    ok = runner.invoke(
        app, ["profile", planted.url, "--segment-by", "tenants.source", "-o", str(out)]
    )
    assert ok.exit_code == 0, ok.output
    profile = synth.read_profile(out)
    assert _cohorts(profile, "users") and not _cohorts(profile, "workspaces")
    bad = runner.invoke(app, ["profile", planted.url, "--segment-by", "source"])
    assert isinstance(bad.exception, UsageError)  # main() prints it as one line, status 2
    assert "must be table.column" in str(bad.exception)
