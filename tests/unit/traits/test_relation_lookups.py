"""The fast paths of relation look-ups give what the plain ones give: a parent key set
as a span tests like ``is_in``, a look-up by offset finds the rows a search finds, the
rank order by inversion is the sorted order, and remainders go where a stable sort puts
them."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from synth.traits.relations.children import _integerize
from synth.traits.relations.inject import _ranks, in_rank_order, pointing
from synth.traits.relations.keysets import KeySpan, key_set, key_span


def _values(rng: np.random.Generator, n: int, low: int, high: int) -> pl.Series:
    raw = rng.integers(low, high, n)
    return pl.Series("fk", raw).scatter(rng.choice(n, n // 10, replace=False), None)


@pytest.mark.parametrize("seed", range(5))
def test_a_span_tests_like_is_in(seed: int) -> None:
    rng = np.random.default_rng(seed)
    keys = pl.Series(np.arange(100, 600, dtype=np.int64))
    rows = rng.random(len(keys)) < 0.3
    frame = pl.DataFrame({"fk": _values(rng, 2000, 50, 700)})
    for marked in (None, rows):
        found = key_set(keys, marked)
        assert isinstance(found, KeySpan)
        plain = keys if marked is None else keys.filter(pl.Series(marked))
        want = frame.select(pl.col("fk").is_in(plain.implode()).fill_null(False)).to_series()
        got = frame.select(found.contains("fk")).to_series()
        assert got.to_list() == want.to_list()


def test_keys_that_do_not_count_up_by_one_stay_values() -> None:
    assert key_span(pl.Series([1, 2, 4])) is None
    assert key_span(pl.Series([3, 2, 1])) is None
    assert key_span(pl.Series([1, None, 3])) is None
    assert key_span(pl.Series(["a", "b"])) is None
    assert key_set(pl.Series([5, 1, None]), None).to_list() == [5, 1]


@pytest.mark.parametrize("seed", range(5))
def test_looking_up_by_offset_finds_what_a_search_finds(seed: int) -> None:
    rng = np.random.default_rng(seed)
    dense = pl.Series(np.arange(10, 510, dtype=np.int64))
    shuffled = dense.gather(rng.permutation(len(dense)))  # searched, not offset
    values = _values(rng, 3000, 0, 600)
    for keys in (dense, shuffled):
        row = {k: i for i, k in enumerate(keys.to_list())}
        want = [-1 if v is None else row.get(v, -1) for v in values.to_list()]
        assert pointing(values, keys, {}, ("parent", "id")).tolist() == want


@pytest.mark.parametrize("seed", range(5))
def test_rank_order_by_inversion_is_the_sorted_order(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rank = _ranks(seed, "users", "id", "relation:test", 1000)
    mask = rng.random(1000) < 0.4
    want = np.flatnonzero(mask)[np.argsort(rank[mask], kind="stable")]
    assert in_rank_order(mask, rank).tolist() == want.tolist()


@pytest.mark.parametrize("seed", range(5))
def test_remainders_go_where_a_stable_sort_puts_them(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(1, 4, 500).astype(np.float64) / 3  # many equal remainders
    total = 700
    got = _integerize(x, total)
    scaled = x * (total / x.sum())
    want = np.floor(scaled).astype(np.int64)
    rest = total - int(want.sum())
    want[np.argsort(-(scaled - want), kind="stable")[:rest]] += 1
    assert got.tolist() == want.tolist()
    assert int(got.sum()) == total
