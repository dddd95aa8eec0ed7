"""Running synth's suites with Great Expectations 1.x, in-process (the ``gx`` extra).

The one module that imports ``great_expectations`` and ``pandas``, inside functions, so
``import synth`` never pays for them. GX 1.x validates pandas, not polars, so each table
is converted first: datetimes to ``datetime64[ns]`` (GX compares a datetime column with
its ISO-string bounds only for nanosecond columns), dates to datetimes, decimals to floats;
binary and nested columns stay, as object columns (bytes; arrays as tuples, so they hash),
for the schema and NULL expectations, the only ones the suites give them.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from synth.checks.gx.report import ExpectationOutcome
from synth.errors import UsageError
from synth.model import Profile

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

__all__ = ["require_gx", "to_pandas", "validate_tables"]


def require_gx() -> Any:
    """The ``great_expectations`` module; a :class:`UsageError` naming the fix without it."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    try:
        import great_expectations as gx
    except ImportError:
        raise UsageError(
            "validating with Great Expectations (--engine gx, --fixtures) needs GX 1.x; "
            "install it with pip install 'synth-fixtures[gx]'"
        ) from None
    return gx


def to_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    """``frame`` as GX's pandas engine compares it (see the module docstring)."""
    import polars as pl

    casts = []
    arrays = []
    for name, dtype in frame.schema.items():
        if isinstance(dtype, pl.Datetime):
            col = pl.col(name)
            lo, hi = frame[name].min(), frame[name].max()
            fits = lo is None or (lo.year >= 1678 and hi.year <= 2261)  # type: ignore[union-attr]
            casts.append(col.dt.cast_time_unit("ns") if fits else col)
        elif dtype == pl.Date:
            casts.append(pl.col(name).cast(pl.Datetime("ns")))
        elif isinstance(dtype, pl.Decimal):
            casts.append(pl.col(name).cast(pl.Float64))
        else:  # binary and structs stay as they convert: object columns of bytes, dicts
            casts.append(pl.col(name))
            if isinstance(dtype, pl.List | pl.Array):
                arrays.append(name)
    out = frame.select(casts).to_pandas()
    for name in arrays:  # NumPy arrays by default: unhashable, and printed without commas
        out[name] = [None if v is None else tuple(v) for v in frame[name].to_list()]
    return out


def validate_tables(
    profile: Profile,
    suites: Mapping[str, dict[str, Any] | None],
    tables: Mapping[str, pl.DataFrame],
) -> tuple[ExpectationOutcome, ...]:
    """Validate each table with its suite JSON (None: the table is missing) in one
    ephemeral context, one pandas batch per table; outcomes in suite order."""
    gx = require_gx()
    context = gx.get_context(mode="ephemeral")
    _quiet(context)
    source = context.data_sources.add_pandas(name="synth_fixtures")
    out: list[ExpectationOutcome] = []
    for index, (key, suite_json) in enumerate(suites.items()):
        if suite_json is None:
            out.append(
                ExpectationOutcome(
                    key,
                    None,
                    "table_present",
                    False,
                    "table missing from the fixtures",
                    f"table {key!r} of the profile: generate it (drop --tables)",
                )
            )
            continue
        suite = gx.ExpectationSuite(**suite_json)
        asset = source.add_dataframe_asset(name=f"t{index}_{key}")
        batch_def = asset.add_batch_definition_whole_dataframe(name=f"b{index}")
        batch = batch_def.get_batch(batch_parameters={"dataframe": to_pandas(tables[key])})
        result = batch.validate(suite, result_format="SUMMARY")
        for item in result.results:
            config = item.expectation_config
            meta = (config.meta or {}).get("synth", {})
            out.append(
                ExpectationOutcome(
                    table=key,
                    column=meta.get("column"),
                    expectation=config.type,
                    success=bool(item.success),
                    observed=_observed(item),
                    note=config.notes if isinstance(config.notes, str) else str(config.notes),
                )
            )
    return tuple(out)


def _quiet(context: Any) -> None:
    with contextlib.suppress(AttributeError, TypeError, ValueError):  # older GX
        context.variables.progress_bars = {"globally": False}


_MISSING_COLUMN = re.compile(r'column "(?P<name>.+)" in BatchData does not exist')


def _observed(item: Any) -> str:
    """What GX observed, in a few words, from a GX 1.x ``ExpectationValidationResult``."""
    error = _error(item.exception_info)
    if error is not None:
        return error
    res = item.result or {}
    details = res.get("details")
    mismatched = details.get("mismatched") if isinstance(details, dict) else None
    if isinstance(mismatched, dict):  # expect_table_columns_to_match_set
        parts = [
            f"{what} columns {', '.join(map(str, mismatched[key]))}"
            for key, what in (("missing", "missing"), ("unexpected", "unexpected"))
            if mismatched.get(key)
        ]
        if parts:
            return "; ".join(parts)
    if res.get("partial_missing_list"):  # expect_column_distinct_values_to_contain_set
        return "missing value(s) " + _sample(res["partial_missing_list"])
    if res.get("observed_value") is not None:
        value = res["observed_value"]
        if item.expectation_config.type.startswith("expect_column_proportion_of_non_null"):
            return f"{float(value):.1%} of rows non-NULL"
        return _short(value)
    if "unexpected_count" in res:
        return _unexpected(item.expectation_config.type, res)
    return "no result from GX"


def _error(info: Any) -> str | None:
    """The message of an exception GX caught, or None. GX 1.x reports one as
    ``{"raised_exception": True, "exception_message": ...}`` or, when a metric failed, keyed
    by metric: ``{"MetricConfigurationID(...)": {"raised_exception": True, ...}}``."""
    if not isinstance(info, Mapping):
        return None
    entries = [info] if "raised_exception" in info else list(info.values())
    for entry in entries:
        if isinstance(entry, Mapping) and entry.get("raised_exception"):
            message = str(entry.get("exception_message") or "an exception in GX")
            missing = _MISSING_COLUMN.search(message)
            if missing:
                return f"column {missing['name']!r} is missing from the fixture"
            return "error: " + message.removeprefix("Error: ")
    return None


def _unexpected(kind: str, res: Mapping[str, Any]) -> str:
    count = res.get("unexpected_count") or 0
    total = res.get("element_count")
    of = f"{total:,}" if isinstance(total, int) else "?"
    if kind == "expect_column_values_to_not_be_null":
        return f"{count:,} of {of} rows NULL"
    if kind == "expect_column_values_to_be_null":
        return f"{count:,} of {of} rows not NULL"
    if "missing_count" in res and isinstance(total, int):
        text = (
            f"{count:,} of {total - (res.get('missing_count') or 0):,} non-NULL values unexpected"
        )
    else:
        text = f"{count:,} of {of} rows unexpected"
    sample = res.get("partial_unexpected_list") or []
    return f"{text}: {_sample(sample)}" if sample else text


def _sample(values: Any, limit: int = 5) -> str:
    seen: list[str] = []
    for value in values:
        text = _short(value)
        if text not in seen:
            seen.append(text)
    more = ", ..." if len(seen) > limit else ""
    return ", ".join(seen[:limit]) + more


def _short(value: Any) -> str:
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        with contextlib.suppress(ValueError, TypeError):  # a NumPy scalar: as Python's
            value = value.item()
    text = repr(value) if isinstance(value, str | bytes) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."
