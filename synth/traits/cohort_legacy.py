"""Legacy without being told: a value held only inside one minority cohort.

`plan = 'premium'` exists only in the users of tenants migrated from another platform:
today's code never writes it, yet no `--known-values` file says so. Once a table's cohorts
are measured (each segment's complete value set of a column that differs between
segments, ``value:<col>=<v>``), such a value is flagged ``legacy_value`` with ``reason:
cohort_only``, no query needed. The stale rule (:mod:`synth.traits.legacy`) covers the
other half: a value production stopped writing.
"""

from __future__ import annotations

from collections.abc import Sequence

from synth.model import Scalar, Table, TraitStat
from synth.traits.base import TraitSettings
from synth.traits.legacy import LegacyValue, known_values

__all__ = ["cohort_only", "with_cohort_legacy"]


def cohort_only(table: Table) -> dict[str, dict[Scalar, TraitStat]]:
    """Column -> value -> the cohort it only occurs in, for the values of ``table`` held by
    exactly one segment of a dimension that is not that dimension's largest segment."""
    by_dim: dict[str, list[TraitStat]] = {}
    for stat in table.traits:
        if stat.trait == "cohort":
            by_dim.setdefault(str(stat.detail.get("segment", "")), []).append(stat)
    out: dict[str, dict[Scalar, TraitStat]] = {}
    for cohorts in by_dim.values():
        if len(cohorts) < 2:
            continue
        largest = max(cohorts, key=lambda s: (s.fraction, str(s.value)))
        holders: dict[tuple[str, str], list[TraitStat]] = {}
        for stat in cohorts:
            for key, share in stat.detail.items():
                kind, _, rest = key.partition(":")
                if kind == "value" and float(share or 0) > 0:
                    column, _, text = rest.partition("=")
                    holders.setdefault((column, text), []).append(stat)
        for (column, text), held in holders.items():
            if len(held) == 1 and held[0] is not largest:
                value = _frequent(table, column, text)
                if value is not None:
                    out.setdefault(column, {})[value] = held[0]
    return out


def _frequent(table: Table, column: str, text: str) -> Scalar | None:
    from synth.traits.cohorts.measure import value_key

    try:
        col = table.column(column)
    except KeyError:
        return None
    key = value_key(column, text)
    return next((f.value for f in col.stats.frequent if value_key(column, f.value) == key), None)


def with_cohort_legacy(table: Table, settings: TraitSettings) -> Table:
    """``table`` (with its cohorts measured) with a ``legacy_value`` entry, ``reason:
    cohort_only``, for each value only one minority cohort holds; not on a column whose
    values a ``--known-values`` file or the schema lists (those decide), nor for a value
    already legacy."""
    found = cohort_only(table)
    if not found:
        return table
    columns = []
    for col in table.columns:
        values = found.get(col.name, {})
        listed = known_values(col, table.key, settings.known_values)
        if not values or listed is not None or col.type not in LegacyValue.types:
            columns.append(col)
            continue
        have = {s.value for s in col.stats.traits if s.trait == LegacyValue.name}
        shares = {f.value: f.fraction for f in col.stats.frequent}
        added: Sequence[TraitStat] = [
            TraitStat(
                trait=LegacyValue.name,
                fraction=shares[value],
                value=value,
                detail=_detail(cohort),
            )
            for value, cohort in values.items()
            if value not in have and shares.get(value, 0) > 0
        ]
        stats = col.stats.model_copy(update={"traits": (*col.stats.traits, *added)})
        columns.append(col.model_copy(update={"stats": stats}))
    return table.model_copy(update={"columns": tuple(columns)})


def _detail(cohort: TraitStat) -> dict[str, Scalar]:
    """Which rule flagged it, and the segment column (the cohort's value is left out: it
    may be one fewer than k rows hold, see ``docs/privacy.md``)."""
    return {"reason": "cohort_only", "segment": str(cohort.detail.get("segment", ""))}
