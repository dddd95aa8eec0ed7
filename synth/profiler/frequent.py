"""The frequent-value query of one column: its most common values and their counts (at
most :data:`~synth.profiler.stats.MAX_FREQUENT`), with their ages where the table is dated."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from synth.model import LogicalType
from synth.profiler.dialects import Dialect
from synth.profiler.session import execute, frequent_label
from synth.profiler.stats import MAX_FREQUENT

__all__ = ["STATS_TAG", "frequent_query"]

STATS_TAG = "/* synth:profile */"
"""Leading comment of every statistics query."""

_RAW = sa.types.NullType()
"""Results are coerced to this type so that values arrive as the driver returns them."""


def frequent_query(
    conn: sa.Connection,
    dialect: Dialect,
    source: Any,
    expr: Any,
    logical: LogicalType,
    column: str,
    dated: tuple[Any, Any] | None,
) -> list[tuple[Any, ...]]:
    """(value, count) rows; with ``dated`` = (time column, old-before instant) also each
    value's newest time and its count of old rows (for legacy values and stale rows)."""
    key = dialect.exact(expr, logical)
    value = expr if key is expr else sa.func.min(expr)
    count = sa.func.count().label("n")
    ages = []
    if dated is not None:
        time, old_before = dated
        ages = [
            sa.type_coerce(sa.func.max(time), _RAW).label("newest"),
            sa.func.sum(sa.case((time < old_before, 1), else_=0)).label("old"),
        ]
    query = (
        sa.select(sa.type_coerce(value, _RAW).label("v"), count, *ages)
        .select_from(source)
        .where(expr.is_not(None))
        .group_by(key)
        .order_by(sa.desc("n"), key)
        .limit(MAX_FREQUENT)
        .prefix_with(STATS_TAG)
    )
    return [tuple(row) for row in execute(conn, query, frequent_label(column))]
