"""null_pattern: columns NULL together, planted in real databases, profiled, regenerated.

``phone_verified_at`` is NULL whenever ``phone`` is (and in a few other rows); the
address columns ``street``, ``city`` and ``zip`` are NULL together for guest checkouts.
``notes`` and ``nickname`` are NULL independently of everything: no pattern. The
generated rows are measured with plain polars: the joint NULL shares, and each column's
own NULL share.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import polars as pl

import synth
from tests.integration.traits_support import ROWS, SMALL, Db, close_enough

CUSTOMERS = 3000
NULLABLE = ["phone", "phone_verified_at", "street", "city", "zip", "notes", "nickname"]


def _plant(db: Db) -> pl.DataFrame:
    rng = random.Random(7)
    stamp = "DATETIME" if db.dialect == "mariadb" else "TIMESTAMP"
    start = dt.datetime(2022, 1, 1)
    rows = []
    for i in range(1, CUSTOMERS + 1):
        created = start + dt.timedelta(seconds=rng.randrange(900 * 86_400))
        no_phone = rng.random() < 0.3
        guest = rng.random() < 0.2
        rows.append({
            "id": i,
            "created_at": created,
            "phone": None if no_phone else f"555-{i:04d}",
            "phone_verified_at": None if no_phone or rng.random() < 0.1 else created,
            "street": None if guest or rng.random() < 0.03 else f"{i} Main St",
            "city": None if guest else rng.choice(["Oslo", "Lima", "Pune"]),
            "zip": None if guest else f"{rng.randrange(10_000, 99_999)}",
            "notes": None if rng.random() < 0.25 else "vip",
            "nickname": None if rng.random() < 0.4 else f"n{i}",
        })  # fmt: skip
    db.run(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, "
        f"created_at {stamp} NOT NULL, phone VARCHAR(20), phone_verified_at {stamp}, "
        "street VARCHAR(60), city VARCHAR(30), zip VARCHAR(10), notes VARCHAR(20), "
        "nickname VARCHAR(20))",
        rows={"customers": rows},
    )
    return pl.DataFrame(rows)


def _together(frame: pl.DataFrame, *columns: str) -> float:
    return frame.select(pl.all_horizontal([pl.col(c).is_null() for c in columns]).mean()).item()


def test_null_patterns_are_measured_and_reproduced_jointly(db: Db) -> None:
    planted = _plant(db)
    profile = synth.profile(db.url)
    table = profile.table("customers")
    patterns = {s.columns: s for s in table.traits if s.trait == "null_pattern"}
    phone, address = ("phone", "phone_verified_at"), ("street", "city", "zip")
    assert set(patterns) == {phone, address}  # no pattern of notes, nickname or supersets
    for columns, stat in patterns.items():
        assert close_enough(stat.fraction, _together(planted, *columns))
    assert not [s for s in table.traits if s.trait == "backfill_gap"]

    out = synth.generate(profile, rows=ROWS, seed=3)["customers"]
    for columns in (phone, address):
        assert close_enough(_together(out, *columns), _together(planted, *columns)), columns
    for name in NULLABLE:  # every column keeps its own NULL share
        assert close_enough(out[name].is_null().mean(), planted[name].is_null().mean()), name
    independent = out["notes"].is_null().mean() * out["nickname"].is_null().mean()
    assert close_enough(_together(out, "notes", "nickname"), independent)

    small = synth.generate(profile, rows=SMALL, seed=3)["customers"]
    for columns in (phone, address):
        assert _together(small, *columns) * SMALL >= 1, columns


def test_a_table_without_patterns_has_none(db: Db) -> None:
    rng = random.Random(2)
    rows = [
        {
            "id": i,
            "a": None if rng.random() < 0.3 else "x",
            "b": None if rng.random() < 0.5 else 1,
            "c": None if rng.random() < 0.05 else "z",
        }
        for i in range(1, 2001)
    ]
    db.run(
        "CREATE TABLE plain (id INTEGER PRIMARY KEY, a VARCHAR(5), b INTEGER, c VARCHAR(5))",
        rows={"plain": rows},
    )
    assert synth.profile(db.url).table("plain").traits == ()


class _Files:
    """Stands in for a database: keeps the planted rows to write them as a Parquet file."""

    dialect = "files"

    def run(self, *statements: str, rows: dict[str, list[dict]]) -> None:
        self.rows = rows


def test_files_are_measured_the_same_way(tmp_path: Path) -> None:
    files = _Files()
    _plant(files)  # type: ignore[arg-type]
    pl.DataFrame(files.rows["customers"]).write_parquet(tmp_path / "customers.parquet")
    table = synth.profile(tmp_path).table("customers")
    patterns = {s.columns for s in table.traits if s.trait == "null_pattern"}
    assert patterns == {("phone", "phone_verified_at"), ("street", "city", "zip")}
