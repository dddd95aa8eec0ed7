"""Generation throughput on one core: synth vs a naive per-row Faker loop.

Run by hand (not a test):  .venv/bin/python benchmarks/generate.py [--rows N] [--naive-rows N]

Both write the same 10-column table (ints, floats, a categorical, two timestamps,
NULLs, a decimal, a boolean, a name and an email) to Parquet in a temporary
directory. Best of 3 runs each. Targets: synth >= 1,000,000 rows/s, >= 100x naive.
"""

from __future__ import annotations

import os

for _var in (
    "POLARS_MAX_THREADS",
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "RAYON_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import random  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from decimal import Decimal  # noqa: E402
from pathlib import Path  # noqa: E402

import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

import synth  # noqa: E402
from synth.model import (  # noqa: E402
    Column,
    ColumnStats,
    Distribution,
    Profile,
    Source,
    Table,
    ValueFrequency,
)

pa.set_cpu_count(1)
pa.set_io_thread_count(1)

STATUSES = (("paid", 0.55), ("shipped", 0.25), ("pending", 0.12), ("cancelled", 0.05))


def bench_profile() -> Profile:
    """A 10-column ``orders``-like table profile."""
    frequent = tuple(ValueFrequency(value=v, fraction=f) for v, f in STATUSES)
    cols = (
        Column(
            name="id",
            type="integer",
            sql_type="BIGINT",
            nullable=False,
            size=8,
            stats=ColumnStats(values=Distribution(min=1, max=10_000_000)),
        ),
        Column(
            name="quantity",
            type="integer",
            sql_type="INTEGER",
            size=4,
            stats=ColumnStats(
                null_fraction=0.02,
                values=Distribution(min=1, p25=1, p50=2, p75=4, p90=8, p99=40, max=500),
            ),
        ),
        Column(
            name="weight",
            type="float",
            sql_type="DOUBLE PRECISION",
            stats=ColumnStats(
                null_fraction=0.1,
                values=Distribution(min=0.01, p10=0.2, p50=1.5, p90=12.0, max=250.0),
            ),
        ),
        Column(
            name="status",
            type="string",
            sql_type="VARCHAR(16)",
            length=16,
            nullable=False,
            stats=ColumnStats(frequent=frequent, distinct=6, lengths=Distribution(min=4, max=9)),
        ),
        Column(
            name="created_at",
            type="datetime",
            sql_type="TIMESTAMPTZ",
            timezone=True,
            nullable=False,
            stats=ColumnStats(
                values=Distribution(
                    min="2019-01-01T00:00:00+00:00",
                    p50="2023-06-01T00:00:00+00:00",
                    max="2024-06-01T00:00:00+00:00",
                )
            ),
        ),
        Column(
            name="shipped_at",
            type="datetime",
            sql_type="TIMESTAMP",
            stats=ColumnStats(
                null_fraction=0.3,
                values=Distribution(min="2019-01-02T00:00:00", max="2024-06-01T00:00:00"),
            ),
        ),
        Column(
            name="amount",
            type="decimal",
            sql_type="NUMERIC(12,2)",
            precision=12,
            scale=2,
            stats=ColumnStats(values=Distribution(min=0.5, p50=49.9, p90=300, max=9999.99)),
        ),
        Column(
            name="gift",
            type="boolean",
            sql_type="BOOLEAN",
            stats=ColumnStats(
                null_fraction=0.05,
                frequent=(
                    ValueFrequency(value=False, fraction=0.85),
                    ValueFrequency(value=True, fraction=0.10),
                ),
            ),
        ),
        Column(
            name="customer_name", type="string", sql_type="VARCHAR(80)", length=80, semantic="name"
        ),
        Column(
            name="customer_email",
            type="string",
            sql_type="VARCHAR(120)",
            length=120,
            semantic="email",
        ),
    )
    table = Table(name="orders", rows=10_000_000, primary_key=("id",), columns=cols)
    source = Source(
        kind="database",
        url="postgresql://bench",
        dialect="postgresql",
        as_of=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
    )
    return Profile(
        kind="synth-profile",
        version=1,
        synth_version=synth.__version__,
        source=source,
        tables=(table,),
    )


def run_synth(profile: Profile, rows: int, out: Path) -> float:
    start = time.perf_counter()
    synth.write(profile, out, rows=rows, seed=1)
    return time.perf_counter() - start


NAIVE_SCHEMA = pa.schema(
    [
        ("id", pa.int64()),
        ("quantity", pa.int32()),
        ("weight", pa.float64()),
        ("status", pa.large_string()),
        ("created_at", pa.timestamp("us", tz="UTC")),
        ("shipped_at", pa.timestamp("us")),
        ("amount", pa.decimal128(12, 2)),
        ("gift", pa.bool_()),
        ("customer_name", pa.large_string()),
        ("customer_email", pa.large_string()),
    ]
)


def run_naive(rows: int, out: Path) -> float:
    """The loop a team writes by hand: Faker and ``random`` per row, then Parquet."""
    from faker import Faker

    start = time.perf_counter()
    fake = Faker("en_US")
    fake.seed_instance(1)
    rnd = random.Random(1)
    t0 = dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
    span = 5 * 365 * 86400
    statuses = [s for s, _ in STATUSES] + ["refunded"]
    weights = [f for _, f in STATUSES] + [0.03]
    records = []
    for i in range(rows):
        created = t0 + dt.timedelta(seconds=rnd.random() * span)
        records.append(
            {
                "id": i + 1,
                "quantity": None if rnd.random() < 0.02 else rnd.randint(1, 10),
                "weight": None if rnd.random() < 0.1 else rnd.uniform(0.01, 250.0),
                "status": rnd.choices(statuses, weights)[0],
                "created_at": created,
                "shipped_at": None
                if rnd.random() < 0.3
                else (created + dt.timedelta(days=rnd.randint(0, 9))).replace(tzinfo=None),
                "amount": Decimal(f"{rnd.uniform(0.5, 9999.99):.2f}"),
                "gift": None if rnd.random() < 0.05 else rnd.random() < 0.1,
                "customer_name": fake.name(),
                "customer_email": fake.email(),
            }
        )
    table = pa.Table.from_pylist(records, schema=NAIVE_SCHEMA)
    pq.write_table(table, out / "orders.parquet", compression="snappy")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--naive-rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    profile = bench_profile()
    with tempfile.TemporaryDirectory() as tmp:
        run_synth(profile, 1000, Path(tmp) / "warmup")  # imports, Faker pools
        synth_s = min(
            run_synth(profile, args.rows, Path(tmp) / "fixtures") for _ in range(args.repeat)
        )
        naive_s = min(run_naive(args.naive_rows, Path(tmp)) for _ in range(args.repeat))
    synth_rate = args.rows / synth_s
    naive_rate = args.naive_rows / naive_s
    print(f"synth: {args.rows:>10,} rows in {synth_s:7.3f} s  = {synth_rate:>12,.0f} rows/s")
    print(f"naive: {args.naive_rows:>10,} rows in {naive_s:7.3f} s  = {naive_rate:>12,.0f} rows/s")
    print(f"ratio: {synth_rate / naive_rate:,.0f}x  (targets: >= 1,000,000 rows/s, >= 100x)")


if __name__ == "__main__":
    main()
