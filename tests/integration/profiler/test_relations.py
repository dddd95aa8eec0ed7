"""Relations found wherever the database keeps them: declared on partitions, across schemas,
and (``test_inference.py``) never declared at all."""

from __future__ import annotations

import pytest

import synth
from tests.integration.traits_support import Db

pytestmark = pytest.mark.postgres


def test_keys_declared_on_partitions_belong_to_the_partitioned_table(pg: Db) -> None:
    """A foreign key declared on each partition only (the usual way before PostgreSQL 12,
    and still common) is the partitioned table's; a key referencing a partitioned table is
    listed once, not once more per partition; partitions are not tables of their own."""
    pg.run(
        "CREATE TABLE accounts (id integer PRIMARY KEY)",
        "CREATE TABLE usage (account_id integer NOT NULL, at date NOT NULL, n integer)"
        " PARTITION BY RANGE (at)",
        "CREATE TABLE usage_h1 PARTITION OF usage FOR VALUES FROM ('2024-01-01') TO ('2024-07-01')",
        "CREATE TABLE usage_h2 PARTITION OF usage FOR VALUES FROM ('2024-07-01') TO ('2025-01-01')",
        "ALTER TABLE usage_h1 ADD FOREIGN KEY (account_id) REFERENCES accounts (id)",
        "ALTER TABLE usage_h2 ADD FOREIGN KEY (account_id) REFERENCES accounts (id)",
        "CREATE TABLE invoices (id integer NOT NULL, period date NOT NULL,"
        " PRIMARY KEY (id, period)) PARTITION BY RANGE (period)",
        "CREATE TABLE invoices_2024 PARTITION OF invoices"
        " FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')",
        "CREATE TABLE payments (id integer PRIMARY KEY, invoice_id integer, period date,"
        " FOREIGN KEY (invoice_id, period) REFERENCES invoices (id, period))",
        "INSERT INTO accounts SELECT g FROM generate_series(1, 50) g",
        "INSERT INTO usage SELECT 1 + g %% 50, DATE '2024-01-01' + g %% 360, g"
        " FROM generate_series(1, 600) g",
        "INSERT INTO invoices SELECT g, DATE '2024-01-01' + g %% 300"
        " FROM generate_series(1, 300) g",
        "INSERT INTO payments SELECT g, g, DATE '2024-01-01' + g %% 300"
        " FROM generate_series(1, 200) g",
    )
    profile = synth.profile(pg.url)
    assert {t.key for t in profile.tables} == {"accounts", "usage", "invoices", "payments"}
    (usage_fk,) = profile.table("usage").foreign_keys
    assert (usage_fk.columns, usage_fk.ref_table, usage_fk.inferred) == (
        ("account_id",), "accounts", False)  # fmt: skip
    (payment_fk,) = profile.table("payments").foreign_keys
    assert (payment_fk.ref_table, payment_fk.ref_columns) == ("invoices", ("id", "period"))
    usage = synth.generate(profile, rows=600, seed=1)
    accounts = usage["accounts"].get_column("id")
    assert usage["usage"].get_column("account_id").is_in(accounts.implode()).all()


def test_schema_option_follows_references_into_other_schemas(
    pg: Db, new_database, tmp_path
) -> None:
    """``--schema sales`` profiles sales, follows its keys into ``hr`` and ``public``, and
    the SQL written names sales' tables in sales, so it loads into a copy of the schema."""
    from tests.integration.writers.test_sql_output import load

    ddl = [
        "CREATE SCHEMA hr",
        "CREATE SCHEMA sales",
        "CREATE TABLE currencies (code CHAR(3) PRIMARY KEY)",
        "CREATE TABLE hr.employees (id integer PRIMARY KEY, name text NOT NULL)",
        "CREATE TABLE sales.accounts (id integer PRIMARY KEY,"
        " manager_id integer REFERENCES hr.employees (id),"
        " currency CHAR(3) NOT NULL REFERENCES currencies (code))",
        "CREATE TABLE sales.orders (id integer PRIMARY KEY,"
        " account_id integer NOT NULL REFERENCES sales.accounts (id))",
    ]
    pg.run(
        *ddl,
        "INSERT INTO currencies VALUES ('EUR'), ('USD'), ('GBP')",
        "INSERT INTO hr.employees SELECT g, 'e' || g FROM generate_series(1, 30) g",
        "INSERT INTO sales.accounts SELECT g, 1 + g %% 30, (ARRAY['EUR','USD','GBP'])[1 + g %% 3]"
        " FROM generate_series(1, 90) g",
        "INSERT INTO sales.orders SELECT g, 1 + g %% 90 FROM generate_series(1, 400) g",
    )
    profile = synth.profile(pg.url, schema="sales")
    assert {t.key for t in profile.tables} == {
        "accounts",
        "orders",
        "hr.employees",
        "public.currencies",
    }
    synth.write(profile, tmp_path / "sql", format="sql", ddl=False)
    text = (tmp_path / "sql" / "data.sql").read_text()
    assert 'INSERT INTO "sales"."orders"' in text and 'INSERT INTO "hr"."employees"' in text
    target = new_database("postgresql")
    Db("postgresql", target).run(*ddl)
    load("postgresql", target, tmp_path / "sql" / "data.sql")


def test_a_required_key_to_an_empty_table_generates_with_a_warning(sqlite_url: str) -> None:
    """SQLite does not enforce keys unless asked: a child may hold values of a parent that is
    empty. Generation goes on (free values, one warning per key) instead of aborting."""
    db = Db("sqlite", sqlite_url)
    db.run(
        "CREATE TABLE parent (id INTEGER PRIMARY KEY)",
        "CREATE TABLE child (id INTEGER PRIMARY KEY,"
        " parent_id INTEGER NOT NULL REFERENCES parent (id))",
        "CREATE TABLE junction (parent_id INTEGER NOT NULL REFERENCES parent (id),"
        " k INTEGER NOT NULL, PRIMARY KEY (parent_id, k))",
        rows={
            "child": [{"id": i, "parent_id": i} for i in range(1, 101)],
            "junction": [{"parent_id": i % 7, "k": i} for i in range(1, 101)],
        },
    )
    profile = synth.profile(db.url)
    with pytest.warns(synth.SynthWarning, match="'parent', which gets no rows"):
        out = synth.generate(profile, rows=50)
    assert out["parent"].height == 0
    assert out["child"].height == 50 and out["child"]["parent_id"].null_count() == 0
    assert out["junction"].select("parent_id", "k").is_unique().all()
