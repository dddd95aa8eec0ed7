"""Formats: the shape of text that code parses (separators, prefixes, schemes, fixed widths)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from synth.internal.mask_values import generate
from synth.internal.masks import breadth, regex
from synth.internal.vectors import inverse_cdf
from synth.model import Column, LogicalType, SemanticType, Table, TraitStat
from synth.traits import register
from synth.traits.base import ColumnTrait, MeasureContext, Probe

__all__ = [
    "DELIMITERS",
    "Delimiter",
    "Format",
    "format_entries",
    "mask_lengths",
    "mask_values",
    "own_masks",
    "precedence",
]

STRING = frozenset({LogicalType.STRING})
DELIMITERS = (", ", ";", "|", "/", "\n")
"""The delimiters measured inside values."""


OWN_SHAPE = frozenset(
    {SemanticType.UUID, SemanticType.CARD_NUMBER, SemanticType.IBAN, SemanticType.IP}
)
"""Semantics whose values no mask can make, so none is measured or applied: hex groups
are not free letters, a card number or an IBAN carries a check digit that digits drawn
per place would break, and an IP address is made inside the documentation ranges (RFC
3849, 5737), never a routable one (their own generators keep their shapes)."""


def format_entries(col: Column) -> list[TraitStat]:
    """The column's ``format`` entries, most rows first."""
    return [s for s in col.stats.traits if s.trait == "format" and s.value is not None]


def precedence(entries: Sequence[TraitStat]) -> list[int]:
    """Indexes of ``entries`` in the order a value is matched against their masks: the
    narrowest first (a hex code matches ``W{11}`` too, but its own mask is ``H{11}``), then
    the most rows. Generation and validation both sort values by it, so they agree."""
    return sorted(
        range(len(entries)), key=lambda i: (breadth(str(entries[i].value)), -entries[i].fraction)
    )


def own_masks(values: pl.Series, entries: Sequence[TraitStat]) -> np.ndarray:
    """Each value's mask, as an index of ``entries`` (``len(entries)``: none of them)."""
    out = np.full(len(values), len(entries), dtype=np.int64)
    text = values.cast(pl.String)
    for i in reversed(precedence(entries)):
        hit = text.str.contains(regex(str(entries[i].value))).fill_null(False)
        out[hit.to_numpy()] = i
    return out


