"""The pytest plugin's settings: ini options and command-line flags, resolved once per session.

Standard library only: this module is imported when pytest loads the plugin, so it must
cost nothing. What a running session resolved from its settings lives in
:mod:`synth.pytest_plugin.session`.
"""

from __future__ import annotations

import os
import shlex
import stat
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

__all__ = [
    "INI_OPTIONS",
    "SynthSettings",
    "check_cache_root",
    "default_cache_root",
    "read_settings",
    "reproduce",
]

INI_OPTIONS: dict[str, tuple[str, str]] = {
    "synth_profile": ("string", "profile YAML to generate fixtures from (relative to the ini)"),
    "synth_seed": ("string", "seed of the generated fixtures (default 0)"),
    "synth_rows": ("string", "rows of the largest table (default: synth's, at most 1000)"),
    "synth_fixtures_dir": ("string", "where generated fixture sets are cached"),
    "synth_fixtures": ("string", "a pre-generated fixture directory to use instead"),
    "synth_database_url": ("string", "database for synth_db ($VARS expanded; default SQLite)"),
    "synth_db_truncate": (
        "bool",
        "empty synth_db's existing tables before loading (default false)",
    ),
}
"""Ini option name -> (type, help)."""


def _tmp_fallback() -> Path:
    uid = os.getuid() if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"synth-fixtures-cache-{uid}"


