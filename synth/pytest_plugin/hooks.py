"""The pytest plugin (entry point ``pytest11: synth``; ``-p no:synth`` turns it off).

Fixtures: ``synth_data`` (the session's fixture set, generated once into a cache) and
``synth_db`` (a connection to a database loaded with it, inside a transaction rolled back
after each test, even when the test commits); ``synth_schema`` may be overridden to return
the DDL of ``synth_db``.
Settings come from ini options (``synth_profile``, ``synth_seed``, ``synth_rows``...) and
flags (``--synth-seed``, ``--synth-rows``, ``--synth-refresh``...); see ``docs/pytest.md``.

Importing this module costs nothing: standard library and pytest only. polars, the
generator and SQLAlchemy are imported when a fixture (or ``synth.cases``) is first used.
Without a synth ini option or flag the plugin does nothing visible.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

import pytest

from synth.pytest_plugin.session import SessionState, pop_session, push_session
from synth.pytest_plugin.settings import INI_OPTIONS, default_cache_root, read_settings, reproduce

if TYPE_CHECKING:
    import sqlalchemy as sa

    from synth.pytest_plugin.cache import SynthData
    from synth.pytest_plugin.db import SynthDatabase

__all__ = ["synth_data", "synth_db", "synth_schema"]

_STATE = pytest.StashKey[SessionState]()
_FLAGS = {
    "profile": ("--synth-profile", "PATH", "profile YAML (overrides synth_profile)"),
    "seed": ("--synth-seed", "N", "seed of the generated fixtures (overrides synth_seed)"),
    "rows": ("--synth-rows", "N", "rows of the largest table (overrides synth_rows)"),
    "fixtures": ("--synth-fixtures", "DIR", "use this pre-generated 'synth generate' directory"),
    "cache_root": ("--synth-fixtures-dir", "DIR", "cache generated fixture sets here"),
    "database_url": ("--synth-database-url", "URL", "database for synth_db (default SQLite)"),
}
T = TypeVar("T")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("synth", "synth: production-shaped fixtures")
    for dest, (flag, metavar, help) in _FLAGS.items():
        group.addoption(flag, dest=f"synth_{dest}", metavar=metavar, default=None, help=help)
    group.addoption(
        "--synth-refresh",
        dest="synth_refresh",
        action="store_true",
        default=False,
        help="regenerate the cached fixture set even when it is up to date",
    )
    group.addoption(
        "--synth-db-truncate",
        dest="synth_db_truncate",
        action="store_true",
        default=False,
        help="empty synth_db's existing tables before loading (overrides synth_db_truncate)",
    )
    for name, (kind, help) in INI_OPTIONS.items():
        if kind == "bool":
            parser.addini(name, help, type="bool", default=False)
        else:
            parser.addini(name, help, type="string", default="")


@pytest.hookimpl(trylast=True)  # after the cacheprovider has set config.cache
def pytest_configure(config: pytest.Config) -> None:
    ini = {name: config.getini(name) for name in INI_OPTIONS}
    cli: dict[str, object] = {dest: config.getoption(f"synth_{dest}") for dest in _FLAGS}
    cli["refresh"] = config.getoption("synth_refresh")
    cli["truncate"] = config.getoption("synth_db_truncate")
    ini_dir = config.inipath.parent if config.inipath else config.rootpath
    try:
        settings = read_settings(
            ini, cli, ini_dir, config.invocation_params.dir, default_cache_root()
        )
    except ValueError as exc:
        raise pytest.UsageError(f"synth: {exc}") from None
    cache = getattr(config, "cache", None)
    if "cache_root" not in settings.origin and settings.configured() and cache is not None:
        settings = replace(settings, cache_root=cache.mkdir("synth"))  # the origin stays
    state = SessionState(settings)
    config.stash[_STATE] = state
    push_session(state)


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is not None:
        pop_session(state)
        del config.stash[_STATE]


def pytest_make_parametrize_id(config: pytest.Config, val: object, argname: str) -> str | None:
    """A ``synth.cases`` case is named by its shape (``users.plan=premium[legacy]``)
    without ``ids=str``."""
    module = sys.modules.get("synth.pytest_plugin.cases")  # not imported: no value can be a Case
    if module is None or not isinstance(val, module.Case):
        return None
    # escaped as pytest escapes an id made by ids=str (unless its ini option turns that off)
    if config.getini("disable_test_id_escaping_and_forfeit_all_rights_to_community_support"):
        return str(val)
    return str(val).encode("unicode_escape").decode("ascii")


@pytest.hookimpl(tryfirst=True)
def pytest_exception_interact(
    node: pytest.Item | pytest.Collector,
    call: pytest.CallInfo[object],
    report: pytest.CollectReport | pytest.TestReport,
) -> None:
    """A synth error while collecting (``synth.cases()`` with a missing or broken profile)
    is reported as its one line, not as a traceback through synth's modules."""
    if not isinstance(report, pytest.CollectReport) or call.excinfo is None:
        return
    errors = sys.modules.get("synth.errors")
    if errors is not None and isinstance(call.excinfo.value, errors.SynthError):
        report.longrepr = f"synth: {call.excinfo.value}"


