"""Which :class:`~synth.writers.sql.base.SqlDialect` writes a profile's SQL: the registry of
dialect names and :func:`resolve_dialect`. A new dialect is one module with a subclass and
one entry in :data:`DIALECTS`.
"""

from __future__ import annotations

from synth.errors import UsageError
from synth.model import Profile
from synth.writers.sql.base import Family, SqlDialect
from synth.writers.sql.mysql import MySQL
from synth.writers.sql.postgresql import PostgreSQL
from synth.writers.sql.sqlite import SQLite

__all__ = ["DIALECTS", "dialect_named", "resolve_dialect"]

DIALECTS: dict[str, type[SqlDialect]] = {
    "postgresql": PostgreSQL,
    "mysql": MySQL,
    "mariadb": MySQL,
    "sqlite": SQLite,
    "portable": SqlDialect,
}
"""Accepted ``dialect=`` values and the class that writes each."""

_SOURCE_ALIASES = {"postgres": "postgresql", "pgsql": "postgresql"}


def _family_of(name: str | None) -> Family | None:
    if name is None:
        return None
    name = _SOURCE_ALIASES.get(name.lower(), name.lower())
    return DIALECTS.get(name, SqlDialect).family


def dialect_named(
    name: str, source: str | None = None, base_schema: str | None = None
) -> SqlDialect:
    """The dialect called ``name`` (one of :data:`DIALECTS`), for a profile whose source
    dialect was ``source`` and whose tables without a schema are in ``base_schema``."""
    return DIALECTS[name](name, _family_of(source), base_schema)


def resolve_dialect(option: object, profile: Profile) -> SqlDialect:
    """The dialect to write: ``option`` when given, else the profile's source dialect
    (another SQLAlchemy dialect than the four renders as ``portable``), else PostgreSQL."""
    source, base = profile.source.dialect, profile.source.schema_
    if option is None:
        if source is None:
            return dialect_named("postgresql", None, base)
        name = _SOURCE_ALIASES.get(source.lower(), source.lower())
        return dialect_named(name if name in DIALECTS else "portable", source, base)
    if not isinstance(option, str) or option.lower() not in DIALECTS:
        raise UsageError(
            f"dialect={option!r} (--dialect) is not a SQL dialect synth writes; "
            f"choose one of: {', '.join(DIALECTS)}"
        )
    return dialect_named(option.lower(), source, base)
