"""SQL literals per dialect: exact text where it matters, and a round trip through an
in-memory SQLite for every type; the SQL writer's options, files and DDL.

PostgreSQL and MariaDB literals are loaded by their real clients in
``tests/integration/writers/test_sql_output.py``.
"""

from __future__ import annotations

import datetime as dt
import math
import sqlite3
from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

import synth
from synth.errors import UsageError
from synth.generator import make_plan
from synth.generator.options import GenerateOptions
from synth.model import (
    Column,
    ColumnStats,
    Distribution,
    ForeignKey,
    Profile,
    Source,
    Table,
    TraitStat,
    ValueFrequency,
)
from synth.writers import write_fixtures
from synth.writers.sql.base import SqlDialect
from synth.writers.sql.ddl import schema_sql
from synth.writers.sql.dialects import resolve_dialect

AS_OF = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
TEXTS = [
    "it's",
    'say "hi"',
    "back\\slash",
    "C:\\new\\table",
    "line1\nline2",
    "tab\there",
    "cr\r\nlf",
    "emoji 🎉 ünïcödé",
    "ctrl-z \x1a",
    "",
    "nul\x00byte",
    None,
]


def col(name: str, type_: str, **kw: object) -> Column:
    return Column(name=name, type=type_, sql_type=str(kw.pop("sql_type", type_.upper())), **kw)  # type: ignore[arg-type]


def profile_of(*tables: Table, dialect: str | None = "postgresql") -> Profile:
    source = Source(kind="database", url="x://", dialect=dialect, as_of=AS_OF)
    return Profile(
        kind="synth-profile", version=1, synth_version="0.0.0", source=source, tables=tables
    )


def frequent(*values: str) -> ColumnStats:
    share = round(1 / len(values), 6) - 0.000001
    return ColumnStats(frequent=tuple(ValueFrequency(value=v, fraction=share) for v in values))


def fk(column: str, parent: str) -> ForeignKey:
    return ForeignKey(columns=(column,), ref_table=parent, ref_columns=("id",))


def edge_profile() -> Profile:
    """One table whose values some dialects cannot store: NUL in text, dates before 1000."""
    table = Table(
        name="edge",
        rows=40,
        primary_key=("id",),
        columns=(
            col("id", "integer", nullable=False, size=4),
            col("note", "string", sql_type="TEXT", stats=frequent("a\x00b", "it's", "x\\y")),
            col(
                "born",
                "date",
                stats=ColumnStats(values=Distribution(min="0500-01-01", max="2020-01-01")),
            ),
            col(
                "seen",
                "datetime",
                sql_type="TIMESTAMP",
                stats=ColumnStats(
                    values=Distribution(min="0900-01-01T00:00:00", max="2030-01-01T00:00:00")
                ),
            ),
            col("order", "integer", size=4),
        ),
    )
    return profile_of(table)


def golden_profile() -> Profile:
    """A small shop: a self-reference, a cycle, an enum, a CHECK, every common type."""
    customers = Table(
        name="customers",
        rows=5,
        primary_key=("id",),
        unique=(("email",),),
        foreign_keys=(fk("referred_by", "customers"),),
        columns=(
            col("id", "integer", nullable=False, size=4),
            col("email", "string", sql_type="VARCHAR(120)", length=120, nullable=False,
                semantic="email"),
            col("remark", "string", sql_type="TEXT", stats=frequent(*[t for t in TEXTS[:9] if t])),
            col("tier", "string", sql_type="VARCHAR(10)", length=10, nullable=False,
                domain=("free", "pro"), stats=frequent("free", "pro")),
            col("referred_by", "integer", size=4),
            col("active", "boolean", nullable=False),
            col("created_at", "datetime", sql_type="TIMESTAMPTZ", timezone=True, nullable=False),
            col("balance", "decimal", sql_type="NUMERIC(10, 2)", precision=10, scale=2,
                stats=ColumnStats(values=Distribution(min=-5, max=1000))),
        ),
    )  # fmt: skip
    orders = Table(
        name="orders",
        rows=8,
        primary_key=("id",),
        foreign_keys=(fk("customer_id", "customers"),),
        columns=(
            col("id", "integer", nullable=False, size=8),
            col("customer_id", "integer", nullable=False, size=4),
            col("order", "integer", size=2),
            col("state", "string", sql_type="order_state", nullable=False,
                domain=("new", "paid"), enum_name="order_state"),
            col("payload", "json", sql_type="JSONB"),
            col("receipt", "binary", sql_type="BYTEA", length=6),
            col("ship_date", "date"),
            col("ship_time", "time"),
            col("ref", "uuid"),
            col("weight", "float", sql_type="REAL", size=4),
            col("shape", "opaque", sql_type="GEOMETRY"),
        ),
    )  # fmt: skip
    teams = Table(
        name="teams",
        rows=2,
        primary_key=("id",),
        foreign_keys=(fk("lead_id", "members"),),
        columns=(col("id", "integer", nullable=False, size=4), col("lead_id", "integer", size=4)),
    )
    members = Table(
        name="members",
        rows=3,
        primary_key=("id",),
        foreign_keys=(fk("team_id", "teams"),),
        columns=(
            col("id", "integer", nullable=False, size=4),
            col("team_id", "integer", nullable=False, size=4),
        ),
    )
    return profile_of(customers, orders, teams, members)


