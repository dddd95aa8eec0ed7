"""``synth diff``: drift between real profiles of a database before and after a change."""

from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

import synth
from synth.checks.drift import DriftReport, Thresholds, compare, diff
from synth.cli.common import shown_warnings
from synth.errors import SynthWarning, UsageError
from synth.model import Profile
from synth.model.io import write_profile
from tests.cli.test_errors import assert_one_line_error, run

AS_OF = "2026-06-01T00:00:00Z"
ROWS = 400


def _build(
    path: Path,
    *,
    statuses: tuple[str, ...] = ("active", "invited"),
    new_status: str | None = None,
    new_plan: str | None = None,
    phone: bool = True,
    phone_null_every: int = 10,
) -> str:
    """A small app database: tenants and users with an enum-like CHECK column."""
    allowed = (*statuses, new_status) if new_status else statuses
    check = ", ".join(f"'{s}'" for s in allowed)
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE tenants (id INTEGER PRIMARY KEY, name VARCHAR(40) NOT NULL)")
        conn.execute(
            "CREATE TABLE users (id INTEGER PRIMARY KEY,"
            " tenant_id INTEGER NOT NULL REFERENCES tenants(id),"
            f" status VARCHAR(16) NOT NULL CHECK (status IN ({check})),"
            " plan VARCHAR(16) NOT NULL" + (", phone VARCHAR(20)" if phone else "") + ")"
        )
        conn.executemany("INSERT INTO tenants (name) VALUES (?)", [(f"t{i}",) for i in range(20)])
        rows = []
        for i in range(ROWS):
            status = statuses[i % len(statuses)]
            if new_status and i % 10 == 3:
                status = new_status
            plan = ["free", "pro"][i % 2]
            if new_plan and i % 8 == 5:
                plan = new_plan
            row: tuple[object, ...] = (i % 20 + 1, status, plan)
            if phone:
                row += (None if i % phone_null_every == 0 else f"+1555{i:07d}",)
            rows.append(row)
        cols = "tenant_id, status, plan" + (", phone" if phone else "")
        marks = ", ".join("?" * (4 if phone else 3))
        conn.executemany(f"INSERT INTO users ({cols}) VALUES ({marks})", rows)
    return f"sqlite:///{path}"


def _profile(tmp_path: Path, name: str, **shape: object) -> Profile:
    url = _build(tmp_path / f"{name}.db", **shape)  # type: ignore[arg-type]
    return synth.profile(url, as_of=AS_OF)


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Profile:
    return _profile(tmp_path_factory.mktemp("base"), "base")


def test_an_identical_reprofile_is_no_drift(tmp_path: Path, base: Profile) -> None:
    again = _profile(tmp_path, "again")
    report = diff(base, again)
    assert report.changes == () and not report.stale
    assert report.headline == "no drift"
    assert "no drift" in report.render("text") and "no drift" in report.render("markdown")


DRIFTS = [
    pytest.param(
        {"new_status": "suspended"},
        "value_added",
        "users.status",
        "'suspended'",
        id="new-enum-value",
    ),
    pytest.param(
        {"new_plan": "enterprise"},
        "value_added",
        "users.plan",
        "'enterprise'",
        id="new-frequent-value",
    ),
    pytest.param({"phone": False}, "column_removed", "users.phone", "removed", id="dropped-column"),
    pytest.param(
        {"phone_null_every": 2},
        "null_fraction",
        "users.phone",
        "10.0% -> 50.0%",
        id="null-rate-jump",
    ),
]


@pytest.mark.parametrize(("shape", "kind", "where", "needle"), DRIFTS)
def test_each_drift_is_stale_and_named(
    tmp_path: Path, base: Profile, shape: dict[str, object], kind: str, where: str, needle: str
) -> None:
    after = _profile(tmp_path, "after", **shape)
    report = diff(base, after)
    assert report.stale
    first = report.changes[0]  # the headline
    assert (first.kind, first.where, first.stale) == (kind, where, True), report.changes
    assert needle in first.message
    text = report.render("text")
    assert where in text and needle in text
    markdown = report.render("markdown")
    assert markdown.startswith("### synth diff: fixtures are stale")
    assert f"`{where}`" in markdown and "| **stale** |" in markdown


