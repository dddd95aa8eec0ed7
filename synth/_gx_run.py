"""Running synth's suites with Great Expectations 1.x, in-process (the ``gx`` extra).

The one module that imports ``great_expectations`` and ``pandas``, inside functions, so
``import synth`` never pays for them. GX 1.x validates pandas, not polars, so each table
is converted first: datetimes to ``datetime64[ns]`` (GX compares a datetime column with
its ISO-string bounds only for nanosecond columns), dates to datetimes, decimals to floats,
binary and nested columns dropped (no expectation reads them).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from synth.errors import UsageError
from synth.expectations import ExpectationOutcome
from synth.model import Profile

if TYPE_CHECKING:
    import pandas as pd
    import polars as pl

__all__ = ["to_pandas", "validate_tables"]


def _import_gx() -> Any:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    try:
        import great_expectations as gx
    except ImportError:
        raise UsageError(
            "--engine gx needs Great Expectations 1.x; install it with "
            "pip install 'synth-fixtures[gx]'"
        ) from None
    return gx


def to_pandas(frame: pl.DataFrame) -> pd.DataFrame:
    """``frame`` as GX's pandas engine compares it (see the module docstring)."""
    import polars as pl

    casts = []
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
        elif dtype == pl.Binary or isinstance(dtype, pl.List | pl.Struct | pl.Array):
            continue
        else:
            casts.append(pl.col(name))
    return frame.select(casts).to_pandas()


def validate_tables(
    profile: Profile,
    suites: Mapping[str, dict[str, Any] | None],
    tables: Mapping[str, pl.DataFrame],
) -> tuple[ExpectationOutcome, ...]:
    """Validate each table with its suite JSON (None: the table is missing) in one
    ephemeral context, one pandas batch per table; outcomes in suite order."""
    gx = _import_gx()
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


def _observed(item: Any) -> str:
    if item.exception_info and item.exception_info.get("raised_exception"):
        return f"error: {item.exception_info.get('exception_message')}"
    res = item.result or {}
    if "observed_value" in res:
        return _short(res["observed_value"])
    if "unexpected_count" in res:
        count = res.get("unexpected_count") or 0
        total = res.get("element_count")
        nulls = res.get("missing_count") or 0
        considered = f"{total - nulls}" if isinstance(total, int) else "?"
        sample = res.get("partial_unexpected_list") or []
        text = f"{count} of {considered} non-NULL values unexpected"
        if sample:
            text += ": " + ", ".join(_short(v) for v in sample[:5])
        return text
    return "-"


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."
