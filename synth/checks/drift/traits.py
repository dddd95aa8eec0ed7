"""Drift in traits and cohorts between two profiles (see :mod:`synth.checks.drift`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from synth.checks.drift.report import Change, Thresholds
from synth.model import TraitStat

__all__ = ["trait_changes"]


def _trait_key(stat: TraitStat) -> tuple[Any, ...]:
    segment = stat.detail.get("segment") if stat.trait == "cohort" else None
    return (stat.trait, str(stat.value) if stat.value is not None else None, stat.columns, segment)


def _label(stat: TraitStat) -> str:
    text = stat.trait
    if stat.value is not None:
        text += f" {stat.value!r}"
    if stat.columns:
        text += f" ({', '.join(stat.columns)})"
    return text


def trait_changes(
    t: str,
    c: str | None,
    old: Sequence[TraitStat],
    new: Sequence[TraitStat],
    th: Thresholds,
) -> list[Change]:
    """Traits (of column ``c``, or of the table) appearing, disappearing, or moving."""
    before = {_trait_key(s): s for s in old}
    after = {_trait_key(s): s for s in new}
    col = c
    out: list[Change] = []
    for key, s in after.items():
        if key not in before:
            kind = "cohort_added" if s.trait == "cohort" else "trait_added"
            out.append(
                Change(
                    kind,
                    t,
                    _col(col, s),
                    True,
                    f"new trait {_label(s)} on {s.fraction:.1%} of rows",
                    None,
                    s.fraction,
                )
            )
    for key, s in before.items():
        if key not in after:
            kind = "cohort_removed" if s.trait == "cohort" else "trait_removed"
            out.append(
                Change(
                    kind,
                    t,
                    _col(col, s),
                    s.trait == "cohort",
                    f"trait {_label(s)} gone (was {s.fraction:.1%} of rows)",
                    s.fraction,
                )
            )
    for key, a in before.items():
        b = after.get(key)
        if b is None:
            continue
        if a.trait == "cohort":
            out.extend(_cohort_changes(t, a, b, th))
            continue
        move = abs(b.fraction - a.fraction)
        lo, hi = sorted((a.fraction, b.fraction))
        ratio = hi / lo if lo > 0 else float("inf")
        stale = move >= th.trait_rate or (ratio >= th.trait_ratio and move >= th.trait_min_change)
        if stale:
            out.append(
                Change(
                    "trait_rate",
                    t,
                    _col(col, a),
                    True,
                    f"trait {_label(a)} {a.fraction:.2%} -> {b.fraction:.2%} of rows",
                    a.fraction,
                    b.fraction,
                )
            )
    return out


def _col(column: str | None, stat: TraitStat) -> str | None:
    """A column trait's column; a one-column table trait's column (``burst``, ``stale``)."""
    if column is not None:
        return column
    return stat.columns[0] if len(stat.columns) == 1 else None


def _cohort_changes(t: str, a: TraitStat, b: TraitStat, th: Thresholds) -> list[Change]:
    who = f"cohort {a.detail.get('segment')}={a.value!r}"
    out: list[Change] = []
    if abs(a.fraction - b.fraction) >= th.cohort_share:
        out.append(
            Change(
                "cohort_changed",
                t,
                None,
                True,
                f"{who} share {a.fraction:.1%} -> {b.fraction:.1%} of rows",
                a.fraction,
                b.fraction,
            )
        )
    for key in sorted(set(a.detail) | set(b.detail)):
        if not key.startswith(("null:", "value:")):
            continue
        x, y = a.detail.get(key), b.detail.get(key)
        column = key.split(":", 1)[1].split("=", 1)[0]
        if x is None and isinstance(y, int | float):
            shape = _override(key)
            out.append(
                Change(
                    "cohort_changed",
                    t,
                    column,
                    True,
                    f"{who}: new {shape} ({y:.1%} of its rows)",
                    None,
                    y,
                )
            )
        elif (
            isinstance(x, int | float)
            and isinstance(y, int | float)
            and abs(y - x) >= th.cohort_share
        ):
            out.append(
                Change(
                    "cohort_changed",
                    t,
                    column,
                    True,
                    f"{who}: {_override(key)} {x:.1%} -> {y:.1%} of its rows",
                    x,
                    y,
                )
            )
    return out


def _override(key: str) -> str:
    kind, rest = key.split(":", 1)
    if kind == "null":
        return "NULL share"
    value = rest.split("=", 1)[1] if "=" in rest else rest
    return f"value {value!r}"
