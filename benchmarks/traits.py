"""What traits cost: generating the demo profile with its traits vs the same profile with
every trait entry removed (the baseline, measured in the same run).

Run by hand (not a test):  .venv/bin/python benchmarks/traits.py [--rows N]

Both write Parquet fixtures of profiles/shop.yaml (5 tables) to a temporary directory,
best of 3 runs each, on one core. Prints rows/s of each and the ratio (traits / baseline
time): the overhead of measuring carriers for the manifest and injecting 42 trait entries.
"""

from __future__ import annotations

import os

for _var in ("POLARS_MAX_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "RAYON_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import synth  # noqa: E402
from synth.model import Profile  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def without_traits(profile: Profile) -> Profile:
    tables = []
    for t in profile.tables:
        columns = tuple(
            c.model_copy(update={"stats": c.stats.model_copy(update={"traits": ()})})
            for c in t.columns
        )
        tables.append(t.model_copy(update={"columns": columns, "traits": ()}))
    return profile.model_copy(update={"tables": tuple(tables)})


def best_of(profile: Profile, rows: int, runs: int = 3) -> tuple[float, int]:
    best, total = float("inf"), 0
    for i in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            manifest = synth.write(profile, Path(tmp) / "fx", rows=rows, seed=i, min_trait_rows=1)
            best = min(best, time.perf_counter() - start)
            total = sum(t.rows for t in manifest.tables.values())
    return best, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="rows of the largest table")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    profile = synth.read_profile(ROOT / "profiles" / "shop.yaml")
    entries = sum(
        len(t.traits) + sum(len(c.stats.traits) for c in t.columns) for t in profile.tables
    )
    base_s, base_rows = best_of(without_traits(profile), args.rows)
    trait_s, trait_rows = best_of(profile, args.rows)
    print(f"baseline (no traits): {base_rows:,} rows in {base_s:.2f} s", end="")
    print(f" = {base_rows / base_s:,.0f} rows/s")
    print(f"with {entries} trait entries: {trait_rows:,} rows in {trait_s:.2f} s", end="")
    print(f" = {trait_rows / trait_s:,.0f} rows/s")
    print(f"ratio (traits / baseline time): {trait_s / base_s:.2f}x")


if __name__ == "__main__":
    main()
