"""Semantic rules: column names, and value shapes measured identically in SQL and polars."""

from __future__ import annotations

import polars as pl
import pytest
import sqlalchemy as sa

from synth.model import LogicalType, SemanticType
from synth.profiler.semantic import (
    SHAPE_RULES,
    like_to_regex,
    semantic_from_name,
    semantic_from_shapes,
    shape_rules_for,
)

S = SemanticType
L = LogicalType


@pytest.mark.parametrize(
    ("name", "logical", "expected"),
    [
        ("email", L.STRING, S.EMAIL),
        ("customerEmail", L.STRING, S.EMAIL),
        ("email_address", L.STRING, S.EMAIL),
        ("ip_address", L.STRING, S.IP),
        ("client_ip", L.STRING, S.IP),
        ("user_name", L.STRING, S.USERNAME),
        ("username", L.STRING, S.USERNAME),
        ("first_name", L.STRING, S.FIRST_NAME),
        ("LastName", L.STRING, S.LAST_NAME),
        ("surname", L.STRING, S.LAST_NAME),
        ("name", L.STRING, S.NAME),
        ("full_name", L.STRING, S.NAME),
        ("customer_name", L.STRING, S.NAME),
        ("company_name", L.STRING, S.COMPANY),
        ("phone_number", L.STRING, S.PHONE),
        ("mobile", L.STRING, S.PHONE),
        ("website", L.STRING, S.URL),
        ("image_url", L.STRING, S.URL),
        ("city", L.STRING, S.CITY),
        ("country_code", L.STRING, S.COUNTRY),
        ("zip", L.STRING, S.POSTCODE),
        ("postal_code", L.STRING, S.POSTCODE),
        ("billing_address", L.STRING, S.ADDRESS),
        ("address_line1", L.STRING, S.ADDRESS),
        ("street", L.STRING, S.ADDRESS),
        ("uuid", L.STRING, S.UUID),
        ("order_guid", L.UUID, S.UUID),
        ("status", L.STRING, None),
        ("hotel", L.STRING, None),
        ("shipment", L.STRING, None),
        ("zip", L.INTEGER, None),
        ("email", L.UUID, None),
        ("name", L.JSON, None),
    ],
)
def test_semantic_from_name(name: str, logical: LogicalType, expected: SemanticType | None) -> None:
    assert semantic_from_name(name, logical) is expected


SAMPLES: list[tuple[str, set[SemanticType]]] = [
    ("ann@example.com", {S.EMAIL}),
    ("Ann.Lee@Mail.Example.ORG", {S.EMAIL}),
    ("ann@example", set()),
    ("@example.com", set()),
    ("123e4567-e89b-12d3-a456-426614174000", {S.UUID}),
    ("123e4567-e89b-12d3-a456-42661417400", set()),
    ("https://example.org/a", {S.URL}),
    ("HTTP://EXAMPLE.ORG", {S.URL}),
    ("ftp://example.org", set()),
    ("192.168.0.1", {S.IP}),
    ("10.0.0.255", {S.IP}),
    ("1.2.3", set()),
    ("1.2.3.4.5", set()),
    ("a.b.c.d", set()),
    ("the parcel arrived late and the box was broken again", {S.FREE_TEXT}),
    ("short text with spaces", set()),
    ("a" * 60, set()),
    ("", set()),
]


@pytest.mark.parametrize("rule", SHAPE_RULES, ids=lambda r: r.semantic.value)
def test_shape_rules_agree_in_sql_and_polars(rule: object) -> None:
    """Each rule's SQL, run by SQLite, and its polars form give the expected answers."""
    values = [v for v, _ in SAMPLES]
    expected = [rule.semantic in sems for _, sems in SAMPLES]  # type: ignore[attr-defined]
    got_polars = pl.select(rule.polars(pl.Series("v", values))).to_series().to_list()  # type: ignore[attr-defined]
    engine = sa.create_engine("sqlite://")
    with engine.connect() as conn:
        column = sa.literal_column("v")
        table = sa.union_all(*(sa.select(sa.literal(v).label("v")) for v in values)).subquery()
        query = sa.select(sa.case((rule.sql(column), True), else_=False)).select_from(table)  # type: ignore[attr-defined]
        got_sql = [bool(x) for x in conn.execute(query).scalars()]
    engine.dispose()
    assert got_polars == expected
    assert got_sql == expected


def test_semantic_from_shapes_thresholds() -> None:
    assert semantic_from_shapes({S.EMAIL: 9}, 10) is S.EMAIL
    assert semantic_from_shapes({S.EMAIL: 8}, 10) is None
    assert semantic_from_shapes({S.FREE_TEXT: 5}, 10) is S.FREE_TEXT
    assert semantic_from_shapes({S.EMAIL: 10, S.FREE_TEXT: 10}, 10) is S.EMAIL
    assert semantic_from_shapes({S.EMAIL: 0}, 0) is None


def test_shape_rules_only_for_unnamed_plain_strings() -> None:
    assert shape_rules_for(L.STRING, None, has_domain=False) == SHAPE_RULES
    assert shape_rules_for(L.STRING, S.EMAIL, has_domain=False) == ()
    assert shape_rules_for(L.STRING, None, has_domain=True) == ()
    assert shape_rules_for(L.INTEGER, None, has_domain=False) == ()


def test_like_to_regex_escapes_everything_but_wildcards() -> None:
    regex = like_to_regex("a.b%_")
    matched = pl.Series(["a.bxy", "axbx", "a.b"]).str.contains(regex).to_list()
    assert matched == [True, False, False]
