"""Generated fixtures satisfy a real schema's constraints on PostgreSQL and SQLite.

The schema has a composite primary key, a self-referencing FK, unique constraints,
a nullable FK, a CHECK IN-list and (PostgreSQL) an enum, numeric(12,2), timestamptz,
uuid, json/jsonb, bytea/blob, a reserved-word column ``order`` and a mixed-case
table name. The profile is written by hand to match it; the Parquet files are read
back and inserted with ``executemany`` in manifest (foreign-key) order. The insert
must succeed: every PK/unique/FK/NOT NULL/CHECK/length/precision constraint holds.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import sqlalchemy as sa

import synth
from synth.model import (
    Column,
    ColumnStats,
    Distribution,
    ForeignKey,
    Profile,
    Source,
    Table,
    ValueFrequency,
)

ROWS = 1500

POSTGRES_DDL = [
    "CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled')",
    """CREATE TABLE "Customers" (
        id integer PRIMARY KEY,
        email varchar(40) NOT NULL UNIQUE,
        full_name varchar(24),
        plan varchar(10) NOT NULL CHECK (plan IN ('free', 'pro', 'enterprise')),
        balance numeric(12, 2),
        created_at timestamptz NOT NULL,
        external_id uuid UNIQUE,
        settings jsonb,
        avatar bytea,
        "order" integer,
        code char(6) NOT NULL UNIQUE
    )""",
    """CREATE TABLE employees (
        id integer PRIMARY KEY,
        name varchar(30) NOT NULL,
        manager_id integer REFERENCES employees (id),
        hired_on date,
        shift_start time
    )""",
    """CREATE TABLE orders (
        id bigint PRIMARY KEY,
        customer_id integer REFERENCES "Customers" (id),
        status order_status NOT NULL,
        total numeric(12, 2) NOT NULL,
        placed_at timestamptz,
        handled_by integer NOT NULL REFERENCES employees (id),
        note text,
        payload json
    )""",
    """CREATE TABLE order_items (
        order_id bigint NOT NULL REFERENCES orders (id),
        line_no smallint NOT NULL,
        sku varchar(12) NOT NULL,
        qty integer NOT NULL CHECK (qty > 0),
        unit_price numeric(10, 2),
        gift boolean NOT NULL,
        PRIMARY KEY (order_id, line_no)
    )""",
]

# SQLite does not enforce declared lengths; CHECKs make it do so.
SQLITE_DDL = [
    """CREATE TABLE "Customers" (
        id INTEGER PRIMARY KEY,
        email VARCHAR(40) NOT NULL UNIQUE CHECK (length(email) <= 40),
        full_name VARCHAR(24) CHECK (length(full_name) <= 24),
        plan VARCHAR(10) NOT NULL CHECK (plan IN ('free', 'pro', 'enterprise')),
        balance NUMERIC(12, 2) CHECK (abs(balance) < 1e10),
        created_at TIMESTAMP NOT NULL,
        external_id CHAR(36) UNIQUE CHECK (length(external_id) = 36),
        settings JSON CHECK (settings IS NULL OR json_valid(settings)),
        avatar BLOB,
        "order" INTEGER,
        code CHAR(6) NOT NULL UNIQUE CHECK (length(code) <= 6)
    )""",
    """CREATE TABLE employees (
        id INTEGER PRIMARY KEY,
        name VARCHAR(30) NOT NULL CHECK (length(name) <= 30),
        manager_id INTEGER REFERENCES employees (id),
        hired_on DATE,
        shift_start TIME
    )""",
    """CREATE TABLE orders (
        id BIGINT PRIMARY KEY,
        customer_id INTEGER REFERENCES "Customers" (id),
        status TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'shipped', 'cancelled')),
        total NUMERIC(12, 2) NOT NULL,
        placed_at TIMESTAMP,
        handled_by INTEGER NOT NULL REFERENCES employees (id),
        note TEXT,
        payload JSON CHECK (payload IS NULL OR json_valid(payload))
    )""",
    """CREATE TABLE order_items (
        order_id BIGINT NOT NULL REFERENCES orders (id),
        line_no SMALLINT NOT NULL,
        sku VARCHAR(12) NOT NULL CHECK (length(sku) <= 12),
        qty INTEGER NOT NULL CHECK (qty > 0),
        unit_price NUMERIC(10, 2),
        gift BOOLEAN NOT NULL,
        PRIMARY KEY (order_id, line_no)
    )""",
]


def _col(name: str, type_: str, sql: str, **kw: object) -> Column:
    return Column(name=name, type=type_, sql_type=sql, **kw)


def _dist(**kw: object) -> Distribution:
    return Distribution(**kw)


def shop_profile() -> Profile:
    """A hand-written profile of the schema above, with realistic statistics."""
    freq = ValueFrequency
    customers = Table(
        name="Customers",
        rows=3000,
        primary_key=("id",),
        unique=(("email",), ("external_id",), ("code",)),
        columns=(
            _col(
                "id",
                "integer",
                "INTEGER",
                nullable=False,
                size=4,
                stats=ColumnStats(distinct=3000, values=_dist(min=1, p50=1500, max=3000)),
            ),
            _col(
                "email",
                "string",
                "VARCHAR(40)",
                nullable=False,
                length=40,
                semantic="email",
                stats=ColumnStats(distinct=3000, lengths=_dist(min=12, p50=24, max=40)),
            ),
            _col(
                "full_name",
                "string",
                "VARCHAR(24)",
                length=24,
                semantic="name",
                stats=ColumnStats(null_fraction=0.04, lengths=_dist(min=6, p50=13, max=24)),
            ),
            _col(
                "plan",
                "string",
                "VARCHAR(10)",
                nullable=False,
                length=10,
                domain=("free", "pro", "enterprise"),
                stats=ColumnStats(
                    distinct=3,
                    frequent=(freq(value="free", fraction=0.7), freq(value="pro", fraction=0.25)),
                ),
            ),
            _col(
                "balance",
                "decimal",
                "NUMERIC(12, 2)",
                precision=12,
                scale=2,
                stats=ColumnStats(
                    null_fraction=0.1,
                    values=_dist(min=-250.0, p10=0.0, p50=42.5, p90=900.0, max=9_999_999_999.99),
                ),
            ),
            _col(
                "created_at",
                "datetime",
                "TIMESTAMP WITH TIME ZONE",
                nullable=False,
                timezone=True,
                stats=ColumnStats(
                    values=_dist(
                        min="2018-03-01T09:00:00+00:00",
                        p50="2022-06-01T00:00:00+00:00",
                        max="2024-05-31T23:59:59+00:00",
                    )
                ),
            ),
            _col("external_id", "uuid", "UUID", stats=ColumnStats(null_fraction=0.2)),
            _col("settings", "json", "JSONB", stats=ColumnStats(null_fraction=0.5)),
            _col(
                "avatar",
                "binary",
                "BYTEA",
                stats=ColumnStats(null_fraction=0.6, lengths=_dist(min=16, p50=256, max=2048)),
            ),
            _col(
                "order",
                "integer",
                "INTEGER",
                size=4,
                stats=ColumnStats(null_fraction=0.3, distinct=5, values=_dist(min=1, max=5)),
            ),
            _col(
                "code",
                "string",
                "CHAR(6)",
                nullable=False,
                length=6,
                stats=ColumnStats(distinct=3000, lengths=_dist(min=6, max=6)),
            ),
        ),
    )
    employees = Table(
        name="employees",
        rows=60,
        primary_key=("id",),
        foreign_keys=(
            ForeignKey(columns=("manager_id",), ref_table="employees", ref_columns=("id",)),
        ),
        columns=(
            _col(
                "id",
                "integer",
                "INTEGER",
                nullable=False,
                size=4,
                stats=ColumnStats(values=_dist(min=100, max=160)),
            ),
            _col("name", "string", "VARCHAR(30)", nullable=False, length=30, semantic="name"),
            _col("manager_id", "integer", "INTEGER", size=4, stats=ColumnStats(null_fraction=0.05)),
            _col(
                "hired_on",
                "date",
                "DATE",
                stats=ColumnStats(
                    values=_dist(min="2015-01-05", p50="2020-02-01", max="2024-05-01")
                ),
            ),
            _col(
                "shift_start",
                "time",
                "TIME",
                stats=ColumnStats(
                    null_fraction=0.1, values=_dist(min="06:00:00", p50="09:00:00", max="22:00:00")
                ),
            ),
        ),
    )
    orders = Table(
        name="orders",
        rows=10_000,
        primary_key=("id",),
        foreign_keys=(
            ForeignKey(columns=("customer_id",), ref_table="Customers", ref_columns=("id",)),
            ForeignKey(columns=("handled_by",), ref_table="employees", ref_columns=("id",)),
        ),
        columns=(
            _col(
                "id",
                "integer",
                "BIGINT",
                nullable=False,
                size=8,
                stats=ColumnStats(values=_dist(min=10_000, max=20_000)),
            ),
            _col(
                "customer_id", "integer", "INTEGER", size=4, stats=ColumnStats(null_fraction=0.08)
            ),
            _col(
                "status",
                "string",
                "order_status",
                nullable=False,
                domain=("pending", "paid", "shipped", "cancelled"),
                enum_name="order_status",
                stats=ColumnStats(
                    frequent=(freq(value="shipped", fraction=0.6), freq(value="paid", fraction=0.3))
                ),
            ),
            _col(
                "total",
                "decimal",
                "NUMERIC(12, 2)",
                nullable=False,
                precision=12,
                scale=2,
                stats=ColumnStats(values=_dist(min=0.99, p50=59.0, p99=2500.0, max=99_999_999.99)),
            ),
            _col(
                "placed_at",
                "datetime",
                "TIMESTAMP WITH TIME ZONE",
                timezone=True,
                stats=ColumnStats(
                    null_fraction=0.02,
                    values=_dist(min="2018-03-02T00:00:00Z", max="2024-06-01T00:00:00Z"),
                ),
            ),
            _col("handled_by", "integer", "INTEGER", nullable=False, size=4),
            _col(
                "note",
                "string",
                "TEXT",
                stats=ColumnStats(
                    null_fraction=0.7,
                    frequent=(freq(value="", fraction=0.1),),
                    lengths=_dist(min=0, p50=30, max=400),
                ),
            ),
            _col("payload", "json", "JSON", stats=ColumnStats(null_fraction=0.2)),
        ),
    )
    items = Table(
        name="order_items",
        rows=25_000,
        primary_key=("order_id", "line_no"),
        foreign_keys=(ForeignKey(columns=("order_id",), ref_table="orders", ref_columns=("id",)),),
        columns=(
            _col("order_id", "integer", "BIGINT", nullable=False, size=8),
            _col(
                "line_no",
                "integer",
                "SMALLINT",
                nullable=False,
                size=2,
                stats=ColumnStats(values=_dist(min=1, p50=2, max=12)),
            ),
            _col(
                "sku",
                "string",
                "VARCHAR(12)",
                nullable=False,
                length=12,
                stats=ColumnStats(distinct=800, lengths=_dist(min=8, max=12)),
            ),
            _col(
                "qty",
                "integer",
                "INTEGER",
                nullable=False,
                size=4,
                stats=ColumnStats(values=_dist(min=1, p50=1, p90=4, max=50)),
            ),
            _col(
                "unit_price",
                "decimal",
                "NUMERIC(10, 2)",
                precision=10,
                scale=2,
                stats=ColumnStats(
                    null_fraction=0.01, values=_dist(min=0.5, p50=19.99, max=99_999_999.99)
                ),
            ),
            _col(
                "gift",
                "boolean",
                "BOOLEAN",
                nullable=False,
                stats=ColumnStats(
                    frequent=(freq(value=False, fraction=0.9), freq(value=True, fraction=0.1))
                ),
            ),
        ),
    )
    source = Source(
        kind="database",
        url="postgresql://shop",
        dialect="postgresql",
        as_of=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
    )
    return Profile(
        kind="synth-profile",
        version=1,
        synth_version=synth.__version__,
        source=source,
        tables=(customers, employees, orders, items),
    )


def _sqlite_value(value: object) -> object:
    """The stdlib sqlite3 driver binds no Decimal/datetime: pass their SQL text."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat(sep=" ") if isinstance(value, dt.datetime) else value.isoformat()
    return value


