"""Live loading into PostgreSQL: ``synth.load_into`` against ``psql \\copy`` of the same rows.

Run by hand (not a test), with a PostgreSQL server and ``psql`` on the PATH:

    .venv/bin/python benchmarks/load.py [--rows N] [--repeat N] [--url URL]

Generates ``--rows`` rows of the 10-column ``orders`` table of ``benchmarks/generate.py``
into Parquet, creates the table in a fresh database from synth's own ``schema.sql``, then
times, best of ``--repeat`` (wall-clock, table truncated before each run):

- *synth*: ``synth.load_into(parquet_dir, url)``: Parquet read, COPY text rendered by polars,
  streamed through psycopg's ``COPY ... FROM STDIN``, one transaction;
- *psql*: ``psql -c "\\copy orders FROM orders.csv CSV HEADER"`` of the same rows written as
  CSV beforehand by polars (writing the CSV is not timed).

Target: synth within 1.5x of psql.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
import uuid
import warnings
from pathlib import Path

import sqlalchemy as sa
from generate import bench_profile
from sqlalchemy.engine import make_url

import synth

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _psql(url: str, *args: str) -> None:
    libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", libpq, *args], check=True)


def _truncate(url: str) -> None:
    _psql(url, "-c", "TRUNCATE TABLE orders")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--url", default=DEFAULT_URL, help="an existing database to use")
    args = parser.parse_args()

    admin = sa.create_engine(args.url, isolation_level="AUTOCOMMIT")
    name = f"synth_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = make_url(args.url).set(database=name).render_as_string(hide_password=False)
    profile = bench_profile()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                synth.write(profile, root / "fx", rows=args.rows, seed=1)
                synth.write(profile, root / "sql", format="sql", dialect="postgresql", rows=1)
            _psql(url, "-f", str(root / "sql" / "schema.sql"))
            frame = synth.load(root / "fx")["orders"]
            frame.write_csv(root / "orders.csv")
            size = (root / "orders.csv").stat().st_size
            print(
                f"{frame.height:,} rows x {frame.width} columns "
                f"({size / 1e6:.0f} MB as CSV) into PostgreSQL"
            )

            best_synth = best_psql = float("inf")
            for _ in range(args.repeat):
                _truncate(url)
                start = time.perf_counter()
                loaded = synth.load_into(root / "fx", url, progress=False)
                best_synth = min(best_synth, time.perf_counter() - start)
                assert loaded == {"orders": frame.height}, loaded

                _truncate(url)
                copy = f"\\copy orders FROM '{root / 'orders.csv'}' CSV HEADER"
                start = time.perf_counter()
                _psql(url, "-c", copy)
                best_psql = min(best_psql, time.perf_counter() - start)
            rows = frame.height
            print(f"  synth load_into  {best_synth:7.2f} s  {rows / best_synth:>11,.0f} rows/s")
            print(f"  psql \\copy CSV   {best_psql:7.2f} s  {rows / best_psql:>11,.0f} rows/s")
            print(f"  ratio            {best_synth / best_psql:7.2f}x  (target <= 1.5x)")
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()
