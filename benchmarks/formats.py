"""What the format statistic costs: one table of text columns, profiled whole, and its
format statistic alone (the sample query, then the masks computed in Python).

    python benchmarks/formats.py [ROWS] [URL]

ROWS defaults to 200,000; URL to a fresh SQLite file (PostgreSQL or MariaDB: an empty
database the script may fill). Prints seconds for the whole profile, for the sample
query and for the masking, and the share of the profile the statistic takes.
"""

from __future__ import annotations

import random
import string
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

import synth
from synth.model import Column, LogicalType, Table
from synth.profiler.formats import _sample_sql, format_stats

COLUMNS = ("slug", "password", "day", "phone", "tags", "meta", "code", "note")


def _row(i: int, r: random.Random) -> dict[str, object]:
    words = "-".join(r.choice(("how", "to", "train", "dragon", "post")) for _ in range(4))
    salt = "".join(r.choice(string.ascii_letters + string.digits) for _ in range(53))
    return {
        "id": i + 1,
        "slug": f"{words}-{i:x}",
        "password": f"$2b$12${salt}" if i % 4 else f"md5${i:08x}${r.getrandbits(128):032x}",
        "day": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}",
        "phone": f"+49 151 {r.randint(1000000, 9999999)}",
        "tags": ", ".join(r.sample(("news", "tech", "art", "food"), 1 + i % 3)),
        "meta": f'{{"id": {i}, "ok": true}}',
        "code": f"INV-{i % 1000000:06d}",
        "note": " ".join(r.choice(("lorem", "ipsum", "dolor", "sit")) for _ in range(8)),
    }


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{Path(tempfile.mkdtemp()) / 'f.db'}"
    engine = sa.create_engine(url)
    r = random.Random(1)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS bench_formats")
        cols = ", ".join(f"{c} VARCHAR(200)" for c in COLUMNS)
        conn.exec_driver_sql(f"CREATE TABLE bench_formats (id INTEGER PRIMARY KEY, {cols})")
        names = ("id", *COLUMNS)
        insert = sa.text(
            f"INSERT INTO bench_formats ({', '.join(names)}) "
            f"VALUES ({', '.join(':' + c for c in names)})"
        )
        for start in range(0, rows, 20_000):
            conn.execute(insert, [_row(i, r) for i in range(start, min(rows, start + 20_000))])
    t0 = time.perf_counter()
    synth.profile(url, tables=["bench_formats"])
    whole = time.perf_counter() - t0

    text = "VARCHAR(200)"
    columns = tuple(Column(name=c, type=LogicalType.STRING, sql_type=text) for c in COLUMNS)
    key = Column(name="id", type=LogicalType.INTEGER, sql_type="INTEGER")
    table = Table(name="bench_formats", rows=rows, primary_key=("id",), columns=(key, *columns))
    source = sa.table("bench_formats", *(sa.column(c) for c in ("id", *COLUMNS)))
    t0 = time.perf_counter()
    with engine.connect() as conn:
        found = conn.execute(_sample_sql(table, list(columns), engine.dialect.name)(source)).all()
    query = time.perf_counter() - t0
    t0 = time.perf_counter()
    for i, col in enumerate(columns):
        format_stats(col, [row[i] for row in found if row[i] is not None], 10)
    masking = time.perf_counter() - t0
    engine.dispose()
    print(f"{engine.dialect.name}, {rows:,} rows, {len(COLUMNS)} text columns")
    print(f"whole profile       {whole:8.2f} s")
    print(f"format sample query {query:8.2f} s  ({len(found):,} rows read)")
    print(f"format masking      {masking:8.2f} s")
    print(f"format statistic    {100 * (query + masking) / whole:7.1f} % of the profile")


if __name__ == "__main__":
    main()
