"""The profiler: a database URL or Parquet/CSV files in, a :class:`~synth.model.Profile` out.

Databases are profiled by aggregate SQL inside the database
(:mod:`synth.profiler.database`), files by polars' lazy engine
(:mod:`synth.profiler.files`); both apply the same rules
(:mod:`synth.profiler.stats`, :mod:`synth.profiler.semantic`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence

from synth.model import Profile
from synth.profiler.options import PrivacyOptions, SessionOptions
from synth.profiler.selection import as_list
from synth.traits.base import TraitSettings

__all__ = ["profile_source"]


def profile_source(
    source: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    schema: str | None = None,
    tables: Sequence[str] | None = None,
    exclude: Sequence[str] | None = None,
    settings: TraitSettings | None = None,
    as_of: str | dt.datetime | None = None,
    privacy: PrivacyOptions | None = None,
    session: SessionOptions | None = None,
) -> Profile:
    """Profile a SQLAlchemy URL (a string with ``://``) or Parquet/CSV paths and globs.

    ``tables``/``exclude`` take table names (or ``schema.name``) and shell-style
    patterns; a ``tables`` entry that matches nothing raises ``UsageError``.
    """
    tables_list, exclude_list = as_list(tables), as_list(exclude)
    if isinstance(source, str) and "://" in source:
        from synth.profiler.database import profile_database

        result = profile_database(
            source,
            schema=schema,
            tables=tables_list,
            exclude=exclude_list,
            settings=settings,
            as_of=as_of,
            privacy=privacy,
            session=session,
        )
    else:
        from synth.profiler.files import profile_files

        paths = [source] if isinstance(source, str | os.PathLike) else list(source)
        result = profile_files(
            paths,
            schema=schema,
            tables=tables_list,
            exclude=exclude_list,
            settings=settings,
            as_of=as_of,
            privacy=privacy,
        )
    if settings is not None and settings.segment_by:
        from synth.traits.cohorts import check_segment_by

        check_segment_by(result, settings.segment_by)
    return result
