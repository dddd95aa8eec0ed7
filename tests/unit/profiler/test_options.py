"""Privacy and session options of ``synth profile``: defaults, and one clear error per
bad value naming its flag."""

from __future__ import annotations

import pytest

from synth import UsageError
from synth.profiler.options import (
    DEFAULT_MIN_COUNT,
    DEFAULT_STATEMENT_TIMEOUT,
    privacy_options,
    session_options,
    source_from_env,
)


def test_defaults() -> None:
    privacy = privacy_options()
    assert privacy.min_count == DEFAULT_MIN_COUNT == 10
    assert privacy.epsilon is None and privacy.pii == () and privacy.not_pii == ()
    session = session_options()
    assert session.statement_timeout == DEFAULT_STATEMENT_TIMEOUT == 60.0
    assert session.sample is None
    assert session_options(statement_timeout=0).statement_timeout is None  # 0: no limit
    assert session_options(sample=100).sample is None  # all of it


def test_pii_overrides_detection() -> None:
    privacy = privacy_options(pii=["users.notes"], not_pii="users.nickname,users.city")
    assert privacy.personal("users.notes", detected=False)
    assert not privacy.personal("users.nickname", detected=True)
    assert privacy.personal("users.email", detected=True)
    assert not privacy.personal("users.plan", detected=False)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        pytest.param({"min_count": 0}, "--min-count", id="min-count-zero"),
        pytest.param({"min_count": 2.5}, "--min-count", id="min-count-float"),
        pytest.param({"epsilon": 0}, "--epsilon", id="epsilon-zero"),
        pytest.param({"epsilon": float("inf")}, "--epsilon", id="epsilon-inf"),
        pytest.param({"pii": ["email"]}, "TABLE.COLUMN", id="pii-no-table"),
        pytest.param({"pii": ["u.a"], "not_pii": ["u.a"]}, "both name 'u.a'", id="pii-both"),
    ],
)
def test_bad_privacy_options(kwargs: dict, needle: str) -> None:
    with pytest.raises(UsageError, match=needle):
        privacy_options(**kwargs)


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        pytest.param({"statement_timeout": -1}, "--statement-timeout", id="timeout-negative"),
        pytest.param({"sample": 0}, "--sample", id="sample-zero"),
        pytest.param({"sample": 150}, "--sample", id="sample-over-100"),
    ],
)
def test_bad_session_options(kwargs: dict, needle: str) -> None:
    with pytest.raises(UsageError, match=needle):
        session_options(**kwargs)


def test_source_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNTH_DATABASE_URL", "sqlite:///x.db")
    assert source_from_env(None) == "sqlite:///x.db"
    assert source_from_env("sqlite:///y.db") == "sqlite:///y.db"
    monkeypatch.delenv("SYNTH_DATABASE_URL")
    with pytest.raises(UsageError, match="SYNTH_DATABASE_URL"):
        source_from_env(None)


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        pytest.param(
            "postgresql:/alice:Hunter2@db/prod", "postgresql:/alice:***@db/prod", id="bad-scheme"
        ),
        pytest.param("pg//alice:Hunter2@db/prod", "pg//alice:***@db/prod", id="no-colon"),
        pytest.param(
            "postgresql://alice:Hun@ter2@db/prod", "postgresql://alice:***@db/prod", id="at-in-pw"
        ),
        pytest.param(
            "postgresql://alice@db/prod?password=Hunter2&sslmode=require",
            "postgresql://alice@db/prod?password=***&sslmode=require",
            id="query-password",
        ),
        pytest.param("data/*.parquet", "data/*.parquet", id="a-glob-is-kept"),
    ],
)
def test_secrets_are_masked_in_anything_shown(given: str, shown: str) -> None:
    from synth.internal.urls import mask_secrets, masked_url, parse_url

    assert mask_secrets(given) == shown
    if "://" in given:
        assert "Hunter2" not in masked_url(parse_url(given))
        assert "ter2" not in masked_url(parse_url(given))


def test_env_url_without_scheme_is_not_echoed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNTH_DATABASE_URL", "postgresql//alice:Hunter2@db/prod")
    with pytest.raises(UsageError) as caught:
        source_from_env(None)
    assert "Hunter2" not in str(caught.value) and "SYNTH_DATABASE_URL" in str(caught.value)
