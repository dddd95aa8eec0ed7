"""Writers: generated tables to files, atomically, with a manifest written last.

:data:`WRITERS` maps a format name to its writer class; a new format (SQL, CSV) is
one new module and one entry here. A writer class takes the directory to write in
and has ``write_table(filename, schema, chunks, *, low_cardinality) -> TableOutput``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import polars as pl
import pyarrow as pa

from synth._arrow import arrow_schema
from synth._profile_io import profile_digest
from synth.errors import UsageError
from synth.manifest import MANIFEST_NAME, Manifest, TableOutput, TraitRows
from synth.model import Profile
from synth.writers._atomic import atomic_directory
from synth.writers.parquet import ParquetFixtureWriter

__all__ = ["WRITERS", "FixtureWriter", "file_stem", "to_arrow", "write_fixtures"]


class FixtureWriter(Protocol):
    """What :func:`write_fixtures` needs of a writer."""

    format: str

    def __init__(self, directory: Path) -> None: ...

    def write_table(
        self,
        filename: str,
        schema: pa.Schema,
        chunks: Iterable[pa.Table],
        *,
        low_cardinality: Sequence[str] = (),
    ) -> TableOutput: ...


WRITERS: dict[str, type[FixtureWriter]] = {"parquet": ParquetFixtureWriter}
"""Format name -> writer class."""


def file_stem(key: str) -> str:
    """A table key as a file name stem (path separators replaced)."""
    return key.replace("/", "_").replace("\\", "_")


def to_arrow(frame: pl.DataFrame, schema: pa.Schema) -> pa.Table:
    """A generated chunk as an Arrow table of exactly ``schema``."""
    return frame.to_arrow().cast(schema)


def write_fixtures(
    profile: Profile,
    out: Path,
    *,
    format: str,
    rows: int | None,
    scale: float | None,
    seed: int,
    tables: Sequence[str] | None,
    min_trait_rows: int = 1,
    boost: Mapping[str, float] | Iterable[str] | None = None,
    as_of: str | dt.datetime | None = None,
) -> Manifest:
    """Generate fixtures into directory ``out`` (replacing an older fixture dir atomically)."""
    from synth import __version__
    from synth.generator import iter_tables, make_plan
    from synth.generator.boost import as_boosts
    from synth.generator.carriers import CarrierTracker

    writer_cls = WRITERS.get(format)
    if writer_cls is None:
        raise UsageError(
            f"format={format!r} is not supported; choose one of: {', '.join(sorted(WRITERS))}"
        )
    plan = make_plan(
        profile,
        rows=rows,
        scale=scale,
        seed=seed,
        tables=tables,
        min_trait_rows=min_trait_rows,
        boost=boost,
        as_of=as_of,
    )
    options: dict[str, object] = {
        "rows": rows,
        "scale": scale,
        "tables": list(tables) if tables is not None and not isinstance(tables, str) else tables,
        "min_trait_rows": min_trait_rows,
        "boost": dict(sorted(as_boosts(boost).items())),
        "as_of": plan.profile.source.as_of.isoformat(),
    }
    with atomic_directory(Path(out)) as tmp:
        writer = writer_cls(tmp)
        outputs: dict[str, TableOutput] = {}
        traits: dict[str, dict[str, TraitRows]] = {}
        for gen in iter_tables(plan):
            schema = arrow_schema(gen.columns)
            tracker = CarrierTracker(gen)
            chunks = (to_arrow(tracker.observe(frame), schema) for frame in gen.chunks())
            outputs[gen.tp.key] = writer.write_table(
                file_stem(gen.tp.key), schema, chunks, low_cardinality=gen.low_cardinality()
            )
            if tracker.counts:
                traits[gen.tp.key] = tracker.result()
        manifest = Manifest(
            synth_version=__version__,
            profile_digest=profile_digest(profile),
            seed=seed,
            format=format,
            options=options,
            tables=outputs,
            traits=traits,
        )
        (tmp / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
    return manifest
