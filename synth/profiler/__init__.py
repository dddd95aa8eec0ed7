"""The profiler: a database URL or Parquet/CSV files in, a :class:`~synth.model.Profile` out.

Databases are profiled by aggregate SQL inside the database
(:mod:`synth.profiler.database`), files by polars' lazy engine
(:mod:`synth.profiler.files`); both apply the same rules
(:mod:`synth.profiler.stats`, :mod:`synth.profiler.semantic`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from synth.model import Profile
from synth.profiler.options import ProfileOptions

__all__ = ["profile_source"]


def profile_source(
    source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    options: ProfileOptions | None = None,
) -> Profile:
    """Profile a SQLAlchemy URL (a string with ``://``) or Parquet/CSV paths and globs.

    ``options.tables``/``exclude`` take table names (or ``schema.name``) and shell-style
    patterns; a ``tables`` entry that matches nothing raises ``UsageError``.
    """
    options = options or ProfileOptions()
    if isinstance(source, str) and "://" in source:
        from synth.profiler.database import profile_database

        result = profile_database(source, options)
    else:
        from synth.profiler.files import profile_files

        paths = [source] if isinstance(source, str | os.PathLike) else list(source)
        result = profile_files(paths, options)
    if options.traits.time_columns:
        from synth.profiler.traits import check_time_columns

        check_time_columns(result, options.traits.time_columns)
    if options.traits.segment_by:
        from synth.traits.cohorts import check_segment_by

        check_segment_by(result, options.traits.segment_by)
    return result
