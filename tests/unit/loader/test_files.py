"""The loader: fixture directories read back with the specified types."""

from __future__ import annotations

import datetime as dt
import json

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import synth
from synth.errors import SourceError
from synth.model import Column, ColumnStats, Profile, Source, Table

COLUMNS = [
    # (column, Arrow type in the file, polars dtype after loading)
    (Column(name="tiny", type="integer", sql_type="TINYINT", size=1), pa.int16(), pl.Int16),
    (Column(name="small", type="integer", sql_type="SMALLINT", size=2), pa.int16(), pl.Int16),
    (Column(name="int", type="integer", sql_type="INTEGER", size=4), pa.int32(), pl.Int32),
    (Column(name="big", type="integer", sql_type="BIGINT", size=8), pa.int64(), pl.Int64),
    (Column(name="real", type="float", sql_type="REAL", size=4), pa.float32(), pl.Float32),
    (Column(name="double", type="float", sql_type="DOUBLE"), pa.float64(), pl.Float64),
    (
        Column(name="money", type="decimal", sql_type="NUMERIC(12,2)", precision=12, scale=2),
        pa.decimal128(12, 2),
        pl.Decimal(12, 2),
    ),
    (
        Column(name="num", type="decimal", sql_type="NUMERIC"),
        pa.decimal128(38, 9),
        pl.Decimal(38, 9),
    ),
    (Column(name="flag", type="boolean", sql_type="BOOLEAN"), pa.bool_(), pl.Boolean),
    (Column(name="name", type="string", sql_type="TEXT"), pa.large_string(), pl.String),
    (Column(name="day", type="date", sql_type="DATE"), pa.date32(), pl.Date),
    (
        Column(name="at", type="datetime", sql_type="TIMESTAMPTZ", timezone=True),
        pa.timestamp("us", tz="UTC"),
        pl.Datetime("us", "UTC"),
    ),
    (
        Column(name="local", type="datetime", sql_type="TIMESTAMP"),
        pa.timestamp("us"),
        pl.Datetime("us"),
    ),
    (Column(name="clock", type="time", sql_type="TIME"), pa.time64("us"), pl.Time),
    (Column(name="uid", type="uuid", sql_type="UUID"), pa.large_string(), pl.String),
    (Column(name="doc", type="json", sql_type="JSONB"), pa.large_string(), pl.String),
    (Column(name="blob", type="binary", sql_type="BYTEA"), pa.large_binary(), pl.Binary),
    (Column(name="odd", type="opaque", sql_type="TSVECTOR"), pa.large_string(), pl.String),
    (
        Column(
            name="key",
            type="integer",
            sql_type="INTEGER",
            size=4,
            nullable=False,
            stats=ColumnStats(),
        ),
        pa.int32(),
        pl.Int32,
    ),
]


def profile() -> Profile:
    source = Source(kind="files", url="x.parquet", as_of=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    table = Table(
        name="Mixed.Case", rows=50, primary_key=("key",), columns=tuple(c for c, _, _ in COLUMNS)
    )
    return Profile(
        kind="synth-profile",
        version=1,
        synth_version="0.1.0",
        source=source,
        tables=(
            table,
            Table(
                name="other",
                rows=10,
                columns=(Column(name="x", type="integer", sql_type="INTEGER"),),
            ),
        ),
    )


@pytest.fixture
def fixtures(tmp_path):
    synth.write(profile(), tmp_path / "fx", scale=1.0, seed=3)
    return tmp_path / "fx"


def test_files_have_the_specified_arrow_types(fixtures):
    schema = pq.read_schema(fixtures / "Mixed.Case.parquet")
    for col, arrow, _ in COLUMNS:
        assert schema.field(col.name).type == arrow, col.name
    assert not schema.field("key").nullable and schema.field("int").nullable


def test_load_round_trips_with_the_specified_polars_dtypes(fixtures):
    tables = synth.load(fixtures)
    assert list(tables) == ["Mixed.Case", "other"]
    mixed = tables["Mixed.Case"]
    assert mixed.schema == pl.Schema({c.name: dtype for c, _, dtype in COLUMNS})
    assert mixed.height == 50 and tables["other"].height == 10
    assert mixed.equals(synth.generate(profile(), scale=1.0, seed=3)["Mixed.Case"])


def test_load_follows_manifest_order(fixtures):
    manifest = json.loads((fixtures / "manifest.json").read_text())
    manifest["tables"] = dict(reversed(list(manifest["tables"].items())))
    (fixtures / "manifest.json").write_text(json.dumps(manifest))
    assert list(synth.load(fixtures)) == ["other", "Mixed.Case"]


def test_missing_directory_is_a_source_error(tmp_path):
    with pytest.raises(SourceError, match="does not exist"):
        synth.load(tmp_path / "nowhere")


def test_a_file_is_not_a_fixture_directory(tmp_path):
    (tmp_path / "users.parquet").write_bytes(b"PAR1")
    with pytest.raises(SourceError, match="is a file, not a directory"):
        synth.load(tmp_path / "users.parquet")


def test_directory_without_manifest_is_a_source_error(tmp_path):
    with pytest.raises(SourceError, match="not a synth fixture directory"):
        synth.load(tmp_path)


def test_missing_table_file_is_a_source_error_naming_it(fixtures):
    (fixtures / "other.parquet").unlink()
    with pytest.raises(SourceError, match=r"other\.parquet.*table 'other'"):
        synth.load(fixtures)


def test_read_manifest_takes_a_string_path(fixtures):
    """As the README calls it: ``synth.read_manifest("build/fixtures")``."""
    manifest = synth.read_manifest(str(fixtures))
    assert list(manifest.tables) == list(synth.load(fixtures))
