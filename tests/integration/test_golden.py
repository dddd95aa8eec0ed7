"""Golden files: the profile of the bundled demo database, byte for byte.

A change to profiling that moves any statistic shows up here as a readable YAML diff.
Refresh deliberately with ``make golden``.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import synth
from synth.model.io import dump_profile

ROOT = Path(__file__).resolve().parents[2]
DEMO_AS_OF = "2026-11-01T00:00:00Z"


def test_demo_profile_matches_golden(tmp_path: Path, golden) -> None:
    db = tmp_path / "shop.db"
    subprocess.run(
        [sys.executable, str(ROOT / "examples" / "build_shop_db.py"), str(db)], check=True
    )
    # The demo database's "today" is 2026-11-01; ages (legacy, stale) are measured from it.
    profile = synth.profile(f"sqlite:///{db}", as_of=DEMO_AS_OF)
    assert profile.source.as_of == dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    # Where it was profiled is not part of what we pin.
    source = profile.source.model_copy(update={"url": "sqlite:///examples/shop.db"})
    pinned = profile.model_copy(update={"source": source, "synth_version": "0.0.0"})
    golden("shop.profile.yaml", dump_profile(pinned))


def test_committed_demo_profile_is_current() -> None:
    """``profiles/shop.yaml`` is the demo database's profile. Re-profile it when the builder
    or the profiler changes: ``synth profile sqlite:///examples/shop.db --as-of
    2026-11-01T00:00:00Z --out profiles/shop.yaml``."""
    committed = synth.read_profile(ROOT / "profiles" / "shop.yaml")
    golden = synth.load_profile((ROOT / "tests" / "golden" / "shop.profile.yaml").read_text())
    assert committed.tables == golden.tables
