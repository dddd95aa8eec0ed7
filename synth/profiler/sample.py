"""Bounded samples of large tables, per database.

A table the catalog estimates above ``--exact-rows`` (default 100,000) rows is *large*:
the statistics that cost a sort per column (distinct counts, percentiles, k-th extremes)
and the table traits that group by a column's values are computed on a sample of about
:data:`TARGET_ROWS` rows instead of on the table (see ``docs/profiling.md``, *Large
tables*). A :class:`Sampler` knows, for its database, the catalog's row estimate and how to
read such a sample cheaply; it is chosen with :func:`sampler_for`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from synth.profiler.dialects import SAMPLE_SEED, Dialect
from synth.profiler.queries import STATS_TAG
from synth.profiler.reflect import ReflectedTable
from synth.profiler.session import REFLECTION, SampledTable, execute

__all__ = ["TARGET_ROWS", "BoundedSample", "Sampler", "sampler_for"]

TARGET_ROWS = 30_000
"""Rows a large table's sample aims at, as many as PostgreSQL's ``ANALYZE`` reads (300 x its
default statistics target): percentiles within about 0.6 percentage points of rank (two
standard errors of a binomial at p = 0.5, for independent rows)."""
KEY_RANGES = 200
"""Stretches of consecutive keys a key-range sample reads (MySQL/MariaDB, SQLite)."""


@dataclass(frozen=True)
class BoundedSample:
    """The sample of a large table that its sort-bound statistics read."""

    source: SampledTable
    """``(SELECT <columns> FROM <table> <sample>) AS <table>``."""
    method: str
    """How it was drawn, as the profile records it (``Estimates.method``)."""


class Sampler:
    """The portable behaviour: no row estimate, so every table is profiled exactly."""

    def estimated_rows(self, conn: sa.Connection, table: ReflectedTable) -> int | None:
        """The catalog's estimate of the table's rows (None: no estimate, profile exactly)."""
        return None

    def sample(
        self,
        conn: sa.Connection,
        dialect: Dialect,
        table: sa.TableClause,
        percent: float,
        key: str | None,
    ) -> SampledTable:
        """What ``--sample percent`` reads of ``table`` (``key``: its one-column integer
        primary key, if any): stretches of the key's range where :meth:`key_range` finds
        one, else the dialect's sample (:meth:`Dialect.sampled`)."""
        bounds = self.key_range(conn, table, key)
        if bounds is None:
            return SampledTable.build(dialect, table, percent, key)
        return _key_ranges(dialect, table, percent, key or "", bounds)[0]

    def key_range(
        self, conn: sa.Connection, table: sa.TableClause, key: str | None
    ) -> tuple[Any, Any] | None:
        """The integer key's (lowest, highest) where reading stretches of it is cheaper than
        the dialect's sample; None: use the dialect's sample."""
        return None

    def bounded(
        self,
        dialect: Dialect,
        table: sa.TableClause,
        estimate: int,
        key: str | None,
        bounds: tuple[Any, Any] | None,
    ) -> BoundedSample | None:
        """A sample of about :data:`TARGET_ROWS` rows of ``table`` (``estimate`` rows by the
        catalog; ``key``: its one-column integer primary key, whose exact ``bounds`` the
        aggregate query measured), or None when the database cannot read one cheaply."""
        return None


class PostgreSQLSampler(Sampler):
    """``pg_class.reltuples`` (what the last ``ANALYZE`` or ``VACUUM`` counted), and
    ``TABLESAMPLE SYSTEM``: whole pages, about ``TARGET_ROWS / estimate`` of them."""

    def estimated_rows(self, conn: sa.Connection, table: ReflectedTable) -> int | None:
        # Never analyzed (reltuples = -1): guess 100 bytes a row from the table's size.
        query = sa.text(
            "SELECT /* synth:reflect */ CASE WHEN c.reltuples >= 0 THEN c.reltuples"
            " ELSE pg_relation_size(c.oid) / 100 END"
            " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
            " ON n.oid = c.relnamespace"
            " WHERE c.relname = :name AND n.nspname = COALESCE(:schema, current_schema())"
        )
        found = execute(conn, query.bindparams(name=table.name, schema=table.query_schema),
                        REFLECTION).scalar()  # fmt: skip
        return None if found is None else int(found)

    def bounded(
        self,
        dialect: Dialect,
        table: sa.TableClause,
        estimate: int,
        key: str | None,
        bounds: tuple[Any, Any] | None,
    ) -> BoundedSample | None:
        percent = _percent(estimate)

        def system(name: str) -> sa.Select[Any]:
            sample = sa.tablesample(
                table,
                sa.func.system(sa.literal_column(repr(percent))),
                name=name,
                seed=sa.literal_column(str(SAMPLE_SEED)),
            )
            return sa.select(*sample.c)

        source = SampledTable.of(system, table, percent, key, dialect)
        return BoundedSample(source, f"TABLESAMPLE SYSTEM ({percent:g})")


