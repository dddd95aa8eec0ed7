"""``--sample`` on MariaDB and SQLite reads stretches of the integer key, not every row.

Neither has ``TABLESAMPLE``. With a one-column integer primary key the sample is 200
stretches of consecutive keys spread over the key's range, which the database reads through
the key (InnoDB's clustered index, SQLite's rowid B-tree): the plan has no full scan.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

import synth
from synth.profiler.dialects import dialect_for
from synth.profiler.sample import sampler_for
from tests.integration.traits_support import Db, close_enough

ROWS = 40_000


@pytest.fixture(params=["sqlite", pytest.param("mariadb", marks=pytest.mark.mysql)])
def events(request: pytest.FixtureRequest) -> Db:
    fixture = {"sqlite": "sqlite_url", "mariadb": "mysql_url"}[request.param]
    db = Db(request.param, request.getfixturevalue(fixture))
    rows = [
        {"id": i, "kind": "b" if i % 4 == 0 else "a", "amount": i % 97} for i in range(1, ROWS + 1)
    ]
    db.run(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, kind VARCHAR(4) NOT NULL, amount INTEGER)",
        rows={"events": rows},
    )
    return db


def _plan(conn: sa.Connection, dialect: str, sql: str) -> str:
    if dialect == "sqlite":
        return " | ".join(str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}"))
    rows = conn.exec_driver_sql(f"EXPLAIN {sql}").mappings().all()
    return " | ".join(f"{r['table']}:{r['type']}:{r['key']}" for r in rows)


def test_sample_reads_key_ranges_through_the_key(events: Db) -> None:
    dialect = dialect_for("sqlite" if events.dialect == "sqlite" else "mysql")
    table = sa.table("events", sa.column("id"), sa.column("kind"), sa.column("amount"))
    engine = events.engine()
    try:
        with engine.connect() as conn:
            sample = sampler_for(dialect).sample(conn, dialect, table, 5, "id")
            query = sa.select(sa.func.count()).select_from(sample)
            assert abs(conn.execute(query).scalar_one() - ROWS * 0.05) <= ROWS * 0.005
            sql = str(query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
            plan = _plan(conn, events.dialect, sql)
    finally:
        engine.dispose()
    if events.dialect == "sqlite":
        assert "USING INTEGER PRIMARY KEY" in plan and "SCAN events" not in plan, plan
    else:
        assert "events:range:PRIMARY" in plan, plan

    profile = synth.profile(events.url, sample=5)
    got = profile.table("events")
    assert abs(got.rows - ROWS) <= ROWS * 0.05, got.rows
    kinds = {f.value: f.fraction for f in got.column("kind").stats.frequent}
    assert close_enough(kinds["b"], 0.25), kinds
