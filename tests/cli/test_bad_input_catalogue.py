"""The bad-input catalogue: what a new user or an operator gets wrong, one case each, across
``synth profile``, ``generate``, ``load``, ``validate``, ``diff`` and the pytest plugin.

Every case asserts the same contract: a non-zero exit status, exactly one line on stderr
(``synth: ...``; for the plugin, one ``synth:`` failure line in pytest's report) with no
traceback, and nothing written or changed: the test directory is snapshotted (every path,
every file's sha256) before and after. Cases marked ``why-N`` are the failures listed in
issue 18's "Why".
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from synth.writers.atomic import out_lock
from tests.cli.test_errors import SYNTH

ROOT = Path(__file__).resolve().parents[2]
SHOP = ROOT / "profiles" / "shop.yaml"
SECRET = "s3cr3t-catalogue"


# ----------------------------------------------------------------------------- materials


class Ctx:
    """Builds a case's inputs in ``tmp`` (under ``in/``) and hands out server URLs."""

    def __init__(self, tmp: Path, request: pytest.FixtureRequest, fixtures: Path) -> None:
        self.tmp, self.request, self._fixtures = tmp, request, fixtures
        self.inputs = tmp / "in"
        self.inputs.mkdir(exist_ok=True)

    def path(self, name: str) -> str:
        return str(self.tmp / name)

    def profile(self, old: str = "", new: str = "", name: str = "shop.yaml") -> str:
        text = SHOP.read_text()
        if old:
            assert old in text, old
            text = text.replace(old, new, 1)
        path = self.inputs / name
        path.write_text(text)
        return str(path)

    def text(self, name: str, content: str | bytes) -> str:
        path = self.inputs / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
        return str(path)

    def sqlite(self, *statements: str, name: str = "app.db", rows: int = 0) -> str:
        path = self.inputs / name
        with contextlib.closing(sqlite3.connect(path)) as conn:
            for statement in statements:
                conn.execute(statement)
            if rows:
                conn.execute("CREATE TABLE big (id INTEGER PRIMARY KEY, a TEXT, n INTEGER)")
                conn.execute(
                    "WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < "
                    f"{rows}) INSERT INTO big (a, n) SELECT hex(randomblob(8)), x % 977 FROM s"
                )
            conn.commit()
        return f"sqlite:///{path}"

    def shop_db(self) -> str:
        return self.sqlite(
            "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT, created_at TIMESTAMP)",
            "INSERT INTO users (email, created_at) VALUES ('a@example.com', '2024-01-01')",
        )

    def fixtures(self, name: str = "fx") -> Path:
        target = self.inputs / name
        shutil.copytree(self._fixtures, target)
        return target

    def manifest(self, fx: Path, edit: Callable[[dict], None]) -> None:
        data = json.loads((fx / "manifest.json").read_text())
        edit(data)
        (fx / "manifest.json").write_text(json.dumps(data))

    def truncated(self, fx: Path, table: str = "users") -> Path:
        file = fx / f"{table}.parquet"
        file.write_bytes(file.read_bytes()[: file.stat().st_size // 2])
        return fx

    def target(self) -> str:
        """An existing, empty SQLite database to load into."""
        return self.sqlite("SELECT 1", name="target.db")

    def pg(self) -> str:
        return str(self.request.getfixturevalue("postgres_url"))

    def mysql(self) -> str:
        return str(self.request.getfixturevalue("mysql_url"))

    def sql(self, url: str, *statements: str) -> None:
        import sqlalchemy as sa

        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                for statement in statements:
                    conn.exec_driver_sql(statement)
        finally:
            engine.dispose()


@dataclass(frozen=True)
class Case:
    args: Callable[[Ctx], list[str]]
    """The command line after ``synth`` (or after ``pytest`` for plugin cases)."""
    needle: str
    """A piece of the error line."""
    env: dict[str, str] = field(default_factory=dict)
    status: int = 2
    signal: int | None = None
    """Send this signal a moment after the start (the run is then expected to stop)."""
    ignore_sigint: bool = False
    plugin: bool = False
    holding_lock: str | None = None
    """Run while this process holds the lock of this --out (relative to tmp)."""


def _c(args: Callable[[Ctx], list[str]], needle: str, **kw: object) -> Case:
    return Case(args, needle, **kw)  # type: ignore[arg-type]


PG = pytest.mark.postgres
MY = pytest.mark.mysql
OUT = "out/p.yaml"
FX = "out/fx"

# ----------------------------------------------------------------------------- profile

PROFILE = [
    pytest.param(_c(lambda c: ["profile", "--out", c.path(OUT)], "SYNTH_DATABASE_URL is not set"),
                 id="profile-no-source"),
    pytest.param(_c(lambda c: ["profile", "--out", c.path(OUT)], "not a database URL",
                    env={"SYNTH_DATABASE_URL": f"{SECRET}-not-a-url"}), id="profile-env-not-a-url"),
    pytest.param(_c(lambda c: ["profile", "foo://x/y", "--out", c.path(OUT)], "foo"),
                 id="profile-unknown-scheme"),
    pytest.param(_c(lambda c: ["profile", f"sqlite:///{c.path('absent.db')}", "--out",
                               c.path(OUT)], "does not exist"), id="profile-sqlite-missing"),
    pytest.param(_c(lambda c: ["profile", "sqlite://", "--out", c.path(OUT)], "in-memory"),
                 id="profile-sqlite-memory"),
    pytest.param(_c(lambda c: ["profile", "postgresql://postgres@127.0.0.1:1/app", "--out",
                               c.path(OUT)], "127.0.0.1:1"), id="profile-connection-refused"),
    pytest.param(_c(lambda c: ["profile", "postgresql://postgres@127.0.0.1/nosuch_db_x1",
                               "--out", c.path(OUT)], "nosuch_db_x1"),
                 id="profile-pg-unknown-database", marks=PG),
    pytest.param(_c(lambda c: ["profile", f"mysql://root:{SECRET}@127.0.0.1/mysql", "--out",
                               c.path(OUT)], "check the user and password"),
                 id="why-6-profile-wrong-password-masked", marks=MY),
    pytest.param(_c(lambda c: ["profile", c.sqlite("SELECT 1"), "--out", c.path(OUT)],
                    "found nothing"), id="why-8-profile-empty-sqlite"),
    pytest.param(_c(lambda c: ["profile", c.sqlite("CREATE VIEW v AS SELECT 1 AS a"), "--out",
                               c.path(OUT)], "1 view (v)"), id="why-8-profile-views-only-sqlite"),
    pytest.param(_c(lambda c: ["profile", c.pg(), "--out", c.path(OUT)], "found nothing"),
                 id="why-8-profile-empty-postgresql", marks=PG),
    pytest.param(_c(lambda c: (c.sql(url := c.pg(), "CREATE VIEW v AS SELECT 1 AS a",
                                     "CREATE MATERIALIZED VIEW mv AS SELECT 1 AS a"),
                               ["profile", url, "--out", c.path(OUT)])[1],
                    "1 materialized view (mv)"),
                 id="why-8-profile-views-only-postgresql", marks=PG),
    pytest.param(_c(lambda c: (c.sql(url := c.mysql(), "CREATE VIEW v AS SELECT 1 AS a"),
                               ["profile", url, "--out", c.path(OUT)])[1], "1 view (v)"),
                 id="why-8-profile-views-only-mariadb", marks=MY),
    pytest.param(_c(lambda c: ["profile", c.shop_db(), "--time-column", "nosuch.col", "--out",
                               c.path(OUT)], "table 'nosuch' is not profiled"),
                 id="why-8-profile-time-column-unknown-table"),
    pytest.param(_c(lambda c: ["profile", c.shop_db(), "--time-column", "users.nosuch", "--out",
                               c.path(OUT)], "no date or timestamp column 'nosuch'"),
                 id="profile-time-column-unknown-column"),
    pytest.param(_c(lambda c: ["profile", c.shop_db(), "--segment-by", "nosuch.col", "--out",
                               c.path(OUT)], "table 'nosuch' is not profiled"),
                 id="profile-segment-by-unknown-table"),
    pytest.param(_c(lambda c: ["profile", c.shop_db(), "--segment-by", "nodot", "--out",
                               c.path(OUT)], "must be table.column"),
                 id="profile-segment-by-format"),
    pytest.param(_c(lambda c: ["profile", c.shop_db(), "--tables", "userz", "--out", c.path(OUT)],
                    "'userz'"), id="profile-unknown-table"),
    pytest.param(_c(lambda c: ["profile", c.shop_db(), "--sample", "0", "--out", c.path(OUT)],
                    "sample"), id="profile-sample-zero"),
    pytest.param(_c(lambda c: ["profile", c.shop_db(), "--sample", "150", "--out", c.path(OUT)],
                    "sample"), id="profile-sample-over-100"),
    pytest.param(_c(lambda c: ["profile", c.shop_db(), "--statement-timeout", "-1", "--out",
                               c.path(OUT)], "statement"), id="profile-negative-timeout"),
    pytest.param(_c(lambda c: ["profile", c.shop_db(), "--min-count", "0", "--out", c.path(OUT)],
                    "min"), id="profile-min-count-zero"),
    pytest.param(_c(lambda c: ["profile", c.shop_db(), "--epsilon", "-1", "--out", c.path(OUT)],
                    "epsilon"), id="profile-negative-epsilon"),
    pytest.param(_c(lambda c: ["profile", c.shop_db(), "--as-of", "yesterday-ish", "--out",
                               c.path(OUT)], "yesterday-ish"), id="profile-bad-as-of"),
    pytest.param(_c(lambda c: ["profile", c.shop_db(), "--legacy-after", "abc", "--out",
                               c.path(OUT)], "abc"), id="profile-bad-legacy-after"),
    pytest.param(_c(lambda c: ["profile", c.shop_db(), "--known-values", c.path("nope.yaml"),
                               "--out", c.path(OUT)], "nope.yaml"),
                 id="profile-known-values-missing"),
    pytest.param(_c(lambda c: ["profile", c.shop_db(), "--known-values",
                               c.text("kv.yaml", "a: [unclosed"), "--out", c.path(OUT)], "kv.yaml"),
                 id="profile-known-values-not-yaml"),
    pytest.param(_c(lambda c: ["profile", c.shop_db(), "--pii", "nodot", "--out", c.path(OUT)],
                    "nodot"), id="profile-pii-format"),
    pytest.param(_c(lambda c: ["profile", c.shop_db(), "--relation", "users.id", "--out",
                               c.path(OUT)], "users.id"), id="profile-relation-format"),
    pytest.param(_c(lambda c: ["profile", "--url-file", c.path("absent.url"), "--out",
                               c.path(OUT)], "does not exist"),
                 id="why-6-profile-url-file-missing"),
    pytest.param(_c(lambda c: ["profile", "--url-file", c.text("db.url", f"{SECRET}\n"), "--out",
                               c.path(OUT)], "holds no database URL"),
                 id="why-6-profile-url-file-not-a-url"),
    pytest.param(_c(lambda c: ["profile", c.shop_db(), "--url-file", c.text("db.url", "x://y\n"),
                               "--out", c.path(OUT)], "either a source or --url-file"),
                 id="profile-source-and-url-file"),
    pytest.param(_c(lambda c: ["profile", c.path("in/absent.parquet"), "--out", c.path(OUT)],
                    "absent.parquet"), id="profile-parquet-missing"),
    pytest.param(_c(lambda c: ["profile", str(c.truncated(c.fixtures()) / "users.parquet"),
                               "--out", c.path(OUT)], "users.parquet"),
                 id="profile-parquet-truncated"),
    pytest.param(_c(lambda c: ["profile", c.text("bad.csv", b"id,name\n1,\xff\xfe\x00\"open\n"),
                               "--out", c.path(OUT)], "bad.csv"), id="profile-csv-corrupt"),
    pytest.param(_c(lambda c: ["profile", c.shop_db(), "--out",
                               c.text("blocker", "a file") + "/p.yaml"], "blocker"),
                 id="profile-out-under-a-file"),
    pytest.param(_c(lambda c: ["profile", c.sqlite(rows=600_000), "--statement-timeout", "0",
                               "--out", c.path(OUT)], "terminated (SIGTERM)", status=143,
                    signal=signal.SIGTERM), id="why-1-profile-sigterm"),
    pytest.param(_c(lambda c: ["profile", c.sqlite(rows=600_000), "--statement-timeout", "0",
                               "--out", c.path(OUT)], "interrupted", status=130,
                    signal=signal.SIGINT, ignore_sigint=True), id="why-1-profile-sigint-ignored"),
]  # fmt: skip

# ----------------------------------------------------------------------------- generate

STATS = "{min: 7, p01: 184,"


def _gen(old: str = "", new: str = "", *extra: str) -> Callable[[Ctx], list[str]]:
    return lambda c: ["generate", c.profile(old, new), "--out", c.path(FX), *extra]


GENERATE = [
    pytest.param(_c(lambda c: ["generate", c.path("absent.yaml"), "--out", c.path(FX)],
                    "does not exist"), id="generate-profile-missing"),
    pytest.param(_c(lambda c: ["generate", c.text("p.yaml", "tables: [unclosed"), "--out",
                               c.path(FX)], "not valid YAML"), id="generate-profile-not-yaml"),
    pytest.param(_c(_gen("kind: synth-profile", "kind: other"), "not a synth profile"),
                 id="generate-profile-wrong-kind"),
    pytest.param(_c(_gen("version: 1", "version: 99"), "version=99"),
                 id="generate-profile-wrong-version"),
    pytest.param(_c(_gen("rows: 31755", "rows: many"), "rows"), id="generate-profile-bad-field"),
    pytest.param(_c(_gen(STATS, "{min: 999999, p01: 184,"), "min 999999 > p01 184"),
                 id="why-5-generate-min-above-p01"),
    pytest.param(_c(_gen("p99: 19886, max: 20054}", "p99: 19886, max: 3}"), "p99 19886 > max 3"),
                 id="why-5-generate-max-below-p99"),
    pytest.param(_c(_gen("{value: shipped, fraction: 0.69255}",
                         "{value: shipped, fraction: 0.99255}"), "> 1; fractions are of all rows"),
                 id="why-5-generate-fractions-over-one"),
    pytest.param(_c(_gen("{value: shipped, fraction: 0.69255}",
                         "{value: shipped_and_delivered_late, fraction: 0.69255}"),
                    "longer than the column's length 16"), id="why-5-generate-value-too-long"),
    pytest.param(_c(_gen("distinct: 17975", "distinct: 99999999"), "distinct values > the table's"),
                 id="generate-distinct-above-rows"),
    pytest.param(_c(_gen("p05: 7, p10: 7,", "p05: -7, p10: 7,"), "negative length"),
                 id="generate-negative-length"),
    pytest.param(_c(_gen("", "", "--rows", "-1"), "-1"), id="generate-negative-rows"),
    pytest.param(_c(_gen("", "", "--rows", "100000000000"), "free on that disk"),
                 id="why-3-generate-does-not-fit-the-disk"),
    pytest.param(_c(_gen("", "", "--scale", "-2"), "-2"), id="generate-negative-scale"),
    pytest.param(_c(_gen("", "", "--format", "xlsx"), "xlsx"), id="generate-unknown-format"),
    pytest.param(_c(_gen("", "", "--dialect", "postgresql"), "dialect"),
                 id="generate-dialect-with-parquet"),
    pytest.param(_c(_gen("", "", "--tables", "userz"), "'userz'"), id="generate-unknown-table"),
    pytest.param(_c(_gen("", "", "--boost", "users"), "users"), id="generate-boost-format"),
    pytest.param(_c(_gen("", "", "--as-of", "not-a-time"), "not-a-time"),
                 id="generate-bad-as-of"),
    pytest.param(_c(lambda c: ["generate", c.profile(), "--out", c.text("afile", "x")],
                    "afile"), id="generate-out-is-a-file"),
    pytest.param(_c(lambda c: (c.text("keep.txt", "mine"),
                               ["generate", c.profile(), "--out", str(c.inputs)])[1],
                    "holds no synth fixtures"), id="generate-out-not-fixtures"),
    pytest.param(_c(lambda c: ["generate", c.profile(), "--out", c.path(FX), "--rows", "20"],
                    "another synth run", holding_lock=FX), id="why-9-generate-concurrent-run"),
    pytest.param(_c(_gen("{trait: sentinel, fraction: 0.0291", "{trait: no_such, fraction: 0.0291"),
                    "trait='no_such' is not known"), id="generate-unknown-trait"),
    pytest.param(_c(_gen("{trait: sentinel, fraction: 0.0024, value: -1}",
                         "{trait: non_finite, fraction: 0.0024, value: NaN}"),
                    "trait non_finite value='NaN' in a decimal column"),
                 id="why-2-generate-non-finite-in-a-decimal-column"),
    pytest.param(_c(_gen("{trait: sentinel, fraction: 0.0024, value: -1}",
                         "{trait: non_finite, fraction: 0.0024, value: -1}"),
                    "trait non_finite value=-1"), id="why-2-generate-non-finite-bad-value"),
]  # fmt: skip

# ----------------------------------------------------------------------------- load


def _load(prepare: Callable[[Ctx, Path], object], *extra: str) -> Callable[[Ctx], list[str]]:
    def args(c: Ctx) -> list[str]:
        fx = c.fixtures()
        prepare(c, fx)
        return ["load", str(fx), *(extra or ("--to", c.target()))]

    return args


def _set_rows(data: dict) -> None:
    data["tables"]["users"]["rows"] = 5


LOAD = [
    pytest.param(_c(lambda c: ["load", c.path("absent"), "--to", c.target()], "does not exist"),
                 id="load-dir-missing"),
    pytest.param(_c(lambda c: ["load", str(c.inputs), "--to", c.target()], "no manifest.json"),
                 id="load-dir-without-manifest"),
    pytest.param(_c(lambda c: ["load", c.text("f.parquet", "x"), "--to", c.target()],
                    "is a file"), id="load-path-is-a-file"),
    pytest.param(_c(_load(lambda c, fx: (fx / "manifest.json").write_text("{not json")),
                    "manifest.json"), id="load-manifest-not-json"),
    pytest.param(_c(_load(lambda c, fx: c.manifest(fx, lambda d: d.update(kind="other"))),
                    "not a synth manifest"), id="load-manifest-wrong-kind"),
    pytest.param(_c(_load(lambda c, fx: c.manifest(fx, lambda d: d.update(format="sql"))),
                    "format='sql'"), id="load-sql-fixtures"),
    pytest.param(_c(_load(lambda c, fx: c.truncated(fx)), "users.parquet"),
                 id="why-4-load-truncated-parquet"),
    pytest.param(_c(_load(lambda c, fx: (c.truncated(fx), c.manifest(fx, lambda d: d.update(
        digests={})))), "users.parquet"),
        id="why-4-load-truncated-parquet-without-digests"),
    pytest.param(_c(_load(lambda c, fx: c.manifest(fx, _set_rows)), "manifest.json says 5"),
                 id="why-7-load-row-count-mismatch"),
    pytest.param(_c(_load(lambda c, fx: shutil.copy(fx / "orders.parquet", fx / "users.parquet")),
                    "does not match the sha256"), id="why-7-load-file-replaced"),
    pytest.param(_c(_load(lambda c, fx: (fx / "users.parquet").unlink()), "is missing"),
                 id="load-file-missing"),
    pytest.param(_c(_load(lambda c, fx: None, "--to", "nosuch://db"), "nosuch"),
                 id="load-to-unknown-scheme"),
    pytest.param(_c(lambda c: ["load", str(c.fixtures()), "--to", f"sqlite:///{c.path('no.db')}"],
                    "no.db"), id="load-to-sqlite-missing"),
    pytest.param(_c(lambda c: ["load", str(c.fixtures()), "--to", c.sqlite("SELECT 1")],
                    "does not exist in"), id="load-to-database-without-tables"),
]  # fmt: skip

# ----------------------------------------------------------------------------- validate, diff

CHECKS = [
    pytest.param(_c(lambda c: ["validate", c.path("absent.yaml"), str(c.fixtures())],
                    "does not exist"), id="validate-profile-missing"),
    pytest.param(_c(lambda c: ["validate", c.profile(), c.path("absent")], "does not exist"),
                 id="validate-fixtures-missing"),
    pytest.param(_c(lambda c: ["validate", c.profile(), str(c.truncated(c.fixtures()))],
                    "users.parquet"), id="why-4-validate-truncated-parquet"),
    pytest.param(_c(lambda c: ["validate", c.profile(STATS, "{min: 999999, p01: 184,"),
                               str(c.fixtures())], "min 999999 > p01 184"),
                 id="why-5-validate-impossible-profile"),
    pytest.param(_c(lambda c: ["validate", c.profile(), str(c.fixtures()), "--html",
                               c.text("blk", "f") + "/r.html"], "blk"),
                 id="validate-html-under-a-file"),
    pytest.param(_c(lambda c: ["diff", c.profile(), c.path("absent.yaml")], "does not exist"),
                 id="diff-second-missing"),
    pytest.param(_c(lambda c: ["diff", c.profile(), c.text("x.yaml", "- [")], "not valid YAML"),
                 id="diff-not-yaml"),
    pytest.param(_c(lambda c: ["diff", c.profile(),
                               c.profile(STATS, "{min: 999999, p01: 184,", name="b.yaml")],
                    "min 999999 > p01 184"), id="why-5-diff-impossible-profile"),
    pytest.param(_c(lambda c: ["diff", c.profile(), c.profile("version: 1", "version: 7",
                                                              name="b.yaml")], "version=7"),
                 id="diff-wrong-version"),
]  # fmt: skip

# ----------------------------------------------------------------------------- plugin

PLUGIN_TEST = "def test_users(synth_data):\n    assert synth_data.table('users').height\n"


def _project(c: Ctx, ini: str, *extra: str) -> list[str]:
    (c.inputs / "test_app.py").write_text(PLUGIN_TEST)
    (c.inputs / "pytest.ini").write_text("[pytest]\n" + ini)
    return [str(c.inputs), "-p", "no:cacheprovider", "--synth-fixtures-dir",
            c.path("cache"), *extra]  # fmt: skip


PLUGIN = [
    pytest.param(_c(lambda c: _project(c, "synth_profile = absent.yaml\n"), "no such file",
                    status=1, plugin=True), id="plugin-profile-missing"),
    pytest.param(_c(lambda c: _project(c, "synth_profile = "
                                       f"{c.profile(STATS, '{min: 999999, p01: 184,')}\n"),
                    "min 999999 > p01 184", status=1, plugin=True),
                 id="why-5-plugin-impossible-profile"),
    pytest.param(_c(lambda c: _project(c, "", f"--synth-fixtures={c.path('absent')}"),
                    "does not exist", status=1, plugin=True), id="plugin-fixtures-missing"),
    pytest.param(_c(lambda c: (c.truncated(fx := c.fixtures()),
                               _project(c, "", f"--synth-fixtures={fx}"))[1],
                    "users.parquet", status=1, plugin=True), id="why-7-plugin-fixtures-corrupt"),
    pytest.param(_c(lambda c: _project(c, "synth_seed = minus one\n"), "synth",
                    status=4, plugin=True), id="plugin-bad-seed"),
]  # fmt: skip

ALL = PROFILE + GENERATE + LOAD + CHECKS + PLUGIN


# ----------------------------------------------------------------------------- the contract


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import synth

    out = tmp_path_factory.mktemp("catalogue") / "fx"
    synth.write(SHOP, out, rows=40, seed=1)
    return out


def _snapshot(root: Path) -> dict[str, str]:
    out = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_file() and not path.is_symlink():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[rel] = "dir" if path.is_dir() else "other"
    return out


def _run(case: Case, args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    inherited = {k: v for k, v in os.environ.items() if k != "SYNTH_DATABASE_URL"}
    env = {**inherited, "COLUMNS": "200", **case.env}
    cmd = [sys.executable, "-m", "pytest", *args] if case.plugin else [*SYNTH, *args]
    if case.signal is None:
        return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=180, env=env)
    preexec = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if case.ignore_sigint else None
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, preexec_fn=preexec)  # fmt: skip
    try:
        _wait_for_handler(proc.pid, case.signal)
        time.sleep(0.5)  # into the first statistics query
        assert proc.poll() is None, proc.communicate()
        proc.send_signal(case.signal)
        stdout, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return subprocess.CompletedProcess(cmd, proc.returncode, stdout, stderr)


def _wait_for_handler(pid: int, sig: int, seconds: float = 60) -> None:
    """Wait until the process catches ``sig`` (its SigCgt mask in /proc): synth has started
    and installed its handlers."""
    bit = 1 << (sig - 1)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("SigCgt:") and int(line.split()[1], 16) & bit:
                    return
        time.sleep(0.05)
    raise AssertionError("synth never installed its signal handlers")


@contextlib.contextmanager
def _maybe_lock(case: Case, tmp: Path) -> Iterator[None]:
    if case.holding_lock is None:
        yield
        return
    out = tmp / case.holding_lock
    out.parent.mkdir(parents=True, exist_ok=True)
    with out_lock(out):
        yield


def _error_lines(case: Case, result: subprocess.CompletedProcess[str]) -> list[str]:
    if not case.plugin:
        return [line for line in result.stderr.splitlines() if line.strip()]
    if result.returncode == 4:  # a usage error: pytest's one ERROR line on stderr
        return [line for line in result.stderr.splitlines() if line.strip()]
    return [  # the failure, not the end-of-session report (which says how to reproduce)
        line
        for line in result.stdout.splitlines()
        if line.startswith("synth: ") and "reproduce:" not in line
    ]


@pytest.mark.parametrize("case", ALL)
def test_bad_input(case: Case, tmp_path: Path, request: pytest.FixtureRequest,
                   generated: Path) -> None:  # fmt: skip
    ctx = Ctx(tmp_path, request, generated)
    args = case.args(ctx)
    assert args, "the case built no command"
    (tmp_path / "out").mkdir(exist_ok=True)
    with _maybe_lock(case, tmp_path):
        before = _snapshot(tmp_path)
        result = _run(case, args, tmp_path)
        after = _snapshot(tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == case.status, output
    assert "Traceback" not in output, output
    lines = _error_lines(case, result)
    assert len(lines) == 1, output
    assert "synth" in lines[0] and case.needle in lines[0], lines[0]
    assert SECRET not in output
    assert after == before, {k for k in set(before) ^ set(after)} or "a file changed"


def test_the_catalogue_is_large_enough() -> None:
    assert len(ALL) >= 60
    why = {p.id.split("-")[1] for p in ALL if p.id.startswith("why-")}
    assert why == {str(n) for n in range(1, 10)}, why
