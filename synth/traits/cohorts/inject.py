"""Generating cohorts: which generated rows belong to a segment, and their overrides.

Used by :class:`synth.traits.cohorts.Cohort`. A row's segment is read from the segment
table's generated values before its traits (``ctx.parent_values``), so the segment
table and every child table agree on it; the segment table's first chunk is made to
hold every segment it carries (``min_rows`` each) by a deterministic rule that children
apply to the same values.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from synth.internal.streams import CHUNK_ROWS
from synth.internal.vectors import null_at
from synth.model import Column, ColumnStats, Distribution, Scalar, Table, TraitStat, ValueFrequency
from synth.traits.base import InjectContext, RunMemo
from synth.traits.cohorts.measure import value_key
from synth.traits.relations.inject import shared_view

__all__ = [
    "NotGenerated",
    "Overrides",
    "apply_overrides",
    "burst_days",
    "carrier_keys",
    "members",
]

RETRIES = 4
"""Redraws of a value that falls on another cohort's busiest day."""
RESIDUAL = 1e-3
"""A cohort's value shares and NULL share summing to within this of 1 leave no room for
values outside them (the rest is rounding)."""


class NotGenerated(Exception):
    """The segment table is not generated in this run (``--tables``)."""


def set_carrier_keys(memo: RunMemo, table: str, stat: TraitStat, keys: pl.Series) -> None:
    """Remember, in the run's ``memo``, the parent keys whose rows carry ``stat``."""
    memo[_carrier_key(table, stat)] = keys


def carrier_keys(memo: RunMemo, table: str, stat: TraitStat) -> pl.Series | None:
    return memo.get(_carrier_key(table, stat))


def _carrier_key(table: str, stat: TraitStat) -> tuple[str, ...]:
    return ("cohort", table, str(stat.detail.get("segment")), *stat.columns, repr(stat.value))


@dataclass
class Overrides:
    """A cohort's detail entries, by column."""

    nulls: dict[str, float] = field(default_factory=dict)
    values: dict[str, dict[str, float]] = field(default_factory=dict)
    bursts: dict[str, tuple[Scalar, Scalar, float]] = field(default_factory=dict)

    @classmethod
    def parse(cls, stat: TraitStat) -> Overrides:
        out = cls()
        detail = stat.detail
        for key, value in detail.items():
            kind, _, rest = key.partition(":")
            if kind == "null":
                out.nulls[rest] = float(value)
            elif kind == "value":
                column, _, text = rest.partition("=")
                out.values.setdefault(column, {})[text] = float(value)
            elif kind == "burst":
                share = float(detail.get(f"burst_share:{rest}", 0.0))
                out.bursts[rest] = (value, detail.get(f"burst_last:{rest}", value), share)
        return out


def _labels(values: pl.Series, segments: list[Scalar]) -> np.ndarray:
    """Index into ``segments`` of each value (-1: none, or NULL)."""
    typed = pl.Series("v", segments).cast(values.dtype, strict=False)
    lookup = pl.DataFrame({"v": typed, "i": np.arange(len(segments), dtype=np.int64)})
    joined = pl.DataFrame({"v": values}).join(lookup, on="v", how="left", maintain_order="left")
    return joined.get_column("i").fill_null(-1).to_numpy().astype(np.int64)


def force(labels: np.ndarray, k: int, need: int) -> np.ndarray:
    """``labels`` with each of the ``k`` segments held by at least ``need`` rows of the
    first chunk: rows of no segment, else of the largest segment, taken from the end."""
    out = labels.copy()
    head = out[: min(len(out), CHUNK_ROWS)]  # a view: writes go to ``out``
    for j in range(k):
        missing = need - int((head == j).sum())
        while missing > 0:
            free = np.flatnonzero(head == -1)
            if len(free) == 0:
                counts = np.bincount(head, minlength=k)
                donor = int(np.argmax(counts))
                if donor == j or counts[donor] <= need:
                    break
                free = np.flatnonzero(head == donor)[need:]
            take = free[-min(missing, len(free)) :]
            head[take] = j
            missing -= len(take)
    return out


