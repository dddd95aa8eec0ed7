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
