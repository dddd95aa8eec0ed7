"""Generation at scale: rows/s and peak memory, 1 vs 2 workers, against a polars baseline.

Run by hand (not a test; a size takes minutes):

    .venv/bin/python benchmarks/scale.py                      # 1M and 10M rows, 1 and 2 workers
    .venv/bin/python benchmarks/scale.py --sizes 1e6 --null 1e8

The source is a small dirty SaaS database built once in SQLite (``build/bench/saas.db``:
tenants, users, and a 10-column ``orders`` table with foreign keys, a legacy status, a
sentinel amount, padded notes, a NULL pattern, orphans) and profiled once
(``build/bench/saas.yaml``); every measurement generates ``orders`` at the size asked
(users and tenants in proportion) in a fresh process, and reports its rows/s and peak
memory: with workers, of the process and its workers together (their PSS, sampled), else
the process's peak RSS (``VmHWM``). ``--null`` sizes run the same pipeline to a null
sink (chunks made and turned into Arrow, nothing written), for sizes whose files would
not fit the disk; ``--sql`` sizes write SQL (multi-row INSERTs) instead of Parquet.

The baseline is a hand-written vectorized polars/numpy generator of the same three tables
and columns (the same dtypes, NULL shares, categories, foreign keys drawn at random), with
none of synth's traits, writing the same Parquet: what a data engineer would write by
hand. Everything runs with one thread per process, so a worker is a core.
"""

from __future__ import annotations

import os

