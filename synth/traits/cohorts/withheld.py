"""Placeholder tokens of withheld segment values, on the measuring side.

A segment value held by fewer than k rows of its segment table reaches the profile as a
token (``withheld:1``; see :mod:`synth.profiler.withheld`). A table referencing the
segment table then finds the token, not the value, among the segment column's values;
:func:`resolve` gives the dimension its raw values back for the query (one query on the
segment table: its values and their rows, numbered as the profiler numbered them) and
keeps the tokens as the names the entries are stored under.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import polars as pl
import sqlalchemy as sa

from synth.model import Scalar
from synth.model.values import to_scalar
from synth.traits.base import TableMeasure
from synth.traits.cohorts.sql import Dimension, _schema

__all__ = ["MAX_VALUES", "PREFIX", "is_placeholder", "number", "resolve", "token"]

PREFIX = "withheld:"
MAX_VALUES = 1000
"""Values of the segment column read back at most (a segment column has a handful)."""


def token(n: int) -> str:
    """The ``n``-th placeholder of a column (from 1)."""
    return f"{PREFIX}{n}"


def is_placeholder(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def number(withheld: Mapping[Scalar, int]) -> dict[Scalar, str]:
    """Raw value -> token, numbered by rows (most first), then by the value's text."""
    order = sorted(withheld.items(), key=lambda vc: (-vc[1], str(vc[0])))
    return {value: token(i) for i, (value, _) in enumerate(order, start=1)}


def resolve(source: TableMeasure, dim: Dimension) -> Dimension | None:
    """``dim`` with raw values for its tokens and the tokens as its labels (unchanged when
    it has none; None when a token finds no value, or a file source cannot join)."""
    if dim.fk is None or not any(is_placeholder(v) for v in dim.values):
        return dim
    table = source.table
    column = dim.column
    logical = dim.segment.column(column).type

    def sql(src: Any) -> Any:
        seg = sa.table(dim.segment.name, sa.column(column), schema=_schema(dim, table, src))
        n = sa.func.count().label("n")
        value = seg.c[column]
        return (
            sa.select(value, n)
            .where(value.is_not(None))
            .group_by(value)
            .order_by(sa.desc(n))
            .limit(MAX_VALUES)
        )

    def frame(lf: pl.LazyFrame) -> pl.LazyFrame:
        return lf.select(pl.lit(None).alias("v"), pl.lit(0).alias("n")).head(0)

    found = {to_scalar(v, logical): int(n) for v, n in source.rows(sql=sql, frame=frame)}
    kept = {v for v in dim.values if not is_placeholder(v)}
    mapping = number({v: n for v, n in found.items() if v is not None and v not in kept})
    raw = {t: v for v, t in mapping.items()}
    if not all(v in raw for v in dim.values if is_placeholder(v)):
        return None
    values = tuple(raw.get(v, v) if isinstance(v, str) else v for v in dim.values)
    return replace(dim, values=values, labels=dim.values)
