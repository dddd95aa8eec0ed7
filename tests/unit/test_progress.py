"""The library reports progress to the callback it is given, and prints nothing itself:
each stage counts its tables, each table its rows (or its queries while profiling), and
every task ends with a finished event holding the full count."""

from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path

import pytest

import synth
from synth.internal.progress import ProgressEvent

PROFILE = Path(__file__).resolve().parents[2] / "profiles" / "shop.yaml"


def _last(events: list[ProgressEvent], stage: str) -> dict[str, ProgressEvent]:
    """The last event of each task of ``stage``."""
    out: dict[str, ProgressEvent] = {}
    for event in events:
        if event.stage == stage:
            out[event.task] = event
    return out


def test_write_reports_every_table_and_its_rows(tmp_path: Path, capfd) -> None:
    events: list[ProgressEvent] = []
    manifest = synth.write(PROFILE, tmp_path / "fx", rows=400, seed=1, progress=events.append)
    last = _last(events, "generate")
    assert last[""] == ProgressEvent("generate", "", 5, 5, "tables", "payments", True)
    for key, table in manifest.tables.items():
        assert last[key].finished and last[key].done == last[key].total == table.rows
    assert capfd.readouterr() == ("", "")


def test_progress_changes_no_byte(tmp_path: Path) -> None:
    synth.write(PROFILE, tmp_path / "a", rows=300, seed=2)
    synth.write(PROFILE, tmp_path / "b", rows=300, seed=2, progress=lambda event: None)
    for file in sorted((tmp_path / "a").iterdir()):
        assert file.read_bytes() == (tmp_path / "b" / file.name).read_bytes(), file.name


def test_generate_in_memory_reports_too() -> None:
    events: list[ProgressEvent] = []
    frames = synth.generate(PROFILE, rows=200, seed=1, progress=events.append)
    last = _last(events, "generate")
    assert {key: last[key].done for key in frames} == {k: f.height for k, f in frames.items()}


def test_profile_reports_tables_and_the_statistic_running(tmp_path: Path, capfd) -> None:
    db = tmp_path / "app.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, plan TEXT)")
        conn.executemany("INSERT INTO users (plan) VALUES (?)", [("free",)] * 50)
    events: list[ProgressEvent] = []
    synth.profile(f"sqlite:///{db}", progress=events.append)
    last = _last(events, "profile")
    assert last[""].done == last[""].total == 1 and last[""].finished
    assert last["users"].unit == "queries" and last["users"].done >= 2
    details = {e.detail for e in events if e.task == "users"}
    assert any(d.startswith("the aggregate query") for d in details)
    assert capfd.readouterr() == ("", "")


def test_load_and_validate_report(tmp_path: Path, capfd) -> None:
    fixtures = tmp_path / "fx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        manifest = synth.write(PROFILE, fixtures, rows=200, seed=1)
        synth.write(PROFILE, tmp_path / "sql", format="sql", dialect="sqlite", rows=5)
    target = tmp_path / "t.db"
    with sqlite3.connect(target) as conn:
        conn.executescript((tmp_path / "sql" / "schema.sql").read_text(encoding="utf-8"))
    events: list[ProgressEvent] = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # orphans skipped: the count still ends at the total
        synth.load_into(fixtures, f"sqlite:///{target}", progress=events.append)
    last = _last(events, "load")
    assert last[""].done == 5 and last[""].finished
    for key, table in manifest.tables.items():
        assert last[key].done == table.rows and last[key].finished

    events.clear()
    synth.validate(PROFILE, fixtures, progress=events.append)
    stage = _last(events, "validate")[""]
    assert (stage.done, stage.total, stage.unit, stage.finished) == (5, 5, "tables", True)
    assert capfd.readouterr() == ("", "")


def test_a_failing_callback_is_the_callers_error(tmp_path: Path) -> None:
    def broken(event: ProgressEvent) -> None:
        raise RuntimeError("display gone")

    with pytest.raises(RuntimeError, match="display gone"):
        synth.write(PROFILE, tmp_path / "fx", rows=10, progress=broken)
    assert not (tmp_path / "fx").exists()  # atomic: nothing half-written