for _var in ("POLARS_MAX_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "RAYON_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "bench"
SOURCE = BUILD / "saas.db"
PROFILE = BUILD / "saas.yaml"

TENANTS, USERS, ORDERS = 500, 20_000, 100_000
STATUSES = {"paid": 0.55, "shipped": 0.25, "pending": 0.1, "cancelled": 0.07, "PENDING_OLD": 0.03}
CURRENCIES = {"USD": 0.6, "EUR": 0.3, "GBP": 0.1}


def build_source() -> None:
    """The dirty SaaS database (deterministic), and its profile."""
    if PROFILE.exists():
        return
    BUILD.mkdir(parents=True, exist_ok=True)
    SOURCE.unlink(missing_ok=True)
    rng = random.Random(7)
    conn = sqlite3.connect(SOURCE)
    conn.executescript(
        """
        CREATE TABLE tenants (id INTEGER PRIMARY KEY, name TEXT NOT NULL, plan TEXT NOT NULL,
                              created_at TIMESTAMP NOT NULL);
        CREATE TABLE users (id INTEGER PRIMARY KEY,
                            tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                            email TEXT NOT NULL, plan TEXT, created_at TIMESTAMP NOT NULL,
                            last_login_at TIMESTAMP);
        CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id),
                             tenant_id INTEGER NOT NULL REFERENCES tenants(id),
                             status TEXT NOT NULL, amount NUMERIC(12, 2) NOT NULL,
                             currency TEXT NOT NULL, created_at TIMESTAMP NOT NULL,
                             updated_at TIMESTAMP, note TEXT, is_gift BOOLEAN NOT NULL);
        CREATE INDEX users_tenant ON users (tenant_id);
        CREATE INDEX orders_user ON orders (user_id);
        CREATE INDEX orders_tenant ON orders (tenant_id);
        """
    )
    start = dt.datetime(2019, 1, 1)

    def when(days: int = 2000) -> str:
        return (start + dt.timedelta(seconds=rng.randrange(days * 86400))).isoformat(sep=" ")

    conn.executemany(
        "INSERT INTO tenants VALUES (?, ?, ?, ?)",
        [(i, f"tenant {i}", rng.choice(["free", "pro", "enterprise"]), when())
         for i in range(1, TENANTS + 1)],
    )  # fmt: skip
    users = []
    for i in range(1, USERS + 1):
        email = f"user{i}@example.com" + (" " if rng.random() < 0.02 else "")
        plan = None if rng.random() < 0.1 else rng.choice(["free", "pro", "premium"])
        login = None if rng.random() < 0.3 else when()
        users.append((i, rng.randrange(1, TENANTS + 1), email, plan, when(), login))
    conn.executemany("INSERT INTO users VALUES (?, ?, ?, ?, ?, ?)", users)
    orders = []
    statuses, weights = list(STATUSES), list(STATUSES.values())
    for i in range(1, ORDERS + 1):
        user = None if rng.random() < 0.02 else rng.randrange(1, USERS + 1)
        if user is not None and rng.random() < 0.005:
            user = USERS + 1 + rng.randrange(1000)  # an orphan: the user was deleted
        amount = 0.0 if rng.random() < 0.03 else round(rng.lognormvariate(3.5, 1.0), 2)
        touched = rng.random() < 0.8
        note = None
        if touched and rng.random() < 0.4:
            note = rng.choice(["gift wrap", "leave at door", "call first "]) + (
                "  " if rng.random() < 0.05 else ""
            )
        orders.append((
            i, user, rng.randrange(1, TENANTS + 1), rng.choices(statuses, weights)[0], amount,
            rng.choices(list(CURRENCIES), list(CURRENCIES.values()))[0], when(),
            when() if touched else None, note, rng.random() < 0.1,
        ))  # fmt: skip
    conn.executemany("INSERT INTO orders VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", orders)
    conn.commit()
    conn.close()
    import synth
    from synth.model.io import write_profile

    write_profile(synth.profile(f"sqlite:///{SOURCE}", as_of="2024-06-01T00:00:00Z"), PROFILE)


# -- one measurement per process ----------------------------------------------------------


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _tree(pid: int) -> list[int]:
    """``pid`` and every process below it (workers, the fork server)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except OSError:  # the process ended meanwhile
            continue
    return out


def _pss_mb(pid: int) -> float:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0.0
    pss = [ln for ln in text.splitlines() if ln.startswith("Pss:")]
    return int(pss[0].split()[1]) / 1024 if pss else 0.0


class TreeMemory:
    """The peak, over a run, of the memory of this process and its workers together:
    the proportional set size (PSS) of each, so pages the workers share with the fork
    server count once; sampled every 200 ms, as reading it costs the run CPU."""

    def __init__(self) -> None:
        import threading

        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, sum(_pss_mb(p) for p in _tree(os.getpid())))

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def measure_synth(rows: int, workers: int, out: str | None, fmt: str) -> dict[str, float]:
    import synth
    from synth.model.io import read_profile

    profile = read_profile(PROFILE)
    start = time.perf_counter()
    with TreeMemory() as memory:
        if out is None:  # the null sink: the same chunks, turned into Arrow, then dropped
            from synth.generator import GenerateOptions, make_plan
            from synth.generator.parallel import stream_chunks

            plan = make_plan(profile, GenerateOptions.of(rows=rows))
            made = sum(chunk.num_rows for _, chunk in stream_chunks(plan, workers=workers))
        else:
            manifest = synth.write(profile, out, rows=rows, workers=workers, format=fmt)
            made = sum(t.rows for t in manifest.tables.values())
    seconds = time.perf_counter() - start
    return {"rows": made, "seconds": seconds, "peak_mb": max(memory.peak, _peak_mb())}


def measure_baseline(rows: int, out: str) -> dict[str, float]:
    import numpy as np
    import polars as pl

    start = time.perf_counter()
    rng = np.random.default_rng(1)
    n_users = max(1, rows * USERS // ORDERS)
    n_tenants = max(1, rows * TENANTS // ORDERS)
    t0 = np.datetime64("2019-01-01T00:00:00", "us")
    span = 2000 * 86_400 * 1_000_000

    def stamps(n: int) -> pl.Series:
        return pl.Series(t0 + rng.integers(0, span, n).astype("timedelta64[us]"))

    def pick(values: dict[str, float], n: int) -> pl.Series:
        names = np.array(list(values))
        return pl.Series(names[rng.choice(len(names), n, p=list(values.values()))])

    def nulls(series: pl.Series, share: float) -> pl.Series:
        mask = pl.Series(rng.random(len(series)) < share)
        return pl.select(pl.when(mask).then(None).otherwise(series)).to_series()

    total = 0
    chunk = 1 << 18
    Path(out).mkdir(parents=True)
    tenants = pl.DataFrame({
        "id": np.arange(1, n_tenants + 1),
        "name": pl.Series([f"tenant {i}" for i in range(n_tenants)]),
        "plan": pick({"free": 0.34, "pro": 0.33, "enterprise": 0.33}, n_tenants),
        "created_at": stamps(n_tenants),
    })  # fmt: skip
    tenants.write_parquet(f"{out}/tenants.parquet")
    total += n_tenants
    ids = np.arange(1, n_users + 1)
    users = pl.DataFrame({
        "id": ids, "tenant_id": rng.integers(1, n_tenants + 1, n_users),
        "email": pl.select(pl.format("user{}@example.com", pl.lit(pl.Series(ids)))).to_series(),
        "plan": nulls(pick({"free": 0.34, "pro": 0.33, "premium": 0.33}, n_users), 0.1),
        "created_at": stamps(n_users), "last_login_at": nulls(stamps(n_users), 0.3),
    })  # fmt: skip
    users.write_parquet(f"{out}/users.parquet")
    total += n_users
    import pyarrow.parquet as pq

    writer = None
    for offset in range(0, rows, chunk):
        n = min(chunk, rows - offset)
        frame = pl.DataFrame({
            "id": np.arange(offset + 1, offset + n + 1),
            "user_id": nulls(pl.Series(rng.integers(1, n_users + 1, n)), 0.02),
            "tenant_id": rng.integers(1, n_tenants + 1, n),
            "status": pick(STATUSES, n),
            "amount": pl.Series(np.round(rng.lognormal(3.5, 1.0, n), 2)).cast(pl.Decimal(12, 2)),
            "currency": pick(CURRENCIES, n),
            "created_at": stamps(n), "updated_at": nulls(stamps(n), 0.2),
            "note": nulls(pick({"gift wrap": 0.4, "at door": 0.3, "call first": 0.3}, n), 0.7),
            "is_gift": rng.random(n) < 0.1,
        }).to_arrow()  # fmt: skip
        if writer is None:
            writer = pq.ParquetWriter(f"{out}/orders.parquet", frame.schema)
        writer.write_table(frame)
        total += n
    if writer is not None:
        writer.close()
    seconds = time.perf_counter() - start
    return {"rows": total, "seconds": seconds, "peak_mb": _peak_mb()}


# -- the driver ---------------------------------------------------------------------------


def run_one(kind: str, rows: int, workers: int, sink: str) -> dict[str, float]:
    tmp = Path(tempfile.mkdtemp(prefix="synth-scale-", dir=BUILD))
    out = str(tmp / "out")
    try:
        cmd = [sys.executable, __file__, "--one", kind, str(rows), str(workers), sink, out]
        done = subprocess.run(cmd, capture_output=True, text=True, check=True)
        return json.loads(done.stdout.strip().splitlines()[-1])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1e6,1e7", help="orders rows written to Parquet")
    parser.add_argument("--null", default="", help="orders rows made to a null sink")
    parser.add_argument("--sql", default="", help="orders rows written as SQL (INSERTs)")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--one", nargs=5, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        kind, rows, workers, sink, out = args.one
        result = (
            measure_baseline(int(rows), out)
            if kind == "baseline"
            else measure_synth(int(rows), int(workers), None if sink == "null" else out, sink)
        )
        print(json.dumps(result))
        return
    build_source()
    workers = [int(w) for w in args.workers.split(",")]
    runs = [(int(float(s)), "parquet") for s in args.sizes.split(",") if s]
    runs += [(int(float(s)), "null") for s in args.null.split(",") if s]
    runs += [(int(float(s)), "sql") for s in args.sql.split(",") if s]
    print(
        f"{'orders rows':>12} {'sink':>8} {'what':>12} {'rows/s':>12} {'peak MB':>9} {'ratio':>7}"
    )
    for rows, sink in runs:
        base = run_one("baseline", rows, 1, "parquet") if sink == "parquet" else None
        if base:
            rate = base["rows"] / base["seconds"]
            print(f"{rows:>12,} {sink:>8} {'polars':>12} {rate:>12,.0f} {base['peak_mb']:>9.0f}")
        one = None
        for w in workers:
            got = run_one("synth", rows, w, sink)
            rate = got["rows"] / got["seconds"]
            ratio = f"{got['seconds'] / base['seconds']:.2f}x" if base else ""
            speedup = f" ({one / got['seconds']:.2f}x 1 worker)" if one else ""
            print(
                f"{rows:>12,} {sink:>8} {f'synth w={w}':>12} {rate:>12,.0f} "
                f"{got['peak_mb']:>9.0f} {ratio:>7}{speedup}"
            )
            one = one or got["seconds"]
    print("ratio: synth time / baseline time for the same rows (lower is better)")


if __name__ == "__main__":
    main()
