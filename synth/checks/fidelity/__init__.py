"""``synth validate``: do the fixtures look like the profile they were made from?

Every statistic of the profile is set next to the same statistic measured on the
fixture tables, independently of the generator: polars over the loaded tables, with the
traits' own polars predicates (never the manifest's carrier rows). Per column:

- ``null_fraction``: the share of NULL rows, absolute difference;
- ``frequencies``: total variation distance between the profile's frequent values (and
  its *other* bucket) and the fixture's, over non-NULL rows;
- ``quantiles`` (numbers, dates, times) and ``lengths`` (strings, arrays): at each
  profiled percentile ``pNN = v``, how far the fixture's share of values below ``v`` is
  from ``NN%`` (a distance in probability, the same for every unit, tie-aware);
- ``trait_presence`` and ``trait_rate`` for every trait of the column (and every table
  trait, attached to its first column): present at all, and at its measured share.

Each comparison has a tolerance: the larger of a fixed floor (:class:`Tolerances`,
documented in ``docs/validate.md``) and a sampling allowance of ``noise`` standard
errors for the fixture's row count, so that a 19-row table is not held to a
10,000-row table's precision. A table no larger than its trait floor (grown to hold its
traits) has its distributions shown, not judged. Row counts are never compared: ``--rows``
scales them.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from synth.errors import SourceError, UsageError
from synth.model import Profile

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "Check",
    "ColumnReport",
    "QuantilePoint",
    "TableReport",
    "Tolerances",
    "TraitBar",
    "ValidationReport",
    "ValueBar",
    "validate",
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


def validate(
    profile: Profile | PathLike,
    fixtures: PathLike | Mapping[str, pl.DataFrame],
    *,
    tolerances: Tolerances | Mapping[str, float] | Iterable[str] | None = None,
    engine: Engine = "synth",
    min_trait_rows: int | None = None,
) -> ValidationReport:
    """Compare the fixtures (a directory written by ``synth generate``, or table frames)
    with ``profile``, column by column; see the module docstring and ``docs/validate.md``.

    Options the manifest records are honoured: times are compared after the same
    ``--as-of`` re-anchoring, boosted traits at their boosted shares, and trait shares
    allow the ``--min-trait-rows`` floor (``min_trait_rows`` overrides it; frames without
    a manifest assume 1). ``engine="gx"`` runs the Great Expectations suite of the profile
    (:mod:`synth.checks.gx`) instead of synth's own checks; the plots stay synth's.
    A table of the profile missing from the fixtures is a :class:`UsageError`."""
    from synth.checks.fidelity.measure import measure_table
    from synth.model.io import profile_digest, read_profile

    tol = Tolerances.of(tolerances)
    if engine not in ("synth", "gx"):
        raise UsageError(f"engine={engine!r} is not an engine; use 'synth' or 'gx'")
    source = "<Profile>"
    if not isinstance(profile, Profile):
        source = os.fspath(profile)
        profile = read_profile(profile)
    frames, manifest, where = _fixture_frames(fixtures)
    digest = None if manifest is None else manifest.profile_digest == profile_digest(profile)
    options: Mapping[str, Any] = manifest.options if manifest is not None else {}
    floor = min_trait_rows if min_trait_rows is not None else int(options.get("min_trait_rows", 1))
    profile, notes = _as_generated(profile, options)
    chosen = _tables(profile, frames, options, where)
    reports = [measure_table(t, frames, tol, floor) for t in chosen]
    if engine == "gx":
        reports = _with_gx(profile, chosen, frames, reports)
    return ValidationReport(
        profile=source,
        fixtures=where,
        engine=engine,
        tolerances=tol,
        tables=tuple(reports),
        min_trait_rows=floor,
        digest_matches=digest,
        notes=tuple(notes),
    )


def _fixture_frames(
    fixtures: PathLike | Mapping[str, pl.DataFrame],
) -> tuple[dict[str, pl.DataFrame], Any, str]:
    from synth.loader.files import open_fixtures, read_fixture_table

    if isinstance(fixtures, Mapping):
        return dict(fixtures), None, "<frames>"
    directory = Path(fixtures)
    if directory.exists() and not directory.is_dir():
        raise SourceError(
            f"fixtures {str(directory)!r} is a file, not a directory; pass the directory "
            "that 'synth generate PROFILE --out DIR' wrote"
        )
    manifest = open_fixtures(directory)
    frames = {key: read_fixture_table(directory, key, t) for key, t in manifest.tables.items()}
    return frames, manifest, str(directory)


def _as_generated(profile: Profile, options: Mapping[str, Any]) -> tuple[Profile, list[str]]:
    """The profile as the generator used it: re-anchored (``--as-of``) and boosted."""
    from synth.generator.anchor import reanchor
    from synth.generator.boost import apply_boosts, as_boosts

    notes = []
    as_of = options.get("as_of")
    if isinstance(as_of, str):
        moved = reanchor(profile, as_of)
        if moved.source.as_of != profile.source.as_of:
            notes.append(f"times compared re-anchored to as_of {as_of} (the manifest's --as-of)")
        profile = moved
    boosts = options.get("boost")
    if boosts:
        profile = apply_boosts(profile, as_boosts(boosts))
        shown = ", ".join(f"{k}={v}" for k, v in sorted(dict(boosts).items()))
        notes.append(f"boosted traits compared at their boosted shares ({shown})")
    return profile, notes


def _tables(
    profile: Profile, frames: Mapping[str, Any], options: Mapping[str, Any], where: str
) -> list[Any]:
    """The profile's tables to compare: all of them, or those a ``--tables`` run made."""
    selected = options.get("tables")
    out = []
    for table in profile.tables:
        if table.key in frames:
            out.append(table)
        elif not selected:
            held = ", ".join(frames) or "(none)"
            raise UsageError(
                f"table {table.key!r} of the profile is missing from fixtures {where!r} "
                f"(they hold: {held}); regenerate them from this profile, or validate "
                "against the profile they were made from"
            )
    if not out:
        raise UsageError(
            f"fixtures {where!r} hold none of the profile's tables; "
            "validate against the profile they were made from"
        )
    return out


def _with_gx(
    profile: Profile, chosen: list[Any], frames: Mapping[str, pl.DataFrame], reports: list[Any]
) -> list[TableReport]:
    """The reports with synth's checks replaced by the Great Expectations outcomes."""
    try:
        from synth.checks.gx import run_suite
    except ImportError as exc:
        raise UsageError(
            f"engine='gx' needs synth.checks.gx ({exc}); use the default engine 'synth'"
        ) from None
    keys = {t.key for t in chosen}
    sub = profile.model_copy(update={"tables": tuple(chosen)})
    result = run_suite(sub, {k: v for k, v in frames.items() if k in keys})
    by_place: dict[tuple[str, str | None], list[Check]] = {}
    for o in result.outcomes:
        check = Check(
            table=o.table,
            column=o.column,
            check="gx",
            subject=o.expectation,
            expected=None,
            observed=o.observed,
            distance=None,
            tolerance=None,
            ok=bool(o.success),
            note=o.note,
        )
        by_place.setdefault((o.table, o.column), []).append(check)
    out = []
    for report in reports:
        columns = tuple(
            dataclasses.replace(c, checks=tuple(by_place.pop((report.table, c.column), ())))
            for c in report.columns
        )
        rest = by_place.pop((report.table, None), [])
        for (table, column), checks in list(by_place.items()):
            if table == report.table:  # a column the report does not know: keep it
                rest += checks
                del by_place[(table, column)]
        out.append(dataclasses.replace(report, columns=columns, checks=tuple(rest)))
    return out
