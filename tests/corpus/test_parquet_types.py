"""Parquet fixtures keep the schema the profile knows, for pandas, polars and DuckDB alike:
every corpus entry (real DDL on its real server) is profiled and generated, and every
column of every file is read back by the three readers and compared with the profile
(:mod:`tests.corpus.parquet_types`); so is the committed demo profile."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import synth
from tests.corpus import ENTRIES, clients_available
from tests.corpus.parquet_types import mismatches
from tests.corpus.roundtrip import ROWS, profile_entry

SHOP = Path(__file__).resolve().parents[2] / "profiles" / "shop.yaml"
MARKS = {"postgresql": [pytest.mark.postgres], "mariadb": [pytest.mark.mysql], "sqlite": []}


def _params() -> list[Any]:
    return [pytest.param(e, id=e.name, marks=MARKS[e.dialect]) for e in ENTRIES]


@pytest.mark.parametrize("entry", _params())
def test_corpus_fixtures_read_back_with_the_profiles_types(
    entry: Any, new_database: Callable[[str], str], tmp_path: Path
) -> None:
    if not clients_available()[entry.dialect]:
        pytest.skip(f"the {entry.dialect} command-line client is not installed")
    profile = profile_entry(entry, new_database(entry.dialect))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        synth.write(profile, tmp_path / "fx", rows=ROWS)
    assert mismatches(profile, tmp_path / "fx") == []


def test_demo_fixtures_read_back_with_the_profiles_types(tmp_path: Path) -> None:
    profile = synth.read_profile(SHOP)
    synth.write(profile, tmp_path / "fx", rows=500)
    assert mismatches(profile, tmp_path / "fx") == []
