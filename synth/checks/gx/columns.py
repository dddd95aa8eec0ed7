"""The column expectations of synth's GX suites (see :mod:`synth.checks.gx`).

Pure Python: builds expectation JSON from a profile column, imports no GX.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from synth.model import Column, LogicalType, Scalar, Table

__all__ = ["NULL_ONLY", "column_expectations", "expectation", "tolerance"]

SIGMAS = 4.5
"""NULL-share bounds: this many binomial standard deviations of the table's size..."""
MIN_TOLERANCE = 0.02
"""...and never tighter than this (absolute), plus two rows' worth of share."""
VALUE_SET_MAX_OTHER = 0.05
"""A column gets a value-set expectation when its declared domain lists every value, or
when values outside its frequent ones (withheld, or a cohort's withheld ones) are at most
this share of its non-NULL values (``mostly`` then allows them, with tolerance)."""
OUTSIDE_FLOOR = 0.01
"""The share of other values a tolerance assumes at least (cohort redraws and trait
injection make about 1% fresh values in some fully listed columns)."""
COHORT_RESIDUAL = 1e-3
"""As the generator's: a cohort's shares within this of 1 leave no room for other values."""
PRESENT = 1e-9
"""``mostly`` of a "present" expectation: satisfied by one matching row."""
FLOAT_SLACK = 1e-6
"""Relative widening of a float column's range: a ``REAL`` (float32) value read as float64
lies a few parts in 10^8 past the bound it was drawn within."""

NULL_ONLY = frozenset({LogicalType.ARRAY, LogicalType.BINARY, LogicalType.GEOMETRY})
"""Types whose columns get NULL expectations only: binary values are never stored in a
profile, and an array's ``length``, ``domain`` and ``lengths`` describe its elements, which
no column expectation of GX reads (it compares whole cells)."""

_NS_MIN = dt.datetime(1678, 1, 1)
_NS_MAX = dt.datetime(2262, 4, 11)

_PRESENCE_REGEX = {
    "whitespace_padded": (r"^\s|\s$", "values with leading or trailing spaces"),
    "empty_string": (r"^$", "empty strings ''"),
    "non_ascii": (r"[^\x00-\x7f]", "values with non-ASCII characters"),
    "control_chars": (r"[\x01-\x1f\x7f]", "values with control characters"),
    "leading_zeros": (r"^0[0-9]+$", "numeric strings with leading zeros"),
}


def column_expectations(
    table: Table, col: Column, size: int, *, key: bool, k: int | None = None
) -> list[dict]:
    t, c = table.key, col.name
    where = f"{t}.{c}"
    out: list[dict[str, Any]] = []
    if col.type is LogicalType.OPAQUE:
        return out
    null = col.stats.null_fraction if col.nullable else 0.0
    # pandas reads NaN as missing: a NaN share (trait non_finite) counts as NULL there
    nan = sum(s.fraction for s in col.stats.traits if s.trait == "non_finite" and s.value == "NaN")
    if null <= 0.0:
        why = "NOT NULL column" if not col.nullable else "never NULL in production"
        kwargs: dict[str, Any] = {"column": c}
        if nan > 0:
            kwargs["mostly"] = round(max(0.5, 1.0 - nan - tolerance(nan, size) - 1.0 / size), 6)
            why += f" (NaN, {nan:.1%} of rows, reads as missing)"
        out.append(
            expectation(
                "expect_column_values_to_not_be_null", t, c, kwargs, f"{where}: {why}", "null"
            )
        )
    elif null >= 1.0:
        out.append(
            expectation(
                "expect_column_values_to_be_null",
                t,
                c,
                {"column": c},
                f"{where}: always NULL in production",
                "null",
            )
        )
    else:
        tol = tolerance(null, size)
        # pandas reads NaN as missing: a NaN share (trait non_finite) counts as NULL there
        nan = sum(
            s.fraction for s in col.stats.traits if s.trait == "non_finite" and s.value == "NaN"
        )
        lo = max(0.0, 1.0 - null - nan - tolerance(null + nan, size) - (1.0 / size if nan else 0))
        hi = min(1.0, 1.0 - null + tol)
        out.append(
            expectation(
                "expect_column_proportion_of_non_null_values_to_be_between",
                t,
                c,
                {"column": c, "min_value": round(lo, 6), "max_value": round(hi, 6)},
                f"{where}: NULL in {null:.1%} of production rows (trait null; "
                f"±{tol:.1%} for {size:,} rows)",
                "null",
            )
        )
    if col.type in NULL_ONLY:
        return out  # see NULL_ONLY
    if col.type is LogicalType.STRING and col.length is not None:
        out.append(
            expectation(
                "expect_column_value_lengths_to_be_between",
                t,
                c,
                {"column": c, "max_value": col.length},
                f"{where}: at most {col.length} characters ({col.sql_type})",
                "length",
            )
        )
    if key:
        return out  # keys are generated (and orphans injected): no value checks
    out.extend(_value_set(table, col, size))
    out.extend(_range(table, col, size, k))
    out.extend(_presence(table, col))
    return out


