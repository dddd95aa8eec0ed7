"""Writing one text file atomically: a temporary sibling, then a rename, so a reader never
sees half a file and a failed write leaves nothing behind."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from synth.errors import OutputError

__all__ = ["file_sha256", "write_text_atomic"]


def file_sha256(path: str | os.PathLike[str]) -> str:
    """The sha256 of the file's bytes, as hex (read in 1 MiB blocks)."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def write_text_atomic(path: str | os.PathLike[str], text: str, *, what: str, fix: str) -> Path:
    """Write ``text`` to ``path``; on failure an :class:`OutputError` naming ``what`` (``the
    profile``) and the path, ending with ``fix`` (``choose a writable path with --out``)."""
    target = Path(path)
    tmp = target.with_name(f".{target.name}.synth-tmp")
    blocker = next((p for p in target.parents if p.exists() and not p.is_dir()), None)
    if blocker is not None:
        raise OutputError(
            f"cannot write {what} to {str(target)!r}: {str(blocker)!r} is a file, not a "
            f"directory; {fix}"
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):  # the parent may be a file: no tmp to remove
            tmp.unlink(missing_ok=True)
        raise OutputError(
            f"cannot write {what} to {str(target)!r}: {exc.strerror or exc}; {fix}"
        ) from None
    return target
