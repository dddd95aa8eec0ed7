"""String dirt planted in real databases (and a Parquet file), profiled, and reproduced.

Traits: ``whitespace_padded``, ``empty_string``, ``case_variant``, ``non_ascii``,
``control_chars``, ``max_length``, ``leading_zeros``. Each is planted in its own
column of one table at a known share; the generated data is measured with plain
polars predicates written here (not the traits' own probes or carriers).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl
import pytest

import synth
from synth.model import Profile, Table
from synth.traits import get
from tests.integration.traits_support import ROWS, SMALL, Db, close_enough

SOURCE_ROWS = 2000
SEED = 11
ACCENTED = ("Café {}", "Zoë {}", "ok {} 👍", "日本 {}")
BROKEN = ("line {}\nnext", "a\tb{}", "x{}\r\ny")


def _row(i: int) -> dict[str, object]:
    """Row ``i`` of the source table: every dirty column at an exact share."""
    pair, second = divmod(i, 2)
    email = f"user{pair if i < 120 else i}@example.com"
    if i < 120 and second:
        email = email.upper() if pair % 2 else email.title()  # 60 colliding pairs: 6%
    return {
        "id": i + 1,
        "plan": _plan(i),
        "email": None if i >= 1900 else email,
        "title": ACCENTED[i % 4].format(i) if i % 25 < 2 else f"item {i}",  # 8%
        "memo": BROKEN[i % 3].format(i) if i % 20 == 0 else f"memo {i}",  # 5%
        "code": f"C{i:011d}" if i % 100 < 7 else f"C{i}",  # 7% at VARCHAR(12)'s length
        "zone": f"0{i:04d}" if i % 10 == 0 else f"{1 + i % 9}{i:04d}",  # 10% leading zeros
        "padded": f"pad{i} " if i % 25 == 0 else f"pad{i}",  # 4%
        "tag": "" if i % 20 == 1 else f"tag{i}",  # 5%
        "clean": f"clean{i}",
    }


def _plan(i: int) -> str:
    """Frequent values: 'pro' 50%, 'free' 40%, 'Pro' 6%, 'PRO' 4% (60% collide)."""
    k = i % 50
    return "pro" if k < 25 else "free" if k < 45 else "Pro" if k < 48 else "PRO"


ROWS_DATA = [_row(i) for i in range(SOURCE_ROWS)]
DDL = """CREATE TABLE people (
    id INTEGER PRIMARY KEY,
    plan VARCHAR(10) NOT NULL,
    email VARCHAR(60),
    title VARCHAR(40),
    memo VARCHAR(80),
    code VARCHAR(12),
    zone VARCHAR(10),
    padded VARCHAR(40),
    tag VARCHAR(20),
    clean VARCHAR(40)
)"""


def _case_variant(frame: pl.DataFrame, column: str) -> pl.Series:
    """Rows whose value meets another distinct value of the column once lower-cased."""
    keys = frame.get_column(column).str.to_lowercase()
    spread = frame.select(pl.col(column).n_unique().over(keys)).to_series()
    return frame.get_column(column).is_not_null() & (spread > 1)


MEASURES: dict[tuple[str, str], Callable[[pl.DataFrame], pl.Series]] = {
    ("plan", "case_variant"): lambda f: _case_variant(f, "plan"),
    ("email", "case_variant"): lambda f: _case_variant(f, "email"),
    ("title", "non_ascii"): lambda f: f["title"].str.contains(r"[^\x00-\x7F]"),
    ("memo", "control_chars"): lambda f: f["memo"].str.contains("\t|\n|\r"),
    ("code", "max_length"): lambda f: f["code"].str.len_chars() == 12,
    ("zone", "leading_zeros"): lambda f: f["zone"].str.contains(r"^0\d+$"),
    ("padded", "whitespace_padded"): lambda f: f["padded"].str.contains(r"^ | $"),
    ("tag", "empty_string"): lambda f: f["tag"] == "",
}
"""(column, trait) -> which rows of a frame carry it, written independently of the traits."""
PLANTED = {
    ("plan", "case_variant"): 0.60,
    ("email", "case_variant"): 0.06,
    ("title", "non_ascii"): 0.08,
    ("memo", "control_chars"): 0.05,
    ("code", "max_length"): 0.07,
    ("zone", "leading_zeros"): 0.10,
    ("padded", "whitespace_padded"): 0.04,
    ("tag", "empty_string"): 0.05,
}
LENGTHS = {"plan": 10, "email": 60, "title": 40, "memo": 80, "code": 12, "zone": 10,
           "padded": 40, "tag": 20, "clean": 40}  # fmt: skip


def _found(table: Table) -> dict[tuple[str, str], float]:
    """(column, trait) -> measured share, from column and table traits."""
    found = {
        (c.name, t.trait): t.fraction
        for c in table.columns
        for t in c.stats.traits
        if t.trait not in ("format", "delimiter")  # shapes of every column: test_formats.py
    }
    found |= {
        (t.columns[0], t.trait): t.fraction for t in table.traits if t.trait == "case_variant"
    }
    return found


def _share(frame: pl.DataFrame, mask: pl.Series) -> float:
    return float(mask.fill_null(False).sum()) / frame.height


def _check_profile(profile: Profile) -> None:
    found = _found(profile.table("people"))
    assert set(found) == set(PLANTED), found
    for key, planted in PLANTED.items():
        assert found[key] == pytest.approx(planted, abs=1e-6), key
    people = profile.table("people")
    assert {t.trait for t in people.column("clean").stats.traits} <= {"format"}
    # 'plan' is measured from its frequent values; the 8 other text columns by one query
    # (a branch each), whatever their number
    assert get("case_variant").max_queries(people) == 1  # type: ignore[union-attr]


def _check_generated(profile: Profile) -> None:
    people = synth.generate(profile, rows=ROWS, seed=SEED)["people"]
    for key, planted in PLANTED.items():
        measured = _share(people, MEASURES[key](people))
        assert close_enough(measured, planted), (key, measured, planted)
    for name, length in LENGTHS.items():
        assert (people[name].drop_nulls().str.len_chars() <= length).all(), name
    assert set(people["plan"].unique()) <= {"pro", "free", "Pro", "PRO"}  # real values only
    for key, measure in MEASURES.items():  # the clean column stays clean of every shape
        assert _share(people, measure(people.with_columns(pl.col("clean").alias(key[0])))) < 0.01

    for seed in range(3):
        small = synth.generate(profile, rows=SMALL, seed=seed)["people"]
        for key, measure in MEASURES.items():
            assert measure(small).fill_null(False).any(), (key, seed)


def test_string_dirt_is_measured_and_reproduced(db: Db) -> None:
    db.run(DDL, rows={"people": ROWS_DATA})
    profile = synth.profile(db.url)
    _check_profile(profile)
    _check_generated(profile)


@pytest.fixture(scope="module")
def file_profile(tmp_path_factory: pytest.TempPathFactory) -> Profile:
    """The same rows written to Parquet by polars, profiled by the files profiler."""
    path = tmp_path_factory.mktemp("strings") / "people.parquet"
    pl.DataFrame(ROWS_DATA).write_parquet(path)
    return synth.profile(str(path))


def test_files_profiler_finds_the_same_string_traits(file_profile: Profile) -> None:
    found = _found(file_profile.table("people"))
    assert set(found) == set(PLANTED) - {("code", "max_length")}  # Parquet declares no length
    for key, share in found.items():
        assert share == pytest.approx(PLANTED[key], abs=1e-6), key
    people = synth.generate(file_profile, rows=ROWS, seed=SEED)["people"]
    for key in found:
        assert close_enough(_share(people, MEASURES[key](people)), PLANTED[key]), key


def test_boost_raises_case_variants_with_real_values(file_profile: Profile) -> None:
    people = synth.generate(
        file_profile, rows=ROWS, seed=SEED, boost={"people:case_variant": 0.8}
    )["people"]  # fmt: skip
    for column in ("plan", "email"):
        assert close_enough(_share(people, _case_variant(people, column)), 0.8), column
    assert set(people["plan"].unique()) <= {"pro", "free", "Pro", "PRO"}
    again = synth.generate(file_profile, rows=ROWS, seed=SEED, boost={"people:case_variant": 0.8})
    assert again["people"].equals(people)  # deterministic
