"""Bad input from a user: one line on stderr naming what and where, exit status 2,
no traceback, and nothing half-written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MYSQL_URL

SYNTH = [sys.executable, "-m", "synth.cli"]


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The ``synth`` command as a user runs it, in ``cwd``, with ``env`` added to this
    process's environment (less any ``$SYNTH_DATABASE_URL`` of the shell running the tests)."""
    inherited = {k: v for k, v in os.environ.items() if k != "SYNTH_DATABASE_URL"}
    return subprocess.run(
        [*SYNTH, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env={**inherited, "COLUMNS": "200", **(env or {})},
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("synth: error: ")
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def shop_db(tmp_path: Path) -> str:
    import sqlite3

    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, plan TEXT)")
        conn.executemany(
            "INSERT INTO users (email, plan) VALUES (?, ?)",
            [(f"u{i}@example.com", "pro" if i % 3 else None) for i in range(50)],
        )
    return f"sqlite:///{path}"


@pytest.fixture
def profile_file(tmp_path: Path, shop_db: str) -> Path:
    out = tmp_path / "shop.yaml"
    result = run("profile", shop_db, "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return out


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if "synth-tmp" in p.name)


def test_malformed_profile(tmp_path: Path, profile_file: Path) -> None:
    text = profile_file.read_text().replace("rows: 50", "rows: fifty")
    profile_file.write_text(text)
    line = assert_one_line_error(
        run("generate", str(profile_file), "--out", "fx", cwd=tmp_path), str(profile_file), "rows"
    )
    assert f"{profile_file}:" in line  # file:line
    assert not (tmp_path / "fx").exists()


def test_missing_profile(tmp_path: Path) -> None:
    assert_one_line_error(run("show", "nope.yaml", cwd=tmp_path), "nope.yaml", "synth profile")


def test_unreachable_database(tmp_path: Path) -> None:
    out = tmp_path / "p.yaml"
    url = "postgresql://postgres@127.0.0.1:1/app"
    assert_one_line_error(run("profile", url, "--out", str(out), cwd=tmp_path), "127.0.0.1:1")
    assert not out.exists()


def test_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    assert_one_line_error(
        run("profile", "sqlite:///absent.db", "--out", "p.yaml", cwd=tmp_path), "absent.db"
    )
    assert not (tmp_path / "absent.db").exists()
    assert not (tmp_path / "p.yaml").exists()


@pytest.mark.mysql
def test_wrong_credentials_do_not_leak_the_password(tmp_path: Path, _mysql_admin) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(MYSQL_URL).set(password="s3cret-pw").render_as_string(hide_password=False)
    result = run("profile", url, "--out", "p.yaml", cwd=tmp_path)
    line = assert_one_line_error(result)
    assert "s3cret-pw" not in result.stderr + result.stdout
    assert "***" in line
    assert not (tmp_path / "p.yaml").exists()


def test_unknown_table_when_profiling(tmp_path: Path, shop_db: str) -> None:
    result = run("profile", shop_db, "--tables", "userz", "--out", "p.yaml", cwd=tmp_path)
    assert_one_line_error(result, "'userz'", "users")
    assert not (tmp_path / "p.yaml").exists()


def test_unknown_table_when_generating(tmp_path: Path, profile_file: Path) -> None:
    result = run("generate", str(profile_file), "--tables", "userz", "--out", "fx", cwd=tmp_path)
    assert_one_line_error(result, "'userz'")
    assert not (tmp_path / "fx").exists()
    assert leftovers(tmp_path) == []


def test_unwritable_output_dir(tmp_path: Path, profile_file: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    result = run("generate", str(profile_file), "--out", str(blocker / "fx"), cwd=tmp_path)
    assert_one_line_error(result, str(blocker / "fx"))
    assert blocker.read_text() == "not a directory"
    assert leftovers(tmp_path) == []


def test_failed_generate_keeps_previous_fixtures(tmp_path: Path, profile_file: Path) -> None:
    ok = run("generate", str(profile_file), "--rows", "20", "--out", "fx", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    before = {p.name: p.read_bytes() for p in (tmp_path / "fx").iterdir()}
    bad = run("generate", str(profile_file), "--tables", "nope", "--out", "fx", cwd=tmp_path)
    assert_one_line_error(bad, "'nope'")
    assert {p.name: p.read_bytes() for p in (tmp_path / "fx").iterdir()} == before
    assert leftovers(tmp_path) == []


def test_rows_and_scale_together(tmp_path: Path, profile_file: Path) -> None:
    result = run(
        "generate", str(profile_file), "--rows", "10", "--scale", "2", "--out", "fx", cwd=tmp_path
    )
    assert_one_line_error(result, "--rows", "--scale")
    assert not (tmp_path / "fx").exists()


DEMO = Path(__file__).resolve().parents[2] / "profiles" / "shop.yaml"


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        pytest.param(["--boost", "users.plan:null"], ["--boost", "RATE"], id="boost-no-rate"),
        pytest.param(["--boost", "users.plan:null=2"], ["from 0 to 1"], id="boost-rate-range"),
        pytest.param(["--boost", "users.nope:null=0.1"], ["no column 'nope'"], id="boost-column"),
        pytest.param(["--boost", "users:cohort=0.5"], ["segment column"], id="boost-cohort"),
        pytest.param(["--min-trait-rows", "-1"], ["--min-trait-rows"], id="min-trait-rows"),
        pytest.param(["--as-of", "yesterday"], ["--as-of", "'yesterday'"], id="as-of"),
    ],
)  # fmt: skip
def test_bad_generate_trait_options(tmp_path: Path, args: list[str], needles: list[str]) -> None:
    result = run("generate", str(DEMO), "--rows", "20", "--out", "fx", *args, cwd=tmp_path)
    assert_one_line_error(result, *needles)
    assert not (tmp_path / "fx").exists()


@pytest.mark.parametrize(
    ("args", "needles"),
    [
        pytest.param(["--segment-by", "nope.source"], ["--segment-by", "nope"], id="segment-by"),
        pytest.param(["--legacy-after", "soon"], ["--legacy-after"], id="legacy-after"),
        pytest.param(["--known-values", "missing.yaml"], ["missing.yaml"], id="known-values"),
        pytest.param(["--time-column", "users"], ["--time-column"], id="time-column"),
        pytest.param(["--as-of", "2026-13-01"], ["--as-of"], id="as-of"),
    ],
)
def test_bad_profile_trait_options(
    tmp_path: Path, shop_db: str, args: list[str], needles: list[str]
) -> None:
    result = run("profile", shop_db, "--out", "p.yaml", *args, cwd=tmp_path)
    assert_one_line_error(result, *needles)
    assert not (tmp_path / "p.yaml").exists()
