"""The profiler's shared rules: CHECK parsing, nearest rank, value normalization, cardinality."""

from __future__ import annotations

import datetime as dt
import math
import random
import uuid
from decimal import Decimal
from typing import Any

import pytest

from synth.model import LogicalType, SemanticType
from synth.model.values import to_scalar
from synth.profiler.checks import parse_in_list, parse_json_valid
from synth.profiler.stats import nearest_rank, wants_frequent

L = LogicalType


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        pytest.param("status IN ('a', 'b')", ("status", ("a", "b")), id="sqlite"),
        pytest.param("`status` in ('a','b''c')", ("status", ("a", "b'c")), id="mariadb"),
        pytest.param('"Order Status" IN (\'x\')', ("Order Status", ("x",)), id="quoted"),
        pytest.param(
            "((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])"
            "::text[]))",
            ("status", ("a", "b")), id="postgresql-cast",
        ),
        pytest.param(
            "status::text = ANY (ARRAY['a'::character varying(20), 'b'::character varying]"
            "::text[])",
            ("status", ("a", "b")), id="postgresql-15",
        ),
        pytest.param(
            "VALUE = ANY (ARRAY['x'::text, 'y'::text])", ("VALUE", ("x", "y")), id="domain"
        ),
        pytest.param("status NOT IN ('a', 'b')", None, id="not-in"),
        pytest.param("status IN ('a') AND total > 0", None, id="and"),
        pytest.param("rating IN (1, 2, 3)", None, id="numbers"),
        pytest.param("total > 0", None, id="comparison"),
        pytest.param("json_valid(`doc`)", None, id="json-valid"),
    ],
)  # fmt: skip
def test_parse_in_list(sql: str, expected: tuple[str, tuple[str, ...]] | None) -> None:
    assert parse_in_list(sql) == expected


def test_parse_json_valid() -> None:
    assert parse_json_valid("json_valid(`prefs`)") == "prefs"
    assert parse_json_valid("(json_valid(doc))") == "doc"
    assert parse_json_valid("json_valid(`a`) and 1") is None


def test_nearest_rank_is_ceil_of_percent_times_n() -> None:
    r = random.Random(3)
    for n in [1, 2, 3, 7, 10, 99, 100, 101, 1000, 12345, *r.sample(range(1, 10**7), 200)]:
        for percent in (1, 5, 10, 25, 50, 75, 90, 95, 99):
            assert nearest_rank(percent, n) == max(1, math.ceil(percent * n / 100)), (percent, n)


@pytest.mark.parametrize(
    ("value", "logical", "expected"),
    [
        (Decimal("12.50"), L.DECIMAL, 12.5),
        (Decimal("7"), L.INTEGER, 7),
        (3, L.FLOAT, 3.0),
        (1, L.BOOLEAN, True),
        (0, L.BOOLEAN, False),
        (2, L.BOOLEAN, 2),
        (float("nan"), L.FLOAT, None),
        (b"\x00", L.BINARY, None),
        (dt.datetime(2024, 1, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=2))), L.DATETIME,
         "2024-01-01T10:00:00+00:00"),
        (dt.datetime(2024, 1, 1, 12), L.DATETIME, "2024-01-01T12:00:00"),
        ("2024-01-01 12:00:00.500000", L.DATETIME, "2024-01-01T12:00:00.500000"),
        ("2024-01-01", L.DATE, "2024-01-01"),
        (dt.timedelta(hours=10, minutes=11, seconds=12), L.TIME, "10:11:12"),
        (dt.timedelta(hours=30), L.TIME, "1 day, 6:00:00"),
        (uuid.UUID(int=1), L.UUID, "00000000-0000-0000-0000-000000000001"),
        ("not a date", L.DATE, "not a date"),
    ],
)  # fmt: skip
def test_to_scalar(value: Any, logical: LogicalType, expected: Any) -> None:
    got = to_scalar(value, logical)
    assert got == expected and type(got) is type(expected)


def test_wants_frequent() -> None:
    assert wants_frequent(L.STRING, None, distinct=3, nonnull=100, has_domain=False)
    assert not wants_frequent(L.STRING, None, distinct=51, nonnull=1000, has_domain=False)
    assert not wants_frequent(L.INTEGER, None, distinct=10, nonnull=15, has_domain=False)
    assert wants_frequent(L.BOOLEAN, None, distinct=2, nonnull=2, has_domain=False)
    assert wants_frequent(L.STRING, None, distinct=200, nonnull=300, has_domain=True)
    assert not wants_frequent(
        L.STRING, SemanticType.NAME, distinct=3, nonnull=100, has_domain=False
    )
    assert wants_frequent(L.STRING, SemanticType.COUNTRY, distinct=3, nonnull=100, has_domain=False)
    assert not wants_frequent(L.BINARY, None, distinct=2, nonnull=100, has_domain=False)
    assert not wants_frequent(L.STRING, None, distinct=0, nonnull=0, has_domain=True)
