"""The trait machinery, independent of any one trait: injection at the measured share,
at least --min-trait-rows, frequent values counted, --boost, the manifest's row keys,
the catalog and ``synth traits``."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import polars as pl
import pytest

import synth
from synth import ProfileError, UsageError
from synth.generator import make_plan
from synth.generator.options import GenerateOptions
from synth.generator.plan import trait_floor
from synth.model import (
    Column,
    ColumnStats,
    Distribution,
    LogicalType,
    Profile,
    Source,
    Table,
    TraitStat,
    ValueFrequency,
)
from synth.review.catalog import render_catalog
from synth.review.traits_view import render_traits

ROOT = Path(__file__).resolve().parents[3]
PADDED = 0.04
EMPTY = 0.05


def _padded(expr: pl.Expr) -> pl.Expr:
    """Independent of the trait's own code: a value with a space at either end."""
    return expr.str.starts_with(" ") | expr.str.ends_with(" ")


def _profile(rows: int = 5000) -> Profile:
    email = Column(
        name="email", type=LogicalType.STRING, sql_type="VARCHAR(60)", length=60,
        stats=ColumnStats(
            null_fraction=0.1, distinct=rows,
            lengths=Distribution(min=8, p50=20, max=40),
            traits=(TraitStat(trait="whitespace_padded", fraction=PADDED),),
        ),
    )  # fmt: skip
    plan = Column(
        name="plan", type=LogicalType.STRING, sql_type="VARCHAR(10)", length=10,
        stats=ColumnStats(
            null_fraction=0.0, distinct=3,
            frequent=(
                ValueFrequency(value="pro", fraction=0.6),
                ValueFrequency(value="free", fraction=0.35),
                ValueFrequency(value="", fraction=EMPTY),
            ),
            traits=(TraitStat(trait="empty_string", fraction=EMPTY),),
        ),
    )  # fmt: skip
    clean = Column(
        name="note", type=LogicalType.STRING, sql_type="TEXT",
        stats=ColumnStats(distinct=rows, lengths=Distribution(min=3, p50=10, max=30)),
    )  # fmt: skip
    ident = Column(
        name="id", type=LogicalType.INTEGER, sql_type="INTEGER", nullable=False,
        stats=ColumnStats(distinct=rows, values=Distribution(min=1, max=rows)),
    )  # fmt: skip
    users = Table(name="users", rows=rows, primary_key=("id",), columns=(ident, email, plan, clean))
    return Profile(
        kind="synth-profile", version=1, synth_version="0",
        source=Source(kind="files", url="x", as_of=dt.datetime(2026, 11, 1, tzinfo=dt.UTC)),
        tables=(users,),
    )  # fmt: skip


def _share(frame: pl.DataFrame, expr: pl.Expr) -> float:
    return frame.select(expr.fill_null(False).mean()).item()


def test_injected_share_matches_the_profile() -> None:
    users = synth.generate(_profile(), rows=10_000, seed=3)["users"]
    assert _share(users, _padded(pl.col("email"))) == pytest.approx(PADDED, abs=0.006)
    assert users["email"].null_count() / users.height == pytest.approx(0.1, abs=0.01)
    assert users["email"].drop_nulls().str.len_chars().max() <= 60
    assert _share(users, _padded(pl.col("note"))) == 0.0  # a clean column stays clean


def test_frequent_values_already_carrying_a_trait_are_not_doubled() -> None:
    users = synth.generate(_profile(), rows=10_000, seed=3)["users"]
    assert _share(users, pl.col("plan") == "") == pytest.approx(EMPTY, abs=0.01)
    assert set(users["plan"].unique()) <= {"pro", "free", ""}


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_every_trait_appears_in_a_tiny_fixture(seed: int) -> None:
    users = synth.generate(_profile(), rows=20, seed=seed)["users"]
    assert _share(users, _padded(pl.col("email"))) > 0
    assert (users["plan"] == "").any()


def test_min_trait_rows_raises_the_floor_and_zero_removes_it() -> None:
    users = synth.generate(_profile(), rows=40, seed=1, min_trait_rows=5)["users"]
    assert users.select(_padded(pl.col("email")).fill_null(False).sum()).item() >= 5
    assert (users["plan"] == "").sum() >= 5


def test_boost_amplifies_one_trait_and_keeps_the_rest() -> None:
    boosted = synth.generate(
        _profile(), rows=10_000, seed=3,
        boost={"users.email:null": 0.5, "users.note:whitespace_padded": 0.2},
    )["users"]  # fmt: skip
    assert boosted["email"].null_count() / boosted.height == pytest.approx(0.5, abs=0.02)
    assert _share(boosted, _padded(pl.col("note"))) == pytest.approx(0.2, abs=0.02)
    assert _share(boosted, pl.col("plan") == "") == pytest.approx(EMPTY, abs=0.01)


