"""column_order, planted in real databases, profiled and regenerated.

``events.updated_at >= created_at`` in every row (a tenth never updated: equal);
``events.deleted_at >= created_at`` where set; ``events.ends_at > starts_at`` but in 3%
of the rows (back-dated imports), whose breaking share is a trait of its own;
``events.note_at`` is independent of the others: no order. The generated rows are
measured with plain polars.
"""

from __future__ import annotations

import datetime as dt
import random

import polars as pl

import synth
from synth.model import Profile, TraitStat
from tests.integration.traits_support import ROWS, SMALL, Db, close_enough

EVENTS = 3000
BROKEN = 0.03
NOW = dt.datetime(2026, 6, 1)


def _plant(db: Db) -> None:
    rng = random.Random(11)
    stamp = "DATETIME" if db.dialect == "mariadb" else "TIMESTAMP"
    rows = []
    for i in range(1, EVENTS + 1):
        created = NOW - dt.timedelta(seconds=rng.randrange(3 * 365 * 86_400))
        updated = (
            created
            if rng.random() < 0.1
            else created + dt.timedelta(seconds=rng.randrange(400 * 86_400))
        )
        deleted = None
        if rng.random() < 0.2:
            deleted = created + dt.timedelta(seconds=rng.randrange(1, 90 * 86_400))
        starts = NOW - dt.timedelta(seconds=rng.randrange(2 * 365 * 86_400))
        length = dt.timedelta(seconds=rng.randrange(3600, 30 * 86_400))
        ends = starts - length if rng.random() < BROKEN else starts + length
        note = NOW - dt.timedelta(seconds=rng.randrange(3 * 365 * 86_400))
        rows.append({
            "id": i, "created_at": created, "updated_at": updated, "deleted_at": deleted,
            "starts_at": starts, "ends_at": ends, "note_at": note,
        })  # fmt: skip
    db.run(
        f"CREATE TABLE events (id INTEGER PRIMARY KEY, created_at {stamp} NOT NULL, "
        f"updated_at {stamp} NOT NULL, deleted_at {stamp} NULL, starts_at {stamp} NOT NULL, "
        f"ends_at {stamp} NOT NULL, note_at {stamp} NOT NULL)",
        rows={"events": rows},
    )


def _orders(profile: Profile) -> dict[tuple[str, ...], TraitStat]:
    return {s.columns: s for s in profile.table("events").traits if s.trait == "column_order"}


def _broken(frame: pl.DataFrame, later: str, earlier: str, strict: bool) -> float:
    both = pl.col(later).is_not_null() & pl.col(earlier).is_not_null()
    holds = pl.col(later) > pl.col(earlier) if strict else pl.col(later) >= pl.col(earlier)
    return frame.select((both & ~holds).mean()).item()


def test_orders_are_measured_and_kept(db: Db) -> None:
    _plant(db)
    profile = synth.profile(db.url, tables=["events"])
    orders = _orders(profile)
    updated = orders[("updated_at", "created_at")]
    assert updated.fraction == 0 and updated.detail["op"] == ">="
    assert updated.detail["holds"] == 1.0
    deleted = orders[("deleted_at", "created_at")]
    assert deleted.fraction == 0 and deleted.detail["op"] == ">"
    assert close_enough(deleted.detail["both"], 0.2)
    ends = orders[("ends_at", "starts_at")]
    assert ends.detail["op"] == ">" and close_enough(ends.fraction, BROKEN)
    assert not any("note_at" in cols for cols in orders)

    for rows in (ROWS, SMALL):
        for seed in (0, 1, 2):
            out = synth.generate(profile, rows=rows, seed=seed)["events"]
            assert _broken(out, "updated_at", "created_at", strict=False) == 0
            assert _broken(out, "deleted_at", "created_at", strict=True) == 0
            broken = _broken(out, "ends_at", "starts_at", strict=True)
            if rows == ROWS:
                assert close_enough(broken, ends.fraction)
            else:
                assert broken * rows >= 1  # the breaking rows are a trait: at least once
            report = synth.validate(profile, {"events": out})
            labels = [c for c in report.checks if "column_order" in c.subject]
            assert labels and all(c.ok for c in labels), [c for c in labels if not c.ok]


class _Files:
    dialect = "files"

    def run(self, *statements: str, rows: dict[str, list[dict]]) -> None:
        self.rows = rows


def test_files_are_measured_the_same_way(tmp_path) -> None:  # type: ignore[no-untyped-def]
    files = _Files()
    _plant(files)  # type: ignore[arg-type]
    pl.DataFrame(files.rows["events"]).write_parquet(tmp_path / "events.parquet")
    profile = synth.profile(tmp_path)
    assert set(_orders(profile)) == {
        ("updated_at", "created_at"),
        ("deleted_at", "created_at"),
        ("ends_at", "starts_at"),
    }


