"""Profiling real SQLite, PostgreSQL and MariaDB databases, checked against Python.

Each test builds the same shop schema with the dialect's own DDL (enums or CHECK
lists, composite and self-referencing keys, reserved-word columns, a mixed-case
table, a second schema on the servers), fills it with seeded skewed data, profiles
it and compares the statistics with values computed here from the inserted rows.
Percentiles are nearest-rank: pNN is the value at 1-based rank ceil(NN * n / 100).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import uuid
import warnings
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

import synth
from synth import LogicalType, SemanticType, SourceError, SynthWarning, UsageError
from synth.model import QUANTILE_POINTS, Profile, Table
from synth.model.io import dump_profile, load_profile
from synth.profiler import database

UTC = dt.UTC
FIRST = ["Ann", "Bob", "Cleo", "Dev", "Eve", "Finn", "Gus", "Hana", "Ivo", "Jo"]
WORDS = ["order", "arrived", "late", "please", "refund", "thanks", "broken", "package", "again"]

# ----------------------------------------------------------------------------- data


def make_data(seed: int = 20240601) -> dict[str, list[dict[str, Any]]]:
    """Rows per table (the same for every dialect), with skew and NULLs."""
    r = random.Random(seed)

    def maybe(value: Any, null_share: float) -> Any:
        return None if r.random() < null_share else value

    def pick(values: list[Any], weights: list[int]) -> Any:
        return r.choices(values, weights)[0]

    accounts = [
        {"id": i, "plan": pick(["free", "pro", "enterprise"], [6, 3, 1])} for i in range(1, 21)
    ]
    zones = [UTC, dt.timezone(dt.timedelta(hours=2)), dt.timezone(dt.timedelta(hours=-5))]
    customers = []
    for i in range(1, 201):
        created = dt.datetime(2023, 1, 1, tzinfo=UTC) + dt.timedelta(
            seconds=r.randint(0, 365 * 86400)
        )
        customers.append({
            "id": i,
            "email": f"user{i:03d}@example.com",
            "full_name": maybe(f"{r.choice(FIRST)} Smith", 0.1),
            "status": maybe(pick(["active", "suspended", "closed"], [70, 20, 10]), 0.05),
            "country": maybe(pick(["US", "DE", "FR", "GB", "JP"], [50, 20, 15, 10, 5]), 0.1),
            "score": maybe(Decimal(r.randint(0, 100_000)) / 100, 0.2),
            "created_at": created.astimezone(r.choice(zones)),
            "signup_date": maybe(dt.date(2020, 1, 1) + dt.timedelta(days=r.randint(0, 1500)), 0.1),
            "external_id": str(uuid.UUID(int=r.getrandbits(128), version=4)),
            "ref": maybe(str(uuid.UUID(int=r.getrandbits(128), version=4)), 0.3),
            "contact": f"c{i}.{r.randint(1, 99)}@mail.test",
            "website": maybe(f"https://site{i}.example.org/shop", 0.5),
            "notes": maybe(" ".join(r.choice(WORDS) for _ in range(r.randint(8, 14))), 0.3),
            "prefs": maybe({"theme": r.choice(["dark", "light"])}, 0.4),
            "avatar": maybe(r.randbytes(8), 0.5),
            "is_vip": r.random() < 0.1,
            "location": None,
            "billing_account_id": maybe(r.randint(1, 20), 0.15),
        })  # fmt: skip
    employees = [
        {
            "id": i,
            "manager_id": None if i <= 3 else r.randint(1, i - 1),
            "name": f"{r.choice(FIRST)} Jones",
            "badge": f"B{i:04d}",
            "group": pick(["eng", "ops", "sales"], [5, 3, 2]),
        }
        for i in range(1, 31)
    ]
    orders, items = [], []
    for i in range(1, 401):
        orders.append({
            "id": i,
            "customer_id": maybe(r.randint(1, 200), 0.05),
            "order": r.randint(1, 20),
            "status": pick(["pending", "paid", "shipped", "cancelled"], [10, 50, 35, 5]),
            "placed_at": dt.datetime(2024, 1, 1) + dt.timedelta(minutes=r.randint(0, 200_000)),
            "total": Decimal(r.randint(100, 90_000)) / 100,
        })  # fmt: skip
        for line in range(1, r.randint(1, 3) + 1):
            items.append({
                "order_id": i,
                "line_no": line,
                "quantity": pick([1, 2, 3, 5, 10], [60, 20, 10, 7, 3]),
                "unit_price": Decimal(r.randint(50, 20_000)) / 100,
                # case and trailing-space variants: MariaDB's collation would merge them
                "group": maybe(pick(["a", "b", "A", "a "], [30, 10, 3, 2]), 0.2),
            })  # fmt: skip
    return {"accounts": accounts, "customers": customers, "employees": employees,
            "orders": orders, "OrderItems": items}  # fmt: skip


DATA = make_data()

# ----------------------------------------------------------------------------- DDL

PG_DDL = """
CREATE SCHEMA billing;
CREATE TABLE billing.accounts (id integer PRIMARY KEY, plan varchar(20) NOT NULL);
CREATE TYPE customer_status AS ENUM ('active', 'suspended', 'closed');
CREATE TABLE customers (
  id integer PRIMARY KEY, email varchar(120) NOT NULL UNIQUE, full_name varchar(80),
  status customer_status, country char(2), score numeric(12, 2),
  created_at timestamptz NOT NULL, signup_date date, external_id uuid NOT NULL, ref char(36),
  contact varchar(100), website text, notes text, prefs jsonb, avatar bytea,
  is_vip boolean NOT NULL, location point,
  billing_account_id integer REFERENCES billing.accounts (id));
