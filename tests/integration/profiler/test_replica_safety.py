"""Safe to point at production: a read-only session, a statement timeout, sampling, masked
credentials and Ctrl-C, against real PostgreSQL, MariaDB and SQLite (docs/profiling.md,
"Replica safety").

PostgreSQL tests that need a slow table use row-level security: a policy calling
``pg_sleep`` on every row makes any scan of the table slow for a role that is not its
owner (views are not profiled, so a slow view would not do).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql, sqlite
from sqlalchemy.engine import make_url

import synth
from synth import SourceError
from synth.model.io import dump_profile
from synth.profiler import database
from synth.profiler.dialects import SAMPLE_SEED, Dialect, dialect_for
from synth.profiler.options import ProfileOptions, SessionOptions
from synth.profiler.session import MIN_SAMPLED_ROWS, SampledTable, execute, start_session
from tests.cli.test_errors import run
from tests.integration.traits_support import Db, close_enough

SECRET = "s3cr3t-hunter2"
SYNTH = [sys.executable, "-m", "synth.cli"]
AS_OF = "2025-01-01T00:00:00+00:00"
FIRST_WORDS = {"SELECT", "SET", "SHOW", "WITH", "START", "PRAGMA"}
"""What a profiling session may send: reads and session settings, never DDL or DML."""


def _admin(url: str) -> sa.Engine:
    return sa.create_engine(url, isolation_level="AUTOCOMMIT")


def _wait_for(check: Callable[[], bool], seconds: float = 15.0) -> bool:
    """Poll ``check`` until it holds (the servers report some things a moment later)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.1)
    return check()


def _one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("synth: error: ")
    return lines[0]


@contextlib.contextmanager
def readonly_role(url: str) -> Iterator[str]:
    """A login role that may only read the database at ``url`` (CONNECT, USAGE and SELECT
    grants, ``default_transaction_read_only = on``); yields its URL, with a password. Roles
    are cluster-wide: the role gets a unique name and is dropped afterwards, whatever
    happens."""
    role = f"synth_ro_{uuid.uuid4().hex[:10]}"
    parsed = make_url(url)
    admin = _admin(url)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{SECRET}'")
            conn.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{parsed.database}" TO "{role}"')
            conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA public TO "{role}"')
            conn.exec_driver_sql(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"')
            conn.exec_driver_sql(f'ALTER ROLE "{role}" SET default_transaction_read_only = on')
        yield parsed.set(username=role, password=SECRET).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'"
            )
            conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
            conn.exec_driver_sql(f'DROP ROLE IF EXISTS "{role}"')
        admin.dispose()


def _slow_pg_table(db: Db, rows: int, sleep: float) -> None:
    """``crawl``: ``rows`` rows, each costing ``sleep`` seconds to read (for a non-owner)."""
    db.run(
        "CREATE TABLE crawl (id integer PRIMARY KEY, label text)",
        f"INSERT INTO crawl SELECT i, 'row ' || i FROM generate_series(1, {rows}) i",
        "ALTER TABLE crawl ENABLE ROW LEVEL SECURITY",
        f"CREATE POLICY slow_read ON crawl FOR SELECT USING (pg_sleep({sleep}) IS NOT NULL)",
    )


def _active_queries(url: str, role: str) -> int:
    admin = _admin(url)
    try:
        with admin.connect() as conn:
            return int(
                conn.execute(
                    sa.text(
                        "SELECT count(*) FROM pg_stat_activity WHERE usename = :role "
                        "AND state = 'active' AND query LIKE '%synth:profile%'"
                    ),
                    {"role": role},
                ).scalar_one()
            )
    finally:
        admin.dispose()


# ----------------------------------------------------------------------------- read-only


