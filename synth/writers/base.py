"""The writer protocol: what :func:`synth.writers.write_fixtures` asks of a format."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Protocol

import pyarrow as pa

from synth.generator.plan import Plan, TablePlan
from synth.model import Column
from synth.model.manifest import TableOutput

__all__ = ["FixtureWriter", "TableTarget"]


@dataclass(frozen=True)
class TableTarget:
    """One table to write: its plan, the columns the data holds, their Arrow schema."""

    plan: TablePlan
    columns: tuple[Column, ...]
    """The generated columns, in order (NOT NULL columns of an opaque type are left out)."""
    schema: pa.Schema
    """The Arrow schema every chunk is cast to."""
    filename: str
    """A file name stem for the table (its key with path separators replaced)."""
    low_cardinality: tuple[str, ...] = ()
    """Columns with few distinct values (worth dictionary encoding)."""
    metadata: Mapping[str, str] = field(default_factory=dict)
    """Where the rows come from, for a format that can say it in the file (Parquet's
    key-value metadata): ``synth.version``, ``synth.profile_digest``, ``synth.seed``,
    ``synth.table``."""

    @property
    def key(self) -> str:
        """The table's key in the profile (``name`` or ``schema.name``)."""
        return self.plan.key


class FixtureWriter(Protocol):
    """A fixture format. :func:`~synth.writers.write_fixtures` makes one writer per run:

    1. ``Writer(plan, options)`` checks the format's options (a :class:`UsageError`
       naming the option, the bad value and the fix) before anything is written;
    2. ``begin(directory)`` with the (temporary) output directory;
    3. ``write_table(target, chunks)`` once per table, in generation (foreign-key) order;
       it must consume every chunk and return the table's row count and files;
    4. ``end()`` finishes the files and returns entries for the manifest's ``options``.
    """

    format: ClassVar[str]
    options: ClassVar[tuple[str, ...]]
    """The names of the options this format accepts (``writer_options`` keys)."""
    size_factor: ClassVar[float]
    """Bytes written per raw byte of values, at the low end (see :mod:`synth.writers.space`)."""

    def __init__(self, plan: Plan, options: Mapping[str, object]) -> None: ...

    def begin(self, directory: Path) -> None: ...

    def write_table(self, target: TableTarget, chunks: Iterable[pa.Table]) -> TableOutput: ...

    def end(self) -> dict[str, object]: ...
