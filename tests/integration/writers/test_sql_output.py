"""SQL fixtures, loaded by each database's own client into real databases.

Per dialect: a small schema of realistic complexity (a self-referencing and a cyclic
foreign key, CHECK IN-lists, an enum, varchar lengths, numeric(12,2), timestamps with
and without time zone, a boolean, a uuid, bytes, json, a column named ``order``, text
holding quotes, backslashes, newlines, tabs, CR and emoji) is planted and profiled;
the SQL output is loaded into an empty database (``psql -v ON_ERROR_STOP=1``,
``mariadb``, Python's ``sqlite3`` with foreign keys on) and must hold exactly the rows
of the Parquet output of the same profile and seed. ``data.sql`` must also load into an
empty copy of the *original* schema, and PostgreSQL's ``COPY`` style through ``psql``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import subprocess
import uuid
import warnings
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

import synth
from synth.generator.options import GenerateOptions
from synth.generator.plan import make_plan
from synth.model import Column, LogicalType, Profile
from synth.model.manifest import Manifest, read_manifest
from synth.writers import write_fixtures
from tests.integration.traits_support import Db

SEED = 3

NASTY = [
    "it's",
    'say "hi"',
    "back\\slash",
    "C:\\new\\table",
    "line1\nline2",
    "tab\there",
    "cr\r\nlf",
    "emoji 🎉 ünïcödé ✓",
    "'; DROP TABLE customers; --",
    "100% _like_ $1 :x",
    "",
    "trailing space ",
]
"""Text planted (each in at least 10 rows, so the profile keeps it as a frequent value)."""

PG_DDL = [
    "CREATE TYPE order_state AS ENUM ('new', 'paid', 'shipped')",
    """CREATE TABLE customers (
        id integer PRIMARY KEY,
        email varchar(120) NOT NULL UNIQUE,
        name varchar(80),
        tier varchar(10) NOT NULL CHECK (tier IN ('free', 'pro', 'enterprise')),
        referred_by integer REFERENCES customers (id),
        active boolean NOT NULL,
        created_at timestamptz NOT NULL
    )""",
    """CREATE TABLE orders (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id integer NOT NULL REFERENCES customers (id),
        "order" integer NOT NULL,
        state order_state NOT NULL,
        total numeric(12, 2) NOT NULL,
        placed_at timestamp NOT NULL,
        ref uuid NOT NULL,
        payload jsonb,
        receipt bytea,
        remark text,
        ship_date date,
        ship_time time,
        weight real
    )""",
    "CREATE TABLE teams (id integer PRIMARY KEY, title varchar(40) NOT NULL, lead_id integer)",
    """CREATE TABLE members (
        id integer PRIMARY KEY,
        team_id integer NOT NULL REFERENCES teams (id),
        label varchar(30)
    )""",
    "ALTER TABLE teams ADD FOREIGN KEY (lead_id) REFERENCES members (id)",
]

MARIADB_DDL = [
    """CREATE TABLE customers (
        id INT PRIMARY KEY,
        email VARCHAR(120) NOT NULL UNIQUE,
        name VARCHAR(80),
        tier VARCHAR(10) NOT NULL CHECK (tier IN ('free', 'pro', 'enterprise')),
        referred_by INT NULL,
        active BOOLEAN NOT NULL,
        created_at DATETIME(6) NOT NULL,
        FOREIGN KEY (referred_by) REFERENCES customers (id)
    ) ENGINE=InnoDB""",
    """CREATE TABLE orders (
        id INT AUTO_INCREMENT PRIMARY KEY,
        customer_id INT NOT NULL,
        `order` INT NOT NULL,
        state ENUM('new', 'paid', 'shipped') NOT NULL,
        total DECIMAL(12, 2) NOT NULL,
        placed_at TIMESTAMP(6) NULL,
        ref CHAR(36) NOT NULL,
        payload JSON,
        receipt BLOB,
        remark TEXT,
        ship_date DATE,
        ship_time TIME(6),
        weight DOUBLE,
        FOREIGN KEY (customer_id) REFERENCES customers (id)
    ) ENGINE=InnoDB""",
    "CREATE TABLE teams (id INT PRIMARY KEY, title VARCHAR(40) NOT NULL, lead_id INT NULL)",
    """CREATE TABLE members (
        id INT PRIMARY KEY,
        team_id INT NOT NULL,
        label VARCHAR(30),
        FOREIGN KEY (team_id) REFERENCES teams (id)
    ) ENGINE=InnoDB""",
    "ALTER TABLE teams ADD FOREIGN KEY (lead_id) REFERENCES members (id)",
]

SQLITE_DDL = [
    """CREATE TABLE customers (
        id INTEGER PRIMARY KEY,
        email VARCHAR(120) NOT NULL UNIQUE,
        name VARCHAR(80),
        tier VARCHAR(10) NOT NULL CHECK (tier IN ('free', 'pro', 'enterprise')),
        referred_by INTEGER REFERENCES customers (id),
        active BOOLEAN NOT NULL,
        created_at DATETIME NOT NULL
    )""",
    """CREATE TABLE orders (
        id INTEGER PRIMARY KEY,
        customer_id INTEGER NOT NULL REFERENCES customers (id),
        "order" INTEGER NOT NULL,
        state VARCHAR(8) NOT NULL CHECK (state IN ('new', 'paid', 'shipped')),
        total NUMERIC(12, 2) NOT NULL,
        placed_at DATETIME NOT NULL,
        ref CHAR(36) NOT NULL,
        payload JSON,
        receipt BLOB,
        remark TEXT,
        ship_date DATE,
        ship_time TIME,
        weight REAL
    )""",
    """CREATE TABLE teams (
        id INTEGER PRIMARY KEY, title VARCHAR(40) NOT NULL,
        lead_id INTEGER REFERENCES members (id)
    )""",
    """CREATE TABLE members (
        id INTEGER PRIMARY KEY,
        team_id INTEGER NOT NULL REFERENCES teams (id),
        label VARCHAR(30)
    )""",
]

DDL = {"postgresql": PG_DDL, "mariadb": MARIADB_DDL, "sqlite": SQLITE_DDL}


def planted(dialect: str) -> dict[str, list[dict]]:
    """The source rows (deterministic). NUL only where the source can store it."""
    nasty = [*NASTY, "nul\x00byte"] if dialect != "postgresql" else NASTY
    base = dt.datetime(2024, 3, 1, 12, 0, 0)
    customers = [
        {
            "id": i,
            "email": f"user{i}@example.com",
            "name": ["Ann O'Neil", "Bo", None, "Zoë Ünal"][i % 4],
            "tier": ["free", "free", "pro", "enterprise"][i % 4],
            "referred_by": i // 2 if i > 1 and i % 3 else None,
            "active": i % 3 != 0,
            "created_at": (
                (base - dt.timedelta(days=i, microseconds=i * 7)).replace(tzinfo=dt.UTC)
                if dialect == "postgresql"
                else base - dt.timedelta(days=i, microseconds=i * 7)
            ),
        }
        for i in range(1, 61)
    ]
    orders = [
        {
            "customer_id": 1 + i % 60,
            "order": i % 7,
            "state": ["new", "paid", "shipped", "shipped"][i % 4],
            "total": Decimal(f"{(i * 37) % 5000}.{i % 100:02d}"),
            "placed_at": base - dt.timedelta(hours=5 * i, microseconds=i),
            "ref": str(uuid.UUID(int=i * 7919 + 1)),
            "payload": json.dumps({"n": i, "k": ["a", "b'c"][i % 2]}) if i % 5 else None,
            "receipt": bytes([i % 256, 0, 255, 39, 92]) if i % 4 else None,
            "remark": [*nasty, None][i % (len(nasty) + 1)],
            "ship_date": dt.date(2023, 1, 1) + dt.timedelta(days=i * 2),
            "ship_time": dt.time(i % 24, i % 60, i % 60, i * 11),
            "weight": (i % 50) / 8 + 0.1,
        }
        for i in range(1, 181)
    ]
    if dialect != "postgresql":
        for i, row in enumerate(orders, start=1):
            row["id"] = i
    teams = [{"id": i, "title": f"team {i}", "lead_id": None} for i in range(1, 5)]
    members = [
        {"id": i, "team_id": 1 + i % 4, "label": ["ops", None, "dev"][i % 3]} for i in range(1, 25)
    ]
    out = {"customers": customers, "orders": orders, "teams": teams, "members": members}
    if dialect == "sqlite":  # plain text and numbers, as an application would store them
        out = {t: [{k: _sqlite(v) for k, v in r.items()} for r in rs] for t, rs in out.items()}
    return out


def _sqlite(value: object) -> object:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return str(value)
    return value


LEADS = "UPDATE teams SET lead_id = (SELECT MIN(id) FROM members WHERE team_id = teams.id)"


# -- databases and their clients -------------------------------------------------------------


@pytest.fixture
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[str], str]]:
    """Make more empty databases of a dialect in this test: ``fresh(dialect) -> url``."""
    made: list[tuple[str, str]] = []
    count = iter(range(100))

    def make(dialect: str) -> str:
        if dialect == "sqlite":
            return f"sqlite:///{tmp_path / f'target{next(count)}.db'}"
        name = f"synth_test_{uuid.uuid4().hex[:12]}"
        admin = request.getfixturevalue(
            "_postgres_admin" if dialect == "postgresql" else "_mysql_admin"
        )
        quote = '"' if dialect == "postgresql" else "`"
        charset = "" if dialect == "postgresql" else " CHARACTER SET utf8mb4"
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {quote}{name}{quote}{charset}")
        made.append((dialect, name))
        return make_url(admin.url).set(database=name).render_as_string(hide_password=False)

    yield make
    for dialect, name in made:
        admin = request.getfixturevalue(
            "_postgres_admin" if dialect == "postgresql" else "_mysql_admin"
        )
        with admin.connect() as conn:
            if dialect == "postgresql":
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            else:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS `{name}`")


def load(dialect: str, url: str, *files: Path) -> None:
    """Run SQL files in order through the dialect's own client; fail on any error."""
    if dialect == "sqlite":
        conn = sqlite3.connect(make_url(url).database or "")
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            for file in files:
                # read_text translates newlines, as many loaders do: the files must survive it
                conn.executescript(file.read_text(encoding="utf-8"))
            problems = conn.execute("PRAGMA foreign_key_check").fetchall()
            assert problems == [], problems
        finally:
            conn.close()
        return
    u = make_url(url)
    for file in files:
        if dialect == "postgresql":
            libpq = u.set(drivername="postgresql").render_as_string(hide_password=False)
            cmd = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", libpq, "-f", str(file)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        else:
            cmd = ["mariadb", "--host", u.host or "127.0.0.1", "--port", str(u.port or 3306)]
            cmd += ["-u", u.username or "root", *([f"-p{u.password}"] if u.password else [])]
            with open(file, "rb") as stdin:
                done = subprocess.run(
                    [*cmd, u.database or ""], stdin=stdin, capture_output=True, check=False
                )
        err = done.stderr if isinstance(done.stderr, str) else done.stderr.decode()
        assert done.returncode == 0 and "ERROR" not in err, f"{file.name}: {err}"