def _shop(db: Db) -> None:
    db.run(
        "CREATE TABLE plans (id integer PRIMARY KEY, name varchar(20) NOT NULL)",
        "CREATE TABLE users (id integer PRIMARY KEY, plan_id integer REFERENCES plans (id), "
        "email varchar(80), status varchar(10) CHECK (status IN ('active', 'closed')), "
        "created_at timestamp with time zone, deleted_at timestamp with time zone)",
        "INSERT INTO plans SELECT i, 'plan ' || i FROM generate_series(1, 5) i",
        "INSERT INTO users SELECT i, 1 + mod(i, 5), 'u' || i || '@example.com', "
        "CASE WHEN mod(i, 7) = 0 THEN 'closed' ELSE 'active' END, "
        "timestamptz '2024-01-01' + i * interval '1 hour', "
        "CASE WHEN mod(i, 11) = 0 THEN timestamptz '2024-06-01' END "
        "FROM generate_series(1, 2000) i",
    )


def _table_counters(url: str) -> tuple[int, int, int, int]:
    """(inserted, updated, deleted, sequential + index scans) over the user tables."""
    admin = _admin(url)
    try:
        with admin.connect() as conn:
            row = conn.exec_driver_sql(
                "SELECT coalesce(sum(n_tup_ins), 0), coalesce(sum(n_tup_upd), 0), "
                "coalesce(sum(n_tup_del), 0), "
                "coalesce(sum(seq_scan), 0) + coalesce(sum(idx_scan), 0) FROM pg_stat_user_tables"
            ).one()
            return int(row[0]), int(row[1]), int(row[2]), int(row[3])
    finally:
        admin.dispose()


