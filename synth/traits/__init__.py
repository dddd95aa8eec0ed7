"""The trait registry: every module in this package (and in its ``relations/`` and
``cohorts/`` subpackages) registers its traits on import.

Adding a trait is one new module here (plus its tests): a class with ``@register``. The
trait base classes live in :mod:`synth.traits.base`, which every trait module imports;
this module only collects them.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TypeVar

from synth.errors import ProfileError, UsageError
from synth.traits.base import ColumnTrait, TableTrait

__all__ = [
    "all_traits",
    "column_traits",
    "get",
    "parse_trait_name",
    "register",
    "table_traits",
]

_REGISTRY: dict[str, ColumnTrait | TableTrait] = {}
_LOADED = False

T = TypeVar("T", type[ColumnTrait], type[TableTrait])


def register(cls: T) -> T:
    """Class decorator: make a trait known by its ``name``."""
    if cls.name in _REGISTRY and type(_REGISTRY[cls.name]) is not cls:
        raise RuntimeError(f"two traits are named {cls.name!r}")
    _REGISTRY[cls.name] = cls()
    return cls


def _load() -> None:
    global _LOADED
    if not _LOADED:
        for info in pkgutil.walk_packages(__path__, prefix=f"{__name__}."):
            if not info.name.rpartition(".")[2].startswith("_"):
                importlib.import_module(info.name)
        _LOADED = True


def all_traits() -> dict[str, ColumnTrait | TableTrait]:
    """Every registered trait by name, in a stable (family, name) order."""
    _load()
    return dict(sorted(_REGISTRY.items(), key=lambda kv: (kv[1].family, kv[0])))


def column_traits() -> list[ColumnTrait]:
    return [t for t in all_traits().values() if isinstance(t, ColumnTrait)]


def table_traits() -> list[TableTrait]:
    return [t for t in all_traits().values() if isinstance(t, TableTrait)]


def get(name: str, *, where: str = "") -> ColumnTrait | TableTrait:
    """The trait named ``name``; a profile naming an unknown one is an error."""
    traits = all_traits()
    if name not in traits:
        place = f"{where}: " if where else ""
        raise ProfileError(
            f"{place}trait={name!r} is not known to this synth (known: {', '.join(traits)}); "
            "upgrade synth or re-profile"
        )
    return traits[name]


def parse_trait_name(name: str) -> ColumnTrait | TableTrait:
    """A trait named by the user on the command line."""
    traits = all_traits()
    if name not in traits:
        raise UsageError(f"trait={name!r} is not a trait; choose one of: {', '.join(traits)}")
    return traits[name]
