"""The generator: a profile, options and a seed in; production-shaped tables out.

Generation is a pure function of (profile, options, seed). Tables are made in
foreign-key order, chunk by chunk (:data:`~synth.internal.streams.CHUNK_ROWS`
rows each); every column of every chunk draws from its own random stream.
"""

from __future__ import annotations

from collections.abc import Iterator

import polars as pl

from synth.generator.options import GenerateArgs, GenerateOptions
from synth.generator.plan import Plan, TablePlan, make_plan
from synth.generator.table import Run, TableGenerator, output_columns
from synth.internal.progress import Reporter
from synth.model import Profile

__all__ = [
    "GenerateArgs",
    "GenerateOptions",
    "Plan",
    "TableGenerator",
    "TablePlan",
    "generate_tables",
    "iter_reported",
    "iter_tables",
    "make_plan",
    "output_columns",
]


def iter_tables(plan: Plan) -> Iterator[TableGenerator]:
    """The generator of each planned table, in generation order (see ``.chunks()``)."""
    run = Run(plan)
    for tp in plan.tables:
        yield run.table(tp.key)


def iter_reported(plan: Plan) -> Iterator[tuple[TableGenerator, Iterator[pl.DataFrame]]]:
    """Each planned table's generator and its chunks, as :func:`iter_tables`, reported to
    ``plan.options.progress`` as they are made: the stage counted in tables, each table in
    rows (a chunk counts once its consumer asks for the next). Consume a table's chunks
    before the next table."""
    reporter = Reporter(plan.options.progress, "generate")
    with reporter.task("", len(plan.tables), "tables") as stage:
        for gen in iter_tables(plan):
            stage.at(gen.tp.key)
            yield gen, _counted(gen, reporter)
            stage.advance(1)


def _counted(gen: TableGenerator, reporter: Reporter) -> Iterator[pl.DataFrame]:
    with reporter.task(gen.tp.key, gen.tp.rows, "rows") as task:
        for frame in gen.chunks():
            yield frame
            task.advance(frame.height)


def generate_tables(
    profile: Profile, options: GenerateOptions | None = None
) -> dict[str, pl.DataFrame]:
    """Generate the tables in memory: table key -> DataFrame, in generation order."""
    plan = make_plan(profile, options)
    out: dict[str, pl.DataFrame] = {}
    for gen, chunks in iter_reported(plan):
        parts = list(chunks)
        out[gen.tp.key] = pl.concat(parts, rechunk=True) if parts else gen.empty()
    return out
