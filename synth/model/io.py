"""Reading and writing profile files.

The YAML is written in the model's field order with defaults left out, so a
profile holds only what was measured and a re-profile shows up as a small diff.
Small mappings (a distribution, a frequent value) are written on one line.
Reading reports problems with the file path, the line, and the YAML path of the
bad field.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from synth.errors import ProfileError
from synth.internal.files import write_text_atomic
from synth.model import PROFILE_KIND, PROFILE_VERSION, Profile

__all__ = ["dump_profile", "load_profile", "profile_digest", "read_profile", "write_profile"]


class _Dumper(yaml.SafeDumper):
    """Block style for structure, flow style for small all-scalar mappings and lists."""


def _represent_dict(dumper: yaml.SafeDumper, data: dict[str, Any]) -> yaml.Node:
    flat = all(not isinstance(v, dict | list) for v in data.values())
    return dumper.represent_mapping(
        "tag:yaml.org,2002:map", data.items(), flow_style=flat and len(data) <= 12
    )


def _represent_list(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    flat = all(not isinstance(v, dict | list) for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flat)


_Dumper.add_representer(dict, _represent_dict)
_Dumper.add_representer(list, _represent_list)


def dump_profile(profile: Profile) -> str:
    """The profile as YAML text: stable key order, defaults omitted."""
    data = profile.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    data = {"kind": profile.kind, "version": profile.version, **data}
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=1 << 16,  # never wrap: one statistic, one line, one-line diffs
        default_flow_style=False,
    )
    return text


def profile_digest(profile: Profile) -> str:
    """A content hash of the profile (sha256 of its canonical YAML), for manifests and caches."""
    return hashlib.sha256(dump_profile(profile).encode("utf-8")).hexdigest()


def write_profile(profile: Profile, path: str | os.PathLike[str]) -> Path:
    """Write ``profile`` to ``path`` atomically (a temporary file, then a rename)."""
    return write_text_atomic(
        path, dump_profile(profile), what="profile", fix="choose a writable path with --out"
    )


def read_profile(path: str | os.PathLike[str]) -> Profile:
    """Read and validate a profile file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileError(
            f"profile {str(p)!r} does not exist; create one with 'synth profile URL --out {p}'"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"cannot read profile {str(p)!r}: {exc}") from None
    return load_profile(text, source=str(p))


def load_profile(text: str, *, source: str = "<profile>") -> Profile:
    """Parse and validate profile YAML; errors name ``source``, the line and the field."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        problem = getattr(exc, "problem", None) or str(exc)
        raise ProfileError(
            f"{where}: not valid YAML ({problem}); fix the file or re-profile"
        ) from None
    if not isinstance(data, dict):
        raise ProfileError(
            f"{source}: expected a mapping with kind: {PROFILE_KIND}, got {type(data).__name__}"
        )
    kind = data.get("kind")
    if kind != PROFILE_KIND:
        raise ProfileError(
            f"{source}: kind={kind!r} is not a synth profile; expected kind: {PROFILE_KIND}"
        )
    version = data.get("version")
    if version != PROFILE_VERSION:
        raise ProfileError(
            f"{source}: version={version!r} is not supported by this synth "
            f"(reads version {PROFILE_VERSION}); upgrade synth or re-profile"
        )
    try:
        profile = Profile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = err["loc"]
        line = _line_of(text, loc)
        where = f"{source}:{line}" if line else source
        path = _format_loc(loc)
        value = err.get("input")
        shown = "" if isinstance(value, dict | list) else f" (got {value!r})"
        more = f" and {exc.error_count() - 1} more problem(s)" if exc.error_count() > 1 else ""
        raise ProfileError(f"{where}: {path}: {err['msg']}{shown}{more}") from None
    from synth.model.sanity import impossible_statistics

    problem = impossible_statistics(profile)
    if problem is not None:
        loc, named, message = problem
        line = _line_of(text, loc)
        raise ProfileError(f"{source}:{line}: {named}: {message}" if line else
                           f"{source}: {named}: {message}")  # fmt: skip
    return profile


def _format_loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<root>"


def _line_of(text: str, loc: tuple[int | str, ...]) -> int | None:
    """The 1-based line of the YAML node at ``loc`` (or of its nearest existing parent)."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    best = node
    for part in loc:
        nxt = None
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key, value in node.value:
                if key.value == part:
                    nxt = value
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(part, int)
            and 0 <= part < len(node.value)
        ):
            nxt = node.value[part]
        if nxt is None:
            break
        node = best = nxt
    return best.start_mark.line + 1 if best is not None else None
