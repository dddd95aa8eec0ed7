"""Personal data found by the shape of its values in real databases, and never copied.

Card numbers, SSNs, tokens, IBANs, digests and IPv6 addresses sit in columns with
neutral names (``c1``...), so only their values can give them away. Each database
(SQLite, PostgreSQL, MariaDB) must give every column its semantic type through the
one aggregate query, store no value of a personal column anywhere in the profile,
and the generated data must hold none of the source values.
"""

from __future__ import annotations

import random
from typing import Any

import polars as pl
import sqlalchemy as sa

import synth
from synth.model import Profile, SemanticType
from synth.profiler.semantic import SHAPE_RULES
from synth.profiler.semantic_rules import luhn_valid
from tests.integration.traits_support import Db
from tests.unit.profiler.test_semantic import SAMPLES

S = SemanticType
ROWS = 240
PERSONAL_COLUMNS = ("c1", "c3", "c4", "c5", "c6", "c8", "c9")

DDL = (
    """CREATE TABLE wallets (
        w1 VARCHAR(20) PRIMARY KEY,
        w2 VARCHAR(12) NOT NULL
    )""",
    """CREATE TABLE payments (
        id INTEGER PRIMARY KEY,
        w VARCHAR(20) REFERENCES wallets (w1),
        c1 VARCHAR(24),
        c2 VARCHAR(20) NOT NULL,
        c3 VARCHAR(11),
        c4 VARCHAR(64),
        c5 VARCHAR(40),
        c6 VARCHAR(24),
        c7 VARCHAR(16) NOT NULL,
        c8 VARCHAR(64),
        c9 VARCHAR(45)
    )""",
)


def _digits(r: random.Random, n: int) -> str:
    return "".join(r.choice("0123456789") for _ in range(n))


def _luhn(body: str, valid: bool = True) -> str:
    """``body`` and the check digit that makes it pass (or fail) the Luhn check."""
    return next(body + d for d in "0123456789" if luhn_valid(body + d) is valid)


def _grouped(number: str) -> str:
    return " ".join(number[i : i + 4] for i in range(0, len(number), 4))


def _iban(r: random.Random) -> str:
    bban = _digits(r, 18)
    check = 98 - int(bban + "131400") % 97  # D=13, E=14, then "00"
    iban = f"DE{check:02d}{bban}"
    return _grouped(iban) if r.random() < 0.3 else iban


