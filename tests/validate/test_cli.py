"""``synth validate`` as a user runs it: exit 0 within tolerance, 1 out of it (naming the
columns), 2 with one line for bad input; ``--json`` and ``--html``."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.cli.test_errors import run
from tests.validate.conftest import SHOP


def test_same_profile_exits_0(good_dir: Path, tmp_path: Path) -> None:
    result = run("validate", str(SHOP), str(good_dir), cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("ok: ")
    assert "FAIL" not in result.stdout


def test_tampered_exits_1_naming_columns_with_json_and_html(bad_dir: Path, tmp_path: Path) -> None:
    result = run("validate", str(SHOP), str(bad_dir), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:2] == ["where", "check"]  # failures come first
    assert any(line.startswith("FAIL  users.email") and "trait_presence" in line for line in lines)
    assert any(line.startswith("FAIL  users.postal_code") for line in lines)
    assert lines[-1].startswith("FAILED: 2 of ")
    assert lines[-1].endswith("users.email, users.postal_code")

    page = tmp_path / "report.html"
    as_json = run("validate", str(SHOP), str(bad_dir), "--json", "--html", str(page), cwd=tmp_path)
    assert as_json.returncode == 1, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["ok"] is False
    assert data["summary"]["failed_columns"] == ["users.email", "users.postal_code"]
    assert page.read_text(encoding="utf-8").count('<figure class="plot fail"') == 2

    loose = run("validate", str(SHOP), str(bad_dir), "--tolerance", "null_fraction=0.5",
                "--tolerance", "trait_rate=1", cwd=tmp_path)  # fmt: skip
    assert loose.returncode == 1  # presence is not a tolerance
    assert "users.postal_code" not in loose.stdout.splitlines()[-1]


def _one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("synth: error: "), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_bad_input_exits_2_with_one_line(good_dir: Path, tmp_path: Path) -> None:
    _one_line_error(run("validate", str(tmp_path / "nope.yaml"), str(good_dir), cwd=tmp_path),
                    "nope.yaml")  # fmt: skip
    _one_line_error(run("validate", str(SHOP), str(tmp_path / "nodir"), cwd=tmp_path),
                    "nodir", "synth generate")  # fmt: skip
    _one_line_error(run("validate", str(SHOP), str(tmp_path), cwd=tmp_path), "manifest.json")
    _one_line_error(
        run("validate", str(SHOP), str(good_dir), "--tolerance", "nul=1", cwd=tmp_path),
        "nul='1'",
        "null_fraction",
    )
    _one_line_error(
        run("validate", str(SHOP), str(good_dir), "--engine", "pandas", cwd=tmp_path), "pandas"
    )
    (tmp_path / "a_file").write_text("not a directory", encoding="utf-8")
    _one_line_error(run("validate", str(SHOP), str(tmp_path / "a_file"), cwd=tmp_path),
                    "a_file", "is a file, not a directory", "synth generate")  # fmt: skip
    page = tmp_path / "a_file" / "sub" / "r.html"  # a missing directory is made; a file is not
    _one_line_error(
        run("validate", str(SHOP), str(good_dir), "--html", str(page), cwd=tmp_path),
        "r.html",
        "a_file' is a file, not a directory",
        "--html",
    )
    assert not page.parent.exists() and (tmp_path / "a_file").is_file()
