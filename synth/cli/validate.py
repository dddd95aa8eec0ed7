"""``synth validate``: the profile's statistics next to the fixture's; exit 1 when out of
tolerance (see ``docs/validate.md``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from synth.cli import app

if TYPE_CHECKING:
    from synth.checks.fidelity import Check, ValidationReport

EXIT_OUT_OF_TOLERANCE = 1


@app.command()
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
) -> None:
    """Compare fixtures with their profile, column by column; exit 1 when out of tolerance."""
    from synth.checks.fidelity import validate as run_validate

    report = run_validate(profile, fixtures, tolerances=tolerance or None, engine=engine)  # type: ignore[arg-type]
    if html is not None:
        from synth.checks.fidelity.html import write_html

        write_html(report, html)
    if as_json:
        typer.echo(report.to_json(), nl=False)
    else:
        typer.echo(render_text(report, show_all=show_all), nl=False)
    if html is not None:
        typer.echo(f"wrote {html}", err=True)
    if not report.ok:
        raise typer.Exit(EXIT_OUT_OF_TOLERANCE)


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _rows(checks: list[Check]) -> list[str]:
    head = ("", "where", "check", "subject", "profile", "fixture", "distance", "tolerance")
    rows = [head]
    for c in checks:
        rows.append(
            (
                "ok" if c.ok else "FAIL",
                c.where,
                c.check,
                c.subject or "-",
                _cell(c.expected),
                _cell(c.observed),
                _cell(c.distance),
                _cell(c.tolerance),
            )
        )
    widths = [min(max(len(r[i]) for r in rows), 48) for i in range(len(head))]
    out = []
    for r in rows:
        cells = [r[i][: widths[i]].ljust(widths[i]) for i in range(len(head))]
        out.append("  ".join(cells).rstrip())
    return out


def render_text(report: ValidationReport, *, show_all: bool = False) -> str:
    """Failures first (with what to look at), then one line per table, then the verdict."""
    lines: list[str] = []
    failures = list(report.failures)
    shown = list(report.checks) if show_all else failures
    if shown:
        lines += _rows(sorted(shown, key=lambda c: c.ok) if show_all else shown)
        notes = [
            f"  {c.where} {c.check} {c.subject}: {c.note}".rstrip() for c in failures if c.note
        ]
        if notes:
            lines += ["", *notes]
        lines.append("")
    for table in report.tables:
        bad = sorted({c.key for c in table.columns if not c.ok})
        bad += ["(table)"] if not all(c.ok for c in table.checks) else []
        status = f"{len(bad)} failing: {', '.join(bad)}" if bad else "ok"
        lines.append(
            f"  {table.table:<28} {table.rows:>9,} rows  {len(table.columns):>3} columns  {status}"
        )
    for note in report.notes:
        lines.append(f"  note: {note}")
    if report.digest_matches is False:
        lines.append("  note: the manifest names another profile digest than this profile's")
    checks = report.checks
    columns = sorted({c.where for c in failures})
    if report.ok:
        verdict = f"ok: {len(checks)} checks within tolerance ({report.engine} engine)"
    else:
        verdict = (
            f"FAILED: {len(failures)} of {len(checks)} checks out of tolerance in "
            f"{len(columns)} columns: {', '.join(columns)}"
        )
    lines.append(verdict)
    return "\n".join(lines) + "\n"