def parent_segments(
    ctx: InjectContext,
    key: str,
    columns: list[str],
    segment: str,
    values: list[Scalar],
    forced: bool,
) -> tuple[pl.DataFrame, np.ndarray, np.ndarray]:
    """The segment table's generated ``columns``, and each row's segment index as drawn
    and after :func:`force` (when the segment table carries the cohorts)."""
    try:
        parents = ctx.parent_values(key, columns)
    except KeyError:
        raise NotGenerated(key) from None
    drawn = _labels(parents.get_column(segment), values)
    if not forced:
        return parents, drawn, drawn
    return parents, drawn, force(drawn, len(values), min(ctx.min_rows, parents.height))


def _segments(stat: TraitStat, cohorts: list[TraitStat]) -> list[Scalar]:
    carried = stat.detail.get("segments")
    values: list[Scalar] = json.loads(carried) if isinstance(carried, str) else []
    return values or [c.value for c in cohorts if c.value is not None]


def cohort_anchors(ctx: InjectContext, table: Table) -> np.ndarray | None:
    """One row of ``table`` per cohort segment it carries (its first row of the segment,
    after forcing): parents that keep children, so no cohort of a child table loses its
    last parent to ``childless_parent``. None when the table carries no cohorts."""
    cohorts = [
        s
        for s in table.traits
        if s.trait == "cohort" and str(s.detail.get("segment", "")).rpartition(".")[0] == table.key
    ]
    if not cohorts:
        return None
    stat = cohorts[0]
    column = str(stat.detail["segment"]).rpartition(".")[2]
    values = _segments(stat, cohorts)
    carried = isinstance(stat.detail.get("segments"), str)
    try:
        _, _, labels = parent_segments(ctx, table.key, [column], column, values, carried)
    except NotGenerated:
        return None
    keep = np.zeros(len(labels), dtype=bool)
    for j in range(len(values)):
        rows = np.flatnonzero(labels == j)
        if len(rows):
            keep[rows[0]] = True
    return keep


def members(
    frame: pl.DataFrame, table: Table, stat: TraitStat, cohorts: list[TraitStat], ctx: InjectContext
) -> tuple[pl.DataFrame, np.ndarray, int]:
    """The chunk (segment values forced into place), each row's segment index, and the
    index of ``stat``'s segment. Raises :class:`NotGenerated` without the segment table."""
    seg_key, _, column = str(stat.detail["segment"]).rpartition(".")
    carried = stat.detail.get("segments")
    values = _segments(stat, cohorts)
    mine = values.index(stat.value) if stat.value in values else -1
    n = frame.height
    if stat.columns == (column,) and seg_key == table.key:
        _, drawn, labels = parent_segments(ctx, seg_key, [column], column, values, bool(carried))
        rows = labels[ctx.start : ctx.start + n]
        series = frame.get_column(column)
        typed = pl.Series([stat.value]).cast(series.dtype, strict=False)
        moved = np.flatnonzero((rows == mine) & (drawn[ctx.start : ctx.start + n] != mine))
        if len(moved) and mine >= 0 and typed.null_count() == 0:
            frame = frame.with_columns(series.scatter(moved, typed.gather([0] * len(moved))))
        return frame, rows, mine
    fk, ref = stat.columns[0], str(stat.detail.get("key", "id"))
    parents, _, labels = parent_segments(ctx, seg_key, [ref, column], column, values, bool(carried))
    keys = parents.get_column(ref)
    set_carrier_keys(
        ctx.memo, table.key, stat, keys.filter(pl.Series((labels == mine) & (mine >= 0)))
    )
    lookup = pl.DataFrame({"k": keys, "i": labels})
    child = frame.get_column(fk).cast(keys.dtype, strict=False)
    rows = (
        pl.DataFrame({"k": child})
        .join(lookup, on="k", how="left", maintain_order="left")
        .get_column("i")
        .fill_null(-1)
        .to_numpy()
    )
    unique = (fk,) in table.unique or (fk,) == table.primary_key
    if ctx.chunk == 0 and not unique:
        frame, rows = _reassign(frame, table, fk, rows, keys, labels, cohorts, values, ctx)
    return frame, rows, mine