CREATE UNIQUE INDEX customers_external_id ON customers (external_id);
CREATE TABLE employees (
  id integer PRIMARY KEY, manager_id integer REFERENCES employees (id),
  name varchar(60) NOT NULL, badge varchar(12) NOT NULL, "group" varchar(10) NOT NULL,
  CONSTRAINT employees_badge_key UNIQUE (badge));
CREATE TABLE orders (
  id integer PRIMARY KEY, customer_id integer REFERENCES customers (id),
  "order" integer NOT NULL,
  status varchar(20) NOT NULL CHECK (status IN ('pending', 'paid', 'shipped', 'cancelled')),
  placed_at timestamp NOT NULL, total numeric(12, 2) NOT NULL);
CREATE TABLE "OrderItems" (
  order_id integer NOT NULL REFERENCES orders (id), line_no smallint NOT NULL,
  quantity smallint NOT NULL, unit_price numeric(12, 2) NOT NULL, "group" varchar(10),
  PRIMARY KEY (order_id, line_no));
"""

MARIADB_DDL = """
CREATE TABLE `{billing}`.accounts (id INT PRIMARY KEY, plan VARCHAR(20) NOT NULL);
CREATE TABLE customers (
  id INT PRIMARY KEY, email VARCHAR(120) NOT NULL UNIQUE, full_name VARCHAR(80),
  status ENUM('active', 'suspended', 'closed'), country CHAR(2), score DECIMAL(12, 2),
  created_at DATETIME NOT NULL, signup_date DATE, external_id CHAR(36) NOT NULL, ref CHAR(36),
  contact VARCHAR(100), website TEXT, notes TEXT, prefs JSON, avatar BLOB,
  is_vip TINYINT(1) NOT NULL, location POINT, billing_account_id INT,
  FOREIGN KEY (billing_account_id) REFERENCES `{billing}`.accounts (id));
CREATE UNIQUE INDEX customers_external_id ON customers (external_id);
CREATE TABLE employees (
  id INT PRIMARY KEY, manager_id INT, name VARCHAR(60) NOT NULL, badge VARCHAR(12) NOT NULL,
  `group` VARCHAR(10) NOT NULL, CONSTRAINT employees_badge_key UNIQUE (badge),
  FOREIGN KEY (manager_id) REFERENCES employees (id));
