"""Measuring one fixture table against its profile table, for :mod:`synth.checks.fidelity`.

Everything is computed by polars over the loaded fixture table; column traits are
counted with each trait's own polars predicate (:meth:`ColumnTrait.carriers`), table
traits by :mod:`synth.checks.fidelity.traits`. Nothing here reads the manifest's carrier rows
or calls the generator, so a generator bug cannot hide itself.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import polars as pl

from synth.checks.fidelity.allowances import standard_error, tvd_allowance
from synth.checks.fidelity.report import (
    Check,
    ColumnReport,
    QuantilePoint,
    TableReport,
    Tolerances,
    TraitBar,
    ValueBar,
)
from synth.checks.fidelity.traits import column_trait_checks, table_trait_checks
from synth.model import (
    QUANTILE_POINTS,
    Column,
    Distribution,
    LogicalType,
    Table,
)

__all__ = ["axis_text", "measure_table"]

L = LogicalType
_VALUE_AXES = {L.INTEGER, L.FLOAT, L.DECIMAL, L.DATE, L.DATETIME, L.TIME}
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
RESOLVE = 5
"""A percentile ``pNN`` is judged when ``min(NN, 100 - NN)% * values`` is at least this."""


def measure_table(
    table: Table,
    frames: Mapping[str, pl.DataFrame],
    tol: Tolerances,
    floor: int,
    blocked: Mapping[str, str] | None = None,
) -> TableReport:
    """The report of ``table`` against its fixture frame ``frames[table.key]``;
    ``blocked``: column traits the generator does not inject (label -> why)."""
    frame = frames[table.key]
    keys = _key_columns(table)
    columns: list[ColumnReport] = []
    held = _held_for_traits(table, frame.height, floor)
    for col in table.columns:
        report = _column(table, col, frame, tol, floor, col.name in keys, blocked or {})
        columns.append(_shown_only(report, held) if held else report)
    attached, loose = table_trait_checks(table, frames, tol, floor)
    by_name = {c.column: c for c in columns}
    for column, checks, bar in attached:
        report = by_name.get(column) if column is not None else None
        if report is None:
            loose += checks
            continue
        by_name[column] = _add(report, checks, (bar,))
    columns = [by_name[c.column] for c in columns]
    return TableReport(
        table=table.key,
        rows=frame.height,
        profile_rows=table.rows,
        columns=tuple(columns),
        checks=tuple(loose),
    )


SHAPE_CHECKS = ("null_fraction", "frequencies", "quantiles", "lengths")
"""The checks of a column's own distribution (not its traits)."""


def _held_for_traits(table: Table, rows: int, floor: int) -> str:
    """Why a table's distributions are not judged ('' when they are): a table with no
    more rows than :func:`synth.generator.plan.trait_floor` was grown (or is just big
    enough) to hold each trait ``floor`` times, so its rows are mostly forced carriers
    (a cohort's segment value, a childless parent), not a sample of the profile."""
    from synth.generator.plan import trait_floor

    least = trait_floor(table, floor)
    if rows == 0 or least == 0 or rows > least:
        return ""
    return (
        f"{rows} rows, no more than the {least} that hold each trait {floor}x "
        "(--min-trait-rows): forced rows, not a sample; shown only"
    )


def _shown_only(report: ColumnReport, why: str) -> ColumnReport:
    """``report`` with its distribution checks shown but not judged (traits still are)."""
    import dataclasses

    checks = tuple(
        dataclasses.replace(c, ok=True, tolerance=None, note=why)
        if c.check in SHAPE_CHECKS and c.distance is not None
        else c
        for c in report.checks
    )
    return dataclasses.replace(report, checks=checks)


def _add(report: ColumnReport, checks: Sequence[Check], bars: Sequence[TraitBar]) -> ColumnReport:
    import dataclasses

    return dataclasses.replace(
        report, checks=report.checks + tuple(checks), traits=report.traits + tuple(bars)
    )


def _key_columns(table: Table) -> set[str]:
    """Columns whose values the generator lays out itself (keys): their values' shape
    follows the row count, not the profile, so only NULLs and traits are compared."""
    keys = set(table.primary_key) | {c for fk in table.foreign_keys for c in fk.columns}
    return keys | {u[0] for u in table.unique if len(u) == 1}