# -- comparing what was loaded with the Parquet output ---------------------------------------


def pg_array_elements(text: str) -> list[str | None]:
    """The elements of a one-dimensional PostgreSQL array in its text form."""
    out: list[str | None] = []
    i, body = 0, text[1:-1]
    while i < len(body):
        if body[i] == '"':
            j, chars = i + 1, []
            while body[j] != '"':
                if body[j] == "\\":
                    j += 1
                chars.append(body[j])
                j += 1
            out.append("".join(chars))
            i = j + 2
        else:
            j = body.find(",", i)
            j = len(body) if j < 0 else j
            out.append(None if body[i:j] == "NULL" else body[i:j])
            i = j + 1
    return out


def canon(value: object, col: Column, *, sqlite: bool = False) -> str | None:
    """One value as comparable text, whichever driver or file it came from. ``sqlite``:
    compare floats to 15 significant digits (SQLite before 3.43 may read the shortest
    round-trip decimal of a double one unit in the last place off)."""
    if value is None:
        return None
    t = col.type
    if t is LogicalType.ARRAY:  # a list (psycopg, Parquet), array text (psycopg, for arrays
        # of a type it does not know, such as an enum) or a JSON array (elsewhere)
        if isinstance(value, str) and value.startswith("{"):
            items = pg_array_elements(value)
        else:
            items = json.loads(value) if isinstance(value, str | bytes) else value
        element = col.element()
        return json.dumps([canon(v, element, sqlite=sqlite) for v in items])  # type: ignore[union-attr]
    if t is LogicalType.BOOLEAN:
        return str(int(bool(value)))
    if t is LogicalType.INTEGER:
        return str(int(value))  # type: ignore[call-overload]
    if t is LogicalType.FLOAT:
        f = float(value)  # type: ignore[arg-type]
        if sqlite:
            return f"{f:.15g}"
        return repr(float(np.float32(f)) if col.size == 4 else f)
    if t is LogicalType.DECIMAL:
        return str(Decimal(str(value)).quantize(Decimal(1).scaleb(-(col.scale or 0))))
    if t is LogicalType.DATE:
        return str(value)[:10]
    if t is LogicalType.DATETIME:
        v = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
        if v.tzinfo is not None:
            v = v.astimezone(dt.UTC).replace(tzinfo=None)
        return v.isoformat(timespec="microseconds")
    if t is LogicalType.TIME:
        if isinstance(value, dt.timedelta):  # PyMySQL's TIME
            value = (dt.datetime.min + value).time()
        v = value if isinstance(value, dt.time) else dt.time.fromisoformat(str(value))
        return v.isoformat(timespec="microseconds")
    if t is LogicalType.JSON:
        parsed = json.loads(value) if isinstance(value, str | bytes) else value
        return json.dumps(parsed, sort_keys=True)
    if t is LogicalType.BINARY:
        return bytes(value).hex()  # type: ignore[arg-type]
    return str(value)


