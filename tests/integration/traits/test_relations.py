"""Relation traits: orphans, childless parents, children per parent, soft-deleted parents.

Each shape is planted in a real database whose foreign key is not enforced (SQLite
without ``PRAGMA foreign_keys``, a PostgreSQL key added ``NOT VALID``, MariaDB with
``foreign_key_checks = 0``, or no declared key at all), profiled, generated, and
measured in the output with plain polars joins.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

import synth
from synth.generator import table as table_module
from synth.internal.streams import chunk_ranges
from synth.model import Profile, Table, TraitStat
from synth.profiler import database
from synth.profiler.queries import SqlMeasure
from synth.traits import table_traits
from synth.traits.relations.measure import relations, run_histogram
from tests.integration.traits_support import ROWS, SMALL, Db, close_enough

CUSTOMERS, ORDERS, PAYMENTS = 1000, ROWS, 2000
RELATION_TRAITS = {"orphan", "childless_parent", "children_per_parent", "soft_deleted_parent"}


@dataclass
class Planted:
    customers: list[dict]
    orders: list[dict]
    payments: list[dict]

    def counts(self) -> dict[int, int]:
        ids = {c["id"] for c in self.customers}
        out: dict[int, int] = {}
        for o in self.orders:
            if o["customer_id"] in ids:
                out[o["customer_id"]] = out.get(o["customer_id"], 0) + 1
        return out


def _plant(seed: int = 7) -> Planted:
    """1000 customers (15% soft-deleted, 30% without orders), 10,000 orders: 5% NULL,
    3% orphans, 2% of deleted customers', the rest skewed over live customers; 2,000
    clean payments (live customers only)."""
    r = random.Random(seed)
    ids = list(range(1, CUSTOMERS + 1))
    r.shuffle(ids)
    gone, live = ids[:150], ids[150:]
    gone_with, live_with = gone[100:], live[200:]  # 100 + 200 customers without orders
    deleted = set(gone)
    customers = [
        {
            "id": i,
            "name": f"customer {i}",
            "deleted_at": "2024-03-01 10:00:00" if i in deleted else None,
        }
        for i in range(1, CUSTOMERS + 1)
    ]
    weights = [1 / (k + 1) ** 1.1 for k in range(len(live_with))]
    orders = []
    for i in range(1, ORDERS + 1):
        x = r.random()
        if x < 0.05:
            customer = None
        elif x < 0.08:
            customer = 5000 + r.randrange(100)
        elif x < 0.10:
            customer = r.choice(gone_with)
        else:
            customer = r.choices(live_with, weights=weights)[0]
        orders.append({"id": i, "customer_id": customer, "amount": r.randrange(1, 500)})
    payments = [
        {"id": i, "customer_id": r.choice(live), "amount": r.randrange(1, 500)}
        for i in range(1, PAYMENTS + 1)
    ]
    return Planted(customers, orders, payments)


def _ddl(dialect: str, declared: bool = True) -> list[str]:
    stamp = "DATETIME" if dialect == "mariadb" else "TIMESTAMP"
    ref = " REFERENCES customers(id)" if declared and dialect != "postgresql" else ""
    off = ["SET FOREIGN_KEY_CHECKS = 0"] if dialect == "mariadb" else []
    return [
        *off,
        f"CREATE TABLE customers (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL, "
        f"deleted_at {stamp} NULL)",
        f"CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NULL{ref}, "
        "amount INTEGER NOT NULL)",
        "CREATE TABLE payments (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL "
        "REFERENCES customers(id), amount INTEGER NOT NULL)",
    ]


def _load(db: Db, planted: Planted, declared: bool = True) -> None:
    db.run(
        *_ddl(db.dialect, declared),
        rows={"customers": planted.customers, "orders": planted.orders},
    )
    db.run(rows={"payments": planted.payments})  # payments: the key is enforced (not SQLite)
    if db.dialect == "postgresql" and declared:
        db.run(
            "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) "
            "REFERENCES customers(id) NOT VALID"
        )


def _entries(table: Table, trait: str) -> list[TraitStat]:
    return [s for s in table.traits if s.trait == trait]


def _one(profile: Profile, key: str, trait: str, column: str) -> TraitStat:
    found = [s for s in _entries(profile.table(key), trait) if s.columns == (column,)]
    assert len(found) == 1, (key, trait, profile.table(key).traits)
    return found[0]


def _rank(values: list[int], percent: int) -> int:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(percent * len(ordered) / 100)) - 1]


def _top_share(counts: list[int], rows: int) -> float:
    k = max(1, math.floor(0.1 * len(counts) + 0.5))
    return sum(sorted(counts, reverse=True)[:k]) / rows


# ------------------------------------------------------------------ measured in the output


def _shape(out: dict[str, pl.DataFrame], child: str) -> dict[str, float]:
    """The relation shapes of ``child`` -> customers in generated frames, by plain joins."""
    customers, rows = out["customers"], out[child]
    linked = rows.filter(pl.col("customer_id").is_not_null())
    parents = customers.select(pl.col("id").alias("customer_id"), "deleted_at")
    matched = linked.join(parents, on="customer_id", how="inner")
    counts = matched.group_by("customer_id").len().get_column("len").to_list()
    with_children = matched.get_column("customer_id").unique()
    return {
        "orphan": linked.join(parents, on="customer_id", how="anti").height / rows.height,
        "childless": customers.filter(~pl.col("id").is_in(with_children.implode())).height
        / customers.height,
        "top": _top_share(counts, rows.height) if counts else 0.0,
        "soft": matched.filter(pl.col("deleted_at").is_not_null()).height / rows.height,
        "p50": _rank(counts, 50) if counts else 0,
        "max": max(counts, default=0),
    }


def test_relations_are_measured_and_reproduced(db: Db) -> None:
    planted = _plant()
    _load(db, planted)
    profile = synth.profile(db.url)

    counts = planted.counts()
    by_count = list(counts.values())
    gone = {c["id"] for c in planted.customers if c["deleted_at"]}
    orphans = sum(1 for o in planted.orders if o["customer_id"] and o["customer_id"] > CUSTOMERS)
    soft = sum(1 for o in planted.orders if o["customer_id"] in gone)
    childless = CUSTOMERS - len(counts)

    orphan = _one(profile, "orders", "orphan", "customer_id")
    assert orphan.fraction == orphans / ORDERS
    assert orphan.detail == {"parent": "customers", "key": "id"}
    spread = _one(profile, "orders", "children_per_parent", "customer_id")
    assert spread.fraction == round(_top_share(by_count, ORDERS), 6)
    for name in ("p50", "p90", "p99"):
        assert spread.detail[name] == _rank(by_count, int(name[1:])), name
    assert spread.detail["max"] == max(by_count)
    assert spread.detail["childless"] == childless / CUSTOMERS
    deleted = _one(profile, "orders", "soft_deleted_parent", "customer_id")
    assert deleted.fraction == soft / ORDERS
    assert deleted.detail["flag"] == "deleted_at"
    empty = {s.value: s for s in _entries(profile.table("customers"), "childless_parent")}
    assert empty["orders.customer_id"].fraction == childless / CUSTOMERS
    assert empty["orders.customer_id"].columns == ("id",)
    assert empty["orders.customer_id"].detail["child"] == "orders"
    # payments: a clean relation (every payment has a live customer)
    assert not _entries(profile.table("payments"), "orphan")
    assert not _entries(profile.table("payments"), "soft_deleted_parent")
    assert _entries(profile.table("payments"), "children_per_parent")

    out = synth.generate(profile, rows=ROWS, seed=11)
    assert out["orders"].height == ORDERS and out["customers"].height == CUSTOMERS
    got = _shape(out, "orders")
    assert close_enough(got["orphan"], orphan.fraction), got
    assert close_enough(got["childless"], childless / CUSTOMERS), got
    assert close_enough(got["top"], spread.fraction), got
    assert close_enough(got["soft"], deleted.fraction), got
    assert spread.detail["p50"] / 2 <= got["p50"] <= spread.detail["p50"] * 2, got
    assert spread.detail["max"] / 3 <= got["max"] <= spread.detail["max"] * 3, got
    clean = _shape(out, "payments")
    assert clean["orphan"] == 0 and clean["soft"] <= 0.01, clean
    planted_clean = 1 - len({p["customer_id"] for p in planted.payments}) / CUSTOMERS
    assert close_enough(clean["childless"], planted_clean), clean


def test_every_relation_trait_appears_in_a_small_fixture(db: Db) -> None:
    _load(db, _plant())
    profile = synth.profile(db.url)
    out = synth.generate(profile, rows=SMALL, seed=5)
    got = _shape(out, "orders")
    assert got["orphan"] > 0 and got["childless"] > 0 and got["soft"] > 0, got
    assert got["top"] > 0
    assert _shape(out, "payments")["soft"] == 0


def test_manifest_lists_the_rows_carrying_relation_traits(tmp_path: Path, sqlite_url: str) -> None:
    db = Db("sqlite", sqlite_url)
    _load(db, _plant())
    profile = synth.profile(db.url)
    manifest = synth.write(profile, tmp_path / "out", rows=SMALL, seed=2)
    out = synth.load(tmp_path / "out")
    traits = manifest.traits
    orders, customers = out["orders"], out["customers"]
    orphan_keys = set(traits["orders"]["orphan(customer_id)"].keys)
    ids = set(customers.get_column("id").to_list())
    lost = orders.filter(pl.col("customer_id").is_not_null() & ~pl.col("customer_id").is_in(ids))
    assert orphan_keys == set(lost.get_column("id").to_list()) and orphan_keys
    childless = set(traits["customers"]["childless_parent=orders.customer_id"].keys)
    assert childless == ids - set(orders.get_column("customer_id").drop_nulls().to_list())
    gone = set(customers.filter(pl.col("deleted_at").is_not_null()).get_column("id").to_list())
    soft = set(traits["orders"]["soft_deleted_parent(customer_id)"].keys)
    assert soft == set(orders.filter(pl.col("customer_id").is_in(gone)).get_column("id").to_list())
    assert traits["orders"]["children_per_parent(customer_id)"].rows > 0


def test_inferred_relation_is_linked_with_its_orphans(pg: Db) -> None:
    """No declared key: ``orders.customer_id`` is inferred from its name and values, and the
    traits measure the same relation the generator draws keys through."""
    planted = _plant(seed=3)
    _load(pg, planted, declared=False)
    profile = synth.profile(pg.url)
    (fk,) = profile.table("orders").foreign_keys
    assert (fk.columns, fk.ref_table, fk.ref_columns, fk.inferred) == (
        ("customer_id",),
        "customers",
        ("id",),
        True,
    )
    assert fk.containment is not None and 0.5 <= fk.containment < 1.0
    orphan = _one(profile, "orders", "orphan", "customer_id")
    assert orphan.detail == {"parent": "customers", "key": "id", "inferred": True}
    spread = _one(profile, "orders", "children_per_parent", "customer_id")
    assert spread.detail["inferred"] is True
    out = synth.generate(profile, rows=ROWS, seed=4)
    got = _shape(out, "orders")
    assert close_enough(got["orphan"], orphan.fraction), got
    assert close_enough(got["top"], spread.fraction), got


def test_string_keys_and_one_to_one_children(sqlite_url: str) -> None:
    """Orphans of a string key keep its length; a unique child key stays unique."""
    db = Db("sqlite", sqlite_url)
    r = random.Random(1)
    accounts = [{"code": f"AC{i:06d}"} for i in range(400)]
    codes = [a["code"] for a in accounts]
    sessions = [
        {"id": i, "account_code": r.choice(codes) if r.random() > 0.1 else f"XX{i:06d}"}
        for i in range(4000)
    ]
    profiles = [{"account_code": c if r.random() > 0.2 else f"ZZ{c[2:]}"} for c in codes[:300]]
    db.run(
        "CREATE TABLE accounts (code VARCHAR(8) PRIMARY KEY)",
        "CREATE TABLE sessions (id INTEGER PRIMARY KEY, "
        "account_code VARCHAR(8) NOT NULL REFERENCES accounts(code))",
        "CREATE TABLE profiles (account_code VARCHAR(8) PRIMARY KEY REFERENCES accounts(code))",
        rows={"accounts": accounts, "sessions": sessions, "profiles": profiles},
    )
    profile = synth.profile(db.url)
    planted = {"sessions": 0.1, "profiles": 0.2}
    out = synth.generate(profile, rows=4000, seed=9)
    keys = out["accounts"].get_column("code").implode()
    for child, share in planted.items():
        stat = _one(profile, child, "orphan", "account_code")
        assert close_enough(stat.fraction, share), stat
        values = out[child].get_column("account_code")
        lost = values.filter(~values.is_in(keys))
        assert close_enough(len(lost) / len(values), stat.fraction), (child, len(lost))
        assert (lost.str.len_chars() <= 8).all()
    codes_out = out["profiles"].get_column("account_code")
    assert codes_out.is_unique().all()
    used = codes_out.filter(codes_out.is_in(keys)).n_unique()
    empty = _one(profile, "accounts", "childless_parent", "code")  # via profiles only
    assert empty.value == "profiles.account_code"
    assert close_enough(1 - used / out["accounts"].height, empty.fraction)


def test_chunks_agree_on_the_parents(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Tables made in many chunks (1,000 rows here): the parent's childless rows, listed
    in the manifest, are the ones no chunk of the child points at, and the shares hold."""
    monkeypatch.setattr(table_module, "chunk_ranges", lambda rows: chunk_ranges(rows, 1000))
    db = Db("sqlite", sqlite_url)
    _load(db, _plant())
    profile = synth.profile(db.url)
    manifest = synth.write(profile, tmp_path / "out", rows=ROWS, seed=8, min_trait_rows=3)
    out = synth.load(tmp_path / "out")
    got = _shape(out, "orders")
    for name, trait in (("orphan", "orphan"), ("top", "children_per_parent")):
        assert close_enough(got[name], _one(profile, "orders", trait, "customer_id").fraction)
    assert close_enough(
        got["soft"], _one(profile, "orders", "soft_deleted_parent", "customer_id").fraction
    )
    entry = manifest.traits["customers"]["childless_parent=orders.customer_id"]
    assert close_enough(entry.rows / CUSTOMERS, got["childless"])
    used = out["orders"].get_column("customer_id").drop_nulls().implode()
    listed = out["customers"].filter(pl.col("id").is_in(list(entry.keys)))
    assert listed.height == len(entry.keys) and not listed["id"].is_in(used).any()


