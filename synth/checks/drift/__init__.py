"""Drift between two profiles: what changed in production since the fixtures' profile.

:func:`diff` compares an OLD profile (the one fixtures are generated from) with a NEW one
(a profile file, or a database URL re-profiled with OLD's recorded options) and returns a
:class:`DriftReport`: schema drift (tables and columns added, removed, retyped, nullability,
keys), values new and vanished (a new enum/domain value is the headline), NULL-share and
trait-rate changes beyond :class:`Thresholds`, traits appearing and disappearing, cohort
changes, and row counts. Each :class:`Change` is *stale* (the fixtures no longer contain a
shape production now has, or contain one it cannot: regenerate) or informational.
``synth diff`` exits 1 when any change is stale. See ``docs/ci.md``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from synth.checks.drift.report import (
    KINDS,
    PROFILE_OPTION_FLAGS,
    Change,
    DriftReport,
    ReportFormat,
    Thresholds,
    flagged,
)
from synth.checks.drift.traits import trait_changes
from synth.errors import SourceError, UsageError
from synth.model import Column, ColumnStats, Profile, Scalar, Table

__all__ = ["Change", "DriftReport", "ReportFormat", "Thresholds", "diff", "reprofile"]

PathLike = str | os.PathLike[str]

# --- entry points -----------------------------------------------------------------------


def diff(
    old: Profile | PathLike,
    new: Profile | PathLike,
    *,
    thresholds: Thresholds | None = None,
    profile_options: Mapping[str, Any] | None = None,
) -> DriftReport:
    """Compare profile ``old`` with ``new``: a profile, a profile file, or a database URL
    (anything with ``://``), which is re-profiled with :func:`reprofile` (``profile_options``
    are passed on to it; with a profile as ``new`` they are a :class:`UsageError`)."""
    from synth.model.io import read_profile

    is_url = isinstance(new, str) and "://" in new
    given = list(profile_options or {})
    if given and not is_url:
        names = ", ".join(flagged(k, PROFILE_OPTION_FLAGS) for k in given)
        raise UsageError(
            f"profile_options {names} apply when NEW is a database URL, not a profile "
            f"({new if not isinstance(new, Profile) else new.source.url}); drop them, or "
            "pass a URL"
        )

    old_label = str(old) if not isinstance(old, Profile) else old.source.url
    old_p = old if isinstance(old, Profile) else read_profile(old)
    if isinstance(new, Profile):
        new_p, new_label = new, new.source.url
    elif is_url:
        new_p = reprofile(old_p, str(new), **dict(profile_options or {}))
        new_label = new_p.source.url
    else:
        new_p, new_label = read_profile(new), str(new)
    return compare(old_p, new_p, thresholds=thresholds, old_label=old_label, new_label=new_label)


def reprofile(old: Profile, url: str, **options: Any) -> Profile:
    """Profile ``url`` again as ``old`` was: the same tables (those that still exist; the
    others show up as removed), ``min_count``, ``sample`` and ``epsilon`` as ``old.source``
    recorded them, ``as_of`` now. ``options`` (any :func:`synth.profile` option, such as
    ``known_values`` or ``segment_by``, which a profile does not record) override these;
    ``tables=None`` in them profiles every table."""
    from synth.profiler import profile_source
    from synth.profiler.options import ProfileOptions

    src = old.source
    opts: dict[str, Any] = {
        "schema": src.schema_,
        "min_count": src.min_count,
        "sample": src.sample,
        "epsilon": src.epsilon,
    }
    if "tables" not in options:
        from synth.internal.urls import masked_url, parse_url

        existing = _existing_tables(url, old)
        opts["tables"] = [t.key for t in old.tables if t.key in existing]
        if not opts["tables"]:
            raise UsageError(
                f"none of the profile's tables ({', '.join(t.key for t in old.tables)}) exist "
                f"at {masked_url(parse_url(url))}; check the URL, or pass tables "
                "(--tables)"
            )
    opts.update(options)
    return profile_source(url, ProfileOptions.of(**opts))


def _existing_tables(url: str, old: Profile) -> set[str]:
    """Keys of ``old``'s tables that exist at ``url`` (one catalog read, no statistics)."""
    import sqlalchemy as sa

    from synth.internal.urls import connect_error, create_engine, masked_url, parse_url, reason
    from synth.profiler.dialects import dialect_for

    parsed = parse_url(url)
    masked = masked_url(parsed)
    options = dialect_for(parsed.get_backend_name()).engine_options(parsed, masked)
    engine = create_engine(parsed, masked, **options)  # read-only, as the profiler's
    found: set[str] = set()
    try:
        inspector = sa.inspect(engine)
        for schema in sorted({t.schema_ for t in old.tables}, key=lambda s: s or ""):
            # tables without a schema of their own are in the profiled one (--schema)
            for name in inspector.get_table_names(schema=schema or old.source.schema_):
                found.add(f"{schema}.{name}" if schema else name)
    except sa.exc.DBAPIError as exc:
        if exc.connection_invalidated or isinstance(exc, sa.exc.OperationalError):
            raise connect_error(exc, parsed) from None
        raise SourceError(f"cannot list the tables of {masked}: {reason(exc, parsed)}") from None
    finally:
        engine.dispose()
    return found


