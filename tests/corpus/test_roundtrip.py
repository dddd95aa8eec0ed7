"""The whole loop on every corpus entry, on the real servers: profile the seeded source,
generate Parquet and SQL, load ``data.sql`` with the dialect's own client into an empty copy
of the original DDL, ``synth load`` the Parquet into another, ``synth validate``, and compare
every relation's orphan and childless-parent shares with the source's
(see :mod:`tests.corpus.roundtrip`).

Entries in ``KNOWN_FAILING`` are strict xfails naming what still breaks: when one starts to
pass, the xfail fails and the entry must leave the list.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.corpus import ENTRIES, Entry, clients_available
from tests.corpus.roundtrip import roundtrip

MARKS = {"postgresql": [pytest.mark.postgres], "mariadb": [pytest.mark.mysql], "sqlite": []}

KNOWN_FAILING: dict[str, str] = {
    "charsets_mariadb": "4-byte dirt in utf8mb3/latin1 columns, SET members past the length",
    "cross_schema_postgresql": "CHECK comparing two columns (hire date after birth)",
    "fk_cycle_sqlite": "CHECK ... LIKE 'SKU-%'",
    "nan_inf_postgresql": "CHECK between columns; REAL compared as float64 by validate",
    "nan_inf_sqlite": "CHECK decommissioned_on >= commissioned_on",
    "partitioned_postgresql": "CHECK between columns",
    "shared_pk_sqlite": "CHECK LIKE; a trigger filling stock rows",
    "spatial_mariadb": "POINT NOT NULL columns left out",
    "tsvector_postgresql": "tsvector NOT NULL columns; CHECK between columns",
    "undeclared_fk_mariadb": "a trigger writing order_audit rows; CHECK LIKE",
}


def _params() -> list[Any]:
    out = []
    for e in ENTRIES:
        marks = list(MARKS[e.dialect])
        if e.name in KNOWN_FAILING:
            marks.append(pytest.mark.xfail(reason=KNOWN_FAILING[e.name], strict=True))
        out.append(pytest.param(e, id=e.name, marks=marks))
    return out


@pytest.mark.parametrize("entry", _params())
def test_entry_round_trips(
    entry: Entry, new_database: Callable[[str], str], tmp_path: Path
) -> None:
    if not clients_available()[entry.dialect]:
        pytest.skip(f"the {entry.dialect} command-line client is not installed")
    urls = [new_database(entry.dialect) for _ in range(3)]
    result = roundtrip(entry, *urls, tmp_path)
    assert result.ok, "\n".join(f"[{stage}] {what}" for stage, what in result.failures.items())
