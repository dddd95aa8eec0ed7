"""``--out`` under faults: a lock against a second concurrent run, what dead runs left
removed at the next run, and a refusal before a run that cannot fit on the disk."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

from synth.writers.atomic import STALE_SECONDS, out_lock
from tests.cli.test_errors import SYNTH, assert_one_line_error, run

ROOT = Path(__file__).resolve().parents[2]
PROFILE = str(ROOT / "profiles" / "shop.yaml")


def _listing(path: Path) -> dict[str, float]:
    return {str(p.relative_to(path)): p.stat().st_mtime for p in sorted(path.rglob("*"))}


def test_a_second_generate_into_the_same_out_fails_fast(tmp_path: Path) -> None:
    out = tmp_path / "fixtures"
    with out_lock(out):  # a run writing there now
        before = _listing(tmp_path)
        started = time.monotonic()
        result = run("generate", PROFILE, "--out", str(out), "--rows", "20", cwd=tmp_path)
        assert time.monotonic() - started < 30
        assert_one_line_error(result, "another synth run", str(out), f"pid {os.getpid()}")
        assert _listing(tmp_path) == before
    assert not list(tmp_path.iterdir())  # the lock file goes with the lock
    ok = run("generate", PROFILE, "--out", str(out), "--rows", "20", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fixtures"]


def test_stale_temporary_directories_of_dead_runs_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "fixtures"
    dead = tmp_path / ".fixtures.synth-tmp-999999999-abc"  # no such process
    old = tmp_path / ".fixtures.synth-tmp-xyz"  # a name without a pid, two days old
    live = tmp_path / f".fixtures.synth-tmp-{os.getpid()}-live"  # a live process's: kept
    other = tmp_path / ".elsewhere.synth-tmp-999999999-abc"  # another --out's: kept
    for d in (dead, old, live, other):
        d.mkdir()
        (d / "part.parquet").write_bytes(b"x" * 10)
    two_days = time.time() - 2 * STALE_SECONDS
    os.utime(old, (two_days, two_days))
    result = run("generate", PROFILE, "--out", str(out), "--rows", "20", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not dead.exists() and not old.exists()
    assert live.exists() and other.exists()


def test_a_killed_generate_leaves_a_temp_dir_the_next_run_removes(tmp_path: Path) -> None:
    out = tmp_path / "fixtures"
    proc = subprocess.Popen(
        [*SYNTH, "generate", PROFILE, "--out", str(out), "--rows", "3000000", "--quiet"],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        end = time.monotonic() + 60
        while time.monotonic() < end and not list(tmp_path.glob(".fixtures.synth-tmp-*")):
            time.sleep(0.05)
        assert proc.poll() is None, "the run ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert list(tmp_path.glob(".fixtures.synth-tmp-*"))  # what kill -9 leaves
    result = run("generate", PROFILE, "--out", str(out), "--rows", "20", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fixtures"]


def test_a_run_that_cannot_fit_is_refused_before_writing(tmp_path: Path) -> None:
    out = tmp_path / "deep" / "fixtures"
    result = run("generate", PROFILE, "--out", str(out), "--rows", "100000000000", cwd=tmp_path)
    assert_one_line_error(result, " rows need about", "free on that disk",
                          "--rows")  # fmt: skip
    assert not list(tmp_path.iterdir())


def test_a_busy_cache_entry_is_waited_for_not_failed(tmp_path: Path) -> None:
    """pytest-xdist workers on a cold cache: one writes, the others wait for its set."""
    import threading

    import synth
    from synth.pytest_plugin.cache import _wait_for_other_writer
    from synth.writers.atomic import OutputBusy

    entry = tmp_path / "entry"
    with out_lock(entry):
        try:
            synth.write(PROFILE, entry, rows=20)
        except OutputBusy as exc:
            assert "another synth run" in str(exc)
        else:
            raise AssertionError("the lock was not honoured")

        def finish() -> None:
            time.sleep(0.5)
            (entry).mkdir()
            (entry / "manifest.json").write_text("{}")

        writer = threading.Thread(target=finish)
        writer.start()
        started = time.monotonic()
        assert _wait_for_other_writer(entry, seconds=30)
        assert time.monotonic() - started < 10
        writer.join()
    assert not _wait_for_other_writer(tmp_path / "other", seconds=1)  # nobody writes it
