"""A profile as Great Expectations 1.x suites, and validating fixtures with them.

:func:`build_suite` turns a :class:`~synth.model.Profile` into portable JSON: one GX
``ExpectationSuite`` per table (a GX suite validates one batch, and a table is one batch),
wrapped as ``{"kind": "synth-expectations", "version": 1, "suites": [...]}``. Each element
of ``suites`` round-trips through ``gx.ExpectationSuite(**element)`` in GX 1.5.11 and
later: no ids, no GX version stamp, no fields newer GX added (``severity``). Every
expectation carries ``notes`` (the production shape or trait it encodes, in words) and
``meta.synth`` (``table``, ``column``, ``trait``) so a failure points at the trait.

Building needs no GX; :func:`run_suite` (in :mod:`synth.checks.gx.run`) imports it, converts
each polars table to pandas (datetimes as ``datetime64[ns]``, dates as datetimes, decimals
as floats) and validates it in an ephemeral context. See ``docs/expectations.md``.

NULL-share bounds depend on the fixture's size (a share measured on 2,000 rows wanders
more than one on 200,000): the suite is sized for the rows ``synth generate --rows``
would make (``rows``, default the generator's default), and :func:`run_suite` sizes it for
the tables it is given. Row counts are checked exactly only when ``rows`` is given.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from synth.checks.gx.columns import column_expectations, expectation
from synth.checks.gx.report import (
    SUITES_KIND,
    SUITES_VERSION,
    ExpectationOutcome,
    ExpectationsRun,
    SuiteResult,
)
from synth.internal.files import write_text_atomic
from synth.model import Profile, Table
from synth.model.arrow import written

PathLike = str | os.PathLike[str]

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "SUITES_KIND",
    "SUITES_VERSION",
    "ExpectationOutcome",
    "ExpectationsRun",
    "SuiteResult",
    "build_suite",
    "dump_suite",
    "make_expectations",
    "run_suite",
    "table_suite",
    "validate_fixtures",
    "write_suite",
]

# --- building ---------------------------------------------------------------------------


def build_suite(
    profile: Profile, *, name: str | None = None, rows: int | None = None
) -> dict[str, Any]:
    """The profile as portable GX 1.x suites: ``{"kind": "synth-expectations", "version": 1,
    "name", "profile": {...}, "suites": [one ExpectationSuite JSON per table]}``.

    ``name`` prefixes each suite's name (``<name>.<table>``, default ``synth``). ``rows`` is
    the ``--rows`` the fixtures are generated with: it sizes the NULL-share tolerances and
    makes row counts exact; without it tolerances fit the generator's default size and a
    row count is only expected to be at least 1. Deterministic: same profile, same JSON.
    """
    sizes = _planned_sizes(profile, rows)
    prefix = name or "synth"
    return {
        "kind": SUITES_KIND,
        "version": SUITES_VERSION,
        "name": prefix,
        "profile": {
            "source": profile.source.url,
            "as_of": _iso(profile.source.as_of),
            "synth_version": profile.synth_version,
            "rows": rows,
        },
        "suites": [
            table_suite(
                table,
                sizes.get(table.key, 0),
                name=f"{prefix}.{table.key}",
                exact=rows is not None,
                k=profile.source.min_count,
            )
            for table in profile.tables
        ],
    }


def table_suite(
    table: Table, size: int, *, name: str, exact: bool = False, k: int | None = None
) -> dict[str, Any]:
    """One table's ExpectationSuite JSON, with tolerances for a fixture of ``size`` rows;
    ``exact``: expect exactly ``size`` rows (else at least one, where production has any);
    ``k``: the profile's ``--min-count``, which made its min and max k-th extremes."""
    exps: list[dict[str, Any]] = []
    add = exps.append
    t = table.key
    add(
        expectation(
            "expect_table_columns_to_match_set",
            t,
            None,
            {"column_set": [c.name for c in table.columns if written(c)], "exact_match": True},
            "the profiled schema: exactly these columns (less those the database computes)",
            "schema",
        )
    )
    if exact:
        add(
            expectation(
                "expect_table_row_count_to_be_between",
                t,
                None,
                {"min_value": size, "max_value": size},
                f"{size} rows generated (--rows; production holds {table.rows:,})",
                "row_count",
            )
        )
    elif table.rows > 0:
        add(
            expectation(
                "expect_table_row_count_to_be_between",
                t,
                None,
                {"min_value": 1},
                f"at least one row (production holds {table.rows:,}; fixtures are scaled)",
                "row_count",
            )
        )
    keys = _key_columns(table)
    for cols in _unique_sets(table):
        if len(cols) == 1:
            add(
                expectation(
                    "expect_column_values_to_be_unique",
                    t,
                    cols[0],
                    {"column": cols[0]},
                    f"{t}.{cols[0]} is unique (primary key or UNIQUE constraint)",
                    "unique",
                )
            )
        else:
            add(
                expectation(
                    "expect_compound_columns_to_be_unique",
                    t,
                    None,
                    {"column_list": list(cols)},
                    f"({', '.join(cols)}) is unique together (primary key or UNIQUE constraint)",
                    "unique",
                )
            )
    for col in table.columns:
        if written(col):  # a column the database computes is not in the fixtures
            exps.extend(column_expectations(table, col, size, key=col.name in keys, k=k))
    return {
        "name": name,
        "expectations": exps,
        "meta": {"synth": {"table": t, "rows": table.rows, "sized_for": size}},
        "notes": f"synth: production shapes of table {t!r} (synth expectations)",
    }