def mask_lengths(column: Column, stat: TraitStat, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` total lengths for values of ``stat``'s mask: the column's length distribution,
    kept within the lengths the mask's rows had (and the column's declared length)."""
    lo = int(stat.detail.get("length_min", 0) or 0)  # type: ignore[arg-type]
    hi = int(stat.detail.get("length_max", lo + 24) or lo)  # type: ignore[arg-type]
    if column.length is not None:
        hi = min(hi, column.length)
        lo = min(lo, hi)
    dist = column.stats.lengths
    if dist is None:
        return rng.integers(lo, hi + 1, n)
    pts = dist.points()
    qs = np.array([q for q, _ in pts], dtype=np.float64)
    vs = np.array([float(v) for _, v in pts], dtype=np.float64)  # type: ignore[arg-type]
    # the column's distribution within the mask's lengths (its quantiles between them), so
    # a mask of the longest values fills the column's top quantiles, not only their floor
    q_lo, q_hi = np.interp([lo - 0.5, hi + 0.5], vs, qs)
    if q_hi - q_lo < 1e-9:
        return rng.integers(lo, hi + 1, n)
    drawn = np.rint(inverse_cdf(qs, vs, q_lo + (q_hi - q_lo) * rng.random(n))).astype(np.int64)
    return np.clip(drawn, lo, hi)


def mask_values(column: Column, stat: TraitStat, n: int, rng: np.random.Generator) -> pl.Series:
    """``n`` fresh values of the mask of ``stat`` (a ``format`` entry) for ``column``."""
    values = generate(str(stat.value), n, rng, mask_lengths(column, stat, n, rng))
    if column.length is not None:
        values = values.str.slice(0, column.length)
    return values.rename(column.name)


@register
class Format(ColumnTrait):
    """**format**: the shapes of a text column's values as masks, run-length
    character-class patterns (`l+(-l+){2,7}-w{6}`, `$'2b'$'12'$b{53}`,
    `'md5'$h{8}$h{32}`, `d{4}-d{2}-d{2}`), one entry per mask with its share of rows.

    Code that splits, prefixes, parses or dispatches on text (a slug's trailing code, a
    password hash's scheme, a date string, a delimiter-joined list, JSON in a text
    column) breaks on the shapes production holds and pseudo-words never show.
    *Measured* on every text column that is no key, not unique and has no declared
    domain (personal columns too: a mask is a shape, not a value) by **one query per
    table**, a sample of at most 10,000 rows of its text columns (see
    `synth/profiler/formats.py` and the mask language in `synth/internal/masks.py`): the
    whole table when it is that small, else the rows whose integer key hashes below a
    threshold (deterministic), or a random order without one. Letters and digits stay
    literal (`'md5'`) only where at least `--min-count` rows of the sample share them,
    at most 4 texts per place (in personal columns only up to 4 characters holding a
    digit, a hash scheme's `'2b'`, never every run of the mask); punctuation and spaces
    always stay. *Stored* per mask (the 16 most frequent, from a sample of 1,000 rows or
    more those holding 0.1% of it): `value` = the mask, `fraction` = its share of all
    rows, `detail` = `name` (a readable name for case ids), `sample` (rows read),
    `unmatched` (the share of rows matching no stored mask), `length_min`, `length_max`
    (of the mask's rows). *Injected* by the format sampler, which makes the values of a
    plain text column from the masks at their shares (the rest, and `unmatched`, as
    before), with lengths from the column's length distribution within the mask's;
    semantic columns (emails, names, URLs) keep their generators, and rows are topped up
    to each mask's share with values of that mask. A unique column (a slug) gets each
    row's code, scrambled, at the end of one run of its mask (the longest fixed-width
    run that holds the codes: the slug's `w{6}`), so values stay distinct and keep their
    shape. Case, padding and other string traits are applied on top (an accent on a
    masked column replaces a letter with a letter of its case, so the mask holds); a
    top-up never rewrites a listed value or a placeholder. Carriers are the rows whose
    own mask it is: matching it and no narrower mask of the column (`H{11}` before
    `W{11}`), as the profile's tokens sort values. A mask is a share of a distribution,
    not a shape forced into every fixture: `--min-trait-rows` does not apply to it (nor
    does a small table grow for it), and `synth validate` judges its rate among the non-
    NULL rows, allowing the shares of the column's other traits, which are applied over
    it.

    *The mask language* (`synth/internal/masks.py`): `l` lower-case letters, `u` upper-
    case letters, `d` digits, `h`/`H` hex of 8 or more holding letters and digits,
    `w`/`W` lower/upper-case letters mixed with digits, `x` both cases and digits, `b` a
    base64-like run of 20 or more (`A-Za-z0-9./+`), `n` other non-ASCII characters; each
    takes `{n}` (exactly n) or `+` (one or more). Punctuation, spaces and control
    characters stand for themselves (`\\` escapes `\\ ' + { } ( )`, `\\n`, `\\t`, `\\r`,
    `\\xHH` spell control characters); letters and digits kept literally are quoted
    (`'md5'`); `(SEP RUN){m,n}` repeats a separator and a run m to n times (3 or more
    counts seen). The empty mask is the empty string. *Stored, never*: a value (or a
    literal) fewer than `--min-count` rows of the sample share; in personal columns a
    literal over 4 characters or without a digit (a piece of a name), or a mask spelled
    out entirely. A mask of a single row is kept (a small table's empty tag, its
    delimiter-containing tag): it tells the shape, the characters are made up.
    """

    name = "format"
    family = "formats"
    example = "l+(-l+){2,7}-w{6}"
    types = STRING
    shape_value = True
    overlaid = True
    forced = False

    def probes(self, column: Column, ctx: MeasureContext) -> Sequence[Probe]:
        return []  # measured by the table's sample query (synth.profiler.formats)

    def stats(self, counts, rows, column, ctx) -> list[TraitStat]:  # type: ignore[no-untyped-def]
        return []

    def carriers(self, expr: pl.Expr, column: Column, stat: TraitStat) -> pl.Expr:
        """Rows whose own mask is this one: matching it and no mask ahead of it."""
        text = expr.cast(pl.String)
        hit = text.str.contains(regex(str(stat.value)))
        entries = format_entries(column)
        order = precedence(entries)
        ahead = order[: order.index(entries.index(stat))] if stat in entries else []
        for i in ahead:
            hit = hit & ~text.str.contains(regex(str(entries[i].value)))
        return hit

    def inject(
        self, values: pl.Series, column: Column, stat: TraitStat, rng: np.random.Generator
    ) -> pl.Series:
        return mask_values(column, stat, len(values), rng)

    def taken(self, expr: pl.Expr, column: Column) -> pl.Expr | None:
        """The column's listed values: production's own literals and the placeholders of
        withheld ones (`withheld:1`) carry frequencies, cohorts and legacy traits; a top-up
        of a mask never rewrites them."""
        listed = [str(f.value) for f in column.stats.frequent if f.value is not None]
        if not listed:
            return None
        return expr.cast(pl.String).is_in(pl.Series(listed, dtype=pl.String).implode())

    def _held(self, values: pl.Series, column: Column, stat: TraitStat) -> np.ndarray | None:
        """Rows matching another of the column's masks (None: it has no other)."""
        others = [s for s in column.stats.traits if s.trait == "format" and s != stat]
        if not others:
            return None
        text = values.cast(pl.String)
        held = np.zeros(len(values), dtype=bool)
        for s in others:
            held |= text.str.contains(regex(str(s.value))).fill_null(False).to_numpy()
        return held

    def nearness(self, values: pl.Series, column: Column, stat: TraitStat) -> np.ndarray | None:
        """Rows matching none of the column's masks first, so that topping one mask up
        does not take the rows of another (a phone generator's shape over two formats)."""
        held = self._held(values, column, stat)
        return None if held is None else (~held).astype(np.float64)

    def spare(self, values: pl.Series, column: Column, stat: TraitStat) -> np.ndarray | None:
        return self._held(values, column, stat)

    def describe(self, stat: TraitStat, table: Table, column: Column | None = None) -> str:
        return f"{stat.value} ({stat.detail.get('name', '')})"


