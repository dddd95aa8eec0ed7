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
from synth.internal.streams import stream
from synth.model import ForeignKey

__all__ = ["FkRole", "Layout", "Role", "UniqueRole", "assign_roles"]

_GOLDEN = 2_654_435_761


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
    counts = rng.multinomial(rows, np.full(parents, 1.0 / parents))
    if cap is not None:
        counts = np.minimum(counts, cap)
        while (missing := rows - int(counts.sum())) > 0:
            room = np.flatnonzero(counts < cap)
            if not len(room):  # the plan clamps rows to what the key can hold
                break
            counts[room[:missing]] += 1
    offsets = np.zeros(parents + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return offsets


def assign_roles(plan: Plan, tp: TablePlan) -> tuple[dict[str, Role], Layout | None]:
    """The role of every key column of ``tp`` (others are absent) and the group layout."""
    table = tp.table
    live: list[ForeignKey] = []
    for i, fk in enumerate(table.foreign_keys):
        if i not in tp.broken and plan.get(fk.ref_table) is not None:
            live.append(fk)
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
    for i, fk in enumerate(table.foreign_keys):
        if any(c in roles for c in fk.columns):
            continue
        if i in tp.broken:
            nullable = all(table.column(c).nullable for c in fk.columns)
            if nullable:
                set_fk(fk, "null")
            elif plan.get(fk.ref_table) is not None:
                set_fk(fk, "random")
        elif fk in live:
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
    nulls = rng.random(n) < frac if frac > 0 else None
    rows = np.arange(start, stop, dtype=np.int64)
    if role.mode == "null" or parents == 0:
        return np.zeros(n, dtype=np.int64), np.ones(n, dtype=bool)
    if role.mode == "random":
        idx = np.minimum((u * parents).astype(np.int64), parents - 1)
    elif role.mode == "self":
        idx = (u * rows).astype(np.int64)
        if nullable:
            first_row = rows == 0
            nulls = first_row if nulls is None else nulls | first_row
    elif role.mode == "perm":
        prng = stream(plan.seed, tp.key, first.name, purpose="perm")
        a = int(prng.integers(1, max(2, min(parents, 1 << 31))))
        while math.gcd(a, parents) != 1:
            a += 1
        b = int(prng.integers(0, parents))
        idx = (a * rows + b) % parents
        over = rows >= parents
        if over.any():  # more children than parents: only possible for a nullable key
            nulls = over if nulls is None else nulls | over
    else:
        assert layout is not None
        group, within = layout.split(start, stop)
        # pair: distinct parents within a group, from a group-dependent starting point
        pair = (group * _GOLDEN % parents + within) % parents
        idx = group if role.mode == "group" else pair
        nulls = None
    return idx, nulls