# --- comparing --------------------------------------------------------------------------


def compare(
    old: Profile,
    new: Profile,
    *,
    thresholds: Thresholds | None = None,
    old_label: str = "OLD",
    new_label: str = "NEW",
) -> DriftReport:
    """The drift from ``old`` to ``new`` (two profiles in memory)."""
    th = thresholds or Thresholds()
    out: list[Change] = []
    old_t = {t.key: t for t in old.tables}
    new_t = {t.key: t for t in new.tables}
    for key in old_t:
        if key not in new_t:
            out.append(Change("table_removed", key, None, True, "table removed from production"))
    for key, table in new_t.items():
        if key not in old_t:
            out.append(
                Change(
                    "table_added",
                    key,
                    None,
                    True,
                    f"new table ({table.rows:,} rows); fixtures have none",
                    None,
                    table.rows,
                )
            )
    for key, before in old_t.items():
        if key in new_t:
            out.extend(_table_changes(before, new_t[key], th))
    order = {k: i for i, k in enumerate(KINDS)}
    ranked = sorted(
        enumerate(out), key=lambda p: (not p[1].stale, order.get(p[1].kind, len(KINDS)), p[0])
    )
    return DriftReport(old_label, new_label, tuple(c for _, c in ranked), th)


def _table_changes(old: Table, new: Table, th: Thresholds) -> list[Change]:

    t = old.key
    out: list[Change] = []
    old_c = {c.name: c for c in old.columns}
    new_c = {c.name: c for c in new.columns}
    for name in old_c:
        if name not in new_c:
            out.append(Change("column_removed", t, name, True, "column removed (dropped)"))
    for name, col in new_c.items():
        if name not in old_c:
            out.append(
                Change("column_added", t, name, True, f"new column {col.sql_type}", None, col.type)
            )
    for name, before in old_c.items():
        if name in new_c:
            out.extend(_column_changes(t, before, new_c[name], th))
    for what, a, b in (
        ("primary key", old.primary_key, new.primary_key),
        ("unique constraints", old.unique, new.unique),
        (
            "foreign keys",
            sorted((fk.columns, fk.ref_table, fk.ref_columns) for fk in old.foreign_keys),
            sorted((fk.columns, fk.ref_table, fk.ref_columns) for fk in new.foreign_keys),
        ),
    ):
        if tuple(a) != tuple(b):
            out.append(Change("keys", t, None, True, f"{what} changed: {_keys(a)} -> {_keys(b)}"))
    out.extend(trait_changes(t, None, old.traits, new.traits, th))
    if old.rows != new.rows:
        pct = f" ({(new.rows - old.rows) / old.rows:+.0%})" if old.rows else ""
        out.append(
            Change(
                "row_count",
                t,
                None,
                False,
                f"rows {old.rows:,} -> {new.rows:,}{pct}",
                old.rows,
                new.rows,
            )
        )
    return out


