"""Profiling options that traits read, checked: ``--known-values``, ``--legacy-after``,
``--time-column`` (``synth profile``) and the same keyword arguments of ``synth.profile``."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from synth.errors import UsageError
from synth.traits.base import TraitSettings

__all__ = ["read_known_values", "trait_settings"]

PathLike = str | os.PathLike[str]


def read_known_values(path: PathLike) -> dict[str, tuple[str, ...]]:
    """A known-values YAML file: a mapping of ``table.column`` to the list of values
    today's code knows, e.g. ``users.plan: [free, pro, enterprise]``."""
    import yaml

    where = f"known_values (--known-values) {os.fspath(path)!r}"
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(
            f"{where} does not exist; give a YAML file of table.column: [values]"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{where} cannot be read: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        place = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "malformed"
        raise UsageError(f"{where} is not valid YAML{place}: {problem}") from None
    return _known(data, where)


def _known(data: object, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(data, Mapping):
        raise UsageError(f"{where}: expected a mapping of table.column to a list of values")
    out: dict[str, tuple[str, ...]] = {}
    for key, values in data.items():
        if not isinstance(key, str) or "." not in key.strip(".") or key != key.strip():
            raise UsageError(f"{where}: key {key!r} is not table.column")
        if isinstance(values, str | bytes) or not isinstance(values, Sequence):
            raise UsageError(f"{where}: {key} must list values, e.g. {key}: [a, b]")
        if any(isinstance(v, Mapping | list) or v is None for v in values):
            raise UsageError(f"{where}: {key} must list plain values (strings or numbers)")
        out[key] = tuple(str(v).lower() if isinstance(v, bool) else str(v) for v in values)
    return out


def _days(value: int | str) -> int:
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit():
        raise UsageError(
            f"legacy_after (--legacy-after) {value!r} must be a whole number of days, e.g. 365"
        )
    return int(text)


def _time_columns(given: Mapping[str, str] | Sequence[str] | str) -> dict[str, str]:
    if isinstance(given, Mapping):
        pairs = [(str(k), str(v)) for k, v in given.items()]
    else:
        items = [given] if isinstance(given, str) else list(given)
        pairs = []
        for item in items:
            table, sep, column = str(item).strip().rpartition(".")
            if not sep or not table or not column:
                raise UsageError(
                    f"time_column (--time-column) {item!r} must be table.column, "
                    "e.g. orders.placed_at"
                )
            pairs.append((table, column))
    return dict(pairs)


def trait_settings(
    *,
    known_values: Mapping[str, Sequence[str]] | PathLike | None = None,
    legacy_after: int | str | None = None,
    time_columns: Mapping[str, str] | Sequence[str] | str | None = None,
    segment_by: Sequence[str] | str | None = None,
) -> TraitSettings:
    """The :class:`TraitSettings` for these options (a bad one is a one-line UsageError)."""
    from synth.traits.cohorts import segment_keys

    known: dict[str, tuple[str, ...]] = {}
    if isinstance(known_values, Mapping):
        known = _known(known_values, "known_values")
    elif known_values is not None:
        known = read_known_values(known_values)
    return TraitSettings(
        legacy_after_days=_days(legacy_after) if legacy_after is not None else 365,
        time_columns=_time_columns(time_columns) if time_columns is not None else {},
        known_values=known,
        segment_by=segment_keys(segment_by) if segment_by else (),
    )
