"""The same functions on production-shaped fixtures (synth). Each bug is caught by the
case that names the production condition; ``xfail(strict=True)`` keeps the suite green
and turns it red the day a bug stops being caught (or is fixed: then drop the mark)."""

from __future__ import annotations

import datetime as dt

import pytest
import shopapp

import synth

TODAY = dt.datetime(2026, 11, 1)


@pytest.mark.xfail(
    raises=TypeError, strict=True, reason="bug: assumes last_login_at is set (NULL in prod)"
)
@pytest.mark.parametrize("user", synth.cases("users", "last_login_at", traits="null"), ids=str)
def test_days_since_last_login(user) -> None:
    assert shopapp.days_since_last_login(user, TODAY) >= 0


@pytest.mark.xfail(
    raises=KeyError, strict=True, reason="bug: maps plans with today's values (legacy premium)"
)
@pytest.mark.parametrize("user", synth.cases("users", "plan", traits="legacy"), ids=str)
def test_plan_badge(user) -> None:
    assert shopapp.plan_badge(user)


@pytest.mark.xfail(strict=True, reason="bug: compares emails without normalising them")
@pytest.mark.parametrize("user", synth.cases("users", "email", traits="whitespace_padded"), ids=str)
def test_find_user_by_email(user, synth_data) -> None:
    typed = user["email"].strip().lower()  # what a user types into the login form
    assert shopapp.find_user_by_email(synth_data.rows("users"), typed) == user.row


def test_signups_per_year(synth_data) -> None:
    users = synth_data.table("users")
    counts = shopapp.signups_per_year(users.to_dicts())
    assert sum(counts.values()) == users.height


def test_repository_counts(synth_db, synth_data) -> None:
    assert shopapp.count_users(synth_db) == synth_data.table("users").height


def test_repository_delete_is_rolled_back(synth_db, synth_data) -> None:
    tenant = synth_data.table("users").get_column("tenant_id")[0]
    assert shopapp.delete_tenant_users(synth_db, tenant) > 0  # it commits
    assert shopapp.count_users(synth_db, tenant) == 0
    with synth_db.engine.connect() as other:  # the commit only released a SAVEPOINT
        assert shopapp.count_users(other, tenant) > 0


def test_repository_sees_every_user_after_the_delete(synth_db, synth_data) -> None:
    # runs after the test above (pytest runs a file top to bottom) and, in any order, finds
    # every user: no test's writes outlive it, even committed ones
    users = synth_data.table("users")
    assert shopapp.count_users(synth_db) == users.height
    tenant = users.get_column("tenant_id")[0]
    assert shopapp.count_users(synth_db, tenant) == (users.get_column("tenant_id") == tenant).sum()
