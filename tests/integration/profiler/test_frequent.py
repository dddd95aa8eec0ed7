"""Frequent values are exact in every form of their query.

PostgreSQL counts a table's low-cardinality columns in one statement: over the value
combinations first (a plain ``GROUP BY a, b, ...``) when they are few, else by grouping
sets over the table; MariaDB and SQLite send a ``UNION ALL`` of one ``GROUP BY`` per
column (either table). Both tables here are checked against counts made in Python: ``few`` has 2
low-cardinality columns (123 combinations), ``many`` has 3 of 40 values each (68,921).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import synth
from synth.model import Profile
from tests.integration.traits_support import Db

AS_OF = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def _column(r: random.Random, values: list[str]) -> list[str]:
    """Value ``i`` in ``16 + 3 i`` rows (above the privacy threshold, NULLs of ``a`` aside)."""
    out = [v for i, v in enumerate(values) for _ in range(16 + 3 * i)]
    r.shuffle(out)
    return out


def _rows() -> list[dict]:
    r = random.Random(5)
    names = [f"v{i:02d}" for i in range(40)]
    a, b, c = _column(r, names), _column(r, names), _column(r, names)
    rows = []
    for i, values in enumerate(zip(a, b, c, strict=True)):
        legacy = i % 50 == 0  # 'premium': only in rows older than two years
        day = AS_OF - dt.timedelta(days=800 + i % 300 if legacy else i % 300)
        rows.append(
            {
                "id": i + 1,
                "a": None if i % 17 == 0 else values[0],
                "b": values[1],
                "c": values[2],
                "plan": "premium" if legacy else ("basic", "pro")[i % 2],
                "created_at": day.replace(tzinfo=None),
            }
        )
    return rows


def _expected(rows: list[dict], column: str) -> dict[str, float]:
    counts = Counter(row[column] for row in rows if row[column] is not None)
    return {v: n / len(rows) for v, n in counts.items()}


def _frequent(profile: Profile, table: str, column: str) -> dict[str, float]:
    stats = profile.table(table).column(column).stats
    return {str(f.value): f.fraction for f in stats.frequent}


def test_frequent_values_are_exact_in_every_query_form(db: Db) -> None:
    rows = _rows()
    ddl = (
        "CREATE TABLE {name} (id INTEGER PRIMARY KEY, {cols}, plan VARCHAR(10) NOT NULL, "
        "created_at TIMESTAMP NOT NULL)"
    )
    db.run(
        ddl.format(name="few", cols="a VARCHAR(10), b VARCHAR(10), c VARCHAR(40)"),
        ddl.format(name="many", cols="a VARCHAR(10), b VARCHAR(10), c VARCHAR(10)"),
        rows={
            "few": [{**row, "c": f"{row['c']}-{row['id']}"} for row in rows],
            "many": rows,
        },
    )
    profile = synth.profile(db.url, as_of=AS_OF)
    for table, columns in (("few", ("a", "b", "plan")), ("many", ("a", "b", "c", "plan"))):
        for column in columns:
            want = _expected(rows, column)
            got = _frequent(profile, table, column)
            assert got.keys() == want.keys(), (table, column)
            for value, share in want.items():
                assert abs(got[value] - share) < 1e-6, (table, column, value)
        assert not profile.table(table).column("c").stats.frequent or table == "many"
        legacy = [t.value for t in profile.table(table).column("plan").stats.traits
                  if t.trait == "legacy_value"]  # fmt: skip
        assert legacy == ["premium"], (table, legacy)