def test_select_only_role_profiles_and_writes_nothing(pg: Db) -> None:
    """ACCEPTANCE: a role with only SELECT grants and default_transaction_read_only profiles
    the database; no DDL or DML is sent, and the server counts no written row."""
    _shop(pg)
    with readonly_role(pg.url) as url:
        # the setup's 2,005 inserted rows reach the statistics a moment later
        assert _wait_for(lambda: _table_counters(pg.url)[0] == 2005)
        before = _table_counters(pg.url)

        engine = database._connect(url)
        sent: list[str] = []
        sa.event.listen(engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
        try:
            profile = database.profile_engine(engine, ProfileOptions.of(as_of=AS_OF))
        finally:
            engine.dispose()

        assert {t.key for t in profile.tables} == {"plans", "users"}
        assert profile.table("users").rows == 2000
        assert SECRET not in dump_profile(profile)
        first_words = {s.split()[0].upper() for s in sent}
        assert first_words <= FIRST_WORDS, first_words
        assert "SET TRANSACTION READ ONLY" in sent
        assert any(s.startswith("SET statement_timeout = 60000") for s in sent)

        # once the profiler's scans are counted, no row was inserted, updated or deleted
        assert _wait_for(lambda: _table_counters(pg.url)[3] > before[3])
        after = _table_counters(pg.url)
        assert after[:3] == before[:3], (before, after)


def test_every_dialect_refuses_writes_in_a_session(db: Db, tmp_path: Path) -> None:
    db.run("CREATE TABLE t (id integer PRIMARY KEY)")
    urls = [db.url]
    if db.dialect == "sqlite":  # a URI filename opened read-write by the user's choice
        path = make_url(db.url).database
        urls.append(f"sqlite:///file:{path}?mode=rw&uri=true")
    for url in urls:
        engine = database._connect(url)
        try:
            with engine.connect() as conn:
                start_session(
                    conn, dialect_for(engine.url.get_backend_name()), SessionOptions(), ""
                )
                conn.exec_driver_sql("SELECT count(*) FROM t")
                with pytest.raises(sa.exc.DBAPIError, match=r"(?i)read.?only"):
                    conn.exec_driver_sql("INSERT INTO t (id) VALUES (1)")
        finally:
            engine.dispose()


# ----------------------------------------------------------------------------- timeouts


def test_statement_timeout_names_the_table_and_statistic_on_postgresql(pg: Db) -> None:
    """ACCEPTANCE: a query past the timeout is cancelled with one line naming the table and
    the statistic, and no credential."""
    _slow_pg_table(pg, rows=10, sleep=0.5)  # 5 s per scan
    with readonly_role(pg.url) as url:
        started = time.monotonic()
        with pytest.raises(SourceError) as exc:
            synth.profile(url, statement_timeout=1)
        assert time.monotonic() - started < 4
    message = str(exc.value)
    assert "profiling table 'crawl'" in message
    assert "the aggregate query" in message
    assert "--statement-timeout 1 s" in message and "--sample 10" in message
    assert SECRET not in message and "***" in message and "\n" not in message


def test_statement_timeout_on_the_command_line_writes_nothing(pg: Db, tmp_path: Path) -> None:
    """ACCEPTANCE: ``synth profile URL --out p.yaml --statement-timeout 1``: exit status 2,
    one line on stderr, no p.yaml."""
    _slow_pg_table(pg, rows=10, sleep=0.5)
    with readonly_role(pg.url) as url:
        out = tmp_path / "p.yaml"
        result = run("profile", url, "--out", str(out), "--statement-timeout", "1", cwd=tmp_path)
    line = _one_error_line(result)
    assert "'crawl'" in line and "aggregate query" in line and "--statement-timeout 1 s" in line
    assert SECRET not in result.stderr + result.stdout
    assert not out.exists()
    assert not list(tmp_path.glob("*.yaml*")), list(tmp_path.iterdir())


def test_statement_timeout_on_mariadb(mysql_url: str) -> None:
    """MariaDB enforces ``max_statement_time`` (MySQL: ``max_execution_time``); a table big
    enough that its aggregate query takes well over 0.2 s stands in for a slow one (its
    300,000 rows make it a large table: the query cut may be its sample's)."""
    admin = _admin(mysql_url)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(
                "CREATE TABLE big (id integer PRIMARY KEY, a varchar(40), b varchar(10), n integer)"
            )
            conn.exec_driver_sql(
                "INSERT INTO big SELECT seq, md5(seq), concat('v', seq %% 1000), seq %% 977 "
                "FROM seq_1_to_300000"
            )
    finally:
        admin.dispose()
    with pytest.raises(SourceError, match=r"profiling table 'big': the (aggregate|sample) "
                       r"query .*ran past --statement-timeout 0\.2 s"):  # fmt: skip
        synth.profile(mysql_url, statement_timeout=0.2)


def _big_sqlite(path: Path, rows: int = 300_000) -> str:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE big (id INTEGER PRIMARY KEY, a TEXT, b TEXT, n INTEGER)")
        conn.execute(
            f"WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < {rows}) "
            "INSERT INTO big (a, b, n) SELECT hex(randomblob(8)), 'v' || (x % 1000), x % 977 "
            "FROM s"
        )
        conn.commit()
    return f"sqlite:///{path}"


def test_statement_timeout_on_sqlite_uses_a_progress_handler(tmp_path: Path) -> None:
    url = _big_sqlite(tmp_path / "big.db")
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"profiling table 'big': the aggregate query"):
        synth.profile(url, statement_timeout=0.05)
    assert time.monotonic() - started < 2
    # the handler is removed after each query: the connection still works
    engine = database._connect(url)
    try:
        with engine.connect() as conn:
            start_session(conn, dialect_for("sqlite"), SessionOptions(statement_timeout=5), url)
            assert execute(conn, sa.text("SELECT count(*) FROM big"), "probe").scalar() == 300_000
    finally:
        engine.dispose()


# ----------------------------------------------------------------------------- Ctrl-C


def _has_open(pid: int, path: Path) -> bool:
    """Whether process ``pid`` holds ``path`` open (Linux ``/proc``)."""
    try:
        links = [os.readlink(fd) for fd in Path(f"/proc/{pid}/fd").iterdir()]
    except OSError:  # the process ended, or an fd closed while listing
        return False
    return str(path) in links