CREATE TABLE orders (
  id INT PRIMARY KEY, customer_id INT, `order` INT NOT NULL,
  status VARCHAR(20) NOT NULL CHECK (status IN ('pending', 'paid', 'shipped', 'cancelled')),
  placed_at DATETIME NOT NULL, total DECIMAL(12, 2) NOT NULL,
  FOREIGN KEY (customer_id) REFERENCES customers (id));
CREATE TABLE `OrderItems` (
  order_id INT NOT NULL, line_no SMALLINT NOT NULL, quantity SMALLINT NOT NULL,
  unit_price DECIMAL(12, 2) NOT NULL, `group` VARCHAR(10), PRIMARY KEY (order_id, line_no),
  FOREIGN KEY (order_id) REFERENCES orders (id));
"""

SQLITE_DDL = """
CREATE TABLE customers (
  id INTEGER PRIMARY KEY, email VARCHAR(120) NOT NULL UNIQUE, full_name VARCHAR(80),
  status VARCHAR(10) CHECK (status IN ('active', 'suspended', 'closed')), country CHAR(2),
  score NUMERIC(12, 2), created_at DATETIME NOT NULL, signup_date DATE,
  external_id CHAR(36) NOT NULL, ref CHAR(36), contact VARCHAR(100), website TEXT, notes TEXT,
  prefs JSON, avatar BLOB, is_vip BOOLEAN NOT NULL, location);
CREATE UNIQUE INDEX customers_external_id ON customers (external_id);
CREATE TABLE employees (
  id INTEGER PRIMARY KEY, manager_id INTEGER REFERENCES employees (id),
  name VARCHAR(60) NOT NULL, badge VARCHAR(12) NOT NULL UNIQUE, "group" VARCHAR(10) NOT NULL);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY, customer_id INTEGER REFERENCES customers (id),
  "order" INTEGER NOT NULL,
  status VARCHAR(20) NOT NULL CHECK (status IN ('pending', 'paid', 'shipped', 'cancelled')),
  placed_at DATETIME NOT NULL, total NUMERIC(12, 2) NOT NULL);
CREATE TABLE "OrderItems" (
  order_id INTEGER NOT NULL REFERENCES orders (id), line_no SMALLINT NOT NULL,
  quantity SMALLINT NOT NULL, unit_price NUMERIC(12, 2) NOT NULL, "group" VARCHAR(10),
  PRIMARY KEY (order_id, line_no));
