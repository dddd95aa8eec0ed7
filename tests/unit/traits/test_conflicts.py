"""Traits that pull the same rows in different directions, on the demo profile at its
default size (7 tenants): a tenant chosen as ``childless_parent`` must have no children,
and every cohort must keep at least one parent that has them. Seeds 2 and 11 once chose
the only ``legacy_import`` tenant as childless, and the cohort then gave it a user."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import synth

SHOP = Path(__file__).resolve().parents[3] / "profiles" / "shop.yaml"


@pytest.mark.parametrize("seed", [0, 2, 5, 11], ids=lambda s: f"seed={s}")
def test_childless_parents_have_no_children_and_cohorts_keep_theirs(
    seed: int, tmp_path: Path
) -> None:
    profile = synth.read_profile(SHOP)
    manifest = synth.write(profile, tmp_path / "fx", seed=seed)
    tables = synth.load(tmp_path / "fx")
    checked = 0
    for label, rows in manifest.traits["tenants"].items():
        if not label.startswith("childless_parent="):
            continue
        child, fk = label.split("=", 1)[1].rsplit(".", 1)
        used = set(tables[child][fk].drop_nulls().to_list())
        assert not used & set(rows.keys), f"{label}: {sorted(used & set(rows.keys))} have children"
        checked += 1
    assert checked == 2
    sources = tables["tenants"].select(pl.col("id").alias("tenant_id"), "source")
    for child in ("users", "orders"):
        seen = tables[child].join(sources, on="tenant_id")["source"].unique().to_list()
        assert sorted(seen) == ["legacy_import", "signup"], child
