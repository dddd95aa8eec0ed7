"""Loading fixtures into a live database, in one transaction, by each driver's fastest path.

:func:`load_into` takes a Parquet fixture directory (or a mapping of frames, such as
:func:`synth.generate` returns) and a database URL. It checks everything it can before
writing anything: every table exists in the target with every column, and is empty
(unless ``truncate``). Then, in ONE transaction, it empties the tables (``truncate``,
children first) and loads them parents first: PostgreSQL by ``COPY ... FROM STDIN``
(text format rendered by polars), MySQL/MariaDB and SQLite by ``executemany`` in batches
(pymysql turns them into multi-row INSERTs). Any failure rolls everything back.

Tables are loaded in the order the target's foreign keys need (see
:mod:`synth.loader.order`): parents first, and a key closing a cycle loaded as NULL and
set by an ``UPDATE`` after every table.

Rows whose foreign key has no parent row (the ``orphan`` trait) are skipped, with a
:class:`SynthWarning` counting them per ``table.column``, where the target enforces
that foreign key; ``defer_constraints`` turns the checks off where the database can
(MySQL ``foreign_key_checks=0``, SQLite ``foreign_keys=OFF``) and loads them as they
are. PostgreSQL can only defer ``DEFERRABLE`` constraints to ``COMMIT``, where orphans
still fail, so there they are always skipped.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from synth.errors import SourceError, SynthWarning, UsageError
from synth.internal.progress import ProgressCallback, Reporter
from synth.loader.dialects import Dialect, dialect_for, quote, run_raw
from synth.loader.order import earlier_rows_only, load_order
from synth.loader.target import Adjusted, TargetKey, TargetTable

__all__ = ["load_into"]


class _Tables:
    """The tables to load, in load order: from a fixture directory (read one at a time)
    or from a mapping of frames."""

    def __init__(self, source: str | Path | Mapping[str, pl.DataFrame]) -> None:
        if isinstance(source, Mapping):
            self.directory: Path | None = None
            self.frames: Mapping[str, pl.DataFrame] = source
            self.rows = {key: frame.height for key, frame in source.items()}
            self.columns = {key: list(frame.columns) for key, frame in source.items()}
            return
        import pyarrow.parquet as pq

        from synth.loader.files import check_rows, open_fixtures

        self.directory = Path(source)
        self.manifest = open_fixtures(self.directory)
        self.frames = {}
        self.rows = {key: t.rows for key, t in self.manifest.tables.items()}
        self.columns = {}
        for key, table in self.manifest.tables.items():
            if table.files:
                file = self.directory / table.files[0]
                try:
                    self.columns[key] = list(pq.read_schema(file).names)
                except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
                    raise SourceError(
                        f"cannot read {str(file)!r} (table {key!r}): {exc}; regenerate the "
                        "fixtures with 'synth generate PROFILE --out DIR'"
                    ) from None
                check_rows(self.directory, key, table)  # before the target is touched
            else:
                self.columns[key] = []

    def frame(self, key: str) -> pl.DataFrame:
        if self.directory is None:
            return self.frames[key]
        from synth.loader.files import read_fixture_table

        table = self.manifest.tables[key]
        if not table.files:
            return pl.DataFrame()
        return read_fixture_table(self.directory, key, table)


def _engine(url: str) -> tuple[sa.Engine, URL, Dialect]:
    from synth.internal.urls import create_engine, masked_url, parse_url

    parsed = parse_url(url)
    masked = masked_url(parsed)
    backend = parsed.get_backend_name()
    dialect = dialect_for(backend)
    if dialect is None:
        raise UsageError(
            f"{masked}: cannot load into a {backend!r} database; synth loads into postgresql, "
            "mysql/mariadb and sqlite (write SQL files with --format sql instead)"
        )
    dialect.check(parsed, masked)
    engine = create_engine(parsed, masked, poolclass=NullPool)
    return engine, parsed, dialect


def _inspect(
    conn: sa.Connection,
    tables: _Tables,
    dialect: Dialect,
    masked: str,
) -> dict[str, TargetTable]:
    """Each table's target, checked to exist with every column; its enforced foreign keys
    to other loaded tables."""
    inspector = sa.inspect(conn)
    targets: dict[str, TargetTable] = {}
    by_name: dict[tuple[str | None, str], str] = {}
    for key in tables.rows:
        schema, name = dialect.table(key)
        if not inspector.has_table(name, schema=schema):
            raise SourceError(
                f"table {key!r} does not exist in {masked}; create the tables first: run "
                "schema.sql from 'synth generate PROFILE --format sql', or your migrations"
            )
        sql_name = quote(conn, name) if schema is None else f"{quote(conn, schema)}."
        if schema is not None:
            sql_name += quote(conn, name)
        columns = {c["name"]: c for c in inspector.get_columns(name, schema=schema)}
        for column in tables.columns[key]:
            if column not in columns:
                raise SourceError(
                    f"table {key!r} in {masked} has no column {column!r}; add it (run "
                    "schema.sql from 'synth generate --format sql', or your migrations) or "
                    "profile the database again"
                )
        not_null = {n for n, c in columns.items() if not c.get("nullable", True)}
        pk = inspector.get_pk_constraint(name, schema=schema).get("constrained_columns") or ()
        targets[key] = TargetTable(key, schema, name, sql_name, not_null, tuple(pk))
        by_name[(schema, name)] = key
        by_name.setdefault((None, name), key)
    for target in targets.values():
        for fk in inspector.get_foreign_keys(target.name, schema=target.schema):
            ref_schema = dialect.referred_schema(fk)
            parent = by_name.get((ref_schema, fk["referred_table"]))
            if parent is None and ref_schema == target.schema:
                parent = by_name.get((None, fk["referred_table"]))
            if parent is None:
                continue
            columns = tuple(fk["constrained_columns"])
            nullable = not set(columns) & target.not_null
            target.foreign_keys.append(
                TargetKey(columns, parent, tuple(fk["referred_columns"]), nullable)
            )
    _read_triggers(conn, targets, by_name, dialect)
    for target in targets.values():
        target.spatial = dialect.spatial_columns(conn, target)
    return targets


def _read_triggers(
    conn: sa.Connection,
    targets: Mapping[str, TargetTable],
    by_name: Mapping[tuple[str | None, str], str],
    dialect: Dialect,
) -> None:
    """Each target's INSERT triggers that insert into another loaded table."""
    from synth.profiler.catalog import trigger_effects

    schemas: dict[str | None, list[TargetTable]] = {}
    for target in targets.values():
        schemas.setdefault(target.schema, []).append(target)
    for schema, tables in schemas.items():
        found = dialect.insert_triggers(conn, schema, [t.name for t in tables])
        for target in tables:
            for trig in found.get(target.name, []):
                writes, _ = trigger_effects(trig.body)
                keys = [
                    by_name.get((s or target.schema, n)) or by_name.get((None, n))
                    for s, n in writes
                ]
                filled = [k for k in keys if k is not None and k != target.key]
                if filled:
                    target.triggers[trig.name] = filled


