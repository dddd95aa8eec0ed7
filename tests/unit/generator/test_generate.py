"""Generation: sizing, table selection, determinism and stream independence."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

import synth
from synth.errors import UsageError
from synth.generator import generate_tables, iter_tables, make_plan
from synth.generator.options import GenerateOptions
from synth.internal.streams import CHUNK_ROWS, chunk_ranges, stream
from synth.model import (
    Column,
    ColumnStats,
    Distribution,
    ForeignKey,
    Profile,
    Source,
    Table,
    ValueFrequency,
)


def make_profile(*tables: Table) -> Profile:
    source = Source(
        kind="database",
        url="sqlite:///x.db",
        dialect="sqlite",
        as_of=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )
    return Profile(
        kind="synth-profile", version=1, synth_version="0.1.0", source=source, tables=tables
    )


def users(rows: int = 400, extra: tuple[Column, ...] = ()) -> Table:
    return Table(
        name="users",
        rows=rows,
        primary_key=("id",),
        columns=(
            Column(name="id", type="integer", sql_type="INTEGER", nullable=False, size=4),
            Column(
                name="email",
                type="string",
                sql_type="VARCHAR(60)",
                length=60,
                semantic="email",
                nullable=False,
            ),
            Column(
                name="plan",
                type="string",
                sql_type="TEXT",
                stats=ColumnStats(
                    null_fraction=0.1, frequent=(ValueFrequency(value="free", fraction=0.6),)
                ),
            ),
            Column(
                name="score",
                type="float",
                sql_type="REAL",
                stats=ColumnStats(values=Distribution(min=0.0, p50=10.0, max=100.0)),
            ),
            Column(
                name="seen_at",
                type="datetime",
                sql_type="TIMESTAMP",
                stats=ColumnStats(null_fraction=0.3),
            ),
            *extra,
        ),
    )


def orders(rows: int = 2000) -> Table:
    return Table(
        name="orders",
        rows=rows,
        primary_key=("id",),
        foreign_keys=(ForeignKey(columns=("user_id",), ref_table="users", ref_columns=("id",)),),
        columns=(
            Column(
                name="id",
                type="integer",
                sql_type="BIGINT",
                nullable=False,
                size=8,
                stats=ColumnStats(values=Distribution(min=5000, max=7000)),
            ),
            Column(
                name="user_id",
                type="integer",
                sql_type="INTEGER",
                size=4,
                stats=ColumnStats(values=Distribution(min=90_000, max=91_000)),
            ),
            Column(name="total", type="decimal", sql_type="NUMERIC(8,2)", precision=8, scale=2),
        ),
    )


def sizes(profile: Profile, **options: object) -> dict[str, int]:
    kw = {"rows": None, "scale": None, "seed": 0, "tables": None, **options}
    return {tp.key: tp.rows for tp in make_plan(profile, GenerateOptions.of(**kw)).tables}


def test_rows_sizes_the_largest_table_and_keeps_relative_sizes():
    profile = make_profile(users(400), orders(2000))
    assert sizes(profile, rows=100) == {"users": 20, "orders": 100}


def test_neither_rows_nor_scale_caps_the_largest_table_at_1000():
    assert sizes(make_profile(users(400), orders(2000))) == {"users": 200, "orders": 1000}
    assert sizes(make_profile(users(40), orders(200))) == {"users": 40, "orders": 200}


def test_scale_multiplies_every_count_and_keeps_at_least_one_row():
    profile = make_profile(
        users(400),
        orders(2000),
        Table(
            name="empty", rows=0, columns=(Column(name="x", type="integer", sql_type="INTEGER"),)
        ),
    )
    assert sizes(profile, scale=0.5) == {"users": 200, "orders": 1000, "empty": 0}
    assert sizes(profile, scale=0.0001) == {"users": 1, "orders": 1, "empty": 0}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param({"rows": 10, "scale": 1.0}, "--rows.*--scale", id="rows-and-scale"),
        pytest.param({"rows": -1}, "rows=-1", id="negative-rows"),
        pytest.param({"scale": float("nan")}, "scale=nan", id="nan-scale"),
        pytest.param({"tables": ["users", "nope"]}, "table='nope'", id="unknown-table"),
    ],
)
def test_bad_options_raise_usage_errors(options, message):
    with pytest.raises(UsageError, match=message):
        generate_tables(make_profile(users(), orders()), GenerateOptions.of(**options))


def test_unknown_table_error_lists_the_known_ones():
    with pytest.raises(UsageError, match="known tables: users, orders"):
        synth.generate(make_profile(users(), orders()), tables=["nope"])


def test_parents_are_generated_before_children():
    profile = make_profile(orders(), users())
    assert list(synth.generate(profile, rows=50)) == ["users", "orders"]


def test_same_seed_same_values_and_other_seed_other_values():
    profile = make_profile(users(), orders())
    first = synth.generate(profile, rows=300, seed=5)
    again = synth.generate(profile, rows=300, seed=5)
    other = synth.generate(profile, rows=300, seed=6)
    for key in first:
        assert first[key].equals(again[key])
    assert not first["users"]["email"].equals(other["users"]["email"])
    assert not first["users"]["score"].equals(other["users"]["score"])


def test_adding_a_column_leaves_the_other_columns_unchanged():
    extra = (Column(name="nickname", type="string", sql_type="TEXT"),)
    before = synth.generate(make_profile(users(), orders()), rows=300, seed=1)
    after = synth.generate(make_profile(users(extra=extra), orders()), rows=300, seed=1)
    assert after["users"].drop("nickname").equals(before["users"])
    assert after["orders"].equals(before["orders"])


def test_adding_a_table_leaves_the_other_tables_unchanged():
    tags = Table(
        name="tags", rows=2000, columns=(Column(name="label", type="string", sql_type="TEXT"),)
    )
    before = synth.generate(make_profile(users(), orders()), rows=300, seed=1)
    after = synth.generate(make_profile(users(), tags, orders()), rows=300, seed=1)
    assert after["users"].equals(before["users"])
    assert after["orders"].equals(before["orders"])


def test_streams_depend_on_table_column_purpose_and_chunk_only():
    draw = lambda *a, **k: stream(*a, **k).random(4).tolist()  # noqa: E731
    assert draw(1, "t", "c", chunk=3) == draw(1, "t", "c", chunk=3)
    variants = [
        draw(1, "t", "c", chunk=4),
        draw(1, "t", "d", chunk=3),
        draw(1, "u", "c", chunk=3),
        draw(2, "t", "c", chunk=3),
        draw(-1, "t", "c", chunk=3),
        draw(1, "t", "c", chunk=3, purpose="fk"),
    ]
    assert all(v != draw(1, "t", "c", chunk=3) for v in variants)


def test_chunks_cover_the_rows_without_overlap():
    assert list(chunk_ranges(10, chunk_rows=4)) == [(0, 0, 4), (1, 4, 8), (2, 8, 10)]
    assert list(chunk_ranges(0)) == []


def test_a_table_with_no_rows_keeps_its_columns_and_dtypes():
    profile = make_profile(users(), orders())
    out = synth.generate(profile, rows=0)
    assert out["orders"].height == 0
    assert out["orders"].schema == pl.Schema(
        {"id": pl.Int64, "user_id": pl.Int32, "total": pl.Decimal(8, 2)}
    )


def test_only_the_chosen_tables_and_free_fk_values_from_the_childs_statistics():
    profile = make_profile(users(), orders())
    out = synth.generate(profile, rows=500, tables=["orders"])
    assert list(out) == ["orders"]
    user_ids = out["orders"]["user_id"]
    assert user_ids.min() >= 90_000 and user_ids.max() <= 91_000


def test_fk_to_an_ungenerated_parent_without_child_stats_uses_the_parents_stats():
    parent = Table(
        name="users",
        rows=10,
        primary_key=("id",),
        columns=(
            Column(
                name="id",
                type="integer",
                sql_type="INTEGER",
                nullable=False,
                stats=ColumnStats(values=Distribution(min=700, max=800)),
            ),
        ),
    )
    child = Table(
        name="visits",
        rows=100,
        foreign_keys=(ForeignKey(columns=("user_id",), ref_table="users", ref_columns=("id",)),),
        columns=(Column(name="user_id", type="integer", sql_type="INTEGER", nullable=False),),
    )
    out = synth.generate(make_profile(parent, child), tables=["visits"])
    values = out["visits"]["user_id"]
    assert values.min() >= 700 and values.max() <= 800


def test_a_chunk_is_made_without_the_chunks_before_it():
    table = Table(
        name="big",
        rows=CHUNK_ROWS + 10,
        columns=(
            Column(name="x", type="float", sql_type="REAL", stats=ColumnStats(null_fraction=0.2)),
        ),
    )
    profile = make_profile(table)
    whole = synth.generate(profile, scale=1.0, seed=2)["big"]["x"]
    plan = make_plan(profile, GenerateOptions(scale=1.0, seed=2))
    gen = next(iter_tables(plan))
    tail = gen.column("x", CHUNK_ROWS, CHUNK_ROWS + 10, chunk=1)
    assert tail.equals(whole.slice(CHUNK_ROWS, 10))


def test_rows_zero_gives_empty_tables_even_with_composite_keys(recwarn):
    """--rows 0: the schema without rows. A composite key over foreign keys needs no parent
    rows when its table is empty, and empty children give no 'free values' warning."""
    shop = synth.read_profile(Path(__file__).resolve().parents[3] / "profiles" / "shop.yaml")
    out = synth.generate(shop, rows=0)
    assert {key: frame.height for key, frame in out.items()} == dict.fromkeys(out, 0)
    assert "order_items" in out
    assert not [w for w in recwarn if "free values" in str(w.message)]
