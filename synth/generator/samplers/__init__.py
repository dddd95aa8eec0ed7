"""Column samplers: one module per logical type (and one for semantic strings), each
registering its :class:`~synth.generator.samplers.base.Sampler` in
:mod:`synth.generator.samplers.base`.

A sampler makes the "other" values of a column (those not NULL and not one of its
frequent values), converts profile scalars (frequent and domain values) to the
column's dtype, and, for key columns, makes unique values from integer codes.
"""

from __future__ import annotations

# Import the per-type modules so that they register themselves.
from synth.generator.samplers import (  # noqa: F401
    array,
    binary,
    boolean,
    decimal,
    floating,
    formats,
    geometry,
    integer,
    json,
    members,
    opaque,
    semantic,
    string,
    temporal,
    uuid,
)
from synth.generator.samplers.base import ColumnContext, Sampler, sampler_for

__all__ = ["ColumnContext", "Sampler", "sampler_for"]