@pytest.mark.parametrize(
    ("boost", "message"),
    [
        pytest.param({"users.nope:null": 0.1}, "no column 'nope'", id="unknown-column"),
        pytest.param({"orders.x:null": 0.1}, "no table 'orders'", id="unknown-table"),
        pytest.param({"users.email:glitter": 0.1}, "'glitter' is not a trait", id="unknown-trait"),
        pytest.param({"users.id:null": 0.1}, "NOT NULL", id="not-null-column"),
    ],
)
def test_bad_boost_is_a_usage_error(boost: dict[str, float], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        synth.generate(_profile(), rows=10, boost=boost)


def test_manifest_lists_the_rows_that_carry_each_trait(tmp_path: Path) -> None:
    manifest = synth.write(_profile(), tmp_path / "fx", rows=2000, seed=9)
    users = synth.load(tmp_path / "fx")["users"]
    padded_ids = users.filter(_padded(pl.col("email")).fill_null(False))["id"].to_list()
    entry = manifest.traits["users"]["email:whitespace_padded"]
    assert entry.rows == len(padded_ids)
    assert list(entry.keys) == padded_ids[: len(entry.keys)]
    on_disk = json.loads((tmp_path / "fx" / "manifest.json").read_text())
    assert on_disk["traits"]["users"]["plan:empty_string"]["rows"] == (users["plan"] == "").sum()


def test_traits_keep_generation_deterministic(tmp_path: Path) -> None:
    synth.write(_profile(), tmp_path / "a", rows=3000, seed=5)
    synth.write(_profile(), tmp_path / "b", rows=3000, seed=5)
    for name in ("users.parquet", "manifest.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_a_profile_naming_an_unknown_trait_is_rejected() -> None:
    text = synth.dump_profile(_profile()).replace("trait: empty_string", "trait: sparkle")
    with pytest.raises(ProfileError, match=r"users\.plan.*'sparkle'"):
        synth.generate(synth.load_profile(text), rows=10)


def test_synth_traits_lists_nulls_and_traits_with_measured_values_only() -> None:
    text = render_traits(_profile())
    assert "users.email" in text and "whitespace_padded" in text and "4.00%" in text
    # no canned example reads as data: a trait without a measured value is put in words
    assert "'abc '" not in text and "values with leading or trailing spaces" in text
    assert "users.plan" in text and "empty_string" in text
    assert "users.note" not in text  # clean


def test_trait_catalog_in_docs_is_current() -> None:
    catalog = (ROOT / "docs" / "traits.md").read_text(encoding="utf-8")
    assert catalog == render_catalog(), (
        "regenerate: python -m synth.review.catalog > docs/traits.md"
    )


@pytest.mark.parametrize("seed", [0, 7, 11, 23])
def test_every_trait_of_the_demo_profile_appears_at_fifty_rows(tmp_path: Path, seed: int) -> None:
    """The acceptance shape: 50 rows in the largest table, and still every one of the
    demo's traits (cohorts, relations, bursts, stale states...) in some row."""
    profile = synth.read_profile(ROOT / "profiles" / "shop.yaml")
    manifest = synth.write(profile, tmp_path / "fx", rows=50, seed=seed)
    assert max(t.rows for t in manifest.tables.values()) == 50
    entries = sum(
        len(t.traits) + sum(len(c.stats.traits) for c in t.columns) for t in profile.tables
    )
    assert sum(len(rows) for rows in manifest.traits.values()) == entries > 40
    from synth.generator.inject import trait_label

    never = {  # an order production always keeps: its breaking rows must stay absent
        f"{t.key}:{trait_label(s, None, qualified=True)}"
        for t in profile.tables
        for s in t.traits
        if s.fraction == 0
    }
    missing = [
        f"{table}:{label}"
        for table, rows in manifest.traits.items()
        for label, carried in rows.items()
        if carried.rows < 1
        and f"{table}:{label}" not in never
        and ":format=" not in label  # masks are shares, not forced in
    ]
    assert missing == []
    assert never and all(
        manifest.traits[k.split(":")[0]][k.split(":", 1)[1]].rows == 0 for k in never
    )


def test_small_tables_grow_to_hold_their_traits() -> None:
    profile = synth.read_profile(ROOT / "profiles" / "shop.yaml")
    plan = make_plan(profile, GenerateOptions(rows=50, seed=1))
    tenants = profile.table("tenants")
    forced = [s for c in tenants.columns for s in c.stats.traits if s.trait != "format"]
    entries = len(tenants.traits) + len(forced)  # format masks are shares, not forced in
    assert plan.get("tenants").rows == min(tenants.rows, entries + 1)
    bare = make_plan(profile, GenerateOptions(rows=50, seed=1, min_trait_rows=0))
    assert bare.get("tenants").rows < plan.get("tenants").rows
    assert trait_floor(tenants, 0) == 0


def test_two_runs_in_one_thread_do_not_share_trait_state(tmp_path: Path) -> None:
    """Cohort and relation traits remember parent keys per run. Users generated without
    their tenants know no tenant's cohort; a full run just before, in the same thread,
    must not lend them its tenants (the manifest equals one written in a fresh thread)."""
    profile = synth.read_profile(ROOT / "profiles" / "shop.yaml")

    def users_only(out: Path) -> dict:
        return synth.write(profile, out, rows=300, seed=4, tables=["users"]).traits["users"]

    fresh: list[dict] = []
    worker = threading.Thread(target=lambda: fresh.append(users_only(tmp_path / "fresh")))
    worker.start()
    worker.join()
    synth.write(profile, tmp_path / "full", rows=300, seed=4)
    assert users_only(tmp_path / "after") == fresh[0]


def test_orphans_are_injected_without_a_children_per_parent_entry() -> None:
    """A profile may hold an orphan entry alone (hand-edited, or measured without the
    relation's histogram): orphans are still made."""
    profile = synth.read_profile(ROOT / "profiles" / "shop.yaml")
    payments = profile.table("payments")
    alone = tuple(t for t in payments.traits if t.trait != "children_per_parent")
    assert any(t.trait == "orphan" for t in alone)
    edited = payments.model_copy(update={"traits": alone})
    profile = profile.model_copy(
        update={"tables": tuple(edited if t.key == "payments" else t for t in profile.tables)}
    )
    tables = synth.generate(profile, rows=400, seed=3)
    orders = set(tables["orders"]["id"].to_list())
    order_ids = tables["payments"]["order_id"].drop_nulls().to_list()
    assert any(o not in orders for o in order_ids)
