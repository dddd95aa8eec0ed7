"""The public functions. The CLI calls these and nothing else.

Heavy modules (the profiler, the generator, writers) are imported inside the
functions so that ``import synth`` and ``synth --help`` stay fast.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from synth._profile_io import read_profile
from synth.model import Profile

if TYPE_CHECKING:
    import polars as pl

    from synth.manifest import Manifest

__all__ = ["generate", "load", "profile", "write"]

PathLike = str | os.PathLike[str]


def profile(
    source: str | PathLike | Sequence[PathLike],
    *,
    schema: str | None = None,
    tables: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
) -> Profile:
    """Profile a database URL, or Parquet/CSV files, into a :class:`Profile`.

    Statistics of a database are computed by aggregate SQL inside it; rows are
    never pulled into Python. ``tables``/``exclude`` take table names (or
    ``schema.name``) and shell-style patterns.
    """
    from synth.profiler import profile_source

    return profile_source(source, schema=schema, tables=tables, exclude=exclude)


def _as_profile(profile: Profile | PathLike) -> Profile:
    return profile if isinstance(profile, Profile) else read_profile(profile)


def generate(
    profile: Profile | PathLike,
    *,
    rows: int | None = None,
    scale: float | None = None,
    seed: int = 0,
    tables: Sequence[str] | None = None,
    min_trait_rows: int = 1,
    boost: Mapping[str, float] | None = None,
) -> dict[str, pl.DataFrame]:
    """Generate a production-shaped dataset in memory: table key -> polars DataFrame.

    ``rows`` sizes the largest table (the others keep their relative sizes);
    ``scale`` multiplies every profiled row count instead. With neither, the
    largest table gets ``min(profiled rows, 1000)``. Same inputs, same values.
    Every trait in the profile appears in at least ``min_trait_rows`` rows;
    ``boost`` maps ``table.column:trait`` to the share of rows that should carry it.
    """
    from synth.generator import generate_tables

    return generate_tables(
        _as_profile(profile),
        rows=rows,
        scale=scale,
        seed=seed,
        tables=tables,
        min_trait_rows=min_trait_rows,
        boost=boost,
    )


def write(
    profile: Profile | PathLike,
    out: PathLike,
    *,
    format: str = "parquet",
    rows: int | None = None,
    scale: float | None = None,
    seed: int = 0,
    tables: Sequence[str] | None = None,
    min_trait_rows: int = 1,
    boost: Mapping[str, float] | None = None,
) -> Manifest:
    """Generate fixtures into directory ``out`` (atomically) and return the manifest.

    Output is byte-identical for the same profile, options and seed.
    """
    from synth.writers import write_fixtures

    return write_fixtures(
        _as_profile(profile),
        Path(out),
        format=format,
        rows=rows,
        scale=scale,
        seed=seed,
        tables=tables,
        min_trait_rows=min_trait_rows,
        boost=boost,
    )


def load(path: PathLike) -> dict[str, pl.DataFrame]:
    """Read a fixture directory written by :func:`write` back: table key -> DataFrame."""
    from synth.loader import load_fixtures

    return load_fixtures(Path(path))
