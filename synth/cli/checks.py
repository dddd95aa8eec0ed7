"""The commands that check fixtures and profiles: ``synth validate`` (fixtures against their
profile; exit 1 when out of tolerance, see ``docs/validate.md``), ``synth expectations``
(a profile's Great Expectations 1.x suites, optionally validating a fixture directory) and
``synth diff`` (a profile against a newer one or the database re-profiled; exit 1 on drift
that makes fixtures stale). Plain functions, registered by ``synth.cli``; 0 means fine, 1
the check failed, 2 an error, as for every command.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Literal

import typer

from synth.cli.common import ProgressOpt, names, shown_warnings
from synth.cli.progress import progress_display

__all__ = ["diff", "expectations", "validate"]

EXIT_OUT_OF_TOLERANCE = 1


def validate(
    profile: Annotated[Path, typer.Argument(help="The profile YAML file.")],
    fixtures: Annotated[Path, typer.Argument(help="A fixture directory (with manifest.json).")],
    tolerance: Annotated[
        list[str] | None,
        typer.Option(
            "--tolerance",
            metavar="NAME=VALUE",
            help="Override a tolerance (repeatable), e.g. null_fraction=0.05 (docs/validate.md).",
        ),
    ] = None,
    engine: Annotated[
        str,
        typer.Option(
            metavar="synth|gx", help="synth's own checks, or the Great Expectations suite."
        ),
    ] = "synth",
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the report as JSON (every check) instead.")
    ] = False,
    html: Annotated[
        Path | None,
        typer.Option("--html", metavar="PATH", help="Also write a self-contained HTML report."),
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="List every check, not only the failing ones.")
    ] = False,
    progress: ProgressOpt = None,
) -> None:
    """Compare fixtures with their profile, column by column; exit 1 when out of tolerance."""
    from synth import api
    from synth.checks.fidelity.text import validation_view
    from synth.cli.common import print_rich

    with progress_display(progress) as on_progress:
        report = api.validate(
            profile,
            fixtures,
            tolerances=tolerance or None,
            engine=engine,  # type: ignore[arg-type]
            progress=on_progress,
        )
    if html is not None:
        from synth.checks.fidelity.html import write_html

        write_html(report, html)
    if as_json:
        typer.echo(report.to_json(), nl=False)
    else:
        print_rich(validation_view(report, show_all=show_all))
    if html is not None:
        typer.echo(f"wrote {html}", err=True)
    if not report.ok:
        raise typer.Exit(EXIT_OUT_OF_TOLERANCE)


def expectations(
    profile: Annotated[Path, typer.Argument(help="The profile YAML file.")],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the suites JSON here (default: stdout)."),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(help="Prefix of each suite's name, '<name>.<table>' (default: file stem)."),
    ] = None,
    rows: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="The --rows fixtures are generated with: exact row counts, tolerances sized.",
        ),
    ] = None,
    fixtures: Annotated[
        Path | None,
        typer.Option(
            "--fixtures",
            metavar="DIR",
            help="Also validate this fixture directory in-process with GX (the gx extra).",
        ),
    ] = None,
) -> None:
    """Write a Great Expectations 1.x suite per table from a profile (portable JSON)."""
    from synth.checks.gx import dump_suite, make_expectations

    with shown_warnings(only_synth=True):
        run = make_expectations(profile, name=name, rows=rows, out=out, fixtures=fixtures)
    if out is None:
        sys.stdout.write(dump_suite(run.suite))
    summary = run.summary()
    if summary:
        typer.echo(summary, err=True, nl=False)
    if run.exit_code:
        raise typer.Exit(run.exit_code)


def diff(
    old: Annotated[Path, typer.Argument(help="The profile the fixtures come from.")],
    new: Annotated[
        str,
        typer.Argument(help="A newer profile file, or a database URL to re-profile now."),
    ],
    # the choices spelled here, not drift.report.ReportFormat: importing the drift report
    # for --help would load the profile model (pydantic)
    format: Annotated[
        Literal["text", "markdown"],
        typer.Option("--format", "-f", help="text (terminal) or markdown (PR comment)."),
    ] = "text",
    null_threshold: Annotated[
        float,
        typer.Option(
            "--null-threshold", metavar="SHARE", help="NULL share change that is drift (0.05)."
        ),
    ] = 0.05,
    trait_threshold: Annotated[
        float,
        typer.Option(
            "--trait-threshold",
            metavar="SHARE",
            help="Trait share change that is drift (0.05; or x2 and 0.005).",
        ),
    ] = 0.05,
    tables: Annotated[
        list[str] | None,
        typer.Option(
            "--tables", "-t", help="URL: re-profile these tables (default: those of OLD; '*': all)."
        ),
    ] = None,
    known_values: Annotated[
        Path | None,
        typer.Option("--known-values", metavar="FILE", help="URL: as 'synth profile' took it."),
    ] = None,
    segment_by: Annotated[
        list[str] | None,
        typer.Option("--segment-by", metavar="TABLE.COLUMN", help="URL: as 'synth profile'."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", metavar="TIME", help="URL: measure ages from this time (now)."),
    ] = None,
    progress: ProgressOpt = None,
) -> None:
    """Compare a profile with a newer one, or with the database now; exit 1 on drift that
    makes fixtures stale."""
    from synth import api
    from synth.checks.drift.report import Thresholds

    given = {
        "tables": names(tables),
        "known_values": known_values,
        "segment_by": names(segment_by),
        "as_of": as_of,
    }
    thresholds = Thresholds(null_fraction=null_threshold, trait_rate=trait_threshold)
    with shown_warnings(only_synth=True), progress_display(progress) as on_progress:
        if "://" in new:  # re-profiling a URL reports as synth profile does
            given["progress"] = on_progress
        report = api.diff(
            old,
            new,
            thresholds=thresholds,
            profile_options={k: v for k, v in given.items() if v is not None},
        )
    typer.echo(report.render(format), nl=False)
    if report.exit_code:
        raise typer.Exit(report.exit_code)
