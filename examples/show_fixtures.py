"""Print what ``synth generate`` wrote: per table its rows, a few of them, and its dirt.

    python examples/show_fixtures.py build/demo/fixtures

For every table (in the manifest's order): the row count, the first rows, NULL counts
per column, string values that differ only by case or surrounding whitespace, empty and
whitespace-padded strings, and the rarest values of low-cardinality columns -- the
shapes that break code written against tidy fixtures -- and the traits the manifest
says each table carries, with the keys of rows that carry them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl

import synth
from synth.errors import SynthError
from synth.model.manifest import read_manifest

HEAD_ROWS = 5
MAX_CATEGORIES = 30
"""A string column with at most this many distinct values is treated as categorical."""
MAX_EXAMPLES = 3


def _pct(count: int, total: int) -> str:
    return f"{count:,} ({count / total:.1%})" if total else f"{count:,}"


def null_counts(frame: pl.DataFrame) -> list[str]:
    """``column n (p%)`` for every column holding NULLs, most NULLs first."""
    counts = frame.null_count().row(0, named=True)
    ranked = sorted(((n, c) for c, n in counts.items() if n), key=lambda nc: -nc[0])
    return [f"{column} {_pct(n, frame.height)}" for n, column in ranked]


def string_columns(frame: pl.DataFrame) -> list[str]:
    return [name for name, dtype in frame.schema.items() if dtype in (pl.String, pl.Categorical)]


def case_variants(values: pl.Series) -> list[list[str]]:
    """Groups of distinct values equal after trimming and lower-casing, biggest groups first."""
    frame = pl.DataFrame({"value": values.cast(pl.String)}).drop_nulls().unique()
    groups = (
        frame.with_columns(key=pl.col("value").str.strip_chars().str.to_lowercase())
        .group_by("key")
        .agg(pl.col("value").sort())
        .filter(pl.col("value").list.len() > 1)
        .sort([pl.col("value").list.len(), pl.col("key")], descending=[True, False])
    )
    return [list(group) for group in groups["value"].to_list()]


def rarest(values: pl.Series) -> list[tuple[str, int]] | None:
    """The least frequent values of a low-cardinality column, or None if it is not one."""
    present = values.drop_nulls().cast(pl.String)
    distinct = present.n_unique()
    if distinct < 2 or distinct > MAX_CATEGORIES or distinct * 2 > present.len():
        return None
    counts = present.value_counts(name="n").sort(["n", present.name])
    return [
        (row[present.name], row["n"]) for row in counts.head(MAX_EXAMPLES).iter_rows(named=True)
    ]


def string_dirt(frame: pl.DataFrame) -> list[str]:
    """One line per string column holding variants, empty or padded strings, or rare values."""
    lines = []
    for name in string_columns(frame):
        values = frame[name].cast(pl.String)
        notes = []
        empty = int((values == "").sum())
        padded = int((values != values.str.strip_chars()).sum())
        if empty:
            notes.append(f"'' x{empty:,}")
        if padded:
            notes.append(f"padded x{padded:,}")
        groups = case_variants(values)
        if groups:
            shown = " | ".join(" / ".join(repr(v) for v in g) for g in groups[:MAX_EXAMPLES])
            more = f" (+{len(groups) - MAX_EXAMPLES} more)" if len(groups) > MAX_EXAMPLES else ""
            notes.append(f"case/space variants: {shown}{more}")
        rare = rarest(values)
        if rare:
            notes.append("rarest: " + ", ".join(f"{v!r} x{n:,}" for v, n in rare))
        if notes:
            lines.append(f"    {name}: " + "; ".join(notes))
    return lines


def show(directory: Path) -> str:
    """The whole report for a fixture directory, as text."""
    manifest = read_manifest(directory)
    tables = synth.load(directory)
    total = sum(t.rows for t in manifest.tables.values())
    out = [
        f"{directory}: {len(manifest.tables)} tables, {total:,} rows "
        f"(format {manifest.format}, seed {manifest.seed}, synth {manifest.synth_version}, "
        f"profile {manifest.profile_digest[:12]})"
    ]
    with pl.Config(tbl_rows=HEAD_ROWS, tbl_cols=10, fmt_str_lengths=32, tbl_width_chars=140):
        for key, entry in manifest.tables.items():
            frame = tables[key]
            note = "" if frame.height == entry.rows else f" (manifest says {entry.rows:,}!)"
            out += ["", f"== {key}: {frame.height:,} rows{note}", str(frame.head(HEAD_ROWS))]
            nulls = null_counts(frame)
            out.append("  NULLs: " + (", ".join(nulls) if nulls else "none"))
            dirt = string_dirt(frame)
            if dirt:
                out += ["  strings:", *dirt]
            carried = manifest.traits.get(key, {})
            if carried:
                out.append("  traits (rows carrying each, from the manifest; first keys):")
                for label, rows in carried.items():
                    keys = ", ".join(map(str, rows.keys[:MAX_EXAMPLES]))
                    out.append(f"    {label:<40} {rows.rows:>6,}  e.g. {keys}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: python examples/show_fixtures.py FIXTURE_DIR", file=sys.stderr)
        return 2
    try:
        print(show(Path(args[0])))
    except SynthError as exc:
        print(f"show_fixtures: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
