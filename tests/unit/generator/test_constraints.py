"""Generated rows satisfy every CHECK form at 100%, and the column's other traits stay.

The profiles here are written by hand so that plain generation would break each constraint
(distributions wider than the CHECK allows, two date columns drawn independently, lengths
of 1 to 8 for a 3-character code...): what holds is the generator's doing.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import synth
from synth.generator.blocked import blocked_in
from synth.internal import sql_predicates as sqlp
from synth.internal.charsets import fits
from synth.model import (
    PROFILE_KIND,
    PROFILE_VERSION,
    Check,
    CheckRule,
    Column,
    ColumnStats,
    Distribution,
    LogicalType,
    Profile,
    Source,
    Table,
    TraitStat,
)
from synth.profiler.checks import model_check

L = LogicalType
ROWS = 400


def _profile(columns: list[Column], checks: list[str], *, unique: tuple[str, ...] = ()) -> Profile:
    names = [c.name for c in columns]
    table = Table(
        name="t",
        rows=2000,
        primary_key=("id",),
        unique=(unique,) if unique else (),
        columns=(Column(name="id", type=L.INTEGER, sql_type="INTEGER", nullable=False), *columns),
        checks=tuple(model_check(sql, "postgresql", names) for sql in checks),
    )
    return Profile(
        kind=PROFILE_KIND,
        version=PROFILE_VERSION,
        synth_version="test",
        source=Source(
            kind="database",
            url="postgresql://x/y",
            dialect="postgresql",
            as_of=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        ),
        tables=(table,),
    )


def _frame(profile: Profile) -> pl.DataFrame:
    return synth.generate(profile, rows=ROWS, seed=3)["t"]


def _holds(frame: pl.DataFrame, check: Check) -> bool:
    tree = sqlp.parse(check.inlined or check.sql, "postgresql")
    expr = sqlp.evaluator(tree, frame.schema)
    assert expr is not None, check.sql
    return bool(frame.select(sqlp.passes(expr).all()).item())


def _carriers(frame: pl.DataFrame, column: str, value: object) -> int:
    return frame.filter(pl.col(column) == value).height


def test_a_range_holds_and_a_sentinel_inside_it_stays() -> None:
    price = Column(
        name="price",
        type=L.DECIMAL,
        sql_type="NUMERIC(8,2)",
        precision=8,
        scale=2,
        stats=ColumnStats(
            null_fraction=0.1,
            values=Distribution(min=-50, p50=20, max=400),
            traits=(TraitStat(trait="sentinel", fraction=0.02, value=0),),
        ),
    )
    rating = Column(
        name="rating",
        type=L.INTEGER,
        sql_type="SMALLINT",
        size=2,
        stats=ColumnStats(values=Distribution(min=0, p50=4, max=9)),
    )
    profile = _profile([price, rating], ["price >= 0", "rating BETWEEN 1 AND 5"])
    frame = _frame(profile)
    for check in profile.tables[0].checks:
        assert _holds(frame, check)
    assert frame["rating"].min() >= 1 and frame["rating"].max() <= 5
    assert _carriers(frame, "price", 0) >= 1  # the sentinel 0 satisfies the CHECK: injected
    assert 0.04 < frame["price"].null_count() / ROWS < 0.2  # the NULLs stay


def test_a_comparison_between_columns_holds_and_keeps_both_distributions() -> None:
    def date(name: str, low: str, mid: str, high: str, traits=()) -> Column:
        stats = ColumnStats(
            null_fraction=0.2 if name == "end_on" else 0.0,
            values=Distribution(min=low, p50=mid, max=high),
            traits=traits,
        )
        return Column(name=name, type=L.DATE, sql_type="DATE", stats=stats)

    sentinel = (TraitStat(trait="sentinel", fraction=0.02, value="9999-12-31"),)
    start = date("start_on", "2020-01-01", "2022-01-01", "2024-01-01")
    end = date("end_on", "2020-02-01", "2022-02-01", "2024-02-01", sentinel)
    profile = _profile([start, end], ["end_on IS NULL OR end_on >= start_on"])
    frame = _frame(profile)
    assert _holds(frame, profile.tables[0].checks[0])
    assert _carriers(frame, "end_on", dt.date(9999, 12, 31)) >= 1
    # values were re-paired, not replaced: the median of end_on stays near its own
    ends = frame.filter(pl.col("end_on") < dt.date(9000, 1, 1))["end_on"]
    median = ends.cast(pl.Int32).median()  # days since 1970
    assert (
        dt.date(2021, 6, 1).toordinal() - 719163 < median < dt.date(2022, 9, 1).toordinal() - 719163
    )


def test_a_length_holds_and_non_ascii_dirt_of_the_same_length_stays() -> None:
    code = Column(
        name="code",
        type=L.STRING,
        sql_type="VARCHAR(8)",
        length=8,
        stats=ColumnStats(
            lengths=Distribution(min=1, p50=3, max=8),
            traits=(TraitStat(trait="non_ascii", fraction=0.05),),
        ),
    )
    profile = _profile([code], ["char_length(code) = 3"])
    frame = _frame(profile)
    assert _holds(frame, profile.tables[0].checks[0])
    assert frame.filter(pl.col("code").str.len_bytes() > 3).height >= 1  # non-ASCII, 3 chars


def test_an_in_list_holds_and_a_legacy_value_in_it_stays() -> None:
    status = Column(
        name="status",
        type=L.STRING,
        sql_type="TEXT",
        stats=ColumnStats(
            lengths=Distribution(min=3, max=12),
            traits=(TraitStat(trait="legacy_value", fraction=0.05, value="legacy"),),
        ),
    )
    profile = _profile([status], ["status IN ('active', 'closed', 'legacy')"])
    frame = _frame(profile)
    assert _holds(frame, profile.tables[0].checks[0])
    assert _carriers(frame, "status", "legacy") >= 1


def test_a_like_pattern_holds_on_a_unique_key_and_dirt_that_would_break_it_stays_out() -> None:
    sku = Column(
        name="sku",
        type=L.STRING,
        sql_type="VARCHAR(20)",
        length=20,
        nullable=False,
        stats=ColumnStats(
            lengths=Distribution(min=8, max=12),
            traits=(TraitStat(trait="whitespace_padded", fraction=0.05),),
        ),
    )
    profile = _profile([sku], ["sku LIKE 'SKU-%'"], unique=("sku",))
    frame = _frame(profile)
    assert _holds(frame, profile.tables[0].checks[0])
    assert frame["sku"].n_unique() == ROWS
    assert blocked_in(profile, profile.tables[0]) == {}  # a key: whitespace is not injected


def test_padding_that_would_break_a_like_pattern_is_not_injected() -> None:
    website = Column(
        name="website",
        type=L.STRING,
        sql_type="TEXT",
        semantic="url",
        stats=ColumnStats(
            lengths=Distribution(min=12, max=40),
            traits=(TraitStat(trait="whitespace_padded", fraction=0.05),),
        ),
    )
    profile = _profile([website], ["website LIKE 'https://%'"])
    blocked = blocked_in(profile, profile.tables[0])
    assert blocked == {"website:whitespace_padded": "CHECK (website LIKE 'https://%')"}
    assert _holds(_frame(profile), profile.tables[0].checks[0])


@pytest.mark.parametrize("unique", [True, False])
def test_an_unenforced_regex_is_checked_and_text_bent_to_it(unique: bool) -> None:
    username = Column(
        name="username",
        type=L.STRING,
        sql_type="TEXT",
        nullable=False,
        stats=ColumnStats(lengths=Distribution(min=6, max=20)),
    )
    sql = "username ~ '^[a-z0-9_]{3,30}$'"
    profile = _profile([username], [sql], unique=("username",) if unique else ())
    assert profile.tables[0].checks[0].unenforced
    frame = _frame(profile)
    assert _holds(frame, profile.tables[0].checks[0])
    if unique:
        assert frame["username"].n_unique() == ROWS


def test_an_implication_between_columns_is_checked_and_rows_mended() -> None:
    status = Column(
        name="status",
        type=L.STRING,
        sql_type="TEXT",
        domain=("draft", "published"),
        nullable=False,
    )
    published = Column(
        name="published_at",
        type=L.DATETIME,
        sql_type="TIMESTAMP",
        stats=ColumnStats(
            null_fraction=0.5, values=Distribution(min="2020-01-01T00:00:00", max="2024-01-01")
        ),
    )
    sql = "status <> 'published' OR published_at IS NOT NULL"
    profile = _profile([status, published], [sql])
    frame = _frame(profile)
    assert _holds(frame, profile.tables[0].checks[0])


def test_dirt_uses_only_characters_the_charset_holds() -> None:
    def named(name: str, charset: str) -> Column:
        return Column(
            name=name,
            type=L.STRING,
            sql_type="VARCHAR(40)",
            length=40,
            charset=charset,
            stats=ColumnStats(
                lengths=Distribution(min=5, max=30),
                traits=(TraitStat(trait="non_ascii", fraction=0.2),),
            ),
        )

    profile = _profile([named("legal_name", "latin1"), named("city", "utf8mb3")], [])
    frame = _frame(profile)
    assert all(fits(v, "latin1") for v in frame["legal_name"].drop_nulls())
    assert all(fits(v, "utf8mb3") for v in frame["city"].drop_nulls())
    assert frame.filter(
        pl.col("legal_name").str.len_bytes() > pl.col("legal_name").str.len_chars()
    ).height
    assert frame.filter(pl.col("city").str.len_bytes() > pl.col("city").str.len_chars()).height


def test_set_members_are_joined_within_the_length() -> None:
    members = ("sso", "api", "audit_log", "sandbox")
    features = Column(
        name="features",
        type=L.STRING,
        sql_type="SET('sso','api','audit_log','sandbox')",
        length=len(",".join(members)),
        members=members,
        nullable=False,
        stats=ColumnStats(
            lengths=Distribution(min=0, max=25),
            traits=(TraitStat(trait="whitespace_padded", fraction=0.05),),
        ),
    )
    profile = _profile([features], [])
    assert "features:whitespace_padded" in blocked_in(profile, profile.tables[0])
    values = _frame(profile)["features"]
    for value in values:
        parts = value.split(",") if value else []
        assert all(p in members for p in parts), value
        assert parts == sorted(parts, key=members.index)
        assert len(value) <= features.length


def test_a_rule_written_by_hand_in_the_profile_is_honoured() -> None:
    qty = Column(
        name="qty",
        type=L.INTEGER,
        sql_type="INTEGER",
        stats=ColumnStats(values=Distribution(min=-5, max=5)),
    )
    check = Check(
        sql="qty <> 0",
        columns=("qty",),
        rules=(CheckRule(kind="range", column="qty", op="<>", value=0),),
    )
    profile = _profile([qty], [])
    table = profile.tables[0].model_copy(update={"checks": (check,)})
    profile = profile.model_copy(update={"tables": (table,)})
    assert (_frame(profile)["qty"].drop_nulls() != 0).all()


def test_synth_show_names_each_check_and_the_traits_kept_out() -> None:
    from synth.review.show import render_profile

    website = Column(
        name="website",
        type=L.STRING,
        sql_type="TEXT",
        semantic="url",
        stats=ColumnStats(
            lengths=Distribution(min=12, max=40),
            traits=(TraitStat(trait="whitespace_padded", fraction=0.05),),
        ),
    )
    handle = Column(name="handle", type=L.STRING, sql_type="TEXT")
    profile = _profile([website, handle], ["website LIKE 'https://%'", "handle ~ '^[a-z]+$'"])
    text = render_profile(profile)
    assert "check (website LIKE 'https://%')  modelled: website like 'https://%'" in text
    assert "check (handle ~ '^[a-z]+$')  unenforced: rows are checked against it" in text
    assert "website:whitespace_padded is not injected: it would break CHECK" in text


def test_a_check_synth_cannot_evaluate_is_reported_not_raised() -> None:
    slug = Column(name="slug", type=L.STRING, sql_type="TEXT")
    profile = _profile([slug], ["is_valid_slug(slug)"])
    with pytest.warns(synth.SynthWarning, match="cannot evaluate it"):
        frame = _frame(profile)
    assert frame.height == ROWS
