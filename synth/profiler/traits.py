"""Measuring traits while profiling: the bridge between the profilers and ``synth.traits``.

Column traits add their probes to the table's one aggregate query (SQL) or select
(polars), so they cost no query of their own; table traits run their own bounded
queries through a :class:`~synth.traits.base.TableMeasure`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from synth.model import Column, LogicalType, Profile, Scalar, Table, TraitStat
from synth.traits import column_traits, table_traits
from synth.traits.base import ColumnTrait, MeasureContext, Probe, TraitSettings, ValueAge

__all__ = [
    "ColumnProbes",
    "detect_time_column",
    "late_relations",
    "measure_table_traits",
    "parents_first",
    "record_ages",
]

_TIME_NAMES = re.compile(
    r"^(created|inserted|registered|signed_?up|opened|placed|ordered)(_at|_on|_date|_time)?$"
    r"|^(creation|insert|signup)_(date|time)$|^(date_)?created$"
)
_TEMPORAL = (LogicalType.DATETIME, LogicalType.DATE)


def check_time_columns(profile: Profile, time_columns: Mapping[str, str]) -> None:
    """Each ``--time-column`` names a profiled table (its column was checked while
    measuring it): a misspelt table must not be ignored in silence."""
    tables = {t.key for t in profile.tables} | {t.name for t in profile.tables}
    for name, column in time_columns.items():
        if name not in tables:
            from synth.errors import UsageError

            known = ", ".join(t.key for t in profile.tables) or "(none)"
            raise UsageError(
                f"time_column (--time-column) {name}.{column}: table {name!r} is not "
                f"profiled; profiled tables: {known}"
            )


def detect_time_column(table: Table, settings: TraitSettings) -> str | None:
    """The column that dates a table's rows: as given, else the first ``created_at``-like
    temporal column, else ``updated_at``-like, else None."""
    given = settings.time_columns.get(table.key) or settings.time_columns.get(table.name)
    temporal = [c.name for c in table.columns if c.type in _TEMPORAL]
    if given is not None:
        if given not in temporal:
            from synth.errors import UsageError

            raise UsageError(
                f"time_column (--time-column) {table.key}.{given}: table {table.key!r} has no "
                f"date or timestamp column {given!r}; its date and timestamp columns: "
                f"{', '.join(temporal) or '(none)'}"
            )
        return given
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

    def scale(self, factor: float) -> None:
        """Multiply every count by ``factor``: counts measured on a sample, in table rows."""
        for counts in self._counts.values():
            for key, count in counts.items():
                counts[key] = round(count * factor)

    def measured(self) -> bool:
        """Whether any probe counted anything (some column has a column trait to measure)."""
        return bool(self._probes)

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
            # a trait without probes measures from ctx.frequent_ages (legacy values)
            unprobed = trait.applies(column, self.table) and not trait.probes(column, self.ctx)
            if counts is not None or unprobed:
                out.extend(trait.stats(counts or {}, rows, column, self.ctx))
        return tuple(out)


def record_ages(
    ctx: MeasureContext,
    column: str,
    logical: LogicalType,
    dated: Column | None,
    found: Sequence[Sequence[Any]],
) -> list[tuple[Any, int]]:
    """Keep a frequent-value query's ``(value, count[, newest, old])`` rows in
    ``ctx.frequent_ages`` (see :class:`~synth.traits.base.ValueAge`); return the
    ``(value, count)`` pairs the column statistics are made of."""
    from synth.model.values import to_scalar

    ages: dict[Scalar, ValueAge] = {}
    for row in found:
        value = to_scalar(row[0], logical)
        if value is None:
            continue
        newest, old = None, 0
        if dated is not None and len(row) > 3:
            newest = to_scalar(row[2], dated.type)
            old = int(row[3] or 0)
        text = None if newest is None else str(newest)
        ages[value] = ValueAge(rows=int(row[1]), newest=text, old=old)
    ctx.frequent_ages[column] = ages
    return [(row[0], int(row[1])) for row in found]


def measure_table_traits(
    measure: Any, ctx: MeasureContext, sampled: Any = None
) -> tuple[tuple[TraitStat, ...], tuple[str, ...]]:
    """Every table trait's entries for the table behind ``measure``, and the names of the
    traits measured on ``sampled`` instead (a large table's bounded sample, whose ``table``
    has the sample's row count): those whose ``sampled`` flag says their fractions hold up
    on a sample. A measure with a ``statistic`` attribute is told which trait's queries
    follow (a timeout names it)."""
    out: list[TraitStat] = []
    estimated: list[str] = []
    for trait in table_traits():
        on = sampled if sampled is not None and trait.sampled else measure
        if hasattr(on, "statistic"):
            on.statistic = trait.name
        if on is sampled and trait.max_queries(on.table):
            estimated.append(trait.name)
        out.extend(trait.measure(on, ctx))
    return tuple(out), tuple(estimated)


def late_relations(
    profiled: Sequence[Table],
    measure_for: Callable[[Table], Any],
    as_of: Any,
    settings: TraitSettings,
    schema: str | None = None,
) -> list[Table]:
    """``profiled`` (in profiling order) with the relation traits of children profiled
    before their parent (a foreign-key cycle: one table of it goes first), measured now that
    every parent's profile is known."""
    import datetime as dt

    assert isinstance(as_of, dt.datetime)
    by_key = {t.key: t for t in profiled}
    seen: set[str] = set()
    out = []
    for table in profiled:
        missing = {
            fk.ref_table
            for fk in table.foreign_keys
            if fk.ref_table in by_key and fk.ref_table != table.key and fk.ref_table not in seen
        }
        seen.add(table.key)
        if not missing or not table.rows:
            out.append(table)
            continue
        ctx = MeasureContext(
            table=table.key,
            as_of=as_of,
            time_column=detect_time_column(table, settings),
            settings=settings,
            tables=by_key,
            reflected=by_key,
            schema=schema,
        )
        measure = measure_for(table)
        found: list[TraitStat] = []
        for trait in table_traits():
            if trait.family != "relations":
                continue
            if hasattr(measure, "statistic"):
                measure.statistic = trait.name
            # the entries of relations to the parents that were missing (childless_parent
            # entries are the parent's, measured then)
            found += [s for s in trait.measure(measure, ctx) if s.detail.get("parent") in missing]
        out.append(table.model_copy(update={"traits": (*table.traits, *found)}))
    return out


def parents_first(tables: Sequence[Any]) -> list[Any]:
    """``tables`` (anything with ``key`` and ``foreign_keys``) reordered so that a referenced
    table comes before the tables referencing it, for table traits that read their parents'
    profiles (:attr:`MeasureContext.tables`); a cycle keeps the given order."""
    keys = {t.key for t in tables}
    placed: set[str] = set()
    out: list[Any] = []
    pending = list(tables)
    while pending:
        ready = [
            t
            for t in pending
            if all(fk.ref_table in placed or fk.ref_table not in keys or fk.ref_table == t.key
                   for fk in t.foreign_keys)
        ] or pending[:1]  # fmt: skip
        out += ready
        placed |= {t.key for t in ready}
        pending = [t for t in pending if t.key not in placed]
    return out
