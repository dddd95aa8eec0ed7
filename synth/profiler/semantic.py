"""Guessing what a column means: from its name first, then from the shape of its values.

The name rules are regular expressions over the column name in snake_case. The
shape rules (:mod:`synth.profiler.semantic_rules`) are measured where the data is:
each rule has a SQL predicate (summed by the database in the profiling aggregate)
and the same predicate as a polars expression (for files). A shape wins when at
least ``min_fraction`` of the non-NULL values match it.

Columns whose semantic type is personal data (:data:`PERSONAL`) contribute only their
semantic type and shape statistics: their values are never measured or stored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from synth.model import LogicalType, SemanticType
from synth.profiler.semantic_rules import SHAPE_RULES, ShapeRule, like_to_regex

if TYPE_CHECKING:
    from synth.profiler.options import PrivacyOptions

__all__ = [
    "PERSONAL",
    "SHAPE_RULES",
    "ShapeRule",
    "is_personal",
    "like_to_regex",
    "personal_override",
    "semantic_from_name",
    "semantic_from_shapes",
    "shape_rules_for",
    "snake_name",
]

S = SemanticType

PERSONAL: frozenset[SemanticType] = frozenset(
    {
        S.EMAIL, S.NAME, S.FIRST_NAME, S.LAST_NAME, S.PHONE, S.ADDRESS, S.IP, S.USERNAME,
        S.FREE_TEXT, S.CARD_NUMBER, S.NATIONAL_ID, S.IBAN, S.SECRET, S.PRIVATE,
    }
)  # fmt: skip
"""Semantic types that are personal data: only their shape statistics are stored."""

_PERSON = r"(customer|contact|person|client|owner|author|recipient|holder|employee|member|patient)"
_NO = r"(_?(number|num|no|nr))"
"""The suffix of ``card_number``, ``passport_no``..."""

_NATIONAL_ID = (
    r"(.*_)?(ssn|social_?security|social_?insurance|national_?(insurance|identity|id)"
    r"|tax_?(payer_?)?id|passport|driv(er|ers|ing)_?licen[cs]e|id_?card|identity_?card"
    r"|personal_?id|citizen_?id|nino|bsn|personnummer|aadhaar|pesel|codice_fiscale|nhs"
    r"|medicare|itin|vat_?id)" + _NO + "?"
    r"|(.*_)?(tax|vat)" + _NO + r"|sin|tin|ein|nif|nie|dni|cpf|curp|rut"
)
_CARD_NUMBER = (
    r"(.*_)?(credit|debit|payment|bank)_?card" + _NO + "?"
    r"|(.*_)?card" + _NO + r"|card|(.*_)?(cc|ccn)" + _NO + r"|ccn|ccnum"
    r"|(.*_)?pan" + _NO + r"?|(.*_)?primary_account_number"
)
_IBAN = r"(.*_)?iban(_?(number|no|code))?|(.*_)?bank_?account" + _NO + "?"
_SECRET = (
    r"(.*_)?(pass_?word|passwd|pwd|pass_?phrase|pass_?code|pin)"
    r"(_?(hash|hashed|digest|salt|enc|encrypted|crypt|code))?"
    r"|(.*_)?(hashed|encrypted)_?(pass_?word|passwd|pwd)"
    r"|(.*_)?secret(_?(key|token|hash|answer))?|(.*_)?security_?(answer|code)"
    r"|(.*_)?api_?(key|secret|token)"
    r"|(.*_)?(access|secret|private|signing|encryption|client|master)_?key(_?id)?"
    r"|(.*_)?tokens?(_?(hash|digest|secret))?|(.*_)?session_?(id|key|token)"
    r"|(.*_)?(salt|jwt|bearer|credentials?|otp|totp_?secret|mfa_?secret|cvv2?|cvc2?)"
)
_ADDRESS = (
    r"(.*_)?(address|street|addr)(_?(line)?_?\d)?|street_?address"
    r"|(.*_)?(street|house|building)_?(name|number|no|nr)|(.*_)?po_?box"
    r"|(.*_)?(apartment|apt)" + _NO + "?"
)

# Order matters: the first rule whose pattern matches the whole snake_case name wins.
_NAME_RULES: tuple[tuple[SemanticType, str], ...] = (
    (S.EMAIL, r"(.*_)?e_?mail(_?addr(ess)?)?"),
    (S.IP, r"(.*_)?ip(_?addr(ess)?)?|(.*_)?ip_?v[46]|remote_addr"),
    (S.UUID, r"(.*_)?(uuid|guid)"),
    (S.SECRET, _SECRET),
    (S.NATIONAL_ID, _NATIONAL_ID),
    (S.CARD_NUMBER, _CARD_NUMBER),
    (S.IBAN, _IBAN),
    (S.USERNAME, r"(.*_)?user_?name|login(_name)?|handle|screen_name|nick_?name"),
    (S.FIRST_NAME, r"(.*_)?(first_?name|given_?name|fore_?name|fname)"),
    (S.LAST_NAME, r"(.*_)?(last_?name|sur_?name|family_?name|lname)"),
    (S.COMPANY, r"(.*_)?company(_name)?|organi[sz]ation(_name)?|employer|business_name"),
    (S.NAME, rf"name|full_?name|display_?name|{_PERSON}_?name|card_?holder(_?name)?"),
    (S.PHONE, r"(.*_)?(phone(_?(number|num|no))?|tel(ephone)?|mobile(_?phone)?|cell_?phone|fax)"),
    (S.URL, r"(.*_)?(url|uri|website|web_site|home_?page|link)"),
    (S.CITY, r"(.*_)?(city|town)(_name)?"),
    (S.COUNTRY, r"(.*_)?country(_?(code|name|iso))?"),
    (S.POSTCODE, r"(.*_)?(post_?code|postal_?code|zip(_?code)?)"),
    (S.ADDRESS, _ADDRESS),
)
_COMPILED = tuple((sem, re.compile(pat)) for sem, pat in _NAME_RULES)


def snake_name(name: str) -> str:
    """``customerEmail`` / ``Customer Email`` -> ``customer_email``."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^a-z0-9]+", "_", spaced.lower()).strip("_")


