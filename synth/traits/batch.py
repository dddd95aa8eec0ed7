"""Several per-column queries of a table trait sent as one statement.

A trait that measures each of a table's columns with its own small ``GROUP BY`` query
(``burst``, ``case_variant``) hands :func:`batched_rows` one branch per column: the database
gets one ``UNION ALL`` statement per table, however many columns qualify, and the trait
gets each branch's rows back. Each branch keeps its own columns (``NULL`` in the others'),
so branches of different types never meet in one result column; every branch has the same
number of columns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import polars as pl
import sqlalchemy as sa

from synth.traits.base import TableMeasure

__all__ = ["Branch", "batched_rows"]

Branch = tuple[Callable[[Any], Any], Callable[[pl.LazyFrame], pl.LazyFrame]]
"""(SQL builder, polars builder) of one column's query, as :meth:`TableMeasure.rows` takes."""


def batched_rows(
    source: TableMeasure, branches: Sequence[Branch], types: Sequence[Sequence[Any]]
) -> list[list[tuple[Any, ...]]]:
    """Each branch's rows, from one statement for all of them; ``types[i]`` are the SQL
    types of branch ``i``'s columns (the others' rows hold typed NULLs there: PostgreSQL
    resolves a UNION's column types two branches at a time, and two bare NULLs make text)."""
    width = len(types[0]) if types else 0
    if len(branches) <= 1:
        return [source.rows(sql=sql, frame=frame) for sql, frame in branches]

    def sql(src: Any) -> Any:
        parts = []
        for i, (build, _) in enumerate(branches):
            sub = build(src).subquery(f"b{i}")
            cells = []
            for j in range(len(branches)):
                for c in range(width):
                    mine = list(sub.c)[c] if j == i else sa.cast(sa.null(), types[j][c])
                    cells.append(mine.label(f"b{j}_{c}"))
            parts.append(sa.select(sa.literal(i).label("w"), *cells).select_from(sub))
        return sa.select(sa.union_all(*parts).subquery("batched"))

    def frame(lf: pl.LazyFrame) -> pl.LazyFrame:
        parts = []
        for i, (_, build) in enumerate(branches):
            part = build(lf)
            names = part.collect_schema().names()
            parts.append(
                part.select(
                    pl.lit(i, dtype=pl.Int64).alias("w"),
                    *(pl.col(n).alias(f"b{i}_{c}") for c, n in enumerate(names)),
                )
            )
        order = ["w"] + [f"b{j}_{c}" for j in range(len(branches)) for c in range(width)]
        return pl.concat(parts, how="diagonal").select(order)

    out: list[list[tuple[Any, ...]]] = [[] for _ in branches]
    for row in source.rows(sql=sql, frame=frame):
        i = int(row[0])
        out[i].append(tuple(row[1 + i * width : 1 + (i + 1) * width]))
    return out
