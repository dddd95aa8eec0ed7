"""Values as a profile stores them: every number the profile format has a rule for.

Sources hand over driver values (``Decimal``, ``datetime`` with a zone, ``UUID``, MySQL's
``timedelta`` times) and polars values; a profile holds plain scalars (numbers, ISO-8601
text in UTC, strings) and fractions rounded to :data:`FRACTION_DIGITS` digits. The
profilers, the traits' measurements and ``synth validate`` all convert through here, so a
value means the same thing wherever it is compared.
"""

from __future__ import annotations

import datetime as dt
import math
import uuid
from decimal import Decimal
from typing import Any

from synth.model import LogicalType, Scalar

__all__ = ["FRACTION_DIGITS", "round_fraction", "to_scalar"]

L = LogicalType

FRACTION_DIGITS = 6
"""Digits every fraction of a profile is rounded to."""


def round_fraction(part: int, whole: int) -> float:
    """``part / whole`` rounded as every fraction in a profile is (0 of nothing is 0)."""
    return round(part / whole, FRACTION_DIGITS) if whole else 0.0


def _parse_temporal(text: str, logical: LogicalType) -> Any:
    try:
        if logical is L.DATETIME:
            return dt.datetime.fromisoformat(text)
        if logical is L.DATE:
            return dt.date.fromisoformat(text[:10])
        if logical is L.TIME:
            return dt.time.fromisoformat(text)
    except ValueError:
        return text
    return text


def _timedelta_text(value: dt.timedelta) -> str:
    if dt.timedelta(0) <= value < dt.timedelta(days=1):
        return (dt.datetime.min + value).time().isoformat()
    return str(value)  # MySQL TIME may be negative or over 24 hours


def to_scalar(value: Any, logical: LogicalType) -> Scalar | None:
    """A source value as a profile scalar: numbers, ISO-8601 text (UTC when zoned), strings.

    Returns None for values a profile never stores (binary, NaN, infinities).
    """
    if value is None or isinstance(value, bytes | bytearray | memoryview):
        return None
    if isinstance(value, str) and logical in (L.DATETIME, L.DATE, L.TIME):
        value = _parse_temporal(value, logical)
    if isinstance(value, bool):
        return value
    if logical is L.BOOLEAN and isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, Decimal | float):
        number = float(value)
        if not math.isfinite(number):
            return None
        if logical is L.INTEGER and number.is_integer():
            return int(number)
        return number
    if isinstance(value, int):
        return float(value) if logical in (L.FLOAT, L.DECIMAL) else value
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.date().isoformat() if logical is L.DATE else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return _timedelta_text(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    return value if isinstance(value, str) else str(value)
