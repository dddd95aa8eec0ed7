"""Reading a fixture directory back: table key -> polars DataFrame, in manifest order."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from synth.errors import SourceError
from synth.model.manifest import Manifest, TableOutput, read_manifest

__all__ = ["load_fixtures", "open_fixtures", "read_fixture_table"]


def open_fixtures(path: Path) -> Manifest:
    """The manifest of the Parquet fixture directory ``path``; a :class:`SourceError` if it
    is missing or holds another format."""
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
    return manifest


def read_fixture_table(directory: Path, key: str, table: TableOutput) -> pl.DataFrame:
    """The rows of table ``key`` of the fixture directory ``directory``."""
    frames = []
    for name in table.files:
        file = Path(directory) / name
        try:
            frames.append(pl.read_parquet(file))
        except FileNotFoundError:
            raise SourceError(
                f"{str(file)!r} (table {key!r}) is missing from the fixture directory; "
                "regenerate the fixtures"
            ) from None
        except (OSError, pl.exceptions.ComputeError) as exc:
            raise SourceError(f"cannot read {str(file)!r} (table {key!r}): {exc}") from None
    return pl.concat(frames) if len(frames) > 1 else frames[0]


def load_fixtures(path: Path) -> dict[str, pl.DataFrame]:
    """The tables of the fixture directory ``path`` (written by ``synth generate``)."""
    manifest = open_fixtures(path)
    return {
        key: read_fixture_table(Path(path), key, table) for key, table in manifest.tables.items()
    }
