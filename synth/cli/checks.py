"""``synth expectations`` and ``synth diff``: trusting fixtures over time.

``expectations`` writes a profile's Great Expectations 1.x suites (and can validate a
fixture directory with them); ``diff`` compares a profile with a newer one, or with the
database re-profiled, and exits 1 when production drifted in a way that makes fixtures
generated from the old profile stale (0: no such drift; 2: an error, as every command).
Each command parses its options, calls one library function and renders what it returns.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from synth.checks.drift import ReportFormat
from synth.cli import _err, _names, app
from synth.errors import SynthWarning


@contextmanager
def synth_warnings() -> Iterator[None]:
    """Show the :class:`SynthWarning` raised inside as ``warning: ...`` lines on stderr, each
    once; other packages' warnings (a dependency's DeprecationWarning) are not synth's to
    show and are left out."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("ignore")
        warnings.simplefilter("always", SynthWarning)
        yield
    for warning in caught:
        _err(f"warning: {warning.message}")


@app.command()
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

    with synth_warnings():
        run = make_expectations(profile, name=name, rows=rows, out=out, fixtures=fixtures)
    if out is None:
        sys.stdout.write(dump_suite(run.suite))
    summary = run.summary()
    if summary:
        typer.echo(summary, err=True, nl=False)
    if run.exit_code:
        raise typer.Exit(run.exit_code)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The profile the fixtures come from.")],
    new: Annotated[
        str,
        typer.Argument(help="A newer profile file, or a database URL to re-profile now."),
    ],
    format: Annotated[
        ReportFormat,
        typer.Option("--format", "-f", help="text (terminal) or markdown (PR comment)."),
    ] = ReportFormat.TEXT,
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
) -> None:
    """Compare a profile with a newer one, or with the database now; exit 1 on drift that
    makes fixtures stale."""
    from synth.checks.drift import Thresholds
    from synth.checks.drift import diff as run_diff

    given = {
        "tables": _names(tables),
        "known_values": known_values,
        "segment_by": _names(segment_by),
        "as_of": as_of,
    }
    thresholds = Thresholds(null_fraction=null_threshold, trait_rate=trait_threshold)
    with synth_warnings():
        report = run_diff(
            old,
            new,
            thresholds=thresholds,
            profile_options={k: v for k, v in given.items() if v is not None},
        )
    typer.echo(report.render(format), nl=False)
    if report.exit_code:
        raise typer.Exit(report.exit_code)
