"""SQL fixture throughput on one core, against Parquet of the same data in the same run.

Run by hand (not a test):  .venv/bin/python benchmarks/sql.py [--rows N] [--repeat N]

Uses the 10-column ``orders`` table of ``benchmarks/generate.py`` (ints, a float, a
categorical, two timestamps, NULLs, a decimal, a boolean, a name and an email).

- *render*: the chunks are generated once; then the time to turn them into SQL files
  (render with polars, encode, write), per dialect and style, against writing the same
  chunks as Parquet. Target: >= 300,000 rows/s.
- *end to end*: ``synth.write`` (generation included) with ``format="sql"`` against
  ``format="parquet"``.

Best of ``--repeat`` runs each, in CPU seconds of this process (polars and Arrow are
held to one thread, so this is one core's work even on a busy machine); wall-clock
seconds are printed alongside.
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
import shutil  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pyarrow as pa  # noqa: E402
from generate import bench_profile  # noqa: E402

from synth.generator import GenerateOptions, iter_tables, make_plan  # noqa: E402
from synth.model.arrow import arrow_schema  # noqa: E402
from synth.writers import WRITERS, TableTarget, to_arrow, write_fixtures  # noqa: E402

pa.set_cpu_count(1)
pa.set_io_thread_count(1)

CASES: tuple[tuple[str, dict[str, object]], ...] = (
    ("parquet", {}),
    ("sql", {"dialect": "postgresql"}),
    ("sql", {"dialect": "postgresql", "sql_style": "copy"}),
    ("sql", {"dialect": "mysql"}),
    ("sql", {"dialect": "sqlite"}),
)


def _label(fmt: str, options: dict[str, object]) -> str:
    return fmt if not options else f"{fmt} " + " ".join(str(v) for v in options.values())


Timing = tuple[float, float]
"""(CPU seconds, wall seconds)."""


def _since(cpu: float, wall: float) -> Timing:
    return time.process_time() - cpu, time.perf_counter() - wall


def render_seconds(plan, target: TableTarget, chunks: list[pa.Table], fmt, options, out: Path):
    """Seconds to write ``chunks`` (already generated) with one writer."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    cpu, wall = time.process_time(), time.perf_counter()
    writer = WRITERS[fmt](plan, options)
    writer.begin(out)
    writer.write_table(target, chunks)
    writer.end()
    return _since(cpu, wall)


def end_to_end_seconds(profile, rows: int, fmt: str, options, out: Path) -> Timing:
    cpu, wall = time.process_time(), time.perf_counter()
    write_fixtures(
        make_plan(profile, GenerateOptions(rows=rows, seed=1)),
        out,
        format=fmt,
        writer_options=options,
    )
    return _since(cpu, wall)


def _line(label: str, rows: int, timing: Timing, base: float) -> str:
    cpu, wall = timing
    return (
        f"  {label:<22} {cpu:7.3f} s cpu = {rows / cpu:>11,.0f} rows/s  ({cpu / base:.2f}x parquet)"
        f"  [wall {wall:.3f} s]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    profile = bench_profile()
    plan = make_plan(profile, GenerateOptions(rows=args.rows, seed=1))
    gen = next(iter_tables(plan))
    schema = arrow_schema(gen.columns)
    chunks = [to_arrow(frame, schema) for frame in gen.chunks()]
    target = TableTarget(plan.tables[0], tuple(gen.columns), schema, "orders")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        print(f"render only ({args.rows:,} rows, {len(gen.columns)} columns):")
        base = 0.0
        for fmt, options in CASES:
            timing = min(
                render_seconds(plan, target, chunks, fmt, options, root / "r")
                for _ in range(args.repeat)
            )
            base = base or timing[0]
            print(_line(_label(fmt, options), args.rows, timing, base))
        print("end to end (generation included):")
        base = 0.0
        for fmt, options in CASES:
            timing = min(
                end_to_end_seconds(profile, args.rows, fmt, options, root / "e")
                for _ in range(args.repeat)
            )
            base = base or timing[0]
            print(_line(_label(fmt, options), args.rows, timing, base))
    print("target: SQL rendering >= 300,000 rows/s on one core")


if __name__ == "__main__":
    main()
