"""Choosing which tables to profile from ``tables=`` / ``exclude=`` names and patterns."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fnmatch import fnmatchcase

from synth.errors import UsageError

__all__ = ["as_list", "is_excluded", "select_tables"]

_SHOWN = 30


def as_list(names: Sequence[str] | str | None) -> list[str] | None:
    """Accept one name where a list is expected (``tables="orders"``)."""
    if names is None:
        return None
    return [names] if isinstance(names, str) else list(names)


def _matches(entry: str, aliases: Sequence[str]) -> bool:
    return any(fnmatchcase(alias, entry) for alias in aliases)


def is_excluded(aliases: Sequence[str], exclude: Sequence[str] | None) -> bool:
    """Whether a table known by ``aliases`` matches an ``exclude`` entry."""
    return any(_matches(entry, aliases) for entry in exclude or ())


def select_tables(
    available: Mapping[str, Sequence[str]],
    tables: Sequence[str] | None,
    exclude: Sequence[str] | None,
    *,
    where: str,
) -> list[str]:
    """The keys of ``available`` chosen by ``tables`` minus ``exclude``, sorted.

    ``available`` maps each table key to the names it answers to (its key, and
    ``schema.name`` for tables of the default schema). Entries are names or
    shell-style patterns; a ``tables`` entry that matches nothing is an error.
    """
    if tables is None:
        chosen = set(available)
    else:
        chosen = set()
        for entry in tables:
            hits = {key for key, aliases in available.items() if _matches(entry, aliases)}
            if not hits:
                known = sorted(available)
                shown = ", ".join(known[:_SHOWN]) + (" ..." if len(known) > _SHOWN else "")
                raise UsageError(
                    f"tables entry {entry!r} matches no table in {where}; "
                    f"available: {shown or '(none)'}"
                )
            chosen |= hits
    return sorted(key for key in chosen if not is_excluded(available[key], exclude))