def _value_set(table: Table, col: Column, size: int) -> list[dict]:
    if col.type not in (LogicalType.STRING, LogicalType.INTEGER) or not col.stats.frequent:
        return []
    if not _traits_carried(col):
        return []  # a trait rewrites generated values into ones no list holds
    stats = col.stats
    allowed: list[Scalar] = [f.value for f in stats.frequent]
    allowed += [v for v in col.domain or () if v not in allowed]
    if col.type is LogicalType.INTEGER:
        try:
            allowed = sorted({int(v) for v in allowed})
        except (TypeError, ValueError):
            return []
    legacy = [s.value for s in stats.traits if s.trait == "legacy_value"]
    non_null = 1.0 - stats.null_fraction
    others = stats.other_fraction + _cohort_residual(table, col)
    outside = 0.0 if col.domain else min(1.0, others / non_null) if non_null else 0.0
    if outside > VALUE_SET_MAX_OTHER:
        return []
    kwargs: dict[str, Any] = {"column": col.name, "value_set": allowed}
    note = f"{table.key}.{col.name}: only production's values"
    if col.domain:
        note += f" (domain {', '.join(map(str, col.domain))})"
    if legacy:
        note += f", legacy values included: {', '.join(repr(v) for v in legacy)}"
    if outside > 0.0 or not col.domain:
        spread = max(outside, OUTSIDE_FLOOR)  # clustered by cohort: wider than binomial
        mostly = 1.0 - outside - tolerance(spread, max(1, round(size * non_null)))
        kwargs["mostly"] = round(max(0.5, mostly), 6)
        note += f" (up to {1 - kwargs['mostly']:.1%} other values: rare ones were withheld)"
    return [
        expectation(
            "expect_column_values_to_be_in_set", table.key, col.name, kwargs, note, "values"
        )
    ]


def _cohort_residual(table: Table, col: Column) -> float:
    """Share of all rows a cohort fills with values outside the column's frequent ones:
    a cohort whose listed value shares and NULL share leave room (its rarer values were
    withheld) has that room generated as other values."""
    prefix = f"value:{col.name}="
    total = 0.0
    for stat in table.traits:
        if stat.trait != "cohort":
            continue
        shares = [
            float(v)
            for k, v in stat.detail.items()
            if k.startswith(prefix) and isinstance(v, int | float)
        ]
        if not shares:
            continue
        null = stat.detail.get(f"null:{col.name}", col.stats.null_fraction)
        rest = 1.0 - float(null) - sum(shares) if isinstance(null, int | float) else 0.0
        if rest > COHORT_RESIDUAL:
            total += stat.fraction * rest
    return total


def _beyond(table: Table, k: int | None) -> float:
    """The share of production's values outside its recorded min and max: those are the
    k-th extremes, so up to k - 1 rows lie past each one (and the generator makes such
    values for the withheld share)."""
    if not k or k <= 1 or table.rows <= 0:
        return 0.0
    return min(0.5, 2.0 * (k - 1) / table.rows)


