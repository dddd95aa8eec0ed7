"""Measuring traits while profiling: the bridge between the profilers and ``synth.traits``.

Column traits add their probes to the table's one aggregate query (SQL) or select
(polars), so they cost no query of their own; table traits run their own bounded
queries through a :class:`~synth.traits.base.TableMeasure`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from synth.model import Column, LogicalType, Scalar, Table, TraitStat
from synth.traits import column_traits, table_traits
from synth.traits.base import ColumnTrait, MeasureContext, Probe, TraitSettings

__all__ = ["ColumnProbes", "detect_time_column", "measure_table_traits"]

_TIME_NAMES = re.compile(
    r"^(created|inserted|registered|signed_?up|opened|placed|ordered)(_at|_on|_date|_time)?$"
    r"|^(creation|insert|signup)_(date|time)$|^(date_)?created$"
)
_TEMPORAL = (LogicalType.DATETIME, LogicalType.DATE)


def detect_time_column(table: Table, settings: TraitSettings) -> str | None:
    """The column that dates a table's rows: as given, else the first ``created_at``-like
    temporal column, else ``updated_at``-like, else None."""
    given = settings.time_columns.get(table.key) or settings.time_columns.get(table.name)
    if given is not None:
        return given
    temporal = [c.name for c in table.columns if c.type in _TEMPORAL]
    for name in temporal:
        if _TIME_NAMES.match(name.lower()):
            return name
    for name in temporal:
        if name.lower().startswith(("updated", "modified")):
            return name
    return None


class ColumnProbes:
    """The probes of every column trait that applies to a table's columns, and their counts."""

    def __init__(self, table: Table, ctx: MeasureContext) -> None:
        self.ctx = ctx
        self.table = table
        self._probes: list[tuple[str, ColumnTrait, Probe]] = []
        self._counts: dict[tuple[str, str], dict[Scalar | None, int]] = {}
        for column in table.columns:
            for trait in column_traits():
                if trait.applies(column, table):
                    for probe in trait.probes(column, ctx):
                        self._probes.append((column.name, trait, probe))

    def _store(self, column: str, trait: str, key: Scalar | None) -> Callable[[Any], None]:
        counts = self._counts.setdefault((column, trait), {})
        return lambda value: counts.__setitem__(key, int(value or 0))

    def sql_items(self, exprs: Mapping[str, Any]) -> list[tuple[Any, Callable[[Any], None]]]:
        """``SUM(CASE WHEN probe THEN 1 ELSE 0 END)`` per probe, for the aggregate query."""
        import sqlalchemy as sa

        return [
            (
                sa.func.sum(sa.case((probe.sql(exprs[name]), 1), else_=0)),
                self._store(name, trait.name, probe.key),
            )
            for name, trait, probe in self._probes
        ]

    def frame_items(self, exprs: Mapping[str, Any]) -> list[tuple[Any, Callable[[Any], None]]]:
        """The same counts as polars expressions, for the files profiler's select."""
        return [
            (
                probe.frame(exprs[name]).fill_null(False).sum(),
                self._store(name, trait.name, probe.key),
            )
            for name, trait, probe in self._probes
        ]

    def stats(self, column: Column, rows: int) -> tuple[TraitStat, ...]:
        """The trait entries of ``column`` from the counts its probes measured."""
        out: list[TraitStat] = []
        for trait in column_traits():
            counts = self._counts.get((column.name, trait.name))
            if counts is not None:
                out.extend(trait.stats(counts, rows, column, self.ctx))
        return tuple(out)


def measure_table_traits(measure: Any, ctx: MeasureContext) -> tuple[TraitStat, ...]:
    """Every table trait's entries for the table behind ``measure``."""
    out: list[TraitStat] = []
    for trait in table_traits():
        out.extend(trait.measure(measure, ctx))
    return tuple(out)
