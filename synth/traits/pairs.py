"""Mending a pair of columns that a CHECK compares, and swapping values between rows.

The pieces :class:`~synth.generator.constraints.ConstraintEnforcer` composes: values
move between rows (so each column keeps its values and their traits) before any value
is changed, and a value is changed only as little as the comparison needs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import numpy as np
import polars as pl

from synth.internal import sql_predicates as sqlp
from synth.model import Column

__all__ = [
    "COMPARE",
    "SWAP_ROUNDS",
    "fraction_digits",
    "lend",
    "nearest",
    "nudge",
    "repair",
    "step",
    "swap",
    "swapped",
]

COMPARE: dict[str, Callable[[pl.Expr, pl.Expr], pl.Expr]] = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


def fraction_digits(col: Column, dialect: str | None) -> int:
    """Digits of a second a datetime column keeps: ``DATETIME(3)`` 3, a bare MySQL
    ``DATETIME`` 0, everything else microseconds."""
    import re

    found = re.search(r"\((\d)\)", col.sql_type)
    if found:
        return int(found.group(1))
    return 0 if dialect in ("mysql", "mariadb") else 6


def step(dtype: pl.DataType, col: Column, dialect: str | None = None) -> object:
    """The smallest move past a strict bound in the column's type."""
    if dtype.is_integer():
        return 1
    if isinstance(dtype, pl.Decimal):
        return 10.0 ** -(col.scale or 0)
    if dtype == pl.Date:
        return dt.timedelta(days=1)
    if isinstance(dtype, pl.Datetime):
        return dt.timedelta(microseconds=10 ** (6 - fraction_digits(col, dialect)))
    if isinstance(dtype, pl.Duration | pl.Time):
        return dt.timedelta(microseconds=1)
    return 1e-9


SWAP_ROUNDS = 8
"""Rounds of random swaps tried for the rows failing an unenforced CHECK."""


def swap(
    frame: pl.DataFrame, expr: pl.Expr, column: str, bad: np.ndarray, rng: np.random.Generator
) -> tuple[pl.DataFrame, np.ndarray]:
    """``frame`` with ``column``'s values swapped between failing rows and random other rows
    wherever both rows then pass (a draft's NULL ``published_at`` for a published row's
    date): the column keeps its values, only their rows change. Returns the rows still
    failing."""
    for _ in range(SWAP_ROUNDS):
        if len(bad) == 0:
            break
        pool = np.setdiff1d(np.arange(frame.height), bad, assume_unique=True)
        if len(pool) == 0:
            break
        partners = pool[rng.permutation(len(pool))[: len(bad)]]
        tried = bad[: len(partners)]
        values = frame.get_column(column)
        passes = (
            frame.with_columns(swapped(values, tried, partners))
            .select(sqlp.passes(expr))
            .to_series()
            .to_numpy()
        )
        took = passes[tried] & passes[partners]
        if took.any():
            frame = frame.with_columns(swapped(values, tried[took], partners[took]))
        ok = frame.select(sqlp.passes(expr)).to_series().to_numpy()
        bad = np.flatnonzero(~ok)
    return frame, bad


def swapped(values: pl.Series, a: np.ndarray, b: np.ndarray) -> pl.Series:
    """``values`` with rows ``a`` and ``b`` exchanged (a copy: ``scatter`` works in place)."""
    at_a, at_b = values.gather(a), values.gather(b)
    return values.clone().scatter(a, at_b).scatter(b, at_a)


def nudge(
    b: pl.Series, op: str, col: Column, dtype: pl.DataType, dialect: str | None = None
) -> pl.Series:
    """The left value that satisfies ``left op b`` nearest to ``b``."""
    b = b.cast(dtype, strict=False)
    if op in ("=", ">=", "<="):
        return b
    unit = step(dtype, col, dialect)
    if op == "<":
        return pl.select(pl.lit(b) - pl.lit(unit)).to_series().cast(dtype, strict=False)
    return pl.select(pl.lit(b) + pl.lit(unit)).to_series().cast(dtype, strict=False)


def nearest(
    a: pl.Series, b: pl.Series, op: str, col: Column, dtype: pl.DataType, dialect: str | None
) -> pl.Series:
    """Left values satisfying ``left op b``, each near its own ``a``: text takes ``b``'s
    characters up to the first place where its own are on the right side of ``b``'s, and
    keeps its own after it (a date string keeps its minutes and its shape), where there is
    such a place; everything else takes ``b``'s bound (:func:`nudge`)."""
    bound = nudge(b, op, col, dtype, dialect)
    if dtype != pl.String or op not in (">", ">=", "<", "<="):
        return bound
    after = op in (">", ">=")
    out = []
    for mine, theirs, fallback in zip(a.to_list(), b.to_list(), bound.to_list(), strict=True):
        made = fallback
        if mine is not None and theirs is not None:
            for k in range(min(len(mine), len(theirs))):
                if (mine[k] > theirs[k]) if after else (mine[k] < theirs[k]):
                    made = theirs[:k] + mine[k:]
                    break
        out.append(made)
    return pl.Series(a.name, out, dtype=pl.String)


def lend(
    frame: pl.DataFrame, a: pl.Series, b: pl.Series, right: str, op: str, bad: np.ndarray
) -> tuple[pl.DataFrame, np.ndarray]:
    """``frame`` with the right column's values of rows whose left one is NULL swapped into
    the failing rows ``bad``, smallest with smallest (``>``, ``>=``; largest with largest
    for ``<``, ``<=``) where the pair then holds; and the rows still failing."""
    if op not in (">", ">=", "<", "<="):
        return frame, bad
    pool = np.flatnonzero(a.is_null().to_numpy() & b.is_not_null().to_numpy())
    if len(pool) == 0:
        return frame, bad
    descending = op in ("<", "<=")
    order = b.gather(pool).arg_sort(descending=descending).to_numpy()
    lenders = pool[order][: len(bad)]
    takers = bad[a.gather(bad).arg_sort(descending=descending).to_numpy()][: len(lenders)]
    test = pl.DataFrame({"a": a.gather(takers), "b": b.gather(lenders)})
    fits = test.select(COMPARE[op](pl.col("a"), pl.col("b")).fill_null(False)).to_series()
    ok = fits.to_numpy()
    if ok.any():
        values = frame.get_column(right)
        frame = frame.with_columns(swapped(values, takers[ok], lenders[ok]))
    return frame, np.setdiff1d(bad, takers[ok])


def repair(
    a: pl.Series,
    b: pl.Series,
    op: str,
    rows: np.ndarray,
    bad: np.ndarray,
    rng: np.random.Generator,
) -> tuple[pl.Series, np.ndarray]:
    """``a`` with its values re-paired to ``b`` in sorted order among the violating rows and
    a growing random share of the others, until every pair holds; and the rows no pairing
    fixes."""
    others = np.setdiff1d(rows, bad, assume_unique=True)
    others = others[rng.permutation(len(others))]
    take = len(bad)
    while True:
        chosen = np.concatenate([bad, others[:take]])
        order = b.gather(chosen).arg_sort().to_numpy()
        placed = chosen[order]
        values = a.gather(chosen).sort()
        test = pl.DataFrame({"a": values, "b": b.gather(placed)})
        holds = test.select(COMPARE[op](pl.col("a"), pl.col("b")).fill_null(True)).to_series()
        if holds.all() or take >= len(others):
            return a.scatter(placed, values), np.sort(placed[~holds.to_numpy()])
        take = min(len(others), max(2 * take, 1))
