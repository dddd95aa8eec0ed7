"""What a cache hit of the pytest plugin costs, against reading the same Parquet directly.

    python benchmarks/cache_hit.py [--repeat 50]

Makes a 4-table profile from ``profiles/shop.yaml`` (tenants, users, orders, order_items),
generates it once into a temporary cache, then times, per repetition, the plugin's path on
a cache hit (resolve the settings' cache entry, read the manifest, read every table with
``SynthData.table``) and the baseline (``polars.read_parquet`` of the same files). Prints
the median of each and the ratio. Run by hand, not in CI.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import polars as pl

import synth
from synth._fixture_cache import resolve_fixtures
from synth._plugin_settings import SynthSettings

REPO = Path(__file__).resolve().parents[1]
KEEP = ("tenants", "users", "orders", "order_items")


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
        print(f"cache hit (resolve + manifest + read 4 tables): {hit * 1000:7.2f} ms")
        print(f"baseline  (polars.read_parquet of the files):  {raw * 1000:7.2f} ms")
        print(f"ratio: {hit / raw:.2f}x; overhead {1000 * (hit - raw):.2f} ms; budget 50 ms")


if __name__ == "__main__":
    main()
