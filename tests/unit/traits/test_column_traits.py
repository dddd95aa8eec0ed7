"""Every column trait keeps its own contract, with no server: what it injects its own
predicate counts as a carrier, and its SQL and polars forms count the same rows (on an
in-process SQLite database for the string traits, whose values SQLite stores as they are).

The integration tests (``tests/integration/traits/``) measure the same traits on real
PostgreSQL, MariaDB and SQLite tables; these run in milliseconds and cover every trait,
type and probe the registry has, so a new trait is checked the moment it registers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import numpy as np
import polars as pl
import pytest
import sqlalchemy as sa

from synth.generator.samplers import ColumnContext, sampler_for
from synth.model import Column, ColumnStats, Distribution, LogicalType, Table, TraitStat
from synth.traits import column_traits
from synth.traits.base import ColumnTrait, MeasureContext

AS_OF = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
MEASURE = MeasureContext(table="t", as_of=AS_OF, time_column=None)
ROWS = 400


def _column(trait: ColumnTrait, logical: LogicalType) -> Column:
    """A column of ``logical`` type shaped so that every trait can apply: strings declare a
    length and carry length statistics, numbers and times a value range."""
    stats = ColumnStats()
    length = None
    if logical is LogicalType.STRING:
        length = 24
        stats = ColumnStats(lengths=Distribution(min=3, p50=9, max=16), distinct=ROWS)
    elif logical in (LogicalType.INTEGER, LogicalType.DECIMAL, LogicalType.FLOAT):
        stats = ColumnStats(values=Distribution(min=10, p50=500, max=5000), distinct=ROWS)
    elif logical is LogicalType.DATE:
        stats = ColumnStats(values=Distribution(min="2020-01-01", max="2026-05-01"))
    elif logical is LogicalType.DATETIME:
        stats = ColumnStats(
            values=Distribution(min="2020-01-01T00:00:00+00:00", max="2026-05-01T00:00:00+00:00")
        )
    return Column(
        name="c",
        type=logical,
        sql_type="TEXT" if logical is LogicalType.STRING else logical.value.upper(),
        length=length,
        precision=12 if logical is LogicalType.DECIMAL else None,
        scale=2 if logical is LogicalType.DECIMAL else None,
        timezone=logical is LogicalType.DATETIME,
        stats=stats,
    )


def _cases() -> Iterator[tuple[ColumnTrait, LogicalType, TraitStat]]:
    """(trait, type, the stat a profile would store for each of its probes)."""
    for trait in column_traits():
        for logical in sorted(trait.types):
            col = _column(trait, logical)
            for probe in trait.probes(col, MEASURE):
                for stat in trait.stats({probe.key: ROWS // 10}, ROWS, col, MEASURE):
                    yield trait, logical, stat


CASES = list(_cases())


def _id(case: tuple[ColumnTrait, LogicalType, TraitStat]) -> str:
    trait, logical, stat = case
    return f"{trait.name}-{logical.value}" + (f"={stat.value}" if stat.value is not None else "")


def test_every_column_trait_has_cases() -> None:
    """Each registered column trait is exercised below by at least one probe, except the
    ones measured from frequent values instead of probes (they have no predicate to inject
    against without a profile's values)."""
    covered = {case[0].name for case in CASES}
    by_values = {"legacy_value"}  # measured from the frequent-value query, see legacy.py
    by_values |= {"format"}  # measured from the table's sample query, see test_formats.py
    assert covered | by_values == {t.name for t in column_traits()}


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_injected_values_carry_the_trait(
    case: tuple[ColumnTrait, LogicalType, TraitStat],
) -> None:
    trait, logical, stat = case
    col = _column(trait, logical)
    ctx = ColumnContext("t", col, 3, AS_OF, ROWS)
    rng = np.random.default_rng(11)
    base = sampler_for(col).sample(ctx, 64, rng)
    injected = trait.inject(base, col, stat, rng).cast(base.dtype)
    assert len(injected) == len(base) and injected.null_count() == 0
    carries = pl.DataFrame([injected]).select(trait.carriers(pl.col("c"), col, stat)).to_series()
    assert carries.all(), injected.filter(~carries).head(5).to_list()
    if col.length is not None and injected.dtype == pl.String:
        assert injected.str.len_chars().max() <= col.length  # dirt fits the column


STRING_VALUES = [
    "plain", " padded", "trailing ", "", "   ", "0042", "007", "N/A", "null", "NULL", "-",
    "unknown", "Unknown", "naïve café", "tab\there", "line\nbreak", "bell\x07", "x" * 24,
    "x" * 23, "UPPER", "MiXeD", "12345", "0", "none", "news, politics", "a;b", "a|b", "a/b",
    "50%_off",
]  # fmt: skip
"""Values every string predicate has an opinion on, carriers and near misses alike."""


@pytest.fixture(scope="module")
def strings_db() -> Iterator[sa.Connection]:
    engine = sa.create_engine("sqlite://")
    with engine.connect() as conn:
        conn.execute(sa.text("CREATE TABLE t (c TEXT)"))
        conn.execute(sa.text("INSERT INTO t VALUES (:v)"), [{"v": v} for v in STRING_VALUES])
        yield conn
    engine.dispose()


STRING_TRAITS = [t for t in column_traits() if LogicalType.STRING in t.types]


@pytest.mark.parametrize("trait", STRING_TRAITS, ids=[t.name for t in STRING_TRAITS])
def test_sql_and_polars_count_the_same_rows(trait: ColumnTrait, strings_db: sa.Connection) -> None:
    col = _column(trait, LogicalType.STRING)
    table = Table(name="t", rows=len(STRING_VALUES), columns=(col,))
    assert trait.applies(col, table)
    frame = pl.DataFrame({"c": STRING_VALUES})
    source = sa.table("t", sa.column("c"))
    for probe in trait.probes(col, MEASURE):
        in_sql = strings_db.execute(
            sa.select(sa.func.sum(sa.case((probe.sql(source.c.c), 1), else_=0)))
        ).scalar()
        in_polars = frame.select(probe.frame(pl.col("c")).fill_null(False).sum()).item()
        assert int(in_sql or 0) == in_polars, (trait.name, probe.key)
