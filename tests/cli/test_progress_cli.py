"""Progress on a terminal, silence in a pipe: ``synth profile``, ``generate``, ``load`` and
``validate`` run under ``script`` (a real pseudo-terminal) draw rich progress bars, and
the same commands piped print exactly their summary lines, nothing else."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_errors import run

PROFILE = Path(__file__).resolve().parents[2] / "profiles" / "shop.yaml"
BAR = "\u2501"  # the heavy horizontal line rich draws bars with
ESCAPE = "\x1b["


def _in_terminal(args: list[str], cwd: Path) -> str:
    """What ``synth ARGS`` writes to a terminal (stdout and stderr both the pty)."""
    if shutil.which("script") is None:
        pytest.fail("the 'script' command (util-linux) is needed to run synth in a terminal")
    command = shlex.join([sys.executable, "-m", "synth.cli", *args])
    env = {k: v for k, v in os.environ.items() if k != "SYNTH_DATABASE_URL"}
    result = subprocess.run(
        ["script", "-qec", command, "/dev/null"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
        env={**env, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"},
    )
    assert result.returncode in (0, 1), result.stdout[-2000:]
    return result.stdout


def _source_db(tmp_path: Path) -> str:
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE tenants (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL)")
        conn.execute(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, tenant_id INTEGER REFERENCES "
            "tenants(id), plan TEXT)"
        )
        conn.executemany("INSERT INTO tenants (name) VALUES (?)", [(f"t{i}",) for i in range(20)])
        conn.executemany(
            "INSERT INTO users (tenant_id, plan) VALUES (?, ?)",
            [(i % 20 + 1, ["free", "pro", None][i % 3]) for i in range(300)],
        )
    return f"sqlite:///{path}"


def _target_db(tmp_path: Path, name: str) -> str:
    sql = tmp_path / f"{name}-sql"
    gen = run("generate", str(PROFILE), "--format", "sql", "--dialect", "sqlite",
              "--rows", "5", "--out", str(sql), cwd=tmp_path)  # fmt: skip
    assert gen.returncode == 0, gen.stderr
    path = tmp_path / f"{name}.db"
    with sqlite3.connect(path) as conn:
        conn.executescript((sql / "schema.sql").read_text(encoding="utf-8"))
    return f"sqlite:///{path}"


def _commands(tmp_path: Path, name: str) -> dict[str, list[str]]:
    """Each long command, writing into ``name``-prefixed places of ``tmp_path``."""
    fixtures = tmp_path / f"{name}-fx"
    return {
        "profile": ["profile", _source_db(tmp_path), "--out", str(tmp_path / f"{name}.yaml")],
        "generate": ["generate", str(PROFILE), "--rows", "3000", "--out", str(fixtures)],
        "load": ["load", str(fixtures), "--to", _target_db(tmp_path, name)],
        "validate": ["validate", str(PROFILE), str(fixtures)],
    }


def test_long_commands_draw_progress_on_a_terminal(tmp_path: Path) -> None:
    for command, args in _commands(tmp_path, "tty").items():
        shown = _in_terminal(args, tmp_path)
        assert BAR in shown, f"synth {command}: no progress bar on a terminal:\n{shown[-1500:]}"
        assert re.search(r"\d+/\d+ tables", shown), f"synth {command}: no table count"
        if command in ("generate", "load"):
            assert re.search(r"[\d,]+/[\d,]+ rows", shown), f"synth {command}: no row count"
        if command == "profile":
            assert "the aggregate query" in shown  # the statistic running now


def test_progress_forced_and_quieted(tmp_path: Path) -> None:
    args = _commands(tmp_path, "flags")["generate"]
    forced = run(*args, "--progress", cwd=tmp_path)  # stderr a pipe, yet drawn
    assert forced.returncode == 0, forced.stderr
    assert BAR in forced.stderr
    quiet = _in_terminal([*args, "--quiet"], tmp_path)
    assert BAR not in quiet and "tables" in quiet  # the summary, no bar


SUMMARY = {
    "profile": [r"profiled \d+ tables, \d+ columns -> .+"],
    "generate": [r"  \S+ +[\d,]+ rows", r"wrote \d+ tables, [\d,]+ rows \(parquet, seed 0\) -> .+"],
    "load": [r"  \S+ +[\d,]+ rows", r"loaded \d+ tables, [\d,]+ rows -> sqlite:///.+"],
    "validate": [],
}


def test_piped_commands_print_nothing_extra(tmp_path: Path) -> None:
    for command, args in _commands(tmp_path, "pipe").items():
        result = run(*args, cwd=tmp_path)
        assert result.returncode in (0, 1), result.stderr
        for stream in (result.stdout, result.stderr):
            assert ESCAPE not in stream and "\r" not in stream and BAR not in stream
        patterns = SUMMARY[command]
        for line in result.stderr.splitlines():
            assert any(re.fullmatch(p, line) for p in patterns), f"synth {command}: {line!r}"
        if command == "validate":  # the report on stdout, as without progress
            assert re.search(r"^(ok|FAILED): ", result.stdout, re.M)
