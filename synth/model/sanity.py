"""Statistics no database can produce, found in a profile before anything is generated
from it: a hand edit (or a bad merge) that pydantic's per-field rules let through.

Each problem names the field by table and column names, as
``tables[users].columns[id].stats.values: min 999999 > p01 1000``, and the YAML line
(:func:`synth.model.io.load_profile` adds it). The rules:

- a distribution (``values``, ``lengths``) never decreases from ``min`` through the
  percentiles to ``max``, and lengths are not negative;
- ``null_fraction`` and the frequent values' fractions add up to at most 1;
- ``distinct`` is at most the table's row count;
- no string is longer than its column's declared ``length``: the frequent values, and
  ``lengths.max``.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise
from typing import TYPE_CHECKING

from synth.model.profile import Column, Distribution, LogicalType, Table

if TYPE_CHECKING:
    from synth.model.profile import Profile

__all__ = ["Problem", "impossible_statistics"]

Loc = tuple[int | str, ...]
Problem = tuple[Loc, str, str]
"""(pydantic-style location, the location with names, what is impossible and the fix)."""

_ROUNDING = 5e-7
"""Fractions are rounded to 6 digits: each may be this much over the share it stands for."""


def _named(loc: Loc, table: Table, column: Column | None = None) -> str:
    out = f"tables[{table.key}]"
    rest = list(loc[2:])
    if column is not None:
        out += f".columns[{column.name}]"
        rest = rest[2:]
    for part in rest:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _comparable(a: object, b: object) -> bool:
    numbers = (int, float)
    if isinstance(a, bool) or isinstance(b, bool):
        return False
    return (isinstance(a, numbers) and isinstance(b, numbers)) or (
        isinstance(a, str) and isinstance(b, str)
    )


def _distribution(dist: Distribution, lengths: bool) -> Iterator[str]:
    names = ["min"] + [n for n in Distribution.model_fields if n.startswith("p")] + ["max"]
    present = [(n, getattr(dist, n)) for n in names if getattr(dist, n) is not None]
    if lengths:
        for name, value in present:
            if isinstance(value, int | float) and value < 0:
                yield f"{name} {value!r} is a negative length"
                return
    for (lo_name, lo), (hi_name, hi) in pairwise(present):
        if _comparable(lo, hi) and lo > hi:  # type: ignore[operator]
            yield (
                f"{lo_name} {lo} > {hi_name} {hi}; the values must not decrease from min "
                "through the percentiles to max: fix them or re-profile"
            )
            return


def _column(table: Table, t: int, column: Column, c: int) -> Iterator[Problem]:
    base: Loc = ("tables", t, "columns", c, "stats")
    stats = column.stats
    for field, dist in (("values", stats.values), ("lengths", stats.lengths)):
        if dist is not None:
            for message in _distribution(dist, field == "lengths"):
                loc = (*base, field)
                yield loc, _named(loc, table, column), message
    total = stats.null_fraction + sum(f.fraction for f in stats.frequent)
    if total > 1 + _ROUNDING * (1 + len(stats.frequent)):
        loc = base
        yield (
            loc,
            _named(loc, table, column),
            (
                f"null_fraction {stats.null_fraction:g} + frequent fractions "
                f"{total - stats.null_fraction:g} = {total:g} > 1; fractions are of all rows "
                "and add up to at most 1: fix them or re-profile"
            ),
        )
    if stats.distinct is not None and stats.distinct > table.rows:
        loc = (*base, "distinct")
        yield (
            loc,
            _named(loc, table, column),
            (
                f"{stats.distinct:,} distinct values > the table's {table.rows:,} rows; "
                "fix distinct or rows"
            ),
        )
    limit = column.length if column.type is LogicalType.STRING else None
    if limit is None:
        return
    for i, freq in enumerate(stats.frequent):
        if isinstance(freq.value, str) and len(freq.value) > limit:
            loc = (*base, "frequent", i, "value")
            yield (
                loc,
                _named(loc, table, column),
                (
                    f"{freq.value[:40]!r} is {len(freq.value)} characters, longer than the "
                    f"column's length {limit}; shorten the value or raise length"
                ),
            )
    top = stats.lengths.max if stats.lengths is not None else None
    if isinstance(top, int | float) and not isinstance(top, bool) and top > limit:
        loc = (*base, "lengths", "max")
        yield (
            loc,
            _named(loc, table, column),
            (f"{top} characters > the column's length {limit}; lower lengths.max or raise length"),
        )


def impossible_statistics(profile: Profile) -> Problem | None:
    """The first statistic of ``profile`` no database could have measured, or None."""
    for t, table in enumerate(profile.tables):
        for c, column in enumerate(table.columns):
            for problem in _column(table, t, column, c):
                return problem
    return None
