"""Reading a fixture directory back: table key -> polars DataFrame, in manifest order."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from synth.errors import SourceError
from synth.manifest import read_manifest

__all__ = ["load_fixtures"]


def load_fixtures(path: Path) -> dict[str, pl.DataFrame]:
    """The tables of the fixture directory ``path`` (written by ``synth generate``)."""
    directory = Path(path)
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
    out: dict[str, pl.DataFrame] = {}
    for key, table in manifest.tables.items():
        frames = []
        for name in table.files:
            file = directory / name
            try:
                frames.append(pl.read_parquet(file))
            except FileNotFoundError:
                raise SourceError(
                    f"{str(file)!r} (table {key!r}) is missing from the fixture directory; "
                    "regenerate the fixtures"
                ) from None
            except (OSError, pl.exceptions.ComputeError) as exc:
                raise SourceError(f"cannot read {str(file)!r} (table {key!r}): {exc}") from None
        out[key] = pl.concat(frames) if len(frames) > 1 else frames[0]
    return out
