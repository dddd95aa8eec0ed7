"""The Parquet writer: byte-identical output, atomic replacement, clear refusals."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import synth
from synth.errors import OutputError, UsageError
from synth.internal.streams import CHUNK_ROWS
from synth.model import (
    Column,
    ColumnStats,
    Distribution,
    ForeignKey,
    Profile,
    Source,
    Table,
    ValueFrequency,
)
from synth.model.io import profile_digest


def shop(extra_table: Table | None = None) -> Profile:
    customers = Table(
        name="Customers",
        rows=300,
        primary_key=("id",),
        columns=(
            Column(name="id", type="integer", sql_type="INTEGER", nullable=False, size=4),
            Column(
                name="email", type="string", sql_type="VARCHAR(50)", length=50, semantic="email"
            ),
            Column(
                name="tier",
                type="string",
                sql_type="TEXT",
                stats=ColumnStats(frequent=(ValueFrequency(value="gold", fraction=0.2),)),
            ),
            Column(name="joined", type="datetime", sql_type="TIMESTAMPTZ", timezone=True),
            Column(
                name="balance",
                type="decimal",
                sql_type="NUMERIC(10,2)",
                precision=10,
                scale=2,
                stats=ColumnStats(values=Distribution(min=0, max=1000)),
            ),
        ),
    )
    orders = Table(
        name="orders",
        rows=900,
        primary_key=("id",),
        foreign_keys=(
            ForeignKey(columns=("customer_id",), ref_table="Customers", ref_columns=("id",)),
        ),
        columns=(
            Column(name="id", type="integer", sql_type="BIGINT", nullable=False),
            Column(name="customer_id", type="integer", sql_type="INTEGER", size=4),
            Column(
                name="note", type="string", sql_type="TEXT", stats=ColumnStats(null_fraction=0.5)
            ),
        ),
    )
    tables = (customers, orders) + ((extra_table,) if extra_table else ())
    source = Source(
        kind="database", url="sqlite:///shop.db", as_of=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    )
    return Profile(
        kind="synth-profile", version=1, synth_version="0.1.0", source=source, tables=tables
    )


def files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def leftovers(parent: Path) -> list[str]:
    return [p.name for p in parent.iterdir() if ".synth-" in p.name]


def test_same_inputs_give_byte_identical_files(tmp_path):
    synth.write(shop(), tmp_path / "a", rows=500, seed=9)
    synth.write(shop(), tmp_path / "b", rows=500, seed=9)
    synth.write(shop(), tmp_path / "c", rows=500, seed=10)
    a, b, c = files(tmp_path / "a"), files(tmp_path / "b"), files(tmp_path / "c")
    assert list(a) == ["Customers.parquet", "manifest.json", "orders.parquet"]
    assert a == b
    assert a["orders.parquet"] != c["orders.parquet"]


def test_manifest_describes_the_run(tmp_path):
    profile = shop()
    manifest = synth.write(profile, tmp_path / "out", rows=90, seed=4, tables=["orders"])
    on_disk = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert on_disk == json.loads(manifest.to_json())
    assert on_disk["profile_digest"] == profile_digest(profile)
    assert on_disk["seed"] == 4 and on_disk["format"] == "parquet"
    assert on_disk["options"] == {
        "rows": 90,
        "scale": None,
        "tables": ["orders"],
        "min_trait_rows": 1,
        "boost": {},
        "as_of": profile.source.as_of.isoformat(),
    }
    assert on_disk["tables"] == {"orders": {"rows": 90, "files": ["orders.parquet"]}}


def test_written_files_equal_the_in_memory_tables(tmp_path):
    synth.write(shop(), tmp_path / "out", rows=700, seed=2)
    loaded = synth.load(tmp_path / "out")
    generated = synth.generate(shop(), rows=700, seed=2)
    assert list(loaded) == list(generated)
    for key, frame in generated.items():
        assert loaded[key].equals(frame), key


def test_one_row_group_per_chunk(tmp_path):
    big = Table(
        name="big",
        rows=CHUNK_ROWS + 5,
        columns=(Column(name="x", type="integer", sql_type="INTEGER", size=4),),
    )
    synth.write(shop(big), tmp_path / "out", scale=1.0, tables=["big"])
    meta = pq.ParquetFile(tmp_path / "out" / "big.parquet").metadata
    assert meta.num_row_groups == 2 and meta.num_rows == CHUNK_ROWS + 5


def test_an_existing_fixture_directory_is_replaced(tmp_path):
    out = tmp_path / "fixtures"
    synth.write(shop(), out, rows=100, seed=1)
    (out / "stale.parquet").write_bytes(b"old")
    synth.write(shop(), out, rows=50, seed=2, tables=["Customers"])
    assert sorted(files(out)) == ["Customers.parquet", "manifest.json"]
    assert leftovers(tmp_path) == []


def test_a_failure_mid_way_leaves_the_old_directory_intact_and_no_temp_dir(tmp_path):
    out = tmp_path / "fixtures"
    synth.write(shop(), out, rows=100, seed=1)
    before = files(out)
    impossible = Table(
        name="zz_codes",
        rows=900,
        primary_key=("c",),
        columns=(Column(name="c", type="string", sql_type="CHAR(1)", length=1, nullable=False),),
    )
    with pytest.raises(UsageError, match=r"zz_codes\.c"):
        # Customers and orders are written first, then zz_codes fails
        synth.write(shop(impossible), out, scale=1.0, seed=1)
    assert files(out) == before
    assert leftovers(tmp_path) == []


def test_an_unknown_table_changes_nothing(tmp_path):
    out = tmp_path / "fixtures"
    synth.write(shop(), out, rows=100, seed=1)
    before = files(out)
    with pytest.raises(UsageError, match="table='nope'"):
        synth.write(shop(), out, tables=["nope"])
    assert files(out) == before
    assert leftovers(tmp_path) == []


def test_a_non_fixture_directory_is_never_replaced(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.tex").write_text("precious")
    with pytest.raises(OutputError, match=r"mine.* holds no synth fixtures"):
        synth.write(shop(), out, rows=10)
    assert (out / "thesis.tex").read_text() == "precious"
    assert leftovers(tmp_path) == []


def test_an_empty_existing_directory_is_used(tmp_path):
    (tmp_path / "empty").mkdir()
    synth.write(shop(), tmp_path / "empty", rows=10)
    assert (tmp_path / "empty" / "manifest.json").is_file()


@pytest.mark.parametrize("target", ["file", "under-a-file"])
def test_an_unwritable_output_is_an_output_error(tmp_path, target):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    out = blocker if target == "file" else blocker / "fixtures"
    with pytest.raises(OutputError, match="blocker") as info:
        synth.write(shop(), out, rows=10)
    assert "\n" not in str(info.value)
    assert leftovers(tmp_path) == []


def test_an_unknown_format_lists_the_registered_ones(tmp_path):
    with pytest.raises(UsageError, match=r"format='xlsx'.*parquet"):
        synth.write(shop(), tmp_path / "out", format="xlsx")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("depth", [1, 2], ids=["parent-is-a-file", "grandparent-is-a-file"])
def test_a_profile_under_a_file_is_one_output_error(tmp_path, depth):
    """Profiles, suites and reports share one atomic text writer: a file in the way is
    named in one line, and nothing is left behind."""
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    out = blocker / "p.yaml" if depth == 1 else blocker / "sub" / "p.yaml"
    with pytest.raises(OutputError, match=r"'.*blocker' is a file, not a directory") as info:
        synth.write_profile(shop(), out)
    assert "\n" not in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]
