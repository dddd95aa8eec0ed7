"""Sentinels, future timestamps and bursts planted in real databases, profiled, reproduced.

One table holds every shape in its own column at a known share, plus clean numeric
and timestamp columns; the generated data is measured with plain polars written here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import polars as pl
import pytest

import synth
from synth.model import Profile, Table
from synth.traits import get
from tests.integration.traits_support import ROWS, SMALL, Db, close_enough

SOURCE_ROWS = 2000
SEED = 5
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
"""When the rows are made; the profile's as_of is a moment later."""
START = dt.datetime(2023, 1, 1)
IMPORT = dt.datetime(2023, 3, 1, 2, 0, 0)
MIGRATION = dt.datetime(2023, 6, 15, 0, 0, 0)
BORN = dt.date(1950, 1, 1)


def _row(i: int) -> dict[str, Any]:
    spread = START + dt.timedelta(seconds=(i * 7919) % (365 * 86400))
    spread_utc = spread.replace(tzinfo=dt.UTC)
    return {
        "id": i + 1,
        "qty": 0 if i % 20 == 0 else 9999 if i % 50 == 1 else 100 + (i * 37) % 4900,  # 5%, 2%
        "amount": -1 if i % 100 < 3 else 10 + (i * 13) % 890,  # 3%
        "born": dt.date(1900, 1, 1) if i % 25 == 2 else BORN + dt.timedelta(days=(i * 11) % 20000),
        "seen_at": dt.datetime(1970, 1, 1) if i % 100 < 3 else spread,  # 3% at the epoch
        "reference": "N/A" if i % 50 < 3 else "unknown" if i % 50 == 3 else f"R{i:05d}",  # 6%, 2%
        # 5% up to 20 days after now, the rest in 2023 (timestamp with time zone)
        "due_at": NOW + dt.timedelta(hours=1 + (i * 5) % 480) if i % 20 == 3 else spread_utc,
        "imported_at": IMPORT if i % 100 < 12 else MIGRATION if i % 100 < 15 else spread,  # 12%, 3%
        "touched_at": IMPORT if i % 100 < 12 else spread + dt.timedelta(hours=1),  # same rows
        "clean_int": 1 + (i * 7) % 1000,
        "clean_at": spread + dt.timedelta(days=1),
    }  # fmt: skip


ROWS_DATA = [_row(i) for i in range(SOURCE_ROWS)]
DDL = {
    "postgresql": "timestamp", "mariadb": "datetime", "sqlite": "timestamp",
}  # fmt: skip


def _ddl(dialect: str) -> str:
    ts = DDL[dialect]
    aware = "timestamptz" if dialect == "postgresql" else ts
    return f"""CREATE TABLE readings (
        id INTEGER PRIMARY KEY, qty INTEGER, amount NUMERIC(10, 2), born DATE,
        seen_at {ts}, reference VARCHAR(20), due_at {aware}, imported_at {ts}, touched_at {ts},
        clean_int INTEGER, clean_at {ts})"""


def _rows(dialect: str) -> list[dict[str, Any]]:
    """The rows as each driver takes them: naive UTC on MariaDB, ISO text on SQLite."""
    out = []
    for row in ROWS_DATA:
        fixed = dict(row)
        for key, value in row.items():
            if isinstance(value, dt.datetime) and dialect != "postgresql":
                naive = value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
                fixed[key] = naive.isoformat(sep=" ") if dialect == "sqlite" else naive
            elif isinstance(value, dt.date) and dialect == "sqlite":
                fixed[key] = value.isoformat()
        out.append(fixed)
    return out


PLANTED: dict[tuple[str, str, object], float] = {
    ("qty", "sentinel", 0): 0.05,
    ("qty", "sentinel", 9999): 0.02,
    ("amount", "sentinel", -1): 0.03,
    ("born", "sentinel", "1900-01-01"): 0.04,
    ("seen_at", "sentinel", "1970-01-01"): 0.03,
    ("reference", "sentinel", "N/A"): 0.06,
    ("reference", "sentinel", "unknown"): 0.02,
    ("due_at", "future_timestamp", None): 0.05,
    ("imported_at", "burst", IMPORT.isoformat()): 0.12,
    ("imported_at", "burst", MIGRATION.isoformat()): 0.03,
    ("touched_at", "burst", IMPORT.isoformat()): 0.12,
}


def _found(table: Table) -> dict[tuple[str, str, object], float]:
    found = {(c.name, t.trait, t.value): t.fraction for c in table.columns for t in c.stats.traits}
    mine = {"sentinel", "future_timestamp", "burst"}
    found |= {(t.columns[0], t.trait, t.value): t.fraction for t in table.traits if t.trait in mine}
    return {k: v for k, v in found.items() if k[1] in mine}


def _measures(
    as_of: dt.datetime,
) -> dict[tuple[str, str, object], Callable[[pl.DataFrame], pl.Series]]:
    """Which generated rows carry each planted shape, written independently of the traits."""
    after = as_of.timestamp()
    return {
        ("qty", "sentinel", 0): lambda f: f["qty"] == 0,
        ("qty", "sentinel", 9999): lambda f: f["qty"] == 9999,
        ("amount", "sentinel", -1): lambda f: f["amount"].cast(pl.Float64) == -1.0,
        ("born", "sentinel", "1900-01-01"): lambda f: f["born"] == dt.date(1900, 1, 1),
        ("seen_at", "sentinel", "1970-01-01"): lambda f: f["seen_at"].dt.year() == 1970,
        ("reference", "sentinel", "N/A"): lambda f: f["reference"] == "N/A",
        ("reference", "sentinel", "unknown"): lambda f: f["reference"] == "unknown",
        ("due_at", "future_timestamp", None): lambda f: f["due_at"].dt.epoch("s") > after,
        ("imported_at", "burst", IMPORT.isoformat()): lambda f: f["imported_at"] == IMPORT,
        ("imported_at", "burst", MIGRATION.isoformat()): lambda f: f["imported_at"] == MIGRATION,
        ("touched_at", "burst", IMPORT.isoformat()): lambda f: f["touched_at"] == IMPORT,
    }  # fmt: skip