def _chain(path) -> synth.Profile:  # type: ignore[no-untyped-def]
    """Five linked timestamp columns of one spread (`seen_at` <= `imported_at` <=
    `touched_at` < `clean_at`, `due_at`), a 1970 sentinel, 5% of `due_at` far ahead, and
    an import that stamped `imported_at` and `touched_at` of the same 12% of rows."""
    i = pl.int_range(20_000, eager=True)
    spread = pl.lit(dt.datetime(2023, 1, 1)) + pl.duration(seconds=(i * 7919) % (365 * 86400))
    stamp = pl.lit(dt.datetime(2023, 3, 1, 2))
    burst = i % 100 < 12
    pl.select(
        id=i + 1,
        seen_at=pl.when(i % 100 == 50).then(pl.lit(dt.datetime(1970, 1, 1))).otherwise(spread),
        due_at=pl.when(i % 20 == 3).then(spread + pl.duration(days=900)).otherwise(spread),
        imported_at=pl.when(burst).then(stamp).otherwise(spread),
        touched_at=pl.when(burst).then(stamp).otherwise(spread + pl.duration(hours=1)),
        clean_at=spread + pl.duration(days=1),
    ).write_parquet(path / "readings.parquet")
    return synth.profile(path)


def test_a_chain_of_orders_keeps_every_order_and_its_bursts(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """All orders of a table are arranged together: a chain of five columns with nearly
    equal spreads keeps each order at its share, and the import's instant stays on the
    same rows of both columns it stamped (a pair-by-pair mending once piled rows onto
    bounds and erased the burst)."""
    profile = _chain(tmp_path)
    orders = [s for s in profile.table("readings").traits if s.trait == "column_order"]
    assert len(orders) >= 6 and any(s.fraction == 0 for s in orders)
    stamp = dt.datetime(2023, 3, 1, 2)
    for rows, seed in ((ROWS, 0), (ROWS, 1), (SMALL, 2)):
        out = synth.generate(profile, rows=rows, seed=seed)["readings"]
        report = synth.validate(profile, {"readings": out})
        failed = [c for c in report.checks if not c.ok]
        assert failed == [], (rows, seed, failed)
        imported, touched = out["imported_at"] == stamp, out["touched_at"] == stamp
        assert (imported & touched).sum() == touched.sum() > 0
        if rows == ROWS:
            assert close_enough(float(touched.mean()), 0.12)
            # no instant but the import's is shared by 1% of the rows: nothing piled up
            assert out["clean_at"].value_counts()["count"].max() < 0.01 * rows  # type: ignore[operator]


def test_a_sparse_last_event_keeps_its_values_and_its_order(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Products that stopped selling started long ago: `sell_end_date` is set on a tenth
    of them, all among the oldest. Generated NULLs fall on random rows, so the ends are
    placed by moving the start dates (NULL rows take the late ones), not by raising the
    ends: every order holds and both columns keep their percentiles."""
    i = pl.int_range(20_000, eager=True)
    start = pl.lit(dt.date(2015, 1, 1)) + pl.duration(days=(i * 37) % 3000)
    old = (i * 37) % 3000 < 300
    pl.select(
        id=i + 1,
        sell_start=start,
        sell_end=pl.when(old).then(start + pl.duration(days=200 + i % 100)).otherwise(None),
    ).write_parquet(tmp_path / "products.parquet")
    profile = synth.profile(tmp_path)
    orders = _orders_of(profile, "products")
    assert orders[("sell_end", "sell_start")].fraction == 0
    out = synth.generate(profile, rows=20_000, seed=3)["products"]
    assert _broken(out, "sell_end", "sell_start", strict=True) == 0
    report = synth.validate(profile, {"products": out})
    assert [c for c in report.checks if not c.ok] == []


def _orders_of(profile: Profile, table: str) -> dict[tuple[str, ...], TraitStat]:
    return {s.columns: s for s in profile.table(table).traits if s.trait == "column_order"}


def test_a_sparse_last_event_of_a_keyed_period_is_empty_in_the_latest_periods(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    """Invoices are issued the day after their period ends, and the latest period's are
    half not issued yet (NULL). `period_start` is part of the key, so the periods cannot
    move under the NULLs as a sparse last event's rows otherwise do: the NULLs move to
    the latest periods instead. Spread over every period, they left the latest period's
    invoices all issued on the last date, whose share doubled (7.7% -> 14.3%)."""
    import sqlite3

    path = tmp_path / "billing.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TABLE invoices (account_id INTEGER NOT NULL, period_start DATE NOT NULL, "
        "period_end DATE NOT NULL CHECK (period_end > period_start), issued_at TIMESTAMP, "
        "PRIMARY KEY (account_id, period_start))"
    )
    starts = [dt.date(2023, 12, 1)] + [dt.date(2024, m, 1) for m in range(1, 7)]
    rows = []
    for account in range(1, 601):
        for k, start in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else dt.date(2024, 7, 1)
            issued = dt.datetime.combine(end, dt.time(6))
            if k == len(starts) - 1 and account % 2:
                issued = None  # the latest period: half not issued yet
            rows.append((account, start.isoformat(), end.isoformat(), issued and str(issued)))
    conn.executemany("INSERT INTO invoices VALUES (?, ?, ?, ?)", rows)
    conn.commit()
    conn.close()
    profile = synth.profile(f"sqlite:///{path}")
    for seed in (0, 1):
        out = synth.generate(profile, rows=20_000, seed=seed)["invoices"]
        ends = out["period_end"].cast(pl.Date)
        empty = out["issued_at"].is_null()
        assert empty.sum() > 0 and (ends.filter(empty) == ends.max()).all()
        last = out["issued_at"].drop_nulls().dt.date() == dt.date(2024, 7, 1)
        assert abs(float(last.mean()) - 1 / 13) < 0.01  # type: ignore[arg-type]
        report = synth.validate(profile, {"invoices": out})
        assert [c for c in report.checks if not c.ok] == [], seed
