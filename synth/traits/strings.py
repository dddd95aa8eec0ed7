"""String dirt: the text shapes that break comparisons, lookups and validation."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl
import sqlalchemy as sa

from synth.model import Column, LogicalType, TraitStat
from synth.traits import register
from synth.traits.base import ColumnTrait, MeasureContext, Probe

STRING = frozenset({LogicalType.STRING})


def _fit(values: pl.Series, column: Column, room: int) -> pl.Series:
    """Values shortened so that ``room`` more characters still fit the column's length."""
    if column.length is None:
        return values
    return values.str.slice(0, max(0, column.length - room))


@register
class WhitespacePadded(ColumnTrait):
    """**whitespace_padded**: values with leading or trailing spaces (`'ann@example.com '`).

    Breaks equality, uniqueness checks and lookups that do not trim. *Measured* as
    `CHAR_LENGTH(col) <> CHAR_LENGTH(TRIM(col))` summed in the table's aggregate query
    (no extra query; length rather than `<>` because MySQL/MariaDB compare with
    trailing spaces ignored). *Injected* by adding one or two spaces at the end (two
    in three) or the start of otherwise generated values, shortened to fit the
    column's length.
    """

    name = "whitespace_padded"
    family = "strings"
    example = "'abc ' / ' abc'"
    types = STRING
    keeps_unique = True

    def probes(self, column: Column, ctx: MeasureContext) -> Sequence[Probe]:
        return [
            Probe(
                sql=lambda e: sa.func.char_length(e) != sa.func.char_length(sa.func.trim(e)),
                frame=lambda e: e.str.len_chars() != e.str.strip_chars(" ").str.len_chars(),
            )
        ]

    def inject(
        self, values: pl.Series, column: Column, stat: TraitStat, rng: np.random.Generator
    ) -> pl.Series:
        n = len(values)
        width = rng.integers(1, 3, n)
        trailing = rng.random(n) < 2 / 3
        pad = pl.Series([" ", "  "]).gather(width - 1)
        core = _fit(values, column, 2)
        padded = pl.select(
            pl.when(pl.Series(trailing)).then(pl.lit(core) + pad).otherwise(pad + pl.lit(core))
        ).to_series()
        return padded.rename(values.name)


@register
class EmptyString(ColumnTrait):
    """**empty_string**: `''` stored where other rows hold NULL or a value.

    Code that checks `IS NULL` (or `is None`) misses these rows. *Measured* as
    `CHAR_LENGTH(col) = 0` in the aggregate query (no extra query; MySQL/MariaDB
    would find `'' = '  '`). *Injected* by replacing generated values with `''`.
    """

    name = "empty_string"
    family = "strings"
    example = "''"
    types = STRING

    def probes(self, column: Column, ctx: MeasureContext) -> Sequence[Probe]:
        return [
            Probe(sql=lambda e: sa.func.char_length(e) == 0, frame=lambda e: e.str.len_chars() == 0)
        ]

    def inject(
        self, values: pl.Series, column: Column, stat: TraitStat, rng: np.random.Generator
    ) -> pl.Series:
        return pl.Series(values.name, [""] * len(values), dtype=values.dtype)
