"""The contracts between the stages: the :class:`Profile` and its parts
(:mod:`~synth.model.profile`), reading and writing profile files (:mod:`~synth.model.io`),
the rules for values and fractions (:mod:`~synth.model.values`), the Arrow schema of fixtures
(:mod:`~synth.model.arrow`) and the manifest of a fixture directory
(:mod:`~synth.model.manifest`).

``from synth.model import Profile, Column, ...`` works as before; the names are imported from
:mod:`~synth.model.profile` on first use, so that reading a manifest (or anything else in
this package) does not build the profile's pydantic models.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from synth.model.profile import (
        ARRAY_ITEMS,
        CHAR_CLASSES,
        PROFILE_KIND,
        PROFILE_VERSION,
        QUANTILE_POINTS,
        CharClass,
        Check,
        CheckRule,
        Column,
        ColumnStats,
        Distribution,
        Estimates,
        ForeignKey,
        Fraction,
        LetterCase,
        LogicalType,
        OtherValues,
        Profile,
        Scalar,
        SemanticType,
        Source,
        Table,
        TraitStat,
        Trigger,
        ValueFrequency,
    )

__all__ = [
    "ARRAY_ITEMS",
    "CHAR_CLASSES",
    "PROFILE_KIND",
    "PROFILE_VERSION",
    "QUANTILE_POINTS",
    "CharClass",
    "Check",
    "CheckRule",
    "Column",
    "ColumnStats",
    "Distribution",
    "Estimates",
    "ForeignKey",
    "Fraction",
    "LetterCase",
    "LogicalType",
    "OtherValues",
    "Profile",
    "Scalar",
    "SemanticType",
    "Source",
    "Table",
    "TraitStat",
    "Trigger",
    "ValueFrequency",
]

_PUBLIC = frozenset(__all__)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'synth.model' has no attribute {name!r}")
    value = getattr(importlib.import_module("synth.model.profile"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | _PUBLIC)
