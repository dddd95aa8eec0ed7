"""``synth.cases``: one row per production shape, with stable ids that name the shape."""

from __future__ import annotations

import re
from fnmatch import fnmatch
from pathlib import Path

import pytest

import synth

from .conftest import REPO, SHOP

PLAN_CASES = """
    import pytest
    import synth

    @pytest.mark.parametrize("user", synth.cases("users", "plan"))  # ids: the plugin's
    def test_plan_badge(user):
        assert user["plan"] in {"free", "starter", "pro", "enterprise"}, user["plan"]
"""


@pytest.fixture(scope="module")
def users(tmp_path_factory: pytest.TempPathFactory) -> list[synth.Case]:
    cache = tmp_path_factory.mktemp("cases-cache")
    import os

    old = os.environ.get("SYNTH_CACHE_DIR")
    os.environ["SYNTH_CACHE_DIR"] = str(cache)
    try:
        return synth.cases("users", profile=SHOP, seed=7, rows=60)
    finally:
        if old is None:
            del os.environ["SYNTH_CACHE_DIR"]
        else:
            os.environ["SYNTH_CACHE_DIR"] = old


def test_each_case_exhibits_the_shape_its_id_names(users: list[synth.Case]) -> None:
    ids = [str(c) for c in users]
    assert len(ids) == len(set(ids))
    for expected in (
        "users.last_login_at=NULL",
        "users.plan=premium[legacy]",
        "users.email=[whitespace_padded]",
        "users.last_login_at=1970-01-01[sentinel]",
        "users[cohort=legacy_import]",
        "users[case_variant(plan)]",
    ):
        assert expected in ids
    by_id = {str(c): c for c in users}
    assert by_id["users.last_login_at=NULL"]["last_login_at"] is None
    assert by_id["users.plan=premium[legacy]"]["plan"] == "premium"
    email = by_id["users.email=[whitespace_padded]"]["email"]
    assert email != email.strip()
    assert str(by_id["users.last_login_at=1970-01-01[sentinel]"]["last_login_at"]).startswith(
        "1970-01-01"
    )
    assert by_id["users[case_variant(plan)]"]["plan"] in {"Pro", "PRO"}
    for case in users:
        assert case.table == "users" and case.key == case["id"]


def test_filters_by_column_and_trait(users: list[synth.Case]) -> None:
    plan = synth.cases("users", "plan", profile=SHOP, seed=7, rows=60)
    assert [str(c) for c in plan] == [
        "users.plan=premium[legacy]",
        "users.plan=Pro[rare]",  # 0.45% of users: a value of its own, not only a variant
        "users[cohort=signup]",
        "users[cohort=legacy_import]",
        "users[case_variant(plan)]",
    ]
    nulls = synth.cases("users", traits=["null"], profile=SHOP, seed=7, rows=60)
    assert {c.trait for c in nulls} == {"null"} and all(c[c.column] is None for c in nulls)


def test_mistakes_are_one_line_usage_errors() -> None:
    with pytest.raises(synth.UsageError, match="table 'users' has no column 'plann'"):
        synth.cases("users", "plann", profile=SHOP, seed=7, rows=60)
    with pytest.raises(synth.UsageError, match="'nul' not a trait"):
        synth.cases("users", traits="nul", profile=SHOP, seed=7, rows=60)
    with pytest.raises(synth.UsageError, match="synth fixtures need a profile"):
        synth.cases("users")  # this session has no synth_profile


