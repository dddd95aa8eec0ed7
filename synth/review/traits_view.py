"""``synth traits``: every production shape a profile holds, as a table for review."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Group, RenderableType

from synth.internal.text import grid, plain_text
from synth.model import Profile
from synth.traits import get

__all__ = ["TraitRow", "render_traits", "trait_rows", "traits_view"]


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


def traits_view(profile: Profile) -> RenderableType:
    """:func:`trait_rows` as a rich table (where, trait, share of rows, shape: a measured
    value, or the trait in words)."""
    rows = trait_rows(profile)
    if not rows:
        return "no traits: every column is clean (no NULLs, no measured dirt)"
    table = grid("where", "trait", "rows", "shape", right=("rows",))
    for r in rows:
        table.add_row(r.where, r.trait, f"{r.fraction:.2%}", r.shape)
    return Group(table, f"{len(rows)} shapes")


def render_traits(profile: Profile) -> str:
    """:func:`traits_view` as plain text."""
    return plain_text(traits_view(profile))
