"""``--boost``: amplify one trait while everything else stays production-shaped.

A boost names ``table.column:trait`` (or ``table:trait`` for a table trait) and a
rate, the share of all rows that should carry the trait. ``null`` is the column's
NULL share; the column's other fractions shrink in proportion so they still add up.
A trait the column never showed can be boosted too, if it needs no measured value.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from synth.errors import UsageError
from synth.model import Column, ColumnStats, Profile, Table, TraitStat
from synth.traits import parse_trait_name
from synth.traits.base import ColumnTrait, TableTrait

__all__ = ["apply_boosts", "as_boosts", "parse_boost"]

NULL = "null"


def parse_boost(text: str) -> tuple[str, float]:
    """``'users.last_login_at:null=0.5'`` -> ``('users.last_login_at:null', 0.5)``."""
    target, sep, rate = text.rpartition("=")
    try:
        value = float(rate)
    except ValueError:
        value = -1.0
    if not sep or ":" not in target or not 0.0 <= value <= 1.0:
        raise UsageError(
            f"--boost {text!r}: expected TABLE.COLUMN:TRAIT=RATE with a rate from 0 to 1, "
            "e.g. --boost users.last_login_at:null=0.5"
        )
    return target, value


def _table(profile: Profile, target: str, key: str) -> tuple[Table, str | None]:
    keys = {t.key: t for t in profile.tables}
    if target in keys:
        return keys[target], None
    table_key, _, column = target.rpartition(".")
    if table_key not in keys:
        raise UsageError(
            f"--boost {key!r}: no table {table_key or target!r} in the profile; "
            f"tables: {', '.join(keys)}"
        )
    table = keys[table_key]
    if column not in {c.name for c in table.columns}:
        raise UsageError(
            f"--boost {key!r}: table {table_key!r} has no column {column!r}; "
            f"columns: {', '.join(c.name for c in table.columns)}"
        )
    return table, column


def _scaled(stats: ColumnStats, factor: float) -> dict[str, object]:
    other = stats.other
    return {
        "frequent": tuple(
            f.model_copy(update={"fraction": f.fraction * factor}) for f in stats.frequent
        ),
        "other": other.model_copy(update={"fraction": other.fraction * factor}) if other else None,
        "traits": tuple(
            t.model_copy(update={"fraction": t.fraction * factor}) for t in stats.traits
        ),
    }


def _boost_column(table: Table, col: Column, trait: str, rate: float, key: str) -> Column:
    stats = col.stats
    if trait == NULL:
        if not col.nullable and rate > 0:
            raise UsageError(f"--boost {key!r}: {table.key}.{col.name} is NOT NULL")
        old = 1.0 - stats.null_fraction
        factor = (1.0 - rate) / old if old > 0 else 0.0
        update = {"null_fraction": rate, **_scaled(stats, factor)}
        return col.model_copy(update={"stats": stats.model_copy(update=update)})
    found = parse_trait_name(trait)
    if not isinstance(found, ColumnTrait):
        raise UsageError(f"--boost {key!r}: {trait!r} is a table trait; use {table.key}:{trait}")
    same = [t for t in stats.traits if t.trait == trait]
    if same:
        share = rate / len(same)
        traits = tuple(
            t.model_copy(update={"fraction": share}) if t.trait == trait else t
            for t in stats.traits
        )
    else:
        if not found.applies(col, table):
            raise UsageError(f"--boost {key!r}: {trait!r} does not apply to {table.key}.{col.name}")
        traits = (*stats.traits, TraitStat(trait=trait, fraction=rate))
    return col.model_copy(update={"stats": stats.model_copy(update={"traits": traits})})


def _uncohorted(table: Table, column: str, trait: str) -> tuple[TraitStat, ...]:
    """The table's traits with the cohorts' own NULL share of a NULL-boosted column dropped,
    so every cohort follows the boosted share."""
    if trait != NULL:
        return table.traits
    drop = f"null:{column}"
    return tuple(
        t.model_copy(update={"detail": {k: v for k, v in t.detail.items() if k != drop}})
        if t.trait == "cohort" and drop in t.detail
        else t
        for t in table.traits
    )


def as_boosts(given: Mapping[str, float] | Iterable[str] | None) -> dict[str, float]:
    """Boosts as a mapping, from a mapping or from ``'KEY=RATE'`` strings (``--boost``)."""
    if given is None:
        return {}
    if isinstance(given, Mapping):
        return {key: parse_boost(f"{key}={rate}")[1] for key, rate in given.items()}
    return dict(parse_boost(text) for text in given)


def apply_boosts(profile: Profile, boosts: Mapping[str, float]) -> Profile:
    """``profile`` with each boosted trait's share set to its rate."""
    for key, rate in sorted(boosts.items()):
        target, _, trait = key.rpartition(":")
        table, column = _table(profile, target, key)
        if column is None:
            same = [t for t in table.traits if t.trait == trait]
            if not same:
                raise UsageError(f"--boost {key!r}: table {table.key!r} has no {trait!r} trait")
            found = parse_trait_name(trait)
            if isinstance(found, TableTrait) and found.boost_hint:
                raise UsageError(f"--boost {key!r}: {found.boost_hint}")
            traits = tuple(
                t.model_copy(update={"fraction": rate}) if t.trait == trait else t
                for t in table.traits
            )
            new_table = table.model_copy(update={"traits": traits})
        else:
            columns = tuple(
                _boost_column(table, c, trait, rate, key) if c.name == column else c
                for c in table.columns
            )
            new_table = table.model_copy(
                update={"columns": columns, "traits": _uncohorted(table, column, trait)}
            )
        profile = profile.model_copy(
            update={"tables": tuple(new_table if t.key == table.key else t for t in profile.tables)}
        )
    return profile
