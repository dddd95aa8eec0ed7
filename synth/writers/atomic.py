"""Atomic replacement of a fixture directory: write into a temporary sibling, then rename."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from synth.errors import OutputError, SynthError
from synth.model.manifest import MANIFEST_NAME

__all__ = ["atomic_directory"]


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
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.synth-old-", dir=out.parent))
    moved = old / "fixtures"
    os.rename(out, moved)
    try:
        os.rename(tmp, out)
    except OSError:
        os.rename(moved, out)
        shutil.rmtree(old, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


@contextmanager
def atomic_directory(out: Path) -> Iterator[Path]:
    """Yield an empty temporary directory next to ``out``; on success it becomes ``out``
    (replacing a previous fixture directory), on any failure it is removed."""
    out = Path(out)
    _check_target(out)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.synth-tmp-", dir=out.parent))
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