def _state(config: pytest.Config) -> SessionState:
    return config.stash[_STATE]


def _setup(make: Callable[[], T]) -> T:
    """``make()``, with a synth error (a misconfiguration) as a one-line setup failure."""
    from synth.errors import SynthError

    try:
        return make()
    except SynthError as exc:
        message = f"synth: {exc}"
    pytest.fail(message, pytrace=False)  # outside the except: no chained traceback


@pytest.fixture(scope="session")
def synth_data(request: pytest.FixtureRequest) -> SynthData:
    """The session's fixture set: ``.table(name)`` (polars), ``.rows(name)``,
    ``.pandas(name)``, ``.load_into(engine_or_url)``; generated once, cached across runs."""
    state = _state(request.config)
    return _setup(state.fixtures)


@pytest.fixture(scope="session")
def synth_schema() -> str | None:
    """DDL that creates ``synth_db``'s tables; None (the default) uses the profile's DDL
    for the target's dialect. Override it to use your migrations' schema."""
    return None


@pytest.fixture(scope="session")
def _synth_database(
    request: pytest.FixtureRequest, synth_data: SynthData, synth_schema: str | None
) -> Iterator[SynthDatabase]:
    from synth.pytest_plugin.db import SynthDatabase

    state = _state(request.config)
    settings = state.settings
    db = _setup(
        lambda: SynthDatabase(
            synth_data, settings.database_url, truncate=settings.truncate, schema=synth_schema
        )
    )
    state.notes.extend(db.notes)
    yield db
    _setup(db.close)


@pytest.fixture
def synth_db(_synth_database: SynthDatabase) -> Iterator[sa.Connection]:
    """A SQLAlchemy ``Connection`` to the loaded database, inside a transaction that is
    rolled back after the test; its ``commit()`` releases a SAVEPOINT instead of committing
    (``synth_db.engine`` is the session's engine)."""
    with _synth_database.transaction() as conn:
        yield conn


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # type: ignore[no-untyped-def]
    state = config.stash.get(_STATE, None)
    if state is None or not state.settings.configured():
        return
    settings = state.settings
    if state.first is not None:
        from synth.pytest_plugin.cache import describe

        line = describe(state.first, settings)
    else:
        source = (
            f"fixtures {settings.fixtures}" if settings.fixtures else f"profile {settings.profile}"
        )
        rows = settings.rows if settings.rows is not None else "default"
        again = reproduce(settings, settings.seed, settings.rows, settings.fixtures is not None)
        line = (
            f"synth: {source}, seed {settings.seed}, rows {rows} (no fixture set was made in "
            f"this process); reproduce: {again}"
        )
    terminalreporter.write_line(line)
    for note in state.notes:
        terminalreporter.write_line(note)
