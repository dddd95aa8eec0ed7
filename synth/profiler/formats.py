"""The format statistic: which masks (``synth.internal.masks``) the text columns hold.

One bounded query per table reads a sample of its text columns (at most
:data:`SAMPLE_ROWS` rows, every column cut to :data:`MAX_CHARS` + 1 characters): the
whole table when it is that small; else, with an integer primary key, the rows whose
key hashes below a threshold (deterministic, ``MOD(key * 48271, 1000003)``), without
one a random order (``random()``, MySQL/MariaDB ``RAND()``). Masks are computed here,
in Python, over the sample's distinct values.

Values are grouped by shape: runs of one character class, the punctuation between them.
A shape whose separator-and-run pair repeats a varying number of times (3 or more
different counts: slugs, comma-joined lists) becomes one mask with a group
``(-l+){2,7}``; other shapes keep their exact sequence. Within a shape a run is ``{n}``
when every value has it that long, else ``+``. A run becomes a literal (``'md5'``,
``'2b'``) only where each of its texts is shared by at least k rows of the sample (k =
``--min-count``), at most 4 of them; in personal columns only runs of up to 4 characters
holding a digit (a hash scheme's ``'2b'``, a country code), never every run of a mask,
never a piece of a name. Punctuation and
spaces are always literal: they are the shape. The :data:`MAX_MASKS` most frequent masks
are stored (from a sample of 1,000 rows or more, those holding at least 0.1% of it) as
``format`` trait entries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from synth.internal.masks import Element, Group, Lit, Run, mask_name, render, tokens
from synth.model import Column, LogicalType, Table, TraitStat
from synth.profiler.semantic import is_personal
from synth.traits.formats import OWN_SHAPE

__all__ = ["MAX_CHARS", "MAX_MASKS", "SAMPLE_ROWS", "column_masks", "measure_formats"]

SAMPLE_ROWS = 10_000
"""Rows read per table for the format statistic."""
MAX_CHARS = 512
"""Longer values are read this far, and count as matching no mask."""
MAX_MASKS = 16
"""Masks stored per column."""
MIN_SHARE = 0.001
"""From a sample of 1,000 rows or more, a mask holding less of it is not stored."""
MAX_LITERALS = 4
"""A run becomes literal only where it holds at most this many texts."""
PERSONAL_LITERAL = 4
"""The longest literal run a personal column's mask keeps, and only with a digit in it (a
hash scheme's ``2b``, a cost ``12``, a country code): never a piece of a name."""
_HASH = (48271, 1_000_003)


@dataclass
class _Shape:
    """Values of one exact shape: head literal, (separator, class) pairs, tail literal."""

    values: list[tuple[list[str], int, int]] = field(default_factory=list)
    """(run texts, rows, length) per distinct value."""


@dataclass(frozen=True)
class MaskCount:
    """A mask and the sampled rows it holds."""

    mask: str
    rows: int
    length_min: int
    length_max: int


def _split(value: str) -> tuple[str, tuple[tuple[str, str], ...], str, list[str]]:
    """(head, ((separator, class), ...), tail, run texts) of ``value``."""
    head = sep = ""
    pairs: list[tuple[str, str]] = []
    texts: list[str] = []
    for cls, text in tokens(value):
        if not cls:
            sep += text
            continue
        if not pairs and not texts:
            head, sep = sep, ""
        pairs.append((sep, cls))
        texts.append(text)
        sep = ""
    if not pairs:
        return sep, (), "", []
    return head, tuple(pairs), sep, texts


def _stretch(pairs: tuple[tuple[str, str], ...]) -> tuple[int, int] | None:
    """(start, repeats) of the longest run of equal (separator, class) pairs following a run
    of the same class (the first of them if equal), or None."""
    best: tuple[int, int] | None = None
    i = 1
    while i < len(pairs):
        sep, cls = pairs[i]
        if sep and pairs[i - 1][1] == cls:
            j = i
            while j + 1 < len(pairs) and pairs[j + 1] == pairs[i]:
                j += 1
            if best is None or j - i + 1 > best[1]:
                best = (i - 1, j - i + 1)
            i = j + 1
        else:
            i += 1
    return best


def _length(lengths: Sequence[int]) -> int | None:
    return lengths[0] if len(set(lengths)) == 1 else None


