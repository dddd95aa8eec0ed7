"""The Parquet writer: one ``<table key>.parquet`` per table, one row group per chunk.

Settings are fixed (compression, statistics, no wall-clock or random metadata), so
the same chunks always give byte-identical files.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from synth.manifest import TableOutput

__all__ = ["COMPRESSION", "ParquetFixtureWriter"]

COMPRESSION = "snappy"


class ParquetFixtureWriter:
    """Writes tables as Parquet files into a directory."""

    format = "parquet"

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def write_table(
        self,
        filename: str,
        schema: pa.Schema,
        chunks: Iterable[pa.Table],
        *,
        low_cardinality: Sequence[str] = (),
    ) -> TableOutput:
        """Stream ``chunks`` (each already of ``schema``) into ``<filename>.parquet``.

        Only ``low_cardinality`` columns are dictionary-encoded (for the others it costs
        time and saves nothing)."""
        name = f"{filename}.parquet"
        rows = 0
        with pq.ParquetWriter(
            self.directory / name,
            schema,
            compression=COMPRESSION,
            use_dictionary=list(low_cardinality),
            write_statistics=True,
            store_schema=True,
        ) as writer:
            for chunk in chunks:
                writer.write_table(chunk, row_group_size=max(1, chunk.num_rows))
                rows += chunk.num_rows
        return TableOutput(rows=rows, files=(name,))
