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

KNOWN_FAILING: dict[str, str] = {}


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