def _insert_all(url: str, ddl: list[str], fixtures: dict, order: list[str]) -> dict[str, int]:
    engine = sa.create_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        sa.event.listen(engine, "connect", lambda conn, _: conn.execute("PRAGMA foreign_keys=ON"))
    quote = engine.dialect.identifier_preparer.quote
    try:
        with engine.begin() as conn:
            for statement in ddl:
                conn.execute(sa.text(statement))
            for key in order:
                frame = fixtures[key]
                names = frame.columns
                sql = (
                    f"INSERT INTO {quote(key)} ({', '.join(quote(n) for n in names)}) "
                    f"VALUES ({', '.join(f':p{i}' for i in range(len(names)))})"
                )
                rows = [
                    {f"p{i}": _sqlite_value(v) if sqlite else v for i, v in enumerate(row)}
                    for row in frame.iter_rows()
                ]
                conn.execute(sa.text(sql), rows)
        with engine.connect() as conn:
            return {
                key: conn.execute(sa.text(f"SELECT count(*) FROM {quote(key)}")).scalar_one()
                for key in order
            }
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "dialect", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_generated_fixtures_insert_into_the_real_schema(dialect, request, tmp_path):
    url = request.getfixturevalue("sqlite_url" if dialect == "sqlite" else "postgres_url")
    ddl = SQLITE_DDL if dialect == "sqlite" else POSTGRES_DDL
    manifest = synth.write(shop_profile(), tmp_path / "fixtures", rows=ROWS, seed=11)
    order = list(manifest.tables)
    assert order.index("Customers") < order.index("orders") < order.index("order_items")
    assert order.index("employees") < order.index("orders")

    fixtures = synth.load(tmp_path / "fixtures")
    counts = _insert_all(url, ddl, fixtures, order)

    assert counts == {key: out.rows for key, out in manifest.tables.items()}
    assert counts["order_items"] == ROWS
    # the shapes that make the constraints hard are present, not avoided
    customers, employees = fixtures["Customers"], fixtures["employees"]
    assert customers["external_id"].null_count() > 0
    assert fixtures["orders"]["customer_id"].null_count() > 0
    assert employees["manager_id"].drop_nulls().len() > 0
    assert fixtures["order_items"]["line_no"].max() > 1