def test_files_are_not_measured(tmp_path: Path) -> None:
    """A file's measure sees one file: no relation traits for file sources."""
    pl.DataFrame({"id": [1, 2, 3]}).write_parquet(tmp_path / "customers.parquet")
    pl.DataFrame({"id": [1, 2], "customer_id": [1, 9]}).write_parquet(tmp_path / "orders.parquet")
    profile = synth.profile(str(tmp_path))
    assert not any(s.trait in RELATION_TRAITS for t in profile.tables for s in t.traits)


def test_relation_queries_stay_within_their_bound(db: Db) -> None:
    """One query per relation: the parent, profiled whole first, runs the relation query
    for ``childless_parent`` and its children reuse it; ``--sample`` runs one more per
    relation on the parent (its sampled parents less the linked ones)."""
    _load(db, _plant())
    engine = database._connect(db.url)
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    try:
        profile = database.profile_engine(engine)
    finally:
        engine.dispose()
    ours = [
        s
        for s in statements
        if s.lstrip().startswith(f"SELECT {database.STATS_TAG}")
        and ("per_parent" in s or "linked" in s)  # childless: parents less the linked ones
    ]
    relation_traits = [t for t in table_traits() if t.name in RELATION_TRAITS]
    bound = sum(t.max_queries(table) for t in relation_traits for table in profile.tables)
    assert len(ours) == 2 <= bound  # orders and payments: one each, run by customers
    assert sum("per_parent" in s for s in ours) == 2


