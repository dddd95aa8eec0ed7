"""``synth traits``: every production shape a profile holds, as a table for review."""

from __future__ import annotations

from dataclasses import dataclass

from synth.model import Profile
from synth.traits import get

__all__ = ["TraitRow", "render_traits", "trait_rows"]


@dataclass(frozen=True)
class TraitRow:
    """One shape: where, which trait, how often, what it looks like."""

    where: str
    trait: str
    fraction: float
    shape: str


def trait_rows(profile: Profile) -> list[TraitRow]:
    """NULLs and every trait entry, table by table, in profile order."""
    rows: list[TraitRow] = []
    for table in profile.tables:
        for col in table.columns:
            where = f"{table.key}.{col.name}"
            if col.stats.null_fraction > 0:
                rows.append(TraitRow(where, "null", col.stats.null_fraction, "NULL"))
            for stat in col.stats.traits:
                trait = get(stat.trait, where=where)
                shape = trait.describe(stat, table, col)
                rows.append(TraitRow(where, stat.trait, stat.fraction, shape))
        for stat in table.traits:
            where = table.key + (f".{','.join(stat.columns)}" if stat.columns else "")
            trait = get(stat.trait, where=table.key)
            rows.append(TraitRow(where, stat.trait, stat.fraction, trait.describe(stat, table)))
    return rows


def render_traits(profile: Profile) -> str:
    """A plain-text table of :func:`trait_rows`."""
    rows = trait_rows(profile)
    if not rows:
        return "no traits: every column is clean (no NULLs, no measured dirt)\n"
    width = max(len(r.where) for r in rows)
    kind = max(len(r.trait) for r in rows)
    lines = [f"{'where':<{width}}  {'trait':<{kind}}  {'rows':>8}  example"]
    for r in rows:
        lines.append(f"{r.where:<{width}}  {r.trait:<{kind}}  {r.fraction:>8.2%}  {r.shape}")
    return "\n".join(lines) + f"\n{len(rows)} shapes\n"
