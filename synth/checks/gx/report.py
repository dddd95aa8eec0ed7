"""What running a profile's Great Expectations suites reports: one
:class:`ExpectationOutcome` per expectation, the :class:`SuiteResult` of a fixture set,
and :class:`ExpectationsRun` (what ``synth expectations`` did). A leaf that the GX runner
and the suite builder both import."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["SUITES_KIND", "SUITES_VERSION", "ExpectationOutcome", "ExpectationsRun", "SuiteResult"]

SUITES_KIND = "synth-expectations"
SUITES_VERSION = 1


@dataclass(frozen=True)
class ExpectationOutcome:
    """One expectation validated against one fixture table."""

    table: str
    column: str | None
    """The column it checks, or None for a table-level expectation."""
    expectation: str
    """The GX expectation type (``expect_column_values_to_be_in_set``)."""
    success: bool
    observed: str
    """What GX observed, in a few words (``3 of 2000 rows unexpected: 'x', 'y'``)."""
    note: str
    """The production shape or trait the expectation encodes."""


@dataclass(frozen=True)
class SuiteResult:
    """The outcome of validating a fixture set with a profile's suites."""

    success: bool
    outcomes: tuple[ExpectationOutcome, ...]

    @property
    def failures(self) -> tuple[ExpectationOutcome, ...]:
        return tuple(o for o in self.outcomes if not o.success)

    def render(self, fixtures: str) -> str:
        """One line per failed expectation, then how many pass on ``fixtures`` (a label)."""
        lines = []
        for o in self.failures:
            where = f"{o.table}.{o.column}" if o.column else o.table
            lines.append(f"  FAILED {where}: {o.expectation}: {o.observed} ({o.note})")
        passed = len(self.outcomes) - len(self.failures)
        lines.append(f"{passed} of {len(self.outcomes)} expectations pass on {fixtures}")
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class ExpectationsRun:
    """What :func:`make_expectations` did: the suites built, where they were written, and
    the outcome of validating a fixture directory with them."""

    suite: dict[str, Any]
    """The suites JSON (:func:`build_suite`)."""
    out: Path | None = None
    """Where the suites were written, or None (not written: the caller prints them)."""
    fixtures: Path | None = None
    result: SuiteResult | None = None
    """The validation of ``fixtures``, or None when no fixtures were given."""

    @property
    def expectation_count(self) -> int:
        return sum(len(s["expectations"]) for s in self.suite["suites"])

    @property
    def exit_code(self) -> int:
        """``synth expectations``' exit status: 1 when an expectation fails on the fixtures."""
        return 1 if self.result is not None and not self.result.success else 0

    def summary(self) -> str:
        """What was written and, with fixtures, each failure and the count that pass."""
        text = ""
        if self.out is not None:
            text += (
                f"wrote {len(self.suite['suites'])} suites, {self.expectation_count} "
                f"expectations -> {self.out}\n"
            )
        if self.result is not None:
            text += self.result.render(str(self.fixtures))
        return text
