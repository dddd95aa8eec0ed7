"""Foreign keys in a cycle (and self-references) load into the original schema, whose
constraints are all enforced: by the dialect's own client from ``data.sql`` (the key
closing the cycle written NULL, then set by UPDATE) and by ``synth.load_into``; and what
lands in the database is exactly what was generated, deferred keys included."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

import synth
from tests.integration.traits_support import Db
from tests.integration.writers.test_sql_output import load

DEPARTMENTS = 12
EMPLOYEES = 240


def _ddl(dialect: str) -> list[str]:
    departments = (
        "CREATE TABLE departments (department_id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL,"
        " manager_id INTEGER{fk}, parent_id INTEGER REFERENCES departments (department_id))"
    )
    employees = (
        "CREATE TABLE employees (employee_id INTEGER PRIMARY KEY,"
        " department_id INTEGER NOT NULL REFERENCES departments (department_id),"
        " reports_to INTEGER REFERENCES employees (employee_id), salary INTEGER NOT NULL)"
    )
    badges = (  # a shared primary key: one badge per employee at most
        "CREATE TABLE badges (employee_id INTEGER PRIMARY KEY"
        " REFERENCES employees (employee_id), code VARCHAR(12) NOT NULL)"
    )
    if dialect == "sqlite":  # no ALTER TABLE ADD CONSTRAINT: a forward reference instead
        return [departments.format(fk=" REFERENCES employees (employee_id)"), employees, badges]
    alter = (
        "ALTER TABLE departments ADD CONSTRAINT departments_manager_fk"
        " FOREIGN KEY (manager_id) REFERENCES employees (employee_id)"
    )
    return [departments.format(fk=""), employees, badges, alter]


def _seed(db: Db) -> None:
    db.run(
        *_ddl(db.dialect),
        rows={
            "departments": [
                {
                    "department_id": d,
                    "name": f"dept {d}",
                    "manager_id": None,
                    "parent_id": None if d == 1 else 1 + (d - 2) // 3,
                }
                for d in range(1, DEPARTMENTS + 1)
            ],
            "employees": [
                {
                    "employee_id": e,
                    "department_id": 1 + e % DEPARTMENTS,
                    "reports_to": None if e == 1 else 1 + (e - 2) // 4,
                    "salary": 40_000 + 97 * e,
                }
                for e in range(1, EMPLOYEES + 1)
            ],
            "badges": [
                {"employee_id": e, "code": f"B-{e:05d}"} for e in range(1, EMPLOYEES + 1, 3)
            ],
        },
    )
    engine = db.engine()
    with engine.begin() as conn:  # close the cycle: most departments get a manager
        for d in range(1, DEPARTMENTS):
            conn.execute(
                sa.text("UPDATE departments SET manager_id = :m WHERE department_id = :d"),
                {"m": 10 * d, "d": d},
            )
    engine.dispose()


def _tables(url: str) -> dict[str, pl.DataFrame]:
    engine = sa.create_engine(url)
    out = {}
    with engine.connect() as conn:
        for name in ("departments", "employees", "badges"):
            result = conn.execute(sa.text(f"SELECT * FROM {name}"))
            out[name] = pl.DataFrame(
                [tuple(r) for r in result], schema=list(result.keys()), orient="row"
            )
    engine.dispose()
    return out


def _same(loaded: dict[str, pl.DataFrame], generated: dict[str, pl.DataFrame]) -> None:
    for name, frame in generated.items():
        key = frame.columns[0]
        want = frame.sort(key)
        got = loaded[name].select(want.columns).cast(want.schema).sort(key)  # type: ignore[arg-type]
        assert got.equals(want), name


def test_a_cycle_and_self_references_load_as_generated(
    db: Db, new_database, tmp_path: Path
) -> None:
    _seed(db)
    profile = synth.profile(db.url)
    plan_keys = {t.key: [fk.columns for fk in t.foreign_keys] for t in profile.tables}
    assert ("manager_id",) in plan_keys["departments"]
    synth.write(profile, tmp_path / "parquet", seed=5)
    synth.write(profile, tmp_path / "sql", seed=5, format="sql", ddl=False)
    generated = synth.load(tmp_path / "parquet")
    departments = generated["departments"]
    assert departments["manager_id"].null_count() < departments.height  # values, not NULLs
    text = (tmp_path / "sql" / "data.sql").read_text(encoding="utf-8")
    assert "UPDATE" in text and "manager_id" in text.split("UPDATE", 1)[1]

    by_client = Db(db.dialect, new_database(db.dialect))
    by_client.run(*_ddl(db.dialect))
    load(db.dialect, by_client.url, tmp_path / "sql" / "data.sql")
    _same(_tables(by_client.url), generated)

    by_synth = Db(db.dialect, new_database(db.dialect))
    by_synth.run(*_ddl(db.dialect))
    loaded = synth.load_into(tmp_path / "parquet", by_synth.url)
    assert loaded == {k: v.height for k, v in generated.items()}
    _same(_tables(by_synth.url), generated)


@pytest.mark.postgres
def test_a_not_null_cycle_waits_for_commit(pg: Db, new_database, tmp_path: Path) -> None:
    """Two NOT NULL keys in a cycle exist only as DEFERRABLE constraints in PostgreSQL:
    both the file and the loader defer them to COMMIT."""
    ddl = [
        "CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER NOT NULL)",
        "CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER NOT NULL"
        " REFERENCES a (id) DEFERRABLE INITIALLY IMMEDIATE)",
        "ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b (id) DEFERRABLE INITIALLY IMMEDIATE",
    ]
    pg.run(
        *ddl,
        "SET CONSTRAINTS ALL DEFERRED",  # Db.run's one transaction
        "INSERT INTO a SELECT g, 1 + g %% 40 FROM generate_series(1, 60) g",
        "INSERT INTO b SELECT g, 1 + g %% 60 FROM generate_series(1, 40) g",
    )
    profile = synth.profile(pg.url)
    with pytest.warns(synth.SynthWarning, match="no nullable edge"):
        synth.write(profile, tmp_path / "sql", format="sql", ddl=False)
    assert "SET CONSTRAINTS ALL DEFERRED;" in (tmp_path / "sql" / "data.sql").read_text()
    target = Db("postgresql", new_database("postgresql"))
    target.run(*ddl)
    load("postgresql", target.url, tmp_path / "sql" / "data.sql")
    with pytest.warns(synth.SynthWarning, match="no nullable edge"):
        frames = synth.generate(profile)
    again = Db("postgresql", new_database("postgresql"))
    again.run(*ddl)
    assert synth.load_into(frames, again.url) == {"a": 60, "b": 40}
