"""Making a table's chunks on several cores, in order, with the same bytes as on one.

A chunk is a pure function of the plan and its index (every column draws from streams
named by the seed, the table, the column and the chunk; what a chunk reads from other
tables is prepared from the plan alone, see :meth:`~synth.generator.table.Run.prepare`).
So chunks can be made in any process, in any order, and put back in order:
:class:`ChunkMaker` makes them in this process (``workers=1``) or in a pool of worker
processes, each holding its own :class:`~synth.generator.table.Run`, with at most two
chunks per worker in flight so memory stays bounded. The trait carriers of a chunk are
counted where it is made (they read the run's memo) and travel back with it.

:class:`Execution` is the checked "how" of a run (``--workers``, ``--shard``): neither
changes a single generated value, so neither is part of the manifest's options.
"""

from __future__ import annotations

import os
import pickle
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_all_start_methods, get_context
from typing import Any

import pyarrow as pa

from synth.errors import UsageError
from synth.generator.inject import row_keys
from synth.generator.plan import Plan, TablePlan
from synth.generator.table import Run
from synth.internal.streams import chunk_ranges
from synth.model.arrow import arrow_schema, to_arrow
from synth.model.manifest import KEYS_LIMIT

__all__ = ["ChunkMade", "ChunkMaker", "Execution", "default_workers", "stream_chunks"]