def _reassign(
    frame: pl.DataFrame,
    table: Table,
    fk: str,
    rows: np.ndarray,
    keys: pl.Series,
    labels: np.ndarray,
    cohorts: list[TraitStat],
    values: list[Scalar],
    ctx: InjectContext,
) -> tuple[pl.DataFrame, np.ndarray]:
    """Point rows of the largest cohort at parents of cohorts with fewer than ``min_rows``
    rows in the first chunk (every call makes the same moves: the first one does them)."""
    need = min(ctx.min_rows, ctx.rows)
    segment = str(cohorts[0].detail.get("segment"))
    rng = ctx.rng(fk, "cohort", f"force:{segment}")
    view = shared_view(ctx.memo, segment.rpartition(".")[0], f"{table.key}.{fk}")
    childless = view.childless if view is not None and len(view.childless) == len(labels) else None
    rows = rows.copy()
    series = frame.get_column(fk)
    for c in cohorts:
        j = values.index(c.value) if c.value in values else -1
        missing = need - int((rows == j).sum())
        pool = np.flatnonzero(labels == j)
        if childless is not None and (~childless[pool]).any():
            pool = pool[~childless[pool]]  # a childless parent must stay so
        if j < 0 or missing <= 0 or len(pool) == 0:
            continue
        counts = np.bincount(rows[rows >= 0], minlength=len(values))
        donor = int(np.argmax(counts))
        spare = counts[donor] - need
        if donor == j or spare <= 0:
            continue
        idx = rng.choice(np.flatnonzero(rows == donor), size=min(missing, spare), replace=False)
        picked = keys.gather(rng.choice(pool, size=len(idx))).cast(series.dtype, strict=False)
        series = series.scatter(idx, picked)
        rows[idx] = j
    return frame.with_columns(series), rows


def _frequent(column: Column, shares: dict[str, float], null: float) -> tuple[ValueFrequency, ...]:
    by_key = {value_key(column.name, f.value): f.value for f in column.stats.frequent}
    pairs = [(by_key[f"value:{column.name}={t}"], s) for t, s in shares.items()
             if f"value:{column.name}={t}" in by_key]  # fmt: skip
    total = sum(s for _, s in pairs)
    if total > 0 and 1.0 - null - total < RESIDUAL:
        pairs = [(v, s * (1.0 - null) / total) for v, s in pairs]
    return tuple(ValueFrequency(value=v, fraction=min(1.0, s)) for v, s in pairs)


def _with(column: Column, **stats: object) -> Column:
    return column.model_copy(update={"stats": column.stats.model_copy(update=stats)})


def burst_days(cohorts: list[TraitStat]) -> dict[str, set[str]]:
    """Column -> the busiest days (ISO dates) of every cohort of a dimension."""
    out: dict[str, set[str]] = {}
    for stat in cohorts:
        for name, (first, _, _) in Overrides.parse(stat).bursts.items():
            out.setdefault(name, set()).add(str(first)[:10])
    return out


