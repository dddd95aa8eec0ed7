"""What keeping the order between columns costs at generation: one table of five linked
timestamp columns (`seen_at <= imported_at <= touched_at <= clean_at`, `due_at`), with a
sentinel, a future share and an import burst stamped on two columns, generated with
its `column_order` entries and without them (the baseline, measured in the same run).

    python benchmarks/order.py [SIZES]

SIZES defaults to 10000,100000,1000000 generated rows. Prints seconds with and without
the orders, their ratio, and how many rows break each order against its profiled share.
"""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

import synth

SOURCE_ROWS = 20_000
START = dt.datetime(2023, 1, 1)
IMPORT = dt.datetime(2023, 3, 1, 2)


def _source(path: Path) -> Path:
    i = pl.int_range(SOURCE_ROWS, eager=True)
    spread = pl.lit(START) + pl.duration(seconds=(i * 7919) % (365 * 86400))
    burst = i % 100 < 12
    frame = pl.select(
        id=i + 1,
        seen_at=pl.when(i % 100 == 50).then(pl.lit(dt.datetime(1970, 1, 1))).otherwise(spread),
        due_at=pl.when(i % 20 == 3).then(spread + pl.duration(days=900)).otherwise(spread),
        imported_at=pl.when(burst).then(pl.lit(IMPORT)).otherwise(spread),
        touched_at=pl.when(burst).then(pl.lit(IMPORT)).otherwise(spread + pl.duration(hours=1)),
        clean_at=spread + pl.duration(days=1),
    )
    out = path / "readings.parquet"
    frame.write_parquet(out)
    return out


def _broken(frame: pl.DataFrame, stat: synth.TraitStat) -> float:
    later, earlier = (pl.col(c).dt.replace_time_zone(None) for c in stat.columns[:2])
    holds = later > earlier if stat.detail.get("op") == ">" else later >= earlier
    return frame.select((later.is_not_null() & earlier.is_not_null() & ~holds).mean()).item()


def main(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        profile = synth.profile(str(_source(Path(tmp))))
    table = profile.table("readings")
    orders = [s for s in table.traits if s.trait == "column_order"]
    plain = table.model_copy(update={"traits": tuple(s for s in table.traits if s not in orders)})
    baseline = profile.model_copy(update={"tables": (plain,)})
    print(f"{len(orders)} orders over {len({c for s in orders for c in s.columns})} columns")
    print(f"{'rows':>10} {'orders s':>9} {'without s':>10} {'ratio':>6}")
    for n in sizes:
        t0 = time.perf_counter()
        out = synth.generate(profile, rows=n, seed=1)["readings"]
        t1 = time.perf_counter()
        synth.generate(baseline, rows=n, seed=1)
        t2 = time.perf_counter()
        print(f"{n:>10,} {t1 - t0:>9.2f} {t2 - t1:>10.2f} {(t1 - t0) / (t2 - t1):>6.1f}x")
    for stat in orders:
        later, earlier = stat.columns[:2]
        op = stat.detail.get("op")
        share = _broken(out, stat)
        print(f"  {later} {op} {earlier}: broken {share:.2%} (profile {stat.fraction:.2%})")


if __name__ == "__main__":
    main(
        [int(x) for x in (sys.argv[1] if len(sys.argv) > 1 else "10000,100000,1000000").split(",")]
    )
