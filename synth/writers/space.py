"""Room for a fixture set: its size estimated from the plan before anything is written, and
refused in one line when the disk holding ``--out`` has less free space.

The estimate is deliberately low (it refuses only what cannot fit): each column's width
from the profile (a string's median length, a fixed width for other types) times the rows,
times what the format makes of raw bytes (its writer's ``size_factor``: Parquet
compresses, SQL text spells every value out).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from synth.errors import OutputError
from synth.model import Column, LogicalType

if TYPE_CHECKING:
    from synth.generator.plan import Plan

__all__ = ["check_free_space", "estimate_bytes", "human_bytes"]

L = LogicalType
_WIDTH = {L.BOOLEAN: 1, L.INTEGER: 4, L.FLOAT: 4, L.DECIMAL: 8, L.DATE: 4, L.DATETIME: 8}
_DEFAULT_WIDTH = 8


def _width(column: Column) -> float:
    lengths = column.stats.lengths
    if column.type in (L.STRING, L.ARRAY) and lengths is not None:
        middle = lengths.p50
        if isinstance(middle, int | float) and not isinstance(middle, bool):
            return max(1.0, float(middle))
    return float(_WIDTH.get(column.type, _DEFAULT_WIDTH))


def estimate_bytes(plan: Plan, factor: float, shards: int = 1) -> int:
    """About how many bytes the fixture set of ``plan`` takes, at ``factor`` bytes per raw
    byte (a shard writes ``1/shards`` of the rows); a low estimate."""
    raw = sum(
        tp.rows * sum(_width(c) * (1.0 - c.stats.null_fraction) for c in tp.table.columns)
        for tp in plan.tables
    )
    return int(raw * factor / max(1, shards))


def human_bytes(n: float) -> str:
    for unit in ("bytes", "KB", "MB", "GB", "TB", "PB"):
        if n < 1000 or unit == "PB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1000
    raise AssertionError  # pragma: no cover


def check_free_space(out: Path, needed: int, rows: int) -> None:
    """An :class:`OutputError` when ``needed`` bytes (for ``rows`` rows) will not fit on the
    disk that holds ``out``."""
    where = next((p for p in (out, *out.parents) if p.exists()), Path.cwd())
    try:
        free = shutil.disk_usage(where).free
    except OSError:
        return  # no way to tell: the write itself will say
    if needed > free:
        raise OutputError(
            f"{rows:,} rows need about {human_bytes(needed)} in {str(out)!r} but only "
            f"{human_bytes(free)} are free on that disk; nothing was written: pass fewer "
            "--rows (or a smaller --scale), or choose another --out"
        )
