"""The whole loop on one corpus entry, as a user would run it, stage by stage.

profile the seeded source -> generate Parquet and SQL -> load ``data.sql`` into an empty
copy of the entry's DDL with the dialect's own client -> ``synth load`` the Parquet into a
second empty copy -> ``synth validate`` -> compare every relation's orphan and
childless-parent shares (declared or inferred) with the source's.

:func:`roundtrip` returns what each stage found instead of raising, so that the
acceptance test can tell which stage failed and a developer can print every entry at once.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa

import synth
from tests.corpus import Entry, _command, _run, build

TOLERANCE_ABS, TOLERANCE_REL = 0.005, 0.20
"""A generated share matches the source's within max(0.005, 20% of the source's)."""
ROWS: int | None = None
"""Rows of the largest generated table (None: the default size, as a user gets it)."""


@dataclass(frozen=True)
class Shares:
    """One relation's shape: orphan child rows and childless parents, as shares."""

    orphans: float
    childless: float


@dataclass
class Result:
    entry: str
    failures: dict[str, str] = field(default_factory=dict)
    """Stage -> what went wrong (empty: the whole loop passed)."""
    shares: dict[str, tuple[Shares, Shares]] = field(default_factory=dict)
    """Relation -> (source, generated)."""
    profile: Any = None

    @property
    def ok(self) -> bool:
        return not self.failures


def relation_name(rel: dict[str, Any]) -> str:
    cols, parent_cols = ",".join(rel["columns"]), ",".join(rel["parent_columns"])
    return f"{rel['child']}.{cols}->{rel['parent']}.{parent_cols}"


def within(source: float, generated: float) -> bool:
    return abs(generated - source) <= max(TOLERANCE_ABS, TOLERANCE_REL * source)


def _shares(child: pl.DataFrame, parent: pl.DataFrame, rel: dict[str, Any]) -> Shares:
    cols, keys = rel["columns"], rel["parent_columns"]
    rows = child.select(cols).drop_nulls()
    parents = parent.select(keys).drop_nulls().unique()
    renamed = rows.rename(dict(zip(cols, keys, strict=True)))
    if renamed.schema != parents.schema:  # compare as text where the types differ
        renamed = renamed.select(pl.all().cast(pl.String))
        parents = parents.select(pl.all().cast(pl.String))
    orphan = renamed.join(parents, on=keys, how="anti").height
    childless = parents.join(renamed.unique(), on=keys, how="anti").height
    return Shares(
        orphan / renamed.height if renamed.height else 0.0,
        childless / parents.height if parents.height else 0.0,
    )


def _source_frames(url: str, entry: Entry, names: set[str]) -> dict[str, pl.DataFrame]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            default = sa.inspect(conn).default_schema_name
            out = {}
            for name in names:
                schema, _, table = name.rpartition(".")
                t = sa.table(table, schema=(schema or default) if schema else None)
                result = conn.execute(sa.select(sa.text("*")).select_from(t))
                columns, rows = list(result.keys()), [tuple(r) for r in result]
                out[name] = pl.DataFrame(
                    rows, schema=columns, orient="row", infer_schema_length=None
                )
            return out
    finally:
        engine.dispose()


def tables_of(entry: Entry) -> list[str] | None:
    """What to profile: the default schema, and every extra schema the entry creates."""
    schemas = entry.metadata.get("schemas") or []
    return ["*", *(f"{s}.*" for s in schemas)] if schemas else None


def roundtrip(entry: Entry, source: str, sql_target: str, load_target: str, tmp: Path) -> Result:
    """Run the loop; ``source``, ``sql_target`` and ``load_target`` are empty databases."""
    result = Result(entry.name)
    build(entry, source)
    build(entry, sql_target, data=False)
    build(entry, load_target, data=False)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            profile = synth.profile(source, tables=tables_of(entry))
        result.profile = profile
        parquet, sql = tmp / "parquet", tmp / "sql"
        synth.write(profile, parquet, rows=ROWS)
        synth.write(profile, sql, rows=ROWS, format="sql", ddl=False)
    except Exception as exc:  # the stage's failure is the result
        result.failures["profile+generate"] = f"{type(exc).__name__}: {exc}"
        return result
    try:
        _run(entry, sql / "data.sql", _command(entry, sql_target))
    except AssertionError as exc:
        result.failures["client load"] = str(exc)[:2000]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            synth.load_into(parquet, load_target)
    except Exception as exc:
        result.failures["synth load"] = f"{type(exc).__name__}: {exc}"[:2000]
    report = synth.validate(profile, parquet)
    if not report.ok:
        result.failures["validate"] = "; ".join(str(f) for f in report.failures)[:2000]

    generated = synth.load(parquet)
    names = {r["child"] for r in entry.relations} | {r["parent"] for r in entry.relations}
    originals = _source_frames(source, entry, names)
    off = []
    for rel in entry.relations:
        child, parent = rel["child"], rel["parent"]
        if child not in generated or parent not in generated:
            off.append(f"{relation_name(rel)}: table not generated")
            continue
        was = _shares(originals[child], originals[parent], rel)
        now = _shares(generated[child], generated[parent], rel)
        result.shares[relation_name(rel)] = (was, now)
        if not (within(was.orphans, now.orphans) and within(was.childless, now.childless)):
            off.append(
                f"{relation_name(rel)}: orphans {was.orphans:.3f} -> {now.orphans:.3f}, "
                f"childless {was.childless:.3f} -> {now.childless:.3f}"
            )
    if off:
        result.failures["relation shares"] = "; ".join(off)
    return result


def profile_entry(entry: Entry, url: str) -> synth.Profile:
    """``entry`` loaded into the empty database at ``url`` with its own client, then
    profiled (its tables only, warnings silenced)."""
    build(entry, url)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return synth.profile(url, tables=tables_of(entry))