def _range(table: Table, col: Column, size: int, k: int | None = None) -> list[dict]:
    values = col.stats.values
    if values is None:
        return []
    numeric = col.type in (LogicalType.INTEGER, LogicalType.FLOAT, LogicalType.DECIMAL)
    temporal = col.type in (LogicalType.DATE, LogicalType.DATETIME)
    if not (numeric or temporal):
        return []
    where = f"{table.key}.{col.name}"
    if numeric:
        points = [values.min, values.max]
        points += [s.value for s in col.stats.traits if s.trait == "sentinel"]
        nums = [float(v) for v in points if isinstance(v, int | float)]
        if len(nums) < 2:
            return []
        lo, hi = min(nums), max(nums)
        if col.type is LogicalType.INTEGER:
            lo, hi = int(lo), int(hi)
        elif col.type is LogicalType.FLOAT:  # a float32 value read as float64 (153.9600067)
            lo, hi = lo - abs(lo) * FLOAT_SLACK, hi + abs(hi) * FLOAT_SLACK
        kwargs: dict[str, Any] = {"column": col.name, "min_value": lo, "max_value": hi}
        note = f"{where}: within production's range {lo}..{hi} (sentinels included)"
        odd = sum(s.fraction for s in col.stats.traits if s.trait == "non_finite")
        rest = max(1e-9, 1.0 - col.stats.null_fraction)
        share = min(1.0, odd / rest + _beyond(table, k))
        if share > 0:  # NaN and infinities are outside any range, as are the k-1 rows
            # past each k-th extreme: the trait's share may be
            room = max(share, 1.0 / max(1, size)) + 3 * (share * (1 - share) / max(1, size)) ** 0.5
            kwargs["mostly"] = round(max(0.5, 1.0 - room), 6)
            if odd > 0:
                note += f" (but NaN and infinities, {odd / rest:.1%} of values)"
            if _beyond(table, k) > 0:
                note += f" (min and max are k-th extremes, k = {k})"
        return [
            expectation(
                "expect_column_values_to_be_between", table.key, col.name, kwargs, note, "range"
            )
        ]
    stamps = [_instant(values.min), _instant(values.max)]
    extra = []
    for s in col.stats.traits:
        if s.trait == "sentinel" and isinstance(s.value, str):
            day = _instant(s.value)
            if day is not None:
                stamps += [day, day + dt.timedelta(days=1) - dt.timedelta(microseconds=1)]
                extra.append("sentinels")
        elif s.trait == "future_timestamp":
            ahead = s.detail.get("max_days_ahead")
            as_of = _instant(str(s.detail.get("as_of", "")))
            if isinstance(ahead, int | float) and as_of is not None:
                stamps.append(as_of + dt.timedelta(days=float(ahead)))
                extra.append("future timestamps")
    if any(s is None for s in stamps):
        return []
    lo, hi = min(stamps), max(stamps)  # type: ignore[type-var]
    if lo < _NS_MIN or hi > _NS_MAX:
        return []  # pandas nanoseconds cannot hold it (a 9999-12-31 sentinel)
    kwargs = {"column": col.name, "min_value": _bound(lo, col), "max_value": _bound(hi, col)}
    note = f"{where}: within production's range"
    beyond = _beyond(table, k)
    if beyond > 0:
        room = beyond + 3 * (beyond * (1 - beyond) / max(1, size)) ** 0.5 + 1.0 / max(1, size)
        kwargs["mostly"] = round(max(0.5, 1.0 - room), 6)
        note += f" (min and max are k-th extremes, k = {k})"
    if extra:
        note += f" ({' and '.join(sorted(set(extra)))} included)"
    return [
        expectation(
            "expect_column_values_to_be_between", table.key, col.name, kwargs, note, "range"
        )
    ]