def write_sql(profile: Profile, out: Path, **options: object) -> synth.Manifest:
    plan = make_plan(profile, GenerateOptions(seed=3))
    return write_fixtures(plan, out, format="sql", writer_options=options)


def dialect(name: str) -> SqlDialect:
    return resolve_dialect(name, profile_of())


def literals(values: list, column: Column, name: str, *, copy: bool = False) -> list[str]:
    """The literal text of each value of a one-column frame."""
    d = dialect(name)
    frame = pl.DataFrame({column.name: values}, schema={column.name: _dtype(column)})
    return frame.select(d.column_literals(column, copy=copy).expr).to_series().to_list()


def _dtype(column: Column) -> pl.DataType:
    from synth.model.arrow import polars_dtype

    return polars_dtype(column)


# -- exact text ------------------------------------------------------------------------------

TEXT = col("t", "string", sql_type="TEXT")


def test_postgresql_text_doubles_quotes_and_keeps_backslashes() -> None:
    out = literals(["it's", "a\\b", "x\ny", "nul\x00", None], TEXT, "postgresql")
    assert out == ["'it''s'", "'a\\b'", "'x\ny'", "'nul'", "NULL"]


def test_mysql_text_escapes_backslashes_and_control_characters() -> None:
    out = literals(["it's", "a\\b", "x\ny\r", "nul\x00", "z\x1a", "🎉"], TEXT, "mysql")
    assert out == ["'it''s'", "'a\\\\b'", "'x\\ny\\r'", "'nul\\0'", "'z\\Z'", "'🎉'"]


def test_sqlite_text_splices_nul() -> None:
    assert literals(["a\x00b"], TEXT, "sqlite") == ["'a' || char(0) || 'b'"]


def test_copy_text_escapes() -> None:
    out = literals(["a\\b\tc\nd\re\x00", None], TEXT, "postgresql", copy=True)
    assert out == ["a\\\\b\\tc\\nd\\re", "\\N"]


def test_bytes_booleans_and_times_per_dialect() -> None:
    blob = col("b", "binary")
    assert literals([b"\x00\xff'", b""], blob, "postgresql") == [
        "'\\x00ff27'::bytea",
        "'\\x'::bytea",
    ]
    assert literals([b"\x00\xff'"], blob, "mysql") == ["X'00ff27'"]
    assert literals([b"\x00\xff'"], blob, "postgresql", copy=True) == ["\\\\x00ff27"]
    flag = col("f", "boolean")
    assert literals([True, False, None], flag, "postgresql") == ["TRUE", "FALSE", "NULL"]
    assert literals([True, False, None], flag, "mysql") == ["1", "0", "NULL"]
    assert literals([True, False], flag, "postgresql", copy=True) == ["t", "f"]
    stamp = col("s", "datetime", timezone=True)
    moment = dt.datetime(2024, 5, 6, 7, 8, 9, 12, tzinfo=dt.UTC)
    assert literals([moment], stamp, "postgresql") == ["'2024-05-06 07:08:09.000012+00:00'"]
    assert literals([moment], stamp, "mysql") == ["'2024-05-06 07:08:09.000012'"]
    assert literals([moment], stamp, "portable") == ["TIMESTAMP '2024-05-06 07:08:09.000012+00:00'"]
    assert literals([dt.time(1, 2, 3, 4)], col("t", "time"), "sqlite") == ["'01:02:03.000004'"]
    money = col("m", "decimal", precision=12, scale=2)
    assert literals([Decimal("1.5"), Decimal("-0.01")], money, "mysql") == ["1.50", "-0.01"]


def test_non_finite_floats() -> None:
    f = col("f", "float", size=8)
    values = [math.inf, -math.inf, math.nan, 0.1, 1e20]
    assert literals(values, f, "postgresql") == [
        "'Infinity'",
        "'-Infinity'",
        "'NaN'",
        "0.1",
        "1e+20",
    ]
    assert literals(values, f, "mysql") == [
        "1.7976931348623157e+308", "-1.7976931348623157e+308", "NULL", "0.1", "1e+20",
    ]  # fmt: skip
    assert literals(values, f, "sqlite")[:3] == ["9e999", "-9e999", "NULL"]


