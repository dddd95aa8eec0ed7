"""``manifest.json``: what a fixture directory holds and how it was made.

Written last by every writer, so a directory with a manifest is a complete
fixture set. Its bytes depend only on the profile, the options and the seed.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from synth.errors import SourceError

__all__ = [
    "KEYS_LIMIT",
    "MANIFEST_KIND",
    "MANIFEST_NAME",
    "Manifest",
    "TableOutput",
    "TraitRows",
    "read_manifest",
]

MANIFEST_KIND = "synth-fixtures"
MANIFEST_NAME = "manifest.json"


class TableOutput(BaseModel):
    """One generated table: its row count and the file(s) holding it, relative to the dir."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rows: int = Field(ge=0)
    files: tuple[str, ...]


KEYS_LIMIT = 100
"""At most this many row keys are listed per trait (``rows`` has the full count)."""


class TraitRows(BaseModel):
    """The rows of one table that carry one trait."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rows: int = Field(ge=0)
    """How many rows carry it."""
    keys: tuple[bool | int | float | str | tuple[bool | int | float | str, ...], ...] = ()
    """Their primary-key values (a list for a composite key; row numbers without a key),
    in table order, the first :data:`KEYS_LIMIT`."""


class Manifest(BaseModel):
    """The description of a generated fixture directory."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str = MANIFEST_KIND
    version: int = 1
    synth_version: str
    profile_digest: str
    """sha256 of the profile's canonical YAML."""
    seed: int
    format: str
    options: dict[str, object]
    """Generation options as given (rows, scale, tables)."""
    tables: dict[str, TableOutput]
    """Table key -> output, in generation (foreign-key) order."""
    traits: dict[str, dict[str, TraitRows]] = Field(default_factory=dict)
    """Table key -> trait label (``column:trait[=value]``) -> the rows that carry it."""
    digests: dict[str, str] = Field(default_factory=dict)
    """Every file of the set but the manifest (path relative to the directory) -> the sha256
    of its bytes, checked before a file is read (empty in manifests of older versions)."""

    def to_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def read_manifest(directory: str | os.PathLike[str]) -> Manifest:
    """Read ``directory/manifest.json``; a clear error if it is missing or malformed."""
    directory = Path(directory)
    path = directory / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourceError(
            f"{str(directory)!r} is not a synth fixture directory (no {MANIFEST_NAME}); "
            "create one with 'synth generate PROFILE --out DIR'"
        ) from None
    except (OSError, ValueError) as exc:
        raise SourceError(f"cannot read {str(path)!r}: {exc}") from None
    if not isinstance(data, dict) or data.get("kind") != MANIFEST_KIND:
        raise SourceError(
            f"{str(path)!r} is not a synth manifest (kind={MANIFEST_KIND!r} expected)"
        )
    try:
        return Manifest.model_validate(data)
    except ValidationError as exc:
        raise SourceError(f"{str(path)!r}: malformed manifest: {exc.errors()[0]['msg']}") from None
