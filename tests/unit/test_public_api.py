"""The public face keeps working wherever the modules behind it move: every name in
``synth.__all__``, the ``synth`` and ``python -m`` commands, and the pytest plugin's entry
point."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points

import pytest

import synth


@pytest.mark.parametrize("name", synth.__all__)
def test_every_exported_name_resolves(name: str) -> None:
    value = getattr(synth, name)
    assert value is not None
    if callable(value) and not isinstance(value, type):
        assert value.__doc__, f"synth.{name} has no docstring"


def test_the_stage_packages_do_not_shadow_the_functions() -> None:
    """Importing every stage package leaves synth.profile, .generate, .load and .write the
    public functions (a package named like one of them would replace it)."""
    for module in ("profiler", "generator", "writers", "loader", "checks", "review", "cli"):
        __import__(f"synth.{module}")
    for name in ("profile", "generate", "load", "write", "cases", "validate", "diff"):
        assert callable(getattr(synth, name)) and not isinstance(getattr(synth, name), type)
        assert getattr(synth, name).__module__.startswith("synth."), name


@pytest.mark.parametrize("command", [["-m", "synth"], ["-m", "synth.cli"]])
def test_python_dash_m_runs_the_command(command: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, *command, "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"synth {synth.__version__}"


def test_the_pytest_entry_point_is_the_plugin() -> None:
    (found,) = [e for e in entry_points(group="pytest11") if e.name == "synth"]
    plugin = found.load()
    assert callable(plugin.pytest_addoption) and callable(plugin.pytest_configure)


def test_the_console_script_is_the_cli() -> None:
    (found,) = [e for e in entry_points(group="console_scripts") if e.name == "synth"]
    assert found.value == "synth.cli:main"
    assert callable(found.load())
