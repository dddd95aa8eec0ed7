"""The profiling session: how synth leans on a database it must not hurt.

A profile may be taken on a production replica, so the database profiler

- opens a **read-only** session that issues no DDL or DML (:func:`start_session`; what
  each database does is in :mod:`synth.profiler.dialects`);
- runs every statistics query through :func:`execute`, with a **label** naming the
  statistic it computes: a query that runs past ``--statement-timeout`` becomes a one-line
  :class:`~synth.errors.SourceError` naming the table and that statistic, and Ctrl-C (or
  SIGTERM, which the CLI raises as a ``KeyboardInterrupt``) cancels the query on the
  server before it stops the run; a killed process's query is ended by the server
  (PostgreSQL) or a watchdog (MariaDB/MySQL, :meth:`Dialect.guard`);
- with ``--sample PERCENT``, reads each table through a :class:`SampledTable` and scales
  the row count back up (:func:`profile_sampled`).
"""

from __future__ import annotations

import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.sql import visitors
from sqlalchemy.sql.selectable import Subquery

from synth.errors import SourceError
from synth.internal.progress import Reporter, Task
from synth.model import LogicalType, Table
from synth.profiler.dialects import Dialect
from synth.profiler.options import SessionOptions
from synth.profiler.reflect import ReflectedTable

__all__ = [
    "AGGREGATE",
    "MIN_SAMPLED_ROWS",
    "PERCENTILES",
    "REFLECTION",
    "ProfileSession",
    "SampledTable",
    "execute",
    "frequent_label",
    "integer_key",
    "profile_sampled",
    "start_session",
    "trait_label",
]

AGGREGATE = "the aggregate query (row count, NULLs, distinct values, min/max, shapes)"
"""Label of a table's aggregate query (and its continuations for very wide tables)."""
PERCENTILES = "the percentile query (values ranked with ROW_NUMBER)"
"""Label of a table's window-function query: percentiles, ranked minimum and maximum."""
REFLECTION = "reading the schema"
"""Label of the catalog reads, for the message when one of them times out."""

MIN_SAMPLED_ROWS = 1000
"""With ``--sample``, a table whose sample holds fewer rows is profiled whole instead: it is
small, and a few sampled rows (or none, one page in ten) would describe it badly."""

_KEY = "synth.profile_session"
"""Where the session lives in the connection's ``info``."""


def frequent_label(column: str) -> str:
    """Label of the frequent-value query of ``column``."""
    return f"the frequent-value query of column {column!r}"


def trait_label(trait: str) -> str:
    """Label of a table trait's own query."""
    return f"the {trait} trait query"


@dataclass
class ProfileSession:
    """One profiling run's connection settings, kept in the connection's ``info``."""

    dialect: Dialect
    options: SessionOptions
    masked: str
    """The source URL with its password masked: the only form a message may show."""
    cancel: Callable[[], None] | None = None
    """Cancels the running query from elsewhere after Ctrl-C (see ``Dialect.canceller``)."""
    table: str | None = None
    """The table being profiled, for messages."""
    progress: Reporter = field(default_factory=lambda: Reporter(None, "profile"))
    """Hears of each table (the stage, counted in tables) and each query (the table's task)."""
    _stage: Task | None = field(default=None, init=False, repr=False)
    _task: Task | None = field(default=None, init=False, repr=False)

    def start_tables(self, count: int) -> None:
        """``count`` tables are about to be profiled (:meth:`begin_table` each)."""
        self._stage = self.progress.task("", count, "tables")

    def begin_table(self, key: str) -> None:
        """Table ``key`` is profiled now: messages name it, progress counts its queries."""
        self.end_table()
        self.table = key
        if self._stage is not None:
            self._stage.at(key)
        self._task = self.progress.task(key, None, "queries")

    def end_table(self) -> None:
        """The table being profiled is done; after the last one, the stage is too."""
        if self._task is not None:
            self._task.finish()
            self._task = None
            if self._stage is not None:
                self._stage.advance(1)

    def end_tables(self) -> None:
        """Every table is done."""
        self.end_table()
        if self._stage is not None:
            self._stage.finish()

    def timeout_error(self, statistic: str) -> SourceError:
        """The one-line error for ``statistic`` running past the statement timeout."""
        seconds = self.options.statement_timeout or 0.0
        where = f"profiling table {self.table!r}" if self.table else "profiling"
        sample = self.options.sample
        smaller = f"a smaller --sample (now {sample:g})" if sample else "--sample 10"
        return SourceError(
            f"{self.masked}: {where}: {statistic} ran past --statement-timeout {seconds:g} s "
            f"and was cancelled; raise the timeout, or use {smaller} (or --exclude the table)"
        )

    def run(self, conn: sa.Connection, query: Any, statistic: str) -> sa.Result[Any]:
        """Execute ``query`` and fetch all its rows (see :func:`execute`); progress says
        which statistic runs, then counts it."""
        if self._task is not None:
            self._task.at(statistic)
        result = self._run(conn, query, statistic)
        if self._task is not None:
            self._task.advance(1)
        return result

    def _run(self, conn: sa.Connection, query: Any, statistic: str) -> sa.Result[Any]:
        try:
            with self.dialect.watch(conn, self.options.statement_timeout) as deadline:
                try:
                    return conn.execute(query).freeze()()
                except sa.exc.DBAPIError as exc:
                    if deadline.expired or self.dialect.timed_out(exc):
                        raise self.timeout_error(statistic) from None
                    if self.dialect.interrupted(exc):
                        raise KeyboardInterrupt from None
                    raise
        except KeyboardInterrupt:
            if self.cancel is not None:
                self.cancel()
            raise


