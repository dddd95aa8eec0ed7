"""What profiling costs: ``synth profile`` vs one full-scan aggregate of the same table.

Run by hand (not a test):

    .venv/bin/python benchmarks/profile.py [--rows N] [--dialect postgresql,mariadb,sqlite]

Builds (once; reused while its row count matches) the table of issue 16 in a database named
``synth_bench_profile``: ``orders``, N rows (default 10,000,000; SQLite 1,000,000) of 10
mixed columns besides its key (an int, an FK to ``customers``, a low-cardinality text with
a rare legacy value, a nullable text, an email-like text, a timestamptz with stale rows, a
numeric, a boolean, a small jsonb, a tenant id), a child ``order_items`` of N/5 rows and a
parent ``customers`` of N/100 rows. Every row is made by the server (``generate_series``,
MariaDB's sequence engine, a recursive CTE on SQLite), never in Python.

Then, per dialect: the time of one full-scan aggregate query over every column of
``orders`` (``count(*)``, ``count(col)``, min/max), and of ``synth profile`` with default
options and with ``--sample 1``: the ratio of each to the scan, the statements synth sent
(statistics queries, tagged ``/* synth:profile */``, and all) and, per table, the
sequential scans it caused (PostgreSQL: ``pg_stat_user_tables.seq_scan`` before/after, a
parallel scan counts once per participating process; MariaDB: rows read by table scans,
``Handler_read_rnd_next``, in table-sized units, all tables together; SQLite: not
counted), and the seconds spent in the text-format statistic (its sample query and the
masks) with their share of the profile.
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

import synth
from synth.errors import SynthError
from synth.profiler import database

NAME = "synth_bench_profile"
PG_ADMIN = os.environ.get("SYNTH_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")
MY_ADMIN = os.environ.get("SYNTH_BENCH_MARIADB", "mysql+pymysql://root@127.0.0.1:3306")
SQLITE_PATH = Path(os.environ.get("SYNTH_BENCH_SQLITE_DIR", "/tmp")) / f"{NAME}.sqlite"
TABLES = ("customers", "orders", "order_items")

# --- building -------------------------------------------------------------------------

PG_BUILD = """
DROP TABLE IF EXISTS order_items, orders, customers;
CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL);
INSERT INTO customers SELECT g, 'customer ' || g FROM generate_series(1, {customers}) g;
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id int REFERENCES customers(id),
  quantity int NOT NULL,
  status text NOT NULL,
  note text,
  email text,
  created_at timestamptz NOT NULL,
  amount numeric(12, 2),
  is_paid boolean NOT NULL,
  attrs jsonb,
  tenant_id int NOT NULL
);
INSERT INTO orders SELECT
  g,
  1 + (g * 7919) % {customers},
  1 + (g * 31) % 20,
  CASE WHEN g % 100000 = 7 THEN 'premium'
       ELSE (ARRAY['paid', 'pending', 'shipped', 'cancelled', 'refunded'])[1 + g % 5] END,
  CASE WHEN g % 3 = 0 THEN NULL ELSE 'note ' || (g % 977) END,
  'user' || (g * 13 % 1000003) || '@example' || (g % 50) || '.com',
  timestamptz '2025-06-01 00:00:00+00' - ((g * 7 % 1000) || ' days')::interval
    - ((g % 86400) || ' seconds')::interval,
  ((g * 37) % 100000) / 100.0,
  g % 4 <> 0,
  CASE WHEN g % 10 = 0 THEN NULL ELSE jsonb_build_object('v', g % 7, 'k', 'x') END,
  1 + g % 12
