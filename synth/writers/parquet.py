"""The Parquet writer: one ``<table key>.parquet`` per table, one row group per chunk.

Files keep what the profile knows of the schema: NOT NULL columns are required fields,
decimals keep their precision and scale, timestamps their zone, and a string column with
a declared domain (an enum type, a ``CHECK ... IN`` list) is dictionary-encoded with its
categories, so polars reads it as an ``Enum`` and pandas as a ``category``
(:func:`synth.model.arrow.enum_categories`). The file's key-value metadata names the
synth version, the profile digest, the seed and the table.

Settings are fixed (compression, statistics, no wall-clock or random metadata), so
the same chunks always give byte-identical files.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import ClassVar

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from synth.generator.plan import Plan
from synth.model.arrow import enum_categories, enum_field
from synth.model.manifest import TableOutput
from synth.writers.base import TableTarget

__all__ = ["COMPRESSION", "ParquetFixtureWriter"]

COMPRESSION = "snappy"

Enums = dict[str, tuple[str, ...]]
"""Column name -> its categories, for the dictionary-encoded columns of a table."""


class ParquetFixtureWriter:
    """Writes tables as Parquet files into a directory. It takes no options."""

    format: ClassVar[str] = "parquet"
    options: ClassVar[tuple[str, ...]] = ()
    size_factor: ClassVar[float] = 0.25  # compressed columns

    def __init__(self, plan: Plan, options: Mapping[str, object]) -> None:
        self.directory = Path()

    def begin(self, directory: Path) -> None:
        self.directory = directory

    def write_table(self, target: TableTarget, chunks: Iterable[pa.Table]) -> TableOutput:
        """Stream ``chunks`` (each of ``target.schema``) into ``<filename>.parquet``.

        Only low-cardinality columns are dictionary-encoded (for the others it costs time
        and saves nothing). A generated value outside an enum column's categories (a trait
        rewriting a domain value in a way the profile does not list) joins them; when it
        first shows in a later chunk, the row groups already written are copied into a
        file with the wider categories."""
        name = f"{target.filename}.parquet"
        path = self.directory / name
        enums: Enums = {
            c.name: cats for c in target.columns if (cats := enum_categories(c)) is not None
        }
        rows = 0
        writer: pq.ParquetWriter | None = None
        for chunk in chunks:
            extra = _outside(chunk, enums)
            if extra:
                enums = {k: v + extra.get(k, ()) for k, v in enums.items()}
                if writer is not None:
                    writer = _widened(writer, path, target, enums)
            if writer is None:
                writer = _open(path, target, enums)
            writer.write_table(_encoded(chunk, target, enums), row_group_size=max(1, len(chunk)))
            rows += chunk.num_rows
        (writer or _open(path, target, enums)).close()
        return TableOutput(rows=rows, files=(name,))

    def end(self) -> dict[str, object]:
        return {}


def _schema(target: TableTarget, enums: Enums) -> pa.Schema:
    fields = [
        enum_field(c.name, enums[c.name], c.nullable)
        if c.name in enums
        else target.schema.field(c.name)
        for c in target.columns
    ]
    return pa.schema(fields, metadata=dict(target.metadata))


def _open(path: Path, target: TableTarget, enums: Enums) -> pq.ParquetWriter:
    coded = [*target.low_cardinality, *(n for n in enums if n not in target.low_cardinality)]
    return pq.ParquetWriter(
        path,
        _schema(target, enums),
        compression=COMPRESSION,
        use_dictionary=coded,
        write_statistics=True,
        store_schema=True,
    )


def _outside(chunk: pa.Table, enums: Enums) -> dict[str, tuple[str, ...]]:
    """Per enum column, the values of ``chunk`` outside its categories, sorted."""
    out = {}
    for name, categories in enums.items():
        values = chunk.column(name)
        known = pc.is_in(values, value_set=pa.array(categories, values.type))
        new = pc.filter(values, pc.and_(pc.invert(known), pc.is_valid(values)))
        if len(new):
            out[name] = tuple(sorted(set(new.to_pylist())))
    return out


def _encoded(chunk: pa.Table, target: TableTarget, enums: Enums) -> pa.Table:
    """``chunk`` with its enum columns dictionary-encoded with their categories."""
    schema = _schema(target, enums)
    columns = []
    for field, values in zip(schema, chunk.columns, strict=True):
        if field.name in enums:
            kind = field.type
            dictionary = pa.array(enums[field.name], kind.value_type)
            values = pa.chunked_array(
                [
                    pa.DictionaryArray.from_arrays(
                        pc.index_in(part, value_set=dictionary).cast(kind.index_type),
                        dictionary,
                        ordered=kind.ordered,
                    )
                    for part in values.chunks
                ],
                type=kind,
            )
        columns.append(values)
    return pa.Table.from_arrays(columns, schema=schema)


def _widened(
    writer: pq.ParquetWriter, path: Path, target: TableTarget, enums: Enums
) -> pq.ParquetWriter:
    """A writer of ``path`` with the wider categories ``enums``, holding the row groups
    ``writer`` wrote (re-encoded one at a time)."""
    writer.close()
    old = path.with_name(path.name + ".narrow")
    path.rename(old)
    wider = _open(path, target, enums)
    written = pq.ParquetFile(old)
    for i in range(written.num_row_groups):
        part = written.read_row_group(i)
        plain = pa.Table.from_arrays(
            [part.column(f.name).cast(target.schema.field(f.name).type) for f in part.schema],
            schema=target.schema,
        )
        wider.write_table(_encoded(plain, target, enums), row_group_size=max(1, len(plain)))
    written.close()
    old.unlink()
    return wider
