"""``synth profile`` options for production sources: the URL from ``$SYNTH_DATABASE_URL``
(out of shell history), ``--sample`` and ``--statement-timeout``; bad values are one line on
stderr with exit status 2."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from synth.model.io import read_profile
from tests.cli.test_errors import assert_one_line_error, run


@pytest.fixture
def shop_url(tmp_path: Path) -> str:
    path = tmp_path / "shop.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, plan TEXT)")
        conn.executemany(
            "INSERT INTO users (plan) VALUES (?)",
            [("pro" if i % 3 else "free",) for i in range(60)],
        )
    return f"sqlite:///{path}"


def test_the_url_comes_from_the_environment(tmp_path: Path, shop_url: str) -> None:
    out = tmp_path / "p.yaml"
    result = run("profile", "--out", str(out), cwd=tmp_path, env={"SYNTH_DATABASE_URL": shop_url})
    assert result.returncode == 0, result.stderr
    profile = read_profile(out)
    assert profile.source.url == shop_url
    assert profile.table("users").rows == 60


def test_no_source_and_no_environment_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / "p.yaml"
    result = run("profile", "--out", str(out), cwd=tmp_path, env={})
    assert_one_line_error(result, "no source given", "SYNTH_DATABASE_URL")
    assert not out.exists()


def test_sample_is_recorded_and_a_small_table_is_read_whole(tmp_path: Path, shop_url: str) -> None:
    out = tmp_path / "p.yaml"
    result = run("profile", shop_url, "--out", str(out), "--sample", "25", cwd=tmp_path, env={})
    assert result.returncode == 0, result.stderr
    profile = read_profile(out)
    assert profile.source.sample == 25
    assert profile.table("users").rows == 60  # fewer sampled rows than worth sampling


@pytest.mark.parametrize(
    ("flags", "needle"),
    [
        pytest.param(["--sample", "0"], "--sample", id="sample-zero"),
        pytest.param(["--sample", "150"], "--sample", id="sample-over-100"),
        pytest.param(["--statement-timeout", "-1"], "--statement-timeout", id="negative-timeout"),
    ],
)
def test_bad_session_options_are_one_line(
    tmp_path: Path, shop_url: str, flags: list[str], needle: str
) -> None:
    out = tmp_path / "p.yaml"
    result = run("profile", shop_url, "--out", str(out), *flags, cwd=tmp_path, env={})
    assert_one_line_error(result, needle)
    assert not out.exists()