def test_a_new_enum_value_is_the_headline_among_other_drift(tmp_path: Path, base: Profile) -> None:
    after = _profile(tmp_path, "after", new_status="suspended", phone=False)
    report = diff(base, after)
    kinds = [c.kind for c in report.changes if c.stale]
    assert kinds[:2] == ["value_added", "domain_added"], kinds  # the new value leads
    assert "column_removed" in kinds
    assert report.headline.startswith("drift: users.status: new value 'suspended'")


def test_small_shifts_and_growth_are_informational(base: Profile) -> None:
    users = base.table("users")
    phone = users.column("phone")
    shifted_phone = phone.model_copy(
        update={"stats": phone.stats.model_copy(update={"null_fraction": 0.12})}
    )
    columns = tuple(shifted_phone if c.name == "phone" else c for c in users.columns)
    grown = users.model_copy(update={"rows": 480, "columns": columns})
    after = base.model_copy(update={"tables": (base.table("tenants"), grown)})
    report = compare(base, after)
    assert not report.stale
    assert {c.kind for c in report.changes} == {"row_count", "null_fraction"}
    assert report.headline.startswith("no drift that makes fixtures stale")
    strict = compare(base, after, thresholds=Thresholds(null_fraction=0.01))
    assert strict.stale


def test_thresholds_are_checked() -> None:
    with pytest.raises(UsageError, match=r"null_fraction \(--null-threshold\) .* not 1\.5"):
        Thresholds(null_fraction=1.5)
    with pytest.raises(UsageError, match=r"cohort_share must .* not -0\.1"):
        Thresholds(cohort_share=-0.1)


@pytest.fixture(scope="module")
def profiles(tmp_path_factory: pytest.TempPathFactory, base: Profile) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("profiles")
    after = _profile(root, "after", new_status="suspended")
    out = {"old": root / "app.yaml", "new": root / "app.new.yaml"}
    write_profile(base, out["old"])
    write_profile(after, out["new"])
    return out


@pytest.mark.parametrize(
    ("fmt", "needles"),
    [
        pytest.param("text", ["users.status", "new value 'suspended'", "[value_added]"], id="text"),
        pytest.param(
            "markdown",
            ["### synth diff: fixtures are stale", "**new value 'suspended'", "| **stale** |"],
            id="markdown",
        ),
    ],
)
def test_cli_exits_1_on_drift(
    tmp_path: Path, profiles: dict[str, Path], fmt: str, needles: list[str]
) -> None:
    result = run("diff", str(profiles["old"]), str(profiles["new"]), "--format", fmt, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    for needle in needles:
        assert needle in result.stdout, result.stdout


def test_cli_exits_0_against_the_same_database(tmp_path: Path, profiles: dict[str, Path]) -> None:
    url = _build(tmp_path / "same.db")
    result = run("diff", str(profiles["old"]), url, "--as-of", AS_OF, cwd=tmp_path)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no drift" in result.stdout


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        pytest.param(["missing.yaml", "x.yaml"], "does not exist", id="missing-old"),
        pytest.param(["{old}", "sqlite:///nowhere/x.db"], "nowhere", id="bad-url"),
        pytest.param(["{old}", "{old}", "--format", "html"], "--format", id="bad-format"),
    ],
)
def test_cli_errors_exit_2(
    tmp_path: Path, profiles: dict[str, Path], args: list[str], needle: str
) -> None:
    args = [a.format(old=profiles["old"]) for a in args]
    assert_one_line_error(run("diff", *args, cwd=tmp_path), needle)


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        pytest.param(["--null-threshold", "-1"], "--null-threshold", id="null-threshold"),
        pytest.param(["--trait-threshold", "2"], "--trait-threshold", id="trait-threshold"),
        pytest.param(["--tables", "users"], "--tables", id="tables-without-url"),
    ],
)
def test_cli_option_errors_name_the_flag(
    tmp_path: Path, profiles: dict[str, Path], args: list[str], needle: str
) -> None:
    old, new = str(profiles["old"]), str(profiles["new"])
    assert_one_line_error(run("diff", old, new, *args, cwd=tmp_path), needle)


def test_library_checks_format_and_options(profiles: dict[str, Path], base: Profile) -> None:
    with pytest.raises(UsageError, match="format='html'"):
        compare(base, base).render("html")
    assert compare(base, base).render("markdown").startswith("### synth diff: no drift")
    with pytest.raises(UsageError, match=r"known_values \(--known-values\) apply when NEW"):
        diff(profiles["old"], profiles["new"], profile_options={"known_values": "k.yaml"})


