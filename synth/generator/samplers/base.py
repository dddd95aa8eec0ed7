"""What every sampler is: :class:`Sampler`, the :class:`ColumnContext` it is given, and
the registries that map a column to its sampler (:func:`register`, :func:`sampler_for`).

Kept apart from the package's ``__init__``, which only imports the per-type modules so
that they register: each of them imports this module, never the package.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import polars as pl

from synth.errors import UsageError
from synth.internal.streams import stratified
from synth.internal.vectors import inverse_cdf
from synth.model import Column, Distribution, LogicalType, Scalar
from synth.model.arrow import polars_dtype

__all__ = [
    "SAMPLERS",
    "SEMANTIC",
    "SHAPES",
    "ColumnContext",
    "Sampler",
    "draw_lengths",
    "numeric_points",
    "register",
    "sampler_for",
]


@dataclass(frozen=True)
class ColumnContext:
    """What a sampler knows about the column it samples."""

    table: str
    column: Column
    seed: int
    as_of: dt.datetime
    rows: int
    """Rows of the table in this run (for unique values)."""

    @property
    def where(self) -> str:
        return f"{self.table}.{self.column.name}"

    @property
    def dtype(self) -> pl.DataType:
        return polars_dtype(self.column)


class Sampler:
    """Base class; subclasses override :meth:`sample` and, where they can, :meth:`unique`."""

    learned: ClassVar[bool] = False
    """Whether the sampler makes a column's other values from shapes learned from it (format
    masks), which then take the place of the withheld values' character classes."""
    pure_unique: ClassVar[bool] = False
    """Whether :meth:`unique` makes each value from its code alone (the ``rng`` unused), so
    a key at any row is computed without its neighbours (see ``Run.keys_at``)."""

    def sample(self, ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
        """``n`` non-NULL values of the column's dtype."""
        raise NotImplementedError

    def pool_weights(self, ctx: ColumnContext, pool: pl.Series) -> np.ndarray | None:
        """How often each value of a column's pool of other values is drawn (None: all
        alike); a learned sampler weighs a small pool back to the shares it learned."""
        return None

    def claims(self, col: Column) -> bool:
        """For a sampler in :data:`SHAPES`: whether ``col``'s shape makes it this sampler's."""
        return False

    def convert(self, ctx: ColumnContext, values: Sequence[Scalar]) -> pl.Series:
        """Profile scalars as a Series of the column's dtype (unconvertible ones dropped)."""
        return pl.Series(ctx.column.name, list(values)).cast(ctx.dtype, strict=False).drop_nulls()

    def unique(self, ctx: ColumnContext, codes: np.ndarray, rng: np.random.Generator) -> pl.Series:
        """Distinct values for distinct non-negative integer ``codes`` (one per row)."""
        raise UsageError(
            f"{ctx.where}: synth cannot make unique values of type {ctx.column.type.value!r}; "
            "drop the column from the primary key/unique constraint in the profile"
        )


SAMPLERS: dict[LogicalType, Sampler] = {}
"""Logical type -> its sampler. A new type is one new module that calls :func:`register`."""
SEMANTIC: dict[LogicalType, Sampler] = {}
"""Logical type -> the sampler of its columns that have a semantic type (emails, names...)."""
SHAPES: dict[str, Sampler] = {}
"""Samplers of columns whose declared or learned shape decides their values (a MySQL
``SET``: subsets of its members; a text column's format masks), in registration order;
each says which columns are its own (:meth:`Sampler.claims`)."""


def register(
    *types: LogicalType, semantic: bool = False
) -> Callable[[type[Sampler]], type[Sampler]]:
    """Class decorator: register one instance of the sampler for ``types`` (with
    ``semantic``: for those types' columns that carry a semantic type)."""

    def deco(cls: type[Sampler]) -> type[Sampler]:
        instance = cls()
        for t in types:
            (SEMANTIC if semantic else SAMPLERS)[t] = instance
        return cls

    return deco


def sampler_for(col: Column) -> Sampler:
    """The sampler of ``col``: its semantic sampler for meaningful strings, else by type.
    The registries are filled when :mod:`synth.generator.samplers` is imported, which
    Python does before any module inside it."""
    for shape in SHAPES.values():
        if shape.claims(col):
            return shape
    if col.semantic is not None and col.type in SEMANTIC:
        return SEMANTIC[col.type]
    return SAMPLERS[col.type]


def numeric_points(dist: Distribution) -> tuple[np.ndarray, np.ndarray]:
    """A numeric distribution's points as arrays (probabilities, values)."""
    pts = dist.points()
    qs = np.array([q for q, _ in pts], dtype=np.float64)
    vs = np.array([float(v) for _, v in pts], dtype=np.float64)
    return qs, vs


def draw_lengths(
    dist: Distribution | None,
    n: int,
    rng: np.random.Generator,
    *,
    cap: int | None,
    default: tuple[int, int],
    floor: int = 0,
) -> np.ndarray:
    """``n`` lengths from a length distribution (or uniform over ``default``), capped at ``cap``."""
    if dist is not None:
        qs, vs = numeric_points(dist)
        lengths = np.rint(inverse_cdf(qs, vs, stratified(rng, n))).astype(np.int64)
    else:
        lengths = rng.integers(default[0], default[1] + 1, n, dtype=np.int64)
    hi = cap if cap is not None else np.iinfo(np.int64).max
    return np.clip(lengths, min(floor, hi), hi)
