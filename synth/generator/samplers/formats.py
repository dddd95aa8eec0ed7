"""Text from learned formats: a text column's other values made from its ``format`` masks
at their measured shares (see :class:`synth.traits.formats.Format`).

The profile's mask shares count every row, frequent values included; a frequent value
counts for the first mask it matches, so the other values make up what the frequent
ones leave of each mask. Rows matching no stored mask (``unmatched``) get word-like
text as any string column does. A semantic column (emails, names, URLs) keeps its own
generator: its values are sorted into the masks they match, kept up to each mask's
share, and the rest are made from the masks short of rows."""

from __future__ import annotations

import numpy as np
import polars as pl

from synth.generator.samplers.base import (
    SEMANTIC,
    SHAPES,
    ColumnContext,
    Sampler,
    draw_lengths,
)
from synth.generator.samplers.string import DEFAULT_LENGTHS, unique_strings
from synth.internal.mask_values import generate
from synth.internal.streams import stratified
from synth.internal.vectors import text
from synth.model import Column, LogicalType, TraitStat
from synth.traits.formats import OWN_SHAPE, format_entries, mask_lengths, mask_values, own_masks

__all__ = ["FormatSampler"]


def _weights(col: Column, entries: list[TraitStat]) -> np.ndarray:
    """Each mask's share of the other values, then the unmatched share (unnormalised)."""
    left = np.array([s.fraction for s in entries], dtype=np.float64)
    frequent = col.stats.frequent
    if frequent:
        values = pl.Series([str(f.value) for f in frequent], dtype=pl.String)
        owner = own_masks(values, entries)
        for i in range(len(entries)):
            left[i] -= sum(f.fraction for f, o in zip(frequent, owner, strict=True) if o == i)
    unmatched = float(entries[0].detail.get("unmatched", 0.0) or 0.0)  # type: ignore[arg-type]
    weights = np.append(np.maximum(left, 0.0), max(unmatched, 0.0))
    if weights.sum() <= 0.0:
        weights[:] = 1.0
    return weights / weights.sum()


def _categories(weights: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Each row's mask (the last index: no mask), drawn stratified."""
    cum = np.cumsum(weights)
    return np.minimum(np.searchsorted(cum, stratified(rng, n), side="right"), len(weights) - 1)


class FormatSampler(Sampler):
    learned = True

    def claims(self, col: Column) -> bool:
        return (
            col.type is LogicalType.STRING
            and col.members is None
            and not col.domain
            and col.semantic not in OWN_SHAPE
            and bool(format_entries(col))
        )

    def sample(self, ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
        col = ctx.column
        entries = format_entries(col)
        cat = _categories(_weights(col, entries), n, rng)
        semantic = SEMANTIC.get(col.type) if col.semantic is not None else None
        if semantic is not None:
            return self._sorted(ctx, semantic.sample(ctx, n, rng), cat, entries, rng)
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

    def _sorted(
        self,
        ctx: ColumnContext,
        base: pl.Series,
        cat: np.ndarray,
        entries: list[TraitStat],
        rng: np.random.Generator,
        codes: np.ndarray | None = None,
    ) -> pl.Series:
        """``base`` (a semantic generator's values) with as many rows of each mask as
        ``cat`` asks: values already of a mask are kept up to its count, the rows a mask
        lacks are made from it, taken from values of masks over their count first; with
        ``codes`` (a unique column) the made values hold them (a mask too short for them
        leaves its rows as they were)."""
        k = len(entries)
        want = np.bincount(cat, minlength=k + 1)
        has = own_masks(base, entries)
        keep = np.zeros(len(base), dtype=bool)
        for i in range(k + 1):
            rows = np.flatnonzero(has == i)
            keep[rows[: want[i]]] = True
            want[i] -= min(want[i], len(rows))
        free = np.flatnonzero(~keep)
        out = base
        at = 0
        for i in range(k):
            if want[i] and at < len(free):
                rows = free[at : at + want[i]]
                made = self._made(ctx, entries[i], rows, rng, codes)
                if made is not None:
                    at += len(rows)
                    out = out.scatter(rows, made)
        return out.rename(ctx.column.name)

    def _made(
        self,
        ctx: ColumnContext,
        stat: TraitStat,
        rows: np.ndarray,
        rng: np.random.Generator,
        codes: np.ndarray | None,
    ) -> pl.Series | None:
        """Values of ``stat``'s mask for ``rows``; with ``codes``, distinct ones (None when
        the mask cannot hold every code or the values outgrow the column)."""
        col = ctx.column
        if codes is None:
            return mask_values(col, stat, len(rows), rng)
        top = np.array([max(ctx.rows, int(codes.max()) + 1 if len(codes) else 1) - 1])
        try:
            generate(str(stat.value), 1, rng, None, top)  # can it hold every code?
            lengths = mask_lengths(col, stat, len(rows), rng)
            made = generate(str(stat.value), len(rows), rng, lengths, codes[rows])
        except ValueError:
            return None
        if col.length is not None and int(made.str.len_chars().max() or 0) > col.length:
            return None
        return made

    def pool_weights(self, ctx: ColumnContext, pool: pl.Series) -> np.ndarray | None:
        """Each pool value's mask's share, split among the pool values of that mask."""
        entries = format_entries(ctx.column)
        weights = _weights(ctx.column, entries)
        has = own_masks(pool, entries)
        count = np.bincount(has, minlength=len(entries) + 1)
        out = weights[has] / count[has]
        return out / out.sum() if out.sum() > 0 else None

    def unique(self, ctx: ColumnContext, codes: np.ndarray, rng: np.random.Generator) -> pl.Series:
        """Distinct values of the masks at their shares: each row's code ends one run of
        its mask (the longest fixed-width one that can hold it: a slug's ``w{6}``); rows
        of no mask, or of a mask too short for the codes, get word-like text and a code.
        A semantic column keeps its own generator's distinct values."""
        col = ctx.column
        entries = format_entries(col)
        cat = _categories(_weights(col, entries), len(codes), rng)
        if col.semantic is not None and col.type in SEMANTIC:
            base = SEMANTIC[col.type].unique(ctx, codes, rng)
            return self._sorted(ctx, base, cat, entries, rng, codes)
        out = pl.Series(col.name, [""] * len(codes), dtype=pl.String)
        for i in np.unique(cat).tolist():
            rows = np.flatnonzero(cat == i)
            made = self._made(ctx, entries[i], rows, rng, codes) if i < len(entries) else None
            if made is None:
                made = unique_strings(ctx, codes[rows], rng)
            out = out.scatter(rows, made)
        return out


SHAPES["format"] = FormatSampler()
