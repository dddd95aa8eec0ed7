"""Fixtures generated once per session: the demo profile at 10,000 rows, and the same
from a tampered copy (a trait removed, a NULL rate changed)."""

from __future__ import annotations

from pathlib import Path

import pytest

import synth
from synth.model import Profile

SHOP = Path(__file__).resolve().parents[2] / "profiles" / "shop.yaml"
ROWS = 10_000


def tampered(profile: Profile) -> Profile:
    """``users.email`` without its ``whitespace_padded`` trait (nor the format masks that
    hold the padding), ``users.postal_code`` NULL in half of the rows instead of 14.7%."""
    tables = []
    for table in profile.tables:
        if table.key == "users":
            columns = []
            for col in table.columns:
                if col.name == "email":
                    kept = tuple(  # the padding, and the format masks holding it
                        t for t in col.stats.traits
                        if t.trait != "whitespace_padded" and str(t.value).strip() == str(t.value)
                    )  # fmt: skip
                    col = col.model_copy(
                        update={"stats": col.stats.model_copy(update={"traits": kept})}
                    )
                if col.name == "postal_code":
                    stats = col.stats.model_copy(update={"null_fraction": 0.5})
                    col = col.model_copy(update={"stats": stats})
                columns.append(col)
            table = table.model_copy(update={"columns": tuple(columns)})
        tables.append(table)
    return profile.model_copy(update={"tables": tuple(tables)})


@pytest.fixture(scope="session")
def shop() -> Profile:
    return synth.read_profile(SHOP)


@pytest.fixture(scope="session")
def good_dir(tmp_path_factory: pytest.TempPathFactory, shop: Profile) -> Path:
    out = tmp_path_factory.mktemp("validate") / "good"
    synth.write(shop, out, rows=ROWS, seed=3)
    return out


@pytest.fixture(scope="session")
def bad_dir(tmp_path_factory: pytest.TempPathFactory, shop: Profile) -> Path:
    out = tmp_path_factory.mktemp("validate") / "bad"
    synth.write(tampered(shop), out, rows=ROWS, seed=3)
    return out
