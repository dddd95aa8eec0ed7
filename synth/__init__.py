"""synth: production-shaped test fixtures.

Profile a database (statistics only, computed inside it) into a reviewable YAML
profile, generate deterministic, dirty, production-shaped datasets from it, and
load them back in tests.

    import synth
    prof = synth.profile("sqlite:///shop.db")
    synth.write_profile(prof, "profiles/shop.yaml")
    tables = synth.generate(prof, rows=1000, seed=7)        # dict of polars DataFrames
    manifest = synth.write(prof, "build/fixtures", rows=1000, seed=7)
    tables = synth.load("build/fixtures")
    synth.load_into("build/fixtures", "postgresql://app@localhost/test")  # one transaction
    synth.read_manifest("build/fixtures").traits["users"]   # rows carrying each trait
    synth.cases("users", "plan", profile="profiles/shop.yaml")  # one row per production shape
    synth.validate("profiles/shop.yaml", "build/fixtures").ok   # fixtures vs profile
    synth.diff("profiles/app.yaml", "postgresql://ro@replica/app").stale  # drift
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from synth._version import __version__
from synth.errors import (
    OutputError,
    ProfileError,
    SourceError,
    SynthError,
    SynthWarning,
    UsageError,
)

if TYPE_CHECKING:
    from synth.api import (
        diff,
        expectation_suites,
        generate,
        generate_into,
        load,
        load_into,
        profile,
        validate,
        write,
    )
    from synth.checks.drift.report import DriftReport
    from synth.checks.fidelity.report import ValidationReport
    from synth.internal.progress import ProgressEvent
    from synth.model import (
        Column,
        ColumnStats,
        Distribution,
        ForeignKey,
        LogicalType,
        OtherValues,
        Profile,
        SemanticType,
        Source,
        Table,
        TraitStat,
        ValueFrequency,
    )
    from synth.model.io import dump_profile, load_profile, read_profile, write_profile
    from synth.model.manifest import Manifest, read_manifest
    from synth.pytest_plugin.cases import Case, cases

_LAZY = {
    **dict.fromkeys(
        [
            "diff",
            "expectation_suites",
            "generate",
            "generate_into",
            "load",
            "load_into",
            "profile",
            "validate",
            "write",
        ],
        "synth.api",
    ),
    **dict.fromkeys(["Case", "cases"], "synth.pytest_plugin.cases"),
    **dict.fromkeys(
        ["dump_profile", "load_profile", "read_profile", "write_profile"], "synth.model.io"
    ),
    "DriftReport": "synth.checks.drift.report",
    "ValidationReport": "synth.checks.fidelity.report",
    "ProgressEvent": "synth.internal.progress",
    **dict.fromkeys(["Manifest", "read_manifest"], "synth.model.manifest"),
    **dict.fromkeys(
        [
            "Column",
            "ColumnStats",
            "Distribution",
            "ForeignKey",
            "LogicalType",
            "OtherValues",
            "Profile",
            "SemanticType",
            "Source",
            "Table",
            "TraitStat",
            "ValueFrequency",
        ],
        "synth.model",
    ),
}
"""Public name -> the module that defines it, imported on first use: ``import synth`` (and
the pytest plugin, which every pytest run of a project loads) costs no pydantic, YAML or
polars until a name is used."""


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'synth' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "Case",
    "Column",
    "ColumnStats",
    "Distribution",
    "DriftReport",
    "ForeignKey",
    "LogicalType",
    "Manifest",
    "OtherValues",
    "OutputError",
    "Profile",
    "ProfileError",
    "ProgressEvent",
    "SemanticType",
    "Source",
    "SourceError",
    "SynthError",
    "SynthWarning",
    "Table",
    "TraitStat",
    "UsageError",
    "ValidationReport",
    "ValueFrequency",
    "__version__",
    "cases",
    "diff",
    "dump_profile",
    "expectation_suites",
    "generate",
    "generate_into",
    "load",
    "load_into",
    "load_profile",
    "profile",
    "read_manifest",
    "read_profile",
    "validate",
    "write",
    "write_profile",
]
