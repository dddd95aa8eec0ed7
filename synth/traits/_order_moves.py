"""Arranging a chunk so that its column orders hold (for :mod:`synth.traits.order`).

All the ordered columns of a table are arranged in one pass, not pair by pair: each
connected group of orders (`created_at <= updated_at <= deleted_at`, `created_at <=
last_login_at`) takes one key column, and every other column of the group has its values
re-paired with the rows in the key's sorted order (a comonotone coupling). Each column
keeps its values, its NULLs and its traits' carriers; where production keeps `later >=
earlier`, the later column's quantiles lie at or above the earlier one's, so sorted
values hold the order nearly everywhere. The few rows where sampling made two columns'
quantiles cross are then raised to their bound, one column at a time in the orders'
topological order, so a chain holds in a single pass. Sorting is O(n log n) per column.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from synth.model import LogicalType, Table, TraitStat
from synth.traits._order_exempt import exempt, exempt_rows

__all__ = [
    "arrange",
    "back",
    "cast",
    "compare",
    "mirrored",
    "order_rules",
    "pinned",
    "plain",
    "temporal",
]


def compare(a: pl.Expr, b: pl.Expr, op: str) -> pl.Expr:
    return {">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}[op]


def order_rules(
    table: Table, column: str, but: tuple[str, ...] = (), spare: frozenset = frozenset()
) -> pl.Expr:
    """Whether a row keeps every order of ``table`` that involves ``column`` (NULL sides
    hold), but the order of the columns ``but`` and those in ``spare``."""
    exprs = [pl.lit(True)]
    for stat in table.traits:
        if stat.trait == "column_order" and column in stat.columns[:2]:
            if stat.columns[:2] == but or stat.columns[:2] in spare:
                continue
            later, earlier = stat.columns[:2]
            op = str(stat.detail.get("op", ">="))
            kept = compare(cast(table, later), cast(table, earlier), op).fill_null(True)
            exprs.append(kept | exempt(table, (later, earlier)))
    return pl.all_horizontal(exprs)


def pinned(frame: pl.DataFrame, table: Table, column: str) -> np.ndarray:
    """Rows whose value of ``column`` stays where it is: carriers of its column traits (a
    `1970-01-01` sentinel), and rows one import stamped: where ``column`` and another
    column share a burst instant (the burst trait chose those rows together)."""
    from synth.traits.bursts import Burst

    held = exempt_rows(frame, table, (column,))
    bursts = [s for s in table.traits if s.trait == Burst.name and s.value is not None]
    joint = []
    for mine in (s for s in bursts if s.columns[:1] == (column,)):
        others = [
            Burst().carriers(table, s, {}).fill_null(False)
            for s in bursts
            if s.value == mine.value
            and s.columns[:1] != (column,)
            and s.columns[0] in frame.columns
        ]
        if others:
            joint.append(
                Burst().carriers(table, mine, {}).fill_null(False) & pl.any_horizontal(others)
            )
    if joint:
        held = held | frame.select(pl.any_horizontal(joint)).to_series().to_numpy()
    return held


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
    """``series`` as floats that sort as its values (decimals and instants included)."""
    if isinstance(series.dtype, pl.Decimal):
        return series.cast(pl.Float64).to_numpy()
    return series.to_physical().cast(pl.Float64).to_numpy()


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


FULLER = 4
"""How many times more values the earlier column of an order must hold for it, not the
later one, to move where the two cross (first round)."""

MOVED = 0.05
"""...and when the rows where they cross are at most this share of its values (more would
move its distribution)."""

SPREAD = 0.05
"""Share of a sparse later column's values below their bound after coupling above which
its NULL rows take the group's high values (:func:`_unset`)."""

LIFTS = (0.1, 0.25, 0.5, 1.0)
"""How far NULL rows of a sparse last event move up the group's order, least first."""

Edge = tuple[str, str, str, float]
"""(later, earlier, op, breaking share): ``later op earlier`` holds in production's rows
but that share."""


def arrange(
    frame: pl.DataFrame,
    table: Table,
    stats: list[TraitStat],
    anchored: set[str],
    rng: np.random.Generator,
) -> pl.DataFrame:
    """``frame`` with every order of ``stats`` holding in the rows it can move: per group
    of orders, the columns coupled to one key's order, then the crossings raised (or, below
    a column that may not move, lowered) to their bound. ``anchored`` columns date the rows
    for other traits and never move."""
    edges = [
        (s.columns[0], s.columns[1], str(s.detail.get("op", ">=")), s.fraction)
        for s in stats
        if s.columns[0] in frame.columns and s.columns[1] in frame.columns
    ]
    for group in _groups(table, edges):
        inner = [e for e in edges if e[0] in group]
        if not _comparable(frame, group):
            continue
        frame = _couple(frame, table, group, anchored, rng)
        lift = _unset(frame, group, inner, anchored)
        if lift is None and any(c in anchored for c in group):
            frame = _renull(frame, table, group, inner, anchored, rng)
        if lift is not None:  # the least lift that clears most crossings, if any does
            before = _crossed(frame, group, inner)
            for step in LIFTS:
                lifted = _couple(frame, table, group, anchored, rng, lift * step)
                crossed = _crossed(lifted, group, inner)
                if crossed <= SPREAD * before:
                    frame = lifted
                    break
        frame = _raise(frame, table, group, inner, anchored, rng)
    return frame


