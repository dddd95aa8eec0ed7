"""What profiling costs, on real SQLite, PostgreSQL and MariaDB (issue 16).

The number of statistics queries per table does not grow with its columns: a 10-column
and a 60-column table of the same column kinds are profiled with the same number of
queries, exactly and through the large-table plan (``exact_rows=0`` makes every table
"large"). The large-table plan marks what it estimated in ``Table.estimates``; on a small
table its sample is the whole table, so its estimates equal the exact statistics.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import sqlalchemy as sa

import synth
from synth.model.io import dump_profile
from synth.profiler.queries import STATS_TAG
from tests.integration.traits_support import Db

ROWS = 400
KINDS = ("i", "s", "t", "at", "d", "b")
"""Column kinds, cycled: integer, low-cardinality text with a rare legacy value, nullable
text, timestamp, numeric, boolean."""
TYPES = {
    "sqlite": ("INTEGER", "VARCHAR(20)", "VARCHAR(40)", "TIMESTAMP", "NUMERIC(10, 2)", "BOOLEAN"),
    "postgresql": ("INTEGER", "VARCHAR(20)", "VARCHAR(40)", "TIMESTAMP", "NUMERIC(10, 2)",
                   "BOOLEAN"),
    "mariadb": ("INTEGER", "VARCHAR(20)", "VARCHAR(40)", "DATETIME", "DECIMAL(10, 2)",
                "BOOLEAN"),
}  # fmt: skip


def _columns(width: int) -> list[tuple[str, int]]:
    return [(f"{KINDS[n % len(KINDS)]}{n}", n % len(KINDS)) for n in range(width)]


def _value(kind: int, r: random.Random, row: int) -> Any:
    if kind == 0:
        return r.randint(0, 10_000)
    if kind == 1:
        return "legacy" if row == 7 else r.choice(["paid", "pending", "shipped"])
    if kind == 2:
        return None if r.random() < 0.3 else f"note {r.randint(0, 10**6)}"
    if kind == 3:
        return dt.datetime(2024, 1, 1) + dt.timedelta(seconds=r.randint(0, 10**7))
    if kind == 4:
        return r.randint(0, 10**6) / 100
    return r.random() < 0.7


def _build(db: Db, table: str, width: int) -> None:
    types = TYPES[db.dialect]
    columns = _columns(width)
    ddl = (
        f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, created_at {types[3]} NOT NULL, "
        + ", ".join(f"{name} {types[kind]}" for name, kind in columns)
        + ")"
    )
    r = random.Random(width)
    rows = [
        {
            "id": i,
            "created_at": dt.datetime(2020, 1, 1) + dt.timedelta(days=i % 1500),
            **{name: _value(kind, r, i) for name, kind in columns},
        }
        for i in range(1, ROWS + 1)
    ]
    db.run(ddl, rows={table: rows})
    if db.dialect == "mariadb":  # InnoDB's row estimate (TABLE_ROWS) after the inserts
        db.run(f"ANALYZE TABLE {table}")


@contextmanager
def _statistics_queries() -> Iterator[list[str]]:
    sent: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if statement.lstrip().startswith(f"SELECT {STATS_TAG}"):
            sent.append(statement)

    sa.event.listen(sa.Engine, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", count)


@pytest.fixture
def wide(db: Db) -> Iterator[Db]:
    _build(db, "narrow", 10)
    _build(db, "wide", 60)
    yield db


@pytest.mark.parametrize("exact_rows", [None, 0], ids=["exact", "estimated"])
def test_queries_per_table_do_not_grow_with_columns(wide: Db, exact_rows: int | None) -> None:
    counts = {}
    for table in ("narrow", "wide"):
        with _statistics_queries() as sent:
            profile = synth.profile(wide.url, tables=[table], exact_rows=exact_rows)
        assert (profile.table(table).estimates is not None) == (exact_rows == 0)
        counts[table] = len(sent)
    assert counts["narrow"] == counts["wide"], counts
    # aggregate, ranked, frequent values, the sample's aggregate, table traits (one each)
    assert 0 < counts["wide"] <= 12, counts


def test_a_large_table_marks_its_estimates(wide: Db) -> None:
    exact = synth.profile(wide.url, tables=["narrow"])
    estimated = synth.profile(wide.url, tables=["narrow"], exact_rows=0)
    table = estimated.table("narrow")
    assert exact.table("narrow").estimates is None
    assert table.estimates is not None
    assert table.estimates.rows == ROWS  # a small table's sample holds all of it
    assert {"distinct", "values", "lengths"} <= set(table.estimates.statistics)
    assert "estimates:" in dump_profile(estimated)
    # the whole table sampled: the estimates are the exact statistics
    for column in exact.table("narrow").columns:
        assert table.column(column.name).stats == column.stats, column.name
    assert table.rows == exact.table("narrow").rows


def test_exact_rows_is_checked() -> None:
    with pytest.raises(synth.UsageError, match=r"--exact-rows"):
        synth.profile("sqlite:///nowhere.db", exact_rows=-1)
