"""``import synth`` is cheap: the pytest plugin imports it in every pytest run of a project
that installs synth, so the heavy modules wait until a public name is used. ``synth
--help`` is cheap too: a user's first command must not wait for the profile model."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

HEAVY = ("pydantic", "yaml", "polars", "pyarrow", "numpy", "sqlalchemy", "faker", "typer")


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}; import sys; print(' '.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    return {m for m in HEAVY if m in out}


def test_import_synth_loads_no_heavy_module() -> None:
    assert _loaded_after("import synth") == set()


def test_a_public_name_loads_what_it_needs() -> None:
    assert {"pydantic", "yaml"} <= _loaded_after("import synth; synth.read_profile")
    assert "polars" not in _loaded_after("import synth; synth.Profile")


CLI_HEAVY = {"pydantic", "yaml", "polars", "pyarrow", "great_expectations", "numpy", "faker"}


def _imported_by_cli(*args: str) -> set[str]:
    """The top-level packages ``python -X importtime -m synth.cli ARGS`` imports (read from
    the import-time report on stderr, which names every module imported)."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "synth.cli", *args],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Usage" in result.stdout
    names = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*([\w.]+)$", result.stderr, re.M)
    assert "synth.cli" in names  # the report was read
    return {name.split(".")[0] for name in names}


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("generate", "--help"),
        ("profile", "--help"),
        ("load", "--help"),
        ("validate", "--help"),
        ("diff", "--help"),
        ("show", "--help"),
    ],
    ids=" ".join,
)
def test_cli_help_imports_no_heavy_package(args: tuple[str, ...]) -> None:
    assert _imported_by_cli(*args) & CLI_HEAVY == set()
