"""Which columns are candidate references, by name alone (values confirm them later, on
real databases: ``tests/integration/profiler/test_inference.py``)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from synth.model import LogicalType
from synth.profiler.reflect import ReflectedColumn, ReflectedTable
from synth.profiler.relations import candidates, tokens
from synth.profiler.types import TypeInfo

INT, STR = LogicalType.INTEGER, LogicalType.STRING


def table(
    name: str, *cols: str | tuple[str, LogicalType], pk: tuple[str, ...] = ()
) -> ReflectedTable:
    columns = []
    for col in cols:
        col_name, logical = (col, INT) if isinstance(col, str) else col
        info = TypeInfo(logical, "INTEGER" if logical is INT else "VARCHAR(20)")
        columns.append(ReflectedColumn(col_name, sa.Integer(), info, nullable=True))
    return ReflectedTable(None, None, name, name, columns, primary_key=pk)


def pairs(*tables: ReflectedTable) -> set[tuple[str, str, str, str]]:
    return {(c.child, c.column, c.parent, c.key) for c in candidates(tables)}


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("SupportRepId", ["support", "rep", "id"]),
        ("id_branch", ["id", "branch"]),
        ("ISBN", ["isbn"]),
        ("country_iso2", ["country", "iso2"]),
        ("HTTPStatusCode", ["http", "status", "code"]),
    ],
)
def test_tokens(name: str, words: list[str]) -> None:
    assert tokens(name) == words


@pytest.mark.parametrize(
    "column",
    ["customer_id", "customers_id", "CustomerId", "id_customer", "billing_customer_id"],
)
def test_a_column_named_after_a_table_is_a_candidate(column: str) -> None:
    customers = table("customers", "id", "name_len", pk=("id",))
    orders = table("orders", "order_id", column, pk=("order_id",))
    assert pairs(customers, orders) == {("orders", column, "customers", "id")}


def test_a_column_named_like_a_key_is_a_candidate_in_any_table_order() -> None:
    # the child sorts before its parent, and the key is a natural one (isbn)
    authors = table("book_authors", ("isbn", STR), "author_id", pk=("isbn", "author_id"))
    books = table("books", ("isbn", STR), pk=("isbn",))
    writers = table("writers", "author_id", pk=("author_id",))
    assert pairs(authors, books, writers) == {
        ("book_authors", "isbn", "books", "isbn"),
        ("book_authors", "author_id", "writers", "author_id"),
    }


def test_roles_point_at_tables_of_people_and_hierarchies_at_their_own_table() -> None:
    employees = table("Employee", "EmployeeId", "ReportsTo", pk=("EmployeeId",))
    customers = table("Customer", "CustomerId", "SupportRepId", pk=("CustomerId",))
    genres = table("Genre", "GenreId", pk=("GenreId",))
    assert pairs(employees, customers, genres) == {
        ("Employee", "ReportsTo", "Employee", "EmployeeId"),
        ("Customer", "SupportRepId", "Employee", "EmployeeId"),
    }


def test_generic_names_types_and_declared_keys_are_no_candidates() -> None:
    tags = table("tags", "id", pk=("id",))
    posts = table("posts", "id", ("tag_id", STR), "quantity", "tag_ref", pk=("id",))
    # id = id relates nothing; a string cannot reference an integer key; a plain count is
    # not named after anything
    assert pairs(tags, posts) == {("posts", "tag_ref", "tags", "id")}


def test_a_shared_primary_key_is_a_candidate_both_ways_until_values_decide() -> None:
    users = table("users", "user_id", pk=("user_id",))
    profiles = table("user_profiles", "user_id", pk=("user_id",))
    assert pairs(users, profiles) == {
        ("user_profiles", "user_id", "users", "user_id"),
        ("users", "user_id", "user_profiles", "user_id"),
    }


def test_a_member_of_a_composite_key_named_after_its_table_is_a_parent_key() -> None:
    invoices = table("invoices", "invoice_id", "period", pk=("invoice_id", "period"))
    tickets = table("tickets", "id", "invoice_id", pk=("id",))
    found = candidates([invoices, tickets])
    assert [(c.child, c.column, c.parent, c.key, c.unique_key) for c in found] == [
        ("tickets", "invoice_id", "invoices", "invoice_id", False)
    ]
