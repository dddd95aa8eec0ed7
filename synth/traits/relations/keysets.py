"""Sets of parent keys as a chunk tests them: which child rows point at one of them.

A trait remembers the parent keys that make a child row carry it (the busiest parents,
the soft-deleted ones, every parent for ``orphan``), and its carriers test each chunk's
foreign key against them. Testing with ``is_in`` builds a hash set of the keys for every
chunk: 0.27 s a chunk for 20M parents. Most generated parents have an integer key that
counts up by one in row order; for those a set is a span of integers and a mask over the
parent's rows, and the test is an offset and a look-up, whatever the parent's size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from synth.traits.base import RunMemo

__all__ = ["KeySpan", "Keys", "key_set", "key_span"]


@dataclass(frozen=True)
class KeySpan:
    """The keys ``first .. first + count - 1`` of a parent whose rows hold them in that
    order, or those of its rows where ``rows`` is set."""

    first: int
    count: int
    rows: np.ndarray | None = None

    def contains(self, column: str) -> pl.Expr:
        """Rows whose ``column`` is one of these keys (False for NULL)."""
        as_int = pl.col(column).cast(pl.Int64, strict=False)
        inside = as_int.is_between(self.first, self.first + self.count - 1).fill_null(False)
        if self.rows is None:
            return inside
        return inside & as_int.map_batches(self._marked, return_dtype=pl.Boolean)

    def _marked(self, values: pl.Series) -> pl.Series:
        assert self.rows is not None
        at = values.fill_null(self.first - 1).to_numpy() - self.first
        inside = (at >= 0) & (at < self.count)
        out = np.zeros(len(at), dtype=bool)
        out[inside] = self.rows[at[inside]]
        return pl.Series(out)


Keys = pl.Series | KeySpan
"""Parent keys as a trait remembers them."""


def key_span(keys: pl.Series, memo: RunMemo | None = None, name: object = None) -> KeySpan | None:
    """``keys`` (a parent's key values in row order) as a span, when they are integers
    counting up by one with no NULL; else None. With the run's ``memo`` and a ``name``
    for the keys, found once per run."""
    cached = ("relations", "span", name)
    if memo is not None and name is not None and cached in memo:
        found: KeySpan | None = memo[cached]
        return found
    span = None
    if keys.dtype.is_integer() and len(keys) and keys.null_count() == 0:
        raw = keys.cast(pl.Int64).to_numpy()
        if bool((np.diff(raw) == 1).all()):
            span = KeySpan(int(raw[0]), len(raw))
    if memo is not None and name is not None:
        memo[cached] = span
    return span


def key_set(
    keys: pl.Series,
    rows: np.ndarray | None = None,
    memo: RunMemo | None = None,
    name: object = None,
) -> Keys:
    """The keys of the parent rows marked in ``rows`` (None: every non-NULL key), as a
    span where ``keys`` are one (see :func:`key_span`), else as values."""
    span = key_span(keys, memo, name)
    if span is None:
        return keys.drop_nulls() if rows is None else keys.filter(pl.Series(rows))
    return span if rows is None else KeySpan(span.first, span.count, rows)
