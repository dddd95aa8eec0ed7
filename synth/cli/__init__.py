"""The ``synth`` command. Each command parses options, calls one library function and
renders the result; errors a user can cause arrive as :class:`SynthError` and are
printed as one line on stderr with exit status 2, never as a traceback."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Annotated

import typer

from synth import api
from synth.errors import SynthError, UsageError
from synth.model.io import dump_profile, read_profile, write_profile

app = typer.Typer(
    name="synth",
    help="Production-shaped test fixtures: profile a database, generate dirty datasets, load them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

EXIT_ERROR = 2


def _names(values: list[str] | None) -> list[str] | None:
    """Options that take names accept repeats and comma-separated lists."""
    if not values:
        return None
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def _err(message: str) -> None:
    typer.echo(message, err=True)


def _version(value: bool) -> None:
    if value:
        from synth import __version__

        typer.echo(f"synth {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """Production-shaped test fixtures: profile a database, generate dirty datasets, load them."""


TablesOpt = Annotated[
    list[str] | None,
    typer.Option("--tables", "-t", help="Only these tables (comma-separated or repeated)."),
]


ToOpt = Annotated[
    str | None,
    typer.Option(
        "--to", metavar="URL", help="Load the rows into this database (tables must exist)."
    ),
]
TruncateOpt = Annotated[
    bool,
    typer.Option("--truncate", help="Empty the target tables first (in the same transaction)."),
]
DeferOpt = Annotated[
    bool,
    typer.Option(
        "--defer-constraints",
        help="Load rows without a parent row as they are (foreign key checks off; not PostgreSQL).",
    ),
]


@app.command()
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
) -> None:
    """Profile a database (statistics computed inside it) or files into a YAML profile."""
    target: str | list[str] | None = source
    if source and len(source) == 1 and "://" in source[0]:
        target = source[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = api.profile(
            target,
            schema=schema,
            tables=_names(tables),
            exclude=_names(exclude),
            known_values=known_values,
            legacy_after=legacy_after,
            time_columns=_names(time_column),
            segment_by=_names(segment_by),
            as_of=as_of,
            min_count=min_count,
            pii=_names(pii),
            not_pii=_names(not_pii),
            epsilon=epsilon,
            statement_timeout=statement_timeout,
            sample=sample,
        )
    for warning in caught:
        _err(f"warning: {warning.message}")
    if out is None:
        sys.stdout.write(dump_profile(result))
        return
    write_profile(result, out)
    columns = sum(len(t.columns) for t in result.tables)
    _err(f"profiled {len(result.tables)} tables, {columns} columns -> {out}")


@app.command()
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
) -> None:
    """Generate deterministic, production-shaped fixtures from a profile (--to: load them)."""
    common = {
        "rows": rows,
        "scale": scale,
        "seed": seed,
        "tables": _names(tables),
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
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            loaded = api.generate_into(
                profile,
                to,
                **common,
                out=out,
                truncate=truncate,
                defer_constraints=defer_constraints,
            )
        _report_load(caught, loaded, to)
        return
    if truncate or defer_constraints:
        raise UsageError("--truncate and --defer-constraints apply with --to URL only; add --to")
    out = out or Path("build/fixtures")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        manifest = api.write(
            profile,
            out,
            format=format,
            **common,
            dialect=dialect,
            ddl=False if no_ddl else None,
            split=True if split else None,
            sql_style=sql_style,
        )
    for warning in caught:
        _err(f"warning: {warning.message}")
    total = sum(t.rows for t in manifest.tables.values())
    for key, table in manifest.tables.items():
        _err(f"  {key:<32} {table.rows:>10,} rows")
    _err(f"wrote {len(manifest.tables)} tables, {total:,} rows ({format}, seed {seed}) -> {out}")


def _report_load(caught: list[warnings.WarningMessage], loaded: dict[str, int], to: str) -> None:
    from synth.internal.urls import masked_url, parse_url

    for warning in caught:
        _err(f"warning: {warning.message}")
    for key, rows in loaded.items():
        _err(f"  {key:<32} {rows:>10,} rows")
    total = sum(loaded.values())
    _err(f"loaded {len(loaded)} tables, {total:,} rows -> {masked_url(parse_url(to))}")


@app.command()
def load(
    directory: Annotated[Path, typer.Argument(help="A Parquet fixture directory.")],
    to: Annotated[
        str,
        typer.Option("--to", metavar="URL", help="The database to load into (tables must exist)."),
    ],
    truncate: TruncateOpt = False,
    defer_constraints: DeferOpt = False,
) -> None:
    """Load a fixture directory into a database, parents first, in one transaction."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        loaded = api.load_into(
            directory, to, truncate=truncate, defer_constraints=defer_constraints
        )
    _report_load(caught, loaded, to)


@app.command()
def show(profile: Annotated[Path, typer.Argument(help="The profile YAML file.")]) -> None:
    """Summarise a profile: tables, rows, columns, and what is notable."""
    from synth.review.show import render_profile

    typer.echo(render_profile(read_profile(profile)))


@app.command()
def traits(profile: Annotated[Path, typer.Argument(help="The profile YAML file.")]) -> None:
    """List every production shape in a profile: where, which trait, how often, its shape."""
    from synth.review.traits_view import render_traits

    typer.echo(render_traits(read_profile(profile)), nl=False)


@app.command()
def audit(profile: Annotated[Path, typer.Argument(help="The profile YAML file.")]) -> None:
    """List every literal value in a profile and why it may be there; fail on any that may not."""
    from synth.review.audit import audit_profile

    report = audit_profile(read_profile(profile))
    typer.echo(report.render(), nl=False)
    report.check(str(profile))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the profile file format."""
    from synth.review.show import profile_json_schema

    typer.echo(profile_json_schema())


# Commands that live in their own modules register themselves on `app` when imported.
from synth.cli import checks, validate  # noqa: E402, F401

_ParseError: type[Exception] = typer.BadParameter.__mro__[1]
"""Click's ``UsageError`` (typer exports only its subclass): every unknown flag, missing
argument or value of the wrong type."""


def main() -> None:
    """Console entry point."""
    try:
        code = app(standalone_mode=False)
    except _ParseError as exc:  # a bad flag or value: one line, like our own errors
        ctx = getattr(exc, "ctx", None)
        where = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        _err(f"synth: error: {exc.format_message()}{where}")  # type: ignore[attr-defined]
        sys.exit(EXIT_ERROR)
    except typer.Abort:
        _err("synth: interrupted; nothing was written")
        sys.exit(130)
    except SynthError as exc:
        _err(f"synth: error: {exc}")
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        _err("synth: interrupted; nothing was written")
        sys.exit(130)
    if code == 130:  # Ctrl-C, turned into an exit code by typer
        _err("synth: interrupted; nothing was written")
    if isinstance(code, int) and code:
        sys.exit(code)
