"""Value shapes: how a column's values are recognised where the data is.

A :class:`ShapeRule` is one boolean predicate over a value, written twice: ``sql(text)``
for a database (the profiler sums it in the table's one aggregate query) and
``polars(text)`` for files. The two must agree on every value; the unit tests run
both on the same values. Only portable SQL is used (LIKE, REPLACE, SUBSTR,
CHAR_LENGTH, UPPER/LOWER, CAST to an integer, CASE), so one expression serves SQLite,
PostgreSQL and MySQL/MariaDB:

* a character class is tested by deleting its characters with nested REPLACE calls
  and comparing lengths: REPLACE is case-sensitive and exact on every backend, while
  LIKE and ``=`` are case- and accent-insensitive under MySQL's default collations;
* LIKE is applied to lower-cased text with lower-case patterns only, or with patterns
  whose literal characters are not letters;
* the cheap tests (lengths, one LIKE) come first in each AND, so that the expensive
  ones run on few values;
* constants are rendered inline, not as bind parameters, so that wide tables stay far
  below the drivers' parameter limits (65,535 on PostgreSQL with psycopg).
"""

from __future__ import annotations

import functools
import operator
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import polars as pl
import sqlalchemy as sa

from synth.model import SemanticType

__all__ = [
    "CARD_DIGITS",
    "IBAN_COUNTRIES",
    "SHAPE_RULES",
    "ShapeRule",
    "like_to_regex",
    "luhn_valid",
]

S = SemanticType

_DIGITS = string.digits
_LOWER = string.ascii_lowercase
_UPPER = string.ascii_uppercase
_HEX = _DIGITS + "abcdefABCDEF"


@dataclass(frozen=True)
class ShapeRule:
    """A value shape: ``sql(text)`` and ``polars(text)`` are the same boolean predicate.

    A column takes the rule's semantic type when at least ``min_fraction`` of its
    non-NULL values match (see :func:`synth.profiler.semantic.semantic_from_shapes`).
    """

    semantic: SemanticType
    min_fraction: float
    sql: Callable[[Any], Any]
    polars: Callable[[pl.Expr], pl.Expr]


def like_to_regex(pattern: str) -> str:
    """The regular expression equivalent of a SQL LIKE pattern (no escapes)."""
    parts = [".*" if ch == "%" else "." if ch == "_" else re.escape(ch) for ch in pattern]
    return "(?s)^" + "".join(parts) + "$"


# ----------------------------------------------------------------------------- SQL pieces


def _str(text: str) -> Any:
    """A string constant rendered inline (only synth's own constants: no quote, no backslash)."""
    if "'" in text or "\\" in text:
        raise ValueError(f"not an inline constant: {text!r}")
    return sa.literal_column(f"'{text}'", sa.String)


def _int(number: int) -> Any:
    return sa.literal_column(str(int(number)), sa.Integer)


def _len(x: Any) -> Any:
    return sa.func.char_length(x)


_NESTING = 12
"""At most this many nested REPLACE calls: SQLite's parser stack overflows near 30 levels."""


def _strip(x: Any, chars: str) -> Any:
    """``x`` with every character of ``chars`` deleted (nested, case-sensitive REPLACE)."""
    if len(chars) > _NESTING:
        raise ValueError(f"more than {_NESTING} characters: {chars!r}")
    for ch in chars:
        x = sa.func.replace(x, _str(ch), _str(""))
    return x


def _count(x: Any, chars: str) -> Any:
    """How many characters of ``x`` are in ``chars`` (distinct characters), deleted
    ``_NESTING`` at a time."""
    chunks = [chars[i : i + _NESTING] for i in range(0, len(chars), _NESTING)]
    return functools.reduce(operator.add, (_len(x) - _len(_strip(x, c)) for c in chunks))


def _only(x: Any, chars: str) -> Any:
    """Every character of ``x`` is in ``chars`` (distinct characters)."""
    if len(chars) <= _NESTING:
        return _len(_strip(x, chars)) == _int(0)
    return _count(x, chars) == _len(x)


def _between(expr: Any, low: int, high: int) -> Any:
    return expr.between(_int(low), _int(high))


def _like(x: Any, pattern: str) -> Any:
    """Case-insensitive LIKE on every backend: lower-cased text, lower-case pattern."""
    return sa.func.lower(x).like(_str(pattern.lower()))


def _polars_like(x: pl.Expr, pattern: str) -> pl.Expr:
    return x.str.to_lowercase().str.contains(like_to_regex(pattern.lower()))


# ----------------------------------------------------------------------------- simple rules


def _like_rule(semantic: SemanticType, pattern: str, min_fraction: float = 0.9) -> ShapeRule:
    return ShapeRule(
        semantic,
        min_fraction,
        sql=lambda x: _like(x, pattern),
        polars=lambda x: _polars_like(x, pattern),
    )


