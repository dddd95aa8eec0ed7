"""Semantic rules: column names, and value shapes measured identically in SQL and polars;
the values generated for personal shapes."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

import synth
from synth.model import (
    Column,
    ColumnStats,
    Distribution,
    LogicalType,
    Profile,
    SemanticType,
    Source,
    Table,
)
from synth.profiler.semantic import (
    PERSONAL,
    SHAPE_RULES,
    ShapeRule,
    like_to_regex,
    semantic_from_name,
    semantic_from_shapes,
    shape_rules_for,
)
from synth.profiler.semantic_rules import luhn_valid

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
        ("cardholder_name", L.STRING, S.NAME),
        ("card_number", L.STRING, S.CARD_NUMBER),
        ("cardNumber", L.STRING, S.CARD_NUMBER),
        ("card", L.STRING, S.CARD_NUMBER),
        ("cc_number", L.STRING, S.CARD_NUMBER),
        ("ccnum", L.STRING, S.CARD_NUMBER),
        ("pan", L.STRING, S.CARD_NUMBER),
        ("masked_pan", L.STRING, S.CARD_NUMBER),
        ("credit_card", L.STRING, S.CARD_NUMBER),
        ("payment_card_no", L.STRING, S.CARD_NUMBER),
        ("ssn", L.STRING, S.NATIONAL_ID),
        ("social_security_number", L.STRING, S.NATIONAL_ID),
        ("national_id", L.STRING, S.NATIONAL_ID),
        ("nationalInsuranceNumber", L.STRING, S.NATIONAL_ID),
        ("tax_id", L.STRING, S.NATIONAL_ID),
        ("taxpayer_id", L.STRING, S.NATIONAL_ID),
        ("tax_number", L.STRING, S.NATIONAL_ID),
        ("vat_number", L.STRING, S.NATIONAL_ID),
        ("passport", L.STRING, S.NATIONAL_ID),
        ("passport_no", L.STRING, S.NATIONAL_ID),
        ("drivers_license_number", L.STRING, S.NATIONAL_ID),
        ("id_card_number", L.STRING, S.NATIONAL_ID),
        ("nino", L.STRING, S.NATIONAL_ID),
        ("bsn", L.STRING, S.NATIONAL_ID),
        ("iban", L.STRING, S.IBAN),
        ("payout_iban", L.STRING, S.IBAN),
        ("bank_account_number", L.STRING, S.IBAN),
        ("password", L.STRING, S.SECRET),
        ("password_hash", L.STRING, S.SECRET),
        ("hashed_password", L.STRING, S.SECRET),
        ("passwd", L.STRING, S.SECRET),
        ("token", L.STRING, S.SECRET),
        ("access_token", L.STRING, S.SECRET),
        ("password_reset_token", L.STRING, S.SECRET),
        ("email_token", L.STRING, S.SECRET),
        ("secret", L.STRING, S.SECRET),
        ("client_secret", L.STRING, S.SECRET),
        ("api_key", L.STRING, S.SECRET),
        ("apiKey", L.STRING, S.SECRET),
        ("access_key", L.STRING, S.SECRET),
        ("aws_access_key_id", L.STRING, S.SECRET),
        ("private_key", L.STRING, S.SECRET),
        ("session_id", L.STRING, S.SECRET),
        ("salt", L.STRING, S.SECRET),
        ("cvv", L.STRING, S.SECRET),
        ("pin", L.STRING, S.SECRET),
        ("street_name", L.STRING, S.ADDRESS),
        ("house_number", L.STRING, S.ADDRESS),
        ("po_box", L.STRING, S.ADDRESS),
        ("status", L.STRING, None),
        ("hotel", L.STRING, None),
        ("card_type", L.STRING, None),
        ("card_brand", L.STRING, None),
        ("card_id", L.STRING, None),
        ("token_type", L.STRING, None),
        ("password_policy", L.STRING, None),
        ("tax_code", L.STRING, None),
        ("tax_rate", L.STRING, None),
        ("vat", L.STRING, None),
        ("span", L.STRING, None),
        ("japan", L.STRING, None),
        ("keyword", L.STRING, None),
        ("cc", L.STRING, None),
        ("card_number", L.INTEGER, S.CARD_NUMBER),  # a number can hold one
        ("ssn", L.DECIMAL, S.NATIONAL_ID),
        ("email", L.INTEGER, None),  # an integer is no email
        ("ssn", L.UUID, None),
        ("shipment", L.STRING, None),
        ("zip", L.INTEGER, None),
        ("email", L.UUID, None),
        ("name", L.JSON, None),
    ],
)
def test_semantic_from_name(name: str, logical: LogicalType, expected: SemanticType | None) -> None:
    assert semantic_from_name(name, logical) is expected


BCRYPT = "$2b$12$" + "R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"[:53]
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0"
    ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
)

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
    ("2001:db8::1", {S.IP}),
    ("2001:0DB8:85A3:0000:0000:8A2E:0370:7334", {S.IP}),
    ("fe80::1ff:fe23:4567:890a", {S.IP}),
    ("::1", {S.IP}),
    ("::ffff:192.0.2.128", {S.IP}),
    ("12:30:45", set()),  # a time
    ("00:1a:2b:3c:4d:5e", set()),  # a MAC address
    ("2001:db8::g", set()),
    ("4111111111111111", {S.CARD_NUMBER}),
    ("4111 1111 1111 1111", {S.CARD_NUMBER}),
    ("5500-0000-0000-0004", {S.CARD_NUMBER}),
    ("378282246310005", {S.CARD_NUMBER}),  # 15 digits
    ("4222222222222", {S.CARD_NUMBER}),  # 13 digits
    ("6011000990139424", {S.CARD_NUMBER}),
    ("4111111111111112", set()),  # fails Luhn
    ("4111111111111111111", set()),  # 19 digits, fails Luhn
    ("411111111118", set()),  # 12 digits
    ("41111111111111111113", set()),  # 20 digits
    ("4111 1111 1111 111x", set()),
    ("4111.1111.1111.1111", set()),
    ("\uff14\uff11\uff11\uff11" * 4, set()),  # full-width digits
    ("123-45-6789", {S.NATIONAL_ID}),
    ("123-45-678", set()),
    ("123456789", set()),
    ("12a-45-6789", set()),
    ("123 45 6789", set()),
    ("DE89370400440532013000", {S.IBAN}),
    ("GB29 NWBK 6016 1331 9268 19", {S.IBAN}),
    ("NO9386011117947", {S.IBAN}),  # 15 characters, the shortest
    ("de89370400440532013000", set()),
    ("XX89370400440532013000", set()),
    ("DE8937040044", set()),
    ("DEAB370400440532013000", set()),
    (JWT, {S.SECRET}),
    ("5d41402abc4b2a76b9719d911017c592", {S.SECRET}),  # MD5
    ("AAF4C61DDCC5E8A2DABEDE0F3B482CD9AEA9434D", {S.SECRET}),  # SHA-1
    ("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824", {S.SECRET}),
    ("0" * 32, set()),
    ("5d41402abc4b2a76b9719d911017c59", set()),  # 31 hex digits
    (BCRYPT, {S.SECRET}),
    ("pbkdf2_sha256$600000$c2FsdA$aGFzaA==", {S.SECRET}),
    ("$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", {S.SECRET}),
    ("ghp_16C7e42F292c6912E7710c838347Ae178B4a", {S.SECRET}),
    ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", {S.SECRET}),
    ("dGhpcyBpcyBhIHNlY3JldCB0b2tlbiAxMjM0NTY3OA==", {S.SECRET}),
    ("SubscriptionRenewedEventV2", set()),  # CamelCase, one digit
    ("Order-2024-01-15-Batch-Alpha", set()),  # dashed code
    ("ORDER_STATUS_PENDING_2024_XX", set()),  # no lower case
    ("my-blog-post-title-2023-01", set()),  # no upper case
    ("Abcdefghijklmnopqrstuvw1", set()),  # one digit
    ("the parcel arrived late and the box was broken again", {S.FREE_TEXT}),
    ("short text with spaces", set()),
    ("a" * 60, set()),
    ("", set()),
]


def polars_matches(rule: ShapeRule, values: Sequence[str]) -> list[bool]:
    """The rule's polars predicate over ``values``."""
    got = pl.select(rule.polars(pl.Series("v", list(values), dtype=pl.String))).to_series()
    return [bool(x) for x in got.to_list()]


