"""The commands of the pipeline: ``synth profile``, ``synth generate`` and ``synth load``.

Plain functions (``synth.cli`` registers them on the app): each parses its options, calls
one function of :mod:`synth.api` and renders what it returns. The help text of a command
is its docstring.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from synth.cli.common import (
    DeferOpt,
    ProgressOpt,
    TablesOpt,
    ToOpt,
    TruncateOpt,
    err,
    names,
    shown_warnings,
)
from synth.cli.progress import progress_display
from synth.errors import UsageError

if TYPE_CHECKING:
    from synth.generator.options import GenerateArgs
    from synth.profiler.options import ProfileArgs

__all__ = ["generate", "load", "profile"]


def profile(
    source: Annotated[
        list[str] | None,
        typer.Argument(
            help="A database URL, or Parquet/CSV files (default: $SYNTH_DATABASE_URL).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the profile here (default: stdout).")
    ] = None,
    schema: Annotated[str | None, typer.Option(help="Database schema to profile.")] = None,
    tables: TablesOpt = None,
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", "-x", help="Skip these tables (names or glob patterns)."),
    ] = None,
    known_values: Annotated[
        Path | None,
        typer.Option(
            "--known-values",
            metavar="FILE",
            help="YAML of table.column: [values] code knows; others are legacy values.",
        ),
    ] = None,
    legacy_after: Annotated[
        str | None,
        typer.Option(
            "--legacy-after",
            metavar="DAYS",
            help="A value unseen for this many days is a legacy value (default 365).",
        ),
    ] = None,
    time_column: Annotated[
        list[str] | None,
        typer.Option(
            "--time-column",
            metavar="TABLE.COLUMN",
            help="The column dating a table's rows, where created_at-like detection is wrong.",
        ),
    ] = None,
    segment_by: Annotated[
        list[str] | None,
        typer.Option(
            "--segment-by",
            metavar="TABLE.COLUMN",
            help="A column splitting rows into cohorts (e.g. tenants.source; default: detected).",
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="TIME",
            help="Measure ages from this ISO-8601 time (default: now); pin it for a snapshot.",
        ),
    ] = None,
    min_count: Annotated[
        int | None,
        typer.Option(
            "--min-count",
            metavar="K",
            help="Store a raw value only if at least K rows share it (default 10).",
        ),
    ] = None,
    pii: Annotated[
        list[str] | None,
        typer.Option("--pii", metavar="TABLE.COLUMN", help="Treat as personal data: shape only."),
    ] = None,
    not_pii: Annotated[
        list[str] | None,
        typer.Option(
            "--not-pii", metavar="TABLE.COLUMN", help="Not personal data, whatever it looks like."
        ),
    ] = None,
    epsilon: Annotated[
        float | None,
        typer.Option(help="Differential privacy: Laplace noise on counts with this budget."),
    ] = None,
    statement_timeout: Annotated[
        float | None,
        typer.Option(
            "--statement-timeout",
            metavar="SECONDS",
            help="Cancel any profiling query after this long (default 60; 0: no limit).",
        ),
    ] = None,
    sample: Annotated[
        float | None,
        typer.Option(
            metavar="PERCENT", help="Read this percentage of each table (TABLESAMPLE); scale up."
        ),
    ] = None,
    exact_rows: Annotated[
        int | None,
        typer.Option(
            "--exact-rows",
            metavar="ROWS",
            help="Larger tables (catalog estimate) get distinct counts and percentiles from a "
            "bounded sample (default 100000).",
        ),
    ] = None,
    relation: Annotated[
        list[str] | None,
        typer.Option(
            "--relation",
            metavar="CHILD.COL=PARENT.COL",
            help="Record this relation though the schema does not declare it.",
        ),
    ] = None,
    no_relation: Annotated[
        list[str] | None,
        typer.Option(
            "--no-relation",
            metavar="TABLE.COLUMN",
            help="Never infer a relation for this column ('*': for any column).",
        ),
    ] = None,
    url_file: Annotated[
        Path | None,
        typer.Option(
            "--url-file",
            metavar="FILE",
            help="Read the database URL from this file (keeps a password out of ps).",
        ),
    ] = None,
    progress: ProgressOpt = None,
) -> None:
    """Profile a database (statistics computed inside it) or files into a YAML profile."""
    from synth import api
    from synth.model.io import dump_profile, write_profile
    from synth.profiler.options import url_from_file

    if url_file is not None:
        if source:
            raise UsageError("give either a source or --url-file, not both")
        source = [url_from_file(url_file)]

    target: str | list[str] | None = source
    if source and len(source) == 1 and "://" in source[0]:
        target = source[0]
    options: ProfileArgs = {
        "schema": schema,
        "tables": names(tables),
        "exclude": names(exclude),
        "known_values": known_values,
        "legacy_after": legacy_after,
        "time_columns": names(time_column),
        "segment_by": names(segment_by),
        "as_of": as_of,
        "min_count": min_count,
        "pii": names(pii),
        "not_pii": names(not_pii),
        "epsilon": epsilon,
        "statement_timeout": statement_timeout,
        "sample": sample,
        "exact_rows": exact_rows,
        "relations": names(relation),
        "no_relations": names(no_relation),
    }
    with shown_warnings(), progress_display(progress) as on_progress:
        result = api.profile(target, progress=on_progress, **options)
    if out is None:
        sys.stdout.write(dump_profile(result))
        return
    write_profile(result, out)
    columns = sum(len(t.columns) for t in result.tables)
    err(f"profiled {len(result.tables)} tables, {columns} columns -> {out}")


def generate(
    profile: Annotated[Path, typer.Argument(help="The profile YAML file.")],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Fixture directory to write (default: build/fixtures)."),
    ] = None,
    rows: Annotated[
        int | None,
        typer.Option(min=0, help="Rows of the largest table; the others keep relative sizes."),
    ] = None,
    scale: Annotated[
        float | None, typer.Option(min=0.0, help="Multiply every profiled row count instead.")
    ] = None,
    seed: Annotated[int, typer.Option(min=0, help="Random seed; same seed, same bytes.")] = 0,
    tables: TablesOpt = None,
    format: Annotated[str, typer.Option("--format", "-f", help="Output format.")] = "parquet",
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="TIME",
            help="Re-anchor times to this ISO-8601 time or 'now' (default: the profile's).",
        ),
    ] = None,
    min_trait_rows: Annotated[
        int,
        typer.Option(min=0, help="Every trait of the profile appears in at least this many rows."),
    ] = 1,
    boost: Annotated[
        list[str] | None,
        typer.Option(
            metavar="TABLE.COLUMN:TRAIT=RATE",
            help="Make this share of rows carry a trait (e.g. users.last_login_at:null=0.5).",
        ),
    ] = None,
    dialect: Annotated[
        str | None,
        typer.Option(help="--format sql: postgresql, mysql, mariadb, sqlite or portable."),
    ] = None,
    no_ddl: Annotated[
        bool, typer.Option("--no-ddl", help="--format sql: no schema.sql, data only.")
    ] = False,
    split: Annotated[
        bool, typer.Option("--split", help="--format sql: one data file per table.")
    ] = False,
    sql_style: Annotated[
        str | None,
        typer.Option("--sql-style", metavar="insert|copy", help="--format sql: INSERT or COPY."),
    ] = None,
    to: ToOpt = None,
    truncate: TruncateOpt = False,
    defer_constraints: DeferOpt = False,
    progress: ProgressOpt = None,
    workers: Annotated[
        int | None,
        typer.Option(
            metavar="N",
            help="Processes making chunks (default: every core the run's size pays for); "
            "same bytes.",
        ),
    ] = None,
    shard: Annotated[
        str | None,
        typer.Option(metavar="I/N", help="Write only the I-th of N interleaved parts."),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(metavar="local|spark", help="spark: make the chunks in a Spark session."),
    ] = "local",
) -> None:
    """Generate deterministic, production-shaped fixtures from a profile (--to: load them)."""
    from synth import api
    from synth.generator.parallel import Execution

    execution = Execution.of(workers, shard)  # a bad --workers/--shard fails first
    if engine not in ("local", "spark"):
        raise UsageError(f"--engine {engine!r} is not an engine; choose local or spark")

    options: GenerateArgs = {
        "rows": rows,
        "scale": scale,
        "seed": seed,
        "tables": names(tables),
        "as_of": as_of,
        "min_trait_rows": min_trait_rows,
        "boost": boost,
    }
    if to is not None:
        if format != "parquet" or dialect or no_ddl or split or sql_style:
            raise UsageError(
                "--to loads the generated rows straight into a database; drop --format sql "
                "and its options, or generate SQL files without --to"
            )
        if engine != "local" or shard is not None:
            raise UsageError("--to generates on this machine, whole; drop --engine and --shard")
        with shown_warnings(), progress_display(progress) as on_progress:
            loaded = api.generate_into(
                profile,
                to,
                out=out,
                truncate=truncate,
                defer_constraints=defer_constraints,
                progress=on_progress,
                workers=execution.workers,
                **options,
            )
        _report_load(loaded, to)
        return
    if truncate or defer_constraints:
        raise UsageError("--truncate and --defer-constraints apply with --to URL only; add --to")
    out = out or Path("build/fixtures")
    if engine == "spark":
        _spark(profile, out, format, shard, options)
        return
    with shown_warnings(), progress_display(progress) as on_progress:
        manifest = api.write(
            profile,
            out,
            format=format,
            dialect=dialect,
            ddl=False if no_ddl else None,
            split=True if split else None,
            sql_style=sql_style,
            progress=on_progress,
            workers=execution.workers,
            shard=shard,
            **options,
        )
    total = sum(t.rows for t in manifest.tables.values())
    for key, table in manifest.tables.items():
        err(f"  {key:<32} {table.rows:>10,} rows")
    err(f"wrote {len(manifest.tables)} tables, {total:,} rows ({format}, seed {seed}) -> {out}")


def _spark(profile: Path, out: Path, format: str, shard: str | None, options: GenerateArgs) -> None:
    """``--engine spark``: the session ``SparkSession.builder`` gives (spark-submit's
    settings, or local mode), Parquet written by Spark."""
    if format != "parquet" or shard is not None:
        raise UsageError("--engine spark writes Parquet, whole; drop --format and --shard")
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError(
            "--engine spark needs PySpark: pip install 'synth-fixtures[spark]' (and a Java runtime)"
        ) from None
    import synth.spark

    out.mkdir(parents=True, exist_ok=True)
    session = SparkSession.builder.appName("synth").getOrCreate()
    with shown_warnings():
        rows = synth.spark.write(session, profile, out, **options)
    for key, n in rows.items():
        err(f"  {key:<32} {n:>10,} rows")
    err(f"wrote {len(rows)} tables, {sum(rows.values()):,} rows (parquet, spark) -> {out}")


def _report_load(loaded: dict[str, int], to: str) -> None:
    from synth.internal.urls import masked_url, parse_url

    for key, rows in loaded.items():
        err(f"  {key:<32} {rows:>10,} rows")
    total = sum(loaded.values())
    err(f"loaded {len(loaded)} tables, {total:,} rows -> {masked_url(parse_url(to))}")


def load(
    directory: Annotated[Path, typer.Argument(help="A Parquet fixture directory.")],
    to: Annotated[
        str,
        typer.Option("--to", metavar="URL", help="The database to load into (tables must exist)."),
    ],
    truncate: TruncateOpt = False,
    defer_constraints: DeferOpt = False,
    progress: ProgressOpt = None,
) -> None:
    """Load a fixture directory into a database, parents first, in one transaction."""
    from synth import api

    with shown_warnings(), progress_display(progress) as on_progress:
        loaded = api.load_into(
            directory,
            to,
            truncate=truncate,
            defer_constraints=defer_constraints,
            progress=on_progress,
        )
    _report_load(loaded, to)
