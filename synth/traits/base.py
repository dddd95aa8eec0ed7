"""What a trait is: a named production shape, measured, stored and injected in one place.

A :class:`ColumnTrait` is measured by *probes*: boolean predicates over one column,
written once for SQL (summed by the database inside the profiler's aggregate query,
so it costs no extra query) and once for polars (files, the manifest, and the tests).
It is stored as :class:`~synth.model.TraitStat` entries in the column's statistics,
and injected by :meth:`ColumnTrait.inject`, which turns given values into carriers.

A :class:`TableTrait` spans columns or rows (NULL patterns, bursts, relations): it
runs its own bounded queries and rewrites whole generated chunks.

The class docstring of each trait is its entry in ``docs/traits.md``: what it means,
how it is measured, what the measurement costs, how it is injected.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias

import numpy as np
import polars as pl

from synth.model import Column, LogicalType, Scalar, Table, TraitStat
from synth.model.values import round_fraction

if TYPE_CHECKING:
    from sqlalchemy.sql import ColumnElement

__all__ = [
    "OLD_AFTER_DAYS",
    "STAGES",
    "ColumnTrait",
    "InjectContext",
    "MeasureContext",
    "Probe",
    "RunMemo",
    "TableMeasure",
    "TableTrait",
    "Trait",
    "TraitSettings",
    "ValueAge",
]

STAGES = ("keys", "redraw", "columns", "shape", "order")
"""The order in which a chunk's traits are injected (see :attr:`TableTrait.stage`)."""

RunMemo: TypeAlias = dict[tuple[object, ...], Any]
"""What traits remember across the tables of one run (which parent keys carry a cohort,
the childless share a parent used), keyed by a tuple starting with the trait's name.
Owned by the run or the profiled table: a fresh one each time, never module state."""


@dataclass(frozen=True)
class TraitSettings:
    """Profiling options that traits read (``synth profile --legacy-after`` and friends)."""

    legacy_after_days: int = 365
    """A value whose newest row is older than this is legacy."""
    time_columns: Mapping[str, str] = field(default_factory=dict)
    """Table key -> the column that dates its rows, where detection is not wanted."""
    known_values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """``table.column`` -> the values today's code knows (a ``--known-values`` file)."""
    segment_by: tuple[str, ...] = ()
    """``table.column`` keys that split tables into cohorts."""


OLD_AFTER_DAYS = 365
"""A row is old when its time column is more than this many days before ``as_of``."""


@dataclass(frozen=True)
class ValueAge:
    """One frequent value of a column, by the table's time column."""

    rows: int
    """Rows holding the value."""
    newest: str | None = None
    """ISO-8601 instant of its newest row (None without a time column or dated rows)."""
    old: int = 0
    """Its rows dated before :attr:`MeasureContext.old_before`."""


@dataclass(frozen=True)
class MeasureContext:
    """What a trait knows while measuring one table."""

    table: str
    as_of: dt.datetime
    time_column: str | None
    """The column dating the table's rows (``created_at``...), detected or given."""
    settings: TraitSettings = TraitSettings()
    frequent_ages: dict[str, dict[Scalar, ValueAge]] = field(default_factory=dict)
    """Column -> its frequent values' row counts and ages (by ``time_column``), filled by
    the profiler from the frequent-value queries (no extra query) before column traits'
    :meth:`ColumnTrait.stats` and table traits' :meth:`TableTrait.measure` run."""
    tables: Mapping[str, Table] = field(default_factory=dict)
    """Tables of this run profiled before this one, by key, with their statistics and
    traits. Databases profile referenced tables before the tables referencing them, so a
    child sees its parents (files: empty)."""
    reflected: Mapping[str, Table] = field(default_factory=dict)
    """Every table of this run by key, as reflected: schema only (columns, keys, foreign
    keys), no rows or statistics; so that a table finds the tables referencing it, which
    are profiled after it (files: empty)."""
    memo: RunMemo = field(default_factory=dict, compare=False, repr=False)
    """Results traits share while measuring this table (one query serving several
    traits), fresh for each table."""
    run: RunMemo = field(default_factory=dict, compare=False, repr=False)
    """Results a table leaves for the tables profiled after it in the same run (a parent's
    relation query, which its child then need not run again)."""
    estimated_rows: Callable[[str], int | None] = field(
        default=lambda key: None, compare=False, repr=False
    )
    """The catalog's estimate of another table's rows, by key (None: not known), one
    catalog read: what a query joining that table may plan by."""
    schema: str | None = None
    """Where tables without a schema of their own are queried (``--schema``; None: the
    connection's default schema)."""

    @property
    def old_before(self) -> dt.datetime:
        """Rows dated before this are old (:data:`OLD_AFTER_DAYS` before ``as_of``)."""
        return self.as_of - dt.timedelta(days=OLD_AFTER_DAYS)