def default_cache_root() -> Path:
    """Where fixture sets are cached outside pytest (or without pytest's cache):
    ``$SYNTH_CACHE_DIR``, else ``$XDG_CACHE_HOME/synth``, else ``~/.cache/synth``; only
    without a home directory a private directory under the system temporary dir (created
    with mode 0700 and refused when another user owns it, see :func:`check_cache_root`).
    Nothing is created here: the directory is made when a set is first written."""
    env = os.environ.get("SYNTH_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if xdg and os.path.isabs(xdg):
        return Path(xdg) / "synth"
    home = os.path.expanduser("~")
    if home != "~" and os.path.isdir(home):
        return Path(home) / ".cache" / "synth"
    return _tmp_fallback()


def check_cache_root(root: Path) -> None:
    """Before writing into ``root``: the shared-temporary-directory fallback of
    :func:`default_cache_root` is created private (mode 0700) and refused when it is a
    symlink, is owned by another user or is writable by others (someone could plant a
    fixture set there). Other roots were chosen by the user and are used as they are."""
    from synth.errors import OutputError

    if root != _tmp_fallback() or not hasattr(os, "getuid"):
        return
    try:
        root.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(root)
    except OSError as exc:
        raise OutputError(f"synth cache {str(root)!r}: cannot create it: {exc}") from None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o022:
        raise OutputError(
            f"synth cache {str(root)!r} is not a private directory of this user (owned by "
            f"uid {info.st_uid}, mode {stat.filemode(info.st_mode)}); remove it, or set "
            "SYNTH_CACHE_DIR (or synth_fixtures_dir) to a directory of your own"
        )


@dataclass(frozen=True)
class SynthSettings:
    """Where fixtures come from and how they are made, with where each setting came from
    (``ini option synth_profile='x.yaml'``), for error messages."""

    profile: Path | None = None
    seed: int = 0
    rows: int | None = None
    fixtures: Path | None = None
    """A pre-generated fixture directory (``synth generate`` output); wins over ``profile``."""
    cache_root: Path = field(default_factory=default_cache_root)
    database_url: str | None = None
    truncate: bool = False
    refresh: bool = False
    origin: Mapping[str, str] = field(default_factory=dict, compare=False)
    """Setting name -> how it was given, for messages (read-only)."""

    def __post_init__(self) -> None:
        # frozen: the origin is a read-only view of a private copy
        object.__setattr__(self, "origin", MappingProxyType(dict(self.origin)))

    def where(self, name: str) -> str:
        return self.origin.get(name, name)

    def from_flag(self, name: str) -> bool:
        """Whether setting ``name`` was given by a ``--synth-*`` flag."""
        return self.origin.get(name, "").startswith("--")

    def configured(self) -> bool:
        return self.profile is not None or self.fixtures is not None

    def override(self, **values: Any) -> SynthSettings:
        """These settings with the given non-None values replaced (keyword arguments)."""
        given = {k: v for k, v in values.items() if v is not None}
        if "profile" in given:
            given["profile"] = Path(given["profile"])
        if "fixtures" in given:
            given["fixtures"] = Path(given["fixtures"])
        origin = dict(self.origin)
        origin.update({k: f"{k}={v!r}" for k, v in values.items() if v is not None})
        if "profile" in given and "fixtures" not in given:
            given["fixtures"] = None  # an explicit profile wins over the session's directory
        return replace(self, **given, origin=origin)


def reproduce(settings: SynthSettings, seed: int, rows: int | None, pregenerated: bool) -> str:
    """The command that makes the same fixture set (and ``synth_db``) again: the seed and
    rows (or the pre-generated directory) and every synth setting given by a flag."""
    parts = ["pytest"]
    if settings.from_flag("profile") and settings.profile is not None:
        parts.append(f"--synth-profile={shlex.quote(str(settings.profile))}")
    if pregenerated and settings.fixtures is not None:
        parts.append(f"--synth-fixtures={shlex.quote(str(settings.fixtures))}")
    else:
        parts += ["--synth-seed", str(seed)]
        if rows is not None:
            parts += ["--synth-rows", str(rows)]
    if settings.from_flag("cache_root"):
        parts.append(f"--synth-fixtures-dir={shlex.quote(str(settings.cache_root))}")
    if settings.from_flag("database_url") and settings.database_url is not None:
        from synth.internal.urls import mask_secrets  # a password is shown as ***

        parts.append(f"--synth-database-url={shlex.quote(mask_secrets(settings.database_url))}")
    if settings.from_flag("truncate"):
        parts.append("--synth-db-truncate")
    return " ".join(parts)


def _int(raw: str, where: str, *, minimum: int) -> int:
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise ValueError(f"{where}: not an integer; give a whole number") from None
    if value < minimum:
        raise ValueError(f"{where}: must be at least {minimum}")
    return value


def read_settings(
    ini: dict[str, Any], cli: dict[str, Any], ini_dir: Path, cli_dir: Path, cache_root: Path
) -> SynthSettings:
    """Settings from ini values and command-line values (the latter win); a ValueError
    with a one-line message naming the option for a bad value. Relative ini paths are
    relative to the ini file's directory, command-line paths to the invocation dir."""
    origin: dict[str, str] = {}
    values: dict[str, Any] = {}

    def pick(name: str, ini_name: str, flag: str) -> tuple[Any, str | None, Path]:
        if cli.get(name) not in (None, ""):
            where = f"{flag} {cli[name]!r}"
            origin[name] = where
            return cli[name], where, cli_dir
        raw = ini.get(ini_name)
        if raw not in (None, "", []):
            where = f"ini option {ini_name}={raw!r}"
            origin[name] = where
            return raw, where, ini_dir
        return None, None, ini_dir

    for name, ini_name, flag in (
        ("profile", "synth_profile", "--synth-profile"),
        ("fixtures", "synth_fixtures", "--synth-fixtures"),
        ("cache_root", "synth_fixtures_dir", "--synth-fixtures-dir"),
    ):
        raw, _where, base = pick(name, ini_name, flag)
        if raw is not None:
            values[name] = Path(os.path.normpath(base / os.path.expanduser(str(raw))))
    raw, where, _ = pick("seed", "synth_seed", "--synth-seed")
    if raw is not None:
        values["seed"] = _int(raw, str(where), minimum=0)
    raw, where, _ = pick("rows", "synth_rows", "--synth-rows")
    if raw is not None:
        values["rows"] = _int(raw, str(where), minimum=1)
    raw, where, _ = pick("database_url", "synth_database_url", "--synth-database-url")
    if raw is not None:
        # the value may hold a password: messages name the option, never the value
        where = "--synth-database-url" if where and where.startswith("--") else None
        where = where or "ini option synth_database_url"
        origin["database_url"] = where
        url = os.path.expandvars(str(raw).strip())
        if "$" in url:
            raise ValueError(f"{where}: names an environment variable that is not set")
        values["database_url"] = url
    if cli.get("truncate"):
        values["truncate"] = True
        origin["truncate"] = "--synth-db-truncate"
    else:
        values["truncate"] = bool(ini.get("synth_db_truncate"))
        if values["truncate"]:
            origin["truncate"] = "ini option synth_db_truncate"
    values["refresh"] = bool(cli.get("refresh"))
    values.setdefault("cache_root", cache_root)
    return SynthSettings(**values, origin=origin)
