"""The mask language (synth.internal.masks) and the masking of values (synth.profiler.formats)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from synth.internal.mask_values import generate
from synth.internal.masks import mask_name, parse, regex, render
from synth.profiler.formats import column_masks

MASKS = [
    "l+(-l+){2,7}-w{6}",
    "$'2b'$'12'$b{53}",
    "'md5'$h{8}$h{32}",
    "d{4}-d{2}-d{2}",
    r"\+d{2} d{3} d{7}",
    r"\(d{3}\) d{3}-d{4}",
    "l+(, l+){1,4}",
    "\\{\"'id'\": d+\\}",
    "'INV'-W{6}",
    "u{1}l+\\n\\t",
    "",
]


@pytest.mark.parametrize("mask", MASKS)
def test_masks_read_back_and_generate_their_own_shape(mask: str) -> None:
    assert render(parse(mask)) == mask
    values = generate(mask, 300, np.random.default_rng(4), 12 + np.arange(300) % 20)
    assert values.str.contains(regex(mask)).all(), values.head(3).to_list()
    found = column_masks(values.to_list(), k=10)
    assert found[0].mask == mask and found[0].rows == 300, found[:3]


def test_values_become_masks_and_rare_literals_classes() -> None:
    values = [f"md5${i:07x}a$" + "f0" * 15 + f"{i:02x}" for i in range(12)]
    values.append("zz9$abcdef12$" + "0a" * 16)
    masks = {m.mask: m.rows for m in column_masks(values, k=10)}
    assert masks == {"w{3}$h{8}$h{32}": 13}  # 'zz9' is one row: no literal there
    masks = {m.mask: m.rows for m in column_masks([*values[:12], "sha$" + "0a" * 4], k=10)}
    assert masks == {"'md5'$h{8}$h{32}": 12, "l{3}$h{8}": 1}
    cards = ["4111-1111"] * 20
    assert [m.mask for m in column_masks(cards, k=10, personal=True)] == ["d{4}-d{4}"]
    names = ["Trần Thị Bích"] * 20 + ["x9 Ann"] * 20
    found = [m.mask for m in column_masks(names, k=10, personal=True)]
    assert found == ["'x9' u{1}l{2}", "u{1}l{3} u{1}l{2} u{1}l{3}"]
    tags = ["news", "sports", "news, politics", "", "News"]
    assert [m.mask for m in column_masks(tags, k=10)] == ["l+", "", "l{4}, l{8}", "u{1}l{3}"]


def test_a_repeated_separator_becomes_a_group_only_when_counts_vary() -> None:
    slugs = ["a-b-x7k2q9", "a-b-c-x7k2q9", "a-b-c-d-x7k2q9"] * 4
    assert [m.mask for m in column_masks(slugs, k=100)] == ["l{1}(-l{1}){1,3}-w{6}"]
    dates = ["2024-01-05", "2023-11-30"] * 6
    assert [m.mask for m in column_masks(dates, k=100)] == ["d{4}-d{2}-d{2}"]


def test_names_are_readable() -> None:
    assert mask_name("l+(-l+){2,7}-w{6}") == "lower-list-code6"
    assert mask_name("'md5'$h{8}$h{32}") == "md5-hex8-hex32"
    assert mask_name("") == "empty"


def test_regex_is_what_polars_reads() -> None:
    frame = pl.DataFrame({"v": ["(555) 123-4567", "555-123-4567"]})
    hit = frame.select(pl.col("v").str.contains(regex(r"\(d{3}\) d{3}-d{4}"))).to_series()
    assert hit.to_list() == [True, False]


def test_date_masks_make_dates_a_parser_accepts() -> None:
    """A text column of ISO dates keeps being dates: month, day, hour and minute runs are
    drawn within their ranges, and a literal kept by the profile (minute 50) stays."""
    rng = np.random.default_rng(3)
    for mask, fmt in (
        ("d{4}-d{2}-d{2}", "%Y-%m-%d"),
        ("d{4}/d{2}/d{2}", "%Y/%m/%d"),
        ("d{4}-d{2}-d{2} d{2}:'50':'00'", "%Y-%m-%d %H:%M:%S"),
        ("d{4}-d{2}-d{2}Td{2}:d{2}:d{2}", "%Y-%m-%dT%H:%M:%S"),
    ):
        values = generate(mask, 500, rng).to_list()
        parsed = [dt.datetime.strptime(v, fmt) for v in values]  # raises on '2570-67-97'
        assert len({p.month for p in parsed}) > 6, mask
        if "'50'" in mask:
            assert {p.minute for p in parsed} == {50}
    # digits that spell no date stay free
    codes = generate("l+-d{2}", 500, rng).str.slice(-2).cast(pl.Int64)
    assert int(codes.max()) > 59


def test_a_unique_mask_keeps_its_lengths_when_codes_need_room() -> None:
    """100,000 distinct slugs need four-letter codes in a letter run: the other runs give
    the room, so each value keeps its target length (they once grew a character)."""
    from synth.internal.mask_values import generate

    rng = np.random.default_rng(1)
    lengths = rng.integers(21, 30, 100_000)
    made = generate("l+-'and'-l+-d+-d+", 100_000, rng, lengths, np.arange(100_000))
    assert made.n_unique() == 100_000
    assert (made.str.len_chars().to_numpy() == lengths).mean() > 0.99