class KeyRangeSampler(Sampler):
    """MySQL/MariaDB and SQLite have no ``TABLESAMPLE``: with a one-column integer primary
    key, the sample is :data:`KEY_RANGES` stretches of consecutive keys spread evenly over
    the key's range, each read through the primary key (MySQL's clustered index, SQLite's
    rowid B-tree); without one, the ``--sample`` row filter, which reads every row."""

    def bounded(
        self,
        dialect: Dialect,
        table: sa.TableClause,
        estimate: int,
        key: str | None,
        bounds: tuple[Any, Any] | None,
    ) -> BoundedSample | None:
        percent = _percent(estimate)
        if key is None or bounds is None or None in bounds:
            source = SampledTable.build(dialect, table, percent)
            return BoundedSample(source, f"row filter on a hash ({percent:g} %)")
        source, ranges, width = _key_ranges(dialect, table, percent, key, bounds)
        return BoundedSample(source, f"{ranges} key ranges of {width} keys")

    def key_range(
        self, conn: sa.Connection, table: sa.TableClause, key: str | None
    ) -> tuple[Any, Any] | None:
        """With an integer key, its bounds, one query answered from the key's index: the
        sample then reads ``percent`` % of the table through the key, where the row filter
        reads all of it."""
        if key is None:
            return None
        column = table.c[key]
        bounds = sa.select(sa.func.min(column), sa.func.max(column)).prefix_with(STATS_TAG)
        low, high = execute(conn, bounds, "the sample's key range").one()
        return None if low is None else (low, high)


def _key_ranges(
    dialect: Dialect, table: sa.TableClause, percent: float, key: str, bounds: tuple[Any, Any]
) -> tuple[SampledTable, int, int]:
    """(the sample, its number of ranges, their width): :data:`KEY_RANGES` stretches of
    consecutive keys spread evenly over ``bounds``, ``percent`` % of the span in all."""
    low, high = int(bounds[0]), int(bounds[1])
    span = high - low + 1
    width = max(1, math.ceil(span * percent / 100 / KEY_RANGES))
    step = max(width, span // KEY_RANGES)
    starts = range(low, high + 1, step)

    def ranges(name: str) -> sa.Select[Any]:
        column = table.c[key]
        wanted = sa.or_(*(column.between(s, s + width - 1) for s in starts))
        return sa.select(*table.c).where(wanted)

    return SampledTable.of(ranges, table, percent, key, dialect), len(starts), width


class MySQLSampler(KeyRangeSampler):
    """``information_schema.TABLES.TABLE_ROWS`` (InnoDB's estimate from index dives)."""

    def estimated_rows(self, conn: sa.Connection, table: ReflectedTable) -> int | None:
        query = sa.text(
            "SELECT /* synth:reflect */ TABLE_ROWS FROM information_schema.TABLES"
            " WHERE TABLE_NAME = :name AND TABLE_SCHEMA = COALESCE(:schema, DATABASE())"
        )
        found = execute(conn, query.bindparams(name=table.name, schema=table.query_schema),
                        REFLECTION).scalar()  # fmt: skip
        return None if found is None else int(found)


class SQLiteSampler(KeyRangeSampler):
    """SQLite keeps no row estimate (``sqlite_stat1`` only where ``ANALYZE`` ran, and for
    indexes): the largest rowid, read from the B-tree's last page, stands for it."""

    def estimated_rows(self, conn: sa.Connection, table: ReflectedTable) -> int | None:
        quoted = conn.dialect.identifier_preparer.quote(table.name)
        try:
            found = execute(
                conn, sa.text(f"SELECT /* synth:reflect */ MAX(rowid) FROM {quoted}"), REFLECTION
            ).scalar()
        except sa.exc.OperationalError:  # WITHOUT ROWID: no estimate, profiled exactly
            return None
        return None if found is None else int(found)


def _percent(estimate: int) -> float:
    """The percentage of ``estimate`` rows that holds about :data:`TARGET_ROWS`."""
    return float(f"{min(100.0, 100.0 * TARGET_ROWS / max(1, estimate)):.3g}")


_BY_DIALECT: dict[str, type[Sampler]] = {
    "PostgreSQL": PostgreSQLSampler,
    "MySQL/MariaDB": MySQLSampler,
    "SQLite": SQLiteSampler,
}


def sampler_for(dialect: Dialect) -> Sampler:
    """The sampler of ``dialect``'s database (the portable one: no estimates)."""
    return _BY_DIALECT.get(dialect.name, Sampler)()
