"""Writers: generated tables to files, atomically, with a manifest written last.

:data:`WRITERS` maps a format name to its writer class; a new format is one new
module and one entry here. A writer class follows :class:`FixtureWriter`: it is made
with the plan and its options (checked before anything is written), then ``begin``,
``write_table`` per table in generation order, and ``end``, whose entries join the
manifest's ``options``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from synth.errors import UsageError
from synth.internal.files import file_sha256
from synth.model.arrow import arrow_schema, to_arrow
from synth.model.io import profile_digest
from synth.model.manifest import KEYS_LIMIT, MANIFEST_NAME, Manifest, TableOutput, TraitRows
from synth.writers.atomic import atomic_directory
from synth.writers.base import FixtureWriter, TableTarget
from synth.writers.parquet import ParquetFixtureWriter
from synth.writers.space import check_free_space, estimate_bytes
from synth.writers.sql import SqlFixtureWriter

if TYPE_CHECKING:
    import pyarrow as pa

    from synth.generator.parallel import ChunkMade, Execution
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
    execution: Execution | None = None,
) -> Manifest:
    """Generate the tables of ``plan`` into directory ``out`` (replacing an older fixture
    directory atomically) and return the manifest.

    ``writer_options`` are the format's own options (for ``sql``: ``dialect``, ``ddl``,
    ``split``, ``sql_style``, ``batch_rows``; see ``docs/sql.md``); an option whose value
    is None counts as not given. They are recorded in the manifest's ``options``, after
    the generation options of the plan. ``execution`` says how many worker processes make
    the chunks (the files are the same bytes whatever the number) and which shard of the
    chunks to write (see ``docs/scale.md``).
    """
    from synth._version import __version__
    from synth.generator.parallel import ChunkMaker, Execution
    from synth.internal.progress import Reporter

    execution = execution or Execution()
    writer_cls, given = check_writer_options(format, writer_options)
    writer = writer_cls(plan, given)
    options = plan.options.record(plan.profile.source.as_of)
    if execution.shard is not None:
        index, count = execution.shard
        options["shard"] = f"{index + 1}/{count}"
    digest = profile_digest(plan.original or plan.profile)
    origin = {"synth.version": __version__, "synth.profile_digest": digest}
    origin["synth.seed"] = str(plan.seed)
    shards = execution.shard[1] if execution.shard is not None else 1
    needed = estimate_bytes(plan, writer_cls.size_factor, shards)
    check_free_space(Path(out), needed, sum(tp.rows for tp in plan.tables) // shards)
    reporter = Reporter(plan.options.progress, "generate")
    with (
        atomic_directory(Path(out)) as tmp,
        ChunkMaker(plan, execution) as maker,
        reporter.task("", len(plan.tables), "tables") as stage,
    ):
        writer.begin(tmp)
        outputs: dict[str, TableOutput] = {}
        traits: dict[str, dict[str, TraitRows]] = {}
        for tp in plan.tables:
            stage.at(tp.key)
            gen = maker.run().table(tp.key)
            carriers = _Carriers([e.label for e in gen.injector.entries])
            target = TableTarget(
                plan=tp,
                columns=tuple(gen.columns),
                schema=arrow_schema(gen.columns),
                filename=file_stem(tp.key),
                low_cardinality=tuple(gen.low_cardinality()),
                metadata={**origin, "synth.table": gen.tp.key},
            )
            with reporter.task(tp.key, tp.rows, "rows") as task:
                chunks = (carriers.add(made, task.advance) for made in maker.chunks(tp))
                outputs[tp.key] = writer.write_table(target, chunks)
            if carriers.counts:
                traits[tp.key] = carriers.result()
            stage.advance(1)
        options.update(writer.end())
        digests = {
            p.relative_to(tmp).as_posix(): file_sha256(p)
            for p in sorted(tmp.rglob("*"))
            if p.is_file() and p.name != MANIFEST_NAME
        }
        manifest = Manifest(
            synth_version=__version__,
            profile_digest=digest,
            seed=plan.seed,
            format=format,
            options=options,
            tables=outputs,
            traits=traits,
            digests=digests,
        )
        (tmp / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
    return manifest


class _Carriers:
    """The rows of a table carrying each trait, summed over its chunks as they pass (the
    first :data:`KEYS_LIMIT` keys of each)."""

    def __init__(self, labels: list[str]) -> None:
        self.counts = dict.fromkeys(labels, 0)
        self.keys: dict[str, list[object]] = {label: [] for label in labels}

    def add(self, made: ChunkMade, done: Callable[[int], object]) -> pa.Table:
        done(made.table.num_rows)
        for label, n in made.counts.items():
            self.counts[label] += n
            room = KEYS_LIMIT - len(self.keys[label])
            if room > 0:
                self.keys[label].extend(made.keys.get(label, [])[:room])
        return made.table

    def result(self) -> dict[str, TraitRows]:
        return {
            label: TraitRows(rows=self.counts[label], keys=tuple(self.keys[label]))  # type: ignore[arg-type]
            for label in self.counts
        }