def sql_matches(rule: ShapeRule, values: Sequence[str]) -> list[bool]:
    """The rule's SQL predicate over ``values``, run by an in-memory SQLite database."""
    engine = sa.create_engine("sqlite://")
    table = sa.table("t", sa.column("i", sa.Integer), sa.column("v", sa.String))
    with engine.connect() as conn:
        conn.exec_driver_sql("CREATE TABLE t (i INTEGER, v TEXT)")
        conn.execute(table.insert(), [{"i": i, "v": v} for i, v in enumerate(values)])
        query = sa.select(sa.case((rule.sql(table.c.v), 1), else_=0)).order_by(table.c.i)
        got = [bool(x) for x in conn.execute(query).scalars()]
    engine.dispose()
    return got


@pytest.mark.parametrize("rule", SHAPE_RULES, ids=lambda r: r.semantic.value)
def test_shape_rules_agree_in_sql_and_polars(rule: ShapeRule) -> None:
    """Each rule's SQL, run by SQLite, and its polars form give the expected answers."""
    values = [v for v, _ in SAMPLES]
    expected = [rule.semantic in sems for _, sems in SAMPLES]
    assert dict(zip(values, polars_matches(rule, values), strict=True)) == dict(
        zip(values, expected, strict=True)
    )
    assert sql_matches(rule, values) == expected


