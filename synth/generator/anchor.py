"""``--as-of``: re-anchor a profile in time before generating.

A profile's times are relative to its ``as_of`` (when it was measured). Generating
``--as-of 2027-01-01T00:00:00Z`` (or ``--as-of now``) shifts every temporal value of the
profile by the same amount, ``new - as_of``: the percentiles and frequent values of date
and timestamp columns, the values of traits on them, every trait's ``before`` instant,
and ISO instants among trait details. Ages relative to the anchor therefore stay what
they were measured to be (a `pending` order stuck for two years is still two years old),
and a legacy value still stops before its last appearance. Dates move by whole days
(the shift rounded to the nearest day). Frequent values and trait values on well-known
sentinel days (0001-01-01, 1900-01-01, 1970-01-01, 9999-12-31) or on a day a
``sentinel`` trait names do not move; percentiles all move (beyond the representable
range they stay). Without ``--as-of`` the profile's own ``as_of`` is the anchor, so
output is deterministic.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from synth.internal.asof import parse_as_of
from synth.model import Column, ColumnStats, Distribution, LogicalType, Profile, TraitStat

__all__ = ["SENTINEL_DATES", "parse_as_of", "reanchor"]

SENTINEL_DATES = frozenset({"0001-01-01", "1900-01-01", "1970-01-01", "9999-12-31"})
"""Dates that mean "unknown" or "never" rather than a moment: never shifted."""

_ISO = re.compile(
    r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?)?$"
)
_TEMPORAL = (LogicalType.DATE, LogicalType.DATETIME)


def _shift_text(text: str, delta: dt.timedelta, fixed: frozenset[str] | None) -> str:
    """An ISO date or timestamp moved by ``delta``, in the same spelling; one on a
    sentinel day or a day in ``fixed`` stays (unless ``fixed`` is None)."""
    if not _ISO.match(text.strip()):
        return text
    if fixed is not None and (text in fixed or text[:10] in fixed | SENTINEL_DATES):
        return text
    try:
        if len(text.strip()) == 10:
            days = round(delta / dt.timedelta(days=1))
            return (dt.date.fromisoformat(text.strip()) + dt.timedelta(days=days)).isoformat()
        moved = dt.datetime.fromisoformat(text.strip()) + delta
    except (ValueError, OverflowError):
        return text
    if text.strip().endswith("Z"):
        return moved.isoformat().replace("+00:00", "Z")
    return moved.isoformat(sep=text.strip()[10])


def _shift(value: Any, delta: dt.timedelta, fixed: frozenset[str] | None) -> Any:
    return _shift_text(value, delta, fixed) if isinstance(value, str) else value


def _stat(stat: TraitStat, delta: dt.timedelta, temporal: bool, fixed: frozenset[str]) -> TraitStat:
    update: dict[str, Any] = {
        "detail": {k: _shift(v, delta, fixed) for k, v in stat.detail.items()}
    }
    if stat.before is not None:
        update["before"] = _shift_text(stat.before, delta, None)
    if temporal and stat.trait != "sentinel":
        update["value"] = _shift(stat.value, delta, fixed)
    return stat.model_copy(update=update)


def _column(col: Column, delta: dt.timedelta) -> Column:
    stats = col.stats
    temporal = col.type in _TEMPORAL
    fixed = frozenset(
        str(s.value) for s in stats.traits if s.trait == "sentinel" and s.value is not None
    )
    update: dict[str, Any] = {
        "traits": tuple(_stat(s, delta, temporal, fixed) for s in stats.traits),
    }
    if temporal:
        if stats.values is not None:
            points = {  # every point moves, so drawn values move by exactly the shift
                name: _shift(value, delta, None)
                for name, value in stats.values.model_dump().items()
            }
            update["values"] = Distribution(**points)
        update["frequent"] = tuple(
            f.model_copy(update={"value": _shift(f.value, delta, fixed)}) for f in stats.frequent
        )
    new_stats: ColumnStats = stats.model_copy(update=update)
    return col.model_copy(update={"stats": new_stats})


def reanchor(profile: Profile, as_of: str | dt.datetime | None) -> Profile:
    """``profile`` with every temporal value shifted so that its ``as_of`` becomes ``as_of``
    (unchanged when ``as_of`` is None or equal to the profile's)."""
    new = parse_as_of(as_of)
    if new is None:
        return profile
    old = profile.source.as_of
    old = old.replace(tzinfo=dt.UTC) if old.tzinfo is None else old
    delta = new - old
    if not delta:
        return profile
    tables = []
    for table in profile.tables:
        columns = tuple(_column(c, delta) for c in table.columns)
        traits = tuple(_stat(s, delta, isinstance(s.value, str), frozenset()) for s in table.traits)
        tables.append(table.model_copy(update={"columns": columns, "traits": traits}))
    source = profile.source.model_copy(update={"as_of": new})
    return profile.model_copy(update={"source": source, "tables": tuple(tables)})
