"""Writers: generated tables to files, atomically, with a manifest written last.

:data:`WRITERS` maps a format name to its writer class; a new format is one new
module and one entry here. A writer class follows :class:`FixtureWriter`: it is made
with the plan and its options (checked before anything is written), then ``begin``,
``write_table`` per table in generation order, and ``end``, whose entries join the
manifest's ``options``.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

from synth.errors import UsageError
from synth.model.arrow import arrow_schema
from synth.model.io import profile_digest
from synth.model.manifest import MANIFEST_NAME, Manifest, TableOutput, TraitRows
from synth.writers.atomic import atomic_directory
from synth.writers.base import FixtureWriter, TableTarget
from synth.writers.parquet import ParquetFixtureWriter
from synth.writers.sql import SqlFixtureWriter

if TYPE_CHECKING:
    from synth.generator.plan import Plan

__all__ = [
    "WRITERS",
    "FixtureWriter",
    "TableTarget",
    "check_writer_options",
    "file_stem",
    "to_arrow",
    "write_fixtures",
]


WRITERS: dict[str, type[FixtureWriter]] = {
    "parquet": ParquetFixtureWriter,
    "sql": SqlFixtureWriter,
}
"""Format name -> writer class."""


def file_stem(key: str) -> str:
    """A table key as a file name stem (path separators replaced)."""
    return key.replace("/", "_").replace("\\", "_")


def to_arrow(frame: pl.DataFrame, schema: pa.Schema) -> pa.Table:
    """A generated chunk as an Arrow table of exactly ``schema``."""
    return frame.to_arrow().cast(schema)


def check_writer_options(
    format: str, writer_options: Mapping[str, object] | None
) -> tuple[type[FixtureWriter], dict[str, object]]:
    """The writer class of ``format`` and the options given (None values dropped: an
    option left at None is not given); a :class:`UsageError` for an unknown format or
    an option the format does not take."""
    writer_cls = WRITERS.get(format)
    if writer_cls is None:
        raise UsageError(
            f"format={format!r} is not supported; choose one of: {', '.join(sorted(WRITERS))}"
        )
    given = {k: v for k, v in (writer_options or {}).items() if v is not None}
    for name, value in given.items():
        if name in writer_cls.options:
            continue
        takers = sorted(f for f, cls in WRITERS.items() if name in cls.options)
        if takers:
            fix = f"it applies to format={takers[0]!r} only: drop it or pass format={takers[0]!r}"
        else:
            accepted = ", ".join(writer_cls.options) or "none"
            fix = f"options of format={format!r}: {accepted}"
        raise UsageError(f"{name}={value!r} is not an option of format={format!r}; {fix}")
    return writer_cls, given


def write_fixtures(
    plan: Plan,
    out: Path,
    *,
    format: str = "parquet",
    writer_options: Mapping[str, object] | None = None,
) -> Manifest:
    """Generate the tables of ``plan`` into directory ``out`` (replacing an older fixture
    directory atomically) and return the manifest.

    ``writer_options`` are the format's own options (for ``sql``: ``dialect``, ``ddl``,
    ``split``, ``sql_style``, ``batch_rows``; see ``docs/sql.md``); an option whose value
    is None counts as not given. They are recorded in the manifest's ``options``, after
    the generation options of the plan.
    """
    from synth._version import __version__
    from synth.generator import iter_reported
    from synth.generator.carriers import CarrierTracker

    writer_cls, given = check_writer_options(format, writer_options)
    writer = writer_cls(plan, given)
    options = plan.options.record(plan.profile.source.as_of)
    digest = profile_digest(plan.original or plan.profile)
    origin = {"synth.version": __version__, "synth.profile_digest": digest}
    origin["synth.seed"] = str(plan.seed)
    with atomic_directory(Path(out)) as tmp:
        writer.begin(tmp)
        outputs: dict[str, TableOutput] = {}
        traits: dict[str, dict[str, TraitRows]] = {}
        for gen, frames in iter_reported(plan):
            schema = arrow_schema(gen.columns)
            tracker = CarrierTracker(gen)
            chunks = (to_arrow(tracker.observe(frame), schema) for frame in frames)
            target = TableTarget(
                plan=gen.tp,
                columns=tuple(gen.columns),
                schema=schema,
                filename=file_stem(gen.tp.key),
                low_cardinality=tuple(gen.low_cardinality()),
                metadata={**origin, "synth.table": gen.tp.key},
            )
            outputs[gen.tp.key] = writer.write_table(target, chunks)
            if tracker.counts:
                traits[gen.tp.key] = tracker.result()
        options.update(writer.end())
        manifest = Manifest(
            synth_version=__version__,
            profile_digest=digest,
            seed=plan.seed,
            format=format,
            options=options,
            tables=outputs,
            traits=traits,
        )
        (tmp / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
    return manifest