Rows = dict[str, list[str]]
"""Table key -> its rows as sorted JSON lines."""


def _lines(rows: list[tuple[str | None, ...]]) -> list[str]:
    return sorted(json.dumps(r, ensure_ascii=False) for r in rows)


def assert_same(loaded: Rows, expected: Rows) -> None:
    """Equal checksums per table; on a difference, the first rows that differ."""

    def digest(lines: list[str]) -> str:
        return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()

    for key, lines in expected.items():
        if digest(loaded.get(key, [])) != digest(lines):
            only_loaded = sorted(set(loaded.get(key, [])) - set(lines))[:3]
            only_expected = sorted(set(lines) - set(loaded.get(key, [])))[:3]
            pytest.fail(f"{key}: loaded {only_loaded} but Parquet has {only_expected}")
    assert set(loaded) == set(expected)


def columns_of(profile: Profile, table: str) -> list[Column]:
    return [c for c in profile.table(table).columns if c.type is not LogicalType.OPAQUE]


def parquet_rows(profile: Profile, directory: Path, *, sqlite: bool = False) -> Rows:
    out = {}
    for key, frame in synth.load(directory).items():
        cols = columns_of(profile, key)
        rows = [
            tuple(canon(r[c.name], c, sqlite=sqlite) for c in cols)
            for r in frame.iter_rows(named=True)
        ]
        out[key] = _lines(rows)
    return out


