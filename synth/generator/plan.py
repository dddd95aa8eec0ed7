"""What to generate: which tables, how many rows each, and in which (foreign-key) order."""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

from synth.errors import SynthWarning, UsageError
from synth.generator.options import GenerateOptions
from synth.generator.ranks import alone_unique, capacity, within_member
from synth.model import ForeignKey, LogicalType, Profile, Table

__all__ = ["DEFAULT_MAX_ROWS", "Plan", "TablePlan", "make_plan", "trait_floor"]

DEFAULT_MAX_ROWS = 1000
"""Rows of the largest table when neither ``rows`` nor ``scale`` is given (at most)."""


@dataclass(frozen=True)
class TablePlan:
    """One table to generate and its row count."""

    table: Table
    rows: int
    deferred: frozenset[int] = frozenset()
    """Indices into ``table.foreign_keys`` of edges that break a foreign-key cycle: their
    values are generated like any other, but the parent is loaded later, so writers and
    loaders fill them after every table (``UPDATE`` after ``INSERT``) or defer the
    constraint (see ``docs/relations.md``)."""
    referenced: frozenset[str] = frozenset()
    """Columns other generated tables (or this one) draw foreign-key values from: they are
    final when the keys are made, so no trait may rewrite them."""

    @property
    def key(self) -> str:
        return self.table.key


@dataclass(frozen=True)
class Plan:
    """Tables in generation order (parents before children), and the options that made it."""

    profile: Profile
    """The profile as generated: boosted and re-anchored (``options.boost``, ``as_of``)."""
    tables: tuple[TablePlan, ...]
    options: GenerateOptions = field(default_factory=GenerateOptions)
    original: Profile | None = None
    """The profile as given, before boosts and re-anchoring (its digest names it)."""

    @property
    def seed(self) -> int:
        return self.options.seed

    @property
    def min_trait_rows(self) -> int:
        """Every trait in the profile appears in at least this many rows of its table."""
        return self.options.min_trait_rows

    def get(self, key: str) -> TablePlan | None:
        """The plan of table ``key``, or None when that table is not generated."""
        for tp in self.tables:
            if tp.key == key:
                return tp
        return None


def _round(x: float) -> int:
    return math.floor(x + 0.5)


def _select(profile: Profile, tables: Sequence[str] | None) -> list[Table]:
    if tables is None:
        return list(profile.tables)
    if isinstance(tables, str):
        tables = [tables]
    by_key = {t.key: t for t in profile.tables}
    by_name: dict[str, list[Table]] = {}
    for t in profile.tables:
        by_name.setdefault(t.name, []).append(t)
    chosen: set[str] = set()
    for name in tables:
        if name in by_key:
            chosen.add(name)
        elif len(by_name.get(name, [])) == 1:
            chosen.add(by_name[name][0].key)
        else:
            known = ", ".join(t.key for t in profile.tables) or "(none)"
            why = "is ambiguous" if by_name.get(name) else "is not in the profile"
            raise UsageError(
                f"tables (--tables): table={name!r} {why}; known tables: {known}; "
                "pass table names (or schema.name) from the profile"
            )
    return [t for t in profile.tables if t.key in chosen]


def _sizes(chosen: list[Table], rows: int | None, scale: float | None) -> dict[str, int]:
    """Row counts: ``rows`` for the largest table (the others in proportion), or every
    profiled count times ``scale``; each non-empty table keeps at least one row."""
    largest = max((t.rows for t in chosen), default=0)
    if scale is not None:
        scale = _room(chosen, scale) if scale > 0 else scale
        return {
            t.key: max(1 if t.rows > 0 and scale > 0 else 0, _round(t.rows * scale)) for t in chosen
        }
    target = rows if rows is not None else min(largest, DEFAULT_MAX_ROWS)
    if largest == 0:
        return {t.key: target if rows is not None else 0 for t in chosen}
    factor = _room(chosen, target / largest)
    return {
        t.key: max(1 if t.rows > 0 and target > 0 else 0, _round(t.rows * factor)) for t in chosen
    }


def _room(chosen: list[Table], factor: float) -> float:
    """``factor``, or less where a table would outgrow a unique text column of a short
    declared length (`iso2 CHAR(2) UNIQUE` holds 36^2 generated codes): every table is
    then scaled alike, so each relation keeps its shape, and a warning says so."""
    least, why = factor, ""
    for table in chosen:
        for key in {table.primary_key, *table.unique}:
            col = table.column(key[0]) if len(key) == 1 else None
            if col is None or col.type is not LogicalType.STRING or col.length is None:
                continue
            room = 36 ** min(col.length, 12)  # the base-36 codes unique strings end in
            # (production's own rows past it: its alphabet is larger, and the sampler says so)
            if table.rows <= room < table.rows * factor and room / table.rows < least:
                least = room / table.rows
                why = f"{table.key}.{col.name} (length {col.length}) holds {room:,} unique values"
    if why:
        warnings.warn(
            f"{why} at most; every table is scaled by {least:.3g} instead of {factor:.3g}, "
            "so that relations keep their shape",
            SynthWarning,
            stacklevel=5,
        )
    return least