def test_one_rule_per_semantic_type() -> None:
    """The profilers count matches per semantic type: two rules of one type would clash."""
    assert len({rule.semantic for rule in SHAPE_RULES}) == len(SHAPE_RULES)
    assert {S.CARD_NUMBER, S.NATIONAL_ID, S.IBAN, S.SECRET, S.IP} <= PERSONAL


def _luhn_complete(body: str) -> str:
    return next(body + d for d in "0123456789" if luhn_valid(body + d))


def test_luhn_in_sql_agrees_with_polars_and_python() -> None:
    """The card rule's Luhn sum, in SQL and in polars, on valid and invalid numbers of every
    length, plain and grouped."""
    r = random.Random(7)
    values = []
    for _ in range(400):
        digits = r.randint(11, 21)
        body = "".join(r.choice("0123456789") for _ in range(digits - 1))
        for number in (_luhn_complete(body), body + r.choice("0123456789")):
            values.append(number)
            values.append(" ".join(number[i : i + 4] for i in range(0, len(number), 4)))
    expected = [
        13 <= len(v.replace(" ", "")) <= 19 and len(v) <= 23 and luhn_valid(v.replace(" ", ""))
        for v in values
    ]
    rule = next(rule for rule in SHAPE_RULES if rule.semantic is S.CARD_NUMBER)
    assert polars_matches(rule, values) == expected
    assert sql_matches(rule, values) == expected
    assert 0.3 < sum(expected) / len(values) < 0.6


def test_luhn_reference() -> None:
    assert luhn_valid("79927398713") and not luhn_valid("79927398710")
    assert luhn_valid("4111111111111111") and luhn_valid("378282246310005")


def detect(values: Sequence[str | None]) -> SemanticType | None:
    """The semantic type the shape rules give a column of ``values`` (polars, as for files)."""
    series = pl.Series("v", list(values), dtype=pl.String)
    counts = {
        rule.semantic: int(pl.select(rule.polars(series).sum()).item()) for rule in SHAPE_RULES
    }
    return semantic_from_shapes(counts, series.drop_nulls().len())


