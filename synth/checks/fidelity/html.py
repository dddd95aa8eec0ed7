"""``synth validate --html``: one self-contained page, one plot per column.

The page is the Jinja2 template ``templates/report.html.j2`` (inline CSS and inline SVG;
no script, no font, no image and no URL of any kind, so it opens offline and makes no
request); this module turns the report into the plain values the template lays out.
Each column is a ``<figure class="plot" data-column="table.column">``: the NULL share and
frequent values as paired bars (profile above, fixture below; HTML, so long labels wrap
instead of being cut), percentiles as two box plots on one axis (an SVG that scales with
its card), each trait's share as paired bars, and the column's checks. Failing columns are
outlined in red and listed at the top with links to their plots. The layout reflows from
a wide screen to a phone's width without text leaving its card.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from synth.checks.fidelity.report import Check, ColumnReport, QuantilePoint, ValidationReport
from synth.internal.files import write_text_atomic

__all__ = ["render_html", "write_html"]

PROFILE_COLOUR = "#4c72b0"
FIXTURE_COLOUR = "#dd8452"
WIDTH = 420
"""Width of a box plot's SVG coordinates (it is drawn at its card's width)."""
MAX_BARS = 14


def write_html(report: ValidationReport, path: str | os.PathLike[str]) -> Path:
    """Write the report page to ``path`` (atomically: a temporary file, then a rename)."""
    return write_text_atomic(
        path, render_html(report), what="the HTML report", fix="choose a writable path with --html"
    )


def render_html(report: ValidationReport) -> str:
    """The report as one self-contained HTML page."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("synth.checks.fidelity", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template("report.html.j2").render(page(report))


def page(report: ValidationReport) -> dict[str, Any]:
    """What the template shows, as plain values (text is escaped by the template)."""
    failing = [
        {"where": col.key, "anchor": _anchor(col.key), "what": _failures(col.checks)}
        for col in report.columns
        if not col.ok
    ]
    failing += [
        {"where": c.where, "anchor": None, "what": _failure_text(c)}
        for t in report.tables
        for c in t.checks
        if not c.ok
    ]
    return {
        "profile": report.profile,
        "fixtures": report.fixtures,
        "engine": report.engine,
        "ok": report.ok,
        "checks": len(report.checks),
        "failures": len(report.failures),
        "columns": len(report.columns),
        "failing": failing,
        "notes": report.notes,
        "profile_colour": PROFILE_COLOUR,
        "fixture_colour": FIXTURE_COLOUR,
        "tables": [
            {
                "name": t.table,
                "anchor": _anchor(t.table),
                "rows": f"{t.rows:,}",
                "profile_rows": f"{t.profile_rows:,}",
                "checks": [_check_row(c) for c in t.checks],
                "columns": [_figure(col) for col in t.columns],
            }
            for t in report.tables
        ],
        "tolerances": [
            (f.name, f"{getattr(report.tolerances, f.name):g}")
            for f in dataclasses.fields(report.tolerances)
        ],
    }


def _anchor(key: str) -> str:
    return "c-" + "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in key)


def _failures(checks: tuple[Check, ...]) -> str:
    return "; ".join(_failure_text(c) for c in checks if not c.ok)


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
        return "\u2013"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _check_row(c: Check) -> dict[str, Any]:
    return {
        "ok": c.ok,
        "name": f"{c.check} {c.subject}".strip(),
        "note": c.note,
        "expected": _cell(c.expected),
        "observed": _cell(c.observed),
        "distance": _cell(c.distance),
        "tolerance": _cell(c.tolerance),
    }


def _figure(col: ColumnReport) -> dict[str, Any]:
    failed = sum(1 for c in col.checks if not c.ok)
    bars = []
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
        bars.append(_bars("share of rows", shares, shared_scale=True))
    if col.traits:
        rows = [(t.label, t.expected, t.observed, t.ok) for t in col.traits]
        bars.append(_bars("traits (share of rows)", rows, shared_scale=False))
    box = None
    if col.quantiles:
        ok = all(c.ok for c in col.checks if c.check in ("quantiles", "lengths"))
        title = "character length" if col.quantile_kind == "lengths" else "values"
        box = _boxes(title, col.quantiles, col.axis, ok)
    return {
        "key": col.key,
        "anchor": _anchor(col.key),
        "column": col.column,
        "type": col.type,
        "ok": col.ok,
        "badge": "ok" if col.ok else f"{failed} failing",
        "bars": bars,
        "box": box,
        "empty": None if bars or box else _empty(col),
        "checks": [_check_row(c) for c in col.checks],
    }


