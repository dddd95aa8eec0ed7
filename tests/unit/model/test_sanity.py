"""Impossible statistics in a hand-edited profile are one error naming the field by table
and column, and the YAML line."""

from __future__ import annotations

from pathlib import Path

import pytest

from synth.errors import ProfileError
from synth.model.io import load_profile

SHOP = (Path(__file__).resolve().parents[3] / "profiles" / "shop.yaml").read_text()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param(
            "{min: 7, p01: 184,", "{min: 999999, p01: 184,",
            r":AT: tables\[order_items\]\.columns\[order_id\]\.stats\.values: min 999999 > p01 184",
            id="min-above-p01",
        ),
        pytest.param(
            "p95: 19173, p99: 19886, max: 20054}", "p95: 19173, p99: 19886, max: 20}",
            r"columns\[order_id\]\.stats\.values: p99 19886 > max 20;",
            id="max-below-p99",
        ),
        pytest.param(
            "{value: shipped, fraction: 0.69255}", "{value: shipped, fraction: 0.99255}",
            r":STATS: tables\[orders\]\.columns\[status\]\.stats: null_fraction 0 \+ frequent "
            r"fractions 1\.3 = 1\.3 > 1",
            id="fractions-over-one",
        ),
        pytest.param(
            "{value: shipped, fraction: 0.69255}",
            "{value: shipped_and_delivered, fraction: 0.69255}",
            r":AT: tables\[orders\]\.columns\[status\]\.stats\.frequent\[0\]\.value: "
            r"'shipped_and_delivered' is 21 characters, longer than the column's length 16",
            id="frequent-value-too-long",
        ),
        pytest.param(
            "distinct: 17975", "distinct: 99999999",
            r"columns\[order_id\]\.stats\.distinct: 99,999,999 distinct values > the table's "
            r"31,755 rows",
            id="distinct-above-rows",
        ),
    ],
)  # fmt: skip
def test_impossible_statistics_are_refused(old: str, new: str, message: str) -> None:
    assert old in SHOP
    at = SHOP[: SHOP.index(old)].count("\n") + 1  # the edited line; its column's stats: 3 up
    message = message.replace("STATS", str(at - 3)).replace("AT", str(at))
    with pytest.raises(ProfileError, match=message) as exc:
        load_profile(SHOP.replace(old, new, 1), source="shop.yaml")
    assert str(exc.value).startswith("shop.yaml:") and "\n" not in str(exc.value)


def test_rounded_fractions_a_millionth_over_one_are_fine() -> None:
    profile = load_profile(SHOP)  # order_items.line_no's five fractions add up to 1.000001
    assert profile.table("order_items").column("line_no").stats.frequent
