"""Moving values between rows so that two columns keep their order (for
:mod:`synth.traits.order`): exchanges first, so each column keeps its values."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from synth.model import LogicalType, Table
from synth.traits._order_exempt import exempt, exempt_rows

__all__ = [
    "SWAP_ROUNDS",
    "back",
    "beyond",
    "carriers",
    "cast",
    "compare",
    "couple",
    "holding",
    "mirrored",
    "plain",
    "return_carriers",
    "swap",
    "temporal",
]


def compare(a: pl.Expr, b: pl.Expr, op: str) -> pl.Expr:
    return {">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}[op]


def holding(a: pl.Series, b: pl.Series, op: str) -> np.ndarray:
    """Rows where ``a op b`` holds (or either is NULL)."""
    frame = pl.DataFrame({"a": a, "b": b})
    return (
        frame.select(compare(pl.col("a"), pl.col("b"), op).fill_null(True)).to_series().to_numpy()
    )


def order_rules(table: Table, column: str, but: tuple[str, ...] = ()) -> pl.Expr:
    """Whether a row keeps every order of ``table`` that involves ``column`` (NULL sides
    hold), but the order of the columns ``but``."""
    exprs = [pl.lit(True)]
    for stat in table.traits:
        if stat.trait == "column_order" and column in stat.columns[:2]:
            if stat.columns[:2] == but:
                continue
            later, earlier = stat.columns[:2]
            op = str(stat.detail.get("op", ">="))
            kept = compare(cast(table, later), cast(table, earlier), op).fill_null(True)
            exprs.append(kept | exempt(table, (later, earlier)))
    return pl.all_horizontal(exprs)


SWAP_ROUNDS = 16
"""Rounds of random partners tried for the rows out of order."""


def swap(
    frame: pl.DataFrame,
    table: Table,
    column: str,
    bound: pl.Series,
    upward: bool,
    fix: np.ndarray,
    keep: np.ndarray,
    marked: np.ndarray,
    rng: np.random.Generator,
    among: np.ndarray | None = None,
) -> pl.DataFrame:
    """``frame`` with ``column``'s values of rows ``fix`` exchanged with those of other rows
    (any row holding a value but ``keep``; only rows of the mask ``among`` when given)
    wherever both rows then keep the column's orders: the column keeps its values. A
    carrier of its traits (``marked``) moves only to a row needing the most extreme
    values. ``bound`` is the other column's values, which the moved ones must be above
    (``upward``) or below."""
    from synth.traits.pairs import swapped

    rules = order_rules(table, column)
    values = frame.get_column(column)
    free = values.is_not_null().to_numpy()
    if among is not None:
        free &= among
    free[keep] = False
    todo = fix
    for attempt in range(SWAP_ROUNDS):
        pool = np.setdiff1d(np.flatnonzero(free), todo)
        if len(todo) == 0 or len(pool) == 0:
            break
        if attempt == 0:  # the most extreme values first, to the rows needing them most
            pool = pool[values.gather(pool).arg_sort(descending=upward, nulls_last=True)]
            todo = todo[bound.gather(todo).arg_sort(descending=upward, nulls_last=True)]
            partners = pool[: len(todo)]
        else:  # each row a random partner among those whose value fits it
            plain = pool[~marked[pool]]
            if len(plain) == 0:
                break
            partners = fitting(values, bound, plain, todo, upward, rng)
        tried = todo[: len(partners)]
        _, first = np.unique(partners, return_index=True)  # each partner once per round
        first.sort()
        partners, tried = partners[first], tried[first]
        test = frame.with_columns(swapped(values, tried, partners))
        stat_ok = test.select(rules).to_series().to_numpy()
        took = stat_ok[tried] & stat_ok[partners]
        if took.any():
            values = swapped(values, tried[took], partners[took])
            frame = frame.with_columns(values)
        todo = np.setdiff1d(todo, tried[took])
    return frame


def return_carriers(
    frame: pl.DataFrame,
    table: Table,
    column: str,
    before: np.ndarray,
    nudged: np.ndarray,
    old: pl.Series,
    keep: np.ndarray,
    like: pl.Series,
) -> pl.DataFrame:
    """``frame`` after ``nudged`` rows took the other column's value: where that made a new
    carrier of a trait of ``column`` (a future ``created_at`` copied into ``updated_at``), an
    older carrier of it gives its value up for one a nudged row lost, where the orders allow,
    so the trait keeps its share."""
    after = carriers(frame, table, column)
    new = nudged[after[nudged] & ~before[nudged]]
    if len(new) == 0:
        return frame
    lost = old.filter(pl.Series(after[nudged] & ~before[nudged]))
    rules = order_rules(table, column)
    givers = np.setdiff1d(np.flatnonzero(before & after), np.concatenate([keep, nudged]))
    values = frame.get_column(column)
    for value in lost:
        for giver in givers:
            test = frame.with_columns(
                values.clone().scatter([int(giver)], back(pl.Series([value]), like))
            )
            if test.select(rules).to_series()[int(giver)]:
                frame, values = test, test.get_column(column)
                givers = givers[givers != giver]
                break
    return frame


def fitting(
    values: pl.Series,
    bound: pl.Series,
    pool: np.ndarray,
    todo: np.ndarray,
    upward: bool,
    rng: np.random.Generator,
) -> np.ndarray:
    """For each row of ``todo``, a random row of ``pool`` whose value is past that row's
    bound (any row of ``pool`` where none is)."""
    order = values.gather(pool).arg_sort(nulls_last=True).to_numpy()
    ranked = pool[order]
    keys = sort_keys(values.gather(ranked))
    edges = sort_keys(bound.cast(values.dtype, strict=False).gather(todo))
    out = np.empty(len(todo), dtype=np.int64)
    for i, edge in enumerate(edges):
        if upward:
            lo, hi = int(np.searchsorted(keys, edge, side="left")), len(ranked)
        else:
            lo, hi = 0, int(np.searchsorted(keys, edge, side="right"))
        out[i] = ranked[rng.integers(lo, hi)] if hi > lo else ranked[rng.integers(0, len(ranked))]
    return out


def carriers(frame: pl.DataFrame, table: Table, column: str) -> np.ndarray:
    """Rows whose value of ``column`` carries one of its column traits."""
    from synth.traits import get
    from synth.traits.base import ColumnTrait

    col = table.column(column)
    exprs = []
    for stat in col.stats.traits:
        trait = get(stat.trait)
        if isinstance(trait, ColumnTrait):
            exprs.append(trait.carriers(pl.col(column), col, stat).fill_null(False))
    if not exprs:
        return np.zeros(frame.height, dtype=bool)
    return frame.select(pl.any_horizontal(exprs)).to_series().to_numpy()


def temporal(dtype: pl.DataType) -> bool:
    return dtype == pl.Date or isinstance(dtype, pl.Datetime)


def plain(series: pl.Series, dtype: pl.DataType) -> pl.Series:
    """``series`` as ``dtype`` (dates to timestamps, zones dropped) for comparing."""
    if isinstance(series.dtype, pl.Datetime) and series.dtype.time_zone is not None:
        series = series.dt.replace_time_zone(None)
    return series.cast(dtype, strict=False) if series.dtype != dtype else series


def back(values: pl.Series, like: pl.Series) -> pl.Series:
    """``values`` in the dtype (and zone) of ``like``."""
    dtype = like.dtype
    if isinstance(dtype, pl.Datetime) and dtype.time_zone is not None:
        return values.cast(pl.Datetime(dtype.time_unit)).dt.replace_time_zone(dtype.time_zone)
    if dtype == pl.Date and values.dtype != pl.Date:
        return values.dt.date()
    return values.cast(dtype, strict=False)


def sort_keys(series: pl.Series) -> np.ndarray:
    """``series`` as numbers that sort as its values (decimals as floats)."""
    if isinstance(series.dtype, pl.Decimal):
        return series.cast(pl.Float64).to_numpy()
    return series.to_physical().to_numpy()


def beyond(
    values: pl.Series, bound: pl.Series, upward: bool, rng: np.random.Generator
) -> pl.Series:
    """For each bound, the column's nearest value past it (at or above it when ``upward``,
    else at or below), so that a column of few values keeps them; the bound itself where
    none is."""
    pool = values.drop_nulls().sort()
    keys = sort_keys(pool)
    edges = sort_keys(bound.cast(values.dtype, strict=False))
    picks = np.full(len(edges), -1, dtype=np.int64)
    for i, edge in enumerate(edges):
        if upward:
            lo, hi = int(np.searchsorted(keys, edge, side="left")), len(keys)
        else:
            lo, hi = 0, int(np.searchsorted(keys, edge, side="right"))
        if hi > lo:  # the nearest value past the bound (ties among equals at random)
            near = keys[lo] if upward else keys[hi - 1]
            same = np.flatnonzero(keys[lo:hi] == near) + lo
            picks[i] = same[rng.integers(0, len(same))]
    found = picks >= 0
    if not found.any():
        return bound
    chosen = pool.gather(np.where(found, picks, 0)).cast(bound.dtype, strict=False)
    return chosen.zip_with(pl.Series(found), bound)


def mirrored(a: pl.Series, b: pl.Series, op: str, dtype: pl.DataType) -> pl.Series:
    """``a`` moved to the other side of ``b`` by the same gap (at most a day for instants, so
    that no far-off value makes a trait of its own; one step where they are equal), so that
    ``a op b`` no longer holds."""
    frame = pl.DataFrame({"a": a, "b": b})
    gap = pl.col("a") - pl.col("b")
    one: Any
    if dtype.is_integer() or isinstance(dtype, pl.Decimal) or dtype.is_float():
        one = 1
    else:
        one = pl.duration(seconds=1)
        day = pl.duration(days=1)
        gap = pl.when(gap > day).then(day).when(gap < -day).then(-day).otherwise(gap)
    later = op in (">", ">=")  # a must end up before b
    step = -one if later else one
    mirrored = pl.col("b") - gap
    same = pl.col("a") == pl.col("b")
    return frame.select(
        pl.when(same).then(pl.col("b") + step).otherwise(mirrored).cast(dtype).alias("a")
    ).to_series()


def cast(table: Table, name: str) -> pl.Expr:
    col = next((c for c in table.columns if c.name == name), None)
    expr = pl.col(name)
    if col is not None and col.type is LogicalType.DATE:
        return expr.cast(pl.Datetime("us"))
    if col is not None and col.type is LogicalType.DATETIME:
        return expr.dt.replace_time_zone(None).cast(pl.Datetime("us"))
    return expr


def couple(
    frame: pl.DataFrame,
    table: Table,
    depends: dict[str, list[tuple[str, bool]]],
    rng: np.random.Generator,
) -> pl.DataFrame:
    """``frame`` with each moved column's values re-paired, in sorted order, with the
    bound its orders set in each row (the latest of the columns it must follow, or the
    earliest of those it must precede), columns in dependency order: `created_at`, then
    `last_login_at`, then `deleted_at`. Only rows holding both a value and a bound take
    part, so each column keeps its values, its NULLs and its traits' shares; the rows
    of a cohort created on one day get the earliest values, not one piled-up instant. A
    column bound on both sides, or in a cycle, is left to the exchanges."""
    done: set[str] = set()
    todo = {c: deps for c, deps in depends.items() if len({up for _, up in deps}) == 1}
    while todo:
        ready = [c for c, deps in todo.items() if all(f not in todo for f, _ in deps)]
        if not ready:
            break  # a cycle
        for column in sorted(ready):
            frame = _couple_one(frame, table, column, todo.pop(column), rng)
            done.add(column)
    return frame


def _couple_one(
    frame: pl.DataFrame,
    table: Table,
    column: str,
    deps: list[tuple[str, bool]],
    rng: np.random.Generator,
) -> pl.DataFrame:
    names = [f for f, _ in deps if f in frame.columns]
    if column not in frame.columns or not names:
        return frame
    values = frame.get_column(column)
    series = [frame.get_column(n) for n in names]
    temporal_ = [temporal(s.dtype) for s in series] + [temporal(values.dtype)]
    if any(temporal_) and not all(temporal_):
        return frame
    common: pl.DataType = pl.Datetime("us") if all(temporal_) else pl.Float64
    bounds = pl.DataFrame([plain(s, common).rename(f"b{i}") for i, s in enumerate(series)])
    upward = deps[0][1]
    edge = pl.max_horizontal(pl.all()) if upward else pl.min_horizontal(pl.all())
    bound = bounds.select(edge.alias("b")).to_series()
    held = exempt_rows(frame, table, (column, *names))  # other traits' carriers stay
    both = values.is_not_null().to_numpy() & bound.is_not_null().to_numpy()
    rows = np.flatnonzero(both & ~held)
    if len(rows) < 2:
        return frame
    keys = sort_keys(bound.gather(rows))
    order = np.lexsort((rng.random(len(rows)), keys))
    ranked = values.gather(rows).sort()
    return frame.with_columns(values.clone().scatter(rows[order], ranked))