def test_ids_are_stable_across_runs_and_name_the_failing_condition(
    project: pytest.Pytester, shared_cache: Path
) -> None:
    project.makepyfile(PLAN_CASES)
    runs = [
        project.runpytest_subprocess("-v", f"--synth-fixtures-dir={shared_cache}", *extra)
        for extra in ((), ("--synth-refresh",))
    ]
    lines = [sorted(line for line in run.outlines if "::test_plan_badge[" in line) for run in runs]
    assert lines[0] == lines[1]
    verbose = (re.search(r"::test_plan_badge\[(.*)\] (PASSED|FAILED) ", x) for x in lines[0])
    ids = sorted(m[1] for m in verbose if m)
    assert ids == [
        "users.plan=Pro[rare]",
        "users.plan=premium[legacy]",
        "users[case_variant(plan)]",
        "users[cohort=legacy_import]",
        "users[cohort=signup]",
    ]
    out = runs[0].stdout.str()
    for failed in (
        "users.plan=premium[legacy]",
        "users.plan=Pro[rare]",
        "users[case_variant(plan)]",
    ):
        assert f"::test_plan_badge[{failed}] FAILED" in out
    assert "_ test_plan_badge[users.plan=premium[legacy]] _" in out  # the failure's header


def test_example_app_bugs_are_caught(pytester: pytest.Pytester, shared_cache: Path) -> None:
    app = REPO / "examples" / "app"
    result = pytester.runpytest_subprocess(
        f"--rootdir={app}",
        f"-c={app / 'pytest.ini'}",
        f"--synth-fixtures-dir={shared_cache}",
        "-p",
        "no:cacheprovider",
        "-rxX",
        str(app / "tests"),
    )
    # clean fixtures pass, synth-backed tests that pass pass, each bug xfails strictly
    result.assert_outcomes(passed=7, xfailed=3)
    out = result.stdout.str()
    for xfail in (
        "test_days_since_last_login[users.last_login_at=NULL] - bug: assumes last_login_at",
        "test_plan_badge[users.plan=premium[legacy]] - bug: maps plans",
        "test_find_user_by_email[users.email=[whitespace_padded]] - bug: compares emails",
    ):
        assert f"XFAIL {app.name}/tests/test_production_shapes.py::{xfail}" in out or xfail in out


def test_a_case_is_read_only(users: list[synth.Case]) -> None:
    case = users[0]
    for name in ("id", "table", "column", "trait", "value", "key", "_row"):
        with pytest.raises(AttributeError, match="read-only"):
            setattr(case, name, "x")
    with pytest.raises(TypeError):
        case["id"] = 1  # type: ignore[index]
    row = case.row
    row["id"] = -1
    assert case["id"] != -1 and str(case) == case.id


BROKEN = {
    "test_missing.py": """
        import pytest, synth

        @pytest.mark.parametrize("user", synth.cases("users", profile="profiles/nope.yaml"))
        def test_x(user):
            pass
    """,
    "test_unparsable.py": """
        import pytest, synth

        @pytest.mark.parametrize("user", synth.cases("users", profile="profiles/bad.yaml"))
        def test_y(user):
            pass
    """,
}


def test_collection_errors_are_one_line(project: pytest.Pytester) -> None:
    (project.path / "profiles" / "bad.yaml").write_text("tables: [\n", encoding="utf-8")
    project.makepyfile(**BROKEN)
    result = project.runpytest_subprocess()
    result.assert_outcomes(errors=2)
    out = result.stdout.str()
    lines = result.outlines
    first = next(i for i, x in enumerate(lines) if "= ERRORS =" in x)
    last = next(i for i, x in enumerate(lines) if "short test summary" in x)
    expected = [
        "*_ ERROR collecting test_missing.py _*",
        "synth: profile='profiles/nope.yaml': no such file *",
        "*_ ERROR collecting test_unparsable.py _*",
        "synth: profiles/bad.yaml:2: not valid YAML *",
        # no set of the session's own was made: the report still says how to reproduce it
        "synth: profile *shop.yaml, seed 7, rows 60 (no fixture set was made in this process); "
        "reproduce: pytest --synth-seed 7 --synth-rows 60",
    ]
    section = lines[first + 1 : last]
    assert len(section) == len(expected), section  # each error is one line
    for line, pattern in zip(section, expected, strict=True):
        assert fnmatch(line, pattern), (line, pattern)
    assert "_cases.py" not in out and "Traceback" not in out and "api.py" not in out