def database_rows(dialect: str, url: str, profile: Profile, manifest: Manifest) -> Rows:
    engine = sa.create_engine(url)
    out = {}
    try:
        with engine.connect() as conn:
            if dialect == "mariadb":
                conn.exec_driver_sql("SET time_zone = '+00:00'")
            quote = conn.dialect.identifier_preparer.quote
            for key, output in manifest.tables.items():
                cols = columns_of(profile, key)
                names = ", ".join(quote(c.name) for c in cols)
                fetched = conn.exec_driver_sql(f"SELECT {names} FROM {quote(key)}").fetchall()
                assert len(fetched) == output.rows, key
                out[key] = _lines(
                    [
                        tuple(
                            canon(v, c, sqlite=dialect == "sqlite")
                            for v, c in zip(r, cols, strict=True)
                        )
                        for r in fetched
                    ]
                )
    finally:
        engine.dispose()
    return out


def write_sql(profile: Profile, out: Path, **options: object) -> Manifest:
    return write_fixtures(
        make_plan(profile, GenerateOptions(seed=SEED)),
        out,
        format="sql",
        writer_options=options,
    )


# -- the tests --------------------------------------------------------------------------------


def test_sql_output_loads_with_the_real_client(
    db: Db, fresh: Callable[[str], str], tmp_path: Path
) -> None:
    rows = planted(db.dialect)
    db.run(*DDL[db.dialect], rows=rows)
    db.run(LEADS)
    profile = synth.profile(db.url)
    orders = profile.table("orders")
    assert {f.value for f in orders.column("remark").stats.frequent} >= set(NASTY)
    assert {t.key for t in profile.tables} == {"customers", "orders", "teams", "members"}

    synth.write(profile, tmp_path / "parquet", seed=SEED)
    expected = parquet_rows(profile, tmp_path / "parquet", sqlite=db.dialect == "sqlite")
    target = "mysql" if db.dialect == "mariadb" else db.dialect
    manifest = write_sql(profile, tmp_path / "sql", dialect=target)
    assert manifest.format == "sql"
    assert manifest.options["dialect"] == target
    assert manifest.options["load_order"] == ["schema.sql", "data.sql"]
    assert manifest.options["adjusted"] == {}
    assert read_manifest(tmp_path / "sql") == manifest
    order = list(manifest.tables)
    assert order.index("customers") < order.index("orders")
    assert order.index("teams") < order.index("members")
    schema = (tmp_path / "sql" / "schema.sql").read_text(encoding="utf-8")
    data = (tmp_path / "sql" / "data.sql").read_text(encoding="utf-8")
    assert "IN ('free', 'pro', 'enterprise')" in schema
    if db.dialect == "postgresql":
        assert "CREATE TYPE \"order_state\" AS ENUM ('new', 'paid', 'shipped');" in schema
        assert 'ALTER TABLE "teams" ADD CONSTRAINT "teams_lead_id_fkey"' in schema
        assert "'\\x" in data and "::bytea" in data

    # 1. synth's schema, then the data, into an empty database
    url = fresh(db.dialect)
    load(db.dialect, url, tmp_path / "sql" / "schema.sql", tmp_path / "sql" / "data.sql")
    assert_same(database_rows(db.dialect, url, profile, manifest), expected)

    # 2. the data alone into an empty copy of the original schema
    original = fresh(db.dialect)
    Db(db.dialect, original).run(*DDL[db.dialect])
    load(db.dialect, original, tmp_path / "sql" / "data.sql")
    assert_same(database_rows(db.dialect, original, profile, manifest), expected)

    if db.dialect == "postgresql":  # 3. COPY blocks through psql
        copied = write_sql(profile, tmp_path / "copy", sql_style="copy", split=True)
        assert copied.options["load_order"] == [  # teams.lead_id closes a cycle: set last
            "schema.sql",
            *(f"{key}.sql" for key in copied.tables),
            "cycle_keys.sql",
        ]
        text = (tmp_path / "copy" / "orders.sql").read_text(encoding="utf-8")
        assert 'COPY "orders" (' in text and "FROM stdin;" in text and "\n\\.\n" in text
        url = fresh("postgresql")
        files = [tmp_path / "copy" / name for name in copied.options["load_order"]]  # type: ignore[attr-defined]
        load("postgresql", url, *files)
        assert_same(database_rows("postgresql", url, profile, copied), expected)


