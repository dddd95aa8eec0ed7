"""The package's shape holds (``tools/import_graph.py``): no import cycle, stage packages
stacked in floors with no import running back up, no module importing the face or the
facade, no private module used outside its package, no module over 500 lines."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tool():
    spec = importlib.util.spec_from_file_location("import_graph", ROOT / "tools/import_graph.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["import_graph"] = module
    spec.loader.exec_module(module)
    return module


def test_the_layout_holds() -> None:
    problems = _tool().check(ROOT)
    assert not problems, "\n".join(problems)


def test_the_checker_finds_a_cycle(tmp_path: Path) -> None:
    """The check can fail: two modules importing each other are reported."""
    package = tmp_path / "synth"
    (package / "model").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "errors.py").write_text("")
    (package / "model/__init__.py").write_text("from synth.model import io\n")
    (package / "model/io.py").write_text("from synth.model import values\n")
    (package / "model/values.py").write_text("import synth.model.io\n")
    problems = _tool().check(tmp_path)
    assert any("import cycle" in p and "synth.model.io" in p for p in problems), problems


def test_the_checker_finds_an_upward_import(tmp_path: Path) -> None:
    package = tmp_path / "synth"
    (package / "model").mkdir(parents=True)
    (package / "generator").mkdir()
    (package / "__init__.py").write_text("")
    (package / "model/__init__.py").write_text("from synth.generator import plan\n")
    (package / "generator/__init__.py").write_text("")
    (package / "generator/plan.py").write_text("")
    problems = _tool().check(tmp_path)
    assert any(p.startswith("upward import model -> generator") for p in problems), problems
