"""Enum columns in Parquet: dictionary-encoded with their categories, and never wrong when
generated values leave the profile's categories, in the first chunk or a later one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pyarrow as pa
import pytest

import synth
from synth.generator import make_plan, output_columns
from synth.generator.options import GenerateOptions
from synth.model.arrow import arrow_schema, enum_categories
from synth.writers.base import TableTarget
from synth.writers.parquet import ParquetFixtureWriter

SHOP = Path(__file__).resolve().parents[3] / "profiles" / "shop.yaml"


def _target() -> tuple[TableTarget, ParquetFixtureWriter]:
    plan = make_plan(synth.read_profile(SHOP), GenerateOptions(rows=10))
    tp = plan.get("tenants")
    assert tp is not None
    columns = tuple(output_columns(tp))
    target = TableTarget(tp, columns, arrow_schema(columns), "tenants", (), {"synth.seed": "0"})
    return target, ParquetFixtureWriter(plan, {})


def _chunk(target: TableTarget, sources: list[str]) -> pa.Table:
    n = len(sources)
    frame = pl.DataFrame(
        {
            "id": range(1, n + 1),
            "name": ["t"] * n,
            "plan": ["free"] * n,
            "region": ["eu"] * n,
            "source": sources,
            "migrated_from": [None] * n,
            "created_at": [dt.datetime(2024, 1, 1)] * n,
        }
    )
    return frame.to_arrow().cast(target.schema, safe=False)


def test_the_profile_names_the_categories() -> None:
    tenants = synth.read_profile(SHOP).table("tenants")
    assert enum_categories(tenants.column("source")) == ("signup", "legacy_import")
    assert enum_categories(tenants.column("plan")) is None  # no declared domain


@pytest.mark.parametrize("late", [False, True], ids=["first chunk", "later chunk"])
def test_values_outside_the_categories_widen_them(tmp_path: Path, late: bool) -> None:
    target, writer = _target()
    writer.begin(tmp_path)
    chunks = [_chunk(target, ["signup", "legacy_import"]), _chunk(target, ["imported ", "signup"])]
    if not late:
        chunks.reverse()
    out = writer.write_table(target, chunks)
    frame = pl.read_parquet(tmp_path / out.files[0])
    assert frame.schema["source"] == pl.Enum(["signup", "legacy_import", "imported "])
    expected = [s for c in chunks for s in c.column("source").to_pylist()]
    assert frame.get_column("source").cast(pl.String).to_list() == expected
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tenants.parquet"]  # no leftovers
