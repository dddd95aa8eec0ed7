"""What a cache hit of the pytest plugin costs, against reading the same Parquet directly.

    python benchmarks/cache_hit.py [--repeat 50]

Makes a 4-table profile from ``profiles/shop.yaml`` (tenants, users, orders, order_items),
generates it once into a temporary cache, then times, per repetition, the plugin's path on
a cache hit (resolve the settings' cache entry, read the manifest, read every table with
``SynthData.table``) and the baseline (``polars.read_parquet`` of the same files), in this
warm process; then the same two in cold processes (``python -c``, the polars and synth
imports included). Prints the median of each, the ratio against its baseline, and whether
the plugin's overhead stays within the 50 ms budget. Run by hand, not in CI.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

import synth
from synth.pytest_plugin.cache import resolve_fixtures
from synth.pytest_plugin.settings import SynthSettings

REPO = Path(__file__).resolve().parents[1]
KEEP = ("tenants", "users", "orders", "order_items")
BUDGET_MS = 50.0
"""What a cache hit may add to reading the same files directly."""

COLD_HIT = """
import sys, time
start = time.perf_counter()
from pathlib import Path
from synth.pytest_plugin.cache import resolve_fixtures
from synth.pytest_plugin.settings import SynthSettings
profile, cache, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
settings = SynthSettings(profile=Path(profile), seed=7, rows=rows, cache_root=Path(cache))
data = resolve_fixtures(settings)  # polars is imported when the first table is read
assert data.status == "cache hit", data
frames = [data.table(name) for name in data.names]
print(time.perf_counter() - start)
"""
COLD_BASE = """
import sys, time
start = time.perf_counter()
import polars as pl
frames = [pl.read_parquet(f) for f in sys.argv[1:]]
print(time.perf_counter() - start)
"""


def cold(code: str, args: list[str]) -> tuple[float, float]:
    """(seconds measured inside the process from its first import, seconds of the whole
    process from outside, interpreter start-up included)."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip()), time.perf_counter() - start


def verdict(hit: float, base: float) -> str:
    over = 1000 * (hit - base)
    holds = "holds" if over <= BUDGET_MS else "EXCEEDED"
    return f"ratio {hit / base:.2f}x; overhead {over:.2f} ms; budget {BUDGET_MS:.0f} ms {holds}"


def four_table_profile(out: Path) -> Path:
    prof = synth.read_profile(REPO / "profiles" / "shop.yaml")
    tables = []
    for table in prof.tables:
        if table.key not in KEEP:
            continue
        # drop relation traits that point at the left-out table
        traits = tuple(t for t in table.traits if "payments" not in str(t.value))
        tables.append(table.model_copy(update={"traits": traits}))
    path = out / "shop4.yaml"
    synth.write_profile(prof.model_copy(update={"tables": tuple(tables)}), path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--cold-repeat", type=int, default=10, help="cold processes per side")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        settings = SynthSettings(
            profile=four_table_profile(root), seed=7, rows=args.rows, cache_root=root / "cache"
        )
        first = resolve_fixtures(settings)
        assert first.status == "generated" and len(first.names) == 4, first
        files = [first.directory / f for t in first.manifest.tables.values() for f in t.files]
        hits, base = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            data = resolve_fixtures(settings)
            frames = [data.table(name) for name in data.names]
            hits.append(time.perf_counter() - start)
            assert data.status == "cache hit"
            start = time.perf_counter()
            direct = [pl.read_parquet(f) for f in files]
            base.append(time.perf_counter() - start)
        rows = sum(f.height for f in frames)
        assert rows == sum(f.height for f in direct)
        hit, raw = statistics.median(hits), statistics.median(base)
        print(f"4 tables, {rows} rows, {args.repeat} repetitions (median)")
        print(f"warm cache hit (resolve + manifest + read 4 tables): {hit * 1000:8.2f} ms")
        print(f"warm baseline  (polars.read_parquet of the files):  {raw * 1000:8.2f} ms")
        print(f"warm: {verdict(hit, raw)}")

        runs = max(1, min(args.repeat, args.cold_repeat))
        hit_args = [str(settings.profile), str(settings.cache_root), str(args.rows)]
        cold_hits = [cold(COLD_HIT, hit_args) for _ in range(runs)]
        cold_base = [cold(COLD_BASE, [str(f) for f in files]) for _ in range(runs)]
        inside = [statistics.median(r[0] for r in runs_) for runs_ in (cold_hits, cold_base)]
        whole = [statistics.median(r[1] for r in runs_) for runs_ in (cold_hits, cold_base)]
        print(f"cold processes, {runs} each (median; imports included)")
        print(f"cold cache hit (imports + resolve + read):    {inside[0] * 1000:8.2f} ms")
        print(f"cold baseline  (import polars + read_parquet): {inside[1] * 1000:8.2f} ms")
        print(f"cold: {verdict(inside[0], inside[1])}")
        print(
            f"whole processes (interpreter start-up too): {whole[0] * 1000:.0f} ms vs "
            f"{whole[1] * 1000:.0f} ms; {verdict(whole[0], whole[1])}"
        )


if __name__ == "__main__":
    main()
