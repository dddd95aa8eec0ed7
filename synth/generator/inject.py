"""Injecting a table's traits into its generated chunks, and finding the rows that carry them.

A column trait's frequency is topped up, not added: rows that already carry it
(because a frequent value of the column carries it, such as ``''`` or ``'premium'``)
count, and the rest of its measured share is injected into non-NULL rows that do not
carry it. Where frequent values carry the trait, injected rows take those real values
(so a CHECK or enum domain still holds); elsewhere the trait rewrites the generated
value. Chunk 0 also makes sure every trait appears in at least ``min_rows`` rows.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from synth.model import Column, Scalar, Table, TraitStat
from synth.traits import get
from synth.traits.base import ColumnTrait, InjectContext, RunMemo, TableTrait

__all__ = ["TraitEntry", "TraitInjector", "row_keys", "trait_label"]

REPAIR_PASSES = 3
"""Passes over chunk 0 re-injecting traits that later traits wrote over."""


def _touched(entry: TraitEntry) -> tuple[str, ...]:
    return (entry.column.name,) if entry.column is not None else entry.stat.columns


def trait_label(stat: TraitStat, column: str | None = None, *, qualified: bool = False) -> str:
    """How a trait is named in the manifest and in ``synth traits``:
    ``column:trait``, ``column:trait=value``, or ``trait`` for a table trait;
    ``qualified`` names a table trait's columns even when it has a value
    (``burst(created_at)=...``), for table traits whose labels would collide."""
    text = f"{column}:{stat.trait}" if column is not None else stat.trait
    if column is None and stat.columns and (qualified or stat.value is None):
        text += f"({','.join(stat.columns)})"
    if stat.value is not None:
        text += f"={stat.value}"
    return text


@dataclass(frozen=True)
class TraitEntry:
    """One trait entry of a table: the trait, its stat, and its column (column traits)."""

    trait: ColumnTrait | TableTrait
    stat: TraitStat
    column: Column | None
    qualified: bool = False

    @property
    def label(self) -> str:
        column = self.column.name if self.column else None
        return trait_label(self.stat, column, qualified=self.qualified)


def _carrier_values(entry: TraitEntry, dtype: pl.DataType) -> tuple[pl.Series, np.ndarray]:
    """The column's frequent values that carry the trait, and their weights."""
    col = entry.column
    assert col is not None and isinstance(entry.trait, ColumnTrait)
    values = [f.value for f in col.stats.frequent]
    weights = np.array([f.fraction for f in col.stats.frequent], dtype=np.float64)
    if not values:
        return pl.Series(col.name, [], dtype=dtype), weights
    series = pl.Series(col.name, values).cast(dtype, strict=False)
    mask = (
        pl.DataFrame([series])
        .select(entry.trait.carriers(pl.col(col.name), col, entry.stat))
        .to_series()
        .fill_null(False)
        .to_numpy()
    )
    keep = mask & series.is_not_null().to_numpy()
    return series.filter(pl.Series(keep)), weights[keep]


