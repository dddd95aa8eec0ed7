"""How many children each parent gets: the busiest group of a few parents, flat
children counts, and the busiest tenth holding its measured share by count."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

import synth
from synth.traits.relations.children import plan_counts
from synth.traits.relations.inject import ParentView
from synth.traits.relations.measure import top_count, top_share

SHOP = Path(__file__).resolve().parents[3] / "profiles" / "shop.yaml"


def _view(parents: int) -> ParentView:
    return ParentView(
        keys=pl.Series("id", range(parents)),
        valid=np.ones(parents, dtype=bool),
        deleted=np.zeros(parents, dtype=bool),
        forced=np.zeros(0, dtype=np.int64),
        childless=np.zeros(parents, dtype=bool),
        rank=np.arange(parents, dtype=np.int64),
    )


def _busiest(counts: np.ndarray) -> float:
    """Share of the children the busiest :func:`top_count` parents hold, by count."""
    ranked = np.sort(counts)[::-1]
    return float(ranked[: top_count(len(counts))].sum() / counts.sum())


def test_a_few_parents_busiest_group_is_more_than_a_tenth() -> None:
    assert top_share(0.1, 3) == pytest.approx(1 / 3)  # uniform: one of three holds a third
    assert top_share(0.1, 200) == 0.1  # a tenth of them: the measured share itself
    assert top_share(0.5, 5) == pytest.approx(0.5 + (0.2 - 0.1) * 0.5 / 0.9)


def test_flat_children_counts_stay_flat_on_three_parents() -> None:
    """200 depots with 20 deliveries each: three depots of a 50-row fixture get about
    17 each, not 40, 5 and 5."""
    detail = {"p50": 20, "p90": 20, "p99": 20, "max": 20}
    counts, _ = plan_counts(_view(3), detail, top=0.1, deleted=None, slots=50)
    assert counts.sum() == 50 and counts.max() - counts.min() <= 2
    assert _busiest(counts) == pytest.approx(top_share(0.1, 3), abs=0.05)


def test_the_busiest_tenth_by_count_holds_its_share() -> None:
    """p50 2, p90 3, max 3 and the busiest tenth holding 12%: no parent outside that tenth
    may be busier than it, or the tenth counted by children holds more (15%)."""
    detail = {"p50": 2, "p90": 3, "p99": 3, "max": 3}
    counts, heavy = plan_counts(_view(20_000), detail, top=0.12, deleted=None, slots=50_000)
    assert counts.sum() == 50_000
    assert counts[~heavy].max() <= counts[heavy].min()
    assert _busiest(counts) == pytest.approx(0.12, abs=0.005)


def test_a_legacy_import_keeps_its_day_and_its_value() -> None:
    """The demo's legacy tenants' users were all imported on one day with status
    `ACTIVE`, a legacy value dated by that day: they keep both (the legacy value once
    moved its rows off the import day, handing the burst to signup users)."""
    frames = synth.generate(synth.read_profile(SHOP), seed=3)
    users = frames["users"].join(
        frames["tenants"].select(pl.col("id").alias("tenant_id"), "source"), on="tenant_id"
    )
    legacy = users.filter(pl.col("source") == "legacy_import")
    day = legacy["created_at"].dt.date().mode().to_list()
    assert legacy.height > 0 and len(day) == 1
    on_day = users.filter(pl.col("created_at").dt.date() == day[0])
    assert (on_day["source"] == "legacy_import").mean() > 0.9
    assert (legacy["status"] == "ACTIVE").all()
