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
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from synth.errors import SourceError, UsageError
from synth.model import Column, ColumnStats, Profile, Scalar, Table

__all__ = ["Change", "DriftReport", "ReportFormat", "Thresholds", "diff", "reprofile"]

PathLike = str | os.PathLike[str]

# Kinds in headline order: the first stale kinds lead the report.
KINDS = (
    "value_added",
    "domain_added",
    "table_removed",
    "table_added",
    "column_removed",
    "column_added",
    "column_retyped",
    "nullability",
    "keys",
    "null_fraction",
    "trait_added",
    "trait_rate",
    "cohort_added",
    "cohort_changed",
    "cohort_removed",
    "domain_removed",
    "value_removed",
    "trait_removed",
    "semantic",
    "row_count",
)


@dataclass(frozen=True)
class Thresholds:
    """When a measured change is drift that makes fixtures stale (absolute shares of rows)."""

    null_fraction: float = 0.05
    """A column's NULL share moving by at least this much (NULLs appearing in a column that
    had none are always stale)."""
    trait_rate: float = 0.05
    """A trait's share of rows moving by at least this much..."""
    trait_ratio: float = 2.0
    """...or growing/shrinking by this factor, when it also moves by ``trait_min_change``."""
    trait_min_change: float = 0.005
    cohort_share: float = 0.05
    """A cohort's share of rows, or one of its NULL/value shares, moving by this much."""
    enumerated_other: float = 0.05
    """A column counts as enumerated (a new frequent value is stale) when it has a declared
    domain or its values outside the frequent list were at most this share."""

    def __post_init__(self) -> None:
        for name in ("null_fraction", "trait_rate", "trait_min_change", "cohort_share"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise UsageError(
                    f"threshold {_field(name)} must be a share between 0 and 1, not {value!r}"
                )
        if self.trait_ratio < 1.0:
            raise UsageError(f"threshold trait_ratio must be at least 1, not {self.trait_ratio!r}")


THRESHOLD_FLAGS = {"null_fraction": "--null-threshold", "trait_rate": "--trait-threshold"}
"""The ``synth diff`` flag that sets each :class:`Thresholds` field, where one does."""

PROFILE_OPTION_FLAGS = {
    "tables": "--tables",
    "known_values": "--known-values",
    "segment_by": "--segment-by",
    "as_of": "--as-of",
}
"""The ``synth diff`` flag of each re-profiling option (``profile_options``)."""


def _field(name: str, flags: Mapping[str, str] = THRESHOLD_FLAGS) -> str:
    """A keyword as Python callers and ``synth diff`` users both recognise it:
    ``null_fraction (--null-threshold)``."""
    return f"{name} ({flags[name]})" if name in flags else name


class ReportFormat(StrEnum):
    """How :meth:`DriftReport.render` writes a report."""

    TEXT = "text"
    """Aligned lines for a terminal."""
    MARKDOWN = "markdown"
    """A pull-request comment."""


@dataclass(frozen=True)
class Change:
    """One difference between the profiles."""

    kind: str
    """One of :data:`KINDS` (``value_added``, ``column_removed``, ``null_fraction``...)."""
    table: str
    column: str | None
    stale: bool
    """Whether it makes fixtures generated from OLD stale (``synth diff`` exits 1)."""
    message: str
    """What changed, in words, naming the value."""
    old: Scalar | None = None
    new: Scalar | None = None

    @property
    def where(self) -> str:
        """``table.column``, or ``table``."""
        return f"{self.table}.{self.column}" if self.column else self.table


@dataclass(frozen=True)
class DriftReport:
    """The changes between OLD and NEW, most important first."""

    old: str
    """Where OLD came from (a path, or the profile's masked source URL)."""
    new: str
    changes: tuple[Change, ...] = ()
    thresholds: Thresholds = field(default_factory=Thresholds)

    @property
    def stale(self) -> bool:
        """Whether any change makes the fixtures stale (exit status 1)."""
        return any(c.stale for c in self.changes)

    @property
    def headline(self) -> str:
        """One line: ``no drift``, or the first stale change."""
        stale = [c for c in self.changes if c.stale]
        if stale:
            more = f" (+{len(stale) - 1} more)" if len(stale) > 1 else ""
            return f"drift: {stale[0].where}: {stale[0].message}{more}"
        if self.changes:
            return f"no drift that makes fixtures stale ({len(self.changes)} informational)"
        return "no drift"

    @property
    def exit_code(self) -> int:
        """``synth diff``'s exit status: 1 when the fixtures are stale, else 0."""
        return 1 if self.stale else 0

    def render(self, format: ReportFormat | str = ReportFormat.TEXT) -> str:
        """The report for a terminal (``text``) or a pull-request comment (``markdown``);
        :class:`UsageError` for another format."""
        from synth.checks.drift.render import render_markdown, render_text

        try:
            chosen = ReportFormat(format)
        except ValueError:
            choices = " or ".join(f.value for f in ReportFormat)
            raise UsageError(f"format={format!r} (--format) must be {choices}") from None
        return render_markdown(self) if chosen is ReportFormat.MARKDOWN else render_text(self)


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
        names = ", ".join(_field(k, PROFILE_OPTION_FLAGS) for k in given)
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
    from synth import api

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
    return api.profile(url, **opts)


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
    from synth.checks.drift.traits import trait_changes

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
    from synth.checks.drift.traits import trait_changes

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
