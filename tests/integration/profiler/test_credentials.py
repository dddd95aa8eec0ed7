"""Passwords never in the process list: the URL from $SYNTH_DATABASE_URL, --url-file or
libpq's PGPASSWORD/.pgpass, and a password typed on the command line masked in
``/proc/PID/cmdline`` for the rest of the run."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.cli.test_errors import assert_one_line_error, run
from tests.integration.profiler.test_kill import _kill_when, _start
from tests.integration.profiler.test_replica_safety import (
    SECRET,
    SYNTH,
    _active_queries,
    _shop,
    _slow_pg_table,
    readonly_role,
)
from tests.integration.traits_support import Db


def test_a_password_on_the_command_line_is_masked_in_the_process_list(
    pg: Db, tmp_path: Path
) -> None:
    _slow_pg_table(pg, rows=120, sleep=0.5)
    with readonly_role(pg.url) as url:
        role = make_url(url).username or ""
        assert SECRET in url
        proc = _start([*SYNTH, "profile", url, "--statement-timeout", "0"], tmp_path)
        seen: list[str] = []

        def running() -> bool:
            if _active_queries(pg.url, role) == 0:
                return False
            seen.append(Path(f"/proc/{proc.pid}/cmdline").read_bytes().decode())
            return True

        status, stderr = _kill_when(proc, running, signal.SIGTERM)
        assert status == 143, stderr
        assert seen and SECRET not in seen[0] and "***" in seen[0], seen
        assert SECRET not in stderr


def test_url_file_keeps_the_url_off_the_command_line(pg: Db, tmp_path: Path) -> None:
    _shop(pg)
    url = make_url(pg.url).set(password=SECRET).render_as_string(hide_password=False)
    secret_file = tmp_path / "db.url"
    secret_file.write_text(f"\n{url}\n")
    out = tmp_path / "p.yaml"
    result = run("profile", "--url-file", str(secret_file), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert SECRET not in out.read_text() + result.stderr
    assert "users" in out.read_text()


def test_url_file_errors_never_echo_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "db.url"
    bad.write_text(f"not a url {SECRET}\n")
    result = run("profile", "--url-file", str(bad), cwd=tmp_path)
    assert_one_line_error(result, "--url-file", "holds no database URL")
    assert SECRET not in result.stderr
    missing = run("profile", "--url-file", str(tmp_path / "nope"), cwd=tmp_path)
    assert_one_line_error(missing, "does not exist")
    both = run("profile", "sqlite:///x.db", "--url-file", str(bad), cwd=tmp_path)
    assert_one_line_error(both, "either a source or --url-file")


def test_libpq_pgpassword_and_pgpass_are_used_for_a_url_without_password(
    pg: Db, tmp_path: Path
) -> None:
    """psycopg hands the connection to libpq, which reads PGPASSWORD and ~/.pgpass when the
    URL has no password (the test server trusts local logins, so this shows that such a
    URL connects and nothing shows the password)."""
    _shop(pg)
    out = tmp_path / "p.yaml"
    pgpass = tmp_path / ".pgpass"
    pgpass.write_text(f"*:*:*:*:{SECRET}\n")
    os.chmod(pgpass, 0o600)
    for env in ({"PGPASSWORD": SECRET}, {"PGPASSFILE": str(pgpass)}):
        result = run("profile", pg.url, "--out", str(out), cwd=tmp_path, env=env)
        assert result.returncode == 0, result.stderr
        assert SECRET not in out.read_text() + result.stderr + result.stdout


def test_the_watchdog_gets_the_url_on_stdin_not_argv(mysql_url: str, tmp_path: Path) -> None:
    """MariaDB profiling starts a watchdog process: its command line holds no URL."""
    from synth.internal.watchdog import Watchdog

    url = make_url(mysql_url).set(password=SECRET).render_as_string(hide_password=False)
    dog = Watchdog(url, "SELECT 1")
    try:
        proc = dog._proc
        assert proc is not None
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes().decode()
        assert SECRET not in cmdline and "://" not in cmdline
    finally:
        dog.release()
