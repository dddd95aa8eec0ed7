"""Shared fixtures: real database servers, each test given its own throw-away database.

``SYNTH_TEST_POSTGRES_URL`` and ``SYNTH_TEST_MYSQL_URL`` name the servers (the local
ones by default). Where a server does not answer, its tests skip with the reason;
with ``SYNTH_REQUIRE_SERVERS=1`` (as in CI) they fail instead. ``SYNTH_TEST_SERVERS=none``
(``make test-fast``) skips them without asking the servers.

Every test database has a unique name, so the suite runs on several pytest-xdist workers
(``make test``) without two tests ever sharing one. Tests that ask for a server's fixture
are marked ``postgres``/``mysql`` here, so ``-m "not postgres and not mysql"`` leaves them
out of the collection.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

POSTGRES_URL = os.environ.get(
    "SYNTH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
MYSQL_URL = os.environ.get("SYNTH_TEST_MYSQL_URL", "mysql+pymysql://root@127.0.0.1:3306/test")


def _server_or_skip(url: str, what: str) -> sa.Engine:
    if os.environ.get("SYNTH_TEST_SERVERS") == "none":
        pytest.skip(f"{what} tests are left out of this run (SYNTH_TEST_SERVERS=none)")
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # any driver error means "no server here"
        engine.dispose()
        reason = (
            f"{what} server at {make_url(url).render_as_string(hide_password=True)} "
            f"does not answer: {type(exc).__name__}"
        )
        if os.environ.get("SYNTH_REQUIRE_SERVERS") == "1":
            pytest.fail(f"{reason} (SYNTH_REQUIRE_SERVERS=1)")
        pytest.skip(reason)
    return engine


@pytest.fixture(scope="session")
def _postgres_admin() -> Iterator[sa.Engine]:
    engine = _server_or_skip(POSTGRES_URL, "PostgreSQL")
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def _mysql_admin() -> Iterator[sa.Engine]:
    engine = _server_or_skip(MYSQL_URL, "MariaDB/MySQL")
    yield engine
    engine.dispose()


def _unique_name() -> str:
    return f"synth_test_{uuid.uuid4().hex[:12]}"


@pytest.fixture
def postgres_url(_postgres_admin: sa.Engine) -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database, dropped after the test."""
    name = _unique_name()
    with _postgres_admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name)
    yield url.render_as_string(hide_password=False)
    with _postgres_admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def mysql_url(_mysql_admin: sa.Engine) -> Iterator[str]:
    """URL of a fresh, empty MariaDB/MySQL database, dropped after the test."""
    name = _unique_name()
    with _mysql_admin.connect() as conn:
        conn.execute(sa.text(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"))
    url = make_url(MYSQL_URL).set(database=name)
    yield url.render_as_string(hide_password=False)
    with _mysql_admin.connect() as conn:
        conn.execute(sa.text(f"DROP DATABASE IF EXISTS `{name}`"))


@pytest.fixture
def new_database(request: pytest.FixtureRequest, tmp_path) -> Iterator[Callable[[str], str]]:
    """A factory: ``new_database(dialect)`` is the URL of another fresh, empty database of
    ``postgresql``, ``mariadb`` or ``sqlite``; every one is dropped after the test."""
    made: list[tuple[sa.Engine, str]] = []
    count = 0

    def make(dialect: str) -> str:
        nonlocal count
        count += 1
        if dialect == "sqlite":
            return f"sqlite:///{tmp_path / f'db{count}.sqlite'}"
        name = _unique_name()
        if dialect == "postgresql":
            admin, base = request.getfixturevalue("_postgres_admin"), POSTGRES_URL
            create, drop = (
                f'CREATE DATABASE "{name}"',
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            )
        else:
            admin, base = request.getfixturevalue("_mysql_admin"), MYSQL_URL
            create = f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4"
            drop = f"DROP DATABASE IF EXISTS `{name}`"
        with admin.connect() as conn:
            conn.execute(sa.text(create))
        made.append((admin, drop))
        return make_url(base).set(database=name).render_as_string(hide_password=False)

    yield make
    for admin, drop in made:
        with admin.connect() as conn:
            conn.execute(sa.text(drop))


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    """URL of a fresh SQLite database file in the test's temporary directory."""
    return f"sqlite:///{tmp_path / 'source.db'}"


_SERVER_FIXTURES = {
    "postgres": {"_postgres_admin", "postgres_url"},
    "mysql": {"_mysql_admin", "mysql_url"},
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by the server fixtures it asks for (a fixture requested at run
    time, through ``getfixturevalue``, is not seen here: such tests carry the mark
    themselves, or skip by ``SYNTH_TEST_SERVERS=none``)."""
    for item in items:
        wanted = set(getattr(item, "fixturenames", ()))
        for marker, fixtures in _SERVER_FIXTURES.items():
            if wanted & fixtures and not item.get_closest_marker(marker):
                item.add_marker(getattr(pytest.mark, marker))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite the golden files under tests/golden/ from the current output.",
    )


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """Compare text with ``tests/golden/<name>``; ``--update-golden`` rewrites it instead."""
    from pathlib import Path

    root = Path(__file__).parent / "golden"
    update = request.config.getoption("--update-golden")

    def check(name: str, text: str) -> None:
        path = root / name
        if update:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.exists(), f"golden file {path} is missing; run 'make golden'"
        expected = path.read_text(encoding="utf-8")
        assert text == expected, f"output differs from {path}; if deliberate, run 'make golden'"

    return check