def test_unstorable_values_are_changed_and_reported(
    fresh: Callable[[str], str], tmp_path: Path
) -> None:
    """NUL in PostgreSQL text is stripped, MySQL dates out of range are clamped: each is
    counted in the manifest, warned about, and the files load."""
    from tests.unit.writers.test_sql_literals import edge_profile

    profile = edge_profile()
    with pytest.warns(synth.SynthWarning, match=r"edge\.note: \d+ values held NUL"):
        pg = write_sql(profile, tmp_path / "pg", dialect="postgresql")
    assert pg.options["adjusted"]["edge.note"]["nul_stripped"] > 0  # type: ignore[index]
    url = fresh("postgresql")
    load("postgresql", url, tmp_path / "pg" / "schema.sql", tmp_path / "pg" / "data.sql")

    with pytest.warns(synth.SynthWarning, match="outside the range"):
        my = write_sql(profile, tmp_path / "my", dialect="mariadb")
    adjusted = my.options["adjusted"]
    assert adjusted["edge.born"]["out_of_range"] > 0  # type: ignore[index]
    assert "edge.note" not in adjusted  # type: ignore[operator]
    url = fresh("mariadb")
    load("mariadb", url, tmp_path / "my" / "schema.sql", tmp_path / "my" / "data.sql")
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        low = conn.exec_driver_sql("SELECT MIN(born), MIN(seen) FROM edge").one()
        nul = conn.exec_driver_sql(
            "SELECT COUNT(*) FROM edge WHERE INSTR(note, CHAR(0)) > 0"
        ).scalar()
    engine.dispose()
    assert low[0] == dt.date(1000, 1, 1)
    assert low[1] >= dt.datetime(1000, 1, 1)
    assert nul and nul > 0  # MySQL keeps NUL


