"""How many children each parent of a run gets (``children_per_parent``), and which
parent each child row points at.

Every parent that is not childless gets one child, and the remaining child rows are
spread by a weight per parent: the stored children-per-parent quantiles (p50, p90,
p99, max) read as a curve over the parents in the relation's rank order, so the
highest-ranked parents are the busiest. The weights are then fitted (iterative
proportional fitting over busiest tenth x soft-deleted) so that the busiest tenth of
the parents hold the measured share of the child rows, and the soft-deleted parents
the share measured by ``soft_deleted_parent``; with few parents that group is more than
a tenth of them, and its share grows with it (:func:`~synth.traits.relations.measure.
top_share`), and no other parent ends up busier than it. The counts are exact: child rows take
*slots* ``0..slots-1`` by a fixed permutation of their position in the table, and a
parent owns a run of slots as long as its count, so every chunk agrees without seeing
the others.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from synth.model import Scalar
from synth.traits.relations.inject import ParentView, in_rank_order, search, slot_permutation
from synth.traits.relations.keysets import Keys
from synth.traits.relations.measure import top_count, top_share

__all__ = ["Spread", "assign", "plan_counts", "segment_counts"]

_EPS = 1e-6
_POINTS = (("p50", 0.5), ("p90", 0.9), ("p99", 0.99), ("max", 1.0))


def _curve(u: np.ndarray, detail: Mapping[str, Scalar]) -> np.ndarray:
    """Children per parent at rank quantiles ``u``: log-linear through the quantiles, from
    a least value mirroring the upper spread below the median (p50^2 / max, at least 1:
    parents that all have 20 children stay flat, not 1 to 20)."""
    median, top = detail.get("p50"), detail.get("max")
    least = 1.0
    if isinstance(median, int | float) and isinstance(top, int | float) and top > 0:
        least = max(1.0, float(median) ** 2 / float(top))
    qs, vs = [0.0], [least]
    for name, q in _POINTS:
        value = detail.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            qs.append(q)
            vs.append(max(1.0, float(value)))
    if len(qs) == 1:
        return np.ones(len(u))
    logs = np.log(np.maximum.accumulate(np.array(vs)))
    out = np.interp(u, np.array(qs), logs)
    return np.exp(out, out=out)


def _integerize(x: np.ndarray, total: int, *, scratch: bool = False) -> np.ndarray:
    """Non-negative integers proportional to ``x`` (>= 0) that add up to ``total``;
    ``scratch``: ``x`` may be overwritten (a large parent's weights are millions)."""
    if total <= 0 or len(x) == 0:
        return np.zeros(len(x), dtype=np.int64)
    s = float(x.sum())
    if s <= 0:
        x = np.full(len(x), total / len(x))
    elif scratch:
        x *= total / s
    else:
        x = x * (total / s)
    out = x.astype(np.int64)  # floor: x >= 0
    rest = min(total - int(out.sum()), len(x))
    if rest > 0:  # the largest remainders, the first of equal ones first
        frac = np.subtract(x, out, out=x)
        kth = np.partition(frac, len(frac) - rest)[len(frac) - rest]
        above = frac > kth
        out[above] += 1
        out[np.flatnonzero(frac == kth)[: rest - int(above.sum())]] += 1
    return out


def _margin(share: float, slots: int, inside: int, outside: int, extra: int) -> float:
    """Extra rows (beyond one per parent) a group of ``inside`` parents should get so
    that it holds ``share`` of the ``slots``."""
    if inside == 0:
        return 0.0
    if outside == 0:
        return float(extra)
    return float(min(max(share * slots - inside, 0.0), extra))


def _fit(cells: np.ndarray, rows: np.ndarray, cols: np.ndarray | None) -> np.ndarray:
    """Iterative proportional fitting of the 2x2 ``cells`` to the margins."""
    t = cells.astype(np.float64).copy()
    for _ in range(100 if cols is not None else 1):
        rs = t.sum(axis=1)
        t *= np.divide(rows, rs, out=np.zeros(2), where=rs > 0)[:, None]
        if cols is None:
            break
        cs = t.sum(axis=0)
        t *= np.divide(cols, cs, out=np.zeros(2), where=cs > 0)[None, :]
    return t


def plan_counts(
    view: ParentView,
    detail: Mapping[str, Scalar],
    *,
    top: float,
    deleted: float | None,
    slots: int,
) -> tuple[np.ndarray, np.ndarray]:
    """(children per parent row, busiest-tenth mask) for ``slots`` child rows: ``top``
    is the share of them the busiest tenth holds, ``deleted`` the share pointing at
    soft-deleted parents (None: not fitted)."""
    m = len(view.keys)
    heavy = np.zeros(m, dtype=bool)
    idx = in_rank_order(view.valid & ~view.childless, view.rank)
    counts = np.zeros(m, dtype=np.int64)  # (freed while the weights are worked out)
    m1 = len(idx)
    if m1 == 0 or slots <= 0:
        return counts, heavy
    busy = np.zeros(m1, dtype=bool)
    busy[m1 - top_count(m1) :] = True
    heavy[idx[busy]] = True
    if slots <= m1:  # fewer children than parents: one each for the busiest
        counts[idx[m1 - slots :]] = 1
        return counts, heavy
    del counts
    extra = slots - m1
    u = np.arange(m1, dtype=np.float64)
    u += 0.5
    u /= m1
    weight = _curve(u, detail)
    del u
    weight -= 1.0
    weight += _EPS
    gone = view.deleted[idx] if deleted is not None else np.zeros(m1, dtype=bool)
    n_busy, n_gone = int(busy.sum()), int(gone.sum())
    top_extra = _margin(top_share(top, m1), slots, n_busy, m1 - n_busy, extra)
    rows = np.array([top_extra, extra - top_extra])
    cols = None
    if deleted is not None:
        gone_extra = _margin(deleted, slots, n_gone, m1 - n_gone, extra)
        cols = np.array([gone_extra, extra - gone_extra])
    cell = (~busy).astype(np.int8) * np.int8(2) + ~gone  # row: busy/not, column: gone/live
    initial = np.bincount(cell, weights=weight, minlength=4).reshape(2, 2)
    fitted = _fit(initial, rows, cols)
    scale = np.divide(fitted, initial, out=np.zeros((2, 2)), where=initial > 0).ravel()
    for c, factor in enumerate(scale):  # in place, cell by cell: no parent-sized temporary
        weight[cell == c] *= factor
    del cell
    placed = _integerize(weight, extra, scratch=True)
    del weight
    placed += 1
    if cols is None:  # (fitted to soft-deleted parents too, the busy cell is not one level)
        _level(placed, m1 - n_busy)  # the busiest are the last in rank order
    counts = np.zeros(m, dtype=np.int64)
    counts[idx] = placed
    return counts, heavy


def _level(counts: np.ndarray, split: int) -> np.ndarray:
    """``counts`` (in place) with no parent before ``split`` (outside the busiest group,
    which is ``counts[split:]``) above the group's least busy one (the fit can push the
    rest past them: the busiest tenth by count would no longer be the group holding the
    measured share); what is cut goes to the others' room below that level, else to the
    busiest group. The total stays."""
    if split <= 0 or split >= len(counts):
        return counts
    rest, top = counts[:split], counts[split:]
    cap = int(top.min())
    over = rest - cap
    excess = int(np.maximum(over, 0, out=over).sum())
    del over
    if excess == 0:
        return counts
    np.minimum(rest, cap, out=rest)
    room = cap - rest
    share = _integerize(room.astype(np.float64), min(excess, int(room.sum())), scratch=True)
    add = np.minimum(share, room, out=share)
    rest += add
    left = excess - int(add.sum())
    if left:
        top += _integerize(np.ones(len(top)), left)
    return counts


class Spread:
    """A relation's plan for one run: how many child rows each parent row owns, held as
    the end of each parent's run of slots (``cumsum`` of the counts, in int32 where the
    total allows: a large parent holds one number per row for the run)."""

    def __init__(self, counts: np.ndarray, heavy: np.ndarray, heavy_keys: Keys) -> None:
        total = int(counts.sum())
        kind = np.int32 if total < 2**31 else np.int64
        self.ends: np.ndarray = np.cumsum(counts, dtype=kind)
        self.total = total
        self.heavy = heavy
        """The busiest tenth of the parents (a mask over parent rows)."""
        self.heavy_keys = heavy_keys
        """Their key values: the rows pointing at them carry ``children_per_parent``."""


def assign(
    spread: Spread,
    offset: int,
    n: int,
    *,
    seed: int,
    table: str,
    column: str,
    rng: np.random.Generator,
) -> np.ndarray:
    """Parent row indices for ``n`` child rows at positions ``offset..offset+n-1`` among
    the table's non-NULL rows: position -> slot by a fixed permutation -> the parent
    owning the slot; positions beyond the slots draw a parent by its count."""
    ends, total = spread.ends, spread.total
    out = np.zeros(n, dtype=np.int64)
    if total == 0 or n == 0:
        return out
    a, b = slot_permutation(seed, table, column, total)
    pos = offset + np.arange(n, dtype=np.int64)
    inside = pos < total
    slots = (a * pos[inside] + b) % total
    # searched in the ends' own type: a mixed search would copy the ends for every chunk
    out[inside] = search(ends, slots.astype(ends.dtype), side="right")
    beyond = int((~inside).sum())
    if beyond:
        counts = np.diff(ends, prepend=ends.dtype.type(0))
        out[~inside] = rng.choice(len(counts), size=beyond, p=counts / total)
    return out


def segment_counts(
    counts: np.ndarray, labels: np.ndarray, shares: np.ndarray, slots: int
) -> np.ndarray:
    """``counts`` re-spread so that the parents of segment ``g`` (``labels == g``; -1:
    none) own ``shares[g]`` of the ``slots``: one each for its parents with children,
    the rest in proportion to their counts above one. A segment with no such parent
    gives its share to the others."""
    out = np.zeros(len(counts), dtype=np.int64)
    groups = [np.flatnonzero((labels == g) & (counts > 0)) for g in range(len(shares))]
    weight = np.array([shares[g] if len(groups[g]) else 0.0 for g in range(len(shares))])
    if weight.sum() <= 0:
        return counts
    wanted = _integerize(weight, slots)
    for owners, rows in zip(groups, wanted, strict=True):
        if len(owners) == 0:
            continue
        if rows >= len(owners):
            out[owners] = 1 + _integerize(counts[owners] - 1.0, int(rows) - len(owners))
        else:  # fewer rows than parents: the busiest get one
            out[owners[np.argsort(-counts[owners], kind="stable")[:rows]]] = 1
    return out
