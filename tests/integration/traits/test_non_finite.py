"""NaN and the infinities planted in float columns, profiled, reproduced at their share and
written as each database can hold them (PostgreSQL all three, SQLite the infinities, MySQL
and MariaDB none: NULL and the largest finite float, with a warning)."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

import synth
from synth.errors import SynthWarning
from synth.model import Profile
from tests.integration.traits_support import ROWS, SMALL, Db, close_enough

SOURCE_ROWS = 2000


def _value(i: int) -> float:
    """30% non-finite: 15% NaN, 10% +Infinity, 5% -Infinity, else 1.5 * i."""
    slot = i % 20
    if slot < 3:
        return math.nan
    if slot < 5:
        return math.inf
    return -math.inf if slot == 5 else 1.5 * i


PLANTED = {"NaN": 0.15, "Infinity": 0.10, "-Infinity": 0.05}


def _plant_postgresql(db: Db) -> None:
    db.run(
        "CREATE TABLE m (id integer PRIMARY KEY, x double precision, r real)",
        rows={"m": [{"id": i, "x": _value(i), "r": _value(i)} for i in range(SOURCE_ROWS)]},
    )


def _shares(frame: pl.DataFrame, column: str) -> dict[str, float]:
    x = pl.col(column)
    row = frame.select(
        x.is_nan().mean().alias("NaN"),
        (x == math.inf).mean().alias("Infinity"),
        (x == -math.inf).mean().alias("-Infinity"),
    ).row(0, named=True)
    return {k: float(v) for k, v in row.items()}


@pytest.fixture
def profile(pg: Db) -> Profile:
    _plant_postgresql(pg)
    return synth.profile(pg.url)


def test_postgresql_measures_each_special_value_and_keeps_values_finite(profile: Profile) -> None:
    for name in ("x", "r"):
        column = profile.table("m").column(name)
        found = {t.value: t.fraction for t in column.stats.traits if t.trait == "non_finite"}
        assert found == pytest.approx(PLANTED), found
        values = column.stats.values
        assert values is not None and math.isfinite(values.min) and math.isfinite(values.max)
        assert values.max <= 1.5 * SOURCE_ROWS
        assert all(math.isfinite(float(f.value)) for f in column.stats.frequent)  # type: ignore[arg-type]


def test_generated_fixtures_hold_them_at_their_share(profile: Profile) -> None:
    frame = synth.generate(profile, rows=ROWS, seed=3)["m"]
    for name in ("x", "r"):
        shares = _shares(frame, name)
        for value, planted in PLANTED.items():
            assert close_enough(shares[value], planted), (name, value, shares)
    small = synth.generate(profile, rows=SMALL, seed=3)["m"]
    assert all(share > 0 for share in _shares(small, "x").values())


def test_the_profile_round_trips_through_yaml(profile: Profile, tmp_path: Path) -> None:
    from synth.model.io import read_profile, write_profile

    path = tmp_path / "p.yaml"
    write_profile(profile, path)
    again = read_profile(path)
    column = again.table("m").column("x")
    assert {t.value for t in column.stats.traits if t.trait == "non_finite"} == set(PLANTED)


def test_postgresql_sql_and_live_load_keep_every_value(
    profile: Profile, tmp_path: Path, new_database: object
) -> None:
    out = tmp_path / "pg"
    synth.write(profile, out, rows=400, seed=1, format="sql", dialect="postgresql")
    text = (out / "data.sql").read_text()
    assert "'NaN'" in text and "'Infinity'" in text and "'-Infinity'" in text
    url = new_database("postgresql")  # type: ignore[operator]
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql((out / "schema.sql").read_text())
            conn.exec_driver_sql(text)
            got = conn.exec_driver_sql(
                "SELECT count(*) FILTER (WHERE x = 'NaN'), count(*) FILTER (WHERE x = 'Infinity'), "
                "count(*) FILTER (WHERE x = '-Infinity') FROM m"
            ).one()
        assert all(n > 0 for n in got), got
    finally:
        engine.dispose()


@pytest.mark.mysql
def test_mariadb_gets_null_and_the_largest_float_with_a_warning(
    profile: Profile, tmp_path: Path, mysql_url: str
) -> None:
    out = tmp_path / "fx"
    synth.write(profile, out, rows=400, seed=1)
    engine = sa.create_engine(mysql_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE m (id integer PRIMARY KEY, x double, r float)")
    finally:
        engine.dispose()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        synth.load_into(out, mysql_url)
    said = " ".join(str(w.message) for w in caught if issubclass(w.category, SynthWarning))
    assert "NaN" in said and "cannot store" in said, said
    frame = pl.read_parquet(out / "m.parquet")
    nans = int(frame.select(pl.col("x").is_nan().sum()).item())
    engine = sa.create_engine(mysql_url)
    try:
        with engine.connect() as conn:
            nulls, biggest, biggest4 = conn.exec_driver_sql(
                "SELECT sum(x IS NULL), sum(x = 1.7976931348623157e308), sum(r > 3e38) FROM m"
            ).one()
    finally:
        engine.dispose()
    assert int(nulls) == nans and int(biggest) > 0 and int(biggest4) > 0


def test_sqlite_sql_writes_infinities_and_says_nan_is_null(
    profile: Profile, tmp_path: Path
) -> None:
    out = tmp_path / "sqlite"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        synth.write(profile, out, rows=400, seed=1, format="sql", dialect="sqlite")
    said = " ".join(str(w.message) for w in caught)
    assert "NaN values, which sqlite cannot store" in said, said
    import sqlite3

    conn = sqlite3.connect(tmp_path / "t.db")
    try:
        conn.executescript((out / "schema.sql").read_text() + (out / "data.sql").read_text())
        pos, neg = conn.execute("SELECT sum(x = 9e999), sum(x = -9e999) FROM m").fetchone()
    finally:
        conn.close()
    assert pos > 0 and neg > 0