FROM generate_series(1::bigint, {rows}) g;
CREATE TABLE order_items (
  id bigint PRIMARY KEY,
  order_id bigint NOT NULL REFERENCES orders(id),
  sku text NOT NULL,
  qty int NOT NULL
);
INSERT INTO order_items SELECT g, 1 + (g * 104729) % {rows}, 'SKU-' || (g % 5000), 1 + g % 9
FROM generate_series(1::bigint, {items}) g;
VACUUM ANALYZE customers;
VACUUM ANALYZE orders;
VACUUM ANALYZE order_items;
"""

MY_BUILD = """
SET SESSION max_statement_time = 0;
DROP TABLE IF EXISTS order_items, orders, customers;
CREATE TABLE customers (id int PRIMARY KEY, name varchar(40) NOT NULL);
INSERT INTO customers SELECT seq, CONCAT('customer ', seq) FROM seq_1_to_{customers};
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id int,
  quantity int NOT NULL,
  status varchar(20) NOT NULL,
  note varchar(40),
  email varchar(80),
  created_at timestamp(6) NOT NULL,
  amount decimal(12, 2),
  is_paid boolean NOT NULL,
  attrs json,
  tenant_id int NOT NULL,
  CONSTRAINT orders_customer FOREIGN KEY (customer_id) REFERENCES customers(id)
);
SET foreign_key_checks = 0;
INSERT INTO orders SELECT
  seq,
  1 + (seq * 7919) % {customers},
  1 + (seq * 31) % 20,
  CASE WHEN seq % 100000 = 7 THEN 'premium'
       ELSE ELT(1 + seq % 5, 'paid', 'pending', 'shipped', 'cancelled', 'refunded') END,
  CASE WHEN seq % 3 = 0 THEN NULL ELSE CONCAT('note ', seq % 977) END,
  CONCAT('user', seq * 13 % 1000003, '@example', seq % 50, '.com'),
  TIMESTAMP '2025-06-01 00:00:00' - INTERVAL (seq * 7 % 1000) DAY - INTERVAL (seq % 86400) SECOND,
  ((seq * 37) % 100000) / 100.0,
  seq % 4 <> 0,
  CASE WHEN seq % 10 = 0 THEN NULL ELSE JSON_OBJECT('v', seq % 7, 'k', 'x') END,
  1 + seq % 12
FROM seq_1_to_{rows};
CREATE TABLE order_items (
  id bigint PRIMARY KEY,
  order_id bigint NOT NULL,
  sku varchar(20) NOT NULL,
  qty int NOT NULL,
  CONSTRAINT items_order FOREIGN KEY (order_id) REFERENCES orders(id)
);
INSERT INTO order_items SELECT seq, 1 + (seq * 104729) % {rows}, CONCAT('SKU-', seq % 5000),
  1 + seq % 9 FROM seq_1_to_{items};
SET foreign_key_checks = 1;
ANALYZE TABLE customers, orders, order_items;
"""

SQLITE_BUILD = """
DROP TABLE IF EXISTS order_items;
DROP TABLE IF EXISTS orders;
DROP TABLE IF EXISTS customers;
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {customers})
INSERT INTO customers SELECT g, 'customer ' || g FROM s;
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer_id INTEGER REFERENCES customers(id),
  quantity INTEGER NOT NULL,
  status VARCHAR(20) NOT NULL,
  note VARCHAR(40),
  email VARCHAR(80),
  created_at TIMESTAMP NOT NULL,
  amount NUMERIC(12, 2),
  is_paid BOOLEAN NOT NULL,
  attrs JSON,
  tenant_id INTEGER NOT NULL
);
WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {rows})
INSERT INTO orders SELECT
  g,
  1 + (g * 7919) % {customers},
  1 + (g * 31) % 20,
  CASE WHEN g % 100000 = 7 THEN 'premium'
       ELSE CASE g % 5 WHEN 0 THEN 'paid' WHEN 1 THEN 'pending' WHEN 2 THEN 'shipped'
       WHEN 3 THEN 'cancelled' ELSE 'refunded' END END,
  CASE WHEN g % 3 = 0 THEN NULL ELSE 'note ' || (g % 977) END,
  'user' || (g * 13 % 1000003) || '@example' || (g % 50) || '.com',
  datetime('2025-06-01 00:00:00', '-' || (g * 7 % 1000) || ' days',
           '-' || (g % 86400) || ' seconds'),
  ((g * 37) % 100000) / 100.0,
  g % 4 <> 0,
  CASE WHEN g % 10 = 0 THEN NULL ELSE json_object('v', g % 7, 'k', 'x') END,
  1 + g % 12
