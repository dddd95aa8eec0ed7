"""Keys: which columns are primary/unique/foreign keys and how their values are made.

Every key column gets a :class:`Role`. Unique columns get distinct values from
integer codes (the row number, or a group/within-group number for composite
keys); foreign-key columns gather the parent's key values, which are generated on
their own (the parent's other columns are never made for this).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from synth.errors import SynthWarning, UsageError
from synth.generator.plan import Plan, TablePlan
from synth.generator.ranks import alone_unique, capacity, within_member
from synth.internal.streams import affine_permutation, stream
from synth.model import Column, ForeignKey

__all__ = ["FkRole", "Layout", "Role", "UniqueRole", "assign_roles"]


@dataclass(frozen=True)
class UniqueRole:
    """Distinct values from codes: the row number, or the group / within-group number."""

    code: str  # "row" | "group" | "within"


@dataclass(frozen=True)
class FkRole:
    """Values gathered from the parent's key columns (all columns of ``fk`` together).

    ``mode``: ``random`` (any parent row), ``self`` (an earlier row of the same table),
    ``perm`` (each parent row at most once), ``group``/``pair`` (composite keys, see
    :class:`Layout`), ``null`` (no parent row to point at: NULL).
    """

    fk: ForeignKey
    mode: str


Role = UniqueRole | FkRole


@dataclass(frozen=True)
class Layout:
    """How rows split into groups for a composite key.

    ``offsets`` (FK groups): cumulative child counts per parent row, so rows are
    clustered by parent; else fixed groups of ``width`` rows.
    """

    offsets: np.ndarray | None
    width: int = 1

    def widths(self, group: np.ndarray) -> np.ndarray:
        """The number of rows of each of ``group``."""
        if self.offsets is None:
            return np.full(len(group), self.width, dtype=np.int64)
        return self.offsets[group + 1] - self.offsets[group]

    @property
    def widest(self) -> int:
        """Rows of the largest group."""
        if self.offsets is None:
            return self.width
        return int(np.diff(self.offsets).max(initial=0))

    def split(self, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        """(group number, number within the group) of rows ``start..stop``."""
        rows = np.arange(start, stop, dtype=np.int64)
        if self.offsets is None:
            return rows // self.width, rows % self.width
        group = np.searchsorted(self.offsets, rows, side="right") - 1
        return group, rows - self.offsets[group]


def _group_offsets(
    plan: Plan, tp: TablePlan, fk: ForeignKey, parents: int, cap: int | None
) -> np.ndarray:
    """Child counts per parent row (multinomial, at most ``cap`` each), as start offsets."""
    rows = tp.rows
    if rows == 0:  # an empty table needs no parent rows
        return np.zeros(parents + 1, dtype=np.int64)
    if parents == 0:
        raise UsageError(
            f"{tp.key}: composite key member {fk.columns[0]!r} needs rows in {fk.ref_table!r}, "
            "which has none; generate that table with rows or drop the key from the profile"
        )
    rng = stream(plan.seed, tp.key, fk.columns[0], purpose="layout")
    active = _active(plan, tp, fk, parents).rows()
    counts = np.zeros(parents, dtype=np.int64)
    # every parent with children in production gets one, the rest spread over them
    first = min(rows, len(active))
    counts[active[:first]] = 1
    counts[active] += rng.multinomial(rows - first, np.full(len(active), 1.0 / len(active)))
    if cap is not None:
        counts = np.minimum(counts, cap)
        while (missing := rows - int(counts.sum())) > 0:
            room = active[counts[active] < cap]
            if not len(room):  # parents without children in production come last
                room = np.flatnonzero(counts < cap)
            if not len(room):  # the plan clamps rows to what the key can hold
                break
            counts[room[:missing]] += 1
    offsets = np.zeros(parents + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return offsets


@dataclass(frozen=True)
class Active:
    """The parent rows that have children through a foreign key: the first ``count`` of an
    affine permutation of the ``parents`` rows, so any of them is found from its number
    alone (no array the size of the parent table)."""

    count: int
    a: int
    b: int
    parents: int

    def at(self, j: np.ndarray) -> np.ndarray:
        """The parent rows numbered ``j`` (``0 <= j < count``)."""
        return (self.a * j + self.b) % self.parents

    def rows(self) -> np.ndarray:
        """All of them, in order."""
        return self.at(np.arange(self.count, dtype=np.int64))


def _active(plan: Plan, tp: TablePlan, fk: ForeignKey, parents: int) -> Active:
    """The parent rows that have children through ``fk``, in a seeded order: as many as
    production's share of parents with children (the key's distinct values over the
    parent's rows), all of them where the profile does not say."""
    a, b = affine_permutation(plan.seed, tp.key, fk.columns[0], "active", parents)
    parent = plan.get(fk.ref_table)
    distinct = tp.table.column(fk.columns[0]).stats.distinct
    count = parents
    if parent is not None and distinct and parent.table.rows:
        share = min(1.0, distinct / parent.table.rows)
        count = max(1, min(parents, round(parents * share)))
    return Active(count, a, b, max(parents, 1))