def test_output_is_deterministic(tmp_path: Path) -> None:
    from tests.unit.writers.test_sql_literals import edge_profile

    profile = edge_profile()
    warnings.simplefilter("ignore", synth.SynthWarning)  # the NUL report, tested above
    for style in ("insert", "copy"):
        a = write_sql(profile, tmp_path / f"a-{style}", dialect="postgresql", sql_style=style)
        b = write_sql(profile, tmp_path / f"b-{style}", dialect="postgresql", sql_style=style)
        assert a == b
        for name in ["schema.sql", "data.sql", "manifest.json"]:
            assert (tmp_path / f"a-{style}" / name).read_bytes() == (
                tmp_path / f"b-{style}" / name
            ).read_bytes()


def test_golden_postgresql(tmp_path: Path, golden) -> None:
    from tests.unit.writers.test_sql_literals import golden_profile

    write_sql(golden_profile(), tmp_path / "out", dialect="postgresql", batch_rows=4)
    golden("sql/shop.postgresql.schema.sql", (tmp_path / "out" / "schema.sql").read_text())
    golden("sql/shop.postgresql.data.sql", (tmp_path / "out" / "data.sql").read_text())


def test_frames_match_parquet(tmp_path: Path) -> None:
    """The SQL writer sees the same chunks as Parquet: row counts per table agree."""
    from tests.unit.writers.test_sql_literals import golden_profile

    sql = write_sql(golden_profile(), tmp_path / "sql", dialect="sqlite")
    pq = synth.write(golden_profile(), tmp_path / "pq", seed=SEED)
    assert {k: v.rows for k, v in sql.tables.items()} == {k: v.rows for k, v in pq.tables.items()}
    assert pl.read_parquet(tmp_path / "pq" / "customers.parquet").height == (
        sql.tables["customers"].rows
    )


PG_FEATURES_DDL = """
CREATE DOMAIN email_address AS text CHECK (VALUE LIKE '%@%');
CREATE DOMAIN grade AS varchar(1) CHECK (VALUE IN ('A', 'B', 'C'));
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE people (
    id integer PRIMARY KEY,
    email email_address NOT NULL,
    grade grade,
    mood mood NOT NULL,
    tags text[],
    scores integer[],
    "order" integer NOT NULL
);
CREATE TABLE events (
    id integer NOT NULL,
    person_id integer REFERENCES people (id),
    kind text NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (id, created_at)
) PARTITION BY RANGE (created_at);
CREATE TABLE events_2023 PARTITION OF events
    FOR VALUES FROM ('2023-01-01 00:00+00') TO ('2024-01-01 00:00+00');
CREATE TABLE events_2024 PARTITION OF events
    FOR VALUES FROM ('2024-01-01 00:00+00') TO ('2025-01-01 00:00+00');
"""
"""Arrays, domains (one an IN-list, one a LIKE), an enum, a partitioned table with two
partitions, and a column named ``order``."""