def start_session(
    conn: sa.Connection,
    dialect: Dialect,
    options: SessionOptions,
    masked: str,
    progress: Reporter | None = None,
) -> ProfileSession:
    """Make ``conn`` a profiling session: read-only, each statement limited to
    ``options.statement_timeout``; :func:`execute` on ``conn`` then applies it (and reports
    it to ``progress``). Raises the driver's ``DBAPIError`` if the database refuses a
    setting."""
    _interruptible()
    dialect.start_session(conn, options.statement_timeout)
    session = ProfileSession(dialect, options, masked, cancel=dialect.canceller(conn))
    if progress is not None:
        session.progress = progress
    conn.info[_KEY] = session
    return session


def _interruptible() -> None:
    """Let Ctrl-C interrupt a driver blocked reading its socket (pymysql), as Python's own
    SIGINT handling does: polars installs a handler that restarts interrupted system calls
    (pola-rs/polars#21739), which would make Ctrl-C wait for the query to finish. This
    changes only that flag of whatever handler is installed, not the handler."""
    if hasattr(signal, "siginterrupt"):  # not on Windows
        signal.siginterrupt(signal.SIGINT, True)
        signal.siginterrupt(signal.SIGTERM, True)


def execute(conn: sa.Connection, query: Any, statistic: str) -> sa.Result[Any]:
    """Run one statistics query labelled ``statistic`` (:data:`AGGREGATE`, ...), every row
    fetched before it returns. In a session (:func:`start_session`) a query running past
    the statement timeout raises :class:`~synth.errors.SourceError` naming the table and
    ``statistic``, and Ctrl-C cancels it on the server before ``KeyboardInterrupt`` goes on."""
    session: ProfileSession | None = conn.info.get(_KEY)
    if session is None:
        return conn.execute(query).freeze()()
    return session.run(conn, query, statistic)


class SampledTable(Subquery):
    """``(SELECT <columns> FROM <table> <sample>) AS <table>``: a table read through
    ``--sample``, which statistics queries use as they would use the table itself.

    The sample itself comes from the dialect (:meth:`Dialect.sampled`): PostgreSQL's
    ``TABLESAMPLE SYSTEM (p) REPEATABLE (seed)``, a row filter elsewhere."""

    inherit_cache = True

    base: sa.TableClause
    """The table sampled."""
    percent: float
    key: str | None
    sampler: Dialect
    maker: Callable[[str], sa.Select[Any]]
    """The sample's SELECT, its FROM item named as given (an alias of the table gets its own)."""

    @classmethod
    def build(
        cls,
        dialect: Dialect,
        table: sa.TableClause,
        percent: float,
        key: str | None = None,
        name: str | None = None,
    ) -> SampledTable:
        """A sample of ``percent`` % of ``table``, named ``name`` (default: the table's);
        ``key`` is its one-column integer primary key, if any (see :func:`integer_key`)."""

        def maker(as_name: str) -> sa.Select[Any]:
            return dialect.sampled(table, percent, as_name, key)

        return cls.of(maker, table, percent, key, dialect, name)

    @classmethod
    def of(
        cls,
        maker: Callable[[str], sa.Select[Any]],
        table: sa.TableClause,
        percent: float,
        key: str | None,
        dialect: Dialect,
        name: str | None = None,
    ) -> SampledTable:
        """The sample ``maker(name)`` selects (about ``percent`` % of ``table``)."""
        name = name or table.name
        sampled = cls._construct(maker(name), name=name)
        sampled.base, sampled.percent, sampled.key, sampled.sampler = table, percent, key, dialect
        sampled.maker = maker
        return sampled

    def adapt(self, query: Any) -> Any:
        """``query``, built on the plain table (as table traits build theirs), reading the
        sample instead: the table and each alias of it (``c`` of a self-join) become a
        sample under the same name. Other tables, and another copy of this one (a
        relation's parent), are read whole: only the profiled table is sampled."""
        swapped: dict[int, SampledTable] = {}

        def sample_of(frm: Any) -> SampledTable | None:
            if frm is self.base:
                return self
            if isinstance(frm, sa.Alias) and frm.element is self.base:
                if id(frm) not in swapped:
                    swapped[id(frm)] = self.of(
                        self.maker, self.base, self.percent, self.key, self.sampler, frm.name
                    )
                return swapped[id(frm)]
            return None

        def replace(elem: Any) -> Any:
            if isinstance(elem, sa.ColumnClause) and elem.table is not None:
                target = sample_of(elem.table)
                return None if target is None else target.c[elem.key]
            if isinstance(elem, sa.FromClause):
                return sample_of(elem)
            return None

        return visitors.replacement_traverse(query, {}, replace)


def integer_key(table: ReflectedTable) -> str | None:
    """The table's primary key column when it is one integer column: row-filter samples
    (MySQL, SQLite) hash it to pick the same rows in every query."""
    if len(table.primary_key) != 1:
        return None
    column = next(c for c in table.columns if c.name == table.primary_key[0])
    return column.name if column.info.logical is LogicalType.INTEGER else None


def profile_sampled(profile: Callable[[float | None], Table], percent: float | None) -> Table:
    """``profile(percent)``, the table profiled through a sample, with its row count scaled
    up by ``100 / percent`` (fractions stay as measured; distinct counts cannot be scaled
    and stay the sample's). A sample under :data:`MIN_SAMPLED_ROWS` rows means a small
    table: it is profiled whole, ``profile(None)``, and its counts are exact."""
    if percent is None:
        return profile(None)
    table = profile(percent)
    if table.rows < MIN_SAMPLED_ROWS:
        return profile(None)
    return table.model_copy(update={"rows": round(table.rows * 100 / percent)})