def _column(
    table: Table,
    col: Column,
    frame: pl.DataFrame,
    tol: Tolerances,
    floor: int,
    is_key: bool,
    blocked: Mapping[str, str],
) -> ColumnReport:
    base = ColumnReport(table=table.key, column=col.name, type=col.type.value, rows=frame.height)
    if col.type is L.OPAQUE or col.derived is not None:
        return base  # generated as NULL, or computed by the database: nothing to compare
    if col.name not in frame.columns:
        missing = Check(
            table.key, col.name, "column", "", "present", "missing", None, None, False,
            "the fixture table has no such column; regenerate the fixtures from this profile",
        )  # fmt: skip
        return _add(base, (missing,), ())
    import dataclasses

    n = frame.height
    series = frame.get_column(col.name)
    if series.dtype == pl.Float32:
        # a REAL as the database prints it (shortest text, '0.3'): the profile's numbers
        # came that way, and float32 widened to float64 (0.30000001192...) matches none
        series = series.cast(pl.String).cast(pl.Float64)
    nulls = series.null_count()
    stats = col.stats
    checks = [_null_check(table.key, col.name, stats.null_fraction, nulls, n, tol)]
    null = (stats.null_fraction, nulls / n if n else 0.0)
    values: tuple[ValueBar, ...] = ()
    if stats.frequent and not is_key:
        check, values = _frequencies(table.key, col, series, n, tol)
        checks.append(check)
    quantiles: tuple[QuantilePoint, ...] = ()
    kind: Any = ""
    axis: Any = "number"
    if stats.values is not None and col.type in _VALUE_AXES and not is_key:
        axis = _axis_kind(col.type)
        expr = _axis_expr(series.dtype)
        finite = series
        if col.type is L.FLOAT:  # the profile's percentiles describe finite values only
            finite = pl.select(pl.when(series.is_finite()).then(series)).to_series()
        check, quantiles = _cdf_check(
            table.key, col.name, "quantiles", finite, expr, stats.values, col.type, tol.quantiles,
            tol, stats.distinct,
        )  # fmt: skip
        checks.append(check)
        kind = "values"
    elif stats.lengths is not None and col.type in (L.STRING, L.ARRAY):
        expr = pl.col("x").str.len_chars() if col.type is L.STRING else pl.col("x").list.len()
        check, quantiles = _cdf_check(
            table.key, col.name, "lengths", series, expr, stats.lengths, None, tol.lengths, tol,
            stats.distinct,
        )  # fmt: skip
        why = _lengths_advisory(col)
        if why and not check.ok:
            check = dataclasses.replace(check, ok=True, tolerance=None, note=f"{why}; shown only")
        checks.append(check)
        kind, axis = "lengths", "length"
    report = dataclasses.replace(
        base, null=null, values=values, quantiles=quantiles, quantile_kind=kind, axis=axis
    )
    trait_rows = [
        column_trait_checks(table, col, stat, frame, tol, floor, blocked) for stat in stats.traits
    ]
    return _add(
        dataclasses.replace(report, checks=tuple(checks)),
        [c for pair, _ in trait_rows for c in pair],
        [bar for _, bar in trait_rows],
    )


def _lengths_advisory(col: Column) -> str:
    """Why a column's lengths are shown but not judged ('' when they are judged): values
    made from a semantic pool (emails, names) have the pool's lengths, and a column whose
    frequent values cover nearly all rows has the lengths those values have."""
    if col.semantic is not None:
        return f"{col.semantic.value} values come from a pool of made-up values"
    stats = col.stats
    nonnull = 1.0 - stats.null_fraction
    if stats.frequent and nonnull > 0 and stats.other_fraction / nonnull < OTHER_SHARE:
        return "its frequent values (compared above) decide its lengths"
    return ""


OTHER_SHARE = 0.05
"""Lengths of a column with frequent values are judged when its other bucket holds at
least this share of non-NULL rows."""


