"""The plugin in real pytest sessions: settings, the fixture cache, pre-generated fixtures."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import synth

SHOW_SETTINGS = """
    def test_show(synth_data):
        users = synth_data.table("users")
        print("SEED", synth_data.seed, "ROWS", synth_data.rows_option, "USERS", users.height)
        assert type(users).__module__.startswith("polars")
        assert synth_data.rows("users")[0].keys() == set(users.columns)
        assert list(synth_data.pandas("users").columns) == users.columns
"""


def _cache_entries(pytester: pytest.Pytester) -> list[Path]:
    root = pytester.path / ".pytest_cache" / "d" / "synth"
    return sorted(p for p in root.iterdir() if (p / "manifest.json").is_file())


def test_ini_options_generate_and_report(project: pytest.Pytester) -> None:
    project.makepyfile(SHOW_SETTINGS)
    result = project.runpytest_subprocess("-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["*SEED 7 ROWS 60 USERS *"])
    result.stdout.fnmatch_lines(
        [
            "synth: profile *shop.yaml, seed 7, rows 60; 5 tables, * rows (generated, *); "
            "reproduce: pytest --synth-seed 7 --synth-rows 60"
        ]
    )
    assert len(_cache_entries(project)) == 1


def test_command_line_overrides_ini(project: pytest.Pytester, shared_cache: Path) -> None:
    project.makepyfile(SHOW_SETTINGS)
    project.makeini("[pytest]\nsynth_seed = 7\n")  # the profile only on the command line
    result = project.runpytest_subprocess(
        "-s",
        "--synth-profile=profiles/shop.yaml",
        "--synth-seed",
        "3",
        "--synth-rows",
        "40",
        f"--synth-fixtures-dir={shared_cache}",
    )
    result.assert_outcomes(passed=1)
    profile = project.path / "profiles" / "shop.yaml"
    result.stdout.fnmatch_lines(
        [
            "*SEED 3 ROWS 40 USERS *",
            f"*; reproduce: pytest --synth-profile={profile} --synth-seed 3 --synth-rows 40 "
            f"--synth-fixtures-dir={shared_cache}",
        ]
    )


def test_second_session_is_a_cache_hit_and_refresh_regenerates(project: pytest.Pytester) -> None:
    project.makepyfile(SHOW_SETTINGS)
    project.runpytest_subprocess().assert_outcomes(passed=1)
    [entry] = _cache_entries(project)
    before = (entry.stat().st_ino, (entry / "manifest.json").stat().st_mtime_ns)

    again = project.runpytest_subprocess()
    again.assert_outcomes(passed=1)
    again.stdout.fnmatch_lines(["synth: *(cache hit, *"])
    assert _cache_entries(project) == [entry]
    assert (entry.stat().st_ino, (entry / "manifest.json").stat().st_mtime_ns) == before

    fresh = project.runpytest_subprocess("--synth-refresh")
    fresh.assert_outcomes(passed=1)
    fresh.stdout.fnmatch_lines(["synth: *(regenerated, *"])
    assert _cache_entries(project) == [entry]
    assert entry.stat().st_ino != before[0]  # a new directory was renamed into place


def test_a_new_seed_is_a_new_cache_entry(project: pytest.Pytester, tmp_path: Path) -> None:
    project.makepyfile(SHOW_SETTINGS)
    cache = tmp_path / "fixture-cache"
    project.runpytest_subprocess(f"--synth-fixtures-dir={cache}").assert_outcomes(passed=1)
    result = project.runpytest_subprocess(f"--synth-fixtures-dir={cache}", "--synth-seed", "8")
    result.stdout.fnmatch_lines(["synth: *seed 8*(generated, *"])
    assert len([p for p in cache.iterdir() if (p / "manifest.json").is_file()]) == 2
    assert not (project.path / ".pytest_cache" / "d" / "synth").exists()


def test_pregenerated_directory_is_used_as_is(project: pytest.Pytester) -> None:
    synth.write(
        project.path / "profiles" / "shop.yaml", project.path / "ci-fixtures", rows=50, seed=5
    )
    project.makeini("[pytest]\n")  # no profile: the directory alone
    project.makepyfile(SHOW_SETTINGS)
    result = project.runpytest_subprocess("-s", "--synth-fixtures=ci-fixtures")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(
        [
            "*SEED 5 ROWS 50 USERS *",
            "synth: pre-generated fixtures *ci-fixtures (seed 5, rows 50)*(pre-generated, *",
        ]
    )
    assert not list((project.path / ".pytest_cache").glob("d/synth/*/manifest.json"))


def test_pregenerated_directory_from_another_profile_is_refused(project: pytest.Pytester) -> None:
    other = project.path / "profiles" / "other.yaml"
    text = (project.path / "profiles" / "shop.yaml").read_text(encoding="utf-8")
    other.write_text(text.replace("rows: 6000", "rows: 6001", 1), encoding="utf-8")
    synth.write(other, project.path / "ci-fixtures", rows=30, seed=7)
    project.makepyfile(SHOW_SETTINGS)
    result = project.runpytest_subprocess("--synth-fixtures=ci-fixtures")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*synth: --synth-fixtures 'ci-fixtures' was generated from another*"]
    )


def test_bad_ini_value_is_a_usage_error(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nsynth_profile = profiles/shop.yaml\nsynth_seed = seven\n")
    result = project.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*synth: ini option synth_seed='seven': not an integer*"])


def test_missing_profile_fails_at_setup_in_one_line(project: pytest.Pytester) -> None:
    project.makeini("[pytest]\nsynth_profile = profiles/nope.yaml\n")
    project.makepyfile(SHOW_SETTINGS)
    result = project.runpytest_subprocess()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["synth: ini option synth_profile='profiles/nope.yaml': no such file*"]
    )
    assert "Traceback" not in result.stdout.str()


def test_plugin_is_silent_without_settings(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_plain():\n    assert True\n")
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=1)
    assert "synth:" not in result.stdout.str()
    assert not (pytester.path / ".pytest_cache" / "d" / "synth").exists()


def test_p_no_synth_turns_the_plugin_off(project: pytest.Pytester) -> None:
    project.makepyfile(SHOW_SETTINGS)
    result = project.runpytest_subprocess("-p", "no:synth")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'synth_data' not found*"])
    assert "synth:" not in result.stdout.str()
    flag = project.runpytest_subprocess("-p", "no:synth", "--synth-seed", "3")
    assert flag.ret == pytest.ExitCode.USAGE_ERROR


def test_importing_the_plugin_imports_no_heavy_module() -> None:
    code = (
        "import sys, synth.pytest_plugin.hooks, synth\n"
        "heavy = ['polars', 'faker', 'great_expectations', 'sqlalchemy', 'numpy', 'pyarrow']\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_default_cache_is_per_user_and_a_shared_tmp_fallback_is_private(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from synth.pytest_plugin.settings import check_cache_root, default_cache_root

    monkeypatch.delenv("SYNTH_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_root() == tmp_path / "xdg" / "synth"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert default_cache_root() == tmp_path / ".cache" / "synth"
    # no home directory: a directory in the shared temporary dir, made private
    monkeypatch.setenv("HOME", str(tmp_path / "no-such-home"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "shared-tmp"))
    (tmp_path / "shared-tmp").mkdir()
    root = default_cache_root()
    assert root.parent == tmp_path / "shared-tmp" and not root.exists()
    check_cache_root(root)
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    root.chmod(0o777)  # planted by someone else, or opened up
    with pytest.raises(synth.OutputError, match="not a private directory of this user"):
        check_cache_root(root)
    if os.getuid() == 0:  # only root can hand a directory to another user
        root.chmod(0o700)
        os.chown(root, 65534, 65534)
        with pytest.raises(synth.OutputError, match="owned by uid 65534"):
            check_cache_root(root)


def test_settings_origin_is_read_only(project: pytest.Pytester) -> None:
    from synth.pytest_plugin.settings import read_settings

    settings = read_settings(
        {"synth_seed": "7"}, {"profile": "p.yaml"}, project.path, project.path, project.path
    )
    assert settings.where("seed") == "ini option synth_seed='7'" and settings.from_flag("profile")
    with pytest.raises(TypeError):
        settings.origin["seed"] = "x"  # type: ignore[index]


def test_a_damaged_cache_entry_is_rebuilt_with_a_warning(project: pytest.Pytester) -> None:
    project.makepyfile(SHOW_SETTINGS)
    project.runpytest_subprocess().assert_outcomes(passed=1)
    [entry] = _cache_entries(project)
    users = entry / "users.parquet"
    users.write_bytes(users.read_bytes()[: users.stat().st_size // 2])  # a truncated file

    again = project.runpytest_subprocess("-W", "always")
    again.assert_outcomes(passed=1, warnings=1)
    again.stdout.fnmatch_lines(["*SynthWarning: synth cache entry *is damaged (*users.parquet*"])
    again.stdout.fnmatch_lines(["synth: *(rebuilt, *"])
    assert _cache_entries(project) == [entry]
    third = project.runpytest_subprocess()
    third.stdout.fnmatch_lines(["synth: *(cache hit, *"])
