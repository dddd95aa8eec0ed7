"""What pandas, polars and DuckDB make of a fixture directory, compared with the profile.

Expected types are spelled here per logical type, independently of
``synth.model.arrow``, as a user of each reader would expect them: enum columns (a
declared domain) come back as polars ``Enum`` / pandas ``category`` with the domain's
values first and in order, NOT NULL columns as required fields (and as non-nullable numpy
dtypes in pandas), decimals with their precision and scale, timestamps with their zone.
:func:`mismatches` returns one line per difference, so a failure lists them all.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow.parquet as pq

import synth
from synth.model import Column, LogicalType, Profile

_INT = {1: 16, 2: 16, 4: 32, 8: 64, None: 64}
_DUCK_INT = {16: "SMALLINT", 32: "INTEGER", 64: "BIGINT"}


def _polars(col: Column) -> pl.DataType:
    t = col.type
    if t is LogicalType.INTEGER:
        return {16: pl.Int16(), 32: pl.Int32(), 64: pl.Int64()}[_INT[col.size]]
    if t is LogicalType.FLOAT:
        return pl.Float32() if col.size == 4 else pl.Float64()
    if t is LogicalType.DECIMAL:
        p, s = _decimal(col)
        return pl.Decimal(p, s)
    if t is LogicalType.DATETIME:
        return pl.Datetime("us", "UTC" if col.timezone else None)
    if t is LogicalType.ARRAY:
        return pl.List(_polars(col.element()))
    simple = {
        LogicalType.BOOLEAN: pl.Boolean(),
        LogicalType.DATE: pl.Date(),
        LogicalType.TIME: pl.Time(),
        LogicalType.BINARY: pl.Binary(),
    }
    return simple.get(t, pl.String())


def _decimal(col: Column) -> tuple[int, int]:
    if col.precision is None and col.scale is None:
        return 38, 9
    p = min(col.precision or 38, 38)
    return p, min(col.scale or 0, p)


def _duckdb(col: Column) -> str:
    t = col.type
    if t is LogicalType.INTEGER:
        return _DUCK_INT[_INT[col.size]]
    if t is LogicalType.FLOAT:
        return "FLOAT" if col.size == 4 else "DOUBLE"
    if t is LogicalType.DECIMAL:
        return "DECIMAL({},{})".format(*_decimal(col))
    if t is LogicalType.DATETIME:
        return "TIMESTAMP WITH TIME ZONE" if col.timezone else "TIMESTAMP"
    if t is LogicalType.ARRAY:
        return _duckdb(col.element()) + "[]"
    simple = {
        LogicalType.BOOLEAN: "BOOLEAN",
        LogicalType.DATE: "DATE",
        LogicalType.TIME: "TIME",
        LogicalType.BINARY: "BLOB",
    }
    return simple.get(t, "VARCHAR")


def _pandas_ok(col: Column, dtype: object, categories: list[str] | None) -> str | None:
    """Why pandas' ``dtype`` is wrong for ``col``, or None."""
    t = col.type
    if categories is not None:
        if not isinstance(dtype, pd.CategoricalDtype):
            return f"{dtype} is not a category"
        got = [str(c) for c in dtype.categories]
        if got[: len(categories)] != categories:
            return f"categories {got} do not start with the domain {categories}"
        return None
    if t in (LogicalType.INTEGER, LogicalType.FLOAT):
        bits = _INT[col.size] if t is LogicalType.INTEGER else (32 if col.size == 4 else 64)
        kind = "int" if t is LogicalType.INTEGER else "float"
        wanted = f"{kind}{bits}"
        allowed = {wanted} if not col.nullable else {wanted, "float64"}  # NULLs make floats
        return None if str(dtype) in allowed else f"{dtype}, expected {' or '.join(allowed)}"
    if t is LogicalType.BOOLEAN:
        allowed = {"bool"} if not col.nullable else {"bool", "object"}
        return None if str(dtype) in allowed else f"{dtype}, expected bool"
    if t is LogicalType.DATETIME:
        wanted = "datetime64[us, UTC]" if col.timezone else "datetime64[us]"
        return None if str(dtype) == wanted else f"{dtype}, expected {wanted}"
    text = (LogicalType.STRING, LogicalType.UUID, LogicalType.JSON, LogicalType.GEOMETRY)
    if t in (*text, LogicalType.OPAQUE):  # a geometry is its WKT text
        return None if pd.api.types.is_string_dtype(dtype) else f"{dtype} is not a string"
    return None if str(dtype) == "object" else f"{dtype}, expected object"


def mismatches(profile: Profile, fixtures: Path) -> list[str]:
    """Every difference between the profile and what the three readers make of the files."""
    from synth.model.arrow import enum_categories

    manifest = synth.read_manifest(fixtures)
    out: list[str] = []
    for key, table in manifest.tables.items():
        file = fixtures / table.files[0]
        columns = {c.name: c for c in profile.table(key).columns}
        frame_pl = pl.read_parquet(file)
        frame_pd = pd.read_parquet(file)
        arrow = pq.read_schema(file)
        meta = arrow.metadata or {}
        if meta.get(b"synth.profile_digest", b"").decode() != manifest.profile_digest:
            out.append(f"{key}: the file does not name the profile digest")
        if meta.get(b"synth.seed") != str(manifest.seed).encode():
            out.append(f"{key}: the file does not name the seed")
        if meta.get(b"synth.version") != manifest.synth_version.encode():
            out.append(f"{key}: the file does not name the synth version")
        quoted = str(file).replace("'", "''")
        described = duckdb.sql(f"DESCRIBE SELECT * FROM '{quoted}'").fetchall()
        duck_types = {row[0]: row[1] for row in described}
        duck_rep = dict(
            duckdb.sql(f"SELECT name, repetition_type FROM parquet_schema('{quoted}')").fetchall()
        )
        for name in frame_pl.columns:
            col = columns[name]
            where = f"{key}.{name} ({col.type.value}{'' if col.nullable else ', NOT NULL'})"
            cats = enum_categories(col)
            domain = list(col.domain) if cats is not None and col.domain else None
            want_pl = pl.Enum(list(cats)) if cats is not None else _polars(col)
            if frame_pl.schema[name] != want_pl:
                out.append(f"{where}: polars {frame_pl.schema[name]}, expected {want_pl}")
            dtype = frame_pl.schema[name]
            enum = isinstance(dtype, pl.Enum)
            if domain is not None and enum and list(dtype.categories)[: len(domain)] != domain:
                out.append(f"{where}: polars Enum does not start with the domain {domain}")
            why = _pandas_ok(col, frame_pd.dtypes[name], domain)
            if why:
                out.append(f"{where}: pandas {why}")
            if arrow.field(name).nullable != col.nullable:
                out.append(f"{where}: Arrow field nullable={arrow.field(name).nullable}")
            if duck_types[name] != _duckdb(col):
                out.append(f"{where}: DuckDB {duck_types[name]}, expected {_duckdb(col)}")
            wanted_rep = "OPTIONAL" if col.nullable else "REQUIRED"
            if duck_rep.get(name) != wanted_rep:
                out.append(f"{where}: DuckDB sees {duck_rep.get(name)}, expected {wanted_rep}")
    return out
