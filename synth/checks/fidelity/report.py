"""What ``synth validate`` reports: the tolerances it judges by, every check, and the
per-column, per-table and overall reports. A leaf: the measuring modules and the renderers
import these types, and nothing here imports them back."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from synth.errors import UsageError

__all__ = [
    "Check",
    "ColumnReport",
    "Engine",
    "PathLike",
    "QuantilePoint",
    "TableReport",
    "Tolerances",
    "TraitBar",
    "ValidationReport",
    "ValueBar",
]

PathLike = str | os.PathLike[str]
Engine = Literal["synth", "gx"]


@dataclass(frozen=True)
class Tolerances:
    """How far a fixture may be from its profile before ``synth validate`` fails.

    Each check passes when its distance is at most ``max(floor, noise * standard error)``:
    the floor below, or the sampling noise expected from the fixture's row count.
    Override with ``--tolerance NAME=VALUE`` or ``validate(tolerances={...})``."""

    null_fraction: float = 0.02
    """Absolute difference of the NULL share (0.02: 12% expected, 10%..14% accepted)."""
    frequencies: float = 0.05
    """Total variation distance of the frequent values + other bucket, non-NULL rows (its
    sampling allowance is a chi-square bound: ``sqrt(chi2(k-1) / n) / 2``)."""
    quantiles: float = 0.05
    """Distance in probability at each profiled percentile (p50 may sit at p45..p55)."""
    lengths: float = 0.05
    """The same for the character lengths of strings (elements of arrays)."""
    trait_rate: float = 0.25
    """Relative difference of a trait's share, of the rarer side: ``min(p, 1 - p)``."""
    trait_rate_abs: float = 0.005
    """Absolute floor of a trait's share difference (rare traits are a handful of rows)."""
    noise: float = 4.0
    """Standard errors of sampling noise always allowed (0: the floors alone)."""

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))

    @classmethod
    def of(
        cls, given: Tolerances | Mapping[str, float] | Iterable[str] | None = None
    ) -> Tolerances:
        """Defaults updated by ``given``: a :class:`Tolerances`, a mapping of names to
        values, or ``'name=value'`` strings (``--tolerance``)."""
        if given is None:
            return cls()
        if isinstance(given, Tolerances):
            return given
        if isinstance(given, Mapping):
            pairs = [(str(k), v) for k, v in given.items()]
        else:
            pairs = []
            for text in given:
                name, sep, value = str(text).partition("=")
                if not sep:
                    raise UsageError(
                        f"tolerance={text!r} is not NAME=VALUE; e.g. --tolerance null_fraction=0.05"
                    )
                pairs.append((name.strip(), value.strip()))
        update: dict[str, float] = {}
        for name, raw in pairs:
            if name not in cls.names():
                known = ", ".join(cls.names())
                raise UsageError(f"tolerance {name}={raw!r}: unknown name; choose one of {known}")
            try:
                value = float(raw)
            except (TypeError, ValueError):
                raise UsageError(
                    f"tolerance {name}={raw!r} is not a number; give e.g. {name}=0.05"
                ) from None
            if not value >= 0.0:
                raise UsageError(f"tolerance {name}={raw!r} must be a number >= 0")
            update[name] = value
        return dataclasses.replace(cls(), **update)


@dataclass(frozen=True)
class Check:
    """One comparison: the profile's statistic, the fixture's, and whether they agree."""

    table: str
    column: str | None
    """The column compared (a table trait's first column; None for a whole-table check)."""
    check: str
    """``null_fraction``, ``frequencies``, ``quantiles``, ``lengths``, ``column``,
    ``trait_presence``, ``trait_rate``, or ``gx`` (a Great Expectations expectation)."""
    subject: str
    """What within the check: a trait label (``email:whitespace_padded``), the worst
    percentile (``p50``), an expectation name; empty when the check says it all."""
    expected: float | str | None
    """The profile's side: a share, or a short description."""
    observed: float | str | None
    """The fixture's side, in the same terms."""
    distance: float | None
    """How far apart they are, in the check's unit (None: pass/fail only)."""
    tolerance: float | None
    """The largest distance accepted here (floor or sampling allowance)."""
    ok: bool
    note: str = ""

    @property
    def where(self) -> str:
        """``table.column`` (or the table)."""
        return f"{self.table}.{self.column}" if self.column else self.table


