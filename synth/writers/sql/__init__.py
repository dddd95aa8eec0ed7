"""The SQL writer: ``schema.sql`` and ``data.sql`` (or one file per table) for a dialect.

Options (``writer_options`` of :func:`synth.writers.write_fixtures`):

- ``dialect``: ``postgresql``, ``mysql``, ``mariadb``, ``sqlite`` or ``portable``;
  default: the profile's source dialect, else ``postgresql``;
- ``ddl`` (default true): write ``schema.sql``;
- ``split`` (default false): one ``<table>.sql`` per table instead of ``data.sql``;
- ``sql_style``: ``insert`` (default; multi-row ``INSERT``) or ``copy`` (PostgreSQL
  ``COPY ... FROM stdin`` blocks for ``psql``);
- ``batch_rows`` (default 500): rows per ``INSERT`` statement.

Data files are in generation order (parents first), one transaction each. A chunk is
rendered by one polars ``select`` (see :mod:`synth.writers.sql.literals`). Values a
dialect cannot store are changed, counted per ``table.column`` and reported: a
:class:`~synth.errors.SynthWarning` and the manifest's ``options.adjusted``. The
schema is written last, so it can admit what the data holds (see
:mod:`synth.writers.sql.ddl`). See ``docs/sql.md``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import ClassVar

import polars as pl
import pyarrow as pa

from synth.errors import SynthWarning, UsageError
from synth.generator.plan import Plan
from synth.model import Column, LogicalType
from synth.model.manifest import TableOutput
from synth.writers.base import TableTarget
from synth.writers.sql.base import SqlDialect
from synth.writers.sql.ddl import schema_sql
from synth.writers.sql.deferred import (
    DEFERRED_FILE,
    deferred_keys,
    needs_deferred_checks,
    update_statements,
)
from synth.writers.sql.dialects import resolve_dialect
from synth.writers.sql.literals import ADJUSTMENTS, ColumnLiterals

__all__ = ["DATA_FILE", "DEFAULT_BATCH_ROWS", "SCHEMA_FILE", "STYLES", "SqlFixtureWriter"]

SCHEMA_FILE = "schema.sql"
DATA_FILE = "data.sql"
UPDATES_FILE = "cycle_keys.sql"
"""With ``split``: the UPDATEs of foreign keys closing a cycle, loaded last."""
DEFAULT_BATCH_ROWS = 500
STYLES = ("insert", "copy")
MAX_DOMAIN_EXTRAS = 1000
"""At most this many distinct out-of-domain values are tracked per column."""


_Count = tuple[str, str, pl.Expr]
"""(column, reason, expression counting the rows of a chunk changed for that reason)."""


def _flag(name: str, cli: str, value: object, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise UsageError(f"{name}={value!r} ({cli}) must be true or false")
    return value


def _with_last(chunks: Iterable[pa.Table]) -> Iterator[tuple[pa.Table, bool]]:
    """The non-empty chunks, each with whether it is the last one."""
    previous: pa.Table | None = None
    for chunk in chunks:
        if chunk.num_rows == 0:
            continue
        if previous is not None:
            yield previous, False
        previous = chunk
    if previous is not None:
        yield previous, True


def _comment(text: str) -> str:
    return "-- " + text.replace("\r", " ").replace("\n", " ")


class SqlFixtureWriter:
    """Writes SQL files for one dialect (see the module docstring for the options)."""

    format: ClassVar[str] = "sql"
    options: ClassVar[tuple[str, ...]] = ("dialect", "ddl", "split", "sql_style", "batch_rows")
    size_factor: ClassVar[float] = 1.0  # every value spelled out

    def __init__(self, plan: Plan, options: Mapping[str, object]) -> None:
        self.plan = plan
        self.dialect: SqlDialect = resolve_dialect(options.get("dialect"), plan.profile)
        self.ddl = _flag("ddl", "--no-ddl", options.get("ddl"), True)
        self.split = _flag("split", "--split", options.get("split"), False)
        style = options.get("sql_style", "insert")
        if style not in STYLES:
            raise UsageError(
                f"sql_style={style!r} (--sql-style) is not a SQL style; choose one of: "
                f"{', '.join(STYLES)}"
            )
        if style == "copy" and not self.dialect.copy:
            raise UsageError(
                f"sql_style='copy' (--sql-style) needs PostgreSQL, not dialect="
                f"{self.dialect.name!r}; use sql_style='insert' or dialect='postgresql'"
            )
        self.copy = style == "copy"
        batch = options.get("batch_rows", DEFAULT_BATCH_ROWS)
        if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
            raise UsageError(f"batch_rows={batch!r} must be a whole number >= 1")
        self.batch_rows = batch
        self._check_names()
        self.directory = Path()
        self.files: list[str] = []
        self.written: dict[str, tuple[str, ...]] = {}
        self.extras: dict[tuple[str, str], list[str]] = {}
        self.adjusted: dict[str, dict[str, int]] = {}
        self.defers = needs_deferred_checks(plan)
        """Whether a cycle's key is written inline, so checks must wait for COMMIT."""
        # synth's own schema.sql creates no triggers: only a load into the source's own
        # kind of schema meets them
        same = not self.ddl and self.dialect.family == self.dialect.source_family
        self.triggers, self.filled = self._triggers() if same else ({}, {})

    def _check_names(self) -> None:
        """Without schemas (MySQL, SQLite), two tables must not end up with one name."""
        if self.dialect.qualifies:
            return
        seen: dict[str, str] = {}
        for tp in self.plan.tables:
            other = seen.setdefault(tp.table.name.lower(), tp.key)
            if other != tp.key:
                raise UsageError(
                    f"tables {other!r} and {tp.key!r} would both be named "
                    f"{tp.table.name!r} in dialect={self.dialect.name!r}, which has no "
                    "schemas; pick one of them with --tables"
                )

    def _triggers(self) -> tuple[dict[str, list[str]], dict[str, str]]:
        """(table -> its triggers to turn off around its rows, table -> why its rows are
        not written): triggers that insert into another generated table would add rows
        to it (and collide with the generated ones); where the dialect cannot turn them
        off, the trigger's rows stand in for the generated ones."""
        from synth.model.constraints import trigger_plan

        generated = {tp.key for tp in self.plan.tables}
        fills = {
            tp.key: {t.name: [w for w in t.writes if w in generated] for t in tp.table.triggers}
            for tp in self.plan.tables
        }
        off, filled = trigger_plan(fills, lambda _: self.dialect.disables_triggers)
        for key, why in filled.items():
            warnings.warn(
                f"{key}: its rows are not written, {why} and {self.dialect.title} cannot turn "
                "triggers off for a load; the Parquet fixtures still hold synth's rows",
                SynthWarning,
                stacklevel=3,
            )
        return off, filled

    # -- files -----------------------------------------------------------------------------

    def _begin_lines(self) -> list[str]:
        d = self.dialect
        first = "Load schema.sql first." if self.ddl else "Load it into existing tables."
        settings = d.prelude()
        if d.begin is not None:  # the portable subset leaves transactions to the loader
            settings.append(d.begin)
        if self.defers:
            settings += d.defer_checks()
        lines = [_comment(f"Data for {d.name}, written by synth. {first}"), ""]
        return [*lines, *settings, ""] if settings else lines

    def _end_lines(self) -> list[str]:
        d = self.dialect
        lines = [] if d.begin is None else ["COMMIT;"]
        return lines + (d.undefer_checks() if self.defers else []) + d.epilogue()

    def _append(self, name: str, lines: list[str]) -> None:
        with open(self.directory / name, "ab") as fh:
            fh.write(("\n".join(lines) + "\n").encode("utf-8"))

    def begin(self, directory: Path) -> None:
        """Start ``data.sql`` (unless every table gets its own file)."""
        self.directory = directory
        if self.ddl:
            self.files.append(SCHEMA_FILE)
        if not self.split:
            self._append(DATA_FILE, self._begin_lines())
            self.files.append(DATA_FILE)

    def _table_file(self, target: TableTarget) -> str:
        name = f"{target.filename}.sql"
        if name.lower() in (SCHEMA_FILE, DATA_FILE, UPDATES_FILE):
            name = f"{target.filename}_table.sql"
        return name

    # -- tables ----------------------------------------------------------------------------

    def write_table(self, target: TableTarget, chunks: Iterable[pa.Table]) -> TableOutput:
        """Render ``chunks`` into the table's statements, chunk by chunk."""
        name = self._table_file(target) if self.split else DATA_FILE
        if self.split:
            self.files.append(name)
            (self.directory / name).write_bytes(b"")
            self._append(name, self._begin_lines())
        d = self.dialect
        columns = target.columns
        self.written[target.key] = tuple(c.name for c in columns)
        rendered = [d.column_literals(c, copy=self.copy) for c in columns]
        counts: list[_Count] = [
            (c.name, reason, e)
            for c, r in zip(columns, rendered, strict=True)
            for reason, e in r.counts
        ]
        domains = [
            c for c in columns if self.ddl and c.domain is not None and c.type is LogicalType.STRING
        ]
        head = self._head(target)
        keys = deferred_keys(self.plan, target.plan, {c.name for c in columns})
        updates = (
            update_statements(d, target.plan, keys, {c.name: c for c in columns})
            if keys.later
            else None
        )
        total = 0
        tally = [0] * len(counts)
        updated = False
        table_sql = d.table_name(target.plan.table)
        with open(self.directory / name, "ab") as fh:
            fh.write((_comment(f"{target.key}") + "\n").encode("utf-8"))
            if target.key in self.filled:
                fh.write((_comment(f"no rows: {self.filled[target.key]}") + "\n\n").encode())
                chunks = ()
            off = self.triggers.get(target.key, [])
            for line in d.trigger_statements(table_sql, off, enable=False) if off else []:
                fh.write((line + "\n").encode("utf-8"))
            for chunk, last in _with_last(chunks):
                frame = pl.from_arrow(chunk)
                assert isinstance(frame, pl.DataFrame)
                if updates is not None:  # the cycle's keys: NULL now, an UPDATE at the end
                    later = frame.select(updates.str.join("")).item()
                    if later and off and not updated:  # its triggers stay off for them too
                        later = (
                            "".join(
                                f"{line}\n"
                                for line in d.trigger_statements(table_sql, off, enable=False)
                            )
                            + later
                        )
                    updated = updated or bool(later)
                    with open(self.directory / DEFERRED_FILE, "ab") as side:
                        side.write(later.encode("utf-8"))
                    frame = frame.with_columns(
                        pl.lit(None, dtype=frame.schema[c]).alias(c) for c in keys.columns
                    )
                row = self._row_expr(rendered, head, total, frame.height, last)
                out = frame.select(
                    row.str.join("").alias("_sql"),
                    *(e.alias(f"_n{i}") for i, (_, _, e) in enumerate(counts)),
                )
                values = out.row(0)
                if self.copy and total == 0:
                    fh.write(head.encode("utf-8"))
                fh.write(values[0].encode("utf-8"))
                if self.copy and last:
                    fh.write(b"\\.\n")
                tally = [t + int(n or 0) for t, n in zip(tally, values[1:], strict=True)]
                self._track_domains(target, frame, domains)
                total += frame.height
            fh.write(b"\n")
            for line in d.trigger_statements(table_sql, off, enable=True) if off else []:
                fh.write((line + "\n").encode("utf-8"))
            if updated and off:
                with open(self.directory / DEFERRED_FILE, "ab") as side:
                    for line in d.trigger_statements(table_sql, off, enable=True):
                        side.write((line + "\n").encode("utf-8"))
            fh.write(self._sequence_lines(target).encode("utf-8"))
        if self.split:
            self._append(name, self._end_lines())
        self._report(target, counts, tally)
        return TableOutput(rows=total, files=(name,))

    def _sequence_lines(self, target: TableTarget) -> str:
        """After a table's rows, what moves its key sequences past the loaded values
        (PostgreSQL: serial and identity columns), as ``load_into`` does."""
        d = self.dialect
        lines = d.sequence_statements(d.table_name(target.plan.table), target.columns)
        return "\n".join(lines) + "\n\n" if lines else ""

    def _head(self, target: TableTarget) -> str:
        """What starts each statement: ``INSERT INTO t (cols) VALUES`` or ``COPY t (cols)``."""
        d = self.dialect
        table = d.table_name(target.plan.table)
        names = ", ".join(d.quote(c.name) for c in target.columns)
        if self.copy:
            return f"COPY {table} ({names}) FROM stdin;\n"
        return f"INSERT INTO {table} ({names}){d.insert_override} VALUES\n"

    def _row_expr(
        self, rendered: list[ColumnLiterals], head: str, offset: int, height: int, last: bool
    ) -> pl.Expr:
        """One row's text: ``(v1, v2)`` with the statement's head and separator, or a
        COPY line ``v1<TAB>v2``."""
        values = [r.expr for r in rendered]
        if self.copy:
            parts: list[pl.Expr] = []
            for i, v in enumerate(values):
                parts += [pl.lit("\t"), v] if i else [v]
            return pl.concat_str([*parts, pl.lit("\n")])
        index = pl.int_range(0, pl.len(), dtype=pl.Int64)
        position = (index + offset) % self.batch_rows
        ends = position == self.batch_rows - 1
        if last:
            ends = ends | (index == height - 1)
        parts = [pl.when(position == 0).then(pl.lit(head)).otherwise(pl.lit("")), pl.lit("(")]
        for i, v in enumerate(values):
            parts += [pl.lit(", "), v] if i else [v]
        parts += [pl.lit(")"), pl.when(ends).then(pl.lit(";\n")).otherwise(pl.lit(",\n"))]
        return pl.concat_str(parts)

    def _track_domains(self, target: TableTarget, frame: pl.DataFrame, cols: list[Column]) -> None:
        """Remember generated values outside a column's declared domain (for the DDL)."""
        for col in cols:
            assert col.domain is not None
            seen = self.extras.setdefault((target.key, col.name), [])
            if len(seen) >= MAX_DOMAIN_EXTRAS:
                continue
            values = frame.get_column(col.name)
            outside = values.filter(~values.is_in(list(col.domain)) & values.is_not_null())
            for value in outside.unique(maintain_order=True).to_list():
                if value not in seen:
                    seen.append(value)

    def _report(self, target: TableTarget, counts: list[_Count], tally: list[int]) -> None:
        """Record and warn about every value changed because the dialect cannot store it."""
        for (column, reason, _), n in zip(counts, tally, strict=True):
            if not n:
                continue
            where = f"{target.key}.{column}"
            self.adjusted.setdefault(where, {})[reason] = n
            what = ADJUSTMENTS[reason].format(dialect=self.dialect.name)
            warnings.warn(
                f"{where}: {n} {what} (recorded in manifest.json under options.adjusted)",
                SynthWarning,
                stacklevel=4,
            )

    # -- the end ---------------------------------------------------------------------------

    def _deferred_updates(self) -> None:
        """The cycles' UPDATE statements: at the end of ``data.sql`` (or in their own file
        after the tables' files), inside the transaction."""
        side = self.directory / DEFERRED_FILE
        if not side.exists():
            return
        text = side.read_text(encoding="utf-8")
        side.unlink()
        lines = [_comment("foreign keys closing a cycle, set once every table is loaded"), text]
        if self.split:
            (self.directory / UPDATES_FILE).write_bytes(b"")
            self._append(UPDATES_FILE, [*self._begin_lines(), *lines, *self._end_lines()])
            self.files.append(UPDATES_FILE)
        else:
            self._append(DATA_FILE, lines)

    def end(self) -> dict[str, object]:
        """Close ``data.sql``, write ``schema.sql``; the manifest's record of the output."""
        self._deferred_updates()
        if not self.split:
            self._append(DATA_FILE, self._end_lines())
        notes: list[str] = []
        if self.ddl:
            extras = {k: sorted(v) for k, v in self.extras.items() if v}
            schema = schema_sql(self.plan, self.dialect, self.written, extras)
            (self.directory / SCHEMA_FILE).write_bytes(schema.text.encode("utf-8"))
            for note in schema.notes:
                notes.append(str(note))
                if note.warn:
                    warnings.warn(f"schema.sql: {note}", SynthWarning, stacklevel=3)
        return {
            "dialect": self.dialect.name,
            "ddl": self.ddl,
            "split": self.split,
            "sql_style": "copy" if self.copy else "insert",
            "batch_rows": self.batch_rows,
            "load_order": list(self.files),
            "adjusted": {k: dict(sorted(v.items())) for k, v in sorted(self.adjusted.items())},
            "schema_notes": notes,
        }
