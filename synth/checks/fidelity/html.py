"""``synth validate --html``: one self-contained page, one plot per column.

Inline CSS and inline SVG drawn here; no script, no font, no image and no URL of any
kind, so the page opens offline and makes no request. Each column is a
``<figure class="plot" data-column="table.column">``: the NULL share and frequent values
as paired bars (profile above, fixture below), percentiles as two box plots on one axis,
and each trait's share as paired bars. Failing columns are outlined in red and listed at
the top with links to their plots.
"""

from __future__ import annotations

import dataclasses
import html
import os
from pathlib import Path

from synth.checks.fidelity.report import Check, ColumnReport, QuantilePoint, ValidationReport
from synth.internal.files import write_text_atomic

__all__ = ["render_html", "write_html"]

PROFILE_COLOUR = "#4c72b0"
FIXTURE_COLOUR = "#dd8452"
WIDTH = 420
MAX_BARS = 14

_CSS = """
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222;
background:#fafafa}
h1{font-size:22px;margin:0 0 8px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ccc}
.verdict{padding:10px 14px;border-radius:6px;font-weight:600;margin:8px 0 16px}
.verdict.ok{background:#e3f4e6;color:#1d6b2c}.verdict.fail{background:#fde3e3;color:#9b1c1c}
.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px;vertical-align:-1px}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(440px,1fr));gap:14px}
figure.plot{margin:0;background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px}
figure.plot.fail{border:2px solid #c62828;background:#fff7f7}
figcaption{font-weight:600;margin-bottom:6px}figcaption .t{color:#777;font-weight:400}
.badge{float:right;font-size:12px;padding:1px 8px;border-radius:10px}
.badge.ok{background:#e3f4e6;color:#1d6b2c}.badge.fail{background:#c62828;color:#fff}
table.checks{border-collapse:collapse;font-size:12px;width:100%;margin-top:6px}
table.checks td,table.checks th{padding:2px 4px;border-top:1px solid #eee;text-align:left}
tr.fail td{color:#9b1c1c;font-weight:600}
ul.failures li{margin:2px 0}a{color:#1f4e9c}
table.tol{border-collapse:collapse;font-size:13px}table.tol td{padding:1px 10px 1px 0}
svg text{font:11px system-ui,sans-serif;fill:#333}.muted{color:#777;font-size:12px}
"""


def write_html(report: ValidationReport, path: str | os.PathLike[str]) -> Path:
    """Write the report page to ``path`` (atomically: a temporary file, then a rename)."""
    return write_text_atomic(
        path, render_html(report), what="the HTML report", fix="choose a writable path with --html"
    )


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def render_html(report: ValidationReport) -> str:
    failing = [c for c in report.columns if not c.ok]
    loose = [c for t in report.tables for c in t.checks if not c.ok]
    checks = report.checks
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>synth validate: {_e(report.profile)}</title>",
        f"<style>{_CSS}</style></head><body>",
        "<h1>Fixture fidelity</h1>",
        f'<div class="muted">profile {_e(report.profile)} &middot; fixtures '
        f"{_e(report.fixtures)} &middot; engine {_e(report.engine)}</div>",
    ]
    if report.ok:
        parts.append(
            f'<div class="verdict ok">ok: {len(checks)} checks within tolerance, '
            f"{len(report.columns)} columns</div>"
        )
    else:
        parts.append(
            f'<div class="verdict fail">FAILED: {len(report.failures)} of {len(checks)} checks '
            f"out of tolerance in {len(failing)} columns</div>"
        )
        parts.append('<h2 id="failures">Out of tolerance</h2><ul class="failures">')
        for col in failing:
            what = "; ".join(_failure_text(c) for c in col.checks if not c.ok)
            parts.append(f'<li><a href="#{_anchor(col.key)}">{_e(col.key)}</a>: {_e(what)}</li>')
        for c in loose:
            parts.append(f"<li>{_e(c.where)}: {_e(_failure_text(c))}</li>")
        parts.append("</ul>")
    parts.append(
        f'<div class="legend">Bars and boxes: <span style="background:{PROFILE_COLOUR}">'
        f'</span>profile <span style="background:{FIXTURE_COLOUR}"></span>fixture</div>'
    )
    for note in report.notes:
        parts.append(f'<div class="muted">note: {_e(note)}</div>')
    for table in report.tables:
        parts.append(
            f'<h2 id="{_anchor(table.table)}">{_e(table.table)} '
            f'<span class="muted">{table.rows:,} rows in the fixture, '
            f"{table.profile_rows:,} profiled</span></h2>"
        )
        if table.checks:
            parts.append(_checks_table(table.checks))
        parts.append('<div class="grid">')
        parts += [_figure(col) for col in table.columns]
        parts.append("</div>")
    parts.append('<h2>Tolerances</h2><table class="tol">')
    for field in dataclasses.fields(report.tolerances):
        value = getattr(report.tolerances, field.name)
        parts.append(f"<tr><td>{_e(field.name)}</td><td>{value:g}</td></tr>")
    parts.append("</table>")
    parts.append(
        '<p class="muted">A check passes when its distance is at most max(tolerance, noise '
        "&times; standard error for the fixture's row count). See docs/validate.md.</p>"
    )
    parts.append("</body></html>\n")
    return "\n".join(parts)


