"""Re-anchoring a profile in time (``synth generate --as-of``)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

import synth
from synth.errors import UsageError
from synth.generator.anchor import parse_as_of, reanchor
from synth.model import (
    PROFILE_KIND,
    PROFILE_VERSION,
    Column,
    ColumnStats,
    Distribution,
    LogicalType,
    Profile,
    Source,
    Table,
    TraitStat,
    ValueFrequency,
)
from synth.model.io import write_profile

AS_OF = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
L = LogicalType


def _profile() -> Profile:
    created = Column(
        name="created_at",
        type=L.DATETIME,
        sql_type="TIMESTAMP",
        nullable=False,
        stats=ColumnStats(
            distinct=1000,
            values=Distribution(
                min="1970-01-01T00:00:00",
                p01="2021-01-01T00:00:00",
                p50="2024-06-30T12:00:00",
                max="2025-12-31T23:59:59.500000",
            ),
            traits=(TraitStat(trait="sentinel", fraction=0.01, value="1970-01-01"),),
        ),
    )
    paid = Column(
        name="paid_at",
        type=L.DATETIME,
        sql_type="TIMESTAMP WITH TIME ZONE",
        timezone=True,
        stats=ColumnStats(
            null_fraction=0.5,
            distinct=3,
            values=Distribution(min="2023-01-01T00:00:00+00:00", max="9999-12-31T00:00:00+00:00"),
            frequent=(
                ValueFrequency(value="2024-03-16T02:00:00+00:00", fraction=0.3),
                ValueFrequency(value="9999-12-31T00:00:00+00:00", fraction=0.1),
            ),
        ),
    )
    born = Column(
        name="born_on",
        type=L.DATE,
        sql_type="DATE",
        stats=ColumnStats(distinct=500, values=Distribution(min="1980-02-29", max="2005-12-31")),
    )
    opens = Column(
        name="opens",
        type=L.TIME,
        sql_type="TIME",
        stats=ColumnStats(distinct=10, values=Distribution(min="08:00:00", max="18:00:00")),
    )
    status = Column(
        name="status",
        type=L.STRING,
        sql_type="VARCHAR(10)",
        stats=ColumnStats(
            distinct=2,
            frequent=(
                ValueFrequency(value="paid", fraction=0.9),
                ValueFrequency(value="2021-01-01", fraction=0.1),
            ),
            traits=(
                TraitStat(
                    trait="legacy_value",
                    fraction=0.1,
                    value="2021-01-01",
                    columns=("created_at",),
                    before="2022-05-01T10:00:00",
                    detail={"reason": "stale"},
                ),
            ),
        ),
    )
    table = Table(
        name="orders",
        rows=1000,
        columns=(created, paid, born, opens, status),
        traits=(
            TraitStat(
                trait="stale",
                fraction=0.02,
                value="paid",
                columns=("status", "created_at"),
                before="2025-01-01T00:00:00",
                detail={"old_share": 0.2},
            ),
            TraitStat(trait="burst", fraction=0.05, value="2024-03-16T02:00:00"),
        ),
    )
    return Profile(
        kind=PROFILE_KIND,
        version=PROFILE_VERSION,
        synth_version="0",
        source=Source(kind="database", url="sqlite:///x.db", as_of=AS_OF),
        tables=(table,),
    )


def test_parse_as_of() -> None:
    assert parse_as_of(None) is None
    assert parse_as_of("2027-01-01T00:00:00Z") == dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    assert parse_as_of("2027-01-01") == dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    assert parse_as_of("2027-01-01T02:00:00+02:00") == dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    now = parse_as_of("now")
    assert now is not None and abs(now - dt.datetime.now(dt.UTC)) < dt.timedelta(seconds=5)
    with pytest.raises(UsageError, match=r"--as-of.*'next week'") as caught:
        parse_as_of("next week")
    assert "\n" not in str(caught.value)


def test_every_time_moves_by_the_delta_and_sentinels_stay() -> None:
    moved = reanchor(_profile(), "2027-02-15T00:00:00Z")  # 410 days later
    assert moved.source.as_of == dt.datetime(2027, 2, 15, tzinfo=dt.UTC)
    table = moved.tables[0]
    created = table.column("created_at").stats
    assert created.values == Distribution(
        min="1971-02-15T00:00:00",  # percentiles all move; the sentinel trait keeps 1970
        p01="2022-02-15T00:00:00",
        p50="2025-08-14T12:00:00",
        max="2027-02-14T23:59:59.500000",
    )
    assert created.traits[0].value == "1970-01-01"
    paid = table.column("paid_at").stats
    assert paid.values == Distribution(  # 9999-12-31 cannot move further
        min="2024-02-15T00:00:00+00:00", max="9999-12-31T00:00:00+00:00"
    )
    assert [f.value for f in paid.frequent] == [
        "2025-04-30T02:00:00+00:00",
        "9999-12-31T00:00:00+00:00",
    ]
    assert table.column("born_on").stats.values == Distribution(min="1981-04-14", max="2007-02-14")
    assert table.column("opens").stats.values == Distribution(min="08:00:00", max="18:00:00")
    status = table.column("status").stats
    assert [f.value for f in status.frequent] == ["paid", "2021-01-01"]  # not a temporal column
    legacy = status.traits[0]
    assert legacy.value == "2021-01-01" and legacy.before == "2023-06-15T10:00:00"
    stale, burst = table.traits
    assert stale.value == "paid" and stale.before == "2026-02-15T00:00:00"
    assert stale.detail == {"old_share": 0.2}
    assert burst.value == "2025-04-30T02:00:00"


def test_no_as_of_or_the_same_one_changes_nothing() -> None:
    profile = _profile()
    assert reanchor(profile, None) is profile
    assert reanchor(profile, AS_OF) is profile


def test_dates_move_by_whole_days() -> None:
    moved = reanchor(_profile(), "2026-01-02T18:00:00Z")  # 1.75 days: dates move 2
    assert moved.tables[0].column("born_on").stats.values == Distribution(
        min="1980-03-02", max="2006-01-02"
    )


def test_generated_times_shift_by_the_delta() -> None:
    profile = _profile()
    table = profile.tables[0]
    columns = tuple(c for c in table.columns if c.name != "status")
    profile = profile.model_copy(
        update={"tables": (table.model_copy(update={"columns": columns, "traits": ()}),)}
    )
    base = synth.generate(profile, rows=500, seed=3)["orders"]
    later = synth.generate(profile, rows=500, seed=3, as_of="2026-03-02T00:00:00Z")["orders"]
    sentinel = base["created_at"] == dt.datetime(1970, 1, 1)
    assert sentinel.any() and later.filter(sentinel)["created_at"].equals(
        base.filter(sentinel)["created_at"]
    )
    shift = (later["created_at"] - base["created_at"]).filter(~sentinel)
    error = (shift.dt.total_microseconds() - 60 * 86_400_000_000).abs()
    assert error.max() <= 1  # exactly 60 days, to the microsecond
    assert later["opens"].equals(base["opens"])


def test_cli_rejects_a_bad_as_of_in_one_line(tmp_path: Path) -> None:
    write_profile(_profile(), tmp_path / "p.yaml")
    result = subprocess.run(
        [sys.executable, "-m", "synth.cli", "generate", "p.yaml", "--as-of", "soon", "-o", "fx"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "--as-of" in lines[0] and "'soon'" in lines[0]
    assert not (tmp_path / "fx").exists()
