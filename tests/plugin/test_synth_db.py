"""``synth_db``: loaded once per session, each test rolled back (also when it commits), on
SQLite and PostgreSQL; sessions in a row on one database; errors in one line."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from synth.pytest_plugin.cache import resolve_fixtures
from synth.pytest_plugin.db import _schema_text
from synth.pytest_plugin.settings import SynthSettings

from .conftest import SHOP

ISOLATION = """
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    def count(conn, table):
        return conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one()

    def test_1_loaded(synth_db, synth_data):
        for name in ("tenants", "users", "orders"):
            assert count(synth_db, name) == synth_data.table(name).height
        print("DIALECT", synth_db.engine.dialect.name, "DATABASE", synth_db.engine.url.database)

    def test_2_writes_and_commits(synth_db):
        synth_db.execute(sa.text("DELETE FROM order_items"))
        synth_db.commit()  # code under test commits
        synth_db.execute(sa.text("UPDATE users SET plan = 'gone'"))
        synth_db.commit()
        with Session(bind=synth_db) as session:  # the ORM commits too
            session.execute(sa.text("DELETE FROM payments"))
            session.commit()
        assert count(synth_db, "order_items") == 0 and count(synth_db, "payments") == 0

    def test_3_sees_nothing_of_test_2(synth_db, synth_data):
        for name in ("order_items", "payments"):
            assert count(synth_db, name) == synth_data.table(name).height
        plans = synth_db.execute(sa.text("SELECT COUNT(*) FROM users WHERE plan = 'gone'"))
        assert plans.scalar_one() == 0

    def test_4_savepoint_begin_and_rollback(synth_db, synth_data):
        before = count(synth_db, "users")
        nested = synth_db.begin_nested()
        synth_db.execute(sa.text("DELETE FROM order_items"))
        nested.rollback()
        assert count(synth_db, "order_items") > 0 and count(synth_db, "users") == before
        with synth_db.begin():  # as code written for a fresh connection does
            synth_db.execute(sa.text("DELETE FROM order_items"))
        synth_db.rollback()  # back to the last commit: the test's start
        assert count(synth_db, "order_items") == synth_data.table("order_items").height

    def test_5_own_connection_sees_the_data_not_the_test_writes(synth_db, synth_data):
        synth_db.execute(sa.text("DELETE FROM order_items"))
        synth_db.commit()
        for _ in range(2):
            with synth_db.engine.connect() as other:
                assert count(other, "order_items") == synth_data.table("order_items").height
                other.execute(sa.text("SELECT COUNT(*) FROM users")).scalar_one()
        assert count(synth_db, "order_items") == 0
"""


@pytest.fixture(scope="module")
def shop_set(shared_cache: Path):  # type: ignore[no-untyped-def]
    return resolve_fixtures(SynthSettings(profile=SHOP, seed=7, rows=60, cache_root=shared_cache))


def test_sqlite_rolls_back_each_test_even_after_commit(
    project: pytest.Pytester, shared_cache: Path
) -> None:
    project.makepyfile(ISOLATION)
    result = project.runpytest_subprocess(
        "-s", "-p", "no:randomly", f"--synth-fixtures-dir={shared_cache}"
    )
    result.assert_outcomes(passed=5)
    [line] = [x for x in result.outlines if "DIALECT " in x]
    assert "DIALECT sqlite DATABASE " in line
    database = Path(line.split("DATABASE ", 1)[1].strip())
    assert not database.exists() and not database.parent.exists()  # removed at the end
    # the DDL came from the plan, not from a whole SQL fixture set written into the cache
    assert not list(shared_cache.rglob("data.sql")) and not list(shared_cache.rglob("schema.sql"))


@pytest.mark.postgres
@pytest.mark.filterwarnings("ignore:schema.sql:UserWarning")
def test_postgresql_sessions_in_a_row_on_one_database(
    project: pytest.Pytester, shared_cache: Path, postgres_url: str, shop_set
) -> None:
    project.makepyfile(ISOLATION)
    flags = (f"--synth-fixtures-dir={shared_cache}", f"--synth-database-url={postgres_url}")
    for _ in range(2):  # the second session finds the database as the first found it
        result = project.runpytest_subprocess("-s", "-p", "no:randomly", *flags)
        result.assert_outcomes(passed=5)
        result.stdout.fnmatch_lines(["*DIALECT postgresql*", "synth_db: *orphan*"])
    engine = sa.create_engine(postgres_url)
    try:
        assert sa.inspect(engine).get_table_names() == []  # what it created, it dropped
        # tables that exist (migrations) are used as they are, and must be empty
        with engine.begin() as conn:
            conn.exec_driver_sql(_schema_text(shop_set, "postgresql"))
            conn.exec_driver_sql(
                "INSERT INTO tenants VALUES (1, 'x', 'free', 'eu', 'signup', NULL, now())"
            )
        project.makepyfile("def test_db(synth_db):\n    pass\n")
        refused = project.runpytest_subprocess(*flags)
        refused.assert_outcomes(errors=1)
        refused.stdout.fnmatch_lines(
            [
                "synth: synth_db: table 'tenants' in postgresql+psycopg://*/synth_test_* already "
                "holds rows and was not created by synth; set the ini option "
                "synth_db_truncate = true (or pass --synth-db-truncate) to empty them*"
            ]
        )
        assert "--truncate (truncate=True)" not in refused.stdout.str()
        emptied = project.runpytest_subprocess(*flags, "--synth-db-truncate")
        emptied.assert_outcomes(passed=1)
        emptied.stdout.fnmatch_lines(
            ["*reproduce: pytest --synth-seed 7 --synth-rows 60 * --synth-db-truncate"]
        )
        with engine.connect() as conn:  # left in place, holding the set (committed by load)
            users = conn.exec_driver_sql("SELECT COUNT(*) FROM users").scalar_one()
        assert users == shop_set.table("users").height
    finally:
        engine.dispose()


def test_unreachable_database_is_one_line_without_the_password(
    project: pytest.Pytester, shared_cache: Path
) -> None:
    project.makepyfile("def test_a(synth_db):\n    pass\n\ndef test_b(synth_db):\n    pass\n")
    result = project.runpytest_subprocess(
        "-l",  # frame locals would show the driver's conninfo
        f"--synth-fixtures-dir={shared_cache}",
        "--synth-database-url=postgresql://postgres:s3cr3t-pw@127.0.0.1:5999/x",
    )
    result.assert_outcomes(errors=2)
    out = result.stdout.str() + result.stderr.str()
    assert "s3cr3t-pw" not in out
    result.stdout.fnmatch_lines(
        [
            "synth: synth_db: cannot connect to postgresql+psycopg://postgres:***@127.0.0.1:5999/x:"
            " *; check the host and port*"
        ]
    )
    assert "Traceback" not in out and len(result.outlines) < 40


@pytest.mark.filterwarnings("ignore:schema.sql:UserWarning")
@pytest.mark.parametrize("dialect", ["postgresql", "mysql"])
def test_schema_is_the_sql_writers_schema(shop_set, tmp_path: Path, dialect: str) -> None:
    import synth

    synth.write(SHOP, tmp_path / "sql", format="sql", dialect=dialect, rows=60, seed=7)
    expected = (tmp_path / "sql" / "schema.sql").read_text(encoding="utf-8")
    with pytest.warns(synth.SynthWarning, match="schema.sql: payments.order_id"):
        assert _schema_text(shop_set, dialect) == expected