def _presence(table: Table, col: Column) -> list[dict]:
    """One expectation per column trait that a batch can show: at least one carrier."""
    out: list[dict[str, Any]] = []
    t, c = table.key, col.name
    where = f"{t}.{c}"
    for s in col.stats.traits:
        if s.trait == "legacy_value" and s.value is not None:
            value = _typed(s.value, col)
            if value is None:
                continue
            out.append(
                expectation(
                    "expect_column_distinct_values_to_contain_set",
                    t,
                    c,
                    {"column": c, "value_set": [value]},
                    f"{where}: legacy value {s.value!r} (trait legacy_value, "
                    f"{s.fraction:.1%} of production rows) is present",
                    "legacy_value",
                    value=s.value,
                )
            )
        elif s.trait == "sentinel" and s.value is not None and col.type is not LogicalType.DATETIME:
            value = _typed(s.value, col)
            if value is None or col.type is LogicalType.DATE:
                continue
            out.append(
                expectation(
                    "expect_column_distinct_values_to_contain_set",
                    t,
                    c,
                    {"column": c, "value_set": [value]},
                    f"{where}: sentinel {s.value!r} (trait sentinel, "
                    f"{s.fraction:.2%} of production rows) is present",
                    "sentinel",
                    value=s.value,
                )
            )
        elif s.trait in _PRESENCE_REGEX and col.type is LogicalType.STRING:
            regex, what = _PRESENCE_REGEX[s.trait]
            out.append(
                expectation(
                    "expect_column_values_to_match_regex",
                    t,
                    c,
                    {"column": c, "regex": regex, "mostly": PRESENT},
                    f"{where}: {what} present (trait {s.trait}, {s.fraction:.2%} of "
                    "production rows)",
                    s.trait,
                )
            )
        elif (
            s.trait == "max_length"
            and col.length is not None
            and col.type is LogicalType.STRING
            and col.members is None  # a SET's length is all members joined: no row needs it
        ):
            out.append(
                expectation(
                    "expect_column_value_lengths_to_equal",
                    t,
                    c,
                    {"column": c, "value": col.length, "mostly": PRESENT},
                    f"{where}: values of exactly {col.length} characters present (trait "
                    f"max_length, {s.fraction:.2%} of production rows)",
                    "max_length",
                )
            )
        elif s.trait == "future_timestamp" and col.type is LogicalType.DATETIME:
            as_of = _instant(str(s.detail.get("as_of", "")))
            if as_of is None or not (_NS_MIN < as_of < _NS_MAX):
                continue
            out.append(
                expectation(
                    "expect_column_max_to_be_between",
                    t,
                    c,
                    {"column": c, "min_value": _bound(as_of, col), "strict_min": True},
                    f"{where}: timestamps after as_of present (trait future_timestamp, "
                    f"{s.fraction:.2%} of production rows)",
                    "future_timestamp",
                )
            )
    return out


# --- helpers ----------------------------------------------------------------------------


def expectation(
    kind: str,
    table: str,
    column: str | None,
    kwargs: dict[str, Any],
    note: str,
    trait: str,
    *,
    value: Scalar | None = None,
) -> dict[str, Any]:
    meta: dict[str, Any] = {"table": table, "column": column, "trait": trait}
    if value is not None:
        meta["value"] = value
    return {"type": kind, "kwargs": kwargs, "meta": {"synth": meta}, "notes": note}


def tolerance(share: float, size: int) -> float:
    """Absolute tolerance of a share measured on ``size`` generated rows."""
    n = max(1, size)
    return max(MIN_TOLERANCE, SIGMAS * math.sqrt(share * (1.0 - share) / n)) + 2.0 / n


def _traits_carried(col: Column) -> bool:
    """Whether every column trait is carried by one of the frequent values, so injection
    reuses those values rather than rewriting generated ones."""
    if not col.stats.traits:
        return True
    import polars as pl

    from synth.traits import get
    from synth.traits.base import ColumnTrait

    values = [f.value for f in col.stats.frequent]
    series = pl.Series(col.name, values, strict=False)
    for stat in col.stats.traits:
        if stat.trait == "legacy_value":
            continue
        trait = get(stat.trait)
        if not isinstance(trait, ColumnTrait):
            return False
        hits = pl.DataFrame([series]).select(trait.carriers(pl.col(col.name), col, stat))
        if not hits.to_series().fill_null(False).any():
            return False
    return True


def _typed(value: Scalar, col: Column) -> Scalar | None:
    if col.type is LogicalType.STRING:
        return value if isinstance(value, str) else None
    if col.type is LogicalType.INTEGER:
        return int(value) if isinstance(value, int | float) and float(value).is_integer() else None
    if col.type in (LogicalType.FLOAT, LogicalType.DECIMAL):
        return float(value) if isinstance(value, int | float) else None
    if col.type is LogicalType.BOOLEAN:
        return value if isinstance(value, bool) else None
    return None


def _instant(text: str) -> dt.datetime | None:
    """An ISO-8601 date or instant as a naive UTC datetime."""
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def _bound(value: dt.datetime, col: Column) -> str:
    """A full ISO-8601 bound GX parses: with ``+00:00`` for time-zone-aware columns (they
    compare with UTC instants), without for naive ones."""
    if col.timezone:
        return value.replace(tzinfo=dt.UTC).isoformat()
    return value.isoformat()