# --- helpers ----------------------------------------------------------------------------


def _planned_sizes(profile: Profile, rows: int | None) -> dict[str, int]:
    """The rows ``synth generate --rows`` makes per table (trait floors included)."""
    from synth.generator.options import GenerateOptions
    from synth.generator.plan import make_plan

    plan = make_plan(profile, GenerateOptions(rows=rows))
    return {tp.key: tp.rows for tp in plan.tables}


def _key_columns(table: Table) -> set[str]:
    """Columns whose values the generator makes as keys or relations, not from statistics."""
    keys = set(table.primary_key)
    keys.update(c for u in table.unique for c in u)
    keys.update(c for fk in table.foreign_keys for c in fk.columns)
    relational = {"orphan", "children_per_parent", "soft_deleted_parent", "childless_parent"}
    keys.update(c for s in table.traits if s.trait in relational for c in s.columns)
    return keys


def _unique_sets(table: Table) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = []
    for cols in (table.primary_key, *table.unique):
        if cols and cols not in out:
            out.append(cols)
    return out


def _iso(value: dt.datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


# --- files and running ------------------------------------------------------------------


def dump_suite(suite: Mapping[str, Any]) -> str:
    """The suites as JSON text (keys in build order, two-space indent, final newline)."""
    import json

    return json.dumps(suite, indent=2, ensure_ascii=False) + "\n"


def write_suite(suite: Mapping[str, Any], path: str | os.PathLike[str]) -> Path:
    """Write the suites JSON to ``path`` atomically (a temporary file, then a rename)."""
    return write_text_atomic(
        path, dump_suite(suite), what="expectations", fix="choose a writable path with --out"
    )


def run_suite(
    profile: Profile, tables: Mapping[str, pl.DataFrame], *, rows: int | None = None
) -> SuiteResult:
    """Validate fixture ``tables`` (table key -> DataFrame, as :func:`synth.load` returns)
    with the profile's suites, in-process, in an ephemeral GX context. Tolerances are sized
    for each table's actual rows; ``rows`` (the ``--rows`` they were generated with) adds
    exact row counts. A profile table missing from ``tables`` is one failed outcome; extra
    tables are ignored. Needs the ``gx`` extra (``pip install 'synth-fixtures[gx]'``)."""
    from synth.checks.gx.run import validate_tables

    planned = _planned_sizes(profile, rows) if rows is not None else {}
    suites: dict[str, dict[str, Any] | None] = {}
    for table in profile.tables:
        frame = tables.get(table.key)
        if frame is None:
            suites[table.key] = None
            continue
        size = planned.get(table.key, frame.height)
        suites[table.key] = table_suite(
            table,
            frame.height if rows is None else size,
            name=f"synth.{table.key}",
            exact=rows is not None,
            k=profile.source.min_count,
        )
    outcomes = validate_tables(profile, suites, tables)
    return SuiteResult(all(o.success for o in outcomes), outcomes)


def validate_fixtures(
    profile: Profile | PathLike, fixtures: PathLike, *, rows: int | None = None
) -> SuiteResult:
    """Validate the fixture directory ``fixtures`` (written by ``synth generate``) with the
    suites of ``profile`` (a profile, or its file): :func:`run_suite` on its tables."""
    from synth.checks.gx.run import require_gx

    prof = _read(profile)
    tables = _load(fixtures)
    require_gx()
    return run_suite(prof, tables, rows=rows)


def make_expectations(
    profile: Profile | PathLike,
    *,
    name: str | None = None,
    rows: int | None = None,
    out: PathLike | None = None,
    fixtures: PathLike | None = None,
) -> ExpectationsRun:
    """``synth expectations``: build the suites of ``profile`` (a profile, or its file;
    ``name`` defaults to the file's stem), write them to ``out`` (if given) and validate the
    fixture directory ``fixtures`` (if given) with them. Every input is checked before
    anything is written: a missing fixture directory or a missing GX leaves ``out`` as it
    was."""
    prof = _read(profile)
    if name is None and not isinstance(profile, Profile):
        name = Path(profile).stem
    tables = None
    if fixtures is not None:
        from synth.checks.gx.run import require_gx

        tables = _load(fixtures)
        require_gx()
    suite = build_suite(prof, name=name, rows=rows)
    written = None if out is None else write_suite(suite, out)
    result = None if tables is None else run_suite(prof, tables, rows=rows)
    return ExpectationsRun(suite, written, None if fixtures is None else Path(fixtures), result)


def _read(profile: Profile | PathLike) -> Profile:
    if isinstance(profile, Profile):
        return profile
    from synth.model.io import read_profile

    return read_profile(profile)


def _load(fixtures: PathLike) -> dict[str, pl.DataFrame]:
    from synth.loader.files import load_fixtures

    return load_fixtures(Path(fixtures))