def _broken(frame: pl.DataFrame, common: pl.DataType, later: str, earlier: str, op: str) -> int:
    """Rows where ``later op earlier`` fails, both compared as ``common``."""
    a, b = plain(frame.get_column(later), common), plain(frame.get_column(earlier), common)
    pair = pl.DataFrame({"a": a, "b": b})
    return int(pair.select((~compare(pl.col("a"), pl.col("b"), op)).fill_null(False).sum()).item())


def _crossed(frame: pl.DataFrame, group: list[str], edges: list[Edge]) -> int:
    """Rows breaking an order of ``edges``, summed over the orders."""
    common = _common(frame, group)
    return sum(_broken(frame, common, later, earlier, op) for later, earlier, op, _ in edges)


def _unset(
    frame: pl.DataFrame, group: list[str], edges: list[Edge], anchored: set[str]
) -> np.ndarray | None:
    """Rows to place above the rest when a group is coupled again: those where a sparse
    later column is NULL, when most of its values fall below the fuller earlier column
    (more than :data:`SPREAD` of them). Production held its values on the rows of low
    earlier values (products that stopped selling started long ago), so its NULL rows
    take the high ones; its NULLs stay where they are. Only for the last event of a
    chain (a NULL there is one that has not happened yet), and not when another trait
    dates the rows by a column of the group (it may not move)."""
    if any(c in anchored for c in group):
        return None
    worst, lift = SPREAD, None
    for later, _, share in _sparse_last(frame, group, edges):
        if share > worst:
            worst, lift = share, frame.get_column(later).is_null().to_numpy().astype(np.float64)
    return lift


def _sparse_last(
    frame: pl.DataFrame, group: list[str], edges: list[Edge]
) -> list[tuple[str, str, float]]:
    """(later, earlier, crossing share) of each order whose later column is a sparse last
    event (fewer values than the earlier one, the last of its chain, an order production
    keeps) with more than :data:`SPREAD` of its values below the earlier one."""
    common = _common(frame, group)
    held = {c: frame.height - frame.get_column(c).null_count() for c in group}
    out = []
    for later, earlier, op, breaking in edges:
        if breaking > 0 or held[later] in (0, frame.height) or held[later] >= held[earlier]:
            continue  # (an order production breaks has its own rows to break)
        if any(e == later for _, e, _, _ in edges):  # not the last event of its chain: a
            continue  # paid fine is followed by a return, not missing for recent loans
        share = _broken(frame, common, later, earlier, op) / held[later]
        if share > SPREAD:
            out.append((later, earlier, share))
    return out


def _renull(
    frame: pl.DataFrame,
    table: Table,
    group: list[str],
    edges: list[Edge],
    anchored: set[str],
    rng: np.random.Generator,
) -> pl.DataFrame:
    """:func:`_unset` where the group's key may not move (a key column: an invoice's
    `period_start`): the sparse last event's NULLs move instead, to the rows of the
    latest earlier values, and its values re-pair with the rest in that order. Production
    has not issued its latest invoices; NULLs spread over every period left the latest
    ones issued, all on the last date (its share doubled). Its NULL share and values stay."""
    from synth.traits.relations.measure import flag_column

    mentioned = {c for s in table.traits if s.trait != "column_order" for c in s.columns}
    mentioned.add(flag_column(table) or "")  # children see its NULLs as they were drawn
    for check in table.checks:  # one that is not a comparison may tie its NULLs to a value
        if check.unenforced or not check.rules or any(r.kind != "compare" for r in check.rules):
            mentioned.update(check.columns)
    for later, earlier, _ in _sparse_last(frame, group, edges):
        if later in anchored or later in mentioned:
            continue  # (its NULLs are another trait's)
        values = frame.get_column(later)
        free = ~pinned(frame, table, later)
        rows = np.flatnonzero(free)
        keys = sort_keys(frame.get_column(earlier))[rows]
        ranked = rows[np.lexsort((rng.random(len(rows)), np.nan_to_num(keys, nan=-np.inf)))]
        moved = values.gather(np.flatnonzero(free & values.is_not_null().to_numpy())).sort()
        filled = ranked[: len(moved)]  # the latest rows of `earlier` stay empty
        out = pl.Series(later, [None] * frame.height, dtype=values.dtype)
        out = out.scatter(np.flatnonzero(~free), values.gather(np.flatnonzero(~free)))
        frame = frame.with_columns(out.scatter(filled, moved))
    return frame