def _token(r: random.Random, n: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    return "".join(r.choice(alphabet) for _ in range(n))


def _ipv6(r: random.Random) -> str:
    groups = [f"{r.randint(0, 0xFFFF):x}" for _ in range(8)]
    return "fd00::" + ":".join(groups[:3]) if r.random() < 0.5 else ":".join(groups)


def make_rows(seed: int = 20240607) -> dict[str, list[dict[str, Any]]]:
    """Source rows: every personal shape under a neutral name, some NULLs."""
    r = random.Random(seed)
    wallets = [{"w1": _luhn("5" + _digits(r, 14)), "w2": f"W{i:06d}"} for i in range(40)]
    few_cards = [_luhn("37" + _digits(r, 12)) for _ in range(3)]

    def maybe(value: str, share: float = 0.1) -> str | None:
        return None if r.random() < share else value

    payments = []
    for i in range(ROWS):
        card = _luhn("4" + _digits(r, r.choice([12, 14, 15, 17])))
        payments.append({
            "id": i + 1,
            "w": maybe(wallets[i % len(wallets)]["w1"]),
            "c1": maybe(_grouped(card) if len(card) == 16 and r.random() < 0.3 else card),
            "c2": _luhn(_digits(r, 15), valid=False),  # order numbers: 16 digits, not cards
            "c3": maybe(f"{r.randint(1, 899):03d}-{r.randint(1, 99):02d}-{r.randint(1, 9999):04d}"),
            "c4": maybe(_token(r, r.randint(28, 48))),
            "c5": maybe(_iban(r)),
            "c6": few_cards[i % 3],  # three cards: low cardinality, still personal
            "c7": r.choice(["active", "pending", "closed"]),
            "c8": maybe("".join(r.choice("0123456789abcdef") for _ in range(64))),
            "c9": maybe(_ipv6(r)),
        })  # fmt: skip
    return {"wallets": wallets, "payments": payments}


def _profile(db: Db, rows: dict[str, list[dict[str, Any]]]) -> Profile:
    db.run(*DDL, rows=rows)
    return synth.profile(db.url, as_of="2024-06-07T00:00:00Z")


def test_personal_columns_are_found_by_their_values(db: Db) -> None:
    rows = make_rows()
    profile = _profile(db, rows)
    payments = profile.table("payments")
    semantics = {c.name: c.semantic for c in payments.columns}
    assert semantics == {
        "id": None, "w": S.CARD_NUMBER, "c1": S.CARD_NUMBER, "c2": None, "c3": S.NATIONAL_ID,
        "c4": S.SECRET, "c5": S.IBAN, "c6": S.CARD_NUMBER, "c7": None, "c8": S.SECRET,
        "c9": S.IP,
    }  # fmt: skip
    wallets = profile.table("wallets")
    assert wallets.column("w1").semantic is S.CARD_NUMBER
    assert wallets.column("w2").semantic is None

    for table in (payments, wallets):
        for column in table.columns:
            if column.semantic is None:
                continue
            stats = column.stats
            assert stats.frequent == () and stats.values is None, column.name
            assert stats.lengths is not None and stats.null_fraction < 0.2, column.name
    frequent = {f.value for f in payments.column("c7").stats.frequent}
    assert frequent == {"active", "pending", "closed"}  # not personal: values kept

    text = profile.model_dump_json()
    for table, names in (("payments", (*PERSONAL_COLUMNS, "w")), ("wallets", ("w1",))):
        for name in names:
            source = {row[name] for row in rows[table] if row[name] is not None}
            assert not [v for v in source if v in text], f"{table}.{name}"


def test_generated_personal_values_are_new_and_well_formed(db: Db) -> None:
    rows = make_rows()
    profile = _profile(db, rows)
    out = synth.generate(profile, rows=ROWS, seed=3)
    payments, wallets = out["payments"], out["wallets"]
    for name in (*PERSONAL_COLUMNS, "w"):
        source = {row[name] for row in rows["payments"]} - {None}
        made = set(payments[name].drop_nulls().to_list())
        assert made and not made & source, name
    assert not set(wallets["w1"].to_list()) & {row["w1"] for row in rows["wallets"]}

    def compact(value: str) -> str:
        return value.replace(" ", "")

    for values in (payments["c1"], payments["c6"], wallets["w1"]):
        assert all(luhn_valid(compact(v)) for v in values.drop_nulls())
    assert set(payments["w"].drop_nulls()) <= set(wallets["w1"])
    assert wallets["w1"].n_unique() == len(wallets)
    assert payments["c3"].drop_nulls().str.contains(r"^9[0-9]{2}-[0-4][0-9]-[0-9]{4}$").all()
    for iban in payments["c5"].drop_nulls():
        moved = compact(iban)[4:] + compact(iban)[:4]
        assert int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1
    assert payments["c8"].drop_nulls().str.contains(r"^[0-9a-f]{64}$").all()
    assert payments["c9"].drop_nulls().str.starts_with("2001:db8:").all()  # documentation range
    assert set(payments["c7"]) <= {"active", "pending", "closed"}


def test_shape_rules_agree_with_polars_in_the_database(db: Db) -> None:
    """Each rule's SQL, run by the database on a real column, answers like polars (and as
    expected) on the unit tests' samples and on Luhn-valid and -invalid numbers."""
    r = random.Random(1)
    cards = []
    for _ in range(150):
        body = _digits(r, r.randint(12, 18))
        cards += [_luhn(body), _luhn(body, valid=False), _grouped(_luhn(body))]
    values = [v for v, _ in SAMPLES] + cards
    db.run(
        "CREATE TABLE samples (i INTEGER PRIMARY KEY, v VARCHAR(200))",
        rows={"samples": [{"i": i, "v": v} for i, v in enumerate(values)]},
    )
    engine = db.engine()
    table = sa.table("samples", sa.column("i", sa.Integer), sa.column("v", sa.String))
    series = pl.Series("v", values, dtype=pl.String)
    try:
        with engine.connect() as conn:
            for rule in SHAPE_RULES:
                query = sa.select(sa.case((rule.sql(table.c.v), 1), else_=0)).order_by(table.c.i)
                got = [bool(x) for x in conn.execute(query).scalars()]
                polars = [bool(x) for x in pl.select(rule.polars(series)).to_series()]
                mismatched = [v for v, a, b in zip(values, got, polars, strict=True) if a != b]
                assert not mismatched, (rule.semantic, mismatched[:5])
                expected = [rule.semantic in sems for _, sems in SAMPLES]
                assert got[: len(SAMPLES)] == expected, rule.semantic
    finally:
        engine.dispose()
