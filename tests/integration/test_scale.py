"""Generation at scale: the same bytes on any number of workers, shards that add up to the
whole run, a child chunk made without building its parent, and Spark in local mode giving
the same data as a local run.

Tables here span several chunks of :data:`~synth.internal.streams.CHUNK_ROWS` rows (worker
processes cannot be handed a smaller chunk size), so the profiles are narrow.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sys
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

import synth
from synth.generator import GenerateOptions, make_plan
from synth.generator.parallel import (
    CHUNKS_PER_WORKER,
    ChunkMaker,
    Execution,
    default_workers,
    make_chunk,
)
from synth.generator.table import Run
from synth.internal.streams import CHUNK_ROWS, chunk_ranges
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
from tests.cli.test_errors import assert_one_line_error, run

ROWS = 2 * CHUNK_ROWS + 1_000
"""Orders: three chunks."""


def _profile() -> Profile:
    status = ColumnStats(
        frequent=(
            ValueFrequency(value="paid", fraction=0.6),
            ValueFrequency(value="pending", fraction=0.3),
            ValueFrequency(value="PAID", fraction=0.1),
        ),
        distinct=3,
    )
    users = Table(
        name="users",
        rows=5_000,
        primary_key=("id",),
        columns=(
            Column(name="id", type="integer", sql_type="BIGINT", nullable=False),
            Column(
                name="email",
                type="string",
                sql_type="VARCHAR(80)",
                semantic="email",
                stats=ColumnStats(null_fraction=0.1),
            ),
        ),
    )
    orders = Table(
        name="orders",
        rows=100_000,
        primary_key=("id",),
        foreign_keys=(ForeignKey(columns=("user_id",), ref_table="users", ref_columns=("id",)),),
        columns=(
            Column(name="id", type="integer", sql_type="BIGINT", nullable=False),
            Column(
                name="user_id",
                type="integer",
                sql_type="BIGINT",
                stats=ColumnStats(null_fraction=0.05, distinct=4_000),
            ),
            Column(name="status", type="string", sql_type="VARCHAR(10)", stats=status),
            Column(
                name="amount",
                type="decimal",
                sql_type="NUMERIC(10,2)",
                precision=10,
                scale=2,
                stats=ColumnStats(values=Distribution(min=0, p50=40, p99=900, max=5000)),
            ),
            Column(
                name="created_at",
                type="datetime",
                sql_type="TIMESTAMP",
                stats=ColumnStats(
                    values=Distribution(min="2020-01-01T00:00:00", max="2024-06-01T00:00:00")
                ),
            ),
        ),
    )
    source = Source(
        kind="database",
        url="postgresql://scale",
        dialect="postgresql",
        as_of=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
    )
    return Profile(
        kind="synth-profile",
        version=1,
        synth_version=synth.__version__,
        source=source,
        tables=(users, orders),
    )


def _digests(directory: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.iterdir())
        if p.is_file()
    }


@pytest.mark.parametrize("format", ["parquet", "sql"])
def test_the_same_bytes_on_one_or_two_workers(tmp_path: Path, format: str) -> None:
    profile = _profile()
    one = synth.write(profile, tmp_path / "one", rows=ROWS, seed=3, workers=1, format=format)
    two = synth.write(profile, tmp_path / "two", rows=ROWS, seed=3, workers=2, format=format)
    assert one.tables["orders"].rows == ROWS
    assert _digests(tmp_path / "one") == _digests(tmp_path / "two")
    assert one == two


def test_workers_unasked_start_where_the_run_pays_for_them() -> None:
    """Without --workers a pool starts only for runs of at least CHUNKS_PER_WORKER chunks
    a worker; asked for, the number holds (up to one worker a chunk)."""
    profile = _profile()
    small = make_plan(profile, GenerateOptions.of(rows=ROWS))
    assert ChunkMaker(small, Execution.of(None)).workers == 1
    assert ChunkMaker(small, Execution.of(2)).workers == 2
    assert ChunkMaker(small, Execution.of(64)).workers == 4  # 3 orders chunks, 1 of users
    big = make_plan(profile, GenerateOptions.of(rows=2 * CHUNKS_PER_WORKER * CHUNK_ROWS))
    assert min(2, default_workers()) <= ChunkMaker(big, Execution.of(None)).workers
    assert ChunkMaker(big, Execution.of(None)).workers <= default_workers()


def test_shards_together_are_the_single_run(tmp_path: Path) -> None:
    """Shard I/N holds chunks I-1, I-1+N, ... of every table: each shard's row groups are
    the whole run's, chunk for chunk."""
    profile = _profile()
    synth.write(profile, tmp_path / "all", rows=ROWS, seed=5)
    shards = []
    for i in (1, 2, 3):
        manifest = synth.write(profile, tmp_path / f"s{i}", rows=ROWS, seed=5, shard=f"{i}/3")
        assert manifest.options["shard"] == f"{i}/3"
        shards.append(tmp_path / f"s{i}")
    for table in ("users", "orders"):
        whole = pq.ParquetFile(tmp_path / "all" / f"{table}.parquet")
        parts = [pq.ParquetFile(s / f"{table}.parquet") for s in shards]
        chunks = len(list(chunk_ranges(whole.metadata.num_rows)))
        assert whole.num_row_groups == chunks
        assert sum(p.metadata.num_rows for p in parts) == whole.metadata.num_rows
        for k in range(chunks):
            assert parts[k % 3].read_row_group(k // 3).equals(whole.read_row_group(k)), (table, k)


def test_a_child_chunk_is_made_without_building_its_parent() -> None:
    """Integer parent keys are a function of the row: a child chunk draws its parents' row
    numbers and computes their keys alone, never the parent table's key column."""
    plan = make_plan(_profile(), GenerateOptions.of(rows=ROWS, seed=1))
    run = Run(plan)
    start, stop = CHUNK_ROWS, 2 * CHUNK_ROWS
    made = make_chunk(run, "orders", 1, start, stop)
    assert made.table.num_rows == stop - start
    assert run.materialized == set()  # no table's key column was built whole
    users = synth.generate(_profile(), rows=ROWS, seed=1)["users"]
    drawn = pl.from_arrow(made.table).get_column("user_id").drop_nulls()  # type: ignore[union-attr]
    assert drawn.is_in(users.get_column("id").implode()).all()


def test_workers_and_shards_from_the_command_line(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    from synth.model.io import write_profile

    write_profile(_profile(), profile)
    out = tmp_path / "out"
    args = ("--rows", "2000", "--workers", "2", "--shard", "1/2", "-o", str(out))
    done = run("generate", str(profile), *args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert synth.load(out)["orders"].height == 2000  # one chunk, in the first shard
    for bad in (("--shard", "3/2"), ("--shard", "half"), ("--workers", "0")):
        result = run("generate", str(profile), *bad, "-o", str(tmp_path / "bad"), cwd=tmp_path)
        assert_one_line_error(result, bad[0])
        assert not (tmp_path / "bad").exists()


# -- Spark in local mode ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark():
    pyspark = pytest.importorskip("pyspark", reason="the spark extra is not installed")
    if shutil.which("java") is None:
        if os.environ.get("SYNTH_REQUIRE_SERVERS") == "1":
            pytest.fail("no Java runtime for PySpark (SYNTH_REQUIRE_SERVERS=1)")
        pytest.skip("no Java runtime for PySpark")
    os.environ["PYSPARK_PYTHON"] = sys.executable  # executors run this interpreter
    session = (
        pyspark.sql.SparkSession.builder.master("local[2]")
        .appName("synth-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    yield session
    session.stop()


def test_spark_writes_the_same_data_as_a_local_run(spark, tmp_path: Path) -> None:
    import synth.spark

    profile = _profile()
    out = tmp_path / "spark"
    out.mkdir()
    rows = synth.spark.write(spark, profile, out, rows=ROWS, seed=9)
    local = synth.generate(profile, rows=ROWS, seed=9)
    assert rows == {key: frame.height for key, frame in local.items()}
    written = synth.load(out)
    for key, frame in local.items():
        assert written[key].equals(frame), key
    frames = synth.spark.generate(spark, profile, rows=5_000, seed=9)
    assert frames["orders"].count() == synth.generate(profile, rows=5_000, seed=9)["orders"].height
