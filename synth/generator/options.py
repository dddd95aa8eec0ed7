"""What to generate: the generation keywords, declared once, and the checked value they make.

:class:`GenerateArgs` is the keyword set every generating entry point takes
(:func:`synth.generate`, :func:`synth.write`, :func:`synth.generate_into`, the pytest
plugin); ``synth generate``'s flags fill it. :meth:`GenerateOptions.of` checks it once, at
the edge, into a frozen :class:`GenerateOptions`, which is what travels down: the plan
(:func:`synth.generator.plan.make_plan`), the writers and the manifest read it, and no
layer below re-declares a keyword.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypedDict, Unpack

from synth.errors import UsageError
from synth.internal.progress import ProgressCallback

__all__ = ["GenerateArgs", "GenerateOptions"]


class GenerateArgs(TypedDict, total=False):
    """The generation keywords (all optional), as callers give them."""

    rows: int | None
    """Rows of the largest table; the others keep their profiled proportions. With neither
    ``rows`` nor ``scale``, the largest table gets ``min(profiled rows, 1000)``."""
    scale: float | None
    """Multiply every profiled row count instead of ``rows``."""
    seed: int
    """The random seed (default 0): same profile, options and seed, same bytes."""
    tables: Sequence[str] | None
    """Only these tables (names or ``schema.name``); default: every table."""
    min_trait_rows: int
    """Every trait of the profile appears in at least this many rows (default 1)."""
    boost: Mapping[str, float] | Iterable[str] | None
    """``table.column:trait`` -> the share of rows that should carry it, or a list of
    ``'table.column:trait=rate'`` strings as ``--boost`` takes them."""
    as_of: str | dt.datetime | None
    """Re-anchor every time of the profile to this instant (ISO-8601 or ``'now'``): all
    move by ``as_of`` minus the profile's as-of time, so ages stay as measured."""
    progress: ProgressCallback | None
    """Called with a :class:`~synth.internal.progress.ProgressEvent` per table and chunk
    generated (the ``synth`` command draws them); never changes what is generated."""


_KEYWORDS = frozenset(GenerateArgs.__annotations__)


@dataclass(frozen=True)
class GenerateOptions:
    """The generation keywords, checked and normalised (see :class:`GenerateArgs`)."""

    rows: int | None = None
    scale: float | None = None
    seed: int = 0
    tables: tuple[str, ...] | None = None
    min_trait_rows: int = 1
    boost: Mapping[str, float] = field(default_factory=dict)
    """``table.column:trait`` -> rate, checked against the profile when planning."""
    as_of: dt.datetime | None = None
    """Aware UTC instant to re-anchor to; None keeps the profile's own."""
    progress: ProgressCallback | None = field(default=None, compare=False, repr=False)
    """Who hears of the work as it is done; not an option of the output (not recorded,
    not compared)."""

    def __post_init__(self) -> None:
        rows, scale, seed = self.rows, self.scale, self.seed
        if rows is not None and scale is not None:
            raise UsageError(
                f"rows={rows!r} (--rows) and scale={scale!r} (--scale) were both given; "
                "pass one of them, or neither"
            )
        if rows is not None and (isinstance(rows, bool) or not isinstance(rows, int) or rows < 0):
            raise UsageError(f"rows={rows!r} (--rows) must be a whole number >= 0")
        if scale is not None and (
            isinstance(scale, bool)
            or not isinstance(scale, int | float)
            or not math.isfinite(scale)
            or scale < 0
        ):
            raise UsageError(f"scale={scale!r} (--scale) must be a finite number >= 0")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise UsageError(f"seed={seed!r} must be a whole number")
        trait_rows = self.min_trait_rows
        if isinstance(trait_rows, bool) or not isinstance(trait_rows, int) or trait_rows < 0:
            raise UsageError(f"--min-trait-rows={trait_rows!r} must be 0 or more")
        # frozen all the way down: the boosts are a read-only copy
        object.__setattr__(self, "boost", MappingProxyType(dict(sorted(self.boost.items()))))

    def __reduce__(self) -> tuple[type[GenerateOptions], tuple[object, ...]]:
        # pickled for worker processes: the read-only view travels as a plain dict, and
        # who hears of progress stays in the process that listens
        values = {f: getattr(self, f) for f in self.__dataclass_fields__}
        values["boost"] = dict(self.boost)
        values["progress"] = None
        return (type(self), tuple(values.values()))

    @classmethod
    def of(
        cls, options: GenerateOptions | None = None, /, **args: Unpack[GenerateArgs]
    ) -> GenerateOptions:
        """The checked value of ``args`` (the :class:`GenerateArgs` keywords); ``options``,
        when given, supplies the ones not passed. An unknown keyword is a UsageError."""
        from synth.generator.boost import as_boosts
        from synth.internal.asof import parse_as_of

        unknown = sorted(set(args) - _KEYWORDS)
        if unknown:
            raise UsageError(
                f"{', '.join(unknown)} is not a generation option; "
                f"use {', '.join(sorted(_KEYWORDS))}"
            )
        base = options or cls()
        given = args.get("tables", base.tables)
        tables = (given,) if isinstance(given, str) else None if given is None else tuple(given)
        return cls(
            rows=args.get("rows", base.rows),
            scale=args.get("scale", base.scale),
            seed=args.get("seed", base.seed),
            tables=tables,
            min_trait_rows=args.get("min_trait_rows", base.min_trait_rows),
            boost=as_boosts(args["boost"]) if "boost" in args else dict(base.boost),
            as_of=parse_as_of(args["as_of"]) if "as_of" in args else base.as_of,
            progress=args.get("progress", base.progress),
        )

    def record(self, as_of: dt.datetime) -> dict[str, object]:
        """The options as a manifest records them (``as_of``: the profile's as-of time
        after re-anchoring), so a fixture directory says how it was made."""
        return {
            "rows": self.rows,
            "scale": self.scale,
            "tables": list(self.tables) if self.tables is not None else None,
            "min_trait_rows": self.min_trait_rows,
            "boost": dict(self.boost),
            "as_of": as_of.isoformat(),
        }

    @classmethod
    def from_record(cls, record: Mapping[str, object], seed: int) -> GenerateOptions:
        """The options a manifest recorded (:meth:`record`), to plan the same run again."""
        known = {k: v for k, v in record.items() if k in _KEYWORDS - {"progress"} and v is not None}
        return cls.of(**known, seed=seed)  # type: ignore[arg-type]