def test_only_synth_warnings_are_shown(capsys: pytest.CaptureFixture[str]) -> None:
    with shown_warnings(only_synth=True):
        warnings.warn("a dependency's deprecation", DeprecationWarning, stacklevel=1)
        warnings.warn("an opaque column", SynthWarning, stacklevel=1)
    assert capsys.readouterr().err == "warning: an opaque column\n"


def test_reprofiling_names_the_new_url_masked(
    tmp_path: Path, profiles: dict[str, Path], postgres_url: str
) -> None:
    url = make_url(postgres_url).set(password="s3cret").render_as_string(hide_password=False)
    old = str(profiles["old"])  # profiled from a SQLite file
    line = assert_one_line_error(run("diff", old, url, cwd=tmp_path), "none of the profile's")
    assert "postgresql+psycopg://postgres:***@" in line and "s3cret" not in line
    assert ".db" not in line  # not OLD's source

    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE places (id int PRIMARY KEY, loc point)"))
        conn.execute(sa.text("INSERT INTO places VALUES (1, point(1, 2)), (2, NULL)"))
    engine.dispose()
    drifted = run("diff", old, url, "--tables", "places", cwd=tmp_path)
    assert drifted.returncode == 1, drifted.stderr
    assert drifted.stderr.splitlines() == [
        "warning: places.loc: type 'POINT' is not supported by synth; profiled as opaque "
        "(no statistics beyond NULLs, generated as NULL where allowed)"
    ]
    assert "places" in drifted.stdout and "[table_added]" in drifted.stdout


def test_postgres_reprofile_finds_a_new_enum_value(tmp_path: Path, postgres_url: str) -> None:
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TYPE user_status AS ENUM ('active', 'invited')"))
        conn.execute(
            sa.text(
                "CREATE TABLE users (id SERIAL PRIMARY KEY, status user_status NOT NULL,"
                " plan VARCHAR(16))"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO users (status, plan) SELECT"
                " (ARRAY['active', 'invited'])[1 + i % 2]::user_status,"
                " CASE WHEN i % 10 = 0 THEN NULL ELSE 'free' END"
                " FROM generate_series(1, 300) AS i"
            )
        )
    old = tmp_path / "app.yaml"
    write_profile(synth.profile(postgres_url, as_of=AS_OF), old)

    same = run("diff", str(old), postgres_url, "--as-of", AS_OF, cwd=tmp_path)
    assert same.returncode == 0, same.stderr + same.stdout
    assert "no drift" in same.stdout

    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("ALTER TYPE user_status ADD VALUE 'suspended'"))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE users SET status = 'suspended', plan = NULL WHERE id % 5 = 0"))
    engine.dispose()
    drifted = run("diff", str(old), postgres_url, "--as-of", AS_OF, "-f", "markdown", cwd=tmp_path)
    assert drifted.returncode == 1, drifted.stderr + drifted.stdout
    assert "users.status" in drifted.stdout and "'suspended'" in drifted.stdout
    assert "`users.plan`" in drifted.stdout  # NULLs 10% -> 28%
    assert "postgresql" in drifted.stdout  # NEW named by its masked URL


def test_report_is_frozen(base: Profile) -> None:
    report = compare(base, base)
    assert isinstance(report, DriftReport)
    with pytest.raises(AttributeError):
        report.changes = ()  # type: ignore[misc]


@pytest.mark.postgres
def test_a_profile_of_another_schema_is_reprofiled_in_it(tmp_path: Path, postgres_url: str) -> None:
    """The profile records --schema, so `synth diff PROFILE URL` looks for its tables there."""
    engine = sa.create_engine(postgres_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE SCHEMA app")
        conn.exec_driver_sql("CREATE TABLE app.items (id integer PRIMARY KEY, v text)")
        conn.exec_driver_sql("INSERT INTO app.items SELECT i, 'x' FROM generate_series(1, 40) i")
    engine.dispose()
    old = tmp_path / "app.yaml"
    write_profile(synth.profile(postgres_url, schema="app", as_of=AS_OF), old)
    assert "schema: app" in old.read_text(encoding="utf-8")
    same = run("diff", str(old), postgres_url, "--as-of", AS_OF, cwd=tmp_path)
    assert same.returncode == 0, same.stdout + same.stderr
    assert "no drift" in same.stdout
