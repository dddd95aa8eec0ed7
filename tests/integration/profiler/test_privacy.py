"""Privacy acceptance: secrets planted in a real database never reach a profile or a fixture.

The canary table holds hundreds of unique secrets (emails, phone numbers, full names,
Luhn-valid card numbers, outlying amounts) and a status column whose rare value sits
on 3 rows. After ``synth.profile`` and ``synth.write`` (Parquet) none of them may appear
in the profile's YAML or in the fixture files, read back as bytes and as values.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

import synth
from synth.profiler import database
from synth.review.audit import audit_profile
from tests.integration.traits_support import Db

ROWS = 400
RARE = "vip_canary_tier"
STATUSES = ("active", "inactive", "pending")
FIRST = ("Quillon", "Zephyrine", "Ottilie", "Barnaby", "Wrexham", "Isolde", "Peregrin", "Maelis",
         "Thaddeus", "Ysolde", "Corvina", "Lysander", "Elowen", "Ambrose", "Sorrel", "Caspian",
         "Briony", "Evander", "Marisol", "Ignatius")  # fmt: skip
LAST = ("Vantablack", "Quimby", "Fairweather", "Oakenshield", "Thistlewood", "Merriwether",
        "Blackthorne", "Ravensworth", "Pendragon", "Ashdown", "Lockwood", "Nightingale",
        "Hawthorne", "Winterbourne", "Greystoke", "Silverton", "Duskmere", "Harrowgate",
        "Kettleby", "Moorcroft")  # fmt: skip
OUTLIERS = (98_765_431, -55_555_557)


def _luhn(prefix: str) -> str:
    """``prefix`` completed with its Luhn check digit."""
    digits = [int(d) for d in prefix]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            d = d - 9 if d > 9 else d
        total += d
    return prefix + str((10 - total % 10) % 10)


def _secrets() -> list[dict]:
    rng = random.Random(11)
    rows = []
    for i in range(ROWS):
        status = RARE if i in (7, 150, 333) else STATUSES[rng.randrange(3)]
        amount = OUTLIERS[i % 2] if i in (5, 6) else rng.randrange(100, 5000)
        rows.append(
            {
                "id": i + 1,
                "email": f"canary.{i:04d}.{rng.randrange(10**6):06d}@secret-mail.example",
                "phone": f"+999 {rng.randrange(10**4):04d} {i:06d}",
                "full_name": f"{FIRST[i % 20]} {LAST[i // 20]}",
                "card_number": _luhn(f"49291{i:05d}{rng.randrange(10**5):05d}"),
                "status": status,
                "amount": amount,
                "created_at": dt.datetime(2024, 1, 1) + dt.timedelta(minutes=37 * i),
            }
        )
    return rows


@pytest.fixture
def canary(db: Db) -> tuple[Db, list[dict]]:
    stamp = "DATETIME" if db.dialect == "mariadb" else "TIMESTAMP"
    rows = _secrets()
    db.run(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(120) NOT NULL, "
        "phone VARCHAR(30), full_name VARCHAR(120), card_number VARCHAR(19) NOT NULL, "
        f"status VARCHAR(20) NOT NULL, amount INTEGER NOT NULL, created_at {stamp} NOT NULL)",
        rows={"customers": rows},
    )
    return db, rows


def _secret_texts(rows: list[dict]) -> set[str]:
    found = {RARE, *(str(v) for v in OUTLIERS)}
    for row in rows:
        found |= {row["email"], row["phone"], row["full_name"], row["card_number"]}
    return found


def test_canary_secrets_reach_neither_profile_nor_fixtures(
    canary: tuple[Db, list[dict]], tmp_path: Path
) -> None:
    db, rows = canary
    secrets = _secret_texts(rows)
    profile = synth.profile(db.url)
    path = synth.write_profile(profile, tmp_path / "profile.yaml")
    text = path.read_text(encoding="utf-8")
    assert not [s for s in secrets if s in text]
    assert not audit_profile(profile).problems

    status = profile.table("customers").column("status").stats
    assert {f.value for f in status.frequent} == set(STATUSES)
    assert status.other is not None and status.other.distinct == 1
    assert status.other.fraction == pytest.approx(3 / ROWS, abs=1e-6)
    assert status.other.length_min == status.other.length_max == len(RARE)
    assert status.other.chars == ("lower", "punct") and status.other.case == "lower"
    amount = profile.table("customers").column("amount").stats.values
    assert amount is not None and 100 <= float(amount.min) <= float(amount.max) < 5000

    out = tmp_path / "fixtures"
    synth.write(profile, out, rows=2000, seed=1)
    for file in sorted(out.iterdir()):
        raw = file.read_bytes()
        assert not [s for s in secrets if s.encode() in raw], file.name
    frame = pl.read_parquet(out / "customers.parquet")
    values = {str(v) for name in frame.columns for v in frame[name].drop_nulls().to_list()}
    assert not values & secrets
    unknown = frame.filter(~pl.col("status").is_in(list(STATUSES)))
    share = unknown.height / frame.height
    assert 0 < share < 0.03  # out-of-vocabulary values at about the rare value's share
    assert unknown["status"].n_unique() >= 1 and RARE not in set(unknown["status"])


def test_extremes_are_the_kth_values_in_the_database(db: Db) -> None:
    """min/max are the 10th smallest/largest; outer percentiles are clamped to them; a
    column with fewer than 2k values stores no distribution. One extra query on
    PostgreSQL (its percentiles are aggregates), none elsewhere."""
    day = dt.date(2024, 1, 1)
    rows = [
        {"id": i, "n": i, "day": day + dt.timedelta(days=i), "few": i if i <= 15 else None,
         "word": "x" * (1 + i % 37)}
        for i in range(1, 101)
    ]  # fmt: skip
    db.run(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL, day DATE NOT NULL, "
        "few INTEGER, word VARCHAR(40) NOT NULL)",
        rows={"t": rows},
    )
    engine = database._connect(db.url)
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    try:
        profile = database.profile_engine(engine)
    finally:
        engine.dispose()
    table = profile.table("t")
    n = table.column("n").stats.values
    assert n is not None
    assert (n.min, n.p01, n.p05, n.p10, n.p50, n.p90, n.p95, n.p99, n.max) == (
        10, 10, 10, 10, 50, 90, 91, 91, 91)  # fmt: skip
    days = table.column("day").stats.values
    assert days is not None
    assert (days.min, days.max) == ((day + dt.timedelta(days=10)).isoformat(),
                                    (day + dt.timedelta(days=91)).isoformat())  # fmt: skip
    assert table.column("few").stats.values is None  # 15 values < 2k
    lengths = sorted(1 + i % 37 for i in range(1, 101))
    word = table.column("word").stats.lengths
    assert word is not None and (word.min, word.max) == (lengths[9], lengths[-10])
    ranked = [s for s in statements if "row_number" in s.lower()]
    assert len(ranked) == 1  # PostgreSQL: the k-th extremes; elsewhere: with the percentiles


def test_min_count_and_epsilon_are_recorded_and_applied(canary: tuple[Db, list[dict]]) -> None:
    db, _ = canary
    profile = synth.profile(db.url, min_count=2, epsilon=1.0, tables=["customers"])
    assert (profile.source.min_count, profile.source.epsilon) == (2, 1.0)
    status = profile.table("customers").column("status").stats
    assert RARE in {f.value for f in status.frequent}  # 3 rows >= k = 2
    assert status.other is None
    total = status.null_fraction + sum(f.fraction for f in status.frequent)
    assert total == pytest.approx(1.0, abs=1e-5)
    again = synth.profile(db.url, min_count=2, epsilon=1.0, tables=["customers"])
    assert again.tables == profile.tables  # the noise is deterministic