def semantic_from_name(name: str, logical: LogicalType) -> SemanticType | None:
    """The semantic type a column name announces, if the column's type can hold it. Numbers
    can hold card numbers, national ids, phones and PINs (``card_number BIGINT``): such a
    column is personal and stores no values either."""
    numeric = logical in (LogicalType.INTEGER, LogicalType.DECIMAL)
    if logical not in (LogicalType.STRING, LogicalType.UUID) and not numeric:
        return None
    snake = snake_name(name)
    for sem, pattern in _COMPILED:
        if pattern.fullmatch(snake):
            if logical is LogicalType.UUID and sem is not S.UUID:
                return None
            if numeric and sem not in NUMERIC_PERSONAL:
                return None
            return sem
    return None


NUMERIC_PERSONAL: frozenset[SemanticType] = frozenset(
    {S.CARD_NUMBER, S.NATIONAL_ID, S.PHONE, S.SECRET}
)
"""Personal types a number column can hold, recognised by its name."""


def is_personal(semantic: SemanticType | None) -> bool:
    """Whether a column of this semantic type holds personal data (shape statistics only)."""
    return semantic in PERSONAL


def personal_override(
    semantic: SemanticType | None, key: str, privacy: PrivacyOptions | None
) -> SemanticType | None:
    """The semantic type of column ``key`` (``table.column``) after ``--pii`` and
    ``--not-pii``: a forced personal column keeps a personal type it was detected with,
    else becomes :attr:`SemanticType.PRIVATE`; a freed one loses its personal type."""
    if privacy is None:
        return semantic
    if not privacy.personal(key, is_personal(semantic)):
        return None if is_personal(semantic) else semantic
    return semantic if is_personal(semantic) else S.PRIVATE


def shape_rules_for(
    logical: LogicalType, name_semantic: SemanticType | None, has_domain: bool
) -> tuple[ShapeRule, ...]:
    """The shape rules worth measuring for a column (strings not already named)."""
    if logical is not LogicalType.STRING or name_semantic is not None or has_domain:
        return ()
    return SHAPE_RULES


def semantic_from_shapes(counts: Mapping[SemanticType, int], nonnull: int) -> SemanticType | None:
    """The first shape rule matched by at least its ``min_fraction`` of non-NULL values.

    Cardinality is deliberately not considered: a column holding three card numbers is
    as personal as one holding thousands (and would otherwise store them as frequent
    values). Enum-like columns are kept out by the rules themselves (see
    :mod:`synth.profiler.semantic_rules`)."""
    if nonnull <= 0:
        return None
    for rule in SHAPE_RULES:
        matched = counts.get(rule.semantic)
        if matched is not None and matched / nonnull >= rule.min_fraction:
            return rule.semantic
    return None
