"""A profiler killed mid-query leaves no query behind, on real PostgreSQL and MariaDB.

SIGTERM is handled like Ctrl-C (the query cancelled on the server, one line, exit 143);
``kill -9`` gives no chance to say anything, so the server must notice by itself
(PostgreSQL's ``client_connection_check_interval``) or a watchdog process must kill the
connection (MariaDB, which finishes a running SELECT whatever happened to its client).
Every test runs with ``--statement-timeout 0``: no timeout would end the query for us.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.integration.profiler.test_replica_safety import (
    SECRET,
    SYNTH,
    _active_queries,
    _admin,
    _slow_pg_table,
    _wait_for,
    readonly_role,
)
from tests.integration.traits_support import Db

GONE_WITHIN = 5.0
"""Seconds the servers get to forget a killed profiler's query."""


def _start(cmd: list[str], cwd: Path, **popen: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "COLUMNS": "200"}, **popen,  # type: ignore[call-overload]
    )  # fmt: skip


def _kill_when(proc: subprocess.Popen[str], ready: object, sig: int) -> tuple[int, str]:
    """Send ``sig`` once ``ready()`` holds; (exit status, stderr)."""
    try:
        assert _wait_for(lambda: proc.poll() is not None or ready(), 60), "never got ready"  # type: ignore[operator]
        assert proc.poll() is None, proc.communicate()
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=30)
        return proc.returncode, stderr
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _assert_terminated(status: int, stderr: str, out: Path) -> None:
    assert status == 143, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines == [
        "synth: terminated (SIGTERM); running queries were cancelled, nothing was written"
    ], stderr
    assert SECRET not in stderr
    assert not out.exists()


# ----------------------------------------------------------------------------- PostgreSQL


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "kill-9"])
def test_a_killed_profiler_leaves_no_query_on_postgresql(
    pg: Db, tmp_path: Path, sig: signal.Signals
) -> None:
    _slow_pg_table(pg, rows=120, sleep=0.5)  # a minute per scan
    with readonly_role(pg.url) as url:
        role = make_url(url).username or ""
        out = tmp_path / "p.yaml"
        proc = _start(
            [*SYNTH, "profile", url, "--out", str(out), "--statement-timeout", "0"], tmp_path
        )
        status, stderr = _kill_when(proc, lambda: _active_queries(pg.url, role) > 0, sig)
        killed = time.monotonic()
        if sig == signal.SIGTERM:
            _assert_terminated(status, stderr, out)
        else:
            assert status == -signal.SIGKILL and not out.exists()
        assert _wait_for(lambda: _active_queries(pg.url, role) == 0, GONE_WITHIN)
        assert time.monotonic() - killed < GONE_WITHIN


# ----------------------------------------------------------------------------- MariaDB


def _big_mariadb_table(url: str) -> None:
    """500,000 rows of three distinct 32-character strings: the aggregate query takes well
    over ten seconds, as a table of a real replica would."""
    admin = _admin(url)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(
                "CREATE TABLE big (id integer PRIMARY KEY, a varchar(40), b varchar(40), "
                "c varchar(40), n integer)"
            )
            conn.exec_driver_sql(
                "INSERT INTO big SELECT seq, md5(seq), md5(seq + 1), md5(seq + 2), seq %% 977 "
                "FROM seq_1_to_500000"
            )
    finally:
        admin.dispose()


def _mariadb_queries(url: str) -> int:
    """Statistics queries running on the server (any connection but the asking one)."""
    admin = _admin(url)
    try:
        with admin.connect() as conn:
            return int(
                conn.exec_driver_sql(
                    "SELECT count(*) FROM information_schema.PROCESSLIST WHERE DB = %s "
                    "AND INFO LIKE '%%synth:profile%%' AND ID <> CONNECTION_ID()",
                    (make_url(url).database,),
                ).scalar_one()
            )
    finally:
        admin.dispose()


def _aggregate_running(url: str) -> bool:
    admin = _admin(url)
    try:
        with admin.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT INFO FROM information_schema.PROCESSLIST WHERE DB = :db "
                    "AND INFO LIKE '%synth:profile%' AND INFO LIKE '%count(DISTINCT%' "
                    "AND ID <> CONNECTION_ID()"
                ),
                {"db": make_url(url).database},
            ).all()
        return bool(rows)
    finally:
        admin.dispose()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "kill-9"])
def test_a_killed_profiler_leaves_no_query_on_mariadb(
    mysql_url: str, tmp_path: Path, sig: signal.Signals
) -> None:
    _big_mariadb_table(mysql_url)
    out = tmp_path / "p.yaml"
    cmd = [*SYNTH, "profile", mysql_url, "--out", str(out), "--statement-timeout", "0"]
    proc = _start(cmd, tmp_path)
    status, stderr = _kill_when(proc, lambda: _aggregate_running(mysql_url), sig)
    killed = time.monotonic()
    if sig == signal.SIGTERM:
        _assert_terminated(status, stderr, out)
    else:
        assert status == -signal.SIGKILL and not out.exists()
    assert _wait_for(lambda: _mariadb_queries(mysql_url) == 0, GONE_WITHIN)
    assert time.monotonic() - killed < GONE_WITHIN


# ----------------------------------------------------------------------------- SIGINT ignored


def test_sigint_inherited_as_ignored_still_stops_the_profiler(pg: Db, tmp_path: Path) -> None:
    """A background job of a script starts with SIGINT ignored; synth restores it."""
    _slow_pg_table(pg, rows=120, sleep=0.5)
    with readonly_role(pg.url) as url:
        role = make_url(url).username or ""
        out = tmp_path / "p.yaml"
        proc = _start(
            [*SYNTH, "profile", url, "--out", str(out), "--statement-timeout", "0"],
            tmp_path,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
        )
        status, stderr = _kill_when(proc, lambda: _active_queries(pg.url, role) > 0, signal.SIGINT)
        assert status == 130, stderr
        assert "synth: interrupted; nothing was written" in stderr and "Traceback" not in stderr
        assert not out.exists()
        assert _wait_for(lambda: _active_queries(pg.url, role) == 0, GONE_WITHIN)
