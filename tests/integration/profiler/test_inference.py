"""Relations that were never declared are inferred from names and confirmed by values, on
every dialect, whatever the table order; options add and reject them; the generator and the
relation traits use the inferred relation (no orphans where production has none)."""

from __future__ import annotations

import pytest

import synth
from synth.errors import UsageError
from synth.review.show import render_profile
from tests.integration.traits_support import Db

N_CUSTOMERS, N_ORDERS = 120, 900


def _build(db: Db) -> None:
    customers = [{"customer_id": i, "support_rep_id": 1 + i % 6} for i in range(1, N_CUSTOMERS + 1)]
    db.run(
        # parents sort after their children: inference must not depend on table order
        "CREATE TABLE zz_employees (employee_id INTEGER PRIMARY KEY, reports_to INTEGER)",
        "CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, support_rep_id INTEGER)",
        "CREATE TABLE customer_profiles (customer_id INTEGER PRIMARY KEY, score INTEGER)",
        "CREATE TABLE a_orders (id INTEGER PRIMARY KEY, customers_id INTEGER NOT NULL,"
        " legacy_customer_id INTEGER, external_id INTEGER)",
        "CREATE TABLE order_tags (a_order_id INTEGER NOT NULL, tag_code VARCHAR(8) NOT NULL,"
        " PRIMARY KEY (a_order_id, tag_code))",
        "CREATE TABLE tags (code VARCHAR(8) PRIMARY KEY)",
        rows={
            "zz_employees": [
                {"employee_id": i, "reports_to": None if i == 1 else 1 + (i - 2) // 3}
                for i in range(1, 13)
            ],
            "customers": customers,
            "customer_profiles": [
                {"customer_id": i, "score": i % 7} for i in range(1, N_CUSTOMERS + 1, 2)
            ],
            "a_orders": [
                {
                    "id": i,
                    "customers_id": 1 + (i * 7) % N_CUSTOMERS,
                    "legacy_customer_id": 90_000 + i,  # a trap: found in no table
                    "external_id": 5_000_000 + i,
                }
                for i in range(1, N_ORDERS + 1)
            ],
            "tags": [{"code": f"T{i:02d}"} for i in range(20)],
            "order_tags": [
                {"a_order_id": o, "tag_code": f"T{(o + k) % 20:02d}"}
                for o in range(1, 301)
                for k in range(2)
            ],
        },
    )


def _inferred(profile: synth.Profile) -> set[tuple[str, str, str, str]]:
    return {
        (t.key, fk.columns[0], fk.ref_table, fk.ref_columns[0])
        for t in profile.tables
        for fk in t.foreign_keys
        if fk.inferred
    }


EXPECTED = {
    ("a_orders", "customers_id", "customers", "customer_id"),
    ("customer_profiles", "customer_id", "customers", "customer_id"),
    ("customers", "support_rep_id", "zz_employees", "employee_id"),
    ("zz_employees", "reports_to", "zz_employees", "employee_id"),
    ("order_tags", "a_order_id", "a_orders", "id"),
    ("order_tags", "tag_code", "tags", "code"),
}


def test_relations_are_inferred_on_every_dialect(db: Db) -> None:
    _build(db)
    profile = synth.profile(db.url)
    assert _inferred(profile) == EXPECTED
    for table in profile.tables:
        for fk in table.foreign_keys:
            assert fk.containment == 1.0, (table.key, fk)
    shown = render_profile(profile)  # synth show lists them for review
    assert "inferred relation (support_rep_id) -> zz_employees(employee_id)" in shown
    # generated children point at generated parents, through the inferred relations
    out = synth.generate(profile, rows=600, seed=3)
    for child, column, parent, key in EXPECTED:
        values = out[child].get_column(column).drop_nulls()
        assert values.is_in(out[parent].get_column(key).implode()).all(), (child, column)


def test_relations_can_be_rejected_and_added(sqlite_url: str) -> None:
    db = Db("sqlite", sqlite_url)
    _build(db)
    profile = synth.profile(
        db.url,
        no_relations=["a_orders.customers_id", "order_tags.tag_code"],
        relations=["a_orders.external_id=customers.customer_id"],
    )
    got = _inferred(profile)
    assert ("a_orders", "customers_id", "customers", "customer_id") not in got
    assert ("order_tags", "tag_code", "tags", "code") not in got
    (added,) = [
        fk for fk in profile.table("a_orders").foreign_keys if fk.columns == ("external_id",)
    ]
    assert added.inferred and added.containment == 0.0
    assert _inferred(synth.profile(db.url, no_relations="*")) == set()


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ({"relations": ["a_orders.external_id"]}, "expected CHILD.COLUMN=PARENT.COLUMN"),
        ({"relations": ["a_orders.nope=customers.customer_id"]}, "has no column 'nope'"),
        ({"relations": ["ghosts.id=customers.customer_id"]}, "table 'ghosts' is not profiled"),
        ({"no_relations": ["customers"]}, "expected TABLE.COLUMN or '*'"),
    ],
)
def test_bad_relation_options_are_one_line_errors(
    sqlite_url: str, option: dict[str, list[str]], message: str
) -> None:
    db = Db("sqlite", sqlite_url)
    _build(db)
    with pytest.raises(UsageError, match=message):
        synth.profile(db.url, **option)  # type: ignore[arg-type]
