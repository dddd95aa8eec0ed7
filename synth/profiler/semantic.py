"""Guessing what a column means: from its name first, then from the shape of its values.

The name rules are regular expressions over the column name in snake_case. The
shape rules are measured where the data is: each rule has a SQL predicate (summed
by the database in the profiling aggregate) and the same predicate as a polars
expression (for files), built from one LIKE pattern so that both agree. A shape
wins when at least ``min_fraction`` of the non-NULL values match it.

Columns whose semantic type is personal data never get frequent values stored.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from synth.model import LogicalType, SemanticType

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "PERSONAL",
    "SHAPE_RULES",
    "ShapeRule",
    "is_personal",
    "like_to_regex",
    "semantic_from_name",
    "semantic_from_shapes",
    "shape_rules_for",
    "snake_name",
]

S = SemanticType

PERSONAL: frozenset[SemanticType] = frozenset(
    {S.EMAIL, S.NAME, S.FIRST_NAME, S.LAST_NAME, S.PHONE, S.ADDRESS, S.IP, S.USERNAME, S.FREE_TEXT}
)
"""Semantic types that are personal data: only their shape statistics are stored."""

_PERSON = r"(customer|contact|person|client|owner|author|recipient|holder|employee|member|patient)"

# Order matters: the first rule whose pattern matches the whole snake_case name wins.
_NAME_RULES: tuple[tuple[SemanticType, str], ...] = (
    (S.EMAIL, r"(.*_)?e_?mail(_?addr(ess)?)?"),
    (S.IP, r"(.*_)?ip(_?addr(ess)?)?|(.*_)?ip_?v[46]|remote_addr"),
    (S.UUID, r"(.*_)?(uuid|guid)"),
    (S.USERNAME, r"(.*_)?user_?name|login(_name)?|handle|screen_name|nick_?name"),
    (S.FIRST_NAME, r"(.*_)?(first_?name|given_?name|fore_?name|fname)"),
    (S.LAST_NAME, r"(.*_)?(last_?name|sur_?name|family_?name|lname)"),
    (S.COMPANY, r"(.*_)?company(_name)?|organi[sz]ation(_name)?|employer|business_name"),
    (S.NAME, rf"name|full_?name|display_?name|{_PERSON}_?name"),
    (S.PHONE, r"(.*_)?(phone(_?(number|num|no))?|tel(ephone)?|mobile(_?phone)?|cell_?phone|fax)"),
    (S.URL, r"(.*_)?(url|uri|website|web_site|home_?page|link)"),
    (S.CITY, r"(.*_)?(city|town)(_name)?"),
    (S.COUNTRY, r"(.*_)?country(_?(code|name|iso))?"),
    (S.POSTCODE, r"(.*_)?(post_?code|postal_?code|zip(_?code)?)"),
    (S.ADDRESS, r"(.*_)?(address|street|addr)(_?(line)?_?\d)?|street_?address"),
)
_COMPILED = tuple((sem, re.compile(pat)) for sem, pat in _NAME_RULES)


def snake_name(name: str) -> str:
    """``customerEmail`` / ``Customer Email`` -> ``customer_email``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


def semantic_from_name(name: str, logical: LogicalType) -> SemanticType | None:
    """The semantic type a column name announces, if the column's type can hold it."""
    if logical not in (LogicalType.STRING, LogicalType.UUID):
        return None
    snake = snake_name(name)
    for sem, pattern in _COMPILED:
        if pattern.fullmatch(snake):
            if logical is LogicalType.UUID and sem is not S.UUID:
                return None
            return sem
    return None


def is_personal(semantic: SemanticType | None) -> bool:
    return semantic in PERSONAL


def like_to_regex(pattern: str) -> str:
    """The regular expression equivalent of a SQL LIKE pattern (no escapes)."""
    parts = [".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern]
    return "(?s)^" + "".join(parts) + "$"


@dataclass(frozen=True)
class ShapeRule:
    """A value shape: ``sql(text)`` and ``polars(text)`` are the same boolean predicate."""

    semantic: SemanticType
    min_fraction: float
    sql: Callable[[Any], Any]
    polars: Callable[[pl.Expr], pl.Expr]


def _like_rule(semantic: SemanticType, pattern: str, min_fraction: float = 0.9) -> ShapeRule:
    regex = like_to_regex(pattern)
    return ShapeRule(
        semantic,
        min_fraction,
        sql=lambda x: sa.func.lower(x).like(pattern),
        polars=lambda x: x.str.to_lowercase().str.contains(regex),
    )


_DIGITS_AND_DOTS = "0123456789."


def _strip_sql(x: Any, chars: str) -> Any:
    for ch in chars:
        x = sa.func.replace(x, ch, "")
    return x


_IP_RULE = ShapeRule(
    S.IP,
    0.9,
    sql=lambda x: sa.and_(
        sa.func.char_length(x).between(7, 15),
        sa.func.char_length(_strip_sql(x, _DIGITS_AND_DOTS)) == 0,
        sa.func.char_length(x) - sa.func.char_length(_strip_sql(x, ".")) == 3,
    ),
    polars=lambda x: x.str.contains(r"^[0-9.]{7,15}$") & (x.str.count_matches(r"\.") == 3),
)

_FREE_TEXT_MIN_LENGTH = 40
_FREE_TEXT_LIKE = "% % % %"  # at least three spaces
_FREE_TEXT_RULE = ShapeRule(
    S.FREE_TEXT,
    0.5,
    sql=lambda x: sa.and_(sa.func.char_length(x) >= _FREE_TEXT_MIN_LENGTH, x.like(_FREE_TEXT_LIKE)),
    polars=lambda x: (
        (x.str.len_chars() >= _FREE_TEXT_MIN_LENGTH)
        & x.str.contains(like_to_regex(_FREE_TEXT_LIKE))
    ),
)

SHAPE_RULES: tuple[ShapeRule, ...] = (
    _like_rule(S.EMAIL, "%_@_%._%"),
    _like_rule(S.UUID, "________-____-____-____-____________"),
    _like_rule(S.URL, "http%://%"),
    _IP_RULE,
    _FREE_TEXT_RULE,
)
"""Checked in order; the first rule matched by enough values wins."""


def shape_rules_for(
    logical: LogicalType, name_semantic: SemanticType | None, has_domain: bool
) -> tuple[ShapeRule, ...]:
    """The shape rules worth measuring for a column (strings not already named)."""
    if logical is not LogicalType.STRING or name_semantic is not None or has_domain:
        return ()
    return SHAPE_RULES


def semantic_from_shapes(counts: Mapping[SemanticType, int], nonnull: int) -> SemanticType | None:
    """The first shape rule matched by at least its ``min_fraction`` of non-NULL values."""
    if nonnull <= 0:
        return None
    for rule in SHAPE_RULES:
        matched = counts.get(rule.semantic)
        if matched is not None and matched / nonnull >= rule.min_fraction:
            return rule.semantic
    return None