def _keys(value: Any) -> str:
    return repr(value) if value else "none"


def _column_changes(t: str, old: Column, new: Column, th: Thresholds) -> list[Change]:

    c = old.name
    out: list[Change] = []
    if (old.type, old.sql_type) != (new.type, new.sql_type):
        out.append(
            Change(
                "column_retyped",
                t,
                c,
                True,
                f"type {old.sql_type} ({old.type}) -> {new.sql_type} ({new.type})",
                old.sql_type,
                new.sql_type,
            )
        )
    if old.nullable != new.nullable:
        what = "now nullable" if new.nullable else "now NOT NULL"
        out.append(Change("nullability", t, c, True, what, old.nullable, new.nullable))
    if old.semantic != new.semantic:
        out.append(
            Change(
                "semantic",
                t,
                c,
                False,
                f"semantic type {old.semantic or 'none'} -> {new.semantic or 'none'}",
                old.semantic,
                new.semantic,
            )
        )
    old_dom, new_dom = old.domain or (), new.domain or ()
    for value in new_dom:
        if value not in old_dom and old.domain is not None:
            out.append(
                Change("domain_added", t, c, True, f"new allowed value {value!r}", None, value)
            )
    for value in old_dom:
        if value not in new_dom and new.domain is not None:
            out.append(
                Change("domain_removed", t, c, False, f"value {value!r} no longer allowed", value)
            )
    out.extend(_value_changes(t, old, new, th))
    a, b = old.stats.null_fraction, new.stats.null_fraction
    if a != b:
        jump = abs(b - a)
        appeared = a == 0.0 and b > 0.0
        stale = appeared or jump >= th.null_fraction
        if stale or jump >= th.null_fraction / 5:
            what = "NULLs appear" if appeared else "NULL share"
            out.append(
                Change(
                    "null_fraction",
                    t,
                    c,
                    stale,
                    f"{what} {a:.1%} -> {b:.1%} ({b - a:+.1%})",
                    round(a, 6),
                    round(b, 6),
                )
            )
    out.extend(trait_changes(t, c, old.stats.traits, new.stats.traits, th))
    return out


def _enumerated(col: Column, th: Thresholds) -> bool:
    stats = col.stats
    if col.domain:
        return True
    non_null = 1.0 - stats.null_fraction
    return bool(stats.frequent) and (
        non_null <= 0.0 or stats.other_fraction / non_null <= th.enumerated_other
    )


def _value_changes(t: str, old: Column, new: Column, th: Thresholds) -> list[Change]:
    before = {_vkey(f.value): f for f in old.stats.frequent}
    after = {_vkey(f.value): f for f in new.stats.frequent}
    known = set(before) | {_vkey(v) for v in old.domain or ()}
    stale = _enumerated(old, th)
    out: list[Change] = []
    for key, f in after.items():
        if key not in known:
            what = "new value" if stale else "new frequent value"
            out.append(
                Change(
                    "value_added",
                    t,
                    old.name,
                    stale,
                    f"{what} {f.value!r} ({f.fraction:.1%} of rows)",
                    None,
                    f.value,
                )
            )
    for key, f in before.items():
        if key not in after and new.stats.frequent:
            gone = "vanished" if _covered(new.stats) else "no longer frequent"
            out.append(
                Change(
                    "value_removed",
                    t,
                    old.name,
                    False,
                    f"value {f.value!r} {gone} (was {f.fraction:.1%})",
                    f.value,
                )
            )
    return out


def _covered(stats: ColumnStats) -> bool:
    return stats.other is None and stats.other_fraction < 1e-3


def _vkey(value: Scalar) -> tuple[str, str]:
    return (type(value).__name__ if isinstance(value, bool) else "scalar", str(value))
