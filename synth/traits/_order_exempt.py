"""Rows an order between two columns leaves alone (for :mod:`synth.traits.order`): those
carrying a column trait of either column. A `1970-01-01` sentinel in `updated_at` breaks
`updated_at >= created_at` because it is a sentinel, so measuring, mending and checking
the order all skip such rows; mending them would destroy the other trait's carriers."""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
import sqlalchemy as sa

from synth.model import Column, Table
from synth.traits.base import MeasureContext, Probe

__all__ = ["exempt", "exempt_frame", "exempt_rows", "exempt_sql"]


def _column_traits(table: Table, names: tuple[str, ...]) -> list[tuple[Column, Any, Any]]:
    from synth.traits import get
    from synth.traits.base import ColumnTrait

    out = []
    for column in table.columns:
        if column.name in names:
            for stat in column.stats.traits:
                trait = get(stat.trait)
                if isinstance(trait, ColumnTrait):
                    out.append((column, trait, stat))
    return out


def _probes(table: Table, names: tuple[str, ...], ctx: MeasureContext) -> list[tuple[str, Probe]]:
    """The probe that counted each column trait of ``names`` (matched by its key)."""
    out = []
    for column, trait, stat in _column_traits(table, names):
        probe = next((p for p in trait.probes(column, ctx) if p.key == stat.value), None)
        if probe is not None:
            out.append((column.name, probe))
    return out


def exempt_sql(table: Table, ctx: MeasureContext, src: Any, names: tuple[str, ...]) -> Any:
    """Whether a source row carries a column trait of ``names`` (SQL), or None."""
    found = [probe.sql(src.c[name]) for name, probe in _probes(table, names, ctx)]
    return sa.or_(*found) if found else None


def exempt_frame(table: Table, ctx: MeasureContext, names: tuple[str, ...]) -> pl.Expr | None:
    """The same over a source file's LazyFrame, or None."""
    found = [probe.frame(pl.col(n)).fill_null(False) for n, probe in _probes(table, names, ctx)]
    return pl.any_horizontal(found) if found else None


def exempt(table: Table, names: tuple[str, ...]) -> pl.Expr:
    """Whether a generated row carries a column trait of ``names``."""
    found = [
        trait.carriers(pl.col(column.name), column, stat).fill_null(False)
        for column, trait, stat in _column_traits(table, names)
    ]
    return pl.any_horizontal(found) if found else pl.lit(False)


def exempt_rows(frame: pl.DataFrame, table: Table, names: tuple[str, ...]) -> np.ndarray:
    """:func:`exempt` as a mask over ``frame``'s rows."""
    names = tuple(n for n in names if n in frame.columns)
    if not names or frame.height == 0:
        return np.zeros(frame.height, dtype=bool)
    found = frame.select(exempt(table, names)).to_series().to_numpy()
    return np.broadcast_to(found, (frame.height,)).copy()  # a literal False is one row
