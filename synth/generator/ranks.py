"""Values of a composite key's member that must differ inside each group, in the member's
own distribution.

In a key such as ``UNIQUE (sensor_id, measured_at)`` or ``(account_id, period_start)``, the
generator lays rows out in groups (one per sensor, per account) and the other member must
take distinct values inside a group. Counting up from the column's minimum keeps them
distinct but collapses a datetime onto its first few seconds. Here instead:

- a member with a finite set of values (its frequent values cover its rows: twelve
  billing months, three meters) draws, per group, as many values as the group has rows
  *without replacement*, weighted by their measured shares (Gumbel top-k), in value order;
  a group never holds more rows than there are values (:func:`capacity`);
- another temporal member takes the k-th of w stratified draws through its inverse CDF,
  ``F^-1((k + v_g) / w)`` with a per-group offset ``v_g``, plus ``k`` steps of the column's
  resolution: non-decreasing in ``k`` plus strictly increasing, so distinct.

Every random number is a hash of the group number (:func:`synth.internal.streams.hashed_uniform`),
so a group split across two chunks draws the same values in both.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from synth.generator.samplers.base import ColumnContext, Sampler
from synth.internal.streams import hashed_uniform
from synth.internal.vectors import inverse_cdf
from synth.model import Column, LogicalType

__all__ = ["RANKED_TYPES", "alone_unique", "capacity", "ranked_values", "within_member"]

RANKED_TYPES = frozenset({LogicalType.DATE, LogicalType.DATETIME, LogicalType.TIME})
"""Types whose group members are drawn from their distribution (others count up)."""
_POOLED = RANKED_TYPES | {LogicalType.STRING}
RESIDUAL = 1e-3
"""A column's values are finite when its frequent values leave at most this share."""
_STEP = {LogicalType.DATE: 86_400_000_000, LogicalType.DATETIME: 1, LogicalType.TIME: 1}
"""The tie-break step, in microseconds: one day for dates, one microsecond otherwise."""


def _pool(col: Column) -> tuple[list[object], np.ndarray] | None:
    """The column's finite values and their weights, or None when it has other values."""
    stats = col.stats
    if col.type not in _POOLED or not stats.frequent or stats.other_fraction > RESIDUAL:
        return None
    return [f.value for f in stats.frequent], np.array([f.fraction for f in stats.frequent])


ALONE = 0.99
"""A key member is unique on its own when its distinct values are this share of its rows."""


def alone_unique(col: Column, rows: int) -> bool:
    """Whether ``col`` alone tells the rows apart in production (``invoice_id`` in a
    partitioned table's ``PRIMARY KEY (invoice_id, period_start)``): it then carries the
    key's uniqueness and the other members keep their own distributions."""
    distinct = col.stats.distinct
    return (
        col.type in (LogicalType.INTEGER, LogicalType.STRING, LogicalType.UUID)
        and rows >= 10
        and distinct is not None
        and distinct >= ALONE * rows * (1.0 - col.stats.null_fraction)
    )


def within_member(columns: list[Column]) -> Column:
    """The member that tells a group's rows apart: the one with the most distinct values
    (``recorded_at`` rather than ``meter`` in ``(account_id, meter, recorded_at)``)."""
    return max(reversed(columns), key=lambda c: c.stats.distinct or 0)


def capacity(col: Column) -> int | None:
    """At most how many rows of one group the member can tell apart (None: no limit)."""
    pool = _pool(col)
    return len(pool[0]) if pool is not None else None


def ranked_values(
    ctx: ColumnContext,
    sampler: Sampler,
    group: np.ndarray,
    within: np.ndarray,
    width: np.ndarray,
) -> pl.Series | None:
    """Distinct values inside each group for rows (``group``, ``within`` of ``width``), or
    None where the column counts up instead (integers, strings with no finite set)."""
    col = ctx.column
    pool = _pool(col)
    if pool is not None:
        return _from_pool(ctx, sampler, pool, group, within, width)
    if col.type not in RANKED_TYPES or col.stats.values is None:
        return None
    from synth.generator.samplers.temporal import from_micros, micros_points

    v = hashed_uniform(ctx.seed, ctx.table, col.name, "rank", group)
    qs, vs = micros_points(ctx)
    u = np.clip((within + v) / np.maximum(width, 1), 0.0, 1.0)
    step = _STEP[col.type]
    micros = np.rint(inverse_cdf(qs, vs, u)).astype(np.int64)
    micros -= micros % step  # dates: whole days before the tie-break
    return from_micros(ctx, micros + within.astype(np.int64) * step)


def _from_pool(
    ctx: ColumnContext,
    sampler: Sampler,
    pool: tuple[list[object], np.ndarray],
    group: np.ndarray,
    within: np.ndarray,
    width: np.ndarray,
) -> pl.Series:
    values = sampler.convert(ctx, pool[0])
    weights = pool[1][: len(values)]
    order = np.argsort(values.to_numpy(), kind="stable")  # value order inside a group
    values, weights = values.gather(order), weights[order]
    p = len(values)
    groups, row_group = np.unique(group, return_inverse=True)
    keys = np.arange(p, dtype=np.int64)[None, :] + groups[:, None].astype(np.int64) * p
    u = hashed_uniform(ctx.seed, ctx.table, ctx.column.name, "pool", keys.ravel())
    gumbel = np.log(np.maximum(weights, 1e-12))[None, :] - np.log(-np.log(u.reshape(keys.shape)))
    group_width = np.zeros(len(groups), dtype=np.int64)
    np.maximum.at(group_width, row_group, np.minimum(width, p))
    rank = np.argsort(np.argsort(-gumbel, axis=1), axis=1)  # 0 = most likely value
    chosen = rank < group_width[:, None]
    taken = np.cumsum(chosen, axis=1)
    # the k-th chosen value in value order: the first position where k+1 are taken
    index = (taken[row_group] <= within[:, None]).sum(axis=1)
    return values.gather(np.minimum(index, p - 1)).rename(ctx.column.name)
