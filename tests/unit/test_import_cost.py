"""``import synth`` is cheap: the pytest plugin imports it in every pytest run of a project
that installs synth, so the heavy modules wait until a public name is used."""

from __future__ import annotations

import subprocess
import sys

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