def _anchor(key: str) -> str:
    return "c-" + "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in key)


def _failure_text(c: Check) -> str:
    subject = f" {c.subject}" if c.subject else ""
    if c.distance is None:
        return f"{c.check}{subject}: expected {c.expected}, got {c.observed}"
    return (
        f"{c.check}{subject}: profile {c.expected}, fixture {c.observed} "
        f"(distance {c.distance:.4f} > {c.tolerance:.4f})"
    )


def _cell(value: object) -> str:
    if value is None:
        return "&ndash;"
    if isinstance(value, float):
        return f"{value:.4f}"
    return _e(value)


def _checks_table(checks: tuple[Check, ...]) -> str:
    rows = [
        '<table class="checks"><tr><th></th><th>check</th><th>profile</th><th>fixture</th>'
        "<th>dist.</th><th>tol.</th></tr>"
    ]
    for c in checks:
        name = f"{c.check} {c.subject}".strip()
        title = f' title="{_e(c.note)}"' if c.note else ""
        rows.append(
            f'<tr class="{"ok" if c.ok else "fail"}"{title}><td>{"ok" if c.ok else "FAIL"}</td>'
            f"<td>{_e(name)}</td><td>{_cell(c.expected)}</td><td>{_cell(c.observed)}</td>"
            f"<td>{_cell(c.distance)}</td><td>{_cell(c.tolerance)}</td></tr>"
        )
    rows.append("</table>")
    return "".join(rows)


def _figure(col: ColumnReport) -> str:
    state = "ok" if col.ok else "fail"
    failed = sum(1 for c in col.checks if not c.ok)
    badge = "ok" if col.ok else f"{failed} failing"
    body = []
    shares: list[tuple[str, float, float, bool]] = []
    if col.null is not None and (col.null[0] > 0 or col.null[1] > 0):
        null_ok = all(c.ok for c in col.checks if c.check == "null_fraction")
        shares.append(("(NULL)", col.null[0], col.null[1], null_ok))
    freq_ok = all(c.ok for c in col.checks if c.check == "frequencies")
    values = list(col.values)
    if len(values) > MAX_BARS:
        rest = values[MAX_BARS - 1 :]
        values = values[: MAX_BARS - 1]
        label = f"({len(rest)} more)"
        values.append(
            type(rest[0])(label, sum(v.expected for v in rest), sum(v.observed for v in rest))
        )
    shares += [(v.label, v.expected, v.observed, freq_ok) for v in values]
    if shares:
        body.append(_bars("share of rows", shares, shared_scale=True))
    if col.quantiles:
        ok = all(c.ok for c in col.checks if c.check in ("quantiles", "lengths"))
        title = "character length" if col.quantile_kind == "lengths" else "values"
        body.append(_boxes(title, col.quantiles, col.axis, ok))
    if col.traits:
        rows = [(t.label, t.expected, t.observed, t.ok) for t in col.traits]
        body.append(_bars("traits (share of rows)", rows, shared_scale=False))
    if not body:
        body.append(_empty(col))
    return (
        f'<figure class="plot {state}" id="{_anchor(col.key)}" data-column="{_e(col.key)}">'
        f'<figcaption>{_e(col.column)} <span class="t">{_e(col.type)}</span>'
        f'<span class="badge {state}">{_e(badge)}</span></figcaption>'
        + "".join(body)
        + (_checks_table(col.checks) if col.checks else "")
        + "</figure>"
    )


def _empty(col: ColumnReport) -> str:
    text = "not in the fixture" if col.null is None and col.checks else "nothing to compare"
    if col.type == "opaque":
        text = "opaque type: generated as NULL, not compared"
    return (
        f'<svg width="{WIDTH}" height="30" role="img" aria-label="{_e(text)}">'
        f'<text x="4" y="19">{_e(text)}</text></svg>'
    )


def _pct(x: float) -> str:
    if x == 0:
        return "0"
    if x < 0.001:
        return f"{x:.3%}"
    return f"{x:.1%}" if x < 0.995 else f"{x:.0%}"


