"""Injecting relation traits: which parents are childless, busy or soft-deleted in a run,
and child foreign-key values pointed at them.

A parent table is generated before its children, and neither sees the other's chunks.
So both compute the same :class:`ParentView` from the same inputs: the parent's
generated keys and soft-delete column (``ctx.parent_values``, before its traits), the
run's seed and the shares stored in the profile. The childless parents are chosen by
a permutation drawn from a stream named after the relation, so the parent's
``childless_parent`` rows and the child's re-pointed values agree in every chunk.

Carriers (which rows carry a trait) need the parent's keys, which a carriers
expression cannot reach: :func:`remember` keeps them, per table and trait entry, when
a chunk is injected (in the run's memo), and :func:`recall` hands them to ``carriers``.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass

import numpy as np
import polars as pl

from synth.internal.streams import affine_permutation, stream
from synth.model import Column, LogicalType, Scalar, Table, TraitStat
from synth.model.arrow import integer_bounds
from synth.traits.base import InjectContext, RunMemo, TableTrait
from synth.traits.relations.keysets import Keys, KeySpan, key_span

__all__ = [
    "ParentView",
    "RelationTrait",
    "carrying",
    "child_view",
    "free_first",
    "in_key",
    "in_rank_order",
    "number",
    "orphan_values",
    "parent_view",
    "pointing",
    "recall",
    "remember",
    "remember_childless",
    "round_half_up",
    "search",
    "sibling",
    "slot_permutation",
    "text",
]


def _stash_key(table: str, stat: TraitStat) -> tuple[object, ...]:
    return (stat.trait, table, stat.columns, tuple(sorted(stat.detail.items())))


def remember(memo: RunMemo, table: str, stat: TraitStat, keys: Keys) -> None:
    """Keep, in the run's ``memo``, the parent keys that make rows of ``table`` carry
    ``stat``."""
    memo[_stash_key(table, stat)] = keys


def recall(memo: RunMemo, table: str, stat: TraitStat) -> Keys | None:
    found: Keys | None = memo.get(_stash_key(table, stat))
    return found


def remember_childless(memo: RunMemo, parent: str, relation: str, share: float) -> None:
    """Keep the childless share the parent table used in this run (a boosted
    ``childless_parent`` differs from the copy in the child's entry)."""
    memo[("childless_parent", parent, relation)] = share


def _childless_share(memo: RunMemo, parent: str, relation: str, stored: float) -> float:
    return float(memo.get(("childless_parent", parent, relation), stored))


class RelationTrait(TableTrait):
    """A trait of the rows of a foreign key (``stat.columns[0]``): injected by re-pointing
    the key, so it runs first; its carriers are the rows pointing at the parent keys its
    :meth:`apply` remembered."""

    family = "relations"
    stage = 0

    def carriers(self, table: Table, stat: TraitStat, memo: RunMemo) -> pl.Expr:
        return carrying(stat.columns[0], recall(memo, table.key, stat))


def carrying(column: str, keys: Keys | None) -> pl.Expr:
    """Rows whose ``column`` holds one of ``keys`` (none when nothing was remembered)."""
    if keys is None:
        return pl.lit(False)
    if isinstance(keys, KeySpan):
        return keys.contains(column)
    return pl.col(column).cast(keys.dtype, strict=False).is_in(keys.implode())


def round_half_up(x: float) -> int:
    return math.floor(x + 0.5)


def _ranks(seed: int, table: str, column: str, purpose: str, m: int) -> np.ndarray:
    """A random rank (0..m-1) per row, from a stream named by ``purpose``."""
    perm = stream(seed, table, column, purpose=purpose).permutation(m)
    rank = np.empty(m, dtype=_index_type(m))
    rank[perm] = np.arange(m, dtype=rank.dtype)
    return rank


def _index_type(m: int) -> type[np.signedinteger]:
    """The narrowest of int32 and int64 that numbers ``m`` rows: a parent's ranks and
    orders are held for the run, 4 bytes a row where 8 are not needed."""
    return np.int32 if m < 2**31 else np.int64


def in_rank_order(mask: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Indices of the rows of ``mask``, lowest ``rank`` first. ``rank`` is a permutation
    (see :func:`_ranks`), so this inverts it instead of sorting: O(rows), where a sort of
    a 2M-row parent took 0.2 s."""
    kind = _index_type(len(rank))
    order = np.empty(len(rank), dtype=kind)
    order[rank] = np.arange(len(rank), dtype=kind)
    return order[mask[order]]


def _lowest(mask: np.ndarray, rank: np.ndarray, k: int) -> np.ndarray:
    """Indices of the ``k`` rows of ``mask`` with the lowest ``rank``."""
    return in_rank_order(mask, rank)[: max(0, k)]


@dataclass(frozen=True)
class ParentView:
    """A parent table as every table of a run sees it for one relation."""

    keys: pl.Series
    """The parent's generated key values in row order (NULL where it has none)."""
    valid: np.ndarray
    deleted: np.ndarray
    """Rows whose soft-delete column is set (all False without one)."""
    forced: np.ndarray
    """Row indices made soft-deleted so that at least one is (see :func:`parent_view`)."""
    childless: np.ndarray
    rank: np.ndarray
    """The relation's random rank of each row: childless parents have the lowest ranks
    of their group, the busiest parents the highest."""


def parent_view(
    ctx: InjectContext,
    parent: str,
    key: str,
    *,
    relation: str,
    childless: float,
    flag: str | None,
    deleted_childless: float | None,
    keep: np.ndarray | None = None,
) -> ParentView | None:
    """The view of ``parent`` for the relation named ``relation`` (``child.fk``), or None
    when the parent is not generated in this run. Rows in ``keep`` (one parent of each
    cohort segment) are made childless only when no other row can be.

    ``childless`` is the share of parent rows with no child through the relation (at
    least ``min_rows`` parents when it is not 0, and never all of them unless it is 1).
    With a soft-delete ``flag`` and ``deleted_childless`` (the share of soft-deleted
    parents that are childless), that share of the soft-deleted parents is childless,
    the rest of the childless parents are live ones; and when no parent of the run is
    soft-deleted, the lowest-ranked parent by a stream named after the flag (the same
    for every relation) is made soft-deleted (``forced``), so that soft-deleted parents
    appear even in a tiny fixture."""
    columns = [key] + ([flag] if flag else [])
    try:
        values = ctx.parent_values(parent, columns)
    except KeyError:
        return None
    keys = values.get_column(key)
    m = len(keys)
    valid = keys.is_not_null().to_numpy()
    deleted = np.zeros(m, dtype=bool)
    forced = np.zeros(0, dtype=np.int64)
    if flag:
        deleted = values.get_column(flag).is_not_null().to_numpy() & valid
        if valid.any() and not deleted.any():
            order = _ranks(ctx.seed, parent, flag, "relation:deleted", m)
            forced = _lowest(valid, order, 1)
            deleted[forced] = True
    rank = _ranks(ctx.seed, parent, key, f"relation:{relation}", m)
    none = np.zeros(m, dtype=bool)
    total = int(valid.sum())
    if childless <= 0 or total == 0:
        return ParentView(keys, valid, deleted, forced, none, rank)
    count = round_half_up(childless * total)
    if childless < 1:
        count = min(max(count, min(ctx.min_rows, total - 1)), total - 1)
    count = min(count, total)
    picked = none.copy()
    if flag and deleted_childless is not None and deleted.any():
        n_del = int(deleted.sum())
        n_live = total - n_del
        nd = round_half_up(deleted_childless * n_del)
        if deleted_childless < 1:
            nd = min(nd, n_del - 1)
        nd = min(nd, count)
        nl = min(count - nd, n_live)
        nd = min(count - nl, n_del)
        picked[_spared(deleted, rank, nd, keep)] = True
        picked[_spared(valid & ~deleted, rank, nl, keep)] = True
    else:
        picked[_spared(valid, rank, count, keep)] = True
    view = ParentView(keys, valid, deleted, forced, picked, rank)
    ctx.memo[("parent_view", parent, relation)] = view
    return view


def _spared(mask: np.ndarray, rank: np.ndarray, k: int, keep: np.ndarray | None) -> np.ndarray:
    """The ``k`` lowest-ranked rows of ``mask``, rows of ``keep`` only where others run out."""
    if keep is None:
        return _lowest(mask, rank, k)
    first = _lowest(mask & ~keep, rank, k)
    return np.concatenate([first, _lowest(mask & keep, rank, k - len(first))])


def shared_view(memo: RunMemo, parent: str, relation: str) -> ParentView | None:
    """The view of ``parent`` for ``relation`` made earlier in this run (by the parent
    table's ``childless_parent``), which every child must see unchanged."""
    view = memo.get(("parent_view", parent, relation))
    return view if isinstance(view, ParentView) else None


def text(value: Scalar | None) -> str | None:
    return None if value is None else str(value)


def number(value: Scalar | None) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def sibling(table: Table, trait: str, fk: str) -> TraitStat | None:
    """The table's ``trait`` entry on the same foreign-key column."""
    return next((s for s in table.traits if s.trait == trait and s.columns == (fk,)), None)


def in_key(table: Table, column: str) -> bool:
    """Whether ``column`` is part of the primary key or of a unique constraint."""
    return column in table.primary_key or any(column in u for u in table.unique)


def child_view(
    ctx: InjectContext, table: Table, fk: str, detail: dict[str, Scalar]
) -> ParentView | None:
    """The parent as the child's ``children_per_parent`` entry ``detail`` describes it
    (with the childless share the parent table used in this run, if it was generated)."""
    parent = str(detail["parent"])
    relation = f"{table.key}.{fk}"
    made = shared_view(ctx.memo, parent, relation)
    if made is not None:
        return made
    return parent_view(
        ctx,
        parent,
        str(detail["key"]),
        relation=relation,
        childless=_childless_share(
            ctx.memo, parent, relation, number(detail.get("childless")) or 0.0
        ),
        flag=text(detail.get("flag")),
        deleted_childless=number(detail.get("deleted_childless")),
    )


def slot_permutation(seed: int, table: str, column: str, slots: int) -> tuple[int, int]:
    """``(a, b)`` of the permutation ``slot = (a * position + b) % slots``."""
    return affine_permutation(seed, table, column, "relation:slots", slots)


def pointing(
    values: pl.Series, keys: pl.Series, memo: RunMemo | None = None, name: object = None
) -> np.ndarray:
    """The parent row index each of ``values`` points at (-1: NULL or no such parent).
    With the run's ``memo`` and a ``name`` for ``keys`` (the same keys in every chunk), the
    lookup is built once per run, not once per chunk: it costs as much as the parent has
    rows."""
    cached = ("relations", "lookup", name)
    lookup = memo.get(cached) if memo is not None and name is not None else None
    if keys.dtype.is_integer() and values.dtype.is_integer():
        return _pointing_sorted(values, keys, memo, name)
    if lookup is None:
        lookup = (
            pl.DataFrame({"k": keys, "i": np.arange(len(keys), dtype=np.int64)})
            .filter(pl.col("k").is_not_null())
            .unique("k", keep="first")  # the output order does not matter to a join
        )
        if memo is not None and name is not None:
            memo[cached] = lookup
    child = pl.DataFrame({"k": values.cast(keys.dtype, strict=False)})
    joined = child.join(lookup, on="k", how="left", maintain_order="left")
    return joined.get_column("i").fill_null(-1).to_numpy()


def _pointing_sorted(
    values: pl.Series, keys: pl.Series, memo: RunMemo | None, name: object
) -> np.ndarray:
    """:func:`pointing` for integer keys: a binary search in the keys sorted once per run,
    so a chunk costs its own rows, not the parent's; keys counting up by one in row order
    (a generated integer key) need no search and no sorted copy (:func:`key_span`)."""
    span = key_span(keys, memo, name)
    out = np.full(len(values), -1, dtype=np.int64)
    present = values.is_not_null().to_numpy()
    if not present.any():
        return out
    wanted = values.drop_nulls().cast(pl.Int64, strict=False).to_numpy()
    if span is not None:  # keys counting up by one: a value's row is its offset
        at = wanted - span.first
        hit = (at >= 0) & (at < span.count)
        out[np.flatnonzero(present)[hit]] = at[hit]
        return out
    cached = ("relations", "sorted", name)
    found = memo.get(cached) if memo is not None and name is not None else None
    if found is None:
        valid = np.flatnonzero(keys.is_not_null().to_numpy())
        raw = keys.drop_nulls().cast(pl.Int64).to_numpy()  # no NULL: exact integers
        order = np.argsort(raw, kind="stable")  # the first of equal keys first
        found = (raw[order], valid[order].astype(np.int64))
        if memo is not None and name is not None:
            memo[cached] = found
    sorted_keys, index = found
    if not len(sorted_keys):
        return out
    at = np.minimum(search(sorted_keys, wanted), len(sorted_keys) - 1)
    hit = sorted_keys[at] == wanted
    out[np.flatnonzero(present)[hit]] = index[at[hit]]
    return out


def search(ordered: np.ndarray, values: np.ndarray, side: str = "left") -> np.ndarray:
    """``np.searchsorted(ordered, values, side)``, searching ``values`` in sorted order:
    the searches then walk ``ordered`` in one direction, which the cache follows. In
    random order each search misses it: 262,144 values in 2M parents took 3.5x longer."""
    order = np.argsort(values)  # equal values find the same place: any order will do
    out = np.empty(len(values), dtype=np.int64)
    out[order] = np.searchsorted(ordered, values[order], side=side)  # type: ignore[call-overload]
    return out


def free_first(rows: np.ndarray, parents: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``rows`` (pointing at ``parents``) in random order, those whose parent keeps
    another of them first: moving rows in this order leaves no parent childless while
    others remain."""
    if len(rows) == 0:
        return rows
    perm = rng.permutation(len(rows))
    r, p = rows[perm], parents[perm]
    keeper = np.zeros(len(r), dtype=bool)
    keeper[np.unique(p, return_index=True)[1]] = True
    return np.concatenate([r[~keeper], r[keeper]])


_ALPHABET = np.array(list("0123456789abcdefghijklmnopqrstuvwxyz"))


def orphan_values(
    keys: pl.Series,
    column: Column,
    rows: np.ndarray,
    *,
    unique: bool,
    pool: int,
    rng: np.random.Generator,
) -> pl.Series | None:
    """Values of ``column`` that are none of the parent's ``keys`` (non-NULL), one per
    row of ``rows`` (their indices in the table): integers just above the parent's
    largest key (below its smallest if the type has no room), distinct per row for a
    unique column, else from a pool of ``pool`` missing parents; fresh UUIDs; strings
    as a parent key with its last characters changed. None where none can be made."""
    n = len(rows)
    if column.type is LogicalType.INTEGER:
        ints = keys.cast(pl.Int64, strict=False).drop_nulls()
        if ints.is_empty():
            return None
        lo, hi = integer_bounds(column)
        offsets = rows.astype(np.int64) if unique else rng.integers(0, max(1, pool), n)
        span = int(offsets.max(initial=0)) + 1
        top, bottom = int(ints.max()), int(ints.min())  # type: ignore[arg-type]
        if top + span <= hi:
            return pl.Series(top + 1 + offsets)
        if bottom - span >= lo:
            return pl.Series(bottom - 1 - offsets)
        return None
    if column.type is LogicalType.UUID:
        return pl.Series([str(uuid.UUID(bytes=rng.bytes(16), version=4)) for _ in range(n)])
    if column.type is not LogicalType.STRING:
        return None
    texts = keys.cast(pl.String, strict=False).drop_nulls()
    if texts.is_empty():
        return None
    taken = set(texts.to_list())
    base = texts.gather(rng.integers(0, len(texts), n)).to_list()
    out: list[str] = []
    for value in base:
        width = min(4, len(value)) or min(4, column.length or 4)
        for _ in range(8):
            tail = "".join(_ALPHABET[rng.integers(0, len(_ALPHABET), width)])
            candidate = value[: len(value) - min(width, len(value))] + tail
            if candidate not in taken:
                break
        else:
            return None
        if unique:
            taken.add(candidate)
        out.append(candidate)
    return pl.Series(out)
