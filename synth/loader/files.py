"""Reading a fixture directory back: table key -> polars DataFrame, in manifest order.

Every file is verified before it is read: its sha256 against the manifest's ``digests``
(a truncated, corrupted or replaced file is one line naming it, never a reader's
traceback), and each table's row count against the manifest's ``rows``.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from synth.errors import SourceError
from synth.internal.files import file_sha256
from synth.model.manifest import MANIFEST_NAME, Manifest, TableOutput, read_manifest

__all__ = ["check_rows", "load_fixtures", "open_fixtures", "read_fixture_table", "verify_files"]

_REGENERATE = "regenerate the fixtures with 'synth generate PROFILE --out DIR'"


def open_fixtures(path: Path) -> Manifest:
    """The manifest of the Parquet fixture directory ``path``, its files verified
    (:func:`verify_files`); a :class:`SourceError` if it is missing, holds another format,
    or a file does not match."""
    directory = Path(path)
    if directory.exists() and not directory.is_dir():
        raise SourceError(
            f"fixtures {str(directory)!r} is a file, not a directory; pass the directory "
            "that 'synth generate PROFILE --out DIR' wrote"
        )
    if not directory.is_dir():
        raise SourceError(
            f"fixture directory {str(directory)!r} does not exist; "
            "create it with 'synth generate PROFILE --out DIR'"
        )
    manifest = read_manifest(directory)
    if manifest.format != "parquet":
        raise SourceError(
            f"{str(directory)!r} holds format={manifest.format!r} fixtures; "
            "the loader reads parquet fixtures: regenerate with --format parquet"
        )
    verify_files(directory, manifest)
    return manifest


def verify_files(directory: Path, manifest: Manifest) -> None:
    """Each file the manifest lists has the sha256 it records (older manifests record
    none: nothing to check); a :class:`SourceError` naming the first that does not."""
    owner = {name: key for key, table in manifest.tables.items() for name in table.files}
    for name, expected in manifest.digests.items():
        file = Path(directory) / name
        where = f"{str(file)!r}" + (f" (table {owner[name]!r})" if name in owner else "")
        try:
            actual = file_sha256(file)
        except FileNotFoundError:
            raise SourceError(
                f"{where} is missing from the fixture directory; {_REGENERATE}"
            ) from None
        except OSError as exc:
            raise SourceError(f"cannot read {where}: {exc.strerror or exc}") from None
        if actual != expected:
            raise SourceError(
                f"{where} does not match the sha256 {MANIFEST_NAME} records for it "
                f"(truncated, corrupted or replaced since synth wrote it); {_REGENERATE}"
            )


def _read(file: Path, key: str) -> pl.DataFrame:
    try:
        return pl.read_parquet(file)
    except FileNotFoundError:
        raise SourceError(
            f"{str(file)!r} (table {key!r}) is missing from the fixture directory; {_REGENERATE}"
        ) from None
    except Exception as exc:  # polars, pyarrow and the OS each raise their own
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise SourceError(
            f"cannot read {str(file)!r} (table {key!r}): {first}; it is not a complete "
            f"Parquet file: {_REGENERATE}"
        ) from None


def check_rows(directory: Path, key: str, table: TableOutput) -> None:
    """Table ``key``'s files hold the rows the manifest says (read from the Parquet
    footers, no rows read); a :class:`SourceError` otherwise."""
    import pyarrow.parquet as pq

    rows = 0
    for name in table.files:
        file = Path(directory) / name
        try:
            rows += pq.read_metadata(file).num_rows
        except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
            raise SourceError(
                f"cannot read {str(file)!r} (table {key!r}): {exc}; {_REGENERATE}"
            ) from None
    _same_rows(directory, key, table, rows)


def _same_rows(directory: Path, key: str, table: TableOutput, rows: int) -> None:
    if rows != table.rows:
        where = ", ".join(repr(str(Path(directory) / n)) for n in table.files)
        raise SourceError(
            f"{where} (table {key!r}) holds {rows:,} rows where {MANIFEST_NAME} says "
            f"{table.rows:,}; the file or the manifest was changed: {_REGENERATE}"
        )


def read_fixture_table(directory: Path, key: str, table: TableOutput) -> pl.DataFrame:
    """The rows of table ``key`` of the fixture directory ``directory``; a
    :class:`SourceError` when its files hold another number of rows than the manifest."""
    frames = [_read(Path(directory) / name, key) for name in table.files]
    frame = pl.concat(frames) if len(frames) > 1 else frames[0]
    _same_rows(directory, key, table, frame.height)
    return frame


def load_fixtures(path: Path) -> dict[str, pl.DataFrame]:
    """The tables of the fixture directory ``path`` (written by ``synth generate``)."""
    manifest = open_fixtures(path)
    return {
        key: read_fixture_table(Path(path), key, table) for key, table in manifest.tables.items()
    }
