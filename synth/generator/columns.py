"""One ordinary column: NULLs, frequent values and "other" values at their profiled fractions.

Each row draws a category (NULL, frequent value i, or other) from the column's
stream; other values come from the declared domain, from a pool the size of the
profiled distinct count (low-cardinality columns; made up in the shape of the
``other`` bucket when values were withheld for privacy), or straight from the type's
sampler. Other values are never one of the listed frequent values.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import polars as pl
import pyarrow as pa

from synth.generator.samplers import ColumnContext, sampler_for
from synth.generator.samplers.string import shaped_strings
from synth.internal.streams import stratified, stream
from synth.model import LogicalType, OtherValues
from synth.model.arrow import integer_bounds

__all__ = ["POOL_LIMIT", "ColumnGenerator", "null_mask", "with_nulls"]

POOL_LIMIT = 100_000
"""Largest pool of distinct "other" values made for a low-cardinality column."""
POOL_RATIO = 0.5
"""A column is low-cardinality when its distinct count is at most this share of its
non-NULL rows; its other values are then drawn from a pool of that many values."""
RETRIES = 3
"""Redraws of an "other" value that happens to equal a frequent value."""


_NO_REDRAW = frozenset(
    {
        LogicalType.ARRAY,
        LogicalType.BOOLEAN,
        LogicalType.OPAQUE,
        LogicalType.JSON,
        LogicalType.GEOMETRY,
    }
)
"""Columns whose other values may equal a listed one (two booleans; no equality)."""
_OFF_VOCABULARY = frozenset({LogicalType.INTEGER, LogicalType.DECIMAL, LogicalType.FLOAT})
"""Columns whose other values, still equal to a listed one after the redraws, are moved off
it (the sampler draws their quantile points exactly, so clashes are common)."""


def _off_vocabulary(values: pl.Series, frequent: pl.Series, ctx: ColumnContext) -> pl.Series:
    """``values`` with those still equal to a frequent value after the redraws moved off
    it: an integer past the largest listed one, a decimal to the nearest unlisted value, a
    float to the next representable one, a string with a trailing digit changed (the
    other bucket promises values the profile does not list)."""
    listed = frequent.cast(values.dtype, strict=False).drop_nulls()
    clash = values.is_in(listed.implode()).to_numpy()
    if not clash.any():
        return values
    rows = np.flatnonzero(clash)
    if values.dtype == pl.String:
        taken = set(listed.to_list())
        fixed = []
        for text in values.gather(rows).to_list():
            for digit in "0123456789":
                candidate = (text[:-1] if text else "") + digit
                if candidate not in taken:
                    break
            fixed.append(candidate)
        return values.scatter(rows, pl.Series(fixed, dtype=pl.String))
    if ctx.column.type is LogicalType.DECIMAL:
        return values.scatter(rows, _beside(values.gather(rows), listed, ctx))
    if ctx.column.type is LogicalType.FLOAT:
        return values.scatter(rows, _next_float(values.gather(rows), listed, ctx))
    lo, hi = integer_bounds(ctx.column)
    top = int(listed.max()) if len(listed) else 0  # type: ignore[arg-type]
    moved = np.clip(top + 1 + np.arange(len(rows), dtype=np.int64), lo, hi)
    return values.scatter(rows, pl.Series(moved).cast(values.dtype))


def _next_float(values: pl.Series, listed: pl.Series, ctx: ColumnContext) -> pl.Series:
    """Floats equal to a listed value, each moved to the next representable float towards
    the middle (p50): 1100.0 becomes 1099.9999999999998. Where the quantile points are all
    listed values (a column of three values and infinities), every redraw clashes; left
    as drawn, the other bucket (the infinities' rows) doubled a listed value's share."""
    raw = values.to_numpy().copy()
    known = ctx.column.stats.values
    middle = known.p50 if known is not None and known.p50 is not None else 0.0
    taken = set(listed.to_list())
    for i, value in enumerate(raw):
        toward = -np.inf if value >= middle else np.inf
        for _ in range(8):  # past a few listed neighbours at most
            value = np.nextafter(value, raw.dtype.type(toward))
            if value not in taken:
                break
        raw[i] = value
    return pl.Series(values.name, raw, dtype=values.dtype)


def _beside(values: pl.Series, listed: pl.Series, ctx: ColumnContext) -> pl.Series:
    """Decimals equal to a listed value, each moved by the fewest units of the column's
    scale to an unlisted value inside its profiled range, towards the middle: a pool
    value of exactly the maximum 14.00 becomes 13.99, not 15.00 (the sampler draws the
    quantile points themselves, so such clashes survive the redraws)."""
    unit = Decimal(1).scaleb(-(ctx.column.scale or 0))
    known = ctx.column.stats.values
    low = Decimal(str(known.min)) if known is not None and known.min is not None else None
    high = Decimal(str(known.max)) if known is not None and known.max is not None else None
    middle = Decimal(str(known.p50)) if known is not None and known.p50 is not None else None
    taken = {Decimal(str(v)) for v in listed.to_list()}
    out = []
    for value in values.to_list():
        moved = value
        if value is None:
            out.append(moved)
            continue
        down = middle is None or value >= middle
        for step in range(1, 1000):
            ways = (-step, step) if down else (step, -step)
            fits = [value + w * unit for w in ways]
            fits = [c for c in fits if c not in taken and (low is None or c >= low)]
            fits = [c for c in fits if high is None or c <= high]
            if fits:
                moved = fits[0]
                break
        out.append(moved)
    return pl.Series(out, dtype=values.dtype)


def with_nulls(values: pl.Series, mask: np.ndarray | None) -> pl.Series:
    """``values`` with NULL where ``mask`` is true."""
    if mask is None or not mask.any():
        return values
    out = pl.select(pl.when(pl.Series(mask)).then(None).otherwise(values)).to_series()
    return out.rename(values.name)


def null_mask(ctx: ColumnContext, chunk: int, n: int) -> np.ndarray | None:
    """NULL rows of a key-like column (its own stream), or None when it has none."""
    frac = ctx.column.stats.null_fraction if ctx.column.nullable else 0.0
    if frac <= 0.0:
        return None
    rng = stream(ctx.seed, ctx.table, ctx.column.name, purpose="nulls", chunk=chunk)
    return stratified(rng, n) < frac


class ColumnGenerator:
    """Makes chunks of one non-key column."""

    def __init__(self, ctx: ColumnContext, profile_rows: int) -> None:
        self.ctx = ctx
        col = ctx.column
        self.sampler = sampler_for(col)
        stats = col.stats
        kept: list[pl.Series] = []
        fractions: list[float] = []
        for freq in stats.frequent:
            value = self.sampler.convert(ctx, [freq.value])
            if len(value) == 1:
                kept.append(self._fit(value))
                fractions.append(freq.fraction)
        self.frequent = pl.concat(kept) if kept else self.sampler.convert(ctx, [])
        null = stats.null_fraction if col.nullable else 0.0
        other = max(0.0, 1.0 - stats.null_fraction - sum(fractions))
        weights = np.array([null, *fractions, other], dtype=np.float64)
        if weights.sum() <= 0.0:
            weights[-1] = 1.0
        self.cum = np.cumsum(weights / weights.sum())
        self.only_other = weights[:-1].sum() == 0.0
        self.domain = self._domain()
        self.shaped = self._shaped()
        self.pool_size = self._pool_size(profile_rows)
        self._pool: pl.Series | None = None

    def _shaped(self) -> OtherValues | None:
        """The other bucket's shape, when this column's other values are made from it:
        a plain string column (no domain, no semantic type) whose rare values were withheld."""
        col = self.ctx.column
        other = col.stats.other
        if other is None or col.type is not LogicalType.STRING or col.semantic is not None:
            return None
        if self.sampler.learned:  # format masks beat the withheld values' character classes
            return None
        if col.members is not None:  # a SET: subsets of its members, never free text
            return None
        return other if self.domain is None else None

    def _fit(self, values: pl.Series) -> pl.Series:
        length = self.ctx.column.length
        if length is not None and values.dtype == pl.String:
            return values.str.slice(0, length)
        return values

    def _domain(self) -> pl.Series | None:
        col = self.ctx.column
        if not col.domain or col.type is LogicalType.ARRAY:  # an array's domain is its elements'
            return None
        allowed = self._fit(self.sampler.convert(self.ctx, list(col.domain)))
        if allowed.is_empty():
            return None
        rest = allowed.filter(~allowed.is_in(self.frequent.implode()))
        return rest if not rest.is_empty() else allowed

    @property
    def low_cardinality(self) -> bool:
        """Whether the column holds few distinct values (worth dictionary encoding)."""
        return bool(len(self.frequent) or self.domain is not None or self.pool_size is not None)

    def _pool_size(self, profile_rows: int) -> int | None:
        stats = self.ctx.column.stats
        if self.shaped is not None:  # as many made-up values of the withheld shape
            return max(1, min(self.shaped.distinct, POOL_LIMIT))
        if stats.distinct is None or self.domain is not None:
            return None
        if self.ctx.column.type in (LogicalType.BOOLEAN, LogicalType.OPAQUE):
            return None
        size = stats.distinct - len(self.frequent)
        non_null = profile_rows * (1.0 - stats.null_fraction)
        if size < 1 or size > POOL_LIMIT or size > POOL_RATIO * non_null:
            return None
        return size

    def _draw(self, n: int, rng: np.random.Generator) -> pl.Series:
        if self.shaped is not None:
            shaped = shaped_strings(self.shaped, n, rng, cap=self.ctx.column.length)
            return shaped.rename(self.ctx.column.name)
        return self.sampler.sample(self.ctx, n, rng)

    def _free(self, n: int, rng: np.random.Generator) -> pl.Series:
        """``n`` values that are none of the frequent values (out of vocabulary): a string
        or a number equal to a listed value is drawn again, a few times."""
        values = self._draw(n, rng)
        if self.frequent.is_empty() or self.ctx.column.type in _NO_REDRAW:
            return values
        listed = self.frequent.cast(values.dtype, strict=False).drop_nulls().implode()
        for _ in range(RETRIES):
            clash = values.is_in(listed)
            if not clash.any():
                break
            redo = self._draw(int(clash.sum()), rng).cast(values.dtype)
            values = values.scatter(np.flatnonzero(clash.to_numpy()), redo)
        if self.shaped is not None or self.ctx.column.type in _OFF_VOCABULARY:
            values = _off_vocabulary(values, self.frequent, self.ctx)
        return values

    def _other(self, n: int, rng: np.random.Generator) -> pl.Series:
        if self.domain is not None:
            return self.domain.gather(rng.integers(0, len(self.domain), n))
        if self.pool_size is not None:
            if self._pool is None:
                ctx = self.ctx
                pool_rng = stream(ctx.seed, ctx.table, ctx.column.name, purpose="pool")
                self._pool = self._free(self.pool_size, pool_rng)
            weights = self.sampler.pool_weights(self.ctx, self._pool)
            if weights is not None:
                return self._pool.gather(rng.choice(len(self._pool), size=n, p=weights))
            return self._pool.gather(rng.integers(0, len(self._pool), n))
        return self._free(n, rng)

    def sample(self, start: int, stop: int, chunk: int) -> pl.Series:
        """Rows ``start..stop`` (chunk ``chunk``) of the column."""
        ctx = self.ctx
        n = stop - start
        if ctx.column.type is LogicalType.OPAQUE:
            return pl.Series(ctx.column.name, [None] * n, dtype=pl.String)
        rng = stream(ctx.seed, ctx.table, ctx.column.name, chunk=chunk)
        if self.only_other:
            return self._other(n, rng).rename(ctx.column.name).cast(ctx.dtype)
        u = stratified(rng, n)
        k = len(self.frequent)
        if k == 0:  # NULLs and other values only: make all rows, then blank the NULL ones
            values = self._other(n, rng).rename(ctx.column.name).cast(ctx.dtype)
            return with_nulls(values, u < self.cum[0])
        if k <= 16:
            cat = np.zeros(n, dtype=np.int64)
            for threshold in self.cum[:-1]:
                cat += u >= threshold
        else:
            cat = np.minimum(np.searchsorted(self.cum, u, side="right"), k + 1)
        is_other = cat == k + 1
        other = self._other(int(is_other.sum()), rng)
        idx = np.where(is_other, k + np.cumsum(is_other) - 1, cat - 1)
        values = pl.concat([self.frequent.cast(ctx.dtype), other.cast(ctx.dtype)])
        nulls = cat == 0
        arrow_idx = pa.array(idx, mask=nulls) if nulls.any() else pa.array(idx)
        return values.gather(pl.Series(arrow_idx)).rename(ctx.column.name)
