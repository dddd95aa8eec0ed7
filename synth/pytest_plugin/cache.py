"""Fixture sets for tests: generated once into a cache keyed by what makes them, or read
from a pre-generated directory, and handed out as :class:`SynthData`.

The cache key is the sha256 of the profile file's bytes, the seed, the rows option, the
format and the synth version: hashing the bytes costs microseconds, where parsing the
profile to compute its canonical digest costs tens of milliseconds on every cache hit
(a comment edited in the profile therefore regenerates, which is harmless). An entry is
``<cache root>/<key[:16]>/``, written atomically by :func:`synth.write`; an entry with a
``manifest.json`` is complete.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from synth.errors import OutputError, ProfileError, SourceError, UsageError

if TYPE_CHECKING:
    import polars as pl
    import sqlalchemy as sa

    from synth.model import Profile
    from synth.model.manifest import Manifest, TraitRows
    from synth.pytest_plugin.settings import SynthSettings

__all__ = ["SynthData", "cache_key", "resolve_fixtures"]

CACHE_FORMAT = 1
"""Bumped when the layout of a cache entry changes."""


def cache_key(profile_bytes: bytes, seed: int, rows: int | None) -> str:
    """The cache key of a fixture set: sha256 of (profile hash, seed, rows, synth version)."""
    from synth._version import __version__

    material = {
        "profile_sha256": hashlib.sha256(profile_bytes).hexdigest(),
        "seed": seed,
        "rows": rows,
        "format": "parquet",
        "synth_version": __version__,
        "cache_format": CACHE_FORMAT,
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


class SynthData:
    """A fixture set: tables by name, as polars, rows, pandas, or loaded into a database.

    ``status`` says how it was obtained: ``cache hit``, ``generated``, ``regenerated``
    (``--synth-refresh``), ``rebuilt`` (a damaged cache entry) or ``pre-generated``.
    Tables are read on first use and kept.
    """

    def __init__(
        self,
        directory: Path,
        manifest: Manifest,
        status: str,
        settings: SynthSettings,
    ) -> None:
        self.directory = Path(directory)
        self.manifest = manifest
        self.status = status
        self.settings = settings
        self._frames: dict[str, pl.DataFrame] = {}
        self._profile: Profile | None = None

    def __repr__(self) -> str:
        return f"SynthData({str(self.directory)!r}, seed={self.seed}, {self.status})"

    @property
    def seed(self) -> int:
        return self.manifest.seed

    @property
    def rows_option(self) -> int | None:
        """The ``rows`` the set was generated with (None: synth's default)."""
        rows = self.manifest.options.get("rows")
        return rows if isinstance(rows, int) else None

    @property
    def names(self) -> list[str]:
        """Table keys, parents first."""
        return list(self.manifest.tables)

    def key(self, name: str) -> str:
        """The table key for ``name`` (``users`` finds ``public.users`` when unique)."""
        if name in self.manifest.tables:
            return name
        matches = [k for k in self.manifest.tables if k.rsplit(".", 1)[-1] == name]
        if len(matches) == 1:
            return matches[0]
        raise UsageError(
            f"table {name!r} is not in the fixtures at {str(self.directory)!r}; "
            f"tables: {', '.join(self.manifest.tables)}"
        )

    def table(self, name: str) -> pl.DataFrame:
        """Table ``name`` as a polars DataFrame (read once, then shared: do not mutate)."""
        key = self.key(name)
        frame = self._frames.get(key)
        if frame is None:
            from synth.loader.files import read_fixture_table

            frame = read_fixture_table(self.directory, key, self.manifest.tables[key])
            self._frames[key] = frame
        return frame

    def rows(self, name: str) -> list[dict[str, Any]]:
        """Table ``name`` as a list of dicts (a new list each call)."""
        return self.table(name).to_dicts()

    def pandas(self, name: str) -> Any:
        """Table ``name`` as a pandas DataFrame (needs pandas installed)."""
        try:
            import pandas  # noqa: F401
        except ImportError:
            raise UsageError(
                f"synth_data.pandas({name!r}) needs pandas; install it, or use .table() (polars)"
            ) from None
        return self.table(name).to_pandas()

    def traits(self, name: str) -> dict[str, TraitRows]:
        """Trait label -> the rows of table ``name`` carrying it (from the manifest)."""
        return dict(self.manifest.traits.get(self.key(name), {}))

    def profile(self) -> Profile | None:
        """The profile the set was generated from, when the settings name one."""
        if self._profile is None and self.settings.profile is not None:
            from synth.model.io import read_profile

            self._profile = read_profile(self.settings.profile)
        return self._profile

    def load_into(
        self,
        target: str | sa.Engine,
        *,
        truncate: bool = False,
        defer_constraints: bool = False,
    ) -> dict[str, int]:
        """Load the set into the existing, empty tables of ``target`` (a URL or an engine):
        :func:`synth.load_into`. Returns rows loaded per table."""
        from synth.api import load_into

        url = target if isinstance(target, str) else _engine_url(target)
        return load_into(
            self.directory, url, truncate=truncate, defer_constraints=defer_constraints
        )


def _engine_url(engine: Any) -> str:
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        raise UsageError(
            "load_into: a SQLite in-memory engine is private to its connection; use the "
            "synth_db fixture, a SQLite file, or 'sqlite:///file:NAME?mode=memory&cache="
            "shared&uri=true' kept open by a connection"
        )
    return url.render_as_string(hide_password=False)


@dataclass(frozen=True)
class _Source:
    directory: Path
    status: str


def _pregenerated(settings: SynthSettings) -> _Source:
    from synth.loader.files import open_fixtures

    assert settings.fixtures is not None
    try:
        open_fixtures(settings.fixtures)
    except SourceError as exc:
        raise SourceError(f"{settings.where('fixtures')}: {exc}") from None
    return _Source(settings.fixtures, "pre-generated")


def _profile_bytes(settings: SynthSettings) -> bytes:
    if settings.profile is None:
        raise UsageError(
            "synth fixtures need a profile: set the ini option synth_profile (or pass "
            "--synth-profile PATH), or point --synth-fixtures at a 'synth generate' directory"
        )
    try:
        return settings.profile.read_bytes()
    except FileNotFoundError:
        raise ProfileError(
            f"{settings.where('profile')}: no such file ({str(settings.profile)!r}); write one "
            "with 'synth profile URL --out PATH' or fix the path"
        ) from None
    except OSError as exc:
        raise ProfileError(f"{settings.where('profile')}: cannot read it: {exc}") from None


def _generated(settings: SynthSettings) -> _Source:
    from synth.pytest_plugin.settings import check_cache_root

    data = _profile_bytes(settings)
    check_cache_root(settings.cache_root)
    directory = settings.cache_root / cache_key(data, settings.seed, settings.rows)[:16]
    complete = (directory / "manifest.json").is_file()
    rebuilt = False
    if complete and not settings.refresh:
        problem = _damage(directory)
        if problem is None:
            return _Source(directory, "cache hit")
        import shutil
        import warnings

        from synth.errors import SynthWarning

        warnings.warn(
            SynthWarning(f"synth cache entry {str(directory)!r} is damaged ({problem}); rebuilt"),
            stacklevel=2,
        )
        shutil.rmtree(directory, ignore_errors=True)
        rebuilt = True
    from synth.api import write  # the generator's imports only where it generates
    from synth.writers.atomic import OutputBusy

    try:
        for attempt in range(_WRITE_ATTEMPTS):
            try:
                write(settings.profile or "", directory, rows=settings.rows, seed=settings.seed)
                break
            except OutputBusy:
                # under pytest-xdist another worker is writing the same set: generation is
                # deterministic, so its set is this one once it is renamed into place
                if _wait_for_other_writer(directory):
                    return _Source(directory, "cache hit")
                if attempt == _WRITE_ATTEMPTS - 1:
                    raise
                time.sleep(0.1)
    except OutputError:
        # another worker may have renamed the same set into place first
        if (directory / "manifest.json").is_file():
            return _Source(directory, "cache hit")
        raise
    return _Source(directory, "rebuilt" if rebuilt else "regenerated" if complete else "generated")


_WRITE_ATTEMPTS = 5
"""Tries at a cache entry another process keeps locked without completing it."""


def _wait_for_other_writer(directory: Path, seconds: float = 900.0) -> bool:
    """Wait while another process holds the lock of ``directory``; whether it left a
    complete set there."""
    from synth.writers.atomic import lock_holder

    end = time.monotonic() + seconds
    while lock_holder(directory) is not None and time.monotonic() < end:
        if (directory / "manifest.json").is_file():
            break
        time.sleep(0.05)
    return (directory / "manifest.json").is_file()


def _damage(directory: Path) -> str | None:
    """What is wrong with the cache entry ``directory`` (None: every file is as written)."""
    from synth.loader.files import verify_files
    from synth.model.manifest import read_manifest

    try:
        verify_files(directory, read_manifest(directory))
    except SourceError as exc:
        return str(exc)
    return None


def _check_same_profile(settings: SynthSettings, manifest: Manifest) -> None:
    """A pre-generated directory must come from the configured profile, if one is set."""
    from synth.model.io import profile_digest, read_profile

    if settings.profile is None or not settings.profile.is_file():
        return
    if profile_digest(read_profile(settings.profile)) != manifest.profile_digest:
        raise SourceError(
            f"{settings.where('fixtures')} was generated from another profile than "
            f"{settings.where('profile')}; regenerate it with 'synth generate "
            f"{settings.profile} --out {settings.fixtures}' or drop one of the two options"
        )


def resolve_fixtures(settings: SynthSettings) -> SynthData:
    """The fixture set ``settings`` describe: the pre-generated directory, a cache hit, or a
    freshly generated (``refresh``: regenerated) cache entry."""
    from synth.model.manifest import read_manifest

    source = _pregenerated(settings) if settings.fixtures else _generated(settings)
    manifest = read_manifest(source.directory)
    if settings.fixtures:
        _check_same_profile(settings, manifest)
    return SynthData(source.directory, manifest, source.status, settings)


def describe(data: SynthData, settings: SynthSettings) -> str:
    """The end-of-session report line: what was used and how to reproduce it."""
    from synth.pytest_plugin.settings import reproduce

    rows = data.rows_option
    size = f"rows {rows}" if rows is not None else "rows default"
    pregenerated = data.status == "pre-generated"
    if pregenerated:
        what = f"pre-generated fixtures {settings.fixtures} (seed {data.seed}, {size})"
    else:
        what = f"profile {settings.profile}, seed {data.seed}, {size}"
    again = reproduce(settings, data.seed, rows, pregenerated)
    total = sum(t.rows for t in data.manifest.tables.values())
    return (
        f"synth: {what}; {len(data.manifest.tables)} tables, {total} rows ({data.status}, "
        f"{data.directory}); reproduce: {again}"
    )
