"""The examples: the dirty demo database is deterministic and dirty; show_fixtures shows the
dirt; the annotated profile in the docs is a valid profile."""

from __future__ import annotations

import importlib.util
import re
import sqlite3
import sys
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest

from synth.model.io import load_profile
from synth.model.manifest import MANIFEST_NAME, Manifest, TableOutput

ROOT = Path(__file__).resolve().parents[2]
TABLES = ("tenants", "users", "orders", "order_items", "payments")


def _script(name: str) -> ModuleType:
    """Import ``examples/<name>.py`` as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location(
        f"_examples_{name}", ROOT / "examples" / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def shop_dbs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The demo database built twice; the second time over an existing (junk) file."""
    builder = _script("build_shop_db")
    first = tmp_path_factory.mktemp("first") / "shop.db"
    second_dir = tmp_path_factory.mktemp("second")
    second = second_dir / "shop.db"
    second.write_bytes(b"not a database")
    builder.build(first)
    assert builder.main([str(second)]) == 0
    assert sorted(p.name for p in second_dir.iterdir()) == ["shop.db"], "temporary file left"
    return first, second


def _contents(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES}


def _scalar(path: Path, sql: str) -> object:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def test_build_is_deterministic_and_replaces_the_target(shop_dbs: tuple[Path, Path]) -> None:
    first, second = shop_dbs
    a, b = _contents(first), _contents(second)
    assert {t: len(rows) for t, rows in a.items()} == {t: len(rows) for t, rows in b.items()}
    assert a == b
    assert (len(a["tenants"]), len(a["users"]), len(a["orders"])) == (60, 6_000, 20_000)


def test_schema_declares_keys_constraints_and_lengths(shop_dbs: tuple[Path, Path]) -> None:
    path = shop_dbs[0]
    ddl = {t: _scalar(path, f"SELECT sql FROM sqlite_master WHERE name = '{t}'") for t in TABLES}
    assert (
        "CHECK (status IN ('pending', 'paid', 'shipped', 'cancelled', 'refunded'))" in ddl["orders"]
    )
    assert "UNIQUE (email)" in ddl["users"]
    assert "PRIMARY KEY (order_id, line_no)" in ddl["order_items"]
    assert "numeric(12, 2)" in ddl["payments"] and "varchar(255)" in ddl["users"]
    with sqlite3.connect(path) as conn:
        parents = {row[2] for t in TABLES for row in conn.execute(f"PRAGMA foreign_key_list({t})")}
        # Declared but not enforced: the check finds the orphan payments.
        violations = {row[0] for row in conn.execute("PRAGMA foreign_key_check")}
    assert parents == {"tenants", "users", "orders"}
    assert violations == {"payments"}


DIRT = [
    pytest.param(
        "SELECT count(*) > 0 AND max(created_at) < '2025-11-01' FROM users WHERE plan = 'premium'",
        id="legacy-premium-plan-newest-over-a-year-old",
    ),
    pytest.param(
        "SELECT count(*) > 0 FROM users WHERE last_login_at IS NULL", id="null-last-login"
    ),
    pytest.param(
        "SELECT count(*) > 0 FROM users WHERE email <> rtrim(email, ' ')",
        id="email-trailing-whitespace",
    ),
    pytest.param(
        "SELECT count(*) > 0 FROM orders WHERE status = 'pending' AND created_at < '2021-12-31'",
        id="pending-orders-stuck-since-2021",
    ),
    pytest.param(
        "SELECT count(*) > 0 FROM payments WHERE order_id NOT IN (SELECT id FROM orders)",
        id="orphan-payments",
    ),
    pytest.param(
        "SELECT count(DISTINCT plan) = 3 FROM users WHERE lower(plan) = 'pro'",
        id="plan-case-variants",
    ),
    pytest.param(
        "SELECT sum(coupon_code = '') > 0 AND sum(coupon_code IS NULL) > 0 FROM orders",
        id="empty-string-and-null-coupons",
    ),
    pytest.param(
        "SELECT count(*) = 4 FROM tenants WHERE id NOT IN (SELECT tenant_id FROM users)",
        id="childless-tenants",
    ),
    pytest.param(
        "SELECT count(*) > 0 FROM orders o JOIN users u ON u.id = o.user_id "
        "WHERE u.deleted_at IS NOT NULL AND o.status IN ('pending', 'paid', 'shipped')",
        id="soft-deleted-users-with-live-orders",
    ),
    pytest.param(
        "SELECT max(n) >= 500 FROM (SELECT count(*) AS n FROM users GROUP BY created_at)",
        id="bulk-import-burst",
    ),
    pytest.param(
        "SELECT count(*) > 0 AND sum(full_name IS NULL) = count(*) FROM users u "
        "JOIN tenants t ON t.id = u.tenant_id WHERE t.source = 'legacy_import'",
        id="migrated-users-have-no-full-name",
    ),
    pytest.param(
        "SELECT (SELECT count(*) FROM users WHERE last_login_at = '1970-01-01 00:00:00') > 0 "
        "AND (SELECT count(*) FROM orders WHERE total = -1) > 0 "
        "AND (SELECT count(*) FROM orders WHERE total = 0) > 0",
        id="sentinel-dates-and-amounts",
    ),
    pytest.param(
        "SELECT count(*) > 0 FROM orders WHERE created_at > '2026-11-01'", id="future-timestamps"
    ),
    pytest.param(
        "SELECT (SELECT max(length(full_name)) FROM users) = 120 "
        "AND (SELECT max(length(name)) FROM tenants) = 80",
        id="values-at-varchar-max-length",
    ),
    pytest.param(
        "SELECT count(*) > 0 FROM users WHERE full_name GLOB '*[^ -~]*'", id="non-ascii-names"
    ),
]


@pytest.mark.parametrize("sql", DIRT)
def test_planted_dirt_is_present(shop_dbs: tuple[Path, Path], sql: str) -> None:
    assert _scalar(shop_dbs[0], sql) == 1


def test_show_fixtures_reports_the_dirt(tmp_path: Path) -> None:
    plans = ["pro"] * 5 + ["free"] * 3 + ["Pro", "premium"]
    users = pl.DataFrame(
        {
            "id": list(range(1, 11)),
            "email": [f"u{i}@x.example" for i in range(1, 10)] + ["u10@x.example "],
            "plan": plans,
            "last_login_at": [None, "2026-01-01", None, "2025-01-01", None] * 2,
        }
    )
    users.write_parquet(tmp_path / "users.parquet")
    manifest = Manifest(
        synth_version="0.1.0",
        profile_digest="0" * 64,
        seed=7,
        format="parquet",
        options={"rows": 10},
        tables={"users": TableOutput(rows=10, files=("users.parquet",))},
    )
    (tmp_path / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8")

    report = _script("show_fixtures").show(tmp_path)

    assert "== users: 10 rows" in report
    assert "last_login_at 6 (60.0%)" in report
    assert "'Pro' / 'pro'" in report
    assert "padded x1" in report
    assert "rarest: 'Pro' x1, 'premium' x1, 'free' x3" in report


def test_profile_format_example_is_a_valid_profile() -> None:
    text = (ROOT / "docs" / "profile-format.md").read_text(encoding="utf-8")
    match = re.search(r"```yaml\n(.*?)```", text, flags=re.S)
    assert match is not None, "docs/profile-format.md has no ```yaml example"
    profile = load_profile(match.group(1), source="docs/profile-format.md")
    assert [t.name for t in profile.tables] == ["users", "orders"]
