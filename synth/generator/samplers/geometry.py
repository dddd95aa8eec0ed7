"""Spatial columns: valid WKT inside the profiled extent (``POINT(x y)``, a short
``LINESTRING``, a small closed ``POLYGON``), in the shapes the column holds."""

from __future__ import annotations

import re

import numpy as np
import polars as pl

from synth.generator.samplers.base import ColumnContext, Sampler, register
from synth.model import Column, LogicalType

DEFAULT_EXTENT = (-180.0, -90.0, 180.0, 90.0)
"""Longitude and latitude, where the profile measured no extent."""
_MADE = ("POINT", "LINESTRING", "POLYGON")


def _shapes(col: Column) -> list[str]:
    """The shapes to make: those the column holds, else the one its type names."""
    found = [s for s in (col.geometry_types or ()) if s in _MADE]
    if found:
        return found
    declared = re.match(r"^\s*(POINT|LINESTRING|POLYGON)\b", col.sql_type, re.I)
    return [declared.group(1).upper()] if declared else ["POINT"]


def _coordinate(values: np.ndarray) -> list[str]:
    return [f"{v:.6f}".rstrip("0").rstrip(".") for v in values]


@register(LogicalType.GEOMETRY)
class GeometrySampler(Sampler):
    def sample(self, ctx: ColumnContext, n: int, rng: np.random.Generator) -> pl.Series:
        x0, y0, x1, y1 = ctx.column.extent or DEFAULT_EXTENT
        shapes = _shapes(ctx.column)
        kind = rng.integers(0, len(shapes), n)
        # every shape is built from 1-4 points inside the extent
        xs = rng.uniform(x0, x1, (n, 4))
        ys = rng.uniform(y0, y1, (n, 4))
        out = []
        for i in range(n):
            x, y = _coordinate(xs[i]), _coordinate(ys[i])
            shape = shapes[kind[i]]
            if shape == "POINT":
                out.append(f"POINT({x[0]} {y[0]})")
            elif shape == "LINESTRING":
                out.append(f"LINESTRING({x[0]} {y[0]}, {x[1]} {y[1]}, {x[2]} {y[2]})")
            else:  # an axis-aligned rectangle: always a valid, closed ring
                lo_x, hi_x = sorted((x[0], x[1]), key=float)
                lo_y, hi_y = sorted((y[0], y[1]), key=float)
                ring = [(lo_x, lo_y), (hi_x, lo_y), (hi_x, hi_y), (lo_x, hi_y), (lo_x, lo_y)]
                out.append("POLYGON((" + ", ".join(f"{a} {b}" for a, b in ring) + "))")
        return pl.Series(ctx.column.name, out, dtype=pl.String)
