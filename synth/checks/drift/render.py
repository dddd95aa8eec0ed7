"""Rendering a :class:`~synth.checks.drift.DriftReport`: a terminal listing and a pull-request
comment in Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from synth.checks.drift import Change, DriftReport

__all__ = ["render_markdown", "render_text"]

FIX = "regenerate the fixtures from a fresh profile: synth profile URL --out PROFILE"


def render_text(report: DriftReport) -> str:
    """Aligned lines: stale changes first (``!``), informational after (``·``)."""
    lines = [f"synth diff {report.old} -> {report.new}", report.headline]
    if report.changes:
        width = min(40, max(len(c.where) for c in report.changes))
        lines.append("")
        for change in report.changes:
            mark = "!" if change.stale else "·"
            lines.append(f"  {mark} {change.where:<{width}}  {change.message}  [{change.kind}]")
    if report.stale:
        stale = sum(c.stale for c in report.changes)
        lines += ["", f"{stale} change(s) make the fixtures stale; {FIX}"]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _row(change: Change) -> str:
    flag = "**stale**" if change.stale else "info"
    return f"| {flag} | `{_cell(change.where)}` | {_cell(change.message)} | `{change.kind}` |"


def render_markdown(report: DriftReport) -> str:
    """A pull-request comment: headline, then a table of changes (stale first)."""
    title = "fixtures are stale" if report.stale else "no drift"
    out = [f"### synth diff: {title}", ""]
    out.append(f"`{_cell(report.old)}` → `{_cell(report.new)}`")
    out.append("")
    stale = [c for c in report.changes if c.stale]
    if stale:
        first = stale[0]
        out.append(f"**{_cell(first.message)}** in `{first.where}`")
        out.append("")
    elif report.changes:
        out += [f"{report.headline}.", ""]
    else:
        out += ["No drift: production still has the shapes the fixtures were made from.", ""]
    if report.changes:
        out += ["| | where | change | kind |", "|---|---|---|---|"]
        out += [_row(c) for c in report.changes]
        out.append("")
    if report.stale:
        out.append(f"{len(stale)} change(s) make the fixtures stale: {FIX}.")
        out.append("")
    return "\n".join(out)
