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
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from synth.checks.fidelity.report import (
    Check,
    ColumnReport,
    Engine,
    PathLike,
    QuantilePoint,
    TableReport,
    Tolerances,
    TraitBar,
    ValidationReport,
    ValueBar,
)
from synth.errors import SourceError, UsageError
from synth.internal.progress import ProgressCallback, Reporter
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


def validate(
    profile: Profile | PathLike,
    fixtures: PathLike | Mapping[str, pl.DataFrame],
    *,
    tolerances: Tolerances | Mapping[str, float] | Iterable[str] | None = None,
    engine: Engine = "synth",
    min_trait_rows: int | None = None,
    progress: ProgressCallback | None = None,
) -> ValidationReport:
    """Compare the fixtures (a directory written by ``synth generate``, or table frames)
    with ``profile``, column by column; see the module docstring and ``docs/validate.md``.

    Options the manifest records are honoured: times are compared after the same
    ``--as-of`` re-anchoring, boosted traits at their boosted shares, and trait shares
    allow the ``--min-trait-rows`` floor (``min_trait_rows`` overrides it; frames without
    a manifest assume 1). ``engine="gx"`` runs the Great Expectations suite of the profile
    (:mod:`synth.checks.gx`) instead of synth's own checks; the plots stay synth's.
    A table of the profile missing from the fixtures is a :class:`UsageError`.
    ``progress`` hears of each table measured."""
    from synth.checks.fidelity.measure import measure_table
    from synth.model.io import profile_digest, read_profile

    tol = Tolerances.of(tolerances)
    if engine not in ("synth", "gx"):
        raise UsageError(f"engine={engine!r} is not an engine; use 'synth' or 'gx'")
    source = "<Profile>"
    if not isinstance(profile, Profile):
        source = os.fspath(profile)
        profile = read_profile(profile)
    from synth.model.arrow import plain_strings

    frames, manifest, where = _fixture_frames(fixtures)
    frames = {key: plain_strings(frame) for key, frame in frames.items()}  # enums measured as text
    digest = None if manifest is None else manifest.profile_digest == profile_digest(profile)
    options: Mapping[str, Any] = manifest.options if manifest is not None else {}
    floor = min_trait_rows if min_trait_rows is not None else int(options.get("min_trait_rows", 1))
    profile, notes = _as_generated(profile, options)
    chosen = _tables(profile, frames, options, where)
    from synth.generator.blocked import blocked_in

    reports = []
    with Reporter(progress, "validate").task("", len(chosen), "tables") as stage:
        for table in chosen:
            stage.at(table.key)
            reports.append(measure_table(table, frames, tol, floor, blocked_in(profile, table)))
            stage.advance(1)
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