def test_relation_query_forms_agree(db: Db) -> None:
    """The relation query counts children per key before or after joining the parent, run
    from the child or from the parent (which then counts childless parents from its own
    statistics): all four give the same histogram, orphans and soft-deleted parents."""
    planted = _plant()
    _load(db, planted)
    profile = synth.profile(db.url)
    orders, customers = profile.table("orders"), profile.table("customers")
    (rel,) = [r for r in relations(orders, {"customers": customers}) if r.fk == "customer_id"]
    gone = {c["id"] for c in planted.customers if c["deleted_at"]}
    counts = planted.counts()
    engine = database._connect(db.url)
    try:
        with engine.connect() as conn:
            found = []
            for table, child in ((orders, None), (customers, orders)):
                source = sa.table(table.name, *(sa.column(c.name) for c in table.columns))
                measure = SqlMeasure(conn, source, table)
                for grouped in (False, True):
                    found.append(
                        run_histogram(measure, rel, "deleted_at", child, None, grouped=grouped)
                    )
    finally:
        engine.dispose()
    for got in found:
        assert got.counts == {n: list(counts.values()).count(n) for n in set(counts.values())}
        assert got.orphan_rows == sum(
            1 for o in planted.orders if o["customer_id"] and o["customer_id"] > CUSTOMERS
        )
        assert got.deleted_rows == sum(1 for o in planted.orders if o["customer_id"] in gone)
        assert got.deleted_parents == len(gone & set(counts))


