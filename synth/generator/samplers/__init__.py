"""Column samplers: one module per logical type, found through :data:`SAMPLERS`.

A sampler makes the "other" values of a column (those not NULL and not one of its
frequent values), converts profile scalars (frequent and domain values) to the
column's dtype, and, for key columns, makes unique values from integer codes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from synth.errors import UsageError
from synth.model import Column, LogicalType, Scalar
from synth.model.arrow import polars_dtype

__all__ = ["SAMPLERS", "ColumnContext", "Sampler", "register", "sampler_for"]


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

    def sample(self, ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
        """``n`` non-NULL values of the column's dtype."""
        raise NotImplementedError

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


def register(*types: LogicalType) -> Callable[[type[Sampler]], type[Sampler]]:
    """Class decorator: register one instance of the sampler for ``types``."""

    def deco(cls: type[Sampler]) -> type[Sampler]:
        instance = cls()
        for t in types:
            SAMPLERS[t] = instance
        return cls

    return deco


def sampler_for(col: Column) -> Sampler:
    """The sampler of ``col``: its semantic sampler for meaningful strings, else by type."""
    if col.semantic is not None and col.type is LogicalType.STRING:
        from synth.generator.samplers.semantic import SemanticSampler

        return SemanticSampler()
    return SAMPLERS[col.type]


# Import the per-type modules so they register themselves.
from synth.generator.samplers import (  # noqa: E402, F401
    array,
    binary,
    boolean,
    decimal,
    floating,
    integer,
    json,
    opaque,
    string,
    temporal,
    uuid,
)
