"""What a table costs: exact statistics for small tables, a bounded sample for large ones.

A table is *large* when the catalog estimates it above ``--exact-rows`` rows (default
100,000; :class:`~synth.profiler.sample.Sampler` reads the estimate). Its aggregate query
then keeps only what one scan gives exactly and in parallel (``COUNT(*)``, ``COUNT(col)``,
``MIN``/``MAX``, lengths: no ``COUNT(DISTINCT)``, no ``percentile_disc``, no shape or
trait counter), and two queries over a bounded sample of about
:data:`~synth.profiler.sample.TARGET_ROWS` rows give the rest:

1. the *sample aggregate*: per column its non-NULL and distinct values in the sample, the
   semantic shape counters of string columns and the column traits' probes (string
   functions and comparisons by the dozen a row: costly on every row, and shares a sample
   estimates well) and on PostgreSQL its percentiles;
2. the *ranked query* on the sample: k-th extremes (and elsewhere percentiles) by
   ``ROW_NUMBER()``, and the values held by one sampled row only, for the estimator.

The table's distinct count is then the Haas-Stokes ``Duj1`` estimate PostgreSQL's
``ANALYZE`` uses, and its percentiles and k-th extremes the sample's. A k-th extreme of the
sample has at least k rows of the table beyond it, so the privacy rule still holds. The
table records what was estimated, and from how many rows, in ``Table.estimates``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from synth.model import Estimates
from synth.profiler.dialects import Dialect
from synth.profiler.queries import (
    Planned,
    as_count,
    count_into,
    percentile_item,
    quantile_queries,
    run_items,
    setter,
)
from synth.profiler.reflect import ReflectedColumn, ReflectedTable
from synth.profiler.sample import BoundedSample, sampler_for
from synth.profiler.session import integer_key
from synth.profiler.stats import NO_DISTINCT, QUANTILE_TYPES
from synth.profiler.traits import ColumnProbes

__all__ = ["SAMPLE", "LargeTable", "duj1", "large_table"]

SAMPLE = "the sample query (distinct values and percentiles of a large table's sample)"
"""Label of a large table's sample aggregate query."""


def duj1(sampled: int, distinct: int, once: int, total: int) -> int:
    """Haas and Stokes' ``Duj1`` estimate of the distinct values among ``total`` non-NULL
    values, from a sample of ``sampled`` of them holding ``distinct`` values, ``once`` of
    which only one sampled row holds: ``n d / (n - f1 + f1 n / N)``, between ``distinct``
    and ``total`` (exact when the sample is the whole column)."""
    if sampled <= 0 or total <= 0:
        return 0
    if sampled >= total:
        return distinct
    denominator = sampled - once + once * sampled / total
    estimate = sampled * distinct / denominator if denominator > 0 else total
    return max(distinct, min(total, round(estimate)))


