"""A second process that ends a session's work on the server if this process dies.

A server that does not notice its client is gone (MariaDB and MySQL finish a running
``SELECT`` whatever happened to the socket) would keep a killed profiler's query running,
holding its snapshot and locks, until ``max_statement_time``, or forever without one.
:class:`Watchdog` starts ``python -m synth.internal.watchdog`` and hands it, on its stdin
(never on its command line: the URL may hold a password), the URL and one statement
(``KILL CONNECTION 42``). The child connects, then waits for its stdin to close:

- ``done`` first (:meth:`Watchdog.release`): the run ended normally, nothing is sent;
- end of file without it: the parent died (``kill -9``, an out-of-memory kill, a crash),
  so the child sends the statement and exits.

The child ignores SIGINT and SIGTERM: a Ctrl-C or a ``kill`` sent to the whole process
group must not stop it before it has done its one job. Only a ``kill -9`` of the group
defeats it (docs/safety.md).
"""

from __future__ import annotations

import contextlib
import json
import signal
import subprocess
import sys

__all__ = ["Watchdog"]

_DONE = "done"


class Watchdog:
    """The parent's side: the child process, told to stand down by :meth:`release`."""

    def __init__(self, url: str, statement: str) -> None:
        self._proc: subprocess.Popen[str] | None = subprocess.Popen(
            [sys.executable, "-m", "synth.internal.watchdog"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self._proc.stdin is not None
        self._proc.stdin.write(json.dumps({"url": url, "statement": statement}) + "\n")
        self._proc.stdin.flush()

    def release(self) -> None:
        """The session ended normally: the child exits without sending anything."""
        proc, self._proc = self._proc, None
        if proc is None or proc.stdin is None:
            return
        with contextlib.suppress(OSError):
            proc.stdin.write(_DONE + "\n")
            proc.stdin.close()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=0.05)  # reaped now if it is quick, else by a later Popen

    def __enter__(self) -> Watchdog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _main() -> None:  # pragma: no cover - runs in the child process
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    first = sys.stdin.readline()
    if not first:
        return
    order = json.loads(first)
    import sqlalchemy as sa

    engine = sa.create_engine(order["url"], poolclass=sa.pool.NullPool)
    try:
        conn = engine.connect()
    except Exception:  # nothing to report to: the parent may be gone
        conn = None
    try:
        rest = sys.stdin.readline()
        if rest.strip() == _DONE:
            return
        if conn is None:  # try once more: the parent is gone, the query may not be
            conn = engine.connect()
        with contextlib.suppress(sa.exc.DBAPIError):
            conn.exec_driver_sql(order["statement"])
    finally:
        if conn is not None:
            conn.close()
        engine.dispose()


if __name__ == "__main__":  # pragma: no cover
    _main()