def default_workers() -> int:
    """The cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


CHUNKS_PER_WORKER = 8
"""Chunks a run needs per worker before :class:`ChunkMaker` starts one unasked: a worker
costs about as much as four or five chunks (a Python start, the plan, its own copy of
the run's relation views), so with fewer two workers are slower than one (1M orders:
0.88x)."""


@dataclass(frozen=True)
class Execution:
    """How a run is carried out: ``workers`` processes make chunks (None: as many as the
    run's chunks pay for, up to every core); ``shard`` ``(i, n)`` (0-based ``i``) keeps
    the chunks whose index is ``i`` modulo ``n``."""

    workers: int | None = 1
    shard: tuple[int, int] | None = None

    @classmethod
    def of(
        cls, workers: int | None = None, shard: str | tuple[int, int] | None = None
    ) -> Execution:
        """Checked values: ``workers`` None means as many as pay, up to every core;
        ``shard`` is ``'I/N'`` (1-based, as ``--shard`` takes it) or ``(I, N)``."""
        if workers is not None and (
            isinstance(workers, bool) or not isinstance(workers, int) or workers < 1
        ):
            raise UsageError(
                f"workers (--workers) {workers!r} must be a whole number >= 1 (default: every "
                "core the run's size pays for); the output is the same whatever the number"
            )
        return cls(workers, _shard(shard))

    def mine(self, chunk: int) -> bool:
        """Whether chunk ``chunk`` of a table belongs to this shard."""
        return self.shard is None or chunk % self.shard[1] == self.shard[0]


def _shard(given: str | tuple[int, int] | None) -> tuple[int, int] | None:
    if given is None:
        return None
    fix = "pass --shard I/N with 1 <= I <= N, e.g. --shard 2/4"
    try:
        if isinstance(given, str):
            first, _, second = given.partition("/")
            index, count = int(first), int(second)
        else:
            index, count = (int(v) for v in given)
    except (TypeError, ValueError):
        raise UsageError(f"shard (--shard) {given!r} is not I/N; {fix}") from None
    if not 1 <= index <= count:
        raise UsageError(f"shard (--shard) {given!r} is out of range; {fix}")
    return (index - 1, count) if count > 1 else None


@dataclass
class ChunkMade:
    """One chunk of a table: its rows as Arrow, and the rows in it that carry each trait."""

    index: int
    table: pa.Table
    counts: dict[str, int]
    """Trait label -> carrier rows in this chunk."""
    keys: dict[str, list[Any]] = field(default_factory=dict)
    """Trait label -> the first carrier rows' keys (at most the manifest's limit)."""


def make_chunk(run: Run, key: str, index: int, start: int, stop: int) -> ChunkMade:
    """Chunk ``index`` (rows ``start..stop``) of table ``key``, made in ``run``."""
    gen = run.table(key)
    frame = gen.chunk(index, start, stop)
    counts: dict[str, int] = {}
    keys: dict[str, list[Any]] = {}
    for label, mask in gen.injector.carriers(frame).items():
        counts[label] = int(mask.sum())
        if counts[label]:
            keys[label] = row_keys(gen.tp.table, frame, start, mask, limit=KEYS_LIMIT)
    return ChunkMade(index, to_arrow(frame, arrow_schema(gen.columns)), counts, keys)


_WORKER_RUN: Run | None = None
"""The run of a worker process (set by :func:`_start_worker`; never in the parent)."""


def _start_worker(plan: bytes) -> None:
    global _WORKER_RUN
    _WORKER_RUN = Run(pickle.loads(plan))


def _work(key: str, index: int, start: int, stop: int) -> ChunkMade:
    assert _WORKER_RUN is not None
    return make_chunk(_WORKER_RUN, key, index, start, stop)


class ChunkMaker:
    """Makes the chunks of a plan's tables, in order, in this process or in a pool.

    Ask for the tables in the plan's order, each one's chunks to the end (as a writer
    does): with a pool, chunks are made ahead in one stream across tables, so a table's
    first chunks are under way while the last of the one before are still being made."""

    def __init__(self, plan: Plan, execution: Execution | None = None) -> None:
        self.plan = plan
        self.execution = execution or Execution()
        self._run: Run | None = None
        self._pool: ProcessPoolExecutor | None = None
        self._ahead: Iterator[tuple[str, ChunkMade]] | None = None
        chunks = sum(len(self._ranges(tp)) for tp in plan.tables)
        wanted = self.execution.workers
        if wanted is None:
            wanted = min(default_workers(), chunks // CHUNKS_PER_WORKER)
        self.workers = max(1, min(wanted, chunks))
        """The worker processes this run starts (1: none, chunks are made here)."""

    def __enter__(self) -> ChunkMaker:
        if self._parallel():
            self._workers()  # workers start while this process sets up the first table
        return self

    def _ranges(self, tp: TablePlan) -> list[tuple[int, int, int]]:
        return [r for r in chunk_ranges(tp.rows) if self.execution.mine(r[0])]

    def _parallel(self) -> bool:
        return self.workers > 1

    def _workers(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # not fork: polars and pyarrow keep thread pools a fork would copy mid-use
            method = "forkserver" if "forkserver" in get_all_start_methods() else "spawn"
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=get_context(method),
                initializer=_start_worker,
                initargs=(pickle.dumps(self.plan),),
            )
        return self._pool

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def run(self) -> Run:
        """This process's run (built on first use)."""
        if self._run is None:
            self._run = Run(self.plan)
        return self._run

    def chunks(self, tp: TablePlan) -> Iterator[ChunkMade]:
        """The table's chunks of this shard, in order."""
        ranges = self._ranges(tp)
        if not self._parallel():
            for index, start, stop in ranges:
                yield make_chunk(self.run(), tp.key, index, start, stop)
            return
        if self._ahead is None:
            self._ahead = self._stream()
        for _ in ranges:
            key, made = next(self._ahead)
            if key != tp.key:
                raise RuntimeError(f"chunks of {tp.key} asked for out of the plan's order")
            yield made

    def _stream(self) -> Iterator[tuple[str, ChunkMade]]:
        """Every chunk of the plan, made in the pool, in order: at most two per worker
        in flight, so memory stays bounded."""
        pool = self._workers()
        pending: deque[tuple[str, Future[ChunkMade]]] = deque()
        window = 2 * self.workers
        for tp in self.plan.tables:
            for index, start, stop in self._ranges(tp):
                pending.append((tp.key, pool.submit(_work, tp.key, index, start, stop)))
                if len(pending) >= window:
                    key, done = pending.popleft()
                    yield key, done.result()
        while pending:
            key, done = pending.popleft()
            yield key, done.result()


def stream_chunks(
    plan: Plan, *, workers: int | None = 1, shard: str | None = None
) -> Iterator[tuple[str, pa.Table]]:
    """Every chunk of every table of ``plan``, in generation order, as Arrow: the pipeline
    of :func:`synth.write` without a writer (a null sink for benchmarks and custom sinks)."""
    with ChunkMaker(plan, Execution.of(workers, shard)) as maker:
        for tp in plan.tables:
            for made in maker.chunks(tp):
                yield tp.key, made.table