@dataclass(frozen=True)
class ValueBar:
    """A frequent value (or ``(other)``/``(NULL)``) and its share of rows, both sides."""

    label: str
    expected: float
    observed: float


@dataclass(frozen=True)
class QuantilePoint:
    """A profiled percentile ``name`` (``p01``.. ``p99``, ``min``, ``max``) at cumulative
    probability ``q``: the profile's value and the fixture's value at the same rank, on
    a numeric axis (numbers; microseconds since 1970 or midnight for temporal values;
    characters for lengths)."""

    name: str
    q: float
    expected: float
    observed: float | None


@dataclass(frozen=True)
class TraitBar:
    """A trait's share of rows in the profile and in the fixture."""

    label: str
    expected: float
    observed: float
    ok: bool


@dataclass(frozen=True)
class ColumnReport:
    """Everything compared for one column, and what the HTML plots."""

    table: str
    column: str
    type: str
    rows: int
    """Rows of the fixture table."""
    checks: tuple[Check, ...] = ()
    null: tuple[float, float] | None = None
    """(profile, fixture) NULL share; None when the column is not in the fixture."""
    values: tuple[ValueBar, ...] = ()
    quantiles: tuple[QuantilePoint, ...] = ()
    quantile_kind: Literal["values", "lengths", ""] = ""
    axis: Literal["number", "datetime", "date", "time", "length"] = "number"
    """How the quantile axis is labelled."""
    traits: tuple[TraitBar, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.table}.{self.column}"

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)


@dataclass(frozen=True)
class TableReport:
    """The columns of one table, and its whole-table checks."""

    table: str
    rows: int
    """Rows in the fixture."""
    profile_rows: int
    """Rows the profile measured (not compared: generation scales them)."""
    columns: tuple[ColumnReport, ...]
    checks: tuple[Check, ...] = ()

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks) and all(c.ok for c in self.columns)


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`: ``ok`` when every check is within tolerance."""

    profile: str
    """Where the profile came from (its path, or ``<Profile>``)."""
    fixtures: str
    """The fixture directory (or ``<frames>``)."""
    engine: str
    tolerances: Tolerances
    tables: tuple[TableReport, ...]
    min_trait_rows: int = 1
    """The generation floor used for trait shares (from the manifest)."""
    digest_matches: bool | None = None
    """Whether the manifest names this profile's digest (None: no manifest). Information
    only: a fixture is judged by what it holds."""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def checks(self) -> tuple[Check, ...]:
        out: list[Check] = []
        for table in self.tables:
            out += table.checks
            for col in table.columns:
                out += col.checks
        return tuple(out)

    @property
    def failures(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if not c.ok)

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def columns(self) -> tuple[ColumnReport, ...]:
        return tuple(c for t in self.tables for c in t.columns)

    def to_dict(self) -> dict[str, Any]:
        """Plain data: a summary, the tolerances, and every check (failures first)."""
        checks = sorted(self.checks, key=lambda c: c.ok)
        return {
            "ok": self.ok,
            "engine": self.engine,
            "profile": self.profile,
            "fixtures": self.fixtures,
            "digest_matches": self.digest_matches,
            "min_trait_rows": self.min_trait_rows,
            "summary": {
                "tables": len(self.tables),
                "columns": len(self.columns),
                "checks": len(checks),
                "failed": len(self.failures),
                "failed_columns": sorted({c.where for c in self.failures}),
            },
            "tolerances": dataclasses.asdict(self.tolerances),
            "notes": list(self.notes),
            "checks": [{"where": c.where, **dataclasses.asdict(c)} for c in checks],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"
