"""Floats that are not numbers: NaN and the infinities."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from synth.errors import ProfileError
from synth.internal.floats import SPECIALS, special
from synth.model import Column, LogicalType, TraitStat
from synth.traits import register
from synth.traits.base import ColumnTrait, MeasureContext, Probe

_FRAME = {
    "NaN": lambda e: e.is_nan(),
    "Infinity": lambda e: e == float("inf"),
    "-Infinity": lambda e: e == float("-inf"),
}


@register
class NonFinite(ColumnTrait):
    """**non_finite**: `NaN`, `Infinity` and `-Infinity` in a float column.

    Breaks sums and averages (one NaN makes the total NaN), sorting (NaN sorts above
    every number in PostgreSQL, is unordered in Python), JSON encoders (`NaN` is not
    JSON) and range checks. One entry per value found, with `value` `'NaN'`,
    `'Infinity'` or `'-Infinity'`. *Measured* as `col = 'NaN'::float8` (and the two
    infinities) summed in the aggregate query (no extra query); the column's `values`
    (min, max, percentiles) and frequent values describe its finite values only.
    SQLite stores the infinities but turns NaN into NULL; MySQL and MariaDB store none
    of them, so nothing is measured there. *Injected* by replacing generated values.
    Written as `'NaN'`/`'Infinity'` literals for PostgreSQL and as IEEE values in
    Parquet; SQL for MySQL/MariaDB writes NaN as NULL and the infinities as the largest
    finite float of their sign, SQLite's NaN as NULL, each with a warning.
    """

    name = "non_finite"
    family = "numbers"
    example = "NaN / Infinity / -Infinity"
    types = frozenset({LogicalType.FLOAT})
    keeps_unique = False

    def probes(self, column: Column, ctx: MeasureContext) -> Sequence[Probe]:
        return [
            Probe(sql=lambda e, w=which: e == special(w), frame=_FRAME[which], key=which)
            for which in SPECIALS
        ]

    def check(self, stat: TraitStat, column: Column, where: str) -> None:
        if column.type is not LogicalType.FLOAT or str(stat.value) not in SPECIALS:
            raise ProfileError(
                f"{where}: trait non_finite value={stat.value!r} in a {column.type.value} "
                f"column; it takes value {', '.join(SPECIALS)} in a float column: fix or remove "
                "the entry"
            )

    def taken(self, expr: pl.Expr, column: Column) -> pl.Expr | None:
        return ~expr.is_finite()

    def nearness(self, values: pl.Series, column: Column, stat: TraitStat) -> np.ndarray | None:
        # The profile's "other" share holds the special values: take rows drawn as other
        # values first, so the frequent values keep their shares.
        frequent = [f.value for f in column.stats.frequent if isinstance(f.value, int | float)]
        if not frequent:
            return None
        held = values.is_in(pl.Series(frequent, dtype=values.dtype)).fill_null(False).to_numpy()
        return np.where(held, 0.0, 1.0)

    def inject(
        self, values: pl.Series, column: Column, stat: TraitStat, rng: np.random.Generator
    ) -> pl.Series:
        value = SPECIALS.get(str(stat.value), float("nan"))
        return pl.Series(values.name, [value] * len(values), dtype=values.dtype)
