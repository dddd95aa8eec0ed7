"""Hand-written fixtures: every field filled, today's plans, tidy emails. All pass."""

from __future__ import annotations

import datetime as dt

import shopapp

TODAY = dt.datetime(2026, 11, 1)
USERS = [
    {
        "id": 1,
        "email": "ada@example.com",
        "plan": "pro",
        "last_login_at": dt.datetime(2026, 10, 30),
        "created_at": dt.datetime(2024, 1, 5),
    },
    {
        "id": 2,
        "email": "grace@example.com",
        "plan": "free",
        "last_login_at": dt.datetime(2026, 9, 1),
        "created_at": dt.datetime(2025, 3, 2),
    },
]


def test_days_since_last_login() -> None:
    assert shopapp.days_since_last_login(USERS[0], TODAY) == 2


def test_plan_badge() -> None:
    assert [shopapp.plan_badge(u) for u in USERS] == ["Pro", "Free"]


def test_find_user_by_email() -> None:
    assert shopapp.find_user_by_email(USERS, "grace@example.com") is USERS[1]