FROM s;
CREATE TABLE order_items (
  id INTEGER PRIMARY KEY,
  order_id INTEGER NOT NULL REFERENCES orders(id),
  sku VARCHAR(20) NOT NULL,
  qty INTEGER NOT NULL
);
WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g + 1 FROM s WHERE g < {items})
INSERT INTO order_items SELECT g, 1 + (g * 104729) % {rows}, 'SKU-' || (g % 5000), 1 + g % 9
FROM s;
ANALYZE;
"""


def _statements(script: str, **sizes: int) -> list[str]:
    return [s.strip() for s in script.format(**sizes).split(";") if s.strip()]


def _sizes(rows: int) -> dict[str, int]:
    return {"rows": rows, "items": max(1, rows // 5), "customers": max(1, rows // 100)}


def _build(engine: sa.Engine, script: str, rows: int) -> None:
    with engine.connect() as conn:
        try:
            found = conn.exec_driver_sql("SELECT count(*) FROM orders").scalar()
        except sa.exc.DBAPIError:
            conn.rollback()
            found = None
        if found == rows:
            print(f"  reusing {NAME}: orders has {rows:,} rows")
            return
    print(f"  building {NAME}: orders {rows:,} rows (was {found}) ...", flush=True)
    start = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        for statement in _statements(script, **_sizes(rows)):
            cursor.execute(statement)  # no parameters: '%' is the modulo operator
        cursor.close()
    print(f"  built in {time.perf_counter() - start:.0f} s", flush=True)


def postgresql(rows: int) -> str:
    admin = sa.create_engine(f"{PG_ADMIN}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.exec_driver_sql(f"SELECT 1 FROM pg_database WHERE datname = '{NAME}'").all():
            conn.exec_driver_sql(f"CREATE DATABASE {NAME}")
    admin.dispose()
    url = f"{PG_ADMIN}/{NAME}"
    engine = sa.create_engine(url)
    _build(engine, PG_BUILD, rows)
    engine.dispose()
    return url


def mariadb(rows: int) -> str:
    admin = sa.create_engine(f"{MY_ADMIN}/", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE IF NOT EXISTS {NAME}")
    admin.dispose()
    url = f"{MY_ADMIN}/{NAME}"
    engine = sa.create_engine(url)
    _build(engine, MY_BUILD, rows)
    engine.dispose()
    return url


def sqlite(rows: int) -> str:
    url = f"sqlite:///{SQLITE_PATH}"
    engine = sa.create_engine(url)
    _build(engine, SQLITE_BUILD, rows)
    engine.dispose()
    return url


# --- measuring ------------------------------------------------------------------------

SCAN_COLUMNS = {
    "id": True,
    "customer_id": True,
    "quantity": True,
    "status": True,
    "note": True,
    "email": True,
    "created_at": True,
    "amount": True,
    "is_paid": False,  # no min/max of a boolean on PostgreSQL
    "attrs": False,  # no min/max of JSON
    "tenant_id": True,
}


def scan_query() -> str:
    terms = ["count(*)"]
    for column, ordered in SCAN_COLUMNS.items():
        terms.append(f"count({column})")
        if ordered:
            terms += [f"min({column})", f"max({column})"]
    return f"SELECT {', '.join(terms)} FROM orders"


def time_scan(url: str) -> float:
    """Best of two runs of the one-scan aggregate (the first may warm the cache)."""
    engine = sa.create_engine(url)
    best = float("inf")
    with engine.connect() as conn:
        if engine.dialect.name == "mysql":
            conn.exec_driver_sql("SET SESSION max_statement_time = 0")
        for _ in range(2):
            start = time.perf_counter()
            conn.exec_driver_sql(scan_query()).all()
            best = min(best, time.perf_counter() - start)
    engine.dispose()
    return best


@contextmanager
def counting() -> Iterator[dict[str, int]]:
    counts = {"statistics": 0, "all": 0}

    def before(conn, cursor, statement, parameters, context, executemany) -> None:  # type: ignore[no-untyped-def]
        counts["all"] += 1
        if "/* synth:profile */" in statement:
            counts["statistics"] += 1

    sa.event.listen(sa.Engine, "before_cursor_execute", before)
    try:
        yield counts
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", before)


def scans_reader(url: str, rows: int) -> Callable[[], dict[str, float]] | None:
    engine = sa.create_engine(url)
    if engine.dialect.name == "postgresql":

        def read() -> dict[str, float]:
            time.sleep(1.2)  # statistics reach the shared counters at most once a second
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT pg_stat_clear_snapshot()")
                found = conn.exec_driver_sql(
                    "SELECT relname, seq_scan FROM pg_stat_user_tables"
                    " WHERE relname IN ('customers', 'orders', 'order_items')"
                ).all()
            return {name: float(n) for name, n in found}

        return read
    if engine.dialect.name == "mysql":
        total = rows + rows // 5 + rows // 100

        def read_rows() -> dict[str, float]:
            with engine.connect() as conn:
                found = conn.exec_driver_sql(
                    "SHOW GLOBAL STATUS LIKE 'Handler_read_rnd_next'"
                ).one()
            return {"all tables": int(found[1]) / total}

        return read_rows
    return None


@contextmanager
def timing_formats() -> Iterator[list[float]]:
    """Seconds spent in the format statistic (issue 21: its sample query and the masks),
    summed over tables, by wrapping the profiler's one call of it."""
    spent = [0.0]
    inner = database.measure_formats

    def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start

    database.measure_formats = timed
    try:
        yield spent
    finally:
        database.measure_formats = inner


