"""The two cohort queries, for SQL and for polars: per-segment counts, busiest days.

Used by :mod:`synth.traits.cohorts.measure`. Both start from the measured table (joined
to the segment table for a child table) with each row's segment as an index ``s`` into
the dimension's segment values, and group by it: at most one result row per segment.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from synth.model import Column, LogicalType, Scalar, Table

__all__ = ["Dimension", "Item", "aggregate_query", "burst_query", "exact", "sql_eq"]

L = LogicalType


@dataclass(frozen=True)
class Dimension:
    """A segment column reaching the measured table (through ``fk``, or itself)."""

    segment: Table
    column: str
    values: tuple[Scalar, ...]
    fk: str | None = None
    """The measured table's column referencing the segment table (None: it is that table)."""
    ref: str | None = None
    """The segment table's column ``fk`` references."""
    labels: tuple[Scalar, ...] | None = None
    """What each of ``values`` is stored as, where it differs (a withheld segment value's
    placeholder token, :mod:`synth.traits.cohorts.withheld`); None: the values."""

    def label(self, i: int) -> Scalar:
        return self.labels[i] if self.labels is not None else self.values[i]

    @property
    def key(self) -> str:
        return f"{self.segment.key}.{self.column}"


@dataclass(frozen=True)
class Item:
    """One per-segment count: rows where ``column`` is NULL, or holds ``value``."""

    kind: str  # "null" | "value"
    column: Column
    value: Scalar | None = None


class exact(FunctionElement[Any]):
    """A value compared byte for byte: MySQL/MariaDB collations ignore case and trailing
    spaces (``'Legacy' = 'legacy '``); the other databases compare exactly."""

    name = "synth_cohort_exact"
    inherit_cache = True


@compiles(exact)
def _exact_default(element: exact, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.clauses, **kw))


@compiles(exact, "mysql")
@compiles(exact, "mariadb")
def _exact_mysql(element: exact, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(element.clauses, **kw)} AS BINARY)"


def sql_eq(expr: Any, value: Scalar, logical: LogicalType) -> Any:
    """``expr = value`` for a column of type ``logical``, exact in every database."""
    if logical is L.STRING:  # enums compared as text; exact bytes on MySQL/MariaDB
        return exact(sa.cast(expr, sa.Text)) == exact(sa.literal(str(value), sa.Text))
    if logical is L.BOOLEAN:
        return expr == sa.literal(bool(value), sa.Boolean)
    return expr == sa.literal(value, sa.BigInteger)


def _schema(dim: Dimension, table: Table, src: Any) -> str | None:
    if dim.segment.schema_ is not None:
        return dim.segment.schema_
    return src.schema if table.schema_ is None else None


def _sql_base(dim: Dimension, table: Table, src: Any, columns: Sequence[str]) -> Any:
    """``SELECT <segment index> AS s, <columns> AS c0.. FROM <table> [JOIN <segment table>]``."""
    if dim.fk is None:
        seg, base = src.c[dim.column], src
    else:
        assert dim.ref is not None
        parent = sa.table(
            dim.segment.name,
            sa.column(dim.ref),
            sa.column(dim.column),
            schema=_schema(dim, table, src),
        ).alias("segment_table")
        base = src.join(parent, src.c[dim.fk] == parent.c[dim.ref])
        seg = parent.c[dim.column]
    logical = dim.segment.column(dim.column).type
    s = sa.case(*((sql_eq(seg, v, logical), i) for i, v in enumerate(dim.values)))
    cols = [src.c[name].label(f"c{j}") for j, name in enumerate(columns)]
    return sa.select(s.label("s"), *cols).select_from(base).subquery("cohort")


def _frame_segment(dim: Dimension) -> pl.Expr:
    seg = pl.col(dim.column)
    expr: Any = pl
    for i, v in enumerate(dim.values):
        expr = expr.when(seg == pl.lit(v)).then(pl.lit(i, dtype=pl.Int64))
    return expr.otherwise(None).alias("\x00s")