def _ipv4_sql(x: Any) -> Any:
    return sa.and_(_between(_len(x), 7, 15), _count(x, ".") == _int(3), _only(x, _DIGITS + "."))


def _ipv6_sql(x: Any) -> Any:
    colons = _count(x, ":")
    return sa.and_(
        _between(_len(x), 2, 45),
        _between(colons, 2, 7),
        sa.or_(x.like(_str("%::%")), colons == _int(7)),
        _only(x, _HEX + ":."),
    )


def _ip_polars(x: pl.Expr) -> pl.Expr:
    dots, colons = x.str.count_matches(r"\."), x.str.count_matches(":")
    v4 = x.str.contains(r"^[0-9.]{7,15}$") & (dots == 3)
    v6 = (
        x.str.contains(r"^[0-9a-fA-F:.]{2,45}$")
        & colons.is_between(2, 7)
        & (x.str.contains("::", literal=True) | (colons == 7))
    )
    return v4 | v6


_IP_RULE = ShapeRule(
    S.IP,
    0.9,
    sql=lambda x: sa.or_(_ipv4_sql(x), _ipv6_sql(x)),
    polars=_ip_polars,
)
"""IPv4 (four dotted numbers) or IPv6 (hex groups and colons, with ``::`` or all eight
groups, so that ``12:30:45`` times and ``00:1a:2b:3c:4d:5e`` MAC addresses are not)."""

_SSN_LIKE = "___-__-____"
_SSN_RULE = ShapeRule(
    S.NATIONAL_ID,
    0.9,
    sql=lambda x: sa.and_(x.like(_str(_SSN_LIKE)), _only(x, _DIGITS + "-")),
    polars=lambda x: x.str.contains(r"^[0-9]{3}-[0-9]{2}-[0-9]{4}$"),
)
"""A US social security number: ``ddd-dd-dddd``."""

_FREE_TEXT_MIN_LENGTH = 40
_FREE_TEXT_LIKE = "% % % %"  # at least three spaces
_FREE_TEXT_RULE = ShapeRule(
    S.FREE_TEXT,
    0.5,
    sql=lambda x: sa.and_(_len(x) >= _int(_FREE_TEXT_MIN_LENGTH), x.like(_str(_FREE_TEXT_LIKE))),
    polars=lambda x: (
        (x.str.len_chars() >= _FREE_TEXT_MIN_LENGTH)
        & x.str.contains(like_to_regex(_FREE_TEXT_LIKE))
    ),
)

# ----------------------------------------------------------------------------- card numbers

CARD_DIGITS = (13, 19)
"""Digits of a payment card number (PAN), inclusive."""
_CARD_SEPARATORS = " -"
_CARD_PAD = CARD_DIGITS[1] - CARD_DIGITS[0]
_DOUBLED = "0246813579"
"""Luhn: the digit sum of twice ``d`` is ``_DOUBLED[d]``."""


