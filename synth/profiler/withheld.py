"""Withheld, not lost: values under k rows that a trait rests on keep their place under a
placeholder token (``withheld:1``, ``withheld:2``...), with their frequency and traits.

The k rule of :mod:`synth.profiler.privacy` merges a value held by fewer than k rows into
the column's *other* bucket. For most values that loses nothing; for a segment column
(`tenants.source`: 8 of 60 tenants `legacy_import`) or a legacy value it loses the trait
built on the value: the cohort of migrated tenants, `plan = 'premium'` no longer written.
Those values are stored as tokens instead: the literal goes no further, its share and
the traits resting on it stay, so the fixtures hold the cohort (its tenants hold
`withheld:1`, their users look as that segment's did).

Tokens are numbered per column by rows held (most first), then by the value's text, so
re-profiling the same data gives the same tokens, and a child table measuring a cohort
through the segment table numbers them the same way from the segment column's counts
(:func:`synth.traits.cohorts.withheld.resolve`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping

from synth.model import Column, LogicalType, Scalar, Table, TraitStat
from synth.traits.cohorts.withheld import PREFIX, is_placeholder, number, token

__all__ = [
    "PREFIX",
    "cohort_tokens",
    "is_placeholder",
    "number",
    "placeholders",
    "renamed",
    "token",
]


def _segment_columns(table: Table) -> set[str]:
    """Columns of ``table`` that split it into cohorts: auto-detected, or named by one of
    its own cohort entries (``--segment-by``)."""
    from synth.traits.base import TraitSettings
    from synth.traits.cohorts.measure import segment_columns

    own = {name for name, _ in segment_columns(table, TraitSettings())}
    for stat in table.traits:
        segment = str(stat.detail.get("segment", "")) if stat.trait == "cohort" else ""
        where, _, column = segment.rpartition(".")
        if where == table.key and "key" not in stat.detail:
            own.add(column)
    return own


def _trait_values(table: Table) -> dict[str, set[Scalar]]:
    """Column -> the values a legacy or stale trait of ``table`` rests on."""
    out: dict[str, set[Scalar]] = {}
    for col in table.columns:
        for stat in col.stats.traits:
            if stat.trait == "legacy_value" and stat.value is not None:
                out.setdefault(col.name, set()).add(stat.value)
    for stat in table.traits:
        if stat.trait == "stale" and stat.columns and stat.value is not None:
            out.setdefault(stat.columns[0], set()).add(stat.value)
    return out


def placeholders(
    table: Table,
    counts: Mapping[str, Mapping[Scalar, int]],
    allowed: Callable[[Column, Scalar], bool],
    personal: Callable[[Column], bool],
) -> dict[str, dict[Scalar, str]]:
    """Column -> (withheld raw value -> token) for the string columns of ``table`` (before
    protection) whose withheld values a trait rests on: every withheld value of a segment
    column, and each value of a legacy or stale trait. ``allowed(column, value)`` says
    whether the k rule lets a value through."""
    segments = _segment_columns(table)
    bearing = _trait_values(table)
    out: dict[str, dict[Scalar, str]] = {}
    for col in table.columns:
        if col.type is not LogicalType.STRING or personal(col):
            continue
        found = counts.get(col.name, {})
        withheld = {v: n for v, n in found.items() if not allowed(col, v)}
        if not withheld:
            continue
        if col.name in segments:
            out[col.name] = number(withheld)
        elif col.name in bearing:
            wanted = {v: n for v, n in withheld.items() if v in bearing[col.name]}
            if wanted:
                out[col.name] = number(wanted)
    return out


def renamed(stat: TraitStat, mapping: Mapping[Scalar, str]) -> TraitStat:
    """``stat`` with its value as its token (unchanged when it has none)."""
    if stat.value in mapping:
        return stat.model_copy(update={"value": mapping[stat.value]})
    return stat


def cohort_tokens(
    stat: TraitStat, table_key: str, tokens: Mapping[str, Mapping[Scalar, str]]
) -> TraitStat:
    """A cohort entry of table ``table_key`` with the withheld values of its columns as
    their tokens: its segment value (a segment column of this table), its list of
    segments, and the keys of its per-value overrides."""
    from synth.traits.cohorts.measure import value_key

    if not tokens:
        return stat
    segment = str(stat.detail.get("segment", ""))
    where, _, column = segment.rpartition(".")
    own = where == table_key and "key" not in stat.detail
    mapping = tokens.get(column, {}) if own else {}
    stat = renamed(stat, mapping)
    detail: dict[str, Scalar] = {}
    for key, value in stat.detail.items():
        if key == "segments" and mapping:
            value = json.dumps([mapping.get(v, v) for v in json.loads(str(value))])
        kind, _, rest = key.partition(":")
        col, _, text = rest.partition("=")
        if kind == "value" and tokens.get(col):
            named = value_key(col, text)
            raw = next((v for v in tokens[col] if value_key(col, v) == named), None)
            if raw is not None:
                key = value_key(col, tokens[col][raw])
        detail[key] = value
    return stat.model_copy(update={"detail": detail})