def _groups(table: Table, edges: list[Edge]) -> list[list[str]]:
    """Columns linked by orders, each group in table order."""
    parent: dict[str, str] = {}

    def root(c: str) -> str:
        while parent.setdefault(c, c) != c:
            c = parent[c]
        return c

    for later, earlier, _, _ in edges:
        parent[root(later)] = root(earlier)
    groups: dict[str, list[str]] = {}
    for col in table.columns:
        if col.name in parent:
            groups.setdefault(root(col.name), []).append(col.name)
    return list(groups.values())


def _comparable(frame: pl.DataFrame, group: list[str]) -> bool:
    """Whether a group's columns compare as one kind: all instants, or all numbers."""
    kinds = {temporal(frame.schema[c]) for c in group}
    return len(kinds) == 1 and (kinds == {True} or all(frame.schema[c].is_numeric() for c in group))


def _common(frame: pl.DataFrame, group: list[str]) -> pl.DataType:
    dtypes = {frame.schema[c] for c in group}
    if len(dtypes) == 1:
        (only,) = dtypes
        if isinstance(only, pl.Datetime) and only.time_zone is not None:
            return pl.Datetime(only.time_unit)
        return only
    return pl.Datetime("us") if temporal(next(iter(dtypes))) else pl.Float64


def _score(frame: pl.DataFrame, order: list[str], rng: np.random.Generator) -> np.ndarray:
    """Each row's place in [0, 1]: its rank in the first column of ``order`` that holds a
    value there (ties at random), so rows without a key value still take a place."""
    score = np.full(frame.height, np.nan)
    for name in order:
        keys = sort_keys(frame.get_column(name))
        rows = np.flatnonzero(~np.isnan(keys) & np.isnan(score))
        if len(rows) == 0:
            continue
        have = np.flatnonzero(~np.isnan(keys))
        ranked = have[np.lexsort((rng.random(len(have)), keys[have]))]
        place = np.empty(frame.height)
        place[ranked] = (np.arange(len(ranked)) + 0.5) / len(ranked)
        score[rows] = place[rows]
    empty = np.isnan(score)
    score[empty] = rng.random(int(empty.sum()))
    return score


def _couple(
    frame: pl.DataFrame,
    table: Table,
    group: list[str],
    anchored: set[str],
    rng: np.random.Generator,
    lift: np.ndarray | None = None,
) -> pl.DataFrame:
    """The group's movable columns re-paired in the key column's order. The key is a
    column other traits date the rows by, else the one holding the most values. With
    ``lift`` (1 for rows placed above the rest, see :func:`_unset`) the key moves too."""
    counts = {c: frame.height - frame.get_column(c).null_count() for c in group}
    fixed = [c for c in group if c in anchored]
    key = max(fixed or group, key=lambda c: counts[c])  # first of equals: table order
    order = [key, *sorted((c for c in group if c != key), key=lambda c: -counts[c])]
    score = _score(frame, order, rng)
    if lift is not None:
        score = score + lift
    out = []
    for name in group:
        if name in fixed or (name == key and lift is None):
            continue
        values = frame.get_column(name)
        rows = np.flatnonzero(values.is_not_null().to_numpy() & ~pinned(frame, table, name))
        if len(rows) < 2:
            continue
        ranked = rows[np.argsort(score[rows], kind="stable")]
        out.append(values.clone().scatter(ranked, values.gather(rows).sort()))
    return frame.with_columns(out) if out else frame


def _topological(group: list[str], edges: list[Edge]) -> list[str]:
    """``group`` earliest first (a cycle's columns in table order)."""
    after = {c: {e for later, e, _, _ in edges if later == c} for c in group}
    done: list[str] = []
    while len(done) < len(group):
        ready = [c for c in group if c not in done and after[c] <= set(done)]
        done += ready or [next(c for c in group if c not in done)]
    return done