def assign_roles(plan: Plan, tp: TablePlan) -> tuple[dict[str, Role], Layout | None]:
    """The role of every key column of ``tp`` (others are absent) and the group layout."""
    table = tp.table
    # deferred edges (cycles) are drawn like the others: only their loading waits
    live = [fk for fk in table.foreign_keys if plan.get(fk.ref_table) is not None]
    roles: dict[str, Role] = {}
    layout: Layout | None = None

    def rows_of(key: str) -> int:
        parent = plan.get(key)
        return parent.rows if parent is not None else 0

    def fk_with(col: str) -> ForeignKey | None:
        return next((fk for fk in live if col in fk.columns), None)

    def set_fk(fk: ForeignKey, mode: str) -> None:
        for c in fk.columns:
            roles[c] = FkRole(fk, mode)

    def unique_cols(cols: tuple[str, ...]) -> None:
        nonlocal layout
        members = [fk for fk in live if set(fk.columns) <= set(cols) and fk.ref_table != table.key]
        in_fk = {c for fk in members for c in fk.columns}
        plain = [c for c in cols if c not in in_fk and c not in roles]
        if any(isinstance(roles.get(c), UniqueRole) and roles[c].code == "row" for c in cols):
            return
        alone = [c for c in plain if alone_unique(table.column(c), table.rows)]
        if len(cols) > 1 and alone:  # one member is unique by itself: the rest stay free
            roles[alone[0]] = UniqueRole("row")
            return
        if len(cols) == 1 or (members and set(cols) == set(members[0].columns)):
            fk = fk_with(cols[0])
            if fk is not None and set(fk.columns) == set(cols) and fk.ref_table != table.key:
                set_fk(fk, "perm")
            elif cols[0] not in roles:
                roles[cols[0]] = UniqueRole("row")
            return
        if layout is not None:  # the primary key already made its layout: make one member unique
            if plain:
                roles[plain[-1]] = UniqueRole("row")
            return
        if members and plain:
            within = within_member([table.column(c) for c in plain])
            cap = capacity(within)
            layout = Layout(
                _group_offsets(plan, tp, members[0], rows_of(members[0].ref_table), cap)
            )
            set_fk(members[0], "group")
            roles[within.name] = UniqueRole("within")
        elif len(members) >= 2:
            cap = rows_of(members[1].ref_table)
            layout = Layout(
                _group_offsets(plan, tp, members[0], rows_of(members[0].ref_table), cap)
            )
            set_fk(members[0], "group")
            set_fk(members[1], "pair")
        elif plain and len(plain) >= 2:
            width = max(1, math.isqrt(max(tp.rows, 1)))
            distinct = table.column(plain[1]).stats.distinct
            if distinct:
                width = max(1, min(distinct, tp.rows))
            cap = capacity(table.column(plain[1]))
            width = min(width, cap) if cap else width
            layout = Layout(None, width)
            roles[plain[0]] = UniqueRole("group")
            roles[plain[1]] = UniqueRole("within")
        elif plain:
            roles[plain[-1]] = UniqueRole("row")
        else:
            warnings.warn(
                f"{tp.key}: cannot guarantee unique {list(cols)!r}; their values may repeat",
                SynthWarning,
                stacklevel=4,
            )

    if table.primary_key:
        unique_cols(table.primary_key)
    for cols in table.unique:
        unique_cols(cols)
    for fk in table.foreign_keys:
        if any(c in roles for c in fk.columns):
            continue
        if fk in live:
            if fk.ref_table == table.key:
                set_fk(fk, "self")
            elif rows_of(fk.ref_table) == 0:
                if all(table.column(c).nullable for c in fk.columns):
                    set_fk(fk, "null")
                elif tp.rows > 0:  # an empty child makes no values to warn about
                    warnings.warn(
                        f"{tp.key}: {list(fk.columns)!r} reference {fk.ref_table!r}, which gets "
                        "no rows; they get free values",
                        SynthWarning,
                        stacklevel=3,
                    )
            else:
                set_fk(fk, "random")
    return roles, layout


