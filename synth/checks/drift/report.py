"""What ``synth diff`` reports and how it reads: each :class:`Change`, the
:class:`DriftReport` they make, the :class:`Thresholds` that decide what is drift, and the
two renderings (a terminal listing and a pull-request comment in Markdown). A leaf: the
comparing modules import it, it imports none of them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from synth.errors import UsageError
from synth.model import Scalar

__all__ = [
    "KINDS",
    "PROFILE_OPTION_FLAGS",
    "THRESHOLD_FLAGS",
    "Change",
    "DriftReport",
    "ReportFormat",
    "Thresholds",
    "flagged",
    "render_markdown",
    "render_text",
]

# Kinds in headline order: the first stale kinds lead the report.
KINDS = (
    "value_added",
    "domain_added",
    "table_removed",
    "table_added",
    "column_removed",
    "column_added",
    "column_retyped",
    "nullability",
    "keys",
    "null_fraction",
    "trait_added",
    "trait_rate",
    "cohort_added",
    "cohort_changed",
    "cohort_removed",
    "domain_removed",
    "value_removed",
    "trait_removed",
    "semantic",
    "row_count",
)


@dataclass(frozen=True)
class Thresholds:
    """When a measured change is drift that makes fixtures stale (absolute shares of rows)."""

    null_fraction: float = 0.05
    """A column's NULL share moving by at least this much (NULLs appearing in a column that
    had none are always stale)."""
    trait_rate: float = 0.05
    """A trait's share of rows moving by at least this much..."""
    trait_ratio: float = 2.0
    """...or growing/shrinking by this factor, when it also moves by ``trait_min_change``."""
    trait_min_change: float = 0.005
    cohort_share: float = 0.05
    """A cohort's share of rows, or one of its NULL/value shares, moving by this much."""
    enumerated_other: float = 0.05
    """A column counts as enumerated (a new frequent value is stale) when it has a declared
    domain or its values outside the frequent list were at most this share."""

    def __post_init__(self) -> None:
        for name in ("null_fraction", "trait_rate", "trait_min_change", "cohort_share"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise UsageError(
                    f"threshold {flagged(name)} must be a share between 0 and 1, not {value!r}"
                )
        if self.trait_ratio < 1.0:
            raise UsageError(f"threshold trait_ratio must be at least 1, not {self.trait_ratio!r}")


THRESHOLD_FLAGS = {"null_fraction": "--null-threshold", "trait_rate": "--trait-threshold"}
"""The ``synth diff`` flag that sets each :class:`Thresholds` field, where one does."""

PROFILE_OPTION_FLAGS = {
    "tables": "--tables",
    "known_values": "--known-values",
    "segment_by": "--segment-by",
    "as_of": "--as-of",
}
"""The ``synth diff`` flag of each re-profiling option (``profile_options``)."""


def flagged(name: str, flags: Mapping[str, str] = THRESHOLD_FLAGS) -> str:
    """A keyword as Python callers and ``synth diff`` users both recognise it:
    ``null_fraction (--null-threshold)``."""
    return f"{name} ({flags[name]})" if name in flags else name


class ReportFormat(StrEnum):
    """How :meth:`DriftReport.render` writes a report."""

    TEXT = "text"
    """Aligned lines for a terminal."""
    MARKDOWN = "markdown"
    """A pull-request comment."""


@dataclass(frozen=True)
class Change:
    """One difference between the profiles."""

    kind: str
    """One of :data:`KINDS` (``value_added``, ``column_removed``, ``null_fraction``...)."""
    table: str
    column: str | None
    stale: bool
    """Whether it makes fixtures generated from OLD stale (``synth diff`` exits 1)."""
    message: str
    """What changed, in words, naming the value."""
    old: Scalar | None = None
    new: Scalar | None = None

    @property
    def where(self) -> str:
        """``table.column``, or ``table``."""
        return f"{self.table}.{self.column}" if self.column else self.table


@dataclass(frozen=True)
class DriftReport:
    """The changes between OLD and NEW, most important first."""

    old: str
    """Where OLD came from (a path, or the profile's masked source URL)."""
    new: str
    changes: tuple[Change, ...] = ()
    thresholds: Thresholds = field(default_factory=Thresholds)

    @property
    def stale(self) -> bool:
        """Whether any change makes the fixtures stale (exit status 1)."""
        return any(c.stale for c in self.changes)

    @property
    def headline(self) -> str:
        """One line: ``no drift``, or the first stale change."""
        stale = [c for c in self.changes if c.stale]
        if stale:
            more = f" (+{len(stale) - 1} more)" if len(stale) > 1 else ""
            return f"drift: {stale[0].where}: {stale[0].message}{more}"
        if self.changes:
            return f"no drift that makes fixtures stale ({len(self.changes)} informational)"
        return "no drift"

    @property
    def exit_code(self) -> int:
        """``synth diff``'s exit status: 1 when the fixtures are stale, else 0."""
        return 1 if self.stale else 0

    def render(self, format: ReportFormat | str = ReportFormat.TEXT) -> str:
        """The report for a terminal (``text``) or a pull-request comment (``markdown``);
        :class:`UsageError` for another format."""
        try:
            chosen = ReportFormat(format)
        except ValueError:
            choices = " or ".join(f.value for f in ReportFormat)
            raise UsageError(f"format={format!r} (--format) must be {choices}") from None
        return render_markdown(self) if chosen is ReportFormat.MARKDOWN else render_text(self)


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