def _raise(
    frame: pl.DataFrame,
    table: Table,
    group: list[str],
    edges: list[Edge],
    anchored: set[str],
    rng: np.random.Generator,
) -> pl.DataFrame:
    """The rows still out of order moved to their bound: each movable column, earliest
    first, raised to the latest of the columns it follows; then, latest first, each one
    lowered to the earliest of the columns it precedes. A first round keeps every value
    within its column's range (a `due_at` past `clean_at`'s last value is lowered rather
    than `clean_at` raised past it); a second moves what is still out of order anyway, as
    the order matters more than the range's edge."""
    from synth.traits.pairs import nudge

    common = _common(frame, group)
    topo = _topological(group, edges)
    held = {c: frame.height - frame.get_column(c).null_count() for c in group}

    def lowered(column: str, other: str) -> bool:
        # a column of few values (`deleted_at`, 4% of users) keeps them: the far fuller one
        # it follows (`last_login_at`) is lowered in those rows instead, as production's
        # deleted users last logged in long ago; a few of its values move, not most of theirs
        if other in anchored or held[other] < FULLER * held[column]:
            return False
        return _broken(frame, common, column, other, ">=") <= MOVED * held[other]

    for within in (True, False):
        for name in topo:
            bounds = [
                (e, op, f)
                for later, e, op, f in edges
                if later == name and not (within and lowered(name, e))
            ]
            if bounds and name not in anchored:
                frame = _bound(frame, table, name, bounds, True, common, nudge, within, rng)
        for name in reversed(topo):
            bounds = [(later, _flip(op), f) for later, e, op, f in edges if e == name]
            if bounds and name not in anchored:
                frame = _bound(frame, table, name, bounds, False, common, nudge, within, rng)
    return frame


def _flip(op: str) -> str:
    return {">": "<", ">=": "<=", "<": ">", "<=": ">="}[op]


def _bound(
    frame: pl.DataFrame,
    table: Table,
    name: str,
    bounds: list[tuple[str, str, float]],
    upward: bool,
    common: pl.DataType,
    nudge: Any,
    within: bool,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """``name`` moved past the tightest of ``bounds`` where it is on their wrong side, to
    the column's own nearest value there (a column of seven dates keeps its seven), or to
    the bound itself where it has none; ``within``: only where it has one."""
    column = table.column(name)
    values = frame.get_column(name)
    own = plain(values, common)
    limits = []
    priority = rng.random(frame.height)  # the same rows stay broken for every bound
    for other, op, breaking in bounds:
        theirs = plain(frame.get_column(other), common)
        limit = nudge(theirs, op, column, common)
        skip = exempt_rows(frame, table, (name, other))
        if breaking > 0:  # an import's instant breaks an order production breaks too: up
            # to the order's share of rows, it stays broken there, as in production
            wrong = ((own < limit) if upward else (own > limit)).fill_null(False).to_numpy()
            found = np.flatnonzero(pinned(frame, table, other) & wrong & ~skip)
            size = min(len(found), round(breaking * frame.height))
            skip[found[np.argsort(priority[found], kind="stable")[:size]]] = True
        skip = pl.Series(skip)
        limits.append(limit.zip_with(~skip, pl.Series([None] * len(limit), dtype=common)))
    edge = pl.DataFrame([lim.rename(f"b{i}") for i, lim in enumerate(limits)]).select(
        (pl.max_horizontal if upward else pl.min_horizontal)(pl.all()).alias("b")
    )
    bound = edge.to_series()
    if column.type is LogicalType.DATE and upward:  # the day at or after an instant
        bound = bound.dt.offset_by("1d").dt.offset_by("-1us").dt.truncate("1d")
    held = pinned(frame, table, name)
    wrong = ((own < bound) if upward else (own > bound)).fill_null(False).to_numpy() & ~held
    rows = np.flatnonzero(wrong)
    if len(rows) == 0:
        return frame
    free = own.filter(pl.Series(~held) & own.is_not_null()).sort()
    targets = bound.gather(rows)
    keys, edges = sort_keys(free), sort_keys(targets)
    if upward:
        at = np.searchsorted(keys, edges, side="left")
        found = at < len(keys)
    else:
        at = np.searchsorted(keys, edges, side="right") - 1
        found = at >= 0
    if within:
        rows, targets, at, found = (
            rows[found],
            targets.filter(pl.Series(found)),
            at[found],
            found[found],
        )
    if len(rows) == 0:
        return frame
    # a random one of the next values (a hundredth of the column), so that many rows
    # moved past one bound do not all take the same value
    window = max(1, len(keys) // 100)
    if upward:
        at = at + (rng.random(len(at)) * np.minimum(window, len(keys) - at)).astype(np.int64)
    else:
        at = at - (rng.random(len(at)) * np.minimum(window, at + 1)).astype(np.int64)
    nearest = free.gather(np.where(found, at, 0)) if len(free) else targets
    picked = nearest.zip_with(pl.Series(found), targets) if len(free) else targets
    moved = own.clone().scatter(rows, picked)
    return frame.with_columns(back(moved, values).rename(name))
