"""backfill_gap and stale, planted in real databases, profiled, regenerated, re-anchored.

``users.referral_code`` was added by a migration 1,000 days ago and never backfilled:
NULL in every older row, in 3% of newer ones. ``accounts.tax_id`` (dated by a DATE
column) likewise. ``orders.status = 'pending'`` is mostly recent, but a quarter of the
pending orders are stuck for more than a year. ``nickname`` and ``delivery_state`` are
independent of age: no trait. The generated rows are measured with plain polars.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import polars as pl

import synth
from synth.model import Profile, TraitStat
from tests.integration.traits_support import ROWS, SMALL, Db, close_enough

USERS, ACCOUNTS, ORDERS = 3000, 1500, 4000
GAP_DAYS, SPAN_DAYS = 1000, 5 * 365
NULL_AFTER = 0.03
PENDING, STUCK = 0.08, 0.25
NOW = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
BOUNDARY = NOW - dt.timedelta(days=GAP_DAYS)
YEAR_AGO = NOW - dt.timedelta(days=365)


def _plant(db: Db) -> dict[str, pl.DataFrame]:
    rng = random.Random(5)
    stamp = "DATETIME" if db.dialect == "mariadb" else "TIMESTAMP"

    def moment(days: int = SPAN_DAYS) -> dt.datetime:
        return NOW - dt.timedelta(hours=1, seconds=rng.randrange(days * 86_400))

    users = []
    for i in range(1, USERS + 1):
        created = moment()
        missing = created < BOUNDARY or rng.random() < NULL_AFTER
        users.append({
            "id": i,
            "created_at": created,
            "referral_code": None if missing else f"R{i:05d}",
            "nickname": None if rng.random() < 0.3 else f"n{i}",
        })  # fmt: skip
    accounts = []
    for i in range(1, ACCOUNTS + 1):
        opened = moment().date()
        missing = opened < BOUNDARY.date() or rng.random() < NULL_AFTER
        accounts.append({"id": i, "opened_on": opened, "tax_id": None if missing else f"T{i}"})
    orders = []
    for i in range(1, ORDERS + 1):
        status = rng.choice(["paid", "paid", "shipped", "cancelled"])
        placed = moment(4 * 365)
        if rng.random() < PENDING:
            status = "pending"
            stuck = rng.random() < STUCK
            placed = moment(4 * 365 - 366) - dt.timedelta(days=366) if stuck else moment(30)
        state = rng.choice(["home", "pickup"])
        orders.append({"id": i, "status": status, "delivery_state": state, "placed_at": placed})
    db.run(
        f"CREATE TABLE users (id INTEGER PRIMARY KEY, created_at {stamp} NOT NULL, "
        "referral_code VARCHAR(10), nickname VARCHAR(20))",
        "CREATE TABLE accounts (id INTEGER PRIMARY KEY, opened_on DATE NOT NULL, "
        "tax_id VARCHAR(10))",
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, status VARCHAR(12) NOT NULL, "
        f"delivery_state VARCHAR(10) NOT NULL, placed_at {stamp} NOT NULL)",
        rows={"users": users, "accounts": accounts, "orders": orders},
    )
    return {
        "users": pl.DataFrame(users),
        "accounts": pl.DataFrame(accounts),
        "orders": pl.DataFrame(orders),
    }


def _traits(profile: Profile, table: str, trait: str) -> list[TraitStat]:
    return [s for s in profile.table(table).traits if s.trait == trait]


def _instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=None)


def _null_share(frame: pl.DataFrame, column: str, keep: pl.Expr) -> float:
    return frame.filter(keep)[column].is_null().mean()


def test_backfill_gaps_are_measured_and_reproduced(db: Db) -> None:
    planted = _plant(db)
    profile = synth.profile(db.url, tables=["users", "accounts"])
    for table, column, time in (
        ("users", "referral_code", "created_at"),
        ("accounts", "tax_id", "opened_on"),
    ):
        (gap,) = _traits(profile, table, "backfill_gap")
        assert gap.columns == (column, time)
        assert abs(_instant(gap.before) - BOUNDARY) < dt.timedelta(days=10), gap.before
        assert gap.detail["null_before"] > 0.95
        assert close_enough(gap.detail["null_after"], NULL_AFTER)
        source = planted[table]
        old = pl.col(time) < (BOUNDARY if time == "created_at" else BOUNDARY.date())
        carried = source.filter(old)[column].is_null().sum() / source.height
        assert close_enough(gap.fraction, carried)

        out = synth.generate(profile, rows=ROWS, seed=8, tables=[table])[table]
        cut = _instant(gap.before) if time == "created_at" else _instant(gap.before).date()
        assert _null_share(out, column, pl.col(time) < cut) > 0.95
        assert close_enough(_null_share(out, column, pl.col(time) >= cut), NULL_AFTER)
        assert close_enough(out[column].is_null().mean(), source[column].is_null().mean())

        small = synth.generate(profile, rows=SMALL, seed=8, tables=[table])[table]
        assert small.filter(pl.col(time) < cut)[column].is_null().sum() >= 1
    assert [s.columns for s in _traits(profile, "users", "backfill_gap")] == [
        ("referral_code", "created_at")
    ]  # nickname is NULL independently of age


def test_stale_rows_stay_old_after_re_anchoring(db: Db, tmp_path: Path) -> None:
    planted = _plant(db)["orders"]
    profile = synth.profile(db.url, tables=["orders"])
    stale = _traits(profile, "orders", "stale")
    assert [(s.value, s.columns) for s in stale] == [("pending", ("status", "placed_at"))]
    (pending,) = stale
    as_of = profile.source.as_of
    assert _instant(pending.before) == (as_of - dt.timedelta(days=365)).replace(tzinfo=None)
    stuck = planted.filter((pl.col("status") == "pending") & (pl.col("placed_at") < YEAR_AGO))
    assert close_enough(pending.fraction, stuck.height / planted.height)

    def stuck_share(frame: pl.DataFrame, anchor: dt.datetime) -> float:
        old = pl.col("placed_at") < (anchor - dt.timedelta(days=365)).replace(tzinfo=None)
        return frame.select(((pl.col("status") == "pending") & old).mean()).item()

    out = synth.generate(profile, rows=ROWS, seed=4)["orders"]
    assert close_enough(stuck_share(out, as_of), pending.fraction)
    later = as_of + dt.timedelta(days=400)
    moved = synth.generate(profile, rows=ROWS, seed=4, as_of=later.isoformat())["orders"]
    shift = (moved["placed_at"] - out["placed_at"]).dt.total_microseconds()
    delta = dt.timedelta(days=400) // dt.timedelta(microseconds=1)
    assert (shift - delta).abs().max() <= 1  # exactly the delta, to the microsecond
    assert moved["status"].equals(out["status"])
    assert close_enough(stuck_share(moved, later), pending.fraction)
    for frame, anchor in ((out, as_of), (moved, later)):  # paid orders are no more stale
        paid = frame.filter(pl.col("status") == "paid")
        old = paid.select((pl.col("placed_at") < (anchor - dt.timedelta(days=365))
                           .replace(tzinfo=None)).mean()).item()  # fmt: skip
        source = planted.filter(pl.col("status") == "paid")
        assert abs(old - (source["placed_at"] < YEAR_AGO).mean()) < 0.05

    small = synth.generate(profile, rows=SMALL, seed=4, as_of=later)["orders"]
    assert stuck_share(small, later) * SMALL >= 1
    manifest = synth.write(profile, tmp_path / "fx", rows=SMALL, seed=4, as_of="now")
    recorded = json.loads((tmp_path / "fx" / "manifest.json").read_text())["options"]["as_of"]
    assert recorded == manifest.options["as_of"]
    assert dt.datetime.fromisoformat(recorded) >= as_of


class _Files:
    """Stands in for a database: keeps the planted rows to write them as Parquet files."""

    dialect = "files"

    def run(self, *statements: str, rows: dict[str, list[dict]]) -> None:
        self.rows = rows


def test_files_are_measured_the_same_way(tmp_path: Path) -> None:
    files = _Files()
    _plant(files)  # type: ignore[arg-type]
    for name, rows in files.rows.items():
        pl.DataFrame(rows).write_parquet(tmp_path / f"{name}.parquet")
    profile = synth.profile(tmp_path)
    assert [s.columns for s in _traits(profile, "users", "backfill_gap")] == [
        ("referral_code", "created_at")
    ]
    assert [s.columns for s in _traits(profile, "accounts", "backfill_gap")] == [
        ("tax_id", "opened_on")
    ]
    assert [s.value for s in _traits(profile, "orders", "stale")] == ["pending"]