@dataclass
class LargeTable:
    """A large table being profiled: its estimate, then (after the aggregate query) its
    sample and what was measured on it."""

    estimate: int
    """Rows by the catalog's estimate."""
    sample: BoundedSample | None = None
    rows: int = 0
    """Rows the sample held."""
    statistics: list[str] = field(default_factory=list)
    """What was estimated from it: ``distinct``, ``values``, ``lengths``, trait names."""

    def draw(
        self, dialect: Dialect, rt: ReflectedTable, source: Any, plans: Sequence[Planned]
    ) -> None:
        """Pick the sample, once the aggregate query measured the key's exact bounds."""
        key = integer_key(rt)
        bounds = None
        if key is not None:
            m = next(p.m for p in plans if p.column.name == key)
            bounds = (m.value_min, m.value_max)
        self.sample = sampler_for(dialect).bounded(dialect, source, self.estimate, key, bounds)

    def measure(
        self,
        conn: sa.Connection,
        dialect: Dialect,
        plans: Sequence[Planned],
        plan_for: Callable[[ReflectedColumn, Any], Planned],
        k: int,
        probes: ColumnProbes,
        table_rows: int,
    ) -> None:
        """Distinct counts, percentiles, k-th extremes and shape counts of ``plans``' columns,
        and the column traits' counts of ``probes``, from the sample, stored in their ``m``
        (whose non-NULL counts are the table's, exact) and in ``probes`` (scaled to the
        table's ``table_rows``)."""
        assert self.sample is not None
        source = self.sample.source
        sampled = [
            plan_for(p.column, dialect.column_expr(source.c[p.column.name], p.column.sa_type))
            for p in plans
        ]
        counted = {"rows": 0}
        items: list[tuple[Any, Callable[[Any], None]]] = [
            (sa.func.count(), lambda v: counted.__setitem__("rows", as_count(v)))
        ]
        once: dict[str, int] = {}
        singletons = []
        for s in sampled:
            m = s.m
            items.append((sa.func.count(s.expr), setter(m, "nonnull", as_count)))
            if s.logical not in NO_DISTINCT:
                key = dialect.exact(s.expr, s.logical)
                items.append((sa.func.count(sa.distinct(key)), setter(m, "distinct", as_count)))
                singletons.append((key, _store(once, s.column.name)))
            if s.text is not None:
                for rule in s.shapes:
                    hits = sa.func.sum(sa.case((rule.sql(s.text), 1), else_=0))
                    items.append((hits, count_into(m.shape_counts, rule.semantic)))
            if dialect.ordered_set_percentiles:
                if s.logical in QUANTILE_TYPES:
                    items.append(percentile_item(dialect, s.expr, m.value_quantiles))
                if s.length is not None:
                    items.append(percentile_item(dialect, s.length, m.length_quantiles))
        targets = {s.column.name: s.text if s.text is not None else s.expr for s in sampled}
        items += probes.sql_items(targets)
        run_items(conn, source, items, SAMPLE)
        percentiles = not dialect.ordered_set_percentiles
        quantile_queries(conn, source, sampled, k, percentiles=percentiles, singletons=singletons)
        self.rows = counted["rows"]
        found: set[str] = set()
        if probes.measured() and self.rows:
            probes.scale(table_rows / self.rows)
            found.add("column traits")
        for p, s in zip(plans, sampled, strict=True):
            if s.logical not in NO_DISTINCT:
                sample_distinct = s.m.distinct or 0
                p.m.distinct = (
                    duj1(s.m.nonnull, sample_distinct, once.get(s.column.name, 0), p.m.nonnull)
                    if s.m.nonnull
                    else None
                )
                found.add("distinct")
            if s.m.shape_counts and s.m.nonnull:
                scale = p.m.nonnull / s.m.nonnull  # the shares the sample saw, in table rows
                p.m.shape_counts.update({k: round(v * scale) for k, v in s.m.shape_counts.items()})
                found.add("shapes")
            for kind in ("value", "length"):
                if getattr(s.m, f"{kind}_low") is None and not getattr(s.m, f"{kind}_quantiles"):
                    continue
                for attr in ("low", "high"):
                    setattr(p.m, f"{kind}_{attr}", getattr(s.m, f"{kind}_{attr}"))
                getattr(p.m, f"{kind}_quantiles").update(getattr(s.m, f"{kind}_quantiles"))
                found.add(f"{kind}s")
        kinds = ("distinct", "values", "lengths", "shapes", "column traits")
        self.statistics = [name for name in kinds if name in found]

    def estimates(self, traits: Sequence[str]) -> Estimates | None:
        """What the profile records of this: the statistics estimated, and from how many rows."""
        if self.sample is None:
            return None
        return Estimates(
            rows=self.rows, method=self.sample.method, statistics=(*self.statistics, *traits)
        )


def _store(into: dict[str, int], key: str) -> Callable[[Any], None]:
    return lambda value: into.__setitem__(key, as_count(value))


def large_table(
    read_estimate: Callable[[], int | None], exact_rows: int | None
) -> LargeTable | None:
    """A :class:`LargeTable` when the catalog's estimate (``read_estimate()``, read only when
    needed) is above ``exact_rows`` rows (None: never), else None: profile it exactly."""
    if exact_rows is None:
        return None
    estimate = read_estimate()
    if estimate is None or estimate <= exact_rows:
        return None
    return LargeTable(estimate)


def row_estimator(
    conn: sa.Connection, dialect: Dialect, tables: Sequence[ReflectedTable]
) -> Callable[[str], int | None]:
    """The catalog's row estimate of a table of the run by key (one catalog read each, on
    first use; None: no estimate, or not a table of the run)."""
    by_key = {t.key: t for t in tables}
    known: dict[str, int | None] = {}

    def estimate(key: str) -> int | None:
        if key not in known:
            rt = by_key.get(key)
            known[key] = None if rt is None else sampler_for(dialect).estimated_rows(conn, rt)
        return known[key]

    return estimate