def _null_check(table: str, column: str, p: float, nulls: int, n: int, tol: Tolerances) -> Check:
    r = nulls / n if n else 0.0
    allowed = max(tol.null_fraction, tol.noise * standard_error(p, n)) if n else 1.0
    # a NULL share above 0 is a shape the generator shows at least once: one NULL row in a
    # small table is that floor, not a drift (`reports_to` NULL for the one root of 15)
    upper = max(p, 1 / n) if n and p > 0 else p
    distance = max(0.0, p - r, r - upper)
    return Check(
        table, column, "null_fraction", "", round(p, 6), round(r, 6), round(distance, 6),
        round(allowed, 6), distance <= allowed + 1e-12,
    )  # fmt: skip


def _frequencies(
    table: str, col: Column, series: pl.Series, n: int, tol: Tolerances
) -> tuple[Check, tuple[ValueBar, ...]]:
    """TVD of frequent values + other over non-NULL rows, and the bars to plot."""
    from synth.model.values import to_scalar

    counted = series.drop_nulls().value_counts(name="n")
    found: dict[Any, int] = {}
    for value, count in counted.iter_rows():
        key = to_scalar(value, col.type)
        found[key] = found.get(key, 0) + int(count)
    nonnull = sum(found.values())
    stats = col.stats
    expected_nonnull = 1.0 - stats.null_fraction
    bars = []
    pairs = []
    for f in stats.frequent:
        got = found.pop(f.value, 0)
        bars.append(ValueBar(_label(f.value), f.fraction, got / n if n else 0.0))
        pairs.append((f.fraction, got))
    other = sum(found.values())
    if stats.other_fraction > 0 or other:
        bars.append(ValueBar("(other)", stats.other_fraction, other / n if n else 0.0))
        pairs.append((stats.other_fraction, other))
    if nonnull == 0 or expected_nonnull <= 0:
        note = "no non-NULL values in the fixture" if nonnull == 0 else "profile: all NULL"
        check = Check(table, col.name, "frequencies", "", None, None, None, None, True, note)
        return check, tuple(bars)
    p = [e / expected_nonnull for e, _ in pairs]
    q = [g / nonnull for _, g in pairs]
    tvd = 0.5 * sum(abs(a - b) for a, b in zip(p, q, strict=True))
    allowed = max(tol.frequencies, tvd_allowance(p, nonnull, tol.noise))
    worst = max(range(len(p)), key=lambda i: abs(p[i] - q[i]))
    note = f"largest gap: {bars[worst].label} {p[worst]:.1%} -> {q[worst]:.1%} of non-NULL rows"
    check = Check(
        table, col.name, "frequencies", "", f"{len(stats.frequent)} values + other",
        f"TVD {tvd:.4f}", round(tvd, 6), round(allowed, 6), tvd <= allowed + 1e-12, note,
    )  # fmt: skip
    return check, tuple(bars)


