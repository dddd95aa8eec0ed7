"""Keys: primary keys, unique constraints and foreign keys hold in generated tables."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
import pytest

import synth
from synth.errors import SynthWarning, UsageError
from synth.generator.plan import make_plan
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

UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def make_profile(*tables: Table) -> Profile:
    source = Source(
        kind="database", url="sqlite:///x.db", as_of=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    )
    return Profile(
        kind="synth-profile", version=1, synth_version="0.1.0", source=source, tables=tables
    )


def col(name: str, type_: str = "integer", **kw: object) -> Column:
    return Column(name=name, type=type_, sql_type=type_.upper(), **kw)


def fk(columns: tuple[str, ...], table: str, refs: tuple[str, ...]) -> ForeignKey:
    return ForeignKey(columns=columns, ref_table=table, ref_columns=refs)


USERS = Table(
    name="users",
    rows=200,
    primary_key=("id",),
    unique=(("handle",),),
    columns=(
        col("id", nullable=False, size=4, stats=ColumnStats(values=Distribution(min=100, max=300))),
        col("handle", "string", length=8, nullable=False),
    ),
)
TAGS = Table(
    name="tags",
    rows=8,
    primary_key=("id",),
    columns=(col("id", "uuid", nullable=False), col("label", "string")),
)


def assert_unique(frame: pl.DataFrame, *cols: str) -> None:
    assert frame.select(cols).is_duplicated().sum() == 0, cols


def assert_references(child: pl.Series, parent: pl.Series) -> None:
    assert child.drop_nulls().is_in(parent.implode()).all()


def test_integer_primary_key_is_a_sequence_from_the_profiled_minimum():
    out = synth.generate(make_profile(USERS), rows=50)["users"]
    assert out["id"].to_list() == list(range(100, 150))


def test_unique_string_columns_are_unique_within_their_length():
    out = synth.generate(make_profile(USERS), rows=5000)["users"]
    assert_unique(out, "handle")
    assert out["handle"].str.len_chars().max() <= 8


def test_composite_primary_key_numbers_lines_within_each_parent():
    items = Table(
        name="items",
        rows=1000,
        primary_key=("user_id", "line_no"),
        foreign_keys=(fk(("user_id",), "users", ("id",)),),
        columns=(col("user_id", nullable=False), col("line_no", nullable=False, size=2)),
    )
    out = synth.generate(make_profile(USERS, items), rows=1000)
    assert_unique(out["items"], "user_id", "line_no")
    assert_references(out["items"]["user_id"], out["users"]["id"])
    lines = out["items"].group_by("user_id").agg(pl.col("line_no").sort())
    assert all(v == list(range(1, len(v) + 1)) for v in lines["line_no"].to_list())


def test_junction_table_pairs_are_unique_and_capped_at_the_possible_pairs():
    links = Table(
        name="user_tags",
        rows=5000,
        primary_key=("user_id", "tag_id"),
        foreign_keys=(fk(("user_id",), "users", ("id",)), fk(("tag_id",), "tags", ("id",))),
        columns=(col("user_id", nullable=False), col("tag_id", "uuid", nullable=False)),
    )
    out = synth.generate(make_profile(USERS, TAGS, links), scale=1.0)
    assert out["user_tags"].height == 200 * 8 == 1600
    assert_unique(out["user_tags"], "user_id", "tag_id")
    assert_references(out["user_tags"]["tag_id"], out["tags"]["id"])


def test_composite_key_without_foreign_keys_is_unique():
    grid = Table(
        name="grid",
        rows=3000,
        primary_key=("x", "y"),
        columns=(col("x", nullable=False), col("y", "string", nullable=False, length=4)),
    )
    out = synth.generate(make_profile(grid), scale=1.0)["grid"]
    assert_unique(out, "x", "y")


def test_one_to_one_child_uses_each_parent_at_most_once():
    prefs = Table(
        name="prefs",
        rows=500,
        primary_key=("user_id",),
        foreign_keys=(fk(("user_id",), "users", ("id",)),),
        columns=(col("user_id", nullable=False), col("theme", "string")),
    )
    out = synth.generate(make_profile(USERS, prefs), scale=1.0)
    assert out["prefs"].height == 200  # capped at the parent's rows
    assert_unique(out["prefs"], "user_id")
    assert_references(out["prefs"]["user_id"], out["users"]["id"])


def test_self_reference_points_to_earlier_rows():
    staff = Table(
        name="staff",
        rows=300,
        primary_key=("id",),
        foreign_keys=(fk(("boss",), "staff", ("id",)),),
        columns=(col("id", nullable=False), col("boss", stats=ColumnStats(null_fraction=0.1))),
    )
    out = synth.generate(make_profile(staff), scale=1.0)["staff"]
    assert out["boss"][0] is None
    with_boss = out.filter(pl.col("boss").is_not_null())
    assert (with_boss["boss"] < with_boss["id"]).all()
    assert out["boss"].null_count() / 300 == pytest.approx(0.1, abs=0.05)


def test_nullable_foreign_key_keeps_its_null_fraction():
    posts = Table(
        name="posts",
        rows=4000,
        foreign_keys=(fk(("author",), "users", ("id",)),),
        columns=(col("author", stats=ColumnStats(null_fraction=0.3)),),
    )
    out = synth.generate(make_profile(USERS, posts), scale=1.0)
    assert out["posts"]["author"].null_count() / 4000 == pytest.approx(0.3, abs=0.02)
    assert_references(out["posts"]["author"], out["users"]["id"])


def test_composite_foreign_key_references_whole_parent_keys():
    parent = Table(
        name="slots",
        rows=50,
        primary_key=("day", "n"),
        columns=(col("day", "date", nullable=False), col("n", nullable=False)),
    )
    child = Table(
        name="bookings",
        rows=400,
        foreign_keys=(fk(("slot_day", "slot_n"), "slots", ("day", "n")),),
        columns=(col("slot_day", "date"), col("slot_n")),
    )
    out = synth.generate(make_profile(parent, child), scale=1.0)
    keys = out["slots"].select(pl.struct("day", "n").alias("k"))["k"]
    refs = out["bookings"].select(pl.struct(day="slot_day", n="slot_n").alias("k"))["k"]
    assert refs.is_in(keys.implode()).all()


def test_multi_column_unique_constraint_holds():
    pages = Table(
        name="pages",
        rows=3000,
        unique=(("owner", "slug"),),
        foreign_keys=(fk(("owner",), "users", ("id",)),),
        columns=(col("owner", nullable=False), col("slug", "string", length=6, nullable=False)),
    )
    out = synth.generate(make_profile(USERS, pages), scale=1.0)["pages"]
    assert_unique(out, "owner", "slug")


def test_uuid_and_string_primary_keys_are_unique():
    things = Table(
        name="things",
        rows=5000,
        primary_key=("id",),
        unique=(("code",),),
        columns=(
            col("id", "uuid", nullable=False),
            col("code", "string", length=3, nullable=False),
        ),
    )
    out = synth.generate(make_profile(things), scale=1.0)["things"]
    assert_unique(out, "id")
    assert_unique(out, "code")
    assert out["id"].str.contains(UUID_RE.pattern).all()


def test_foreign_key_cycle_is_broken_at_the_nullable_edge():
    a = Table(
        name="a",
        rows=100,
        primary_key=("id",),
        foreign_keys=(fk(("b_id",), "b", ("id",)),),
        columns=(col("id", nullable=False), col("b_id", nullable=False)),
    )
    b = Table(
        name="b",
        rows=100,
        primary_key=("id",),
        foreign_keys=(fk(("a_id",), "a", ("id",)),),
        columns=(col("id", nullable=False), col("a_id")),
    )
    profile = make_profile(a, b)
    out = synth.generate(profile, scale=1.0)
    assert list(out) == ["b", "a"]  # b's edge to a is nullable: deferred, so b goes first
    # the deferred edge still gets its values (writers fill it after both tables)
    assert out["b"]["a_id"].null_count() == 0
    assert_references(out["b"]["a_id"], out["a"]["id"])
    assert_references(out["a"]["b_id"], out["b"]["id"])
    plan = make_plan(profile)
    assert [(tp.key, sorted(tp.deferred)) for tp in plan.tables] == [("b", [0]), ("a", [])]


def test_foreign_key_cycle_without_a_nullable_edge_warns():
    a = Table(
        name="a",
        rows=10,
        primary_key=("id",),
        foreign_keys=(fk(("b_id",), "b", ("id",)),),
        columns=(col("id", nullable=False), col("b_id", nullable=False)),
    )
    b = Table(
        name="b",
        rows=10,
        primary_key=("id",),
        foreign_keys=(fk(("a_id",), "a", ("id",)),),
        columns=(col("id", nullable=False), col("a_id", nullable=False)),
    )
    with pytest.warns(SynthWarning, match="no nullable edge"):
        out = synth.generate(make_profile(a, b), scale=1.0)
    assert out["a"]["b_id"].null_count() == 0 and out["b"]["a_id"].null_count() == 0


def test_impossible_unique_column_is_a_usage_error_naming_it():
    tiny = Table(
        name="codes",
        rows=100,
        primary_key=("c",),
        columns=(col("c", "string", length=1, nullable=False),),
    )
    with pytest.raises(UsageError, match=r"codes\.c: cannot make 100 unique values"):
        synth.generate(make_profile(tiny), scale=1.0)


def test_a_table_outgrowing_a_short_unique_code_scales_every_table_alike():
    """250 countries keyed by a two-character code, 1,000 cities: scaled 20 times, the
    codes would run out (36^2 = 1,296); every table is scaled by 1,296 / 250 instead, so
    each country keeps its four cities, and a warning says why."""
    countries = Table(
        name="countries",
        rows=250,
        primary_key=("iso2",),
        columns=(col("iso2", "string", length=2, nullable=False),),
    )
    cities = Table(
        name="cities",
        rows=1000,
        primary_key=("id",),
        foreign_keys=(fk(("country",), "countries", ("iso2",)),),
        columns=(col("id", nullable=False), col("country", "string", length=2, nullable=False)),
    )
    with pytest.warns(SynthWarning, match=r"countries\.iso2 \(length 2\) holds 1,296"):
        out = synth.generate(make_profile(countries, cities), scale=20.0)
    assert out["countries"].height == 1296 and out["cities"].height == 5184
    assert_unique(out["countries"], "iso2")
    assert_references(out["cities"]["country"], out["countries"]["iso2"])


def _readings(rows: int, measured: ColumnStats) -> Table:
    return Table(
        name="readings",
        rows=rows,
        unique=(("user_id", "measured_at"),),
        foreign_keys=(fk(("user_id",), "users", ("id",)),),
        columns=(
            col("user_id", nullable=False),
            col("measured_at", "datetime", nullable=False, timezone=True, stats=measured),
        ),
    )


def test_a_datetime_in_a_composite_unique_key_keeps_its_distribution():
    """UNIQUE (user_id, measured_at) with readings spread over two years: the generated
    instants are distinct per user and spread like the profile's, not its minimum plus a
    few seconds."""
    spread = ColumnStats(
        values=Distribution(
            min="2024-01-01T00:00:00+00:00",
            p25="2024-06-01T00:00:00+00:00",
            p50="2024-12-01T00:00:00+00:00",
            p75="2025-06-01T00:00:00+00:00",
            max="2025-12-31T00:00:00+00:00",
        ),
        distinct=4000,
    )
    out = synth.generate(make_profile(USERS, _readings(4000, spread)), rows=4000)["readings"]
    assert_unique(out, "user_id", "measured_at")
    days = out.select(pl.col("measured_at").dt.date().cast(pl.Int32)).to_series()
    q = {p: dt.date.fromordinal(719163 + int(days.quantile(p))) for p in (0.25, 0.5, 0.75)}
    assert dt.date(2024, 4, 15) < q[0.25] < dt.date(2024, 7, 15), q
    assert dt.date(2024, 10, 15) < q[0.5] < dt.date(2025, 1, 15), q
    assert dt.date(2025, 4, 15) < q[0.75] < dt.date(2025, 7, 15), q


def test_a_member_with_few_values_draws_them_once_per_group_at_their_shares():
    """UNIQUE (user_id, period_start) over twelve billing months: every row holds one of
    the real months, none twice per user, at about the months' shares where users hold a
    few of them (drawn without replacement, a month can hold no more than 1/rows-per-user);
    a user has at most twelve rows, so the table is clamped to what the key can hold."""
    months = [dt.date(2024, m, 1).isoformat() for m in range(1, 13)]
    shares = [0.16] + [0.84 / 11] * 11
    period = ColumnStats(
        distinct=12,
        frequent=tuple(
            ValueFrequency(value=m, fraction=s) for m, s in zip(months, shares, strict=True)
        ),
    )
    invoices = Table(
        name="invoices",
        rows=600,
        unique=(("user_id", "period_start"),),
        foreign_keys=(fk(("user_id",), "users", ("id",)),),
        columns=(col("user_id", nullable=False), col("period_start", "date", nullable=False,
                 stats=period)),
    )  # fmt: skip
    out = synth.generate(make_profile(USERS, invoices), scale=1.0)["invoices"]
    assert out.height == 600
    assert_unique(out, "user_id", "period_start")
    held = out.get_column("period_start").cast(pl.String)
    assert held.is_in(months).all()
    january = float((held == months[0]).mean())
    assert 0.12 < january < 0.2, january  # its share (0.16), not 1/12 = 0.083
    crowded = invoices.model_copy(update={"rows": 3000})  # 15 per user, 12 months
    capped = synth.generate(make_profile(USERS, crowded), scale=1.0)["invoices"]
    assert capped.height == 200 * 12
    assert_unique(capped, "user_id", "period_start")


def test_a_member_unique_by_itself_carries_a_composite_primary_key():
    """PRIMARY KEY (invoice_id, period_start), as a partitioned table must declare it:
    invoice_id is distinct in production, so it stays a plain sequence and period_start
    keeps its distribution (no invoice_id repeated across periods)."""
    ids = ColumnStats(distinct=3000, values=Distribution(min=1, max=3000))
    when = ColumnStats(values=Distribution(min="2023-10-01", max="2024-06-01"))
    invoices = Table(
        name="invoices",
        rows=3000,
        primary_key=("invoice_id", "period_start"),
        columns=(col("invoice_id", nullable=False, stats=ids),
                 col("period_start", "date", nullable=False, stats=when)),
    )  # fmt: skip
    out = synth.generate(make_profile(invoices), scale=1.0)["invoices"]
    assert out.get_column("invoice_id").n_unique() == 3000
    assert out.get_column("period_start").n_unique() > 200  # spread over eight months