def test_mysql_clamps_dates_and_counts_them() -> None:
    born = col("d", "date")
    d = dialect("mysql")
    frame = pl.DataFrame({"d": [dt.date(1, 1, 1), dt.date(2020, 1, 1), None]})
    lit = d.column_literals(born)
    out = frame.select(lit.expr, lit.counts[0][1].alias("n"))
    assert out["d"].to_list() == ["'1000-01-01'", "'2020-01-01'", "NULL"]
    assert out["n"][0] == 1


# -- round trip through SQLite ---------------------------------------------------------------

ROUND_TRIP: list[tuple[Column, list]] = [
    (TEXT, TEXTS),
    (col("i", "integer", size=8), [-(2**63), 2**63 - 1, 0, None]),
    (col("f", "float", size=8), [0.1, -0.0, 1e-300, 1.7976931348623157e308, math.inf, None]),
    (col("m", "decimal", precision=12, scale=2), [Decimal("1234567890.12"), Decimal("-0.50")]),
    (col("b", "boolean"), [True, False, None]),
    (col("d", "date"), [dt.date(1, 1, 1), dt.date(9999, 12, 31)]),
    (col("s", "datetime"), [dt.datetime(2024, 2, 29, 23, 59, 59, 999999)]),
    (col("z", "datetime", timezone=True), [dt.datetime(1970, 1, 1, tzinfo=dt.UTC)]),
    (col("t", "time"), [dt.time(0, 0), dt.time(23, 59, 59, 1)]),
    (col("u", "uuid"), ["123e4567-e89b-12d3-a456-426614174000"]),
    (col("j", "json"), ['{"a": "it\'s \\"q\\"", "b": [1, 2.5]}']),
    (col("x", "binary"), [b"", b"\x00'\\\xff", None]),
]


def _expected(value: object, column: Column) -> object:
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        text = value.replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        return text + ("+00:00" if column.timezone else "")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat() if isinstance(value, dt.date) else value.isoformat("microseconds")
    return value


@pytest.mark.parametrize(("column", "values"), ROUND_TRIP, ids=lambda x: getattr(x, "name", ""))
def test_sqlite_round_trip(column: Column, values: list) -> None:
    rendered = literals(values, column, "sqlite")
    conn = sqlite3.connect(":memory:")
    conn.execute(f'CREATE TABLE t ("v" {dialect("sqlite").column_type(column)})')
    conn.executescript("INSERT INTO t (v) VALUES\n" + ",\n".join(f"({v})" for v in rendered) + ";")
    got = [row[0] for row in conn.execute("SELECT v FROM t ORDER BY rowid")]
    assert got == [_expected(v, column) for v in values]


# -- options, files, DDL ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"dialect": "oracle"}, r"dialect='oracle' \(--dialect\) .* choose one of: postgresql"),
        ({"dialect": "mysql", "sql_style": "copy"}, r"sql_style='copy' .* needs PostgreSQL"),
        ({"sql_style": "csv"}, r"sql_style='csv' .* choose one of: insert, copy"),
        ({"batch_rows": 0}, r"batch_rows=0 must be a whole number >= 1"),
        ({"ddl": "no"}, r"ddl='no' \(--no-ddl\) must be true or false"),
        ({"colour": 1}, r"colour=1 is not an option of format='sql'"),
    ],
)
def test_bad_options_are_usage_errors(tmp_path: Path, options: dict, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        write_sql(edge_profile(), tmp_path / "out", **options)
    assert not (tmp_path / "out").exists()


def test_sql_options_on_parquet_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"dialect='mysql' .* applies to format='sql' only"):
        write_fixtures(
            make_plan(edge_profile()), tmp_path / "out", format="parquet",
            writer_options={"dialect": "mysql", "split": None},
        )  # fmt: skip


def test_default_dialect() -> None:
    assert resolve_dialect(None, profile_of(dialect="mariadb")).name == "mariadb"
    assert resolve_dialect(None, profile_of(dialect="mssql")).name == "portable"
    assert resolve_dialect(None, profile_of(dialect=None)).name == "postgresql"
    assert resolve_dialect("MySQL", profile_of()).family == "mysql"


def test_split_without_ddl(tmp_path: Path) -> None:
    manifest = write_sql(golden_profile(), tmp_path / "out", split=True, ddl=False)
    # teams.lead_id closes the teams/members cycle: its values are set last
    order = ["customers.sql", "orders.sql", "teams.sql", "members.sql", "cycle_keys.sql"]
    assert manifest.options["load_order"] == order
    updates = (tmp_path / "out" / "cycle_keys.sql").read_text()
    assert updates.count("BEGIN;") == 1 and updates.rstrip().endswith("COMMIT;")
    assert 'UPDATE "teams" SET "lead_id" = ' in updates
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted([*order, "manifest.json"])
    assert manifest.tables["orders"].files == ("orders.sql",)
    text = (tmp_path / "out" / "orders.sql").read_text()
    assert text.count("BEGIN;") == 1 and text.rstrip().endswith("COMMIT;")
    assert 'INSERT INTO "orders" ("id", "customer_id", "order", "state"' in text


