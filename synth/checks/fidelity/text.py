"""``synth validate``'s report for a terminal: failures first (with what to look at), then
one line per table, then the verdict."""

from __future__ import annotations

from synth.checks.fidelity.report import Check, ValidationReport

__all__ = ["render_text"]


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
