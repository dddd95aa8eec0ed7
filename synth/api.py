"""The public functions: the facade that users, the CLI and the pytest plugin call.

Each function checks its options once (into a :class:`~synth.profiler.options.ProfileOptions`
or :class:`~synth.generator.options.GenerateOptions`) and hands them to one stage. Stage
modules never call this module; they call each other. Heavy modules (the profiler, the
generator, the writers) are imported inside the functions, so that ``import synth`` and
``synth --help`` stay fast.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

from synth.model import Profile
from synth.model.io import read_profile

if TYPE_CHECKING:
    import polars as pl

    from synth.checks.drift import DriftReport, Thresholds
    from synth.checks.fidelity import Engine, Tolerances, ValidationReport
    from synth.generator.options import GenerateArgs
    from synth.internal.progress import ProgressCallback
    from synth.model.manifest import Manifest
    from synth.profiler.options import ProfileArgs

__all__ = [
    "diff",
    "expectation_suites",
    "generate",
    "generate_into",
    "load",
    "load_into",
    "profile",
    "validate",
    "write",
]

PathLike = str | os.PathLike[str]


def profile(
    source: str | PathLike | Sequence[PathLike] | None = None, **options: Unpack[ProfileArgs]
) -> Profile:
    """Profile a database URL, or Parquet/CSV files, into a :class:`Profile`. Without a
    ``source``, the URL in ``$SYNTH_DATABASE_URL`` (so it stays out of shell history).

    Statistics of a database are computed by aggregate SQL inside it; rows are never
    pulled into Python. The keywords are :class:`~synth.profiler.options.ProfileArgs`:
    ``tables``/``exclude`` take table names (or ``schema.name``) and shell-style patterns.
    Trait options: ``known_values``, the values code knows per ``table.column`` (a mapping,
    or a YAML file of one); values outside them are legacy, as are values unseen for
    ``legacy_after`` days (365); ``time_columns``, ``table.column`` entries naming the
    column that dates a table's rows where the detected one (``created_at``...) is not
    wanted. ``segment_by``: ``table.column`` entries that split tables into cohorts
    (default: detected, see ``docs/traits.md``). ``as_of`` (ISO-8601 or ``'now'``, the
    default) is the time ages are measured from: pin it to profile a snapshot reproducibly.

    Privacy: a raw value is stored only when ``min_count`` rows (default 10) share it;
    ``pii``/``not_pii`` (``table.column`` entries) override the detection of personal
    columns, which keep only shape statistics; ``epsilon`` adds Laplace noise to counts.
    Replica safety: each query is cancelled after ``statement_timeout`` seconds (default
    60, 0 for none); ``sample`` reads that percentage of each table (PostgreSQL
    ``TABLESAMPLE SYSTEM``) and scales counts up.
    """
    from synth.profiler import profile_source
    from synth.profiler.options import ProfileOptions, source_from_env

    checked = ProfileOptions.of(**options)
    return profile_source(source_from_env(source), checked)  # type: ignore[arg-type]


def _as_profile(profile: Profile | PathLike) -> Profile:
    return profile if isinstance(profile, Profile) else read_profile(profile)


def generate(
    profile: Profile | PathLike, **options: Unpack[GenerateArgs]
) -> dict[str, pl.DataFrame]:
    """Generate a production-shaped dataset in memory: table key -> polars DataFrame.

    The keywords are :class:`~synth.generator.options.GenerateArgs`: ``rows`` sizes the
    largest table (the others keep their relative sizes); ``scale`` multiplies every
    profiled row count instead. With neither, the largest table gets ``min(profiled rows,
    1000)``. Same inputs, same values (``seed``, default 0). Every trait in the profile
    appears in at least ``min_trait_rows`` rows; ``boost`` maps ``table.column:trait`` to
    the share of rows that should carry it (or is a list of ``'table.column:trait=rate'``
    strings, as ``--boost`` takes them). ``as_of`` (an ISO-8601 time or ``'now'``)
    re-anchors every time of the profile: all move by ``as_of`` minus the profile's as-of
    time, so ages stay as measured. ``tables`` generates only those tables.
    """
    from synth.generator import generate_tables
    from synth.generator.options import GenerateOptions

    checked = GenerateOptions.of(**options)
    return generate_tables(_as_profile(profile), checked)


def write(
    profile: Profile | PathLike,
    out: PathLike,
    *,
    format: str = "parquet",
    dialect: str | None = None,
    ddl: bool | None = None,
    split: bool | None = None,
    sql_style: str | None = None,
    workers: int | None = 1,
    shard: str | tuple[int, int] | None = None,
    **options: Unpack[GenerateArgs],
) -> Manifest:
    """Generate fixtures into directory ``out`` (atomically) and return the manifest; the
    generation keywords are those of :func:`generate`.

    Output is byte-identical for the same profile, options and seed, whatever the number
    of ``workers`` (processes making chunks; None: as many as the run's size pays for,
    up to every core). ``shard="I/N"`` writes only the I-th of N interleaved parts of
    every table's chunks (see ``docs/scale.md``).
    ``format="sql"`` writes ``schema.sql`` (unless ``ddl=False``) and ``data.sql`` (or one
    file per table with ``split=True``) for ``dialect`` (default: the profile's), as
    multi-row INSERTs or, with ``sql_style="copy"``, PostgreSQL COPY blocks; see
    ``docs/sql.md``.
    """
    from synth.generator.options import GenerateOptions
    from synth.generator.parallel import Execution
    from synth.generator.plan import make_plan
    from synth.writers import check_writer_options, write_fixtures

    writer_options = {"dialect": dialect, "ddl": ddl, "split": split, "sql_style": sql_style}
    check_writer_options(format, writer_options)  # a bad option fails before any work
    execution = Execution.of(workers, shard)
    plan = make_plan(_as_profile(profile), GenerateOptions.of(**options))
    return write_fixtures(
        plan, Path(out), format=format, writer_options=writer_options, execution=execution
    )


def load(path: PathLike) -> dict[str, pl.DataFrame]:
    """Read a fixture directory written by :func:`write` back: table key -> DataFrame."""
    from synth.loader.files import load_fixtures

    return load_fixtures(Path(path))


def load_into(
    source: PathLike | Mapping[str, pl.DataFrame],
    url: str,
    *,
    truncate: bool = False,
    defer_constraints: bool = False,
    progress: ProgressCallback | None = None,
) -> dict[str, int]:
    """Load a Parquet fixture directory (or a table key -> DataFrame mapping, parents first)
    into the existing tables of the database at ``url``, in one transaction, parents first;
    return the rows loaded per table.

    Every table must exist with every column (run ``schema.sql`` from ``format="sql"``, or
    your migrations) and be empty, unless ``truncate`` empties them first (in the same
    transaction). Rows whose foreign key has no parent (the ``orphan`` trait) are skipped with
    a :class:`SynthWarning` where the target enforces that key; ``defer_constraints`` turns the
    checks off instead (MySQL, SQLite; PostgreSQL cannot). ``progress`` is called with a
    :class:`~synth.internal.progress.ProgressEvent` as rows are written (the ``synth``
    command draws them; synth itself prints nothing). See ``docs/sql.md``.
    """
    from synth.loader.database import load_into as _load_into

    return _load_into(
        source if isinstance(source, Mapping) else Path(source),
        url,
        truncate=truncate,
        defer_constraints=defer_constraints,
        progress=progress,
    )


def generate_into(
    profile: Profile | PathLike,
    url: str,
    *,
    out: PathLike | None = None,
    truncate: bool = False,
    defer_constraints: bool = False,
    progress: ProgressCallback | None = None,
    workers: int | None = 1,
    **options: Unpack[GenerateArgs],
) -> dict[str, int]:
    """Generate fixtures (as :func:`write` with Parquet, on ``workers`` processes) and load
    them into ``url`` (as :func:`load_into`); return the rows loaded per table. The Parquet
    files go to ``out`` when given, else to a temporary directory removed afterwards
    (memory stays bounded). ``progress`` hears of both stages, ``generate`` then ``load``.
    """
    import tempfile
    from contextlib import nullcontext

    place = nullcontext(None) if out is not None else tempfile.TemporaryDirectory(prefix="synth-")
    with place as tmp:
        directory = Path(out) if out is not None else Path(str(tmp)) / "fixtures"
        write(profile, directory, progress=progress, workers=workers, **options)
        return load_into(
            directory,
            url,
            truncate=truncate,
            defer_constraints=defer_constraints,
            progress=progress,
        )


def expectation_suites(
    profile: Profile | PathLike, *, name: str | None = None, rows: int | None = None
) -> dict[str, object]:
    """The profile as portable Great Expectations 1.x suites, one per table, in one JSON
    document (``{"kind": "synth-expectations", "version": 1, "suites": [...]}``); each
    element loads with ``gx.ExpectationSuite(**suite)``. ``rows``: the ``--rows`` the
    fixtures are generated with (exact row counts, tolerances sized for them). Needs no
    great_expectations; :func:`synth.validate` with ``engine="gx"`` runs the suites. See
    ``docs/expectations.md``."""
    from synth.checks.gx import build_suite

    return build_suite(_as_profile(profile), name=name, rows=rows)


def validate(
    profile: Profile | PathLike,
    fixtures: PathLike | Mapping[str, pl.DataFrame],
    *,
    tolerances: Tolerances | Mapping[str, float] | Iterable[str] | None = None,
    engine: Engine = "synth",
    min_trait_rows: int | None = None,
    progress: ProgressCallback | None = None,
) -> ValidationReport:
    """Compare fixtures (a directory written by :func:`write`, or table frames) with the
    profile they were made from, column by column: ``.ok``, ``.failures``, ``.to_json()``.
    ``tolerances`` overrides the floors (``docs/validate.md``); ``engine="gx"`` runs the
    profile's Great Expectations suite instead of synth's own checks. ``progress`` hears
    of each table measured."""
    from synth.checks.fidelity import validate as run

    return run(
        profile,
        fixtures,
        tolerances=tolerances,
        engine=engine,
        min_trait_rows=min_trait_rows,
        progress=progress,
    )


def diff(
    old: Profile | PathLike,
    new: Profile | PathLike,
    *,
    thresholds: Thresholds | None = None,
    profile_options: Mapping[str, Any] | None = None,
) -> DriftReport:
    """Compare profile ``old`` with ``new`` (a profile, its file, or a database URL, which is
    re-profiled as ``old`` was, with ``profile_options`` on top): ``.stale`` is true when
    fixtures made from ``old`` miss what production holds now. See ``docs/ci.md``."""
    from synth.checks.drift import diff as run

    return run(old, new, thresholds=thresholds, profile_options=profile_options)