def _random_digits(r: random.Random, n: int) -> str:
    return "".join(r.choice("0123456789") for _ in range(n))


def _token(r: random.Random, n: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "".join(r.choice(alphabet) for _ in range(n))


def test_whole_columns_are_detected_by_shape() -> None:
    r = random.Random(3)
    cards = [_luhn_complete("4" + _random_digits(r, 14)) for _ in range(200)]
    assert detect(cards) is S.CARD_NUMBER
    assert detect([*cards[:3]] * 60) is S.CARD_NUMBER  # few distinct cards: still personal
    assert detect([*cards[:190], *[None] * 50]) is S.CARD_NUMBER  # NULLs do not count
    ssns = [
        f"{r.randint(1, 899):03d}-{r.randint(1, 99):02d}-{r.randint(1, 9999):04d}"
        for _ in range(100)
    ]
    assert detect(ssns) is S.NATIONAL_ID
    assert detect([*ssns[:92], *["n/a"] * 8]) is S.NATIONAL_ID
    assert detect([*ssns[:85], *["n/a"] * 15]) is None  # below 90%
    assert detect([_token(r, 24) for _ in range(300)]) is S.SECRET
    assert detect([_token(r, 40) for _ in range(300)]) is S.SECRET
    assert detect(["DE89370400440532013000", "GB29 NWBK 6016 1331 9268 19"] * 10) is S.IBAN


def test_enum_like_and_id_columns_are_not_personal_by_shape() -> None:
    """Low-cardinality codes and order numbers keep their values (and frequent values)."""
    r = random.Random(5)
    order_ids = [_random_digits(r, 16) for _ in range(500)]  # one in ten passes Luhn
    assert 0.05 < sum(map(luhn_valid, order_ids)) / 500 < 0.15
    assert detect(order_ids) is None
    events = ["SubscriptionRenewedEventV2", "OrderPlacedEventV1", "PaymentCapturedEventV13"]
    columns: list[list[str]] = [
        ["active", "pending", "closed"] * 50,
        ["DE", "FR", "GB"] * 50,
        events * 50,
        ["ORDER_STATUS_PENDING_2024_XX", "ORDER_STATUS_SHIPPED_2024_XX"] * 50,
        ["Release-2024-01-15-Final-A", "Release-2024-02-01-Final-B"] * 50,
        ["12:30:45", "08:00:00", "23:59:59"] * 50,
        ["00:1a:2b:3c:4d:5e", "00:1a:2b:3c:4d:5f"] * 50,
        ["1.2.3", "1.10.0"] * 50,
        [f"SKU-{i:06d}" for i in range(150)],
        [f"INV-2024-{i:08d}" for i in range(150)],
    ]
    for values in columns:
        assert detect(values) is None, values[:3]


def test_semantic_from_shapes_new_thresholds() -> None:
    assert semantic_from_shapes({S.CARD_NUMBER: 9}, 10) is S.CARD_NUMBER
    assert semantic_from_shapes({S.CARD_NUMBER: 8}, 10) is None
    assert semantic_from_shapes({S.SECRET: 8}, 10) is S.SECRET
    assert semantic_from_shapes({S.SECRET: 7}, 10) is None
    assert semantic_from_shapes({S.NATIONAL_ID: 9, S.IBAN: 9}, 10) is S.NATIONAL_ID


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


# ----------------------------------------------------------------------------- generation


def generate_column(
    semantic: SemanticType,
    lengths: tuple[int, int, int] | None,
    *,
    unique: bool = False,
    length: int | None = None,
    rows: int = 2000,
) -> pl.Series:
    """``rows`` generated values of one column with (min, median, max) ``lengths``."""
    stats = ColumnStats()
    if lengths is not None:
        low, median, high = lengths
        stats = ColumnStats(lengths=Distribution(min=low, p50=median, max=high))
    column = Column(
        name="v",
        type="string",
        sql_type="TEXT" if length is None else f"VARCHAR({length})",
        length=length,
        nullable=False,
        semantic=semantic,
        stats=stats,
    )
    source = Source(
        kind="database", url="sqlite:///x.db", as_of=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    )
    table = Table(name="t", rows=rows, primary_key=("v",) if unique else (), columns=(column,))
    profile = Profile(
        kind="synth-profile", version=1, synth_version="0.1.0", source=source, tables=(table,)
    )
    return synth.generate(profile, scale=1.0, seed=11)["t"]["v"]


def iban_valid(iban: str) -> bool:
    """ISO 13616: the IBAN with its first four characters moved to the end is 1 modulo 97."""
    compact = iban.replace(" ", "")
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


def shape_share(semantic: SemanticType, values: pl.Series) -> float:
    rule = next(rule for rule in SHAPE_RULES if rule.semantic is semantic)
    return sum(polars_matches(rule, values.to_list())) / len(values)


@pytest.mark.parametrize("unique", [False, True], ids=["plain", "unique"])
@pytest.mark.parametrize(
    ("lengths", "pattern"),
    [
        ((16, 16, 16), r"^4000 ?00[0-9]{10}$"),
        ((13, 16, 18), r"^400000[0-9]{7,12}$"),
        ((19, 19, 19), r"^4000 00[0-9]{2} [0-9]{4} [0-9]{4}$"),
        (None, r"^400000[0-9]{10}$"),
    ],
)
def test_generated_card_numbers_pass_luhn_on_a_test_bin(
    lengths: tuple[int, int, int] | None, pattern: str, unique: bool
) -> None:
    values = generate_column(S.CARD_NUMBER, lengths, unique=unique)
    assert values.str.contains(pattern).all()
    assert all(luhn_valid(v.replace(" ", "")) for v in values)
    assert shape_share(S.CARD_NUMBER, values) == 1.0
    assert values.n_unique() == len(values) if unique else values.n_unique() > 1900


@pytest.mark.parametrize("unique", [False, True], ids=["plain", "unique"])
def test_generated_ssns_are_never_issued_numbers(unique: bool) -> None:
    values = generate_column(S.NATIONAL_ID, (11, 11, 11), unique=unique)
    assert values.str.contains(r"^9[0-9]{2}-[0-4][0-9]-[0-9]{4}$").all()
    assert shape_share(S.NATIONAL_ID, values) == 1.0
    assert values.n_unique() == len(values) if unique else values.n_unique() > 1900
    plain = generate_column(S.NATIONAL_ID, (9, 9, 9), unique=unique)
    assert plain.str.contains(r"^9[0-9]{2}[0-4][0-9]{5}$").all()


def test_generated_other_national_ids_have_the_measured_lengths() -> None:
    values = generate_column(S.NATIONAL_ID, (8, 8, 8))
    assert values.str.contains(r"^[A-Z]{2}[0-9]{6}$").all()


@pytest.mark.parametrize("unique", [False, True], ids=["plain", "unique"])
@pytest.mark.parametrize(
    ("lengths", "pattern"),
    [
        ((22, 22, 22), r"^DE[0-9]{20}$"),
        ((27, 27, 27), r"^FR[0-9]{25}$"),
        ((29, 29, 29), r"^ES[0-9]{2}( [0-9]{4}){5}$"),
        (None, r"^DE[0-9]{20}$"),
    ],
)
def test_generated_ibans_have_valid_check_digits(
    lengths: tuple[int, int, int] | None, pattern: str, unique: bool
) -> None:
    values = generate_column(S.IBAN, lengths, unique=unique)
    assert values.str.contains(pattern).all()
    assert all(iban_valid(v) for v in values)
    assert shape_share(S.IBAN, values) == 1.0
    assert values.n_unique() == len(values) if unique else values.n_unique() > 1900


@pytest.mark.parametrize("unique", [False, True], ids=["plain", "unique"])
@pytest.mark.parametrize(
    ("lengths", "pattern", "detected"),
    [
        ((64, 64, 64), r"^[0-9a-f]{64}$", 0.99),
        ((32, 32, 32), r"^[0-9a-f]{32}$", 0.99),
        ((60, 60, 60), r"^\$2b\$12\$[./A-Za-z0-9]{53}$", 1.0),
        ((24, 32, 48), r"^[A-Za-z0-9_-]{24,48}$", 0.8),
        ((4, 4, 4), r"^[0-9]{4}$", 0.0),
        (None, r"^[A-Za-z0-9_-]{32}$", 0.8),
    ],
)
def test_generated_secrets_are_random_tokens_of_the_measured_shape(
    lengths: tuple[int, int, int] | None, pattern: str, detected: float, unique: bool
) -> None:
    values = generate_column(S.SECRET, lengths, unique=unique)
    assert values.str.contains(pattern).all()
    assert shape_share(S.SECRET, values) >= detected
    if unique:
        assert values.n_unique() == len(values)


@pytest.mark.parametrize("semantic", [S.CARD_NUMBER, S.NATIONAL_ID, S.IBAN, S.SECRET])
def test_generated_personal_values_fit_a_short_column(semantic: SemanticType) -> None:
    for unique in (False, True):
        values = generate_column(semantic, None, unique=unique, length=12, rows=500)
        assert values.str.len_chars().max() <= 12
        if unique:
            assert values.n_unique() == 500


def test_generated_values_depend_on_the_seed_only() -> None:
    a = generate_column(S.CARD_NUMBER, (16, 16, 16))
    assert a.equals(generate_column(S.CARD_NUMBER, (16, 16, 16)))


# ----------------------------------------------------------------------------- files, end to end


def test_files_profile_keeps_no_personal_values_and_generates_none(tmp_path: Path) -> None:
    """A Parquet file with personal columns under neutral names: each is detected by its
    values, its profile holds no value, and the generated values are all new."""
    r = random.Random(9)
    n = 300
    source = {
        "c1": [_luhn_complete("5" + _random_digits(r, 14)) for _ in range(n)],
        "c2": [_random_digits(r, 16) for _ in range(n)],
        "c3": [
            f"{r.randint(1, 899):03d}-{r.randint(1, 99):02d}-{r.randint(1, 9999):04d}"
            for _ in range(n)
        ],
        "c4": [_token(r, 32) for _ in range(n)],
        "c5": [f"GB{r.randint(10, 99)}NWBK{_random_digits(r, 14)}" for _ in range(n)],
        "c6": [_luhn_complete("37" + _random_digits(r, 12)) for _ in range(3)] * (n // 3),
        "c7": ["active", "pending", "closed"] * (n // 3),
    }
    path = tmp_path / "payments.parquet"
    pl.DataFrame(source).write_parquet(path)
    profile = synth.profile([path])
    table = profile.tables[0]
    semantics = {c.name: c.semantic for c in table.columns}
    assert semantics == {
        "c1": S.CARD_NUMBER, "c2": None, "c3": S.NATIONAL_ID, "c4": S.SECRET, "c5": S.IBAN,
        "c6": S.CARD_NUMBER, "c7": None,
    }  # fmt: skip
    for column in table.columns:
        if column.semantic is not None:
            assert column.stats.frequent == () and column.stats.values is None, column.name
            assert column.stats.lengths is not None
    assert [f.value for f in table.column("c7").stats.frequent] == ["active", "closed", "pending"]
    text = profile.model_dump_json()
    for name in ("c1", "c3", "c4", "c5", "c6"):
        assert not [v for v in set(source[name]) if v in text], name

    out = synth.generate(profile, rows=n, seed=1)[table.key]
    for name in ("c1", "c3", "c4", "c5", "c6"):
        assert not set(out[name].to_list()) & set(source[name]), name
    assert all(luhn_valid(v) for v in out["c1"]) and all(luhn_valid(v) for v in out["c6"])
    assert out["c3"].str.contains(r"^9[0-9]{2}-[0-9]{2}-[0-9]{4}$").all()
    assert all(iban_valid(v) for v in out["c5"])