@dataclass(frozen=True)
class Probe:
    """A counted predicate over one column. ``key`` tells probes of one trait apart (e.g.
    the sentinel value probed); ``sql`` and ``frame`` must agree on every value."""

    sql: Callable[[ColumnElement[Any]], ColumnElement[bool]]
    frame: Callable[[pl.Expr], pl.Expr]
    key: Scalar | None = None


@dataclass(frozen=True)
class InjectContext:
    """What a trait knows while injecting into one chunk of one table."""

    table: str
    rows: int
    """Rows of the whole table in this run."""
    chunk: int
    start: int
    """Index of the chunk's first row in the table."""
    seed: int
    as_of: dt.datetime
    min_rows: int
    """Every trait appears at least this often in the table (forced in chunk 0)."""
    parent_values: Callable[[str, Sequence[str]], pl.DataFrame]
    """``parent_values(table_key, columns)``: all generated rows of those columns of a table
    generated earlier in this run (before its traits), e.g. a parent's keys and segment;
    ``KeyError`` when that table is not generated in this run (``--tables``)."""
    sample: Callable[[Column, int, str], pl.Series]
    """``sample(column, n, purpose)``: ``n`` fresh values drawn from ``column``'s statistics
    (pass a modified copy to draw from other statistics), from a stream named by
    ``purpose`` and this chunk, so the values are deterministic."""
    memo: RunMemo = field(default_factory=dict, compare=False, repr=False)
    """The run's :data:`RunMemo`, shared by every table and chunk of the run."""

    def rng(self, column: str, trait: str, purpose: str = "rows") -> np.random.Generator:
        from synth.internal.streams import stream

        return stream(self.seed, self.table, column, purpose=f"trait:{trait}:{purpose}",
                      chunk=self.chunk)  # fmt: skip


class Trait:
    """What every trait has: a name (part of the file format), a family, an example."""

    name: ClassVar[str]
    family: ClassVar[str]
    example: ClassVar[str] = ""
    """What a carrier looks like, for ``synth traits`` (never a real value)."""

    def describe(self, stat: TraitStat, table: Table, column: Column | None = None) -> str:
        """What ``synth traits`` shows for ``stat`` of ``table`` (and ``column``, for a column
        trait): its measured value where it has one (values reach a profile only when
        enough rows share them), else what the trait is, in words (never a made-up value
        that would read as data)."""
        return repr(stat.value) if stat.value is not None else self.summary()

    @classmethod
    def summary(cls) -> str:
        """The trait in words: its docstring's first clause (``values with leading or
        trailing spaces``)."""
        import re

        text = " ".join((cls.__doc__ or "").split())
        found = re.match(r"\*\*\w+\*\*:\s*(.*?)(?:\s\(|\.\s|\.$|:\s)", text)
        return found.group(1) if found else cls.name


class ColumnTrait(Trait):
    """A shape of single values of one column (padding, sentinels, legacy values...)."""

    types: ClassVar[frozenset[LogicalType]]
    min_fraction: ClassVar[float] = 0.0
    """Below this share of rows the shape is noise, not a trait (0: any carrier counts)."""
    keeps_unique: ClassVar[bool] = False
    """Whether injecting keeps distinct values distinct (then unique columns get it too)."""
    forced: ClassVar[bool] = True
    """Whether chunk 0 holds at least ``min_rows`` carriers (and small tables grow for it);
    a format mask is a share of a distribution, not a shape to force into every fixture."""
    overlaid: ClassVar[bool] = False
    """Whether the column's other traits are applied over this one's carriers (a format
    mask under padding, accents, control characters): ``synth validate`` then allows the
    others' shares on its rate."""
    shape_value: ClassVar[bool] = False
    """Whether an entry's ``value`` is a shape or vocabulary (a format mask, a delimiter),
    never a value of the column: the privacy transform keeps it, personal columns too (the
    trait applies the k rule to any literal it keeps itself)."""

    def applies(self, column: Column, table: Table) -> bool:
        """Whether the trait is measured on ``column``: by type; never on primary or foreign
        key columns, and on unique columns only if injecting keeps values distinct."""
        keys = {c for fk in table.foreign_keys for c in fk.columns} | set(table.primary_key)
        if not self.keeps_unique:
            keys |= {u[0] for u in table.unique if len(u) == 1}
        return column.type in self.types and column.name not in keys

    def probes(self, column: Column, ctx: MeasureContext) -> Sequence[Probe]:
        raise NotImplementedError

    def stats(
        self, counts: Mapping[Scalar | None, int], rows: int, column: Column, ctx: MeasureContext
    ) -> list[TraitStat]:
        """Profile entries from the probes' counts (default: one per probe that hit)."""
        out = []
        for key, count in counts.items():
            fraction = round_fraction(count, rows)
            if count > 0 and fraction >= self.min_fraction:
                out.append(TraitStat(trait=self.name, fraction=fraction, value=key))
        return out

    def carriers(self, expr: pl.Expr, column: Column, stat: TraitStat) -> pl.Expr:
        """Which rows carry ``stat`` (NULL counts as not carrying)."""
        ctx = MeasureContext(table="", as_of=dt.datetime.now(dt.UTC), time_column=None)
        for probe in self.probes(column, ctx):
            if probe.key == stat.value:
                return probe.frame(expr).fill_null(False)
        return pl.lit(False)

    def inject(
        self, values: pl.Series, column: Column, stat: TraitStat, rng: np.random.Generator
    ) -> pl.Series:
        """``values`` (non-NULL, of the column's dtype) turned into carriers of ``stat``."""
        raise NotImplementedError

    def check(self, stat: TraitStat, column: Column, where: str) -> None:
        """Raise :class:`~synth.errors.ProfileError` naming ``where`` when ``stat`` cannot
        be generated into ``column`` (a hand edit); the default accepts any entry."""

    def taken(self, expr: pl.Expr, column: Column) -> pl.Expr | None:
        """Rows a top-up leaves alone: carriers of the trait's other values (a NaN row is
        not turned into an infinity). None (the default): none."""
        return None

    def nearness(self, values: pl.Series, column: Column, stat: TraitStat) -> np.ndarray | None:
        """How close each value already is to carrying the trait, for traits whose mass the
        column's interpolated distribution spreads around the carriers (lengths just
        under the maximum): the top-up takes the closest rows first, so the rest of the
        distribution stays put. None (the default): any rows, at random."""
        return None

    def spare(self, values: pl.Series, column: Column, stat: TraitStat) -> np.ndarray | None:
        """Rows that chunk 0's floor (``min_rows`` carriers) takes last, because they carry
        a sibling entry of this trait (another format mask); None (default): any rows."""
        return None

    def arrange(
        self, frame: pl.DataFrame, table: Table, column: Column, stat: TraitStat, ctx: InjectContext
    ) -> pl.DataFrame:
        """The chunk after the top-up, with carriers moved where the trait's conditional
        shape wants them (a legacy value into old rows); default: unchanged."""
        return frame