def _exact_masks(
    head: str, pairs: tuple[tuple[str, str], ...], tail: str, shape: _Shape, k: int, personal: bool
) -> list[MaskCount]:
    literal_at: list[int] = []
    for j in range(len(pairs)):
        held: Counter[str] = Counter()
        for texts, rows, _ in shape.values:
            held[texts[j]] += rows
        short = not personal or all(
            len(t) <= PERSONAL_LITERAL and any(c.isdigit() for c in t) for t in held
        )
        if short and len(held) <= MAX_LITERALS and min(held.values()) >= k:
            literal_at.append(j)
    if personal and len(literal_at) == len(pairs):
        literal_at = []  # a personal column's value is never spelled out, whatever k
    groups: dict[tuple[str, ...], list[tuple[list[str], int, int]]] = {}
    for item in shape.values:
        groups.setdefault(tuple(item[0][j] for j in literal_at), []).append(item)
    out = []
    for fixed, items in groups.items():
        elements: list[Element] = [Lit(head)] if head else []
        for j, (sep, cls) in enumerate(pairs):
            if sep:
                elements.append(Lit(sep))
            if j in literal_at:
                elements.append(Lit(fixed[literal_at.index(j)]))
            else:
                elements.append(Run(cls, _length([len(t[j]) for t, _, _ in items])))
        if tail:
            elements.append(Lit(tail))
        out.append(_count(render(elements), items))
    return out


def _count(mask: str, items: Sequence[tuple[Any, int, int]]) -> MaskCount:
    lengths = [n for _, _, n in items]
    return MaskCount(mask, sum(r for _, r, _ in items), min(lengths), max(lengths))


def _grouped_mask(
    head: str,
    pairs: tuple[tuple[str, str], ...],
    at: int,
    tail: str,
    items: list[tuple[tuple[tuple[str, str], ...], list[str], int, int]],
) -> MaskCount:
    """One mask for values of ``pairs`` whose stretch after ``at`` repeats a varying number
    of times: (pairs with the stretch once, run texts, rows, length)."""
    before, (sep, cls), after = pairs[: at + 1], pairs[at + 1], pairs[at + 2 :]
    reps = [len(p) - len(pairs) + 1 for p, _, _, _ in items]
    elements: list[Element] = [Lit(head)] if head else []
    for j, (s, c) in enumerate(before):
        if s:
            elements.append(Lit(s))
        elements.append(Run(c, _length([len(t[j]) for _, t, _, _ in items])))
    inner = [
        len(x) for (_, t, _, _), r in zip(items, reps, strict=True) for x in t[at + 1 : at + 1 + r]
    ]
    elements.append(Group(sep, Run(cls, _length(inner)), min(reps), max(reps)))
    for j, (s, c) in enumerate(after):
        if s:
            elements.append(Lit(s))
        back = len(after) - j
        elements.append(Run(c, _length([len(t[-back]) for _, t, _, _ in items])))
    if tail:
        elements.append(Lit(tail))
    return _count(render(elements), [(None, rows, n) for _, _, rows, n in items])


def column_masks(values: Sequence[str], k: int, personal: bool = False) -> list[MaskCount]:
    """The masks of ``values`` (a sample of a column's non-NULL values), most rows first;
    values longer than :data:`MAX_CHARS` hold none. Letters and digits shared by ``k``
    rows may stay literal; in a ``personal`` column only up to :data:`PERSONAL_LITERAL`
    characters, and never every run of a mask."""
    shapes: dict[tuple[str, tuple[tuple[str, str], ...], str], _Shape] = {}
    for value, rows in Counter(values).items():
        if len(value) > MAX_CHARS:
            continue
        head, pairs, tail, texts = _split(value)
        shapes.setdefault((head, pairs, tail), _Shape()).values.append((texts, rows, len(value)))
    # shapes whose repeated (separator, class) pair comes in 3+ counts: one grouped mask
    collapsed: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
    for (head, pairs, tail), shape in shapes.items():
        found = _stretch(pairs)
        if found is not None:
            at, reps = found
            once = pairs[: at + 2] + pairs[at + 1 + reps :]
            collapsed.setdefault((head, once, at, tail), []).append((pairs, shape))
    grouped: set[tuple[Any, ...]] = set()
    masks: list[MaskCount] = []
    for (head, once, at, tail), members in collapsed.items():
        if len({len(p) for p, _ in members}) < 3:
            continue
        items = [(p, t, r, n) for p, shape in members for t, r, n in shape.values]
        masks.append(_grouped_mask(head, once, at, tail, items))
        grouped |= {(head, p, tail) for p, _ in members}
    for key, shape in shapes.items():
        if key not in grouped:
            masks.extend(_exact_masks(*key, shape, k, personal))
    merged: dict[str, MaskCount] = {}
    for m in masks:
        old = merged.get(m.mask)
        if old is not None:
            m = MaskCount(m.mask, m.rows + old.rows, min(m.length_min, old.length_min),
                          max(m.length_max, old.length_max))  # fmt: skip
        merged[m.mask] = m
    return sorted(merged.values(), key=lambda m: (-m.rows, m.mask))


def _listed(column: Column, rows: int, k: int) -> bool:
    """Whether frequent values k rows share hold all but 1% of the non-NULL rows: their
    values, stored as they are, already are the column's formats."""
    stats = column.stats
    kept = sum(f.fraction for f in stats.frequent if f.fraction * rows >= k)
    return bool(stats.frequent) and kept >= 1.0 - stats.null_fraction - 0.01