def _trigger_plan(
    conn: sa.Connection, targets: Mapping[str, TargetTable], dialect: Dialect
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """See :func:`synth.model.constraints.trigger_plan`: the target's own triggers."""
    from synth.model.constraints import trigger_plan

    fills = {key: t.triggers for key, t in targets.items()}
    return trigger_plan(fills, lambda key: dialect.may_disable_triggers(conn, targets[key]))


def _refuse_non_empty(conn: sa.Connection, targets: Mapping[str, TargetTable], masked: str) -> None:
    for key, target in targets.items():
        if run_raw(conn, f"SELECT 1 FROM {target.sql_name} LIMIT 1", fetch=True):
            raise SourceError(
                f"table {key!r} in {masked} already holds rows; nothing was loaded: load into "
                "empty tables, or pass --truncate (truncate=True) to empty them first"
            )


def _without_orphans(
    frame: pl.DataFrame,
    target: TargetTable,
    keys: Mapping[tuple[str, tuple[str, ...]], pl.DataFrame],
) -> tuple[pl.DataFrame, dict[str, tuple[int, str]]]:
    """``frame`` without the rows whose enforced foreign key has no parent row; per
    foreign key (``a, b``), how many were dropped and the parent table."""
    dropped: dict[str, tuple[int, str]] = {}
    for fk in target.foreign_keys:
        cols = list(fk.columns)
        if not set(cols) <= set(frame.columns):
            continue
        if fk.parent == target.key:
            parents = frame.select(fk.parent_columns).unique()
        else:
            found = keys.get((fk.parent, fk.parent_columns))
            if found is None:  # a parent loaded later (a cycle): the database decides
                continue
            parents = found
        parents = parents.cast(
            {p: frame.schema[c] for p, c in zip(fk.parent_columns, cols, strict=True)},
            strict=False,
        )
        indexed = frame.with_row_index("__synth_row")
        complete = indexed.filter(pl.all_horizontal(pl.col(c).is_not_null() for c in cols))
        orphans = complete.join(parents, left_on=cols, right_on=list(fk.parent_columns), how="anti")
        if orphans.height:
            dropped[", ".join(cols)] = (orphans.height, fk.parent)
            bad = orphans.get_column("__synth_row")
            frame = indexed.filter(~pl.col("__synth_row").is_in(bad.implode())).drop("__synth_row")
    return frame, dropped


def _warn_dropped(key: str, dropped: Mapping[str, tuple[int, str]], dialect: Dialect) -> None:
    fix = dialect.orphan_fix
    for columns, (n, parent) in dropped.items():
        warnings.warn(
            f"{key}.{columns}: {n:,} rows reference no row of {parent!r} and the target "
            f"enforces that foreign key; skipped ({fix})",
            SynthWarning,
            stacklevel=4,
        )


def _warn_adjusted(key: str, adjusted: Adjusted, dialect: Dialect) -> None:
    family = dialect.name
    what = {
        "nul_stripped": f"held NUL characters, which {family} text cannot store; stripped",
        "nan_replaced": f"were NaN, which {family} cannot store; loaded as NULL (0 if NOT NULL)",
        "infinity_clamped": "were infinite; loaded as the largest finite float of the sign",
    }
    for column, reasons in adjusted.items():
        for reason, n in reasons.items():
            warnings.warn(f"{key}.{column}: {n:,} values {what[reason]}", SynthWarning, 4)


def _load_tables(
    conn: sa.Connection,
    tables: _Tables,
    targets: Mapping[str, TargetTable],
    dialect: Dialect,
    defer: bool,
    progress: Reporter,
    state: dict[str, str],
) -> Iterator[tuple[str, int]]:
    needed = {(fk.parent, fk.parent_columns) for t in targets.values() for fk in t.foreign_keys}
    check_orphans = not (defer and dialect.defers_orphans)
    keys: dict[tuple[str, tuple[str, ...]], pl.DataFrame] = {}
    off, skipped = _trigger_plan(conn, targets, dialect)
    for key, why in skipped.items():
        warnings.warn(
            f"{key}: its rows are not loaded, {why} and {dialect.name} cannot turn that "
            "trigger off here (PostgreSQL can, as the table's owner)",
            SynthWarning,
            stacklevel=4,
        )
    order = load_order(targets, tables.rows)
    later: list[tuple[TargetTable, TargetKey, pl.DataFrame]] = []
    deferring = False
    stage = progress.task("", len(targets), "tables")
    for key in order.tables:
        stage.at(key)
        target = targets[key]
        state["at"] = f"table {key!r}"
        frame = tables.frame(key)
        if key in skipped:
            frame = frame.head(0)
        dialect.set_triggers(conn, target, off.get(key, []), enable=False)
        waiting = list(order.later(key))
        waiting += [
            fk
            for fk in target.foreign_keys
            if fk.parent == key and not earlier_rows_only(frame, fk, target.primary_key)
        ]
        for fk in waiting:
            if fk.nullable and target.primary_key and set(fk.columns) <= set(frame.columns):
                # loaded NULL now, set once its parent is in (an UPDATE by primary key)
                later.append((target, fk, frame.select(*target.primary_key, *fk.columns)))
                frame = frame.with_columns(pl.lit(None).cast(frame.schema[c]).alias(c)
                                           for c in fk.columns)  # fmt: skip
            elif not deferring:  # the target must let the check wait for COMMIT
                dialect.defer_keys(conn)
                deferring = True
        if check_orphans:
            frame, dropped = _without_orphans(frame, target, keys)
            _warn_dropped(key, dropped, dialect)
        for parent, cols in needed:
            if parent == key and set(cols) <= set(frame.columns):
                keys[(parent, cols)] = frame.select(cols).unique()
        adjusted: Adjusted = {}
        with progress.task(key, tables.rows[key], "rows") as task:
            if frame.height and frame.width:
                dialect.write(conn, target, frame, task.advance, adjusted)
            task.advance(tables.rows[key] - frame.height)  # skipped rows count as done
        _warn_adjusted(key, adjusted, dialect)
        dialect.set_triggers(conn, target, off.get(key, []), enable=True)
        yield key, frame.height
        stage.advance(1)
    for target, fk, values in later:
        state["at"] = f"table {target.key!r} ({', '.join(fk.columns)} after every table)"
        values = values.filter(pl.all_horizontal(pl.col(c).is_not_null() for c in fk.columns))
        if check_orphans:
            only = replace(target, foreign_keys=[fk])
            values, dropped = _without_orphans(values, only, keys)
            _warn_dropped(target.key, dropped, dialect)
        if values.height:  # the table's triggers stay off for it, as for its rows
            dialect.set_triggers(conn, target, off.get(target.key, []), enable=False)
            dialect.update(conn, target, fk.columns, values)
            dialect.set_triggers(conn, target, off.get(target.key, []), enable=True)
    stage.finish()


def load_into(
    source: str | Path | Mapping[str, pl.DataFrame],
    url: str,
    *,
    truncate: bool = False,
    defer_constraints: bool = False,
    progress: ProgressCallback | None = None,
) -> dict[str, int]:
    """Load fixtures into the existing, empty tables of the database at ``url``; return
    the rows loaded per table key; ``progress`` hears of each table's rows as they are
    written. See the module docstring and ``docs/sql.md``."""
    tables = _Tables(source)
    engine, parsed, dialect = _engine(url)
    from synth.internal.urls import connect_error, masked_url, reason

    masked = masked_url(parsed)
    errors = dialect.driver_errors()
    reporter = Reporter(progress, "load")
    loaded: dict[str, int] = {}
    state = {"at": "start"}
    try:
        try:
            conn = engine.connect()
        except sa.exc.DBAPIError as exc:
            raise connect_error(exc, parsed) from None
        with conn:
            try:
                targets = _inspect(conn, tables, dialect, masked)
                if not truncate:
                    _refuse_non_empty(conn, targets, masked)
                conn.rollback()  # end the inspection's implicit transaction
            except sa.exc.DBAPIError as exc:
                raise SourceError(
                    f"cannot read the tables of {masked}: {reason(exc, parsed)}; check that "
                    "the user may read them"
                ) from None
            try:
                with conn.begin():
                    dialect.start(conn, defer_constraints)
                    if truncate:
                        state["at"] = "truncate"
                        children_first = list(reversed(list(targets.values())))
                        dialect.truncate(conn, children_first, defer_constraints)
                    for key, rows in _load_tables(
                        conn, tables, targets, dialect, defer_constraints, reporter, state
                    ):
                        loaded[key] = rows
                    state["at"] = "commit"
            except errors as exc:
                raise SourceError(
                    f"cannot load into {masked} ({state['at']}): {reason(exc, parsed)}; "
                    "nothing was loaded (the transaction was rolled back): fix the data or the "
                    "target schema"
                ) from None
    finally:
        engine.dispose()
    return loaded
