"""Reading an as-of time given by a user (``--as-of``), for profiling and generating alike."""

from __future__ import annotations

import datetime as dt

from synth.errors import UsageError

__all__ = ["parse_as_of"]


def parse_as_of(value: str | dt.datetime | None) -> dt.datetime | None:
    """``'now'``, an ISO-8601 date or timestamp (naive means UTC) or a datetime, as an aware
    UTC datetime; None stays None (the profile's own ``as_of``)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str) and value.strip().lower() == "now":
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise UsageError(
                f"as_of (--as-of) {value!r} is not a time; give an ISO-8601 timestamp such "
                "as 2027-01-01T00:00:00Z, a date, or 'now'"
            ) from None
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)
