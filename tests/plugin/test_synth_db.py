"""``synth_db``: loaded once per session, each test rolled back, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

ISOLATION = """
    import sqlalchemy as sa

    def count(conn, table):
        return conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()

    def test_1_loaded(synth_db, synth_data):
        for name in ("tenants", "users", "orders"):
            assert count(synth_db, name) == synth_data.table(name).height
        print("DIALECT", synth_db.engine.dialect.name)

    def test_2_writes(synth_db):
        synth_db.execute(sa.text("DELETE FROM order_items"))
        synth_db.execute(sa.text("UPDATE users SET plan = 'gone'"))
        assert count(synth_db, "order_items") == 0

    def test_3_sees_nothing_of_test_2(synth_db, synth_data):
        assert count(synth_db, "order_items") == synth_data.table("order_items").height
        plans = synth_db.execute(sa.text("SELECT COUNT(*) FROM users WHERE plan = 'gone'"))
        assert plans.scalar_one() == 0

    def test_4_savepoint(synth_db):
        before = count(synth_db, "users")
        nested = synth_db.begin_nested()
        synth_db.execute(sa.text("DELETE FROM order_items"))
        nested.rollback()
        assert count(synth_db, "order_items") > 0 and count(synth_db, "users") == before
"""


def test_sqlite_in_memory_rolls_back_each_test(
    project: pytest.Pytester, shared_cache: Path
) -> None:
    project.makepyfile(ISOLATION)
    result = project.runpytest_subprocess(
        "-s", "-p", "no:randomly", f"--synth-fixtures-dir={shared_cache}"
    )
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*DIALECT sqlite*"])


@pytest.mark.postgres
def test_postgresql_rolls_back_each_test(
    project: pytest.Pytester, shared_cache: Path, postgres_url: str
) -> None:
    project.makepyfile(ISOLATION)
    result = project.runpytest_subprocess(
        "-s", f"--synth-fixtures-dir={shared_cache}", f"--synth-database-url={postgres_url}"
    )
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines(["*DIALECT postgresql*", "synth_db: *orphan*"])