def _label(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _axis_kind(logical: LogicalType) -> Any:
    return {L.DATE: "date", L.DATETIME: "datetime", L.TIME: "time"}.get(logical, "number")


def _axis_expr(dtype: pl.DataType) -> pl.Expr:
    """The fixture column ``x`` on the comparison axis (see :class:`QuantilePoint`)."""
    x = pl.col("x")
    if dtype == pl.Date:
        return x.cast(pl.Int64).cast(pl.Float64) * 86_400e6
    if isinstance(dtype, pl.Datetime):
        return x.dt.epoch("us").cast(pl.Float64)
    if dtype == pl.Time:
        return (x.cast(pl.Int64) // 1000).cast(pl.Float64)
    return x.cast(pl.Float64)


def _axis_value(value: Any, logical: LogicalType | None) -> float | None:
    """A profile value on the comparison axis."""
    from synth.traits.instants import parse_instant

    if value is None or isinstance(value, bool):
        return None
    if logical in (L.DATE, L.DATETIME):
        instant = parse_instant(value)
        return None if instant is None else (instant - _EPOCH) / dt.timedelta(microseconds=1)
    if logical is L.TIME:
        try:
            t = dt.time.fromisoformat(str(value))
        except ValueError:
            return None
        return float(((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond)
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def axis_text(value: float | None, axis: str) -> str:
    """A value of the comparison axis as a reader knows it (ISO time, number)."""
    if value is None or not math.isfinite(value):
        return "-"
    try:
        if axis in ("datetime", "date"):
            instant = _EPOCH + dt.timedelta(microseconds=value)
            if axis == "date" or instant.time() == dt.time(0):
                return instant.date().isoformat()
            return instant.replace(tzinfo=None).isoformat(timespec="seconds")
        if axis == "time":
            return (dt.datetime(2000, 1, 1) + dt.timedelta(microseconds=value)).time().isoformat()
    except OverflowError:
        return f"{value:g}"
    if axis == "length" or float(value).is_integer():
        return f"{value:,.0f}"
    return f"{value:,.4g}"


def _cdf_check(
    table: str,
    column: str,
    check: str,
    series: pl.Series,
    expr: pl.Expr,
    dist: Distribution,
    logical: LogicalType | None,
    floor: float,
    tol: Tolerances,
    distinct: int | None = None,
) -> tuple[Check, tuple[QuantilePoint, ...]]:
    """At each profiled percentile ``pNN = v``: the fixture's share below ``v`` against
    ``NN%``, tie-aware (``v`` may hold a block of ranks). Distance: how far ``NN%`` is
    outside ``[share < v, share <= v]``. The sampling allowance counts the independent
    draws behind the values: the rows, or fewer when the generator drew them from a pool
    of the profiled ``distinct`` count. A percentile is judged only where at least
    :data:`RESOLVE` of those draws lie beyond it on each side."""
    axis = "length" if check == "lengths" else _axis_kind(logical or L.FLOAT)
    points = []
    for name, q in (("min", 0.0), *QUANTILE_POINTS, ("max", 1.0)):
        value = _axis_value(getattr(dist, name), logical)
        if value is not None:
            points.append((name, q, value))
    lf = pl.DataFrame({"x": series}).lazy().select(expr.alias("x")).drop_nulls()
    x = pl.col("x")
    n = int(lf.select(pl.len()).collect().item())
    if n == 0 or not points:
        shown = tuple(QuantilePoint(name, q, v, None) for name, q, v in points)
        note = "no non-NULL values in the fixture" if n == 0 else "no percentiles in the profile"
        return Check(table, column, check, "", None, None, None, None, True, note), shown
    ranks = [min(n, max(1, math.ceil(q * n))) for _, q, _ in points]
    row = (
        lf.select(
            *[(x < v).sum().alias(f"lt{i}") for i, (_, _, v) in enumerate(points)],
            *[(x <= v).sum().alias(f"le{i}") for i, (_, _, v) in enumerate(points)],
            *[x.sort().get(r - 1).alias(f"at{i}") for i, r in enumerate(ranks)],
        )
        .collect()
        .row(0, named=True)
    )
    shown = tuple(QuantilePoint(name, q, v, row[f"at{i}"]) for i, (name, q, v) in enumerate(points))
    units = min(n, distinct) if distinct else n
    worst: tuple[float, float, float, int] | None = None  # (ratio, distance, allowed, index)
    for i, (name, q, _) in enumerate(points):
        if name in ("min", "max") or min(q, 1.0 - q) * units < RESOLVE:
            continue  # k-th extremes, or tails too thin for this many values
        lt, le = row[f"lt{i}"] / n, row[f"le{i}"] / n
        distance = max(0.0, lt - q, q - le)
        allowed = max(floor, tol.noise * standard_error(q, units))
        ratio = distance / allowed if allowed else math.inf
        if worst is None or ratio > worst[0]:
            worst = (ratio, distance, allowed, i)
    if worst is None:
        note = f"too few values ({units}) to judge a percentile; shown only"
        return Check(table, column, check, "", None, None, None, None, True, note), shown
    _, distance, allowed, i = worst
    name, q, v = points[i]
    lt, le = row[f"lt{i}"] / n, row[f"le{i}"] / n
    share = f"{lt:.1%}" if abs(le - lt) < 1e-12 else f"{lt:.1%}..{le:.1%}"
    note = f"{share} of the fixture's values are below the profile's {name} (expected {q:.0%})"
    return (
        Check(
            table,
            column,
            check,
            name,
            f"{name}={axis_text(v, axis)}",
            f"{name}={axis_text(row[f'at{i}'], axis)}",
            round(distance, 6),
            round(allowed, 6),
            distance <= allowed + 1e-12,
            note,
        ),
        shown,
    )