def luhn_valid(number: str) -> bool:
    """Whether a string of digits passes the Luhn check (a reference for tests)."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        total += int(_DOUBLED[d]) if i % 2 else d
    return total % 10 == 0


def _card_digits_sql(x: Any) -> Any:
    return _strip(x, _CARD_SEPARATORS)


def _luhn_sum_sql(digits: Any) -> Any:
    """The Luhn sum of a string of 13..19 ASCII digits, in portable SQL.

    Digit ``i`` from the right is ``SUBSTR(digits, CHAR_LENGTH(digits) - i, 1)`` for the
    13 positions every card number has; the six beyond are read from the digits
    left-padded with six zeros (which add nothing), so that no start is below 1
    (SQLite counts such a start from the end, PostgreSQL does not). Every other digit
    is doubled through the lookup string ``'0246813579'``.
    """
    length = _len(digits)
    padded = _str("0" * _CARD_PAD) + digits
    terms = []
    for i in range(CARD_DIGITS[1]):
        if i < CARD_DIGITS[0]:
            start = length - _int(i) if i else length
            digit = sa.func.substr(digits, start, _int(1))
        else:
            digit = sa.func.substr(padded, length + _int(_CARD_PAD - i), _int(1))
        value = sa.cast(digit, sa.Integer)
        if i % 2:
            value = sa.cast(sa.func.substr(_str(_DOUBLED), value + _int(1), _int(1)), sa.Integer)
        terms.append(value)
    return functools.reduce(operator.add, terms)


def _card_sql(x: Any) -> Any:
    digits = _card_digits_sql(x)
    plain = sa.and_(_between(_len(x), *CARD_DIGITS), _only(x, _DIGITS))
    grouped = sa.and_(
        _between(_len(x), CARD_DIGITS[0], CARD_DIGITS[1] + 4),
        _between(_len(digits), *CARD_DIGITS),
        _only(x, _DIGITS + _CARD_SEPARATORS),
    )
    # CASE, not AND: PostgreSQL may evaluate AND's operands in any order, and its CAST
    # of a non-digit fails; CASE runs the Luhn sum on card-shaped values only (on the
    # value itself when it is digits only, the common case: no REPLACE per digit).
    luhn = sa.case((plain, _luhn_sum_sql(x)), (grouped, _luhn_sum_sql(digits)), else_=_int(1))
    return luhn % _int(10) == _int(0)


def _card_polars(x: pl.Expr) -> pl.Expr:
    # Values not card-shaped become NULL first, so the Luhn sum only reads card candidates.
    candidate = pl.when(x.str.contains(r"^[0-9 -]{13,23}$")).then(x)
    digits = candidate.str.replace_all("[ -]", "")
    reversed_ = digits.str.reverse().str.pad_end(CARD_DIGITS[1], "0")
    terms = []
    for i in range(CARD_DIGITS[1]):
        d = reversed_.str.slice(i, 1).cast(pl.Int32, strict=False)
        terms.append(pl.when(d > 4).then(2 * d - 9).otherwise(2 * d) if i % 2 else d)
    luhn = functools.reduce(operator.add, terms) % 10 == 0
    shape = digits.str.len_chars().is_between(*CARD_DIGITS)
    return (shape & luhn).fill_null(False)


_CARD_RULE = ShapeRule(S.CARD_NUMBER, 0.9, sql=_card_sql, polars=_card_polars)
"""A payment card number: 13 to 19 digits, optionally grouped by spaces or dashes (at
most 23 characters), that passes the Luhn check. The check runs in the database: a
fixed expansion of 19 ``CAST(SUBSTR(...) AS INTEGER)`` terms (see :func:`_luhn_sum_sql`),
evaluated only for card-shaped values. Random 16-digit numbers (order ids) pass Luhn one
time in ten, far below the rule's 90%."""

# ----------------------------------------------------------------------------- IBAN

IBAN_COUNTRIES: tuple[str, ...] = (
    "AD", "AE", "AL", "AT", "AZ", "BA", "BE", "BG", "BH", "BI", "BR", "BY", "CH", "CR", "CY", "CZ",
    "DE", "DJ", "DK", "DO", "EE", "EG", "ES", "FI", "FK", "FO", "FR", "GB", "GE", "GI", "GL", "GR",
    "GT", "HN", "HR", "HU", "IE", "IL", "IQ", "IS", "IT", "JO", "KW", "KZ", "LB", "LC", "LI", "LT",
    "LU", "LV", "LY", "MC", "MD", "ME", "MK", "MN", "MR", "MT", "MU", "NI", "NL", "NO", "OM", "PK",
    "PL", "PS", "PT", "QA", "RO", "RS", "RU", "SA", "SC", "SD", "SE", "SI", "SK", "SM", "SO", "ST",
    "SV", "TL", "TN", "TR", "UA", "VA", "VG", "XK", "YE",
)  # fmt: skip
"""Countries of the IBAN registry (SWIFT, 2024)."""


def _iban_sql(x: Any) -> Any:
    compact = _strip(x, " ")
    return sa.and_(
        _between(_len(compact), 15, 34),
        sa.func.substr(compact, _int(1), _int(2)).in_([_str(c) for c in IBAN_COUNTRIES]),
        _only(sa.func.substr(compact, _int(3), _int(2)), _DIGITS),
        _only(compact, _UPPER + _DIGITS),
    )


def _iban_polars(x: pl.Expr) -> pl.Expr:
    compact = x.str.replace_all(" ", "", literal=True)
    return compact.str.contains(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$") & compact.str.slice(
        0, 2
    ).is_in(IBAN_COUNTRIES)


_IBAN_RULE = ShapeRule(S.IBAN, 0.9, sql=_iban_sql, polars=_iban_polars)
"""An IBAN: a registry country code, two check digits, 11 to 30 upper-case letters or
digits (spaces allowed, as printed). The mod-97 checksum is not verified."""

# ----------------------------------------------------------------------------- secrets

_TOKEN_MIN_LENGTH = 24
_TOKEN_ALPHABET = _LOWER + _DIGITS + "-_+/="
"""Base64 and base64url (compared after lower-casing)."""
_HASH_LENGTHS = (32, 40, 64, 128)
"""Hex digests: MD5, SHA-1, SHA-256, SHA-512."""
_JWT_LIKE = "eyj%.eyj%.%"
_CRYPT_LIKES = ("$%$%$%", "pbkdf2%$%$%", "argon2$%$%", "bcrypt%$%$%", "scrypt%$%$%", "sha1$%$%")
"""Password hashes: modular crypt (``$2b$12$...``, ``$argon2id$...``, ``$6$...``) and the
Django/Werkzeug formats (``pbkdf2_sha256$...``, ``scrypt:32768:8:1$...``)."""
_CRYPT_MIN_LENGTH = 20


