"""The Parquet writer: one ``<table key>.parquet`` per table, one row group per chunk.

Settings are fixed (compression, statistics, no wall-clock or random metadata), so
the same chunks always give byte-identical files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import ClassVar

import pyarrow as pa
import pyarrow.parquet as pq

from synth.generator.plan import Plan
from synth.model.manifest import TableOutput
from synth.writers.base import TableTarget

__all__ = ["COMPRESSION", "ParquetFixtureWriter"]

COMPRESSION = "snappy"


class ParquetFixtureWriter:
    """Writes tables as Parquet files into a directory. It takes no options."""

    format: ClassVar[str] = "parquet"
    options: ClassVar[tuple[str, ...]] = ()

    def __init__(self, plan: Plan, options: Mapping[str, object]) -> None:
        self.directory = Path()

    def begin(self, directory: Path) -> None:
        self.directory = directory

    def write_table(self, target: TableTarget, chunks: Iterable[pa.Table]) -> TableOutput:
        """Stream ``chunks`` (each already of ``target.schema``) into ``<filename>.parquet``.

        Only low-cardinality columns are dictionary-encoded (for the others it costs
        time and saves nothing)."""
        name = f"{target.filename}.parquet"
        rows = 0
        with pq.ParquetWriter(
            self.directory / name,
            target.schema,
            compression=COMPRESSION,
            use_dictionary=list(target.low_cardinality),
            write_statistics=True,
            store_schema=True,
        ) as writer:
            for chunk in chunks:
                writer.write_table(chunk, row_group_size=max(1, chunk.num_rows))
                rows += chunk.num_rows
        return TableOutput(rows=rows, files=(name,))

    def end(self) -> dict[str, object]:
        return {}