class TableMeasure:
    """How a :class:`TableTrait` reaches the source: SQL (database) or a LazyFrame (files).

    Subclasses live with the profilers; a trait calls :meth:`rows` with a polars
    builder and an SQL builder and gets plain tuples back.
    """

    table: Table
    """The table as profiled so far (schema and column statistics, no table traits)."""
    whole: bool = True
    """Whether queries read the whole table (not a ``--sample`` of it), so that a result
    may serve other tables of the run."""

    def rows(
        self,
        sql: Callable[[Any], Any],
        frame: Callable[[pl.LazyFrame], pl.LazyFrame],
    ) -> list[tuple[Any, ...]]:
        """Run one bounded query: ``sql(source)`` gets a SQLAlchemy table and returns a
        SELECT; ``frame(lf)`` the same over the file's LazyFrame."""
        raise NotImplementedError


class TableTrait(Trait):
    """A shape across columns or rows of one table."""

    sampled: ClassVar[bool] = False
    """Whether a large table measures this trait on its bounded sample (its fractions are
    then the sample's, an estimate the profile marks): for traits that group by a column's
    values, a sort per column, and whose fractions a sample estimates well."""
    boost_hint: ClassVar[str] = ""
    """Why ``--boost table:trait`` cannot work for this trait (empty: it can; the injector
    follows the entry's fraction)."""
    stage: ClassVar[int] = 3
    """When :meth:`apply` runs on a chunk, in :data:`STAGES` order: 0 re-points foreign
    keys (relations); 1 redraws columns from other statistics (a cohort's, by each row's
    final parent); column traits come at 2, so nothing redrawn later erases their carriers;
    3 (the default) reshapes what they made (NULL patterns, staleness, bursts); 4 keeps
    the order between columns that the others may have broken (``column_order``)."""

    def measure(self, source: TableMeasure, ctx: MeasureContext) -> list[TraitStat]:
        raise NotImplementedError

    def max_queries(self, table: Table) -> int:
        """At most how many queries :meth:`measure` runs on ``table`` (profiled so far, with
        column statistics), as its docstring states; the query-bound test adds these up."""
        return 1

    def carriers(self, table: Table, stat: TraitStat, memo: RunMemo) -> pl.Expr:
        """Which rows of a generated chunk carry ``stat``; ``memo`` is the run's, as
        :meth:`apply` left it (e.g. the parent keys a cohort's child rows point at)."""
        raise NotImplementedError

    def prepare(self, table: Table, stat: TraitStat, ctx: InjectContext) -> None:
        """Once per run, before any chunk of ``table`` or of a table after it: what other
        tables must find in ``ctx.memo`` (a parent's view of a relation), computed from
        the run's seed and plan alone, so that a chunk made in another process agrees."""

    def writes(self, stat: TraitStat) -> tuple[str, ...]:
        """The columns :meth:`apply` may change (the generator keeps a trait away from key
        columns other tables draw their foreign keys from)."""
        return stat.columns

    def apply(
        self, frame: pl.DataFrame, table: Table, stat: TraitStat, ctx: InjectContext
    ) -> pl.DataFrame:
        """The chunk with the trait injected at its measured frequency."""
        raise NotImplementedError