def _jwt_sql(x: Any) -> Any:
    return sa.and_(
        _like(x, _JWT_LIKE),
        _count(x, ".") == _int(2),
        _only(sa.func.lower(x), _LOWER + _DIGITS + "-_.="),
    )


def _hash_sql(x: Any) -> Any:
    no_digits = _strip(x, _DIGITS)
    return sa.and_(
        _len(x).in_([_int(n) for n in _HASH_LENGTHS]),
        _len(no_digits) > _int(0),
        _len(no_digits) < _len(x),
        _only(x, _HEX),
    )


def _crypt_sql(x: Any) -> Any:
    return sa.and_(
        _len(x) >= _int(_CRYPT_MIN_LENGTH),
        x.like(_str("%$%")),
        sa.or_(*(_like(x, p) for p in _CRYPT_LIKES)),
        ~x.like(_str("% %")),
    )


def _token_sql(x: Any) -> Any:
    n = _len(x)
    return sa.and_(
        n >= _int(_TOKEN_MIN_LENGTH),
        ~x.like(_str("% %")),
        _count(x, "-_") * _int(10) <= n,
        _count(x, _DIGITS) >= _int(2),
        _len(sa.func.replace(x, sa.func.upper(x), _str(""))) > _int(0),  # a lower-case letter
        _len(sa.func.replace(x, sa.func.lower(x), _str(""))) > _int(0),  # an upper-case letter
        _only(sa.func.lower(x), _TOKEN_ALPHABET),
    )


def _secret_sql(x: Any) -> Any:
    return sa.or_(_jwt_sql(x), _hash_sql(x), _crypt_sql(x), _token_sql(x))


def _secret_polars(x: pl.Expr) -> pl.Expr:
    # Each test first turns the values its cheap condition rejects into NULL.
    n = x.str.len_chars()
    head = x.str.slice(0, 3).str.to_lowercase()
    jwt = pl.when(head == "eyj").then(x)
    jwt = (
        _polars_like(jwt, _JWT_LIKE)
        & (jwt.str.count_matches(r"\.") == 2)
        & jwt.str.contains(r"^[A-Za-z0-9_.=-]+$")
    )
    digest = pl.when(n.is_in(_HASH_LENGTHS)).then(x)
    digest = (
        digest.str.contains(r"^[0-9a-fA-F]+$")
        & digest.str.contains("[0-9]")
        & digest.str.contains("[a-fA-F]")
    )
    crypt = pl.when((n >= _CRYPT_MIN_LENGTH) & x.str.contains("$", literal=True)).then(x)
    crypt = pl.any_horizontal(
        *(_polars_like(crypt, p) for p in _CRYPT_LIKES)
    ) & ~crypt.str.contains(" ", literal=True)
    token = pl.when(n >= _TOKEN_MIN_LENGTH).then(x)
    token = (
        token.str.contains(r"^[A-Za-z0-9_+/=-]+$")
        & (token.str.count_matches("[-_]") * 10 <= n)
        & (token.str.count_matches("[0-9]") >= 2)
        & token.str.contains("[a-z]")
        & token.str.contains("[A-Z]")
    )
    return pl.any_horizontal(jwt, digest, crypt, token).fill_null(False)


_SECRET_RULE = ShapeRule(S.SECRET, 0.8, sql=_secret_sql, polars=_secret_polars)
"""A secret: a JWT (``eyJ...``, three dot-separated base64url parts), a hex digest of
32, 40, 64 or 128 characters with both digits and letters (hashes are secrets: they
identify, and password hashes can be cracked), a password hash in a crypt or framework
format, or a long token: at least 24 characters of base64/base64url with lower- and
upper-case letters, at least two digits, and at most one ``-``/``_`` per ten characters
(so that CamelCase names with a version digit and dashed codes are not tokens). 80%:
a short random token lacks two digits about one time in eleven."""

# ----------------------------------------------------------------------------- all rules

SHAPE_RULES: tuple[ShapeRule, ...] = (
    _like_rule(S.EMAIL, "%_@_%._%"),
    _like_rule(S.UUID, "________-____-____-____-____________"),
    _like_rule(S.URL, "http%://%"),
    _IP_RULE,
    _CARD_RULE,
    _SSN_RULE,
    _IBAN_RULE,
    _SECRET_RULE,
    _FREE_TEXT_RULE,
)
"""Checked in order; the first rule matched by enough values wins. One rule per
semantic type (the profilers count matches per type)."""
