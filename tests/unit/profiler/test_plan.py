"""The large-table plan's arithmetic: the Duj1 distinct estimate and the sample's size."""

from __future__ import annotations

import pytest

from synth.profiler.plan import duj1
from synth.profiler.sample import TARGET_ROWS, _percent


def test_duj1_is_exact_when_the_sample_is_the_column() -> None:
    assert duj1(sampled=500, distinct=42, once=3, total=500) == 42


def test_duj1_sees_a_unique_column_as_unique() -> None:
    # every sampled value held by one row: the column is estimated unique
    assert duj1(sampled=30_000, distinct=30_000, once=30_000, total=10_000_000) == 10_000_000


def test_duj1_keeps_a_low_cardinality_column_low() -> None:
    # 5 values, each held by thousands of sampled rows: no value seen once, nothing to add
    assert duj1(sampled=30_000, distinct=5, once=0, total=10_000_000) == 5


def test_duj1_stays_between_the_sample_and_the_table() -> None:
    estimate = duj1(sampled=30_000, distinct=20_000, once=15_000, total=10_000_000)
    assert 20_000 < estimate < 10_000_000
    assert duj1(sampled=0, distinct=0, once=0, total=100) == 0


@pytest.mark.parametrize("estimate", [TARGET_ROWS, 10 * TARGET_ROWS, 10_000_000, 10**9])
def test_the_sample_aims_at_the_target_rows(estimate: int) -> None:
    percent = _percent(estimate)
    assert 0 < percent <= 100
    assert estimate * percent / 100 == pytest.approx(TARGET_ROWS, rel=0.01)