def test_table_named_schema_does_not_clash(tmp_path: Path) -> None:
    table = Table(name="schema", rows=2, columns=(col("id", "integer"),))
    manifest = write_sql(profile_of(table), tmp_path / "out", split=True)
    assert manifest.options["load_order"] == ["schema.sql", "schema_table.sql"]


def test_ddl_follows_the_dialect(tmp_path: Path) -> None:
    write_sql(golden_profile(), tmp_path / "my", dialect="mysql")
    my = (tmp_path / "my" / "schema.sql").read_text()
    assert "`state` ENUM('new', 'paid') NOT NULL" in my
    assert "`email` VARCHAR(120) COLLATE utf8mb4_bin NOT NULL" in my
    assert "`created_at` DATETIME(6) NOT NULL" in my
    assert "ALTER TABLE `teams` ADD CONSTRAINT `teams_lead_id_fkey` FOREIGN KEY (`lead_id`)" in my
    assert "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4" in my
    write_sql(golden_profile(), tmp_path / "lite", dialect="sqlite")
    lite = (tmp_path / "lite" / "schema.sql").read_text()
    assert "ALTER TABLE" not in lite
    assert 'FOREIGN KEY ("lead_id") REFERENCES "members" ("id")' in lite
    conn = sqlite3.connect(":memory:")
    conn.executescript(lite)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.executescript((tmp_path / "lite" / "data.sql").read_text())
    assert conn.execute("SELECT COUNT(*) FROM orders").fetchone() == (8,)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_values_outside_the_domain_widen_it(tmp_path: Path) -> None:
    legacy = col("plan", "string", sql_type="VARCHAR(10)", length=10, domain=("free", "pro"),
                 stats=frequent("free", "premium"))  # fmt: skip
    table = Table(name="users", rows=30, columns=(col("id", "integer"), legacy))
    with pytest.warns(synth.SynthWarning, match=r"users.plan: generated values outside"):
        manifest = write_sql(profile_of(table, dialect="sqlite"), tmp_path / "out")
    assert "IN ('free', 'pro', 'premium')" in (tmp_path / "out" / "schema.sql").read_text()
    assert any("premium" in note for note in manifest.options["schema_notes"])  # type: ignore[attr-defined]


def test_foreign_keys_with_orphans_are_left_out() -> None:
    profile = golden_profile()
    orders = profile.table("orders")
    orphan = TraitStat(trait="orphan", fraction=0.1, columns=("customer_id",),
                       detail={"parent": "customers", "key": "id"})  # fmt: skip
    changed = orders.model_copy(update={"traits": (orphan,)})
    tables = tuple(changed if t.name == "orders" else t for t in profile.tables)
    plan = make_plan(profile.model_copy(update={"tables": tables}))
    written = {tp.key: tuple(c.name for c in tp.table.columns) for tp in plan.tables}
    schema = schema_sql(plan, dialect("postgresql"), written, {})
    assert 'FOREIGN KEY ("customer_id")' not in schema.text
    assert "orders.customer_id: FOREIGN KEY to 'customers' left out" in schema.text
    assert [n.warn for n in schema.notes] == [True]
    assert "orphan rows" in str(schema.notes[0])


def test_schemas_are_kept_where_the_dialect_has_them(tmp_path: Path) -> None:
    table = Table(name="invoices", schema="billing", rows=2, primary_key=("id",),
                  columns=(col("id", "integer", nullable=False),))  # fmt: skip
    write_sql(profile_of(table), tmp_path / "pg", dialect="postgresql")
    pg = (tmp_path / "pg" / "schema.sql").read_text()
    assert 'CREATE SCHEMA IF NOT EXISTS "billing";' in pg
    assert 'CREATE TABLE "billing"."invoices" (' in pg
    assert 'INSERT INTO "billing"."invoices"' in (tmp_path / "pg" / "data.sql").read_text()
    write_sql(profile_of(table), tmp_path / "lite", dialect="sqlite")
    assert 'CREATE TABLE "invoices" (' in (tmp_path / "lite" / "schema.sql").read_text()


def test_foreign_keys_to_tables_not_generated_are_noted(tmp_path: Path) -> None:
    manifest = write_fixtures(
        make_plan(golden_profile(), GenerateOptions(tables=("orders",))), tmp_path / "out",
        format="sql", writer_options={"dialect": "postgresql"},
    )  # fmt: skip
    schema = (tmp_path / "out" / "schema.sql").read_text()
    assert "REFERENCES" not in schema
    assert manifest.options["schema_notes"] == [
        "orders.customer_id: FOREIGN KEY to 'customers' left out: that table is not generated"
    ]