def _order(chosen: list[Table]) -> tuple[list[Table], dict[str, set[int]]]:
    """Kahn's algorithm in profile order. A cycle is broken at the edge that costs the
    least to fill after every table is loaded (see :func:`_cheapest`); its index is
    recorded as deferred on the child's plan."""
    keys = {t.key for t in chosen}
    edges: dict[str, list[tuple[int, ForeignKey]]] = {
        t.key: [
            (i, fk)
            for i, fk in enumerate(t.foreign_keys)
            if fk.ref_table in keys and fk.ref_table != t.key
        ]
        for t in chosen
    }
    deferred: dict[str, set[int]] = {t.key: set() for t in chosen}
    done: list[Table] = []
    placed: set[str] = set()
    remaining = list(chosen)
    while remaining:
        ready = next(
            (
                t
                for t in remaining
                if all(fk.ref_table in placed or i in deferred[t.key] for i, fk in edges[t.key])
            ),
            None,
        )
        if ready is not None:
            done.append(ready)
            placed.add(ready.key)
            remaining.remove(ready)
            continue
        pending = [
            (t, i, fk)
            for t in remaining
            for i, fk in edges[t.key]
            if fk.ref_table not in placed and i not in deferred[t.key]
        ]
        table, index, fk = min(pending, key=_cheapest)
        deferred[table.key].add(index)
        if not fk.inferred and not _nullable(table, fk):
            warnings.warn(
                f"{table.key}: the foreign-key cycle through {fk.ref_table!r} has no nullable "
                f"edge; {list(fk.columns)!r} are loaded with the constraint deferred, which "
                "the target must allow (DEFERRABLE in PostgreSQL)",
                SynthWarning,
                stacklevel=4,
            )
    return done, deferred


def _nullable(table: Table, fk: ForeignKey) -> bool:
    return all(table.column(c).nullable for c in fk.columns)


def _cheapest(pending: tuple[Table, int, ForeignKey]) -> tuple[int, int, str, int]:
    """Which edge of a cycle to defer: an inferred one (no constraint to satisfy), else a
    nullable one (inserted NULL, then updated), else one the target must defer; among
    those, the one of the smallest table (fewest updates)."""
    table, index, fk = pending
    cost = 0 if fk.inferred else 1 if _nullable(table, fk) else 2
    return cost, table.rows, table.key, index


def _clamp(table: Table, rows: int, sizes: dict[str, int], deferred: set[int]) -> int:
    """Cap ``rows`` where keys leave no more room: one-to-one children and junction tables."""
    single = {table.primary_key} | set(table.unique)
    live = [
        fk
        for i, fk in enumerate(table.foreign_keys)
        if i not in deferred and fk.ref_table in sizes and fk.ref_table != table.key
    ]
    for fk in live:
        if fk.columns in single and not any(table.column(c).nullable for c in fk.columns):
            rows = min(rows, sizes[fk.ref_table])
    for key in (table.primary_key, *table.unique):
        if len(key) < 2 or any(alone_unique(table.column(c), table.rows) for c in key):
            continue
        held = [fk for fk in live if set(fk.columns) <= set(key)]
        plain = [table.column(c) for c in key if not any(c in fk.columns for fk in held)]
        cap = capacity(within_member(plain)) if held and plain else None
        if cap:  # each parent holds at most as many rows as the other member has values
            rows = min(rows, sizes[held[0].ref_table] * cap)
    pk = set(table.primary_key)
    members = [fk for fk in live if set(fk.columns) <= pk]
    if len(table.primary_key) > 1 and members and pk <= {c for fk in members for c in fk.columns}:
        if len(members) >= 2:
            rows = min(rows, sizes[members[0].ref_table] * sizes[members[1].ref_table])
        else:
            rows = min(rows, sizes[members[0].ref_table])
    return rows


def trait_floor(table: Table, min_trait_rows: int) -> int:
    """The fewest rows that leave room for every trait entry of ``table`` to appear
    ``min_trait_rows`` times in rows of its own (entries of one column exclude each other,
    a cohort's tenants are not another cohort's), plus a row that carries none; never more
    than production holds. An entry of share 0 (an order production always keeps) needs
    no row; a format mask is a share, not forced in."""
    from synth.traits import get

    forced = [
        s
        for c in table.columns
        for s in c.stats.traits
        if s.fraction > 0 and getattr(get(s.trait, where=f"{table.key}.{c.name}"), "forced", True)
    ]
    entries = sum(1 for s in table.traits if s.fraction > 0) + len(forced)
    if entries == 0 or min_trait_rows == 0:
        return 0
    return min(table.rows, entries * min_trait_rows + 1)


def make_plan(profile: Profile, options: GenerateOptions | None = None) -> Plan:
    """Choose tables, size them and order them parents-first, with ``options.boost``
    applied to the profile first (see :mod:`synth.generator.boost`) and its times
    re-anchored to ``options.as_of`` (see :mod:`synth.generator.anchor`). A table with rows
    grows to :func:`trait_floor`, so a small fixture still carries every trait
    ``min_trait_rows`` times."""
    from synth.generator.anchor import reanchor
    from synth.generator.boost import apply_boosts

    options = options or GenerateOptions()
    min_trait_rows = options.min_trait_rows
    original = profile
    profile = reanchor(apply_boosts(profile, options.boost), options.as_of)
    chosen = _select(profile, options.tables)
    sizes = _sizes(chosen, options.rows, options.scale)
    ordered, deferred = _order(chosen)
    referenced: dict[str, set[str]] = {t.key: set() for t in chosen}
    for table in chosen:
        for fk in table.foreign_keys:
            if fk.ref_table in referenced:
                referenced[fk.ref_table].update(fk.ref_columns)
    plans = []
    for table in ordered:
        if sizes[table.key] > 0:
            sizes[table.key] = max(sizes[table.key], trait_floor(table, min_trait_rows))
        sizes[table.key] = _clamp(table, sizes[table.key], sizes, deferred[table.key])
        plans.append(
            TablePlan(
                table,
                sizes[table.key],
                frozenset(deferred[table.key]),
                frozenset(referenced[table.key]),
            )
        )
    return Plan(profile, tuple(plans), options, original)