def _bars(title: str, rows: list[tuple[str, float, float, bool]], *, shared_scale: bool) -> str:
    """Paired horizontal bars: profile (top) and fixture (bottom) per row. Shares use one
    scale; traits each their own (a 0.1% trait next to an 80% one stays visible)."""
    label_w, bar_w, row_h = 150, WIDTH - 150 - 70, 22
    height = 18 + row_h * len(rows)
    top = max([max(e, o) for _, e, o, _ in rows] + [1e-9])
    out = [
        f'<svg width="{WIDTH}" height="{height}" role="img" aria-label="{_e(title)}">',
        f'<text x="0" y="11" style="font-weight:600">{_e(title)}</text>',
    ]
    for i, (label, expected, observed, ok) in enumerate(rows):
        y = 18 + i * row_h
        scale = top if shared_scale else max(expected, observed, 1e-9)
        shown = label if len(label) <= 24 else label[:23] + "\u2026"
        colour = "#333" if ok else "#c62828"
        out.append(
            f'<text x="0" y="{y + 13}" style="fill:{colour}">{_e(shown)}<title>{_e(label)}'
            "</title></text>"
        )
        for j, (value, fill) in enumerate(((expected, PROFILE_COLOUR), (observed, FIXTURE_COLOUR))):
            w = max(0.0, bar_w * value / scale)
            yy = y + 2 + j * 9
            out.append(
                f'<rect x="{label_w}" y="{yy}" width="{w:.1f}" height="8" fill="{fill}">'
                f"<title>{'profile' if j == 0 else 'fixture'} {_pct(value)}</title></rect>"
            )
            out.append(f'<text x="{label_w + w + 4:.1f}" y="{yy + 8}">{_pct(value)}</text>')
    out.append("</svg>")
    return "".join(out)


def _boxes(title: str, points: tuple[QuantilePoint, ...], axis: str, ok: bool) -> str:
    """Two box plots on one axis: whiskers p05..p95, box p25..p75, median, dots at
    p01/p10/p90/p99; min and max as text (they are k-th extremes and sentinels)."""
    from synth.checks.fidelity.measure import axis_text

    inner = [p for p in points if p.name not in ("min", "max")]
    if not inner:
        inner = list(points)
    values = [p.expected for p in inner] + [p.observed for p in inner if p.observed is not None]
    lo, hi = min(values), max(values)
    if hi <= lo:
        lo, hi = lo - 1.0, hi + 1.0
    pad = (hi - lo) * 0.04
    lo, hi = lo - pad, hi + pad
    left, right = 62, WIDTH - 12

    def x(v: float) -> float:
        return left + (min(max(v, lo), hi) - lo) / (hi - lo) * (right - left)

    out = [
        f'<svg width="{WIDTH}" height="112" role="img" aria-label="{_e(title)}">',
        f'<text x="0" y="11" style="font-weight:600;fill:{"#333" if ok else "#c62828"}">'
        f"{_e(title)}</text>",
    ]
    for row, (name, colour, get) in enumerate(
        (
            ("profile", PROFILE_COLOUR, lambda p: p.expected),
            ("fixture", FIXTURE_COLOUR, lambda p: p.observed),
        )
    ):
        at = {p.name: get(p) for p in points if get(p) is not None}
        cy = 32 + row * 30
        out.append(f'<text x="0" y="{cy + 4}">{name}</text>')
        if "p05" in at and "p95" in at:
            out.append(
                f'<line x1="{x(at["p05"]):.1f}" x2="{x(at["p95"]):.1f}" y1="{cy}" y2="{cy}" '
                f'stroke="{colour}" stroke-width="2"/>'
            )
        if "p25" in at and "p75" in at:
            x0, x1 = x(at["p25"]), x(at["p75"])
            out.append(
                f'<rect x="{x0:.1f}" y="{cy - 8}" width="{max(x1 - x0, 1.5):.1f}" height="16" '
                f'fill="{colour}" fill-opacity="0.35" stroke="{colour}"/>'
            )
        if "p50" in at:
            out.append(
                f'<line x1="{x(at["p50"]):.1f}" x2="{x(at["p50"]):.1f}" y1="{cy - 9}" '
                f'y2="{cy + 9}" stroke="{colour}" stroke-width="3"/>'
            )
        for name_ in ("p01", "p10", "p90", "p99"):
            if name_ in at:
                out.append(
                    f'<circle cx="{x(at[name_]):.1f}" cy="{cy}" r="2.6" fill="{colour}">'
                    f"<title>{name_} {_e(axis_text(at[name_], axis))}</title></circle>"
                )
    out.append(f'<line x1="{left}" x2="{right}" y1="86" y2="86" stroke="#999"/>')
    for i in range(3):
        v = lo + (hi - lo) * (0.1 + 0.4 * i)
        anchor = ("start", "middle", "end")[i]
        out.append(f'<line x1="{x(v):.1f}" x2="{x(v):.1f}" y1="86" y2="90" stroke="#999"/>')
        out.append(
            f'<text x="{x(v):.1f}" y="101" text-anchor="{anchor}">{_e(tick[:10])}</text>'
            if (tick := axis_text(v, axis)) and axis == "datetime"
            else f'<text x="{x(v):.1f}" y="101" text-anchor="{anchor}">{_e(tick)}</text>'
        )
    ext = {p.name: p for p in points}
    if "min" in ext and "max" in ext:
        text = (
            f"min/max profile {axis_text(ext['min'].expected, axis)} .. "
            f"{axis_text(ext['max'].expected, axis)}; fixture "
            f"{axis_text(ext['min'].observed, axis)} .. {axis_text(ext['max'].observed, axis)}"
        )
        out.append(f'<text x="0" y="111" class="muted" style="fill:#777">{_e(text)}</text>')
    out.append("</svg>")
    return "".join(out)