def _interrupt(cmd: list[str], cwd: Path, ready: Callable[[int], bool]) -> tuple[int, str, float]:
    """Run ``cmd``, send SIGINT once ``ready(pid)``, return (status, stderr, seconds it took to
    stop after the signal)."""
    proc = subprocess.Popen(
        cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip
    try:
        assert _wait_for(lambda: proc.poll() is not None or ready(proc.pid), 30), "never got ready"
        assert proc.poll() is None, proc.communicate()
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
        return proc.returncode, stderr, time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_ctrl_c_cancels_the_query_on_postgresql(pg: Db, tmp_path: Path) -> None:
    """SIGINT during a long query: psycopg cancels it on the server, the CLI says so in one
    line, exits 130 and writes nothing."""
    _slow_pg_table(pg, rows=60, sleep=0.5)  # 30 s per scan
    with readonly_role(pg.url) as url:
        role = make_url(url).username or ""
        out = tmp_path / "p.yaml"
        cmd = [*SYNTH, "profile", url, "--out", str(out), "--statement-timeout", "0"]
        status, stderr, took = _interrupt(
            cmd, tmp_path, ready=lambda _pid: _active_queries(pg.url, role) > 0
        )
        assert status == 130, stderr
        assert "synth: interrupted; nothing was written" in stderr
        assert "Traceback" not in stderr and SECRET not in stderr
        assert took < 10
        assert not out.exists()
        assert _wait_for(lambda: _active_queries(pg.url, role) == 0, 5)


def test_ctrl_c_on_sqlite_stops_the_query(tmp_path: Path) -> None:
    db = tmp_path / "big.db"
    url = _big_sqlite(db, rows=600_000)
    out = tmp_path / "p.yaml"
    # Exact statistics over every row keep the run busy for many seconds (the sampled default
    # finishes in about two, which raced the signal); the signal goes once the file is open.
    cmd = [*SYNTH, "profile", url, "--out", str(out), "--statement-timeout", "0"]
    cmd += ["--exact-rows", "100000000"]
    opened: list[float] = []

    def ready(pid: int) -> bool:
        if not opened and _has_open(pid, db):
            opened.append(time.monotonic())
        return bool(opened) and time.monotonic() > opened[0] + 0.5

    status, stderr, took = _interrupt(cmd, tmp_path, ready=ready)
    assert status == 130, stderr
    assert "synth: interrupted; nothing was written" in stderr and "Traceback" not in stderr
    assert took < 2  # the progress handler notices within milliseconds
    assert not out.exists()


def test_ctrl_c_kills_the_query_on_mariadb(mysql_url: str) -> None:
    """pymysql cannot cancel: the session kills its own query from a second connection."""
    engine = database._connect(mysql_url)
    main = threading.main_thread().ident
    assert main is not None
    timer = threading.Timer(0.5, signal.pthread_kill, (main, signal.SIGINT))
    try:
        with engine.connect() as conn:
            start_session(conn, dialect_for("mysql"), SessionOptions(statement_timeout=None), "")
            timer.start()
            started = time.monotonic()
            with pytest.raises(KeyboardInterrupt):
                execute(conn, sa.text("SELECT /* synth:cancel-probe */ SLEEP(30)"), "probe")
            assert time.monotonic() - started < 5  # not when SLEEP(30) ends
    finally:
        timer.cancel()
        engine.dispose()
    admin = _admin(mysql_url)

    def running() -> int:
        with admin.connect() as conn:
            return int(
                conn.exec_driver_sql(
                    "SELECT count(*) FROM information_schema.PROCESSLIST "
                    "WHERE INFO LIKE '%%synth:cancel-probe%%' AND ID <> CONNECTION_ID()"
                ).scalar_one()
            )

    try:
        assert _wait_for(lambda: running() == 0, 5)
    finally:
        admin.dispose()


# ----------------------------------------------------------------------------- sampling


def _plain(name: str = "users", schema: str | None = "shop") -> sa.TableClause:
    return sa.table(name, sa.column("id"), sa.column("parent_id"), schema=schema)


_SPREAD = "((abs({key}) %% 1000003) * 618034) %% 1000003 < 100000"
"""The integer-key hash filter, at 10 % (MySQL's compiler doubles ``%``)."""


@pytest.mark.parametrize(
    ("backend", "sa_dialect", "key", "expected"),
    [
        pytest.param(
            "postgresql",
            postgresql.dialect(),
            "id",
            f"FROM shop.users AS users TABLESAMPLE system(10.0) REPEATABLE ({SAMPLE_SEED})) "
            "AS users",
            id="postgresql",
        ),
        pytest.param(
            "mysql",
            mysql.dialect(),
            "id",
            f"FROM shop.users WHERE {_SPREAD.format(key='shop.users.id')}) AS users",
            id="mysql-key",
        ),
        pytest.param(
            "mysql",
            mysql.dialect(),
            None,
            "FROM shop.users WHERE crc32(concat_ws('|', shop.users.id, shop.users.parent_id)) "
            "%% 1000003 < 100000) AS users",
            id="mysql-row",
        ),
        pytest.param(
            "sqlite",
            sqlite.dialect(),
            "id",
            f"FROM shop.users WHERE {_SPREAD.format(key='shop.users.id')}) AS users".replace(
                "%%", "%"
            ),
            id="sqlite-key",
        ),
        pytest.param(
            "sqlite",
            sqlite.dialect(),
            None,
            f"FROM shop.users WHERE {_SPREAD.format(key='rowid')}) AS users".replace("%%", "%"),
            id="sqlite-rowid",
        ),
    ],
)
def test_sampling_sql_per_dialect(
    backend: str, sa_dialect: Any, key: str | None, expected: str
) -> None:
    source = SampledTable.build(dialect_for(backend), _plain(), 10, key)
    query = sa.select(sa.func.count(), sa.func.count(source.c.id)).select_from(source)
    sql = " ".join(
        str(query.compile(dialect=sa_dialect, compile_kwargs={"literal_binds": True})).split()
    )
    assert expected in sql, sql
    assert "count(users.id)" in sql  # columns read the sample by the table's own name


def test_sampling_is_refused_where_synth_cannot_sample() -> None:
    with pytest.raises(SourceError, match=r"--sample.*cannot sample tables"):
        SampledTable.build(Dialect(), _plain(), 10)


def test_trait_queries_sample_the_profiled_table_only() -> None:
    """A relation query joins the profiled table (``c``) to its parent (``p``, another copy of
    the same table for a self-reference): only ``c`` is sampled."""
    plain = _plain(schema=None)
    source = SampledTable.build(dialect_for("postgresql"), plain, 5)
    c = plain.alias("c")
    p = sa.table("users", sa.column("id"), schema=plain.schema).alias("p")
    query = (
        sa.select(sa.func.count(), sa.func.max(sa.case((p.c.id.is_(None), 1), else_=0)))
        .select_from(c.outerjoin(p, c.c.parent_id == p.c.id))
        .where(c.c.parent_id.is_not(None))
        .group_by(c.c.parent_id)
    )
    sql = " ".join(str(source.adapt(query).compile(dialect=postgresql.dialect())).split())
    assert "FROM (SELECT c.id AS id, c.parent_id AS parent_id FROM users AS c TABLESAMPLE" in sql
    assert ") AS c LEFT OUTER JOIN users AS p ON c.parent_id = p.id" in sql
    assert sql.count("TABLESAMPLE") == 1


def _pages_read(url: str) -> int:
    admin = _admin(url)
    try:
        with admin.connect() as conn:
            return int(
                conn.exec_driver_sql(
                    "SELECT heap_blks_read + heap_blks_hit FROM pg_statio_user_tables "
                    "WHERE relname = 'events'"
                ).scalar_one()
            )
    finally:
        admin.dispose()


def _wait_stable(read: Callable[[], int], above: int) -> int:
    """The counter once it has moved past ``above`` and stopped moving."""
    assert _wait_for(lambda: read() > above)
    last = read()
    while True:
        time.sleep(0.5)
        now = read()
        if now == last:
            return now
        last = now


def test_sample_reads_a_tenth_of_the_pages_and_keeps_the_shapes(pg: Db) -> None:
    """ACCEPTANCE: ``--sample 10`` on a 1M-row table reads about 10% of its pages per query
    and still finds the planted shapes: a legacy status on 5% of rows, a column NULL on 30%,
    emails padded with spaces on 2%."""
    pg.run(
        "CREATE TABLE events (id bigint PRIMARY KEY, status varchar(10) NOT NULL, "
        "note text, email varchar(80), created_at timestamp with time zone NOT NULL) "
        "WITH (autovacuum_enabled = false)",
        "INSERT INTO events SELECT i, "
        "CASE WHEN mod(i, 20) = 0 THEN 'legacy' WHEN mod(i, 3) = 0 THEN 'paused' "
        "ELSE 'active' END, "
        "CASE WHEN mod(i, 10) IN (1, 4, 7) THEN NULL ELSE 'note ' || mod(i, 97) END, "
        "'user' || i || '@example.com' || CASE WHEN mod(i, 50) = 7 THEN '  ' ELSE '' END, "
        "CASE WHEN mod(i, 20) = 0 "
        "THEN timestamptz '2021-01-01' + mod(i, 5000) * interval '1 hour' "
        "ELSE timestamptz '2024-01-01' + mod(i, 500000) * interval '1 minute' END "
        "FROM generate_series(1, 1000000) i",
    )
    admin = _admin(pg.url)
    with admin.connect() as conn:
        pages = int(
            conn.exec_driver_sql(
                "SELECT pg_relation_size('events') / current_setting('block_size')::int"
            ).scalar_one()
        )
    admin.dispose()
    before = _wait_stable(lambda: _pages_read(pg.url), -1)

    engine = database._connect(pg.url)
    sent: list[str] = []
    sa.event.listen(engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    try:
        profile = database.profile_engine(engine, ProfileOptions.of(as_of=AS_OF, sample=10))
    finally:
        engine.dispose()
    queries = [s for s in sent if s.startswith(f"SELECT {database.STATS_TAG}")]
    assert queries and all("TABLESAMPLE system(10.0) REPEATABLE" in s for s in queries)
    ratio = (_wait_stable(lambda: _pages_read(pg.url), before) - before) / (len(queries) * pages)
    print(f"\nsample 10: {pages} pages, {len(queries)} queries, {ratio:.3f} of the pages per query")
    assert 0.05 <= ratio <= 0.20, ratio

    assert profile.source.sample == 10
    events = profile.table("events")
    assert abs(events.rows - 1_000_000) <= 100_000, events.rows  # scaled up by 100/10
    status = {f.value: f.fraction for f in events.column("status").stats.frequent}
    assert close_enough(status["legacy"], 0.05), status
    assert close_enough(events.column("note").stats.null_fraction, 0.3)
    padded = [t for t in events.column("email").stats.traits if t.trait == "whitespace_padded"]
    assert padded and close_enough(padded[0].fraction, 0.02), padded
    legacy = [t for t in events.column("status").stats.traits if t.trait == "legacy_value"]
    assert [t.value for t in legacy] == ["legacy"], legacy

    again = synth.profile(pg.url, as_of=AS_OF, sample=10)  # REPEATABLE: the same pages
    assert again.table("events") == events


def test_every_query_of_a_table_reads_the_same_sample(db: Db) -> None:
    """A one-value column must come out at exactly 100 % of the sampled rows, which it only
    does if the frequent-value query reads the rows the aggregate query counted: page
    samples repeat (PostgreSQL REPEATABLE), row filters hash the row (no integer key here:
    MariaDB hashes the whole row, SQLite the rowid)."""
    db.run(
        "CREATE TABLE tags (code varchar(12) PRIMARY KEY, flag varchar(5) NOT NULL, "
        "kind varchar(5))",
        rows={
            "tags": [
                {"code": f"c{i:06d}", "flag": "x", "kind": None if i % 3 else "k"}
                for i in range(20_000)
            ]
        },
    )
    tags = synth.profile(db.url, sample=25, as_of=AS_OF).table("tags")
    assert tags.column("flag").stats.frequent[0].fraction == 1.0
    kind = tags.column("kind").stats
    assert kind.null_fraction + sum(f.fraction for f in kind.frequent) == pytest.approx(1.0)
    tolerance = 0.3 if db.dialect == "postgresql" else 0.1
    assert abs(tags.rows - 20_000) <= 20_000 * tolerance, tags.rows


def _parents_and_children(db: Db, children: int) -> None:
    db.run(
        "CREATE TABLE parents (id integer PRIMARY KEY, name varchar(20))",
        "CREATE TABLE children (id integer PRIMARY KEY, "
        "parent_id integer NOT NULL REFERENCES parents (id), kind varchar(10))",
        rows={
            "parents": [{"id": i, "name": f"p{i}"} for i in range(1, 101)],
            "children": [
                {"id": i, "parent_id": 1 + i % 100, "kind": "a" if i % 4 else "b"}
                for i in range(1, children + 1)
            ],
        },
    )


def test_sample_scales_rows_reads_small_tables_whole_and_parents_whole(db: Db) -> None:
    """The sampled child is scaled up; the 100-row parent is read whole (its sample is under
    MIN_SAMPLED_ROWS), and the relation query joins the sampled children to every parent,
    so no child looks orphaned and no parent childless."""
    _parents_and_children(db, children=30_000)
    profile = synth.profile(db.url, sample=20, as_of=AS_OF)
    assert profile.source.sample == 20
    assert profile.table("parents").rows == 100  # exact: read whole
    children = profile.table("children")
    # rows are sampled one by one (MariaDB, SQLite) or a page at a time (PostgreSQL: the
    # table has only ~160 pages, so the estimate is coarser)
    tolerance = 0.3 if db.dialect == "postgresql" else 0.1
    assert abs(children.rows - 30_000) <= 30_000 * tolerance, children.rows
    assert MIN_SAMPLED_ROWS <= 30_000 * 0.2
    kinds = {f.value: f.fraction for f in children.column("kind").stats.frequent}
    assert close_enough(kinds["b"], 0.25), kinds
    traits = {t.trait for t in children.traits} | {t.trait for t in profile.table("parents").traits}
    assert "orphan" not in traits and "childless_parent" not in traits, traits


# ----------------------------------------------------------------------------- credentials


def test_a_wrong_password_never_appears_in_output(mysql_url: str, tmp_path: Path) -> None:
    url = make_url(mysql_url).set(password=SECRET).render_as_string(hide_password=False)
    out = tmp_path / "p.yaml"
    result = run("profile", url, "--out", str(out), cwd=tmp_path)
    line = _one_error_line(result)
    assert "check the user and password" in line and "***" in line
    assert SECRET not in result.stderr + result.stdout
    assert not out.exists()


def test_a_password_never_reaches_the_profile_or_messages(pg: Db, tmp_path: Path) -> None:
    """The test server trusts every local login, so any password connects: it must stay out
    of the written profile, of the progress line, and of a later error."""
    _shop(pg)
    url = make_url(pg.url).set(password=SECRET).render_as_string(hide_password=False)
    out = tmp_path / "p.yaml"
    result = run("profile", url, "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert SECRET not in out.read_text() + result.stderr + result.stdout


def test_a_table_the_role_may_not_read_is_a_masked_error(pg: Db) -> None:
    _shop(pg)
    with readonly_role(pg.url) as url:
        pg.run("CREATE TABLE secrets (id integer PRIMARY KEY)")  # after the grants
        with pytest.raises(SourceError, match=r"cannot profile table 'secrets': .*denied") as exc:
            synth.profile(url)
    assert SECRET not in str(exc.value) and "***" in str(exc.value)


def test_profile_without_a_source_reads_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = _big_sqlite(tmp_path / "env.db", rows=50)
    monkeypatch.setenv("SYNTH_DATABASE_URL", url)
    profile = synth.profile()
    assert profile.source.url == url and profile.table("big").rows == 50
    monkeypatch.delenv("SYNTH_DATABASE_URL")
    with pytest.raises(synth.UsageError, match=r"no source given and SYNTH_DATABASE_URL"):
        synth.profile()
