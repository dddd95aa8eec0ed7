"""``synth expectations`` and ``synth diff``: trusting fixtures over time.

``expectations`` writes a profile's Great Expectations 1.x suites (and can validate a
fixture directory with them); ``diff`` compares a profile with a newer one, or with the
database re-profiled, and exits 1 when production drifted in a way that makes fixtures
generated from the old profile stale (0: no such drift; 2: an error, as every command).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from synth.cli import _err, _names, app

EXIT_DRIFT = 1
"""``synth diff`` exit status when fixtures are stale (and ``synth expectations
--fixtures`` when an expectation fails)."""


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
    from synth._profile_io import read_profile
    from synth.expectations import build_suite, dump_suite, run_suite, write_suite

    prof = read_profile(profile)
    suite = build_suite(prof, name=name or profile.stem, rows=rows)
    count = sum(len(s["expectations"]) for s in suite["suites"])
    if out is None:
        sys.stdout.write(dump_suite(suite))
    else:
        write_suite(suite, out)
        _err(f"wrote {len(suite['suites'])} suites, {count} expectations -> {out}")
    if fixtures is None:
        return
    from synth import api

    result = run_suite(prof, api.load(fixtures), rows=rows)
    for outcome in result.failures:
        where = f"{outcome.table}.{outcome.column}" if outcome.column else outcome.table
        _err(f"  FAILED {where}: {outcome.expectation}: {outcome.observed} ({outcome.note})")
    passed = len(result.outcomes) - len(result.failures)
    _err(f"{passed} of {len(result.outcomes)} expectations pass on {fixtures}")
    if not result.success:
        raise typer.Exit(EXIT_DRIFT)


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The profile the fixtures come from.")],
    new: Annotated[
        str,
        typer.Argument(help="A newer profile file, or a database URL to re-profile now."),
    ],
    format: Annotated[
        str, typer.Option("--format", "-f", help="text (terminal) or markdown (PR comment).")
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
) -> None:
    """Compare a profile with a newer one, or with the database now; exit 1 on drift that
    makes fixtures stale."""
    import warnings

    from synth.drift import Thresholds
    from synth.drift import diff as run_diff
    from synth.errors import UsageError

    if format not in ("text", "markdown"):
        raise UsageError(f"--format={format!r} must be text or markdown")
    options: dict[str, object] = {}
    if tables:
        options["tables"] = _names(tables)
    if known_values is not None:
        options["known_values"] = known_values
    if segment_by:
        options["segment_by"] = _names(segment_by)
    if as_of is not None:
        options["as_of"] = as_of
    if "://" not in new and options:
        raise UsageError(
            "--tables, --known-values, --segment-by and --as-of apply when NEW is a database "
            "URL; drop them, or pass a URL"
        )
    thresholds = Thresholds(null_fraction=null_threshold, trait_rate=trait_threshold)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        report = run_diff(old, new, thresholds=thresholds, profile_options=options)
    for warning in caught:
        _err(f"warning: {warning.message}")
    typer.echo(report.render(format), nl=False)
    if report.stale:
        raise typer.Exit(EXIT_DRIFT)