"""


@dataclass
class Shop:
    """A built shop database."""

    url: str
    dialect: str  # sqlite | postgresql | mariadb
    billing_key: str | None  # the key of the second-schema accounts table

    @property
    def zoned(self) -> bool:
        return self.dialect == "postgresql"


def _adapt(value: Any, dialect: str) -> Any:
    if isinstance(value, dict):
        return json.dumps(value)
    if dialect == "postgresql":
        return value
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    if dialect == "sqlite":
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, dt.datetime | dt.date):
            return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return value


def _insert(conn: sa.Connection, table: str, rows: list[dict[str, Any]], dialect: str,
            schema: str | None = None) -> None:  # fmt: skip
    q = conn.dialect.identifier_preparer.quote
    cols = [c for c in rows[0] if not (dialect == "sqlite" and c == "billing_account_id")]
    target = f"{q(schema)}.{q(table)}" if schema else q(table)
    params = ", ".join(f":p{i}" for i in range(len(cols)))
    stmt = sa.text(f"INSERT INTO {target} ({', '.join(q(c) for c in cols)}) VALUES ({params})")
    conn.execute(
        stmt, [{f"p{i}": _adapt(row[c], dialect) for i, c in enumerate(cols)} for row in rows]
    )


def _run_ddl(conn: sa.Connection, ddl: str) -> None:
    for statement in ddl.split(";"):
        if statement.strip():
            conn.exec_driver_sql(statement)


def _fill(conn: sa.Connection, dialect: str, billing: str | None) -> None:
    if billing:
        _insert(conn, "accounts", DATA["accounts"], dialect, schema=billing)
    for table in ("customers", "employees", "orders", "OrderItems"):
        _insert(conn, table, DATA[table], dialect)


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
        pytest.param("mariadb", id="mariadb", marks=pytest.mark.mysql),
    ]
)
def shop(request: pytest.FixtureRequest) -> Iterator[Shop]:
    dialect = request.param
    if dialect == "sqlite":
        url = request.getfixturevalue("sqlite_url")
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            _run_ddl(conn, SQLITE_DDL)
            _fill(conn, dialect, None)
        engine.dispose()
        yield Shop(url, dialect, None)
    elif dialect == "postgresql":
        url = request.getfixturevalue("postgres_url")
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            _run_ddl(conn, PG_DDL)
            _fill(conn, dialect, "billing")
        engine.dispose()
        yield Shop(url, dialect, "billing.accounts")
    else:
        url = request.getfixturevalue("mysql_url")
        billing = f"{make_url(url).database}_billing"
        engine = sa.create_engine(url)
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql(f"CREATE DATABASE `{billing}`")
                _run_ddl(conn, MARIADB_DDL.format(billing=billing))
                _fill(conn, dialect, billing)
            yield Shop(url, dialect, f"{billing}.accounts")
        finally:
            with engine.begin() as conn:  # the main database still references it
                conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 0")
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{billing}`")
            engine.dispose()


def _profile(shop: Shop, **kwargs: Any) -> Profile:
    if shop.dialect == "mariadb":  # a spatial type synth generates: no warning
        return synth.profile(shop.url, **kwargs)
    with pytest.warns(SynthWarning, match=r"customers\.location"):  # PostgreSQL's point
        return synth.profile(shop.url, **kwargs)


# ----------------------------------------------------------------------------- expectations


def canon(value: Any, zoned: bool) -> Any:
    """A Python value as the profile should store it (independent of synth's code)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
            value = value if zoned else value.replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def nearest_rank_points(values: list[Any]) -> dict[str, Any]:
    ordered = sorted(values)
    n = len(ordered)
    points = {"min": ordered[0], "max": ordered[-1]}
    for name, q in QUANTILE_POINTS:
        points[name] = ordered[max(1, math.ceil(n * round(q * 100) / 100)) - 1]
    return points


def _table_rows(shop: Shop, key: str) -> list[dict[str, Any]]:
    return DATA["accounts"] if key == shop.billing_key else DATA[key]


QUANTILE_TYPES = {LogicalType.INTEGER, LogicalType.FLOAT, LogicalType.DECIMAL,
                  LogicalType.DATE, LogicalType.DATETIME}  # fmt: skip
PERSONAL = {SemanticType.EMAIL, SemanticType.NAME, SemanticType.FREE_TEXT}


def check_column_stats(table: Table, rows: list[dict[str, Any]], zoned: bool) -> None:
    """Every statistic of every column against the inserted rows."""
    total = len(rows)
    assert table.rows == total
    for col in table.columns:
        where = f"{table.key}.{col.name}"
        raw = [row[col.name] for row in rows]
        values = [canon(v, zoned and col.timezone) for v in raw if v is not None]
        s = col.stats
        assert s.null_fraction == round((total - len(values)) / total, 6), where
        if col.type in (LogicalType.JSON, LogicalType.OPAQUE, LogicalType.GEOMETRY):
            assert s.distinct is None and s.values is None and not s.frequent, where
            continue
        hashable = [json.dumps(v) if isinstance(v, dict) else v for v in values]
        assert s.distinct == len(set(hashable)), where
        if col.type in QUANTILE_TYPES and values:
            assert s.values is not None, where
            assert s.values.model_dump() == nearest_rank_points(values), where
        if col.type is LogicalType.STRING and values:
            assert s.lengths is not None, where
            assert s.lengths.model_dump() == nearest_rank_points([len(v) for v in values]), where
        low = len(set(values)) <= 50 and len(set(values)) <= 0.5 * len(values)
        expect_frequent = (
            values
            and col.type not in (LogicalType.BINARY,)
            and col.semantic not in PERSONAL
            and (low or col.type is LogicalType.BOOLEAN or col.domain is not None)
        )
        if expect_frequent:
            counts = sorted(Counter(values).items(), key=lambda kv: (-kv[1], kv[0]))
            got = [(f.value, f.fraction) for f in s.frequent]
            assert got == [(v, round(c / total, 6)) for v, c in counts], where
        else:
            assert s.frequent == (), where


# ----------------------------------------------------------------------------- tests


def test_statistics_match_the_inserted_rows(shop: Shop) -> None:
    profile = _profile(shop, min_count=1)  # the raw statistics; privacy: test_privacy.py
    expected_keys = {"customers", "employees", "orders", "OrderItems"}
    if shop.billing_key:
        expected_keys.add(shop.billing_key)
    assert {t.key for t in profile.tables} == expected_keys
    assert [t.key for t in profile.tables] == sorted(expected_keys)
    for table in profile.tables:
        check_column_stats(table, _table_rows(shop, table.key), shop.zoned)

    customers = profile.table("customers")
    status = customers.column("status").stats
    assert [f.value for f in status.frequent] == ["active", "suspended", "closed"]
    assert customers.column("full_name").stats.frequent == ()  # low cardinality but personal
    assert customers.column("country").stats.frequent[0].value == "US"
    vip = customers.column("is_vip").stats.frequent
    assert {f.value for f in vip} == {True, False} and all(isinstance(f.value, bool) for f in vip)
    created = customers.column("created_at").stats.values
    assert created is not None and isinstance(created.p50, str)
    if shop.zoned:
        assert str(created.min).endswith("+00:00")
    orders = profile.table("orders")
    assert orders.column("order").stats.values is not None
    assert {f.value for f in orders.column("status").stats.frequent} <= {
        "pending", "paid", "shipped", "cancelled"}  # fmt: skip


def test_schema_is_reflected(shop: Shop) -> None:
    profile = _profile(shop)
    source = profile.source
    assert source.kind == "database" and source.dialect == shop.dialect
    assert source.as_of.tzinfo is not None
    assert profile.synth_version == synth.__version__

    customers = profile.table("customers")
    types = {c.name: c.type for c in customers.columns}
    L = LogicalType
    assert types == {
        "id": L.INTEGER, "email": L.STRING, "full_name": L.STRING, "status": L.STRING,
        "country": L.STRING, "score": L.DECIMAL, "created_at": L.DATETIME, "signup_date": L.DATE,
        "external_id": L.UUID if shop.dialect == "postgresql" else L.STRING, "ref": L.STRING,
        "contact": L.STRING, "website": L.STRING, "notes": L.STRING, "prefs": L.JSON,
        "avatar": L.BINARY, "is_vip": L.BOOLEAN,
        "location": L.GEOMETRY if shop.dialect == "mariadb" else L.OPAQUE,
        **({"billing_account_id": L.INTEGER} if shop.billing_key else {}),
    }  # fmt: skip
    assert [c.name for c in customers.columns][:3] == ["id", "email", "full_name"]
    email = customers.column("email")
    assert (email.sql_type, email.length, email.nullable) == ("VARCHAR(120)", 120, False)
    score = customers.column("score")
    assert (score.precision, score.scale) == (12, 2)
    assert score.sql_type in ("NUMERIC(12, 2)", "DECIMAL(12, 2)")
    created = customers.column("created_at")
    assert created.timezone is (shop.dialect == "postgresql")
    if shop.dialect == "postgresql":
        assert created.sql_type == "TIMESTAMP WITH TIME ZONE"
    status = customers.column("status")
    assert status.domain == ("active", "suspended", "closed")
    assert status.enum_name == ("customer_status" if shop.dialect == "postgresql" else None)
    assert customers.primary_key == ("id",)
    assert set(customers.unique) == {("email",), ("external_id",)}
    semantics = {c.name: c.semantic for c in customers.columns if c.semantic}
    S = SemanticType
    assert semantics == {
        "email": S.EMAIL, "full_name": S.NAME, "country": S.COUNTRY, "website": S.URL,
        "contact": S.EMAIL, "ref": S.UUID, "notes": S.FREE_TEXT,
        **({"external_id": S.UUID} if shop.dialect != "postgresql" else {}),
    }  # fmt: skip
    if shop.billing_key:
        fk = customers.foreign_keys[0]
        assert (fk.columns, fk.ref_table, fk.ref_columns) == (
            ("billing_account_id",), shop.billing_key, ("id",))  # fmt: skip
        assert profile.table(shop.billing_key).schema_ == shop.billing_key.split(".")[0]

    employees = profile.table("employees")
    assert [(f.columns, f.ref_table, f.ref_columns) for f in employees.foreign_keys] == [
        (("manager_id",), "employees", ("id",))]  # fmt: skip
    assert employees.unique == (("badge",),)
    assert employees.column("manager_id").nullable
    assert employees.column("group").stats.frequent  # a reserved word as a column name

    orders = profile.table("orders")
    assert orders.column("status").domain == ("pending", "paid", "shipped", "cancelled")
    assert [(f.columns, f.ref_table) for f in orders.foreign_keys] == [
        (("customer_id",), "customers")
    ]

    items = profile.table("OrderItems")
    assert items.primary_key == ("order_id", "line_no")
    assert items.column("quantity").size == 2
    assert items.foreign_keys[0].ref_table == "orders"


def test_profile_yaml_round_trips(shop: Shop) -> None:
    profile = _profile(shop)
    text = dump_profile(profile)
    assert load_profile(text) == profile
    assert dump_profile(load_profile(text)) == text


def test_statistics_queries_stay_within_the_documented_bound(shop: Shop) -> None:
    """docs/profiling.md: per table, 1 aggregate query, 1 percentile query (on PostgreSQL
    the k-th extremes only, see docs/privacy.md), 1 frequent-value query for all its
    low-cardinality columns, and each table trait's own queries (its ``max_queries``);
    reflection at most 12 statements per table plus 10."""
    from synth.traits import table_traits

    engine = database._connect(shop.url)
    statements: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    try:
        with warnings.catch_warnings():  # PostgreSQL's point is opaque (a warning)
            warnings.simplefilter("ignore", SynthWarning)
            profile = database.profile_engine(engine)
    finally:
        engine.dispose()
    stats = [s for s in statements if s.lstrip().startswith(f"SELECT {database.STATS_TAG}")]
    percentile_queries = 1  # PostgreSQL: the k-th extremes only (percentiles are aggregates)
    bound = sum(
        1
        + percentile_queries
        + (1 if any(c.stats.frequent or c.stats.other for c in t.columns) else 0)
        + sum(trait.max_queries(t) for trait in table_traits())
        for t in profile.tables
    )
    assert 0 < len(stats) <= bound
    assert len(statements) - len(stats) <= 12 * len(profile.tables) + 10


def test_session_is_read_only(shop: Shop) -> None:
    engine = database._connect(shop.url)
    try:
        with engine.connect() as conn, pytest.raises(sa.exc.DBAPIError):
            conn.exec_driver_sql("CREATE TABLE synth_write_probe (id INTEGER)")
    finally:
        engine.dispose()


def test_tables_and_exclude_select_by_name_and_pattern(shop: Shop) -> None:
    profile = _profile(shop, tables=["cust*", "OrderItems"])
    assert [t.key for t in profile.tables] == ["OrderItems", "customers"]  # no automatic parents
    profile = synth.profile(shop.url, tables="orders")
    assert [t.key for t in profile.tables] == ["orders"]
    profile = _profile(shop, exclude=["Order*", "emp*"])
    assert {t.key for t in profile.tables} == {"customers", "orders"} | (
        {shop.billing_key} if shop.billing_key else set())  # fmt: skip
    if shop.billing_key:  # the parent in the other schema is included unless excluded
        profile = _profile(shop, exclude=[shop.billing_key.split(".")[0] + ".*"])
        assert shop.billing_key not in {t.key for t in profile.tables}
        assert profile.table("customers").foreign_keys[0].ref_table == shop.billing_key
    with pytest.raises(UsageError, match=r"'nope'.*available: OrderItems, customers"):
        synth.profile(shop.url, tables=["customers", "nope"])


@pytest.mark.parametrize("how", ["schema", "qualified"])
def test_second_schema_by_schema_or_qualified_name(shop: Shop, how: str) -> None:
    if not shop.billing_key:
        pytest.skip("SQLite has no second schema here")
    schema = shop.billing_key.split(".")[0]
    if how == "schema":
        profile = synth.profile(shop.url, schema=schema, min_count=1)
        assert [(t.key, t.schema_) for t in profile.tables] == [("accounts", None)]
    else:
        profile = synth.profile(shop.url, tables=[f"{schema}.acc*"], min_count=1)
        assert [(t.key, t.schema_) for t in profile.tables] == [(shop.billing_key, schema)]
    check_column_stats(profile.tables[0], DATA["accounts"], zoned=False)
    with pytest.raises(UsageError, match=r"schema='no_such_schema' does not exist"):
        synth.profile(shop.url, schema="no_such_schema")


# ----------------------------------------------------------------------------- errors

SECRET = "hunter2xyz"


def _server(url: str, **changes: Any) -> str:
    return make_url(url).set(**changes).render_as_string(hide_password=False)


def _assert_masked(exc: pytest.ExceptionInfo[SourceError]) -> None:
    message = str(exc.value)
    assert SECRET not in message and "***" in message and "\n" not in message


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(f"postgresql://synth:{SECRET}@127.0.0.1:1/shop", id="postgresql"),
        pytest.param(f"mysql://synth:{SECRET}@127.0.0.1:1/shop", id="mariadb"),
    ],
)
def test_unreachable_server_is_a_source_error(url: str) -> None:
    with pytest.raises(SourceError, match=r"cannot connect to .*:1/shop: .*check the host") as exc:
        synth.profile(url)
    _assert_masked(exc)