def _share(frame: pl.DataFrame, mask: pl.Series) -> float:
    return float(mask.fill_null(False).sum()) / frame.height


def _check_profile(profile: Profile) -> None:
    readings = profile.table("readings")
    found = _found(readings)
    assert set(found) == set(PLANTED), found
    for key, planted in PLANTED.items():
        assert found[key] == pytest.approx(planted, abs=1e-6), key
    for clean in ("clean_int", "clean_at"):
        assert not readings.column(clean).stats.traits, clean
    assert not [t for t in readings.traits if t.columns == ("clean_at",)]
    future = next(t for t in readings.column("due_at").stats.traits)
    assert future.detail["max_days_ahead"] == 30  # all within 20 days, some beyond 1 day
    burst = get("burst")
    temporal = {"seen_at", "due_at", "imported_at", "touched_at", "clean_at"}
    assert len(temporal) > 1
    assert burst.max_queries(readings) == 1  # type: ignore[union-attr]  # one for all columns


def _check_generated(profile: Profile) -> None:
    as_of = profile.source.as_of
    measures = _measures(as_of)
    rows = synth.generate(profile, rows=ROWS, seed=SEED)["readings"]
    for key, planted in PLANTED.items():
        measured = _share(rows, measures[key](rows))
        assert close_enough(measured, planted), (key, measured, planted)
    both = (rows["imported_at"] == IMPORT) & (rows["touched_at"] == IMPORT)
    assert both.sum() >= 0.9 * (rows["touched_at"] == IMPORT).sum()  # one import, same rows
    ahead = rows["due_at"].dt.epoch("s").max()
    assert ahead <= (as_of + dt.timedelta(days=31)).timestamp()  # type: ignore[operator]
    # clean columns: no sentinel value, nothing in the future, no instant shared by 1%
    assert _share(rows, rows["clean_int"].is_in([0, -1, 9999])) < 0.01
    assert _share(rows, rows["clean_at"] > as_of.replace(tzinfo=None)) < 0.01
    assert rows["clean_at"].value_counts()["count"].max() < 0.01 * rows.height  # type: ignore[operator]

    for seed in range(3):
        small = synth.generate(profile, rows=SMALL, seed=seed)["readings"]
        for key, measure in measures.items():
            assert measure(small).fill_null(False).any(), (key, seed)


def test_sentinels_future_timestamps_and_bursts_are_reproduced(db: Db) -> None:
    db.run(_ddl(db.dialect), rows={"readings": _rows(db.dialect)})
    profile = synth.profile(db.url)
    _check_profile(profile)
    _check_generated(profile)


@pytest.fixture(scope="module")
def file_profile(tmp_path_factory: pytest.TempPathFactory) -> Profile:
    """The same rows written to Parquet by polars, profiled by the files profiler."""
    path = tmp_path_factory.mktemp("values") / "readings.parquet"
    frame = pl.DataFrame(ROWS_DATA).with_columns(pl.col("amount").cast(pl.Decimal(10, 2)))
    frame.write_parquet(path)
    return synth.profile(str(path))


def test_files_profiler_finds_the_same_values_traits(file_profile: Profile) -> None:
    found = _found(file_profile.table("readings"))
    assert set(found) == set(PLANTED), found
    for key, planted in PLANTED.items():
        assert found[key] == pytest.approx(planted, abs=1e-6), key
    _check_generated(file_profile)


def test_boost_plants_the_traits_in_clean_columns(file_profile: Profile) -> None:
    boost = {
        "readings.clean_int:sentinel": 0.2,  # the usual sentinel, 0
        "readings.clean_at:future_timestamp": 0.1,  # after the column's latest value
        "readings:burst": 0.3,  # each burst of the table
    }
    rows = synth.generate(file_profile, rows=ROWS, seed=SEED, boost=boost)["readings"]
    assert close_enough(_share(rows, rows["clean_int"] == 0), 0.2)
    latest = file_profile.table("readings").column("clean_at").stats.values.max  # type: ignore[union-attr]
    after = rows["clean_at"] > dt.datetime.fromisoformat(str(latest))
    assert close_enough(_share(rows, after), 0.1)
    assert close_enough(_share(rows, rows["imported_at"] == IMPORT), 0.3)
    assert close_enough(_share(rows, rows["imported_at"] == MIGRATION), 0.3)
    again = synth.generate(file_profile, rows=ROWS, seed=SEED, boost=boost)["readings"]
    assert again.equals(rows)  # deterministic


def test_manifest_names_each_burst_by_its_column(file_profile: Profile, tmp_path) -> None:
    manifest = synth.write(file_profile, tmp_path / "fx", rows=2000, seed=SEED)
    rows = synth.load(tmp_path / "fx")["readings"]
    for column in ("imported_at", "touched_at"):
        entry = manifest.traits["readings"][f"burst({column})={IMPORT.isoformat()}"]
        assert entry.rows == (rows[column] == IMPORT).sum()
