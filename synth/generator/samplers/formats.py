"""Text from learned formats: a plain text column's other values made from its ``format``
masks at their measured shares (see :class:`synth.traits.formats.Format`).

The profile's mask shares count every row, frequent values included; a frequent value
counts for the first mask it matches, so the other values make up what the frequent
ones leave of each mask. Rows matching no stored mask (``unmatched``) get word-like
text as any string column does."""

from __future__ import annotations

import numpy as np
import polars as pl

from synth.generator.samplers.base import SHAPES, ColumnContext, Sampler, draw_lengths
from synth.generator.samplers.string import DEFAULT_LENGTHS, unique_strings
from synth.internal.mask_values import generate
from synth.internal.masks import regex
from synth.internal.streams import stratified
from synth.internal.vectors import text
from synth.model import Column, LogicalType, TraitStat
from synth.traits.formats import mask_lengths, mask_values

__all__ = ["FormatSampler", "format_entries"]


def format_entries(col: Column) -> list[TraitStat]:
    """The column's ``format`` entries, most rows first."""
    return [s for s in col.stats.traits if s.trait == "format" and s.value is not None]


def _weights(col: Column, entries: list[TraitStat]) -> np.ndarray:
    """Each mask's share of the other values, then the unmatched share (unnormalised)."""
    left = np.array([s.fraction for s in entries], dtype=np.float64)
    frequent = col.stats.frequent
    if frequent:
        values = pl.Series([str(f.value) for f in frequent], dtype=pl.String)
        taken = np.zeros(len(frequent), dtype=bool)
        for i, stat in enumerate(entries):
            hit = values.str.contains(regex(str(stat.value))).to_numpy() & ~taken
            left[i] -= sum(f.fraction for f, h in zip(frequent, hit, strict=True) if h)
            taken |= hit
    unmatched = float(entries[0].detail.get("unmatched", 0.0) or 0.0)  # type: ignore[arg-type]
    return np.append(np.maximum(left, 0.0), max(unmatched, 0.0))


class FormatSampler(Sampler):
    learned = True

    def claims(self, col: Column) -> bool:
        return (
            col.type is LogicalType.STRING
            and col.semantic is None
            and col.members is None
            and not col.domain
            and bool(format_entries(col))
        )

    def sample(self, ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
        col = ctx.column
        entries = format_entries(col)
        weights = _weights(col, entries)
        if weights.sum() <= 0.0:
            weights[:] = 1.0
        cum = np.cumsum(weights / weights.sum())
        cat = np.minimum(np.searchsorted(cum, stratified(rng, n), side="right"), len(entries))
        out = pl.Series(col.name, [""] * n, dtype=pl.String)
        for i in np.unique(cat).tolist():
            rows = np.flatnonzero(cat == i)
            if i < len(entries):
                made = mask_values(col, entries[i], len(rows), rng)
            else:
                lengths = draw_lengths(
                    col.stats.lengths, len(rows), rng, cap=col.length, default=DEFAULT_LENGTHS
                )
                made = text(lengths, rng, ctx.seed, col.name)
            out = out.scatter(rows, made)
        return out

    def unique(self, ctx: ColumnContext, codes: np.ndarray, rng: np.random.Generator) -> pl.Series:
        """Distinct values of the masks at their shares: each row's code ends one run of
        its mask (the longest fixed-width one that can hold it: a slug's ``w{6}``); rows
        of no mask, or of a mask too short for the codes, get word-like text and a code."""
        col = ctx.column
        entries = format_entries(col)
        n = len(codes)
        weights = _weights(col, entries)
        if weights.sum() <= 0.0:
            weights[:] = 1.0
        cum = np.cumsum(weights / weights.sum())
        cat = np.minimum(np.searchsorted(cum, stratified(rng, n), side="right"), len(entries))
        out = pl.Series(col.name, [""] * n, dtype=pl.String)
        top = np.array([max(ctx.rows, int(codes.max()) + 1 if n else 1) - 1])
        for i in np.unique(cat).tolist():
            rows = np.flatnonzero(cat == i)
            made = None
            if i < len(entries):
                stat = entries[i]
                lengths = mask_lengths(col, stat, len(rows), rng)
                try:
                    generate(str(stat.value), 1, rng, None, top)  # can it hold every code?
                    made = generate(str(stat.value), len(rows), rng, lengths, codes[rows])
                except ValueError:
                    made = None
                too_long = col.length is not None and made is not None
                if too_long and int(made.str.len_chars().max()) > col.length:  # type: ignore[union-attr,operator]
                    made = None
            if made is None:
                made = unique_strings(ctx, codes[rows], rng)
            out = out.scatter(rows, made)
        return out


SHAPES["format"] = FormatSampler()
