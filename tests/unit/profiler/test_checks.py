"""CHECK constraints read with sqlglot into the rules synth models (one test per form and
per database rendering), functions inlined, trigger bodies read."""

from __future__ import annotations

import pytest

from synth.profiler.catalog import trigger_effects
from synth.profiler.checks import inline_functions, model_check

COLUMNS = ["rating", "price", "discount", "start_on", "end_on", "code", "sku", "status", "slug"]


def rules(sql: str, dialect: str | None = None) -> list[dict[str, object]]:
    check = model_check(sql, dialect, COLUMNS)
    assert not check.unenforced, check
    return [r.model_dump(exclude_defaults=True) for r in check.rules]


@pytest.mark.parametrize(
    ("sql", "dialect"),
    [
        ("rating BETWEEN 1 AND 5", "sqlite"),
        ("((rating >= 1) AND (rating <= 5))", "postgresql"),
        ("`rating` between 1 and 5", "mariadb"),
    ],
)
def test_a_range_is_two_bounds(sql: str, dialect: str) -> None:
    assert rules(sql, dialect) == [
        {"kind": "range", "column": "rating", "op": ">=", "value": 1},
        {"kind": "range", "column": "rating", "op": "<=", "value": 5},
    ]


def test_a_bound_on_the_left_is_turned_around() -> None:
    assert rules("(0 <= price)") == [{"kind": "range", "column": "price", "op": ">=", "value": 0}]
    assert rules("(price >= (0)::numeric)", "postgresql") == [
        {"kind": "range", "column": "price", "op": ">=", "value": 0}
    ]


def test_a_comparison_between_columns_with_a_nullable_side() -> None:
    expected = [{"kind": "compare", "column": "end_on", "op": ">=", "other": "start_on"}]
    assert rules("end_on >= start_on") == expected
    assert rules("((end_on IS NULL) OR (end_on >= start_on))", "postgresql") == expected
    assert rules("discount < price") == [
        {"kind": "compare", "column": "discount", "op": "<", "other": "price"}
    ]


@pytest.mark.parametrize(
    ("sql", "dialect", "unit"),
    [
        ("char_length(code) = 3", "postgresql", "characters"),
        ("(char_length((code)::text) = 3)", "postgresql", "characters"),
        ("length(code) = 3", "sqlite", "characters"),
        ("CHAR_LENGTH(`code`) = 3", "mariadb", "characters"),
        ("LENGTH(`code`) = 3", "mariadb", "bytes"),  # MySQL's LENGTH counts bytes
        ("octet_length(code) = 3", "postgresql", "bytes"),
    ],
)
def test_a_length_in_the_unit_the_dialect_counts(sql: str, dialect: str, unit: str) -> None:
    assert rules(sql, dialect) == [
        {"kind": "length", "column": "code", "op": "=", "value": 3, "unit": unit}
    ]


@pytest.mark.parametrize(
    "sql",
    [
        "status IN ('a', 'b')",
        "((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))",
    ],
)
def test_an_in_list(sql: str) -> None:
    assert rules(sql, "postgresql") == [{"kind": "in", "column": "status", "values": ("a", "b")}]


def test_a_like_pattern() -> None:
    expected = [{"kind": "like", "column": "sku", "value": "SKU-%"}]
    assert rules("sku LIKE 'SKU-%'", "sqlite") == expected
    assert rules("((sku)::text ~~ 'SKU-%'::text)", "postgresql") == expected


@pytest.mark.parametrize(
    "sql",
    [
        "slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$'",
        "is_valid_slug(slug)",
        "status <> 'published' OR price IS NOT NULL",
        "sku NOT LIKE 'X%'",
    ],
)
def test_what_no_form_covers_is_unenforced(sql: str) -> None:
    check = model_check(sql, "postgresql", COLUMNS)
    assert check.unenforced
    assert check.sql == sql


def test_a_domain_check_names_its_column() -> None:
    check = model_check("VALUE >= 0::numeric", "postgresql", COLUMNS, value="price")
    assert check.columns == ("price",)
    assert check.rules[0].column == "price"


def test_a_sql_function_is_inlined_and_modelled_in_part() -> None:
    functions = {"is_valid_slug": (("s",), "s ~ '^[a-z0-9-]+$' AND length(s) <= 80")}
    inlined = inline_functions("is_valid_slug(slug)", "postgresql", functions)
    assert inlined is not None and "slug ~" in inlined
    check = model_check("is_valid_slug(slug)", "postgresql", COLUMNS, inlined=inlined)
    assert check.unenforced  # the regex part
    assert [r.kind for r in check.rules] == ["length"]
    assert check.sql == "is_valid_slug(slug)"


def test_trigger_bodies_say_what_they_write_and_set() -> None:
    body = "BEGIN INSERT INTO sales.order_audit (order_id) VALUES (NEW.order_id); RETURN NEW; END"
    assert trigger_effects(body) == ([("sales", "order_audit")], [])
    assert trigger_effects("BEGIN NEW.tsv := to_tsvector(NEW.body); RETURN NEW; END") == (
        [],
        ["tsv"],
    )
    assert trigger_effects("IF NEW.a = 1 THEN SET NEW.b = 2; END IF") == ([], ["b"])