class TraitInjector:
    """The traits of one table, applied chunk by chunk."""

    def __init__(
        self,
        table: Table,
        columns: list[str],
        memo: RunMemo,
        pinned: frozenset[str] = frozenset(),
        skip: set[str] | None = None,
    ) -> None:
        """``columns``: the columns written; ``pinned``: key columns other tables draw
        foreign-key values from, made final with the keys, so no trait changes them (they
        are listed in :attr:`held_back`); ``skip``: trait labels not injected (they would
        break a constraint, see :mod:`synth.generator.blocked`)."""
        self.table = table
        self.memo = memo
        written = set(columns) - pinned
        self.entries: list[TraitEntry] = []
        self.held_back: list[TraitStat] = []
        """Entries not injected because they would change a pinned key column."""
        for col in table.columns:
            for stat in col.stats.traits:
                trait = get(stat.trait, where=f"{table.key}.{col.name}")
                if skip and trait_label(stat, col.name) in skip:
                    continue  # it would break one of the column's constraints
                if col.name in written and isinstance(trait, ColumnTrait):
                    trait.check(stat, col, f"{table.key}.{col.name}")
                    self.entries.append(TraitEntry(trait, stat, col))
                elif col.name in pinned:
                    self.held_back.append(stat)
        for stat in table.traits:
            trait = get(stat.trait, where=table.key)
            if not isinstance(trait, TableTrait):
                continue
            if set(trait.writes(stat)) & pinned:
                self.held_back.append(stat)
            else:
                self.entries.append(TraitEntry(trait, stat, None))
        self.entries.sort(key=lambda e: e.trait.stage if isinstance(e.trait, TableTrait) else 2)
        labels = [e.label for e in self.entries]  # e.g. one burst instant on two columns
        self.entries = [
            replace(e, qualified=True) if labels.count(e.label) > 1 else e for e in self.entries
        ]
        self._carriers: dict[str, tuple[pl.Series, np.ndarray]] = {}
        self._critical: np.ndarray | None = None
        """During a repair pass: rows that are the only carriers of another trait."""

    def prepare(self, ctx: InjectContext) -> None:
        """Once per run, before the table's first chunk: each table trait's
        :meth:`~synth.traits.base.TableTrait.prepare` (what other tables will read)."""
        for entry in self.entries:
            if isinstance(entry.trait, TableTrait):
                entry.trait.prepare(self.table, entry.stat, ctx)

    def apply(self, frame: pl.DataFrame, ctx: InjectContext) -> pl.DataFrame:
        """The chunk with every trait injected; chunk 0 then gets repair passes."""
        for entry in self.entries:
            frame = self._apply(frame, entry, ctx)
        if ctx.chunk == 0 and ctx.min_rows > 0:
            frame = self._repair(frame, ctx)
        return frame

    def _apply(
        self,
        frame: pl.DataFrame,
        entry: TraitEntry,
        ctx: InjectContext,
        avoid: np.ndarray | None = None,
    ) -> pl.DataFrame:
        if entry.column is None:
            assert isinstance(entry.trait, TableTrait)
            return entry.trait.apply(frame, self.table, entry.stat, ctx)
        return self._apply_column(frame, entry, ctx, avoid)

    def _repair(self, frame: pl.DataFrame, ctx: InjectContext) -> pl.DataFrame:
        """Re-inject the traits a later trait wrote over (a burst instant over the only
        future timestamp of a column), so each still has ``min_rows`` carriers; forced
        column carriers go to rows that carry nothing else in that column."""
        need = min(ctx.min_rows, frame.height)
        for _ in range(REPAIR_PASSES):
            held = self.carriers(frame)
            short = [
                e for e in self.entries
                if int(held[e.label].sum()) < need and getattr(e.trait, "forced", True)
            ]  # fmt: skip
            if not short:
                break
            for i, entry in enumerate(short):
                if i:  # what the previous re-injection took is taken (two masks, one row)
                    held = self.carriers(frame)
                avoid = None
                self._critical = None
                if entry.column is not None:
                    siblings = [
                        e for e in self.entries
                        if e is not entry and entry.column.name in _touched(e)
                    ]  # fmt: skip
                    others = [held[e.label].to_numpy() for e in siblings]
                    avoid = np.logical_or.reduce(others) if others else None
                    # the only carriers of a sibling are taken last of all
                    few = [x for x in others if int(x.sum()) <= need]
                    self._critical = np.logical_or.reduce(few) if few else None
                frame = self._apply(frame, entry, ctx, avoid)
            self._critical = None
        return frame

    def carriers(self, frame: pl.DataFrame) -> dict[str, pl.Series]:
        """Per trait label, a boolean Series: which rows of ``frame`` carry the trait."""
        exprs = []
        for entry in self.entries:
            if entry.column is None:
                assert isinstance(entry.trait, TableTrait)
                expr = entry.trait.carriers(self.table, entry.stat, self.memo)
            else:
                assert isinstance(entry.trait, ColumnTrait)
                expr = entry.trait.carriers(pl.col(entry.column.name), entry.column, entry.stat)
            exprs.append(expr.fill_null(False).alias(entry.label))
        if not exprs:
            return {}
        return dict(zip([e.label for e in self.entries], frame.select(exprs), strict=True))

    def _apply_column(
        self,
        frame: pl.DataFrame,
        entry: TraitEntry,
        ctx: InjectContext,
        avoid: np.ndarray | None = None,
    ) -> pl.DataFrame:
        """Top the column trait up to its share; in chunk 0 force ``min_rows`` carriers.
        With ``avoid`` (a repair pass) only force, into rows outside ``avoid`` first."""
        col, stat, trait = entry.column, entry.stat, entry.trait
        assert col is not None and isinstance(trait, ColumnTrait)
        series = frame.get_column(col.name)
        n = len(series)
        if n == 0:
            return frame
        if entry.label not in self._carriers:
            self._carriers[entry.label] = _carrier_values(entry, series.dtype)
        values, weights = self._carriers[entry.label]
        carrying = (
            frame.select(trait.carriers(pl.col(col.name), col, stat).fill_null(False))
            .to_series()
            .to_numpy()
        )
        eligible = series.is_not_null().to_numpy() & ~carrying
        taken = trait.taken(pl.col(col.name), col)
        if taken is not None:
            eligible &= ~frame.select(taken.fill_null(False)).to_series().to_numpy()
        covered = float(weights.sum())
        # top up what the chunk lacks: carriers the column's values already made (frequent
        # values, Faker postcodes with a leading zero) count
        free = int(eligible.sum())
        extra = max(0.0, stat.fraction * n - float(carrying.sum()))
        p = min(1.0, extra / free) if free else 0.0
        name = stat.trait if stat.value is None else f"{stat.trait}={stat.value}"
        rng = ctx.rng(col.name, name, "rows" if avoid is None else "repair")
        pick = np.zeros(n, dtype=bool)
        if avoid is None:
            near = trait.nearness(series, col, stat)
            if near is None:
                pick = eligible & (rng.random(n) < p)
            else:  # as many rows as the draw would take, the nearest carriers first
                rows = np.flatnonzero(eligible)
                pick[rows[nearest(near[rows], rng.binomial(len(rows), p), rng)]] = True
        if ctx.chunk == 0 and trait.forced:
            missing = min(ctx.min_rows, ctx.rows) - int(carrying.sum()) - int(pick.sum())
            if missing > 0:
                nulls = series.is_null().to_numpy()
                spare = avoid if avoid is not None else trait.spare(series, col, stat)
                last = self._critical if avoid is not None else None
                pick |= _forced(eligible & ~pick, nulls, spare, missing, rng, last)
        idx = np.flatnonzero(pick)
        if len(idx) == 0:
            return trait.arrange(frame, self.table, col, stat, ctx)
        if len(values):
            new = values.gather(rng.choice(len(values), size=len(idx), p=weights / covered))
        else:
            base = series.gather(idx)
            if base.null_count():  # forced into NULL rows: fresh values to turn into carriers
                nonnull = col.model_copy(update={"stats": col.stats.non_null()})
                fresh = ctx.sample(nonnull, base.null_count(), f"force:{name}")
                base = base.scatter(np.flatnonzero(base.is_null().to_numpy()), fresh)
            new = trait.inject(base, col, stat, rng).cast(series.dtype)
        frame = frame.with_columns(series.scatter(idx, new))
        return trait.arrange(frame, self.table, col, stat, ctx)