def apply_overrides(
    frame: pl.DataFrame,
    table: Table,
    stat: TraitStat,
    idx: np.ndarray,
    ctx: InjectContext,
    avoid: dict[str, set[str]],
) -> pl.DataFrame:
    """Rows ``idx`` of the chunk redrawn where the cohort's statistics differ; values on
    a cohort's busiest day (``avoid``) redrawn, then the cohort's own burst placed."""
    if len(idx) == 0:
        return frame
    o = Overrides.parse(stat)
    tag = f"cohort:{stat.detail.get('segment')}={stat.value}"
    for name in sorted(set(o.values) | set(o.nulls) | set(o.bursts) | set(avoid)):
        if name not in frame.columns:
            continue
        column = table.column(name)
        null = o.nulls.get(name, column.stats.null_fraction if column.nullable else 0.0)
        series = frame.get_column(name)
        if name in o.values:
            cohort = _with(
                column, null_fraction=null, frequent=_frequent(column, o.values[name], null)
            )
            new = ctx.sample(cohort, len(idx), f"{tag}:{name}").cast(series.dtype)
            series = series.scatter(idx, new)
        elif name in o.nulls:
            series = _renull(series, column, null, idx, ctx, tag)
        if name in avoid:
            series = _off_days(series, column, idx, avoid[name], ctx, tag)
        if name in o.bursts:
            first, last, share = o.bursts[name]
            rng = ctx.rng(name, "cohort", f"{tag}:burst")
            nonnull = idx[series.gather(idx).is_not_null().to_numpy()]
            pick = nonnull[rng.random(len(nonnull)) < share / max(1e-9, 1.0 - null)]
            day = ColumnStats(values=Distribution(min=first, max=last))
            new = ctx.sample(column.model_copy(update={"stats": day}), len(pick), f"{tag}:burst")
            new = new.cast(series.dtype)
            series = _gathered(series, pick, idx, new).scatter(pick, new)
        frame = frame.with_columns(series)
    return frame


def _gathered(series: pl.Series, pick: np.ndarray, idx: np.ndarray, day: pl.Series) -> pl.Series:
    """``series`` before ``pick`` (rows of the cohort ``idx``) take the instants ``day`` of
    its busiest day: as many rows of other cohorts, those nearest the day, take ``pick``'s
    values in exchange. The whole-table percentiles hold the burst's mass, which drawing
    from them spread around the day; without the exchange the other cohorts kept that
    spread mass and the table held the burst twice (signup users came out too new, and a
    backfill gap dated by them short of NULLs)."""
    keys = series.to_physical().cast(pl.Float64).to_numpy()
    centre = day.to_physical().cast(pl.Float64).to_numpy()
    if len(pick) == 0 or len(centre) == 0:
        return series
    others = np.setdiff1d(np.flatnonzero(~np.isnan(keys)), idx)
    near = others[np.argsort(np.abs(keys[others] - np.median(centre)), kind="stable")]
    near = near[: len(pick)]
    return series.clone().scatter(near, series.gather(pick[: len(near)]))


def _off_days(
    series: pl.Series, column: Column, idx: np.ndarray, days: set[str], ctx: InjectContext, tag: str
) -> pl.Series:
    """Rows ``idx`` whose value falls on one of ``days`` redrawn from the column until it
    does not (a few tries): the whole-table distribution holds every cohort's burst, and
    a cohort without that burst must not inherit it."""
    if series.dtype != pl.Date and not isinstance(series.dtype, pl.Datetime):
        return series
    blocked = pl.Series([dt.date.fromisoformat(d) for d in sorted(days)], dtype=pl.Date)
    plain = _with(column, null_fraction=0.0)
    for attempt in range(RETRIES):
        on_day = series.gather(idx).cast(pl.Date).is_in(blocked.implode()).fill_null(False)
        rows = idx[on_day.to_numpy()]
        if len(rows) == 0:
            break
        new = ctx.sample(plain, len(rows), f"{tag}:off-day:{attempt}")
        series = series.scatter(rows, new.cast(series.dtype))
    return series


def _renull(
    series: pl.Series, column: Column, null: float, idx: np.ndarray, ctx: InjectContext, tag: str
) -> pl.Series:
    """NULLs of rows ``idx`` thinned or thickened to share ``null``; other values kept
    (so column traits they carry survive), new values drawn from the column."""
    base = column.stats.null_fraction
    rng = ctx.rng(column.name, "cohort", f"{tag}:null")
    is_null = series.gather(idx).is_null().to_numpy()
    u = rng.random(len(idx))
    if null > base:
        to_null = idx[~is_null & (u < (null - base) / max(1e-9, 1.0 - base))]
        return null_at(series, to_null)
    fill = idx[is_null & (u >= (null / base if base > 0 else 0.0))]
    if len(fill) == 0:
        return series
    plain = column.model_copy(update={"stats": column.stats.non_null()})
    new = ctx.sample(plain, len(fill), f"{tag}:fill")
    return series.scatter(fill, new.cast(series.dtype))