PG_FEATURES_ROWS = """
INSERT INTO people
SELECT i, 'user' || i || '@example.com', (ARRAY['A', 'B', 'C'])[1 + i % 3],
       (ARRAY['sad', 'ok', 'happy'])[1 + i % 3]::mood,
       CASE WHEN i % 4 > 0 THEN ARRAY['x' || i % 5, 'y'] END, ARRAY[i, i * 2], i % 7
FROM generate_series(1, 120) AS i;
INSERT INTO events
SELECT i, 1 + i % 120, 'k' || i % 4, timestamptz '2023-06-01 00:00+00' + i * interval '2 days'
FROM generate_series(1, 180) AS i;
"""


@pytest.mark.postgres
def test_postgresql_schema_features_load_into_the_original_schema(
    pg: Db, fresh: Callable[[str], str], tmp_path: Path
) -> None:
    """The issue's acceptance: arrays, domains, an enum, a partitioned table and a column
    named ``order`` are profiled; ``data.sql`` loads with psql, and the Parquet output
    through ``load_into``, into empty copies of the original schema with the same rows."""
    ddl, rows = tmp_path / "original.sql", tmp_path / "rows.sql"
    ddl.write_text(PG_FEATURES_DDL, encoding="utf-8")
    rows.write_text(PG_FEATURES_ROWS, encoding="utf-8")
    load("postgresql", pg.url, ddl, rows)

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", synth.SynthWarning)
        profile = synth.profile(pg.url)
    assert not [w for w in caught if "profiled as opaque" in str(w.message)]
    assert {t.key for t in profile.tables} == {"people", "events"}  # no partitions
    people = profile.table("people")
    assert people.column("email").type is LogicalType.STRING
    assert set(people.column("grade").domain or ()) == {"A", "B", "C"}
    assert set(people.column("mood").domain or ()) == {"sad", "ok", "happy"}
    tags, scores = people.column("tags"), people.column("scores")
    assert (tags.type, tags.items, scores.type, scores.items) == (
        LogicalType.ARRAY, LogicalType.STRING, LogicalType.ARRAY, LogicalType.INTEGER
    )  # fmt: skip
    assert tags.stats.null_fraction == 0.25  # 30 of 120 rows
    assert (tags.stats.lengths.min, tags.stats.lengths.max) == (2, 2)  # type: ignore[union-attr]
    assert profile.table("events").rows == 180

    pq = synth.write(profile, tmp_path / "parquet", seed=SEED)
    expected = parquet_rows(profile, tmp_path / "parquet")
    assert {k: len(v) for k, v in expected.items()} == {"people": 120, "events": 180}
    manifest = write_sql(profile, tmp_path / "sql", dialect="postgresql")
    assert {k: v.rows for k, v in manifest.tables.items()} == {
        k: v.rows for k, v in pq.tables.items()
    }

    def check(url: str, used: Manifest) -> None:
        assert_same(database_rows("postgresql", url, profile, used), expected)
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            arrays = conn.exec_driver_sql(
                "SELECT count(*), min(cardinality(tags)), max(cardinality(scores))"
                " FROM people WHERE tags IS NOT NULL"
            ).one()
            routed = conn.exec_driver_sql(
                "SELECT (SELECT count(*) FROM ONLY events), (SELECT count(*) FROM events_2023)"
                " + (SELECT count(*) FROM events_2024)"
            ).one()
        engine.dispose()
        assert arrays[0] > 60 and arrays[1:] == (2, 2)  # about 3/4 of the rows, 2 elements
        assert tuple(routed) == (0, 180)  # every row routed to a partition

    # data.sql alone, through psql, into an empty copy of the original schema
    original = fresh("postgresql")
    load("postgresql", original, ddl)
    load("postgresql", original, tmp_path / "sql" / "data.sql")
    check(original, manifest)

    # the Parquet output through load_into, into another empty copy
    other = fresh("postgresql")
    load("postgresql", other, ddl)
    synth.load_into(tmp_path / "parquet", other)
    check(other, pq)
