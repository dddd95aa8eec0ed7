"""In which order a load writes its tables, and which foreign keys wait until the end.

The target's own enforced foreign keys decide (not the profile's: an inferred relation
is enforced nowhere, and the target may differ from the source). Parents are loaded
before their children; a cycle (``employees.department_id`` and
``departments.manager_id``) is broken at a key the target lets be NULL, whose columns
are loaded as NULL and set by an ``UPDATE`` once every table is in. A cycle with no such
key needs the constraint deferred (PostgreSQL ``DEFERRABLE``, MySQL
``foreign_key_checks``, SQLite ``defer_foreign_keys``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from synth.loader.target import TargetKey, TargetTable

__all__ = ["LoadOrder", "earlier_rows_only", "load_order"]


@dataclass
class LoadOrder:
    """Table keys parents first, and per table the keys filled after every table."""

    tables: list[str]
    deferred: dict[str, list[TargetKey]] = field(default_factory=dict)

    def later(self, key: str) -> list[TargetKey]:
        return self.deferred.get(key, [])


def load_order(targets: Mapping[str, TargetTable], rows: Mapping[str, int]) -> LoadOrder:
    """Kahn's algorithm over the target's foreign keys between loaded tables, in the given
    order where it leaves a choice; a cycle is broken at a nullable key of the smallest
    table (fewest updates), else at any key (its constraint must then be deferred)."""
    deferred: dict[str, list[TargetKey]] = {}
    placed: set[str] = set()
    out: list[str] = []
    remaining = list(targets)

    def waits(key: str) -> list[TargetKey]:
        return [
            fk
            for fk in targets[key].foreign_keys
            if fk.parent != key and fk.parent not in placed and fk not in deferred.get(key, [])
        ]

    while remaining:
        ready = next((k for k in remaining if not waits(k)), None)
        if ready is not None:
            out.append(ready)
            placed.add(ready)
            remaining.remove(ready)
            continue
        pending = [(k, fk) for k in remaining for fk in waits(k)]
        key, fk = min(pending, key=lambda p: (not p[1].nullable, rows.get(p[0], 0), p[0]))
        deferred.setdefault(key, []).append(fk)
    return LoadOrder(out, deferred)


def earlier_rows_only(frame: pl.DataFrame, fk: TargetKey, key: Sequence[str]) -> bool:
    """Whether every row of a self-referencing ``frame`` points at a row before it (or at
    itself, or nowhere), so that rows inserted in order satisfy ``fk`` at every step."""
    cols, parents = list(fk.columns), list(fk.parent_columns)
    if not set(cols) | set(parents) <= set(frame.columns) or not key:
        return False
    indexed = frame.with_row_index("__synth_row")
    refs = indexed.filter(pl.all_horizontal(pl.col(c).is_not_null() for c in cols))
    if refs.height == 0:
        return True
    targets = indexed.select([*parents, pl.col("__synth_row").alias("__synth_parent")])
    targets = targets.cast({p: frame.schema[c] for p, c in zip(parents, cols, strict=True)})
    joined = refs.join(targets, left_on=cols, right_on=parents, how="left")
    later = joined.filter(pl.col("__synth_parent") > pl.col("__synth_row"))
    return later.height == 0