def _self_parents(tp: TablePlan, column: Column) -> int:
    """How many rows of ``tp`` are parents in a self-reference through ``column``: its
    distinct values in production, scaled to the rows generated (all rows when unknown)."""
    distinct, rows = column.stats.distinct, tp.table.rows
    if not distinct or not rows:
        return max(1, tp.rows)
    return max(1, min(tp.rows, round(distinct * tp.rows / rows)))


def parent_index(
    plan: Plan,
    tp: TablePlan,
    role: FkRole,
    layout: Layout | None,
    parents: int,
    start: int,
    stop: int,
    chunk: int,
) -> tuple[np.ndarray, np.ndarray | None]:
    """(parent row index, NULL mask or None) for child rows ``start..stop``."""
    n = stop - start
    table = tp.table
    first = table.column(role.fk.columns[0])
    nullable = all(table.column(c).nullable for c in role.fk.columns)
    rng = stream(plan.seed, tp.key, first.name, purpose="fk", chunk=chunk)
    u = rng.random(n)
    frac = first.stats.null_fraction if nullable else 0.0
    rows = np.arange(start, stop, dtype=np.int64)
    nulls = None
    if frac > 0:  # exactly the share of NULLs, wherever the chunks split the table
        a, b = affine_permutation(plan.seed, tp.key, first.name, "fk:nulls", tp.rows)
        nulls = (a * rows + b) % tp.rows < round(frac * tp.rows)
    if role.mode == "null" or parents == 0:
        return np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool)
    if role.mode == "random":
        # as many parents with children as production has, the first rows one each so
        # that every one of them has a child (children_per_parent, where measured, then
        # shapes how many each)
        active = _active(plan, tp, role.fk, parents)
        n_active = active.count
        drawn = np.minimum((u * n_active).astype(np.int64), n_active - 1)
        idx = active.at(np.where(rows < n_active, np.minimum(rows, n_active - 1), drawn))
    elif role.mode == "self":
        # a hierarchy: the first rows are the parents (as many as production has distinct
        # values), each the parent of one of the next rows, and every other row points at
        # an earlier parent, so rows load in order
        p = _self_parents(tp, first)
        idx = np.where(
            rows < p,
            (u * rows).astype(np.int64),
            np.where(rows < 2 * p, rows - p, (u * p).astype(np.int64)),
        )
        if nullable:
            first_row = rows == 0
            nulls = first_row if nulls is None else nulls | first_row
    elif role.mode == "perm":
        a, b = affine_permutation(plan.seed, tp.key, first.name, "perm", parents)
        idx = (a * rows + b) % parents
        over = rows >= parents
        if over.any():  # more children than parents: only possible for a nullable key
            nulls = over if nulls is None else nulls | over
    else:
        assert layout is not None
        group, _ = layout.split(start, stop)
        if role.mode == "group":
            idx = group
        else:
            # pair: parents taken in turn over the whole table, so a group's rows get
            # distinct parents and every parent with children in production gets some
            active = _active(plan, tp, role.fk, parents)
            wide = active.count < layout.widest  # a group wider than those: all parents
            idx = rows % parents if wide else active.at(rows % active.count)
        nulls = None
    return idx, nulls
