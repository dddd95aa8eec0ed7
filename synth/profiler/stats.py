"""Turning measured numbers into :class:`ColumnStats`: the rules both profilers share.

A profiler (SQL or polars) fills a :class:`Measured` per column from the source's
own aggregates; everything here is arithmetic on those few numbers: which columns
get quantiles, which are low-cardinality, how values are normalized to profile
scalars, how fractions are rounded. Percentiles use the nearest-rank definition:
``pNN`` is the value at 1-based rank ``ceil(NN * n / 100)`` of the ``n`` sorted
non-NULL values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from synth.model import (
    QUANTILE_POINTS,
    ColumnStats,
    Distribution,
    LogicalType,
    Scalar,
    SemanticType,
    ValueFrequency,
)
from synth.model.values import round_fraction, to_scalar
from synth.profiler.semantic import is_personal

__all__ = [
    "MAX_FREQUENT",
    "NO_DISTINCT",
    "PERCENTS",
    "QUANTILE_TYPES",
    "Measured",
    "column_stats",
    "extreme_ranks",
    "nearest_rank",
    "wants_frequent",
]

L = LogicalType

MAX_FREQUENT = 50
"""At most this many frequent values are stored (and low cardinality means <= this many)."""
LOW_CARDINALITY_SHARE = 0.5
"""...and at most this share of the non-NULL rows: a 40-row table of 40 ids is not low."""

QUANTILE_TYPES = frozenset({L.INTEGER, L.FLOAT, L.DECIMAL, L.DATE, L.DATETIME, L.TIME})
"""Columns whose values get a Distribution (strings get one of their lengths)."""
NO_DISTINCT = frozenset({L.JSON, L.OPAQUE, L.GEOMETRY})
"""Columns not compared for equality (PostgreSQL json and point have no ``=``)."""
NO_FREQUENT = frozenset({L.ARRAY, L.BINARY, L.JSON, L.OPAQUE, L.GEOMETRY})

PERCENTS: tuple[tuple[str, int], ...] = tuple((name, round(q * 100)) for name, q in QUANTILE_POINTS)
"""(field name, integer percent) of the stored percentiles: ("p01", 1) ... ("p99", 99)."""


def nearest_rank(percent: int, n: int) -> int:
    """1-based rank of the ``percent``-th percentile among ``n`` sorted values (exact integers)."""
    return max(1, -(-percent * n // 100))


def extreme_ranks(n: int, k: int) -> tuple[int, int] | None:
    """1-based ranks of the k-th smallest and k-th largest of ``n`` sorted values, which a
    profile stores as ``min`` and ``max``; None when ``n < 2k`` (no distribution is stored).
    ``k = 1`` turns the rule off: the true extremes of any ``n >= 1`` values."""
    if n < 1 or k < 1 or (k > 1 and n < 2 * k):
        return None
    return k, n - k + 1


@dataclass
class Measured:
    """What a profiler measured for one column, as raw source values."""

    nonnull: int = 0
    distinct: int | None = None
    value_min: Any = None
    value_max: Any = None
    value_quantiles: dict[str, Any] = field(default_factory=dict)
    length_min: Any = None
    length_max: Any = None
    length_quantiles: dict[str, Any] = field(default_factory=dict)
    shape_counts: dict[SemanticType, int] = field(default_factory=dict)
    frequent: list[tuple[Any, int]] = field(default_factory=list)
    value_low: Any = None
    """The k-th smallest value (k = ``min_count``): what a profile stores as ``min``."""
    value_high: Any = None
    """The k-th largest value: what a profile stores as ``max``."""
    length_low: Any = None
    """The k-th smallest character length (strings)."""
    length_high: Any = None
    """The k-th largest character length (strings)."""
    finite: int | None = None
    """Non-NULL values that are numbers (floats: not NaN or infinite; None: all of them)."""

    @property
    def valued(self) -> int:
        """How many values ``values`` (min, max, percentiles) describes."""
        return self.nonnull if self.finite is None else self.finite


def _distribution(
    low: Any, high: Any, quantiles: dict[str, Any], logical: LogicalType
) -> Distribution | None:
    lo, hi = to_scalar(low, logical), to_scalar(high, logical)
    if lo is None or hi is None:
        return None
    points = {name: to_scalar(quantiles.get(name), logical) for name, _ in PERCENTS}
    return Distribution(min=lo, max=hi, **points)


def wants_frequent(
    logical: LogicalType,
    semantic: SemanticType | None,
    distinct: int | None,
    nonnull: int,
    has_domain: bool,
) -> bool:
    """Whether a column's most frequent values are measured and stored."""
    if nonnull <= 0 or logical in NO_FREQUENT or is_personal(semantic):
        return False
    if logical is L.BOOLEAN or has_domain:
        return True
    return (
        distinct is not None
        and distinct <= MAX_FREQUENT
        and distinct <= LOW_CARDINALITY_SHARE * nonnull
    )


def _order_key(value: Scalar) -> tuple[int, Any]:
    if isinstance(value, int | float):
        return (0, value)
    return (1, str(value))


def _frequent(
    pairs: Iterable[tuple[Any, int]], rows: int, logical: LogicalType
) -> tuple[ValueFrequency, ...]:
    counted: list[tuple[Scalar, int]] = []
    for raw, count in pairs:
        value = to_scalar(raw, logical)
        if value is not None:
            counted.append((value, int(count)))
    counted.sort(key=lambda vc: (-vc[1], _order_key(vc[0])))
    return tuple(
        ValueFrequency(value=v, fraction=round_fraction(c, rows)) for v, c in counted[:MAX_FREQUENT]
    )


def column_stats(rows: int, logical: LogicalType, m: Measured) -> ColumnStats:
    """The :class:`ColumnStats` of a column of a ``rows``-row table."""
    values = lengths = None
    if m.valued > 0 and logical in QUANTILE_TYPES:
        values = _distribution(m.value_min, m.value_max, m.value_quantiles, logical)
    if m.nonnull > 0 and logical in (L.STRING, L.ARRAY):  # characters; elements of an array
        lengths = _distribution(m.length_min, m.length_max, m.length_quantiles, L.INTEGER)
    return ColumnStats(
        null_fraction=round_fraction(rows - m.nonnull, rows),
        distinct=m.distinct,
        values=values,
        lengths=lengths,
        frequent=_frequent(m.frequent, rows, logical),
    )