@pytest.mark.parametrize("seed", [0, 1])
def test_generation_is_deterministic(sqlite_url: str, seed: int) -> None:
    db = Db("sqlite", sqlite_url)
    _load(db, _plant())
    profile = synth.profile(db.url)
    a = synth.generate(profile, rows=2000, seed=seed)
    b = synth.generate(profile, rows=2000, seed=seed)
    for key in a:
        assert a[key].equals(b[key]), key


def test_cohort_segments_hold_while_children_are_skewed(tmp_path: Path, sqlite_url: str) -> None:
    """Orders re-pointed by ``children_per_parent`` stay in their tenant's segment, so
    the cohort's share and values hold, and the childless tenants have no orders."""
    r = random.Random(5)
    tenants = [
        {"id": i, "source": "legacy_import" if i % 5 == 0 else "signup"} for i in range(1, 201)
    ]
    busy = [t["id"] for t in tenants if t["id"] % 10 not in (1, 2, 3)]  # 30% childless
    weights = [1 / (k + 1) for k in range(len(busy))]
    orders = []
    for i in range(1, ROWS + 1):
        tenant = r.choices(busy, weights=weights)[0]
        plan = "premium" if tenant % 5 == 0 else r.choice(["free", "pro"])
        orders.append({"id": i, "tenant_id": tenant, "plan": plan})
    db = Db("sqlite", sqlite_url)
    db.run(
        "CREATE TABLE tenants (id INTEGER PRIMARY KEY, source VARCHAR(20) NOT NULL)",
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, "
        "tenant_id INTEGER NOT NULL REFERENCES tenants(id), plan VARCHAR(10) NOT NULL)",
        rows={"tenants": tenants, "orders": orders},
    )
    profile = synth.profile(db.url, segment_by="tenants.source")
    cohorts = {s.value: s for s in _entries(profile.table("orders"), "cohort")}
    assert set(cohorts) == {"signup", "legacy_import"}
    spread = _one(profile, "orders", "children_per_parent", "tenant_id")
    manifest = synth.write(profile, tmp_path / "out", rows=ROWS, seed=3)
    out = synth.load(tmp_path / "out")
    segments = out["tenants"].select(pl.col("id").alias("tenant_id"), "source")
    joined = out["orders"].join(segments, on="tenant_id", how="inner")
    assert joined.height == out["orders"].height
    legacy = (joined["source"] == "legacy_import").mean()
    assert close_enough(legacy, cohorts["legacy_import"].fraction), legacy
    premium = joined.filter(pl.col("plan") == "premium")
    assert premium.height and set(premium["source"]) == {"legacy_import"}
    counts = joined.group_by("tenant_id").len().get_column("len").to_list()
    assert _top_share(counts, joined.height) > 2 * 0.1  # skewed, not uniform
    assert _top_share(counts, joined.height) > spread.fraction / 2
    entry = manifest.traits["tenants"]["childless_parent=orders.tenant_id"]
    used = joined.get_column("tenant_id").unique().implode()
    assert entry.keys and not pl.Series(list(entry.keys)).is_in(used).any()
    assert close_enough(entry.rows / out["tenants"].height, 0.3)