def _without_listed_delimiters(table: Table, k: int) -> Table:
    """``table`` without ``delimiter`` entries on columns its frequent values list: there the
    values themselves hold the delimiters (``America/New_York``), at their shares."""
    out = []
    for c in table.columns:
        if c.type is LogicalType.STRING and _listed(c, table.rows, k):
            kept = tuple(s for s in c.stats.traits if s.trait != "delimiter")
            c = c.model_copy(update={"stats": c.stats.model_copy(update={"traits": kept})})
        out.append(c)
    return table.model_copy(update={"columns": tuple(out)})


def format_columns(table: Table, k: int = 0) -> list[Column]:
    """The columns the format statistic measures: text columns that are no primary or
    foreign key (unique ones too: a slug), not held to a declared domain or set of
    members, and not listed by their frequent values (see :func:`_listed`)."""
    keys = {c for fk in table.foreign_keys for c in fk.columns} | set(table.primary_key)
    return [
        c
        for c in table.columns
        if c.type is LogicalType.STRING and c.name not in keys and not c.domain
        and c.members is None and c.derived is None and not _listed(c, table.rows, k)
        and c.semantic not in OWN_SHAPE
    ]  # fmt: skip


def _sample_sql(table: Table, columns: list[Column], dialect: str) -> Callable[[Any], Any]:
    import sqlalchemy as sa

    def build(source: Any) -> Any:
        cols = [sa.func.substr(source.c[c.name], 1, MAX_CHARS + 1) for c in columns]
        query = sa.select(*cols)
        if table.rows > SAMPLE_ROWS:
            key = table.primary_key[0] if len(table.primary_key) == 1 else None
            kind = table.column(key).type if key else None
            if kind is LogicalType.INTEGER:
                mult, mod = _HASH
                # 97% of the limit on average, so the limit (a guard) almost never cuts
                # the newest rows off: a scan returns them last
                keep = int(mod * min(1.0, 0.97 * SAMPLE_ROWS / table.rows))
                hashed = sa.cast(source.c[key], sa.BigInteger) * mult % mod
                query = query.where(hashed < keep)
            else:
                rand = sa.func.rand() if dialect in ("mysql", "mariadb") else sa.func.random()
                query = query.order_by(rand)
        return query.limit(SAMPLE_ROWS)

    return build


def _sample_frame(table: Table, columns: list[Column]) -> Callable[[Any], Any]:
    import polars as pl

    def build(lf: pl.LazyFrame) -> pl.LazyFrame:
        step = max(1, table.rows // SAMPLE_ROWS)
        cols = [pl.col(c.name).cast(pl.String).str.slice(0, MAX_CHARS + 1) for c in columns]
        return lf.select(cols).gather_every(step).head(SAMPLE_ROWS)

    return build


def measure_formats(measure: Any, table: Table, k: int) -> Table:
    """``table`` with ``format`` entries added to its text columns' traits, from one sample
    query through ``measure`` (a :class:`~synth.traits.base.TableMeasure`)."""
    table = _without_listed_delimiters(table, k)
    columns = format_columns(table, k)
    if not columns or table.rows == 0:
        return table
    conn = getattr(measure, "conn", None)
    dialect = conn.dialect.name if conn is not None else ""
    if hasattr(measure, "statistic"):
        measure.statistic = "format"
    rows = measure.rows(_sample_sql(table, columns, dialect), _sample_frame(table, columns))
    found: dict[str, tuple[TraitStat, ...]] = {}
    for i, col in enumerate(columns):
        values = [r[i] for r in rows if r[i] is not None]
        found[col.name] = format_stats(col, values, k)
    out = []
    for c in table.columns:
        if found.get(c.name):
            stats = c.stats.model_copy(update={"traits": (*found[c.name], *c.stats.traits)})
            c = c.model_copy(update={"stats": stats})
        out.append(c)
    return table.model_copy(update={"columns": tuple(out)})


def format_stats(column: Column, values: Sequence[str], k: int) -> tuple[TraitStat, ...]:
    """The ``format`` entries of ``column`` from a sample of its non-NULL ``values``."""
    sample = len(values)
    if not sample:
        return ()
    masks = column_masks([str(v) for v in values], k, is_personal(column.semantic))
    if sample >= 1000:
        masks = [m for m in masks if m.rows >= MIN_SHARE * sample]
    masks = masks[:MAX_MASKS]
    share = 1.0 - column.stats.null_fraction
    unmatched = round(share * (sample - sum(m.rows for m in masks)) / sample, 6)
    names: Counter[str] = Counter()
    out = []
    for m in masks:
        name = mask_name(m.mask)
        names[name] += 1
        if names[name] > 1:
            name = f"{name}-{names[name]}"
        detail = {"name": name, "sample": sample, "unmatched": unmatched,
                  "length_min": m.length_min, "length_max": m.length_max}  # fmt: skip
        fraction = round(share * m.rows / sample, 6)
        out.append(TraitStat(trait="format", fraction=fraction, value=m.mask, detail=detail))
    return tuple(out)
