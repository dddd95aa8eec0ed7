"""Profiling Parquet and CSV files written by polars, checked against Python."""

from __future__ import annotations

import datetime as dt
import math
import random
import warnings
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
import pytest

import synth
from synth import LogicalType, SemanticType, SourceError, SynthWarning, UsageError
from synth.model import QUANTILE_POINTS, Table
from synth.model.io import dump_profile, load_profile

L = LogicalType
WORDS = ["parcel", "arrived", "late", "please", "refund", "thanks", "broken", "again"]


def make_rows(n: int = 300, seed: int = 11) -> dict[str, list[Any]]:
    r = random.Random(seed)

    def maybe(value: Any, share: float) -> Any:
        return None if r.random() < share else value

    start = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
    return {
        "id": list(range(1, n + 1)),
        "qty": [maybe(r.choices([1, 2, 3, 10], [60, 25, 10, 5])[0], 0.1) for _ in range(n)],
        "price": [maybe(round(r.uniform(0, 500), 2), 0.2) for _ in range(n)],
        "amount": [Decimal(r.randint(0, 99_999)) / 100 for _ in range(n)],
        "status": [maybe(r.choices(["new", "paid", "void"], [5, 4, 1])[0], 0.05) for _ in range(n)],
        "email": [f"u{i}@example.com" for i in range(n)],
        "contact": [maybe(f"c{i}@mail.test", 0.2) for i in range(n)],
        "note": [maybe(" ".join(r.choice(WORDS) for _ in range(10)), 0.3) for _ in range(n)],
        "created": [start + dt.timedelta(seconds=r.randint(0, 10**7)) for _ in range(n)],
        "day": [maybe(dt.date(2023, 1, 1) + dt.timedelta(days=r.randint(0, 700)), 0.1)
                for _ in range(n)],
        "flag": [r.random() < 0.3 for _ in range(n)],
        "tier": [r.choice(["gold", "silver"]) for _ in range(n)],
        "blob": [maybe(r.randbytes(4), 0.5) for _ in range(n)],
        "tags": [[r.choice(WORDS)] for _ in range(n)],
    }  # fmt: skip


ROWS = make_rows()
CSV_COLUMNS = ["id", "qty", "price", "status", "email", "contact", "note", "created", "day", "flag"]


def frame(columns: list[str] | None = None) -> pl.DataFrame:
    schema = {"amount": pl.Decimal(12, 2), "tier": pl.Enum(["gold", "silver", "bronze"])}
    data = {k: v for k, v in ROWS.items() if columns is None or k in columns}
    return pl.DataFrame(
        [pl.Series(k, v, dtype=schema.get(k)) for k, v in data.items()]
    ).with_columns(pl.col("id").cast(pl.Int32))


def canon(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def points(values: list[Any]) -> dict[str, Any]:
    ordered = sorted(values)
    out = {"min": ordered[0], "max": ordered[-1]}
    for name, q in QUANTILE_POINTS:
        out[name] = ordered[max(1, math.ceil(len(ordered) * round(q * 100) / 100)) - 1]
    return out


def check(table: Table) -> None:
    total = len(ROWS["id"])
    assert table.rows == total
    for col in table.columns:
        where = col.name
        values = [canon(v) for v in ROWS[col.name] if v is not None]
        s = col.stats
        assert s.null_fraction == round((total - len(values)) / total, 6), where
        if col.type is L.OPAQUE:
            assert s.distinct is None and not s.frequent, where
            continue
        if col.type is L.ARRAY:  # distinct lists and element counts; no values stored
            assert s.distinct == len({tuple(v) for v in values}) and not s.frequent, where
            assert s.lengths is not None
            assert s.lengths.model_dump() == points([len(v) for v in values]), where
            continue
        assert s.distinct == len(set(values)), where
        if col.type in (L.INTEGER, L.FLOAT, L.DECIMAL, L.DATE, L.DATETIME):
            assert s.values is not None and s.values.model_dump() == points(values), where
        if col.type is L.STRING:
            assert s.lengths is not None
            assert s.lengths.model_dump() == points([len(v) for v in values]), where
        low = len(set(values)) <= 50 and len(set(values)) <= len(values) / 2
        personal = col.semantic in (SemanticType.EMAIL, SemanticType.FREE_TEXT)
        if (
            col.type is not L.BINARY
            and not personal
            and (low or col.type is L.BOOLEAN or col.domain)
        ):
            counts = sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0]))
            assert [(f.value, f.fraction) for f in s.frequent] == [
                (v, round(c / total, 6)) for v, c in counts], where  # fmt: skip
        else:
            assert s.frequent == (), where


