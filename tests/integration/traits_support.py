"""Shared by the trait tests: the acceptance tolerance and the databases traits are planted in.

Each trait test plants the shape in a real database with the dialect's own DDL,
profiles it, generates 10k rows, and measures the trait in the output with code
that does not call the trait's injector (plain polars on the generated frame).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

ROWS = 10_000
"""Rows generated for frequency checks."""
SMALL = 50
"""Rows generated for the at-least-once check."""


def close_enough(measured: float, planted: float) -> bool:
    """The issue's tolerance: within max(0.005 absolute, 20% relative) of the planted share."""
    return abs(measured - planted) <= max(0.005, 0.2 * planted)


@dataclass
class Db:
    """A fresh, empty database of one dialect."""

    dialect: str  # sqlite | postgresql | mariadb
    url: str

    def engine(self) -> sa.Engine:
        return sa.create_engine(self.url)

    def run(self, *statements: str, rows: dict[str, list[dict]] | None = None) -> None:
        """Execute DDL statements, then insert ``rows`` (table -> list of dicts)."""
        engine = self.engine()
        with engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
            for table, batch in (rows or {}).items():
                if batch:
                    quote = conn.dialect.identifier_preparer.quote
                    cols = list(batch[0])
                    sql = (
                        f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in cols)}) "
                        f"VALUES ({', '.join(':' + c for c in cols)})"
                    )
                    conn.execute(sa.text(sql), batch)
        engine.dispose()


DIALECTS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    pytest.param("mariadb", id="mariadb", marks=pytest.mark.mysql),
]


def make_db(request: pytest.FixtureRequest, dialect: str) -> Iterator[Db]:
    fixture = {"sqlite": "sqlite_url", "postgresql": "postgres_url", "mariadb": "mysql_url"}
    yield Db(dialect, request.getfixturevalue(fixture[dialect]))


def tenants_and_users(db: Db, tenants: list[dict[str, Any]], users: list[dict[str, Any]]) -> None:
    """``tenants (id, source)`` and ``users (id, tenant_id, plan, created_at)``, with a
    declared foreign key, created in ``db`` and filled with the given rows."""
    stamp = "DATETIME" if db.dialect == "mariadb" else "TIMESTAMP"
    db.run(
        "CREATE TABLE tenants (id INTEGER PRIMARY KEY, source VARCHAR(20) NOT NULL)",
        "CREATE TABLE users (id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL "
        f"REFERENCES tenants (id), plan VARCHAR(20) NOT NULL, created_at {stamp} NOT NULL)",
        rows={"tenants": tenants, "users": users},
    )
