"""Human-readable renderings of a profile (``synth show``, ``synth schema``)."""

from __future__ import annotations

import json

from rich.console import Group
from rich.padding import Padding
from rich.text import Text

from synth.internal.charsets import outside as unheld
from synth.internal.text import grid, plain_text
from synth.model import Check, Column, ForeignKey, LogicalType, Profile, Table

__all__ = ["constraint_lines", "notable", "profile_json_schema", "profile_view", "render_profile"]

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


def withheld_lines(table: Table) -> list[str]:
    """The traits of ``table`` resting on a value withheld by the k rule (stored under a
    placeholder, ``withheld:1``), and how to name them."""
    from synth.traits.cohorts.withheld import is_placeholder

    found = []
    for stat in table.traits:
        if is_placeholder(stat.value):
            where = stat.detail.get("segment") if stat.trait == "cohort" else None
            where = where or ".".join((table.key, *stat.columns[:1]))
            found.append(f"{stat.trait} {where}={stat.value}")
    for column in table.columns:
        for stat in column.stats.traits:
            if is_placeholder(stat.value):
                found.append(f"{stat.trait} {table.key}.{column.name}={stat.value}")
    if not found:
        return []
    return [
        f"  rests on withheld values: {'; '.join(found)} (fewer rows than --min-count share "
        "each value, so the profile holds a placeholder; a lower --min-count, or "
        "--segment-by on the segment column, would name them)"
    ]


def _flags(table: Table, column: Column) -> str:
    flags = []
    if column.name in table.primary_key:
        flags.append("PK")
    refs = [fk.ref_table for fk in table.foreign_keys if column.name in fk.columns]
    if refs:
        flags.append("FK->" + ",".join(refs))
    if not column.nullable:
        flags.append("NOT NULL")
    return ", ".join(flags)


def _table_view(profile: Profile, table: Table) -> Group:
    columns = grid("column", "type", "sql type", "keys", "notable")
    for column in table.columns:
        notes = notable(table, column)
        columns.add_row(
            column.name,
            column.type.value,
            column.sql_type,
            _flags(table, column),
            Text("! " + "; ".join(notes), style="yellow") if notes else "",
        )
    title = Text.assemble((table.key, "bold"), f"  ({table.rows:,} rows)")
    parts: list[object] = [title, Padding(columns, (0, 0, 0, 2))]
    lines = [f"  unique ({', '.join(unique)})" for unique in table.unique]
    lines += [_inferred_line(fk) for fk in table.foreign_keys if fk.inferred]
    lines += constraint_lines(profile, table)
    lines += withheld_lines(table)
    parts += [Text(line) for line in lines]  # plain text: '[a-z]' in a CHECK is no markup
    return Group(*parts, "")  # type: ignore[arg-type]


def profile_view(profile: Profile) -> Group:
    """The summary as rich renderables: the source, then per table a table of its
    columns with their keys and what a reviewer should notice."""
    src = profile.source
    head = (
        f"profile of {src.url} ({src.dialect or src.kind}), as of {src.as_of.isoformat()}\n"
        f"{len(profile.tables)} tables, {sum(t.rows for t in profile.tables):,} rows, "
        f"{sum(len(t.columns) for t in profile.tables)} columns\n"
    )
    return Group(Text(head), *(_table_view(profile, t) for t in profile.tables))


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
    """:func:`profile_view` as plain text."""
    return plain_text(profile_view(profile)).rstrip() + "\n"