def test_parquet_statistics_match_the_written_rows(tmp_path: Path) -> None:
    path = tmp_path / "sales.parquet"
    frame().write_parquet(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SynthWarning)  # every column is understood
        profile = synth.profile(path, min_count=1)  # raw statistics (privacy: test_privacy)
    assert profile.source.kind == "files" and profile.source.url == str(path)
    (table,) = profile.tables
    assert table.key == "sales"
    types = {c.name: c.type for c in table.columns}
    assert types == {
        "id": L.INTEGER, "qty": L.INTEGER, "price": L.FLOAT, "amount": L.DECIMAL,
        "status": L.STRING, "email": L.STRING, "contact": L.STRING, "note": L.STRING,
        "created": L.DATETIME, "day": L.DATE, "flag": L.BOOLEAN, "tier": L.STRING,
        "blob": L.BINARY, "tags": L.ARRAY,
    }  # fmt: skip
    tags = table.column("tags")  # one word per row
    assert tags.items is L.STRING and (tags.stats.lengths.min, tags.stats.lengths.max) == (1, 1)
    assert table.column("id").size == 4
    amount = table.column("amount")
    assert (amount.precision, amount.scale) == (12, 2)
    assert table.column("created").timezone is True
    # a file's enum categories are data, under the k rule: bronze, on no row, stays out
    assert table.column("tier").domain == ("gold", "silver")
    semantics = {c.name: c.semantic for c in table.columns if c.semantic}
    assert semantics == {"email": SemanticType.EMAIL, "contact": SemanticType.EMAIL,
                         "note": SemanticType.FREE_TEXT}  # fmt: skip
    assert str(table.column("created").stats.values.min).endswith("+00:00")
    check(table)
    assert load_profile(dump_profile(profile)) == profile


def test_csv_statistics_match_the_written_rows(tmp_path: Path) -> None:
    path = tmp_path / "sales.csv"
    frame(CSV_COLUMNS).write_csv(path)
    profile = synth.profile(str(path), min_count=1)  # raw statistics (privacy: test_privacy)
    (table,) = profile.tables
    assert [c.name for c in table.columns] == CSV_COLUMNS
    assert table.column("created").type is L.DATETIME and table.column("day").type is L.DATE
    assert table.column("flag").type is L.BOOLEAN
    assert [f.value for f in table.column("status").stats.frequent] == ["new", "paid", "void"]
    check(table)


def test_globs_directories_and_table_selection(tmp_path: Path) -> None:
    small = pl.DataFrame({"id": [1, 2, 3], "kind": ["a", "a", "b"]})
    for name in ("orders", "order_items", "users"):
        small.write_parquet(tmp_path / f"{name}.parquet")
    small.write_csv(tmp_path / "events.csv")
    assert [t.key for t in synth.profile(tmp_path).tables] == [
        "events", "order_items", "orders", "users"]  # fmt: skip
    profile = synth.profile([tmp_path / "*.parquet"], tables=["order*"], exclude=["*items"])
    assert [t.key for t in profile.tables] == ["orders"]
    with pytest.raises(UsageError, match=r"'nope' matches no table.*available: events"):
        synth.profile(tmp_path, tables=["nope"])
    with pytest.raises(UsageError, match=r"schema='x' applies to database sources only"):
        synth.profile(tmp_path, schema="x")


@pytest.mark.parametrize(
    ("make", "match"),
    [
        pytest.param(lambda d: d / "missing.parquet", "does not exist", id="missing"),
        pytest.param(lambda d: d / "*.parquet", "matches no file", id="empty-glob"),
        pytest.param(lambda d: d / "notes.txt", "not a .parquet or .csv file", id="extension"),
        pytest.param(lambda d: d / "broken.parquet", "cannot read .*broken.parquet", id="corrupt"),
    ],
)
def test_unreadable_files_are_source_errors(tmp_path: Path, make: Any, match: str) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    (tmp_path / "broken.parquet").write_bytes(b"not parquet at all")
    target = make(tmp_path)
    if target.name == "*.parquet":
        (tmp_path / "broken.parquet").unlink()
    with pytest.raises(SourceError, match=match):
        synth.profile(target)


def test_two_files_with_one_stem_are_a_usage_error(tmp_path: Path) -> None:
    pl.DataFrame({"a": [1]}).write_parquet(tmp_path / "t.parquet")
    pl.DataFrame({"a": [1]}).write_csv(tmp_path / "t.csv")
    with pytest.raises(UsageError, match=r"would both be table 't'"):
        synth.profile(tmp_path)