def _empty(col: ColumnReport) -> str:
    if col.type == "opaque":
        return "opaque type: generated as NULL, not compared"
    return "not in the fixture" if col.null is None and col.checks else "nothing to compare"


def _pct(x: float) -> str:
    if x == 0:
        return "0"
    if x < 0.001:
        return f"{x:.3%}"
    return f"{x:.1%}" if x < 0.995 else f"{x:.0%}"


def _bars(
    title: str, rows: list[tuple[str, float, float, bool]], *, shared_scale: bool
) -> dict[str, Any]:
    """Paired bars: profile (top) and fixture (bottom) per row, widths in percent of the
    track. Shares use one scale; traits each their own (a 0.1% trait next to an 80% one
    stays visible)."""
    top = max([max(e, o) for _, e, o, _ in rows] + [1e-9])
    out = []
    for label, expected, observed, ok in rows:
        scale = top if shared_scale else max(expected, observed, 1e-9)
        out.append(
            {
                "label": label,
                "ok": ok,
                "expected": _pct(expected),
                "observed": _pct(observed),
                "expected_width": f"{max(0.0, 100 * expected / scale):.1f}",
                "observed_width": f"{max(0.0, 100 * observed / scale):.1f}",
            }
        )
    return {"title": title, "rows": out}


def _boxes(title: str, points: tuple[QuantilePoint, ...], axis: str, ok: bool) -> dict[str, Any]:
    """Two box plots on one axis: whiskers p05..p95, box p25..p75, median, dots at
    p01/p10/p90/p99; min and max as text below (they are k-th extremes and sentinels)."""
    from synth.checks.fidelity.measure import axis_text

    inner = [p for p in points if p.name not in ("min", "max")] or list(points)
    values = [p.expected for p in inner] + [p.observed for p in inner if p.observed is not None]
    lo, hi = min(values), max(values)
    if hi <= lo:
        lo, hi = lo - 1.0, hi + 1.0
    pad = (hi - lo) * 0.04
    lo, hi = lo - pad, hi + pad
    left, right = 62, WIDTH - 12

    def x(v: float) -> float:
        return round(left + (min(max(v, lo), hi) - lo) / (hi - lo) * (right - left), 1)

    getters: tuple[tuple[str, str, Callable[[QuantilePoint], float | None]], ...] = (
        ("profile", PROFILE_COLOUR, lambda p: p.expected),
        ("fixture", FIXTURE_COLOUR, lambda p: p.observed),
    )
    rows = []
    for i, (name, colour, get) in enumerate(getters):
        at = {p.name: v for p in points if (v := get(p)) is not None}
        rows.append(
            {
                "name": name,
                "colour": colour,
                "y": 18 + i * 28,
                "whisker": (x(at["p05"]), x(at["p95"])) if "p05" in at and "p95" in at else None,
                "box": (x(at["p25"]), max(x(at["p75"]) - x(at["p25"]), 1.5))
                if "p25" in at and "p75" in at
                else None,
                "median": x(at["p50"]) if "p50" in at else None,
                "dots": [
                    {"name": q, "x": x(at[q]), "text": axis_text(at[q], axis)}
                    for q in ("p01", "p10", "p90", "p99")
                    if q in at
                ],
            }
        )
    ticks = []
    for i, anchor in enumerate(("start", "middle", "end")):
        v = lo + (hi - lo) * (0.1 + 0.4 * i)
        text = axis_text(v, axis)
        ticks.append(
            {"x": x(v), "anchor": anchor, "text": text[:10] if axis == "datetime" else text}
        )
    ext = {p.name: p for p in points}
    extremes = ""
    if "min" in ext and "max" in ext:
        extremes = (
            f"min/max: profile {axis_text(ext['min'].expected, axis)} .. "
            f"{axis_text(ext['max'].expected, axis)}; fixture "
            f"{axis_text(ext['min'].observed, axis)} .. {axis_text(ext['max'].observed, axis)}"
        )
    return {
        "title": title,
        "ok": ok,
        "width": WIDTH,
        "left": left,
        "right": right,
        "rows": rows,
        "ticks": ticks,
        "extremes": extremes,
    }