def run_synth(url: str, rows: int, **options: float) -> None:
    read = scans_reader(url, rows)
    before = read() if read else {}
    with counting() as counts, timing_formats() as formats:
        start = time.perf_counter()
        try:
            profile = synth.profile(url, **options)  # type: ignore[arg-type]
            outcome = "ok"
        except SynthError as exc:
            profile, outcome = None, f"FAILED: {exc}"
        elapsed = time.perf_counter() - start
    after = read() if read else {}
    scans = ", ".join(f"{t} {after[t] - before.get(t, 0):.1f}" for t in sorted(after)) or "n/a"
    estimated = ""
    if profile is not None:
        marks = [(t.name, t.estimates) for t in profile.tables if getattr(t, "estimates", None)]
        estimated = "; estimates: " + (
            ", ".join(f"{name} ({e.rows:,} rows: {', '.join(e.statistics)})" for name, e in marks)
            or "none"
        )
    print(
        f"    time {elapsed:7.2f} s = {elapsed / SCAN[0]:6.2f}x scan; "
        f"{counts['statistics']} statistics queries ({counts['all']} statements); "
        f"seq scans: {scans}; {outcome}{estimated}",
        flush=True,
    )
    share = formats[0] / elapsed if elapsed else 0.0
    print(f"    format statistic (masks): {formats[0]:.2f} s = {share:.1%} of the profile")


SCAN = [1.0]


def bench(name: str, url: str, rows: int, timeout: float | None) -> None:
    SCAN[0] = time_scan(url)
    print(f"  one-scan aggregate over orders ({rows:,} rows): {SCAN[0]:.2f} s", flush=True)
    extra = {} if timeout is None else {"statement_timeout": timeout}
    print("  synth profile (default options):", flush=True)
    run_synth(url, rows, **extra)
    print("  synth profile --sample 1:", flush=True)
    run_synth(url, rows, sample=1, **extra)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=None, help="rows of orders (10M; SQLite 1M)")
    parser.add_argument("--dialect", default="postgresql,mariadb,sqlite")
    parser.add_argument(
        "--statement-timeout", type=float, default=None, help="passed to synth (default: its own)"
    )
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    for dialect in args.dialect.split(","):
        rows = args.rows or (1_000_000 if dialect == "sqlite" else 10_000_000)
        print(f"{dialect}:", flush=True)
        url = {"postgresql": postgresql, "mariadb": mariadb, "sqlite": sqlite}[dialect](rows)
        bench(dialect, url, rows, args.statement_timeout)


if __name__ == "__main__":
    main()
