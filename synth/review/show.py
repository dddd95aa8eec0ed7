"""Human-readable renderings of a profile (``synth show``, ``synth schema``)."""

from __future__ import annotations

import json

from synth.internal.charsets import outside as unheld
from synth.model import Check, Column, ForeignKey, LogicalType, Profile, Table

__all__ = ["constraint_lines", "notable", "profile_json_schema", "render_profile"]

_HIGH_NULL = 0.05
"""A NULL fraction at or above this is worth a reviewer's attention."""


def profile_json_schema() -> str:
    """The JSON Schema of the profile format, as pretty-printed JSON."""
    schema = Profile.model_json_schema(by_alias=True)
    schema["$id"] = "https://synth-fixtures.dev/schema/profile-v1.json"
    schema["title"] = "synth profile (kind: synth-profile, version: 1)"
    return json.dumps(schema, indent=2, sort_keys=False)


def notable(table: Table, column: Column) -> list[str]:
    """What a reviewer should notice about ``column``: the shapes that break code."""
    notes: list[str] = []
    stats = column.stats
    if column.type is LogicalType.OPAQUE:
        notes.append(f"opaque type {column.sql_type}")
    if stats.null_fraction >= _HIGH_NULL:
        notes.append(f"NULL in {stats.null_fraction:.1%}")
    if column.domain is not None:
        outside = [f.value for f in stats.frequent if str(f.value) not in column.domain]
        if outside:
            notes.append(f"values outside the declared domain: {outside!r}")
    legacy = [t.value for t in stats.traits if t.trait == "legacy_value"]
    if legacy:
        notes.append(f"legacy values: {legacy!r}")
    if stats.frequent and column.type is LogicalType.STRING:
        values = [str(f.value) for f in stats.frequent]
        folded = {v.strip().casefold() for v in values}
        if len(folded) < len(values):
            notes.append("values differ only by case or whitespace")
        if "" in values:
            notes.append("empty strings")
    if stats.other is not None and stats.frequent:
        notes.append(
            f"{stats.other.distinct} rare values withheld (under k rows each, "
            f"{stats.other.fraction:.1%} of rows)"
        )
    if column.semantic is not None:
        notes.append(f"semantic: {column.semantic.value}")
    if column.charset is not None and unheld(column.charset) is not None:
        notes.append(f"charset {column.charset}: dirt uses only its characters")
    if column.derived is not None:
        notes.append(f"computed by the database ({column.derived}): not generated")
    if column.members is not None:
        notes.append(f"SET of {len(column.members)} members")
    return notes


def _column_line(table: Table, column: Column) -> str:
    flags = []
    if column.name in table.primary_key:
        flags.append("PK")
    if any(column.name in fk.columns for fk in table.foreign_keys):
        refs = [fk.ref_table for fk in table.foreign_keys if column.name in fk.columns]
        flags.append("FK->" + ",".join(refs))
    if not column.nullable:
        flags.append("NOT NULL")
    notes = notable(table, column)
    tail = f"  ! {'; '.join(notes)}" if notes else ""
    flag_text = f" [{', '.join(flags)}]" if flags else ""
    return f"    {column.name:<24} {column.type.value:<9} {column.sql_type}{flag_text}{tail}"


def _inferred_line(fk: ForeignKey) -> str:
    share = "" if fk.containment is None else f", {fk.containment:.1%} of its values found"
    return (
        f"    inferred relation ({', '.join(fk.columns)}) -> "
        f"{fk.ref_table}({', '.join(fk.ref_columns)}): not declared{share}"
    )


def constraint_lines(profile: Profile, table: Table) -> list[str]:
    """What ``synth show`` says of a table's CHECKs, triggers and the traits they keep out."""
    from synth.generator.blocked import blocked_in

    lines = []
    for check in table.checks:
        if check.unenforced:
            how = "unenforced: rows are checked against it before writing"
            if check.rules:
                how += f" (modelled in part: {_rules_text(check)})"
        else:
            how = f"modelled: {_rules_text(check)}"
        lines.append(f"    check ({check.sql})  {how}")
    for trig in table.triggers:
        fills = f", inserts into {', '.join(trig.writes)}" if trig.writes else ""
        sets = f", sets {', '.join(trig.sets)}" if trig.sets else ""
        lines.append(
            f"    trigger {trig.name} ({trig.timing} {'/'.join(trig.events)}{fills}{sets})"
        )
    for label, why in sorted(blocked_in(profile, table).items()):
        lines.append(f"    ! {label} is not injected: it would break {why}")
    return lines


def _rules_text(check: Check) -> str:
    parts = []
    for r in check.rules:
        if r.kind == "compare":
            parts.append(f"{r.column} {r.op} {r.other}")
        elif r.kind == "length":
            parts.append(f"length({r.column}) {r.op} {r.value} {r.unit}")
        elif r.kind == "in":
            parts.append(f"{r.column} in {len(r.values)} values")
        elif r.kind == "like":
            parts.append(f"{r.column} like {r.value!r}")
        else:
            parts.append(f"{r.column} {r.op} {r.value!r}")
    return "; ".join(parts)


def render_profile(profile: Profile) -> str:
    """A plain-text summary: source, then per table its rows, keys and notable columns."""
    src = profile.source
    lines = [
        f"profile of {src.url} ({src.dialect or src.kind}), as of {src.as_of.isoformat()}",
        f"{len(profile.tables)} tables, "
        f"{sum(t.rows for t in profile.tables):,} rows, "
        f"{sum(len(t.columns) for t in profile.tables)} columns",
        "",
    ]
    for table in profile.tables:
        lines.append(f"  {table.key}  ({table.rows:,} rows)")
        for column in table.columns:
            lines.append(_column_line(table, column))
        for unique in table.unique:
            lines.append(f"    unique ({', '.join(unique)})")
        for fk in table.foreign_keys:
            if fk.inferred:
                lines.append(_inferred_line(fk))
        lines += constraint_lines(profile, table)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
