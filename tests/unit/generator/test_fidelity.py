"""Fidelity: 10,000 generated rows reproduce the profiled fractions and distributions."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

import synth
from synth.model import (
    Column,
    ColumnStats,
    Distribution,
    Profile,
    Source,
    Table,
    ValueFrequency,
)

ROWS = 10_000

# Tolerances. A fraction p measured on n = 10,000 rows has a standard deviation of
# sqrt(p(1-p)/n) <= 0.005, so +-0.02 is four standard deviations: the test fails
# only when the generator is wrong, not by chance (and the seed is fixed anyway).
FRACTION_TOLERANCE = 0.02
# Percentiles: the generator interpolates linearly between the profiled points and
# the sample quantile of 10,000 draws is within well under 1% of the range of the
# true one; 3% of the column's (max - min) also absorbs integer rounding.
QUANTILE_TOLERANCE = 0.03

F = ValueFrequency

NUMERIC = {
    "amount": Distribution(min=0, p10=5, p25=12, p50=50, p75=120, p90=500, max=1000),
    "ratio": Distribution(min=-1.0, p10=-0.5, p50=0.1, p90=0.8, max=1.0),
    "price": Distribution(min=0.5, p10=2.0, p50=19.99, p90=150.0, max=999.99),
}
TEMPORAL = {
    "created_at": Distribution(
        min="2020-01-01T00:00:00+00:00",
        p10="2021-01-01T00:00:00+00:00",
        p50="2023-01-01T00:00:00+00:00",
        p90="2023-10-01T00:00:00+00:00",
        max="2024-01-01T00:00:00+00:00",
    ),
    "born_on": Distribution(
        min="1950-01-01", p10="1960-06-01", p50="1985-01-01", p90="2000-01-01", max="2006-01-01"
    ),
}


def _profile() -> Profile:
    cols = (
        Column(
            name="amount",
            type="integer",
            sql_type="INTEGER",
            size=4,
            stats=ColumnStats(null_fraction=0.15, values=NUMERIC["amount"]),
        ),
        Column(
            name="ratio",
            type="float",
            sql_type="DOUBLE",
            stats=ColumnStats(null_fraction=0.0, values=NUMERIC["ratio"]),
        ),
        Column(
            name="price",
            type="decimal",
            sql_type="NUMERIC(7,2)",
            precision=7,
            scale=2,
            stats=ColumnStats(null_fraction=0.05, values=NUMERIC["price"]),
        ),
        Column(
            name="created_at",
            type="datetime",
            sql_type="TIMESTAMPTZ",
            timezone=True,
            stats=ColumnStats(null_fraction=0.25, values=TEMPORAL["created_at"]),
        ),
        Column(
            name="born_on",
            type="date",
            sql_type="DATE",
            stats=ColumnStats(values=TEMPORAL["born_on"]),
        ),
        Column(
            name="status",
            type="string",
            sql_type="VARCHAR(12)",
            length=12,
            stats=ColumnStats(
                null_fraction=0.05,
                lengths=Distribution(min=3, max=12),
                frequent=(
                    F(value="active", fraction=0.5),
                    F(value="closed", fraction=0.2),
                    F(value="new", fraction=0.1),
                ),
            ),
        ),
        Column(
            name="flag",
            type="boolean",
            sql_type="BOOLEAN",
            stats=ColumnStats(
                null_fraction=0.05,
                frequent=(F(value=True, fraction=0.7), F(value=False, fraction=0.25)),
            ),
        ),
        Column(
            name="comment",
            type="string",
            sql_type="VARCHAR(20)",
            length=20,
            stats=ColumnStats(null_fraction=0.4, lengths=Distribution(min=5, p50=10, max=30)),
        ),
    )
    source = Source(
        kind="database", url="sqlite:///x.db", as_of=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    )
    return Profile(
        kind="synth-profile",
        version=1,
        synth_version="0.1.0",
        source=source,
        tables=(Table(name="events", rows=ROWS, columns=cols),),
    )


@pytest.fixture(scope="module")
def events() -> pl.DataFrame:
    return synth.generate(_profile(), rows=ROWS, seed=42)["events"]


@pytest.mark.parametrize("column", [c.name for c in _profile().tables[0].columns])
def test_null_fraction(events, column):
    expected = _profile().tables[0].column(column).stats.null_fraction
    assert events[column].null_count() / ROWS == pytest.approx(expected, abs=FRACTION_TOLERANCE)


@pytest.mark.parametrize("column", ["status", "flag"])
def test_frequent_value_fractions(events, column):
    stats = _profile().tables[0].column(column).stats
    for freq in stats.frequent:
        share = (events[column] == freq.value).sum() / ROWS
        assert share == pytest.approx(freq.fraction, abs=FRACTION_TOLERANCE), freq.value


def test_other_strings_are_not_frequent_values_and_fill_the_rest(events):
    stats = _profile().tables[0].column("status").stats
    frequent = [f.value for f in stats.frequent]
    other = events["status"].drop_nulls().filter(~events["status"].drop_nulls().is_in(frequent))
    assert other.len() / ROWS == pytest.approx(stats.other_fraction, abs=FRACTION_TOLERANCE)
    assert other.str.len_chars().min() >= 3 and other.str.len_chars().max() <= 12


def _as_number(value: object) -> float:
    if isinstance(value, str):
        parsed = dt.datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=dt.UTC)
        return parsed.timestamp()
    return float(value)


def _series_numbers(series: pl.Series) -> pl.Series:
    if series.dtype == pl.Date:
        return series.cast(pl.Datetime("us")).dt.epoch("s").cast(pl.Float64)
    if isinstance(series.dtype, pl.Datetime):
        return series.dt.epoch("s").cast(pl.Float64)
    return series.cast(pl.Float64)


@pytest.mark.parametrize("column", [*NUMERIC, *TEMPORAL])
@pytest.mark.parametrize("point", ["p10", "p50", "p90"])
def test_percentiles_within_a_few_percent_of_the_range(events, column, point):
    dist = {**NUMERIC, **TEMPORAL}[column]
    lo, hi = _as_number(dist.min), _as_number(dist.max)
    values = _series_numbers(events[column].drop_nulls())
    q = {"p10": 0.1, "p50": 0.5, "p90": 0.9}[point]
    measured = values.quantile(q, interpolation="nearest")
    expected = _as_number(getattr(dist, point))
    assert abs(measured - expected) <= QUANTILE_TOLERANCE * (hi - lo)
    assert values.min() >= lo and values.max() <= hi


def test_string_lengths_within_the_profiled_bounds_and_the_declared_length(events):
    lengths = events["comment"].drop_nulls().str.len_chars()
    assert lengths.min() >= 5
    assert lengths.max() == 20  # the profile's max (30) is cut at the declared length
    assert lengths.median() == pytest.approx(10, abs=1)


def test_trimmed_trait_carriers_get_listed_values_not_made_up_ones() -> None:
    """A fully listed column with NULLs: carriers of a trait beyond its share are given
    other values of the column, drawn among the non-NULL rows' values (which are all
    listed), never made-up strings. (The fill used to keep the NULL share out of the
    draw, leaving it to the "other" bucket.)"""
    from synth.model import TraitStat

    coupon = Column(
        name="coupon",
        type="string",
        sql_type="VARCHAR(32)",
        length=32,
        stats=ColumnStats(
            null_fraction=0.7,
            distinct=3,
            lengths=Distribution(min=0, p50=8, max=15),
            frequent=(
                F(value="", fraction=0.1),
                F(value="SPRING15", fraction=0.1),
                F(value="WELCOME10", fraction=0.1),
            ),
            traits=(TraitStat(trait="empty_string", fraction=0.1),),
        ),
    )
    table = Table(name="orders", rows=ROWS, columns=(coupon,))
    source = Source(kind="files", url="x", as_of=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    profile = Profile(
        kind="synth-profile", version=1, synth_version="0.1.0", source=source, tables=(table,)
    )
    for seed in range(3):
        values = synth.generate(profile, rows=ROWS, seed=seed)["orders"]["coupon"]
        assert set(values.drop_nulls().unique().to_list()) == {"", "SPRING15", "WELCOME10"}
