"""synth on Spark: the same chunks, made inside Spark executors, written by Spark.

For fixture sets that outgrow one machine. Every chunk of a table is a pure function of
the plan and its index (see :mod:`synth.generator.parallel`), so Spark only has to hand
out chunk indices: one row per chunk, one partition per row, and ``mapInArrow`` runs
:func:`~synth.generator.parallel.make_chunk` on each, in an executor that builds the
run from the plan once. The tables are the same data as a local ``synth.write`` of the
same profile, options and seed (row for row, in order); Spark writes them as Parquet, one
part file per chunk, with a ``manifest.json`` that ``synth.load`` reads. Needs the
``spark`` extra (``pip install 'synth-fixtures[spark]'``) and a Java runtime.

.. code-block:: python

    from pyspark.sql import SparkSession
    import synth.spark

    spark = SparkSession.builder.getOrCreate()
    frames = synth.spark.generate(spark, "profiles/shop.yaml", rows=100_000_000)
    synth.spark.write(spark, "profiles/shop.yaml", "s3://bucket/fixtures", rows=10**9)
"""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Unpack

import pyarrow as pa

from synth.errors import UsageError
from synth.generator.options import GenerateArgs, GenerateOptions
from synth.generator.plan import Plan, TablePlan, make_plan
from synth.internal.streams import chunk_ranges
from synth.model import Profile
from synth.model.arrow import arrow_schema

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

__all__ = ["generate", "write"]


def _profile(profile: Profile | str | Path) -> Profile:
    if isinstance(profile, Profile):
        return profile
    from synth.model.io import read_profile

    return read_profile(Path(profile))


def _spark_schema(schema: pa.Schema) -> pa.Schema:
    """The Arrow schema Spark can take: dictionary columns as their values, times of day
    as text (Spark has no time type)."""
    fields = []
    for f in schema:
        t = f.type
        if pa.types.is_dictionary(t):
            t = t.value_type
        if pa.types.is_time(t):
            t = pa.string()
        fields.append(pa.field(f.name, t, nullable=True))
    return pa.schema(fields)


def _chunks_of(plan_bytes: bytes, key: str, schema: pa.Schema) -> Any:
    """The function Spark runs on each partition: chunk indices in, the chunks' rows out."""

    def make(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from synth.generator.parallel import make_chunk

        run = _executor_run(plan_bytes)
        for batch in batches:
            for index, start, stop in zip(*(c.to_pylist() for c in batch.columns), strict=True):
                made = make_chunk(run, key, index, start, stop)
                yield from made.table.cast(schema).to_batches()

    return make


_RUNS: dict[int, Any] = {}
"""The run of each plan an executor's Python worker has made chunks of (by the plan's hash):
built once, reused by the next partition of the same job."""


def _executor_run(plan_bytes: bytes) -> Any:
    from synth.generator.table import Run

    key = hash(plan_bytes)
    if key not in _RUNS:
        _RUNS.clear()  # one plan at a time: a new job's plan replaces the last
        _RUNS[key] = Run(pickle.loads(plan_bytes))
    return _RUNS[key]


def _frames(spark: SparkSession, plan: Plan) -> Iterator[tuple[TablePlan, DataFrame]]:
    from pyspark.sql.types import LongType, StructField, StructType

    plan_bytes = pickle.dumps(plan)
    indices = StructType([StructField(n, LongType(), False) for n in ("chunk", "start", "stop")])
    from synth.generator.table import output_columns

    for tp in plan.tables:
        schema = _spark_schema(arrow_schema(output_columns(tp)))
        ranges = list(chunk_ranges(tp.rows))
        # one chunk per partition, partitions in chunk order: the rows come out in order
        rdd = spark.sparkContext.parallelize(ranges, max(1, len(ranges)))
        chunks = spark.createDataFrame(rdd, indices)
        from pyspark.sql.pandas.types import from_arrow_schema

        yield (
            tp,
            chunks.mapInArrow(_chunks_of(plan_bytes, tp.key, schema), from_arrow_schema(schema)),
        )


def generate(
    spark: SparkSession, profile: Profile | str | Path, **options: Unpack[GenerateArgs]
) -> dict[str, DataFrame]:
    """The tables of ``profile`` as Spark DataFrames (lazy: nothing runs until an action),
    table key -> DataFrame, parents first; the keywords are those of
    :func:`synth.generate`."""
    plan = make_plan(_profile(profile), GenerateOptions.of(**options))
    return {tp.key: frame for tp, frame in _frames(spark, plan)}


def write(
    spark: SparkSession,
    profile: Profile | str | Path,
    out: str | Path,
    **options: Unpack[GenerateArgs],
) -> dict[str, int]:
    """Generate the tables of ``profile`` in Spark and write them as Parquet under ``out``
    (``<out>/<table>/part-*.parquet``), with a ``manifest.json`` naming the part files in
    order when ``out`` is a local path (``synth.load`` reads it); returns rows per table."""
    from synth._version import __version__
    from synth.model.io import profile_digest
    from synth.model.manifest import MANIFEST_NAME, Manifest, TableOutput

    original = _profile(profile)
    plan = make_plan(original, GenerateOptions.of(**options))
    target = str(out)
    spark.conf.set("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
    outputs: dict[str, TableOutput] = {}
    for tp, frame in _frames(spark, plan):
        where = f"{target.rstrip('/')}/{tp.key.replace('/', '_')}"
        frame.write.mode("overwrite").parquet(where)
        local = Path(where)
        files = sorted(p.name for p in local.glob("part-*.parquet")) if local.is_dir() else []
        outputs[tp.key] = TableOutput(
            rows=tp.rows, files=tuple(f"{local.name}/{name}" for name in files)
        )
    if Path(target).is_dir():
        manifest = Manifest(
            synth_version=__version__,
            profile_digest=profile_digest(plan.original or original),
            seed=plan.seed,
            format="parquet",
            options={**plan.options.record(plan.profile.source.as_of), "engine": "spark"},
            tables=outputs,
            traits={},
        )
        (Path(target) / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")
    elif not target.startswith(("s3:", "s3a:", "gs:", "abfs:", "hdfs:", "file:")):
        raise UsageError(f"out={target!r}: Spark wrote nothing there; pass a directory")
    return {tp.key: tp.rows for tp in plan.tables}