def aggregate_query(
    dim: Dimension, table: Table, items: Sequence[Item]
) -> tuple[Callable[[Any], Any], Callable[[pl.LazyFrame], pl.LazyFrame]]:
    columns = list(dict.fromkeys(i.column.name for i in items))
    index = {name: j for j, name in enumerate(columns)}

    def sql(src: Any) -> Any:
        inner = _sql_base(dim, table, src, columns)
        aggs = []
        for item in items:
            expr = inner.c[f"c{index[item.column.name]}"]
            if item.kind == "null":
                hit = expr.is_(None)
            else:
                assert item.value is not None
                hit = sql_eq(expr, item.value, item.column.type)
            aggs.append(sa.func.sum(sa.case((hit, 1), else_=0)))
        return (
            sa.select(inner.c.s, sa.func.count(), *aggs)
            .where(inner.c.s.is_not(None))
            .group_by(inner.c.s)
        )

    def frame(lf: pl.LazyFrame) -> pl.LazyFrame:
        if dim.fk is not None:  # files: no joins across files; no cohorts of child tables
            return pl.LazyFrame(schema={"s": pl.Int64})
        aggs = []
        for i, item in enumerate(items):
            col = pl.col(item.column.name)
            hit = col.is_null() if item.kind == "null" else col == pl.lit(item.value)
            aggs.append(hit.fill_null(False).sum().alias(f"\x00a{i}"))
        s = _frame_segment(dim)
        return (
            lf.with_columns(s)
            .filter(pl.col("\x00s").is_not_null())
            .group_by("\x00s")
            .agg(pl.len().alias("\x00n"), *aggs)
        )

    return sql, frame


def burst_query(
    dim: Dimension, table: Table, time: Column
) -> tuple[Callable[[Any], Any], Callable[[pl.LazyFrame], pl.LazyFrame]]:
    """Per segment its busiest day: rows, first and last value that day, and that day's
    rows over all segments (at most one row per segment)."""

    def sql(src: Any) -> Any:
        inner = _sql_base(dim, table, src, [time.name])
        t = inner.c.c0
        day = sa.func.date(t)
        days = (
            sa.select(
                inner.c.s,
                day.label("d"),
                sa.func.count().label("n"),
                sa.func.min(t).label("lo"),
                sa.func.max(t).label("hi"),
            )
            .where(inner.c.s.is_not(None), t.is_not(None))
            .group_by(inner.c.s, day)
            .subquery("days")
        )
        ranked = sa.select(
            days.c.s,
            days.c.n,
            days.c.lo,
            days.c.hi,
            sa.func.sum(days.c.n).over(partition_by=days.c.d).label("day_n"),
            sa.func.row_number()
            .over(partition_by=days.c.s, order_by=(days.c.n.desc(), days.c.d))
            .label("r"),
        ).subquery("ranked")
        return sa.select(ranked.c.s, ranked.c.n, ranked.c.lo, ranked.c.hi, ranked.c.day_n).where(
            ranked.c.r == 1
        )

    def frame(lf: pl.LazyFrame) -> pl.LazyFrame:
        if dim.fk is not None:
            return pl.LazyFrame(schema={"s": pl.Int64})
        t = pl.col(time.name)
        return (
            lf.with_columns(_frame_segment(dim))
            .filter(pl.col("\x00s").is_not_null() & t.is_not_null())
            .group_by("\x00s", t.cast(pl.Date).alias("\x00d"))
            .agg(pl.len().alias("\x00n"), t.min().alias("\x00lo"), t.max().alias("\x00hi"))
            .with_columns(pl.col("\x00n").sum().over("\x00d").alias("\x00day"))
            .sort(["\x00s", "\x00n", "\x00d"], descending=[False, True, False])
            .group_by("\x00s", maintain_order=True)
            .first()
            .select("\x00s", "\x00n", "\x00lo", "\x00hi", "\x00day")
        )

    return sql, frame