@pytest.mark.postgres
def test_wrong_credentials_and_database_on_postgresql(postgres_url: str) -> None:
    with pytest.raises(SourceError, match=r"check the user and password") as exc:
        synth.profile(_server(postgres_url, username="synth_nobody", password=SECRET))
    _assert_masked(exc)
    with pytest.raises(SourceError, match=r"check the database name") as exc:
        synth.profile(_server(postgres_url, password=SECRET, database="synth_no_such_db"))
    _assert_masked(exc)


@pytest.mark.mysql
def test_wrong_credentials_and_database_on_mariadb(mysql_url: str) -> None:
    with pytest.raises(SourceError, match=r"check the user and password") as exc:
        synth.profile(_server(mysql_url, username="synth_nobody", password=SECRET))
    _assert_masked(exc)
    with pytest.raises(SourceError, match=r"check the database name"):
        synth.profile(_server(mysql_url, database="synth_no_such_db"))


def test_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "missing.db"
    with pytest.raises(SourceError, match=r"missing\.db' does not exist"):
        synth.profile(f"sqlite:///{path}")
    assert not path.exists()


@pytest.mark.parametrize(
    ("url", "match"),
    [
        pytest.param(
            f"postgresql://u:{SECRET}@host:notaport/db", "not a database URL", id="bad-url"
        ),
        pytest.param(f"nosuchdb://u:{SECRET}@host/db", "no dialect or driver", id="no-dialect"),
        pytest.param(
            f"mysql+mysqldb://u:{SECRET}@host/db",
            r"driver 'MySQLdb' is not installed",
            id="missing-driver",
        ),
    ],
)
def test_bad_url_or_driver_is_a_source_error(url: str, match: str) -> None:
    with pytest.raises(SourceError, match=match) as exc:
        synth.profile(url)
    _assert_masked(exc)