def nearest(near: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Positions of the ``k`` largest of ``near``, ties at the boundary broken at random:
    a partition, not a sort, so a chunk costs linear time."""
    n = len(near)
    if k >= n:
        return np.arange(n)
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    cut = np.partition(near, n - k)[n - k]
    above = np.flatnonzero(near > cut)
    tied = np.flatnonzero(near == cut)
    return np.concatenate([above, rng.choice(tied, size=k - len(above), replace=False)])


def _forced(
    eligible: np.ndarray,
    nulls: np.ndarray,
    avoid: np.ndarray | None,
    missing: int,
    rng: np.random.Generator,
    last: np.ndarray | None = None,
) -> np.ndarray:
    """A mask of ``missing`` rows to force a trait into: eligible rows outside ``avoid``
    (rows carrying other traits of the column), then NULL rows outside it (in a small
    fixture, showing the trait at least once beats one NULL fewer), then the rest, rows in
    ``last`` (the only carriers of another trait) last of all."""
    spare = np.zeros(len(eligible), dtype=bool) if avoid is None else avoid
    late = np.zeros(len(eligible), dtype=bool) if last is None else last
    out = np.zeros(len(eligible), dtype=bool)
    for pool in (eligible & ~spare, nulls & ~spare, eligible & spare & ~late, eligible & late):
        rows = np.flatnonzero(pool & ~out)
        take = min(missing - int(out.sum()), len(rows))
        if take > 0:
            out[rng.choice(rows, size=take, replace=False)] = True
    return out


def row_keys(
    table: Table, frame: pl.DataFrame, start: int, mask: pl.Series, limit: int | None = None
) -> list[Scalar | list[Scalar]]:
    """The primary-key values (or, without a primary key, row numbers) of rows in ``mask``,
    the first ``limit`` of them (all: None)."""
    idx = np.flatnonzero(mask.to_numpy())[:limit]
    if not table.primary_key or any(c not in frame.columns for c in table.primary_key):
        return [int(start + i) for i in idx]
    picked = frame.select(table.primary_key)[idx]
    out: list[Scalar | list[Scalar]] = []
    for row in picked.iter_rows():
        values = [v if isinstance(v, int | float | str | bool) else str(v) for v in row]
        out.append(values[0] if len(values) == 1 else values)
    return out
