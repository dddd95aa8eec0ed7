"""``synth validate``'s report for a terminal: failures first (with what to look at), then
one line per table, then the verdict. Rich tables (:func:`validation_view`), or the same as
plain text (:func:`render_text`)."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from synth.checks.fidelity.report import Check, ValidationReport
from synth.internal.text import grid, plain_text

__all__ = ["render_text", "validation_view"]


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _checks_table(checks: list[Check]) -> RenderableType:
    table = grid(
        "", "where", "check", "subject", "profile", "fixture", "distance", "tolerance",
        right=("distance", "tolerance"),
    )  # fmt: skip
    for c in checks:
        table.add_row(
            Text("ok", style="green") if c.ok else Text("FAIL", style="bold red"),
            c.where,
            c.check,
            c.subject or "-",
            _cell(c.expected),
            _cell(c.observed),
            _cell(c.distance),
            _cell(c.tolerance),
        )
    return table


def _tables_table(report: ValidationReport) -> RenderableType:
    table = grid("table", "rows", "columns", "status", right=("rows", "columns"))
    for t in report.tables:
        bad = sorted({c.key for c in t.columns if not c.ok})
        bad += ["(table)"] if not all(c.ok for c in t.checks) else []
        status = (
            Text(f"{len(bad)} failing: {', '.join(bad)}", style="red")
            if bad
            else Text("ok", style="green")
        )
        table.add_row(t.table, f"{t.rows:,}", str(len(t.columns)), status)
    return table


def validation_view(report: ValidationReport, *, show_all: bool = False) -> Group:
    """Failures first (every check with ``show_all``), with what to look at, then a table
    of the tables, notes, and the verdict."""
    parts: list[RenderableType] = []
    failures = list(report.failures)
    shown = sorted(report.checks, key=lambda c: c.ok) if show_all else failures
    if shown:
        parts.append(_checks_table(shown))
        notes = [
            f"  {c.where} {c.check} {c.subject}: {c.note}".rstrip() for c in failures if c.note
        ]
        if notes:
            parts += ["", *notes]
        parts.append("")
    parts.append(_tables_table(report))
    parts += [f"  note: {note}" for note in report.notes]
    if report.digest_matches is False:
        parts.append("  note: the manifest names another profile digest than this profile's")
    checks = report.checks
    columns = sorted({c.where for c in failures})
    if report.ok:
        verdict = Text(
            f"ok: {len(checks)} checks within tolerance ({report.engine} engine)",
            style="bold green",
        )
    else:
        verdict = Text(
            f"FAILED: {len(failures)} of {len(checks)} checks out of tolerance in "
            f"{len(columns)} columns: {', '.join(columns)}",
            style="bold red",
        )
    parts.append(verdict)
    return Group(*parts)


def render_text(report: ValidationReport, *, show_all: bool = False) -> str:
    """:func:`validation_view` as plain text."""
    return plain_text(validation_view(report, show_all=show_all))