@register
class Delimiter(ColumnTrait):
    """**delimiter**: values holding a delimiter code splits or joins on: `', '`, `';'`,
    `'|'`, `'/'` or a newline (`'news, politics'` in a tag column).

    Code that joins values with that delimiter and splits them again, or exports them
    to CSV, breaks on these rows. *Measured* in the aggregate query (no extra query):
    `col LIKE '%, %'` and so on, one count per delimiter. Stored once per delimiter
    found, with `value` the delimiter (vocabulary, not data). *Injected* by putting the
    delimiter in the middle of a generated value in place of as many characters (so a
    fixed-width format keeps its width), shortened to fit the column's length.
    """

    name = "delimiter"
    family = "formats"
    example = "'news, politics'"
    types = STRING
    shape_value = True

    def probes(self, column: Column, ctx: MeasureContext) -> Sequence[Probe]:
        return [
            Probe(
                sql=lambda e, d=d: e.contains(d, autoescape=True),
                frame=lambda e, d=d: e.cast(pl.String).str.contains(d, literal=True),
                key=d,
            )
            for d in DELIMITERS
        ]

    def inject(
        self, values: pl.Series, column: Column, stat: TraitStat, rng: np.random.Generator
    ) -> pl.Series:
        sep = str(stat.value)
        values = values.cast(pl.String)
        if column.length is not None:
            values = values.str.slice(0, max(0, column.length - len(sep)))
        half = values.str.len_chars() // 2
        head = values.str.slice(0, half)
        tail = values.str.slice(half + len(sep))  # in place of characters: the length holds
        out = pl.select(pl.concat_str([pl.lit(head), pl.lit(sep), pl.lit(tail)])).to_series()
        return out.rename(values.name)

    def describe(self, stat: TraitStat, table: Table, column: Column | None = None) -> str:
        return f"contains {stat.value!r}"
