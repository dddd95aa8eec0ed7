"""Atomic replacement of a fixture directory: write into a temporary sibling, then rename.

While it writes, a run holds a lock on ``.OUT.synth-lock`` beside ``OUT`` (``flock``, so a
killed run's lock goes with it): a second run into the same ``--out`` fails at once in one
line instead of both reporting success while one result is lost. Holding the lock, a run
removes what dead runs left beside ``OUT``: temporary directories
(``.OUT.synth-tmp-<pid>-*``) whose process is gone, and any older than a day.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from synth.errors import OutputError, SynthError
from synth.model.manifest import MANIFEST_NAME

__all__ = [
    "STALE_SECONDS",
    "OutputBusy",
    "atomic_directory",
    "lock_holder",
    "lock_path",
    "out_lock",
]

STALE_SECONDS = 24 * 3600
"""A temporary directory older than this is stale whatever its name says."""


class OutputBusy(OutputError):
    """Another run holds the lock of the output directory."""


def lock_path(out: Path) -> Path:
    """The lock file of the output directory ``out``."""
    return out.parent / f".{out.name}.synth-lock"


def _problem(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _check_target(out: Path) -> None:
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        raise OutputError(
            f"output {str(out)!r} exists and is a file or a symlink, not a directory; "
            "choose another --out path"
        )
    if out.is_dir() and not (out / MANIFEST_NAME).is_file() and any(out.iterdir()):
        raise OutputError(
            f"output {str(out)!r} is a non-empty directory that holds no synth fixtures "
            f"(no {MANIFEST_NAME}); synth will not replace it: choose an empty or new --out path"
        )


def _replace(tmp: Path, out: Path) -> None:
    if not out.exists():
        os.rename(tmp, out)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.synth-old-{os.getpid()}-", dir=out.parent))
    moved = old / "fixtures"
    os.rename(out, moved)
    try:
        os.rename(tmp, out)
    except OSError:
        os.rename(moved, out)
        shutil.rmtree(old, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def lock_holder(out: Path) -> int | None:
    """The pid of the live process holding ``out``'s lock, if any (by the lock file)."""
    try:
        pid = int(lock_path(out).read_text().strip() or 0)
    except (OSError, ValueError):
        return None
    return pid if pid > 0 and _alive(pid) else None


def remove_stale(out: Path) -> list[Path]:
    """Remove the temporary directories dead runs left beside ``out`` (the caller holds
    :func:`out_lock`); returns what was removed."""
    pattern = re.compile(rf"^\.{re.escape(out.name)}\.synth-(?:tmp|old)-(?:(\d+)-)?")
    removed = []
    with contextlib.suppress(OSError):
        for entry in out.parent.iterdir():
            found = pattern.match(entry.name)
            if found is None or not entry.is_dir() or entry.is_symlink():
                continue
            pid = found.group(1)
            old = time.time() - entry.stat().st_mtime > STALE_SECONDS
            if old or (pid is not None and not _alive(int(pid))):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
    return removed


@contextmanager
def out_lock(out: Path) -> Iterator[None]:
    """Hold the lock of ``out`` (see the module's doc), or fail at once in one line."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock
        yield
        return
    path = lock_path(out)
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(
                f"cannot write fixtures to {str(out)!r}: {_problem(exc)}; "
                "choose a writable directory with --out"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.read(fd, 32).decode(errors="replace").strip() or "another process"
            os.close(fd)
            raise OutputBusy(
                f"another synth run (pid {holder}) is writing to {str(out)!r}; wait for it "
                "to finish, or choose another --out"
            ) from None
        try:  # the holder before us may have removed the file: lock the one at the path
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
        os.close(fd)


@contextmanager
def atomic_directory(out: Path) -> Iterator[Path]:
    """Yield an empty temporary directory next to ``out``; on success it becomes ``out``
    (replacing a previous fixture directory), on any failure it is removed. The run holds
    ``out``'s lock throughout and first removes what dead runs left."""
    out = Path(out)
    _check_target(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(
            f"cannot write fixtures to {str(out)!r}: {_problem(exc)}; "
            "choose a writable directory with --out"
        ) from None
    with out_lock(out):
        remove_stale(out)
        yield from _write_into(out)


def _write_into(out: Path) -> Iterator[Path]:
    try:
        prefix = f".{out.name}.synth-tmp-{os.getpid()}-"
        tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=out.parent))
        os.chmod(tmp, 0o755)
    except OSError as exc:
        raise OutputError(
            f"cannot write fixtures to {str(out)!r}: {_problem(exc)}; "
            "choose a writable directory with --out"
        ) from None
    try:
        yield tmp
        _replace(tmp, out)
    except SynthError:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(
            f"cannot write fixtures to {str(out)!r}: {_problem(exc)}; "
            "check free space and permissions, or choose another --out"
        ) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
