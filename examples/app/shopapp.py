"""A small application with the dirty-data bugs production finds and clean fixtures hide.

Each function is correct for the data its author imagined, and wrong for the data the
demo profile (``profiles/shop.yaml``) says production holds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa

User = Mapping[str, Any]

PLAN_BADGES = {"free": "Free", "starter": "Starter", "pro": "Pro", "enterprise": "Enterprise"}
"""Today's plans. Bug: a legacy import stored ``premium`` (and ``Pro``/``PRO``)."""


def days_since_last_login(user: User, today: dt.datetime) -> int:
    """Bug: assumes ``last_login_at`` is set; invited users never logged in (NULL)."""
    return (today - user["last_login_at"]).days


def plan_badge(user: User) -> str:
    """Bug: maps plans with a dict of today's values."""
    return PLAN_BADGES[user["plan"]]


def find_user_by_email(users: Iterable[User], email: str) -> User | None:
    """Bug: compares emails without normalising (production has ``'a@b.com '``)."""
    for user in users:
        if user["email"] == email:
            return user
    return None


def signups_per_year(users: Iterable[User]) -> dict[int, int]:
    """Users by the year of ``created_at`` (no bug: correct on any data)."""
    counts: dict[int, int] = {}
    for user in users:
        year = user["created_at"].year
        counts[year] = counts.get(year, 0) + 1
    return dict(sorted(counts.items()))


def count_users(conn: sa.Connection, tenant_id: int | None = None) -> int:
    """The repository: users, of one tenant or all."""
    query = sa.text("SELECT COUNT(*) FROM users" + (" WHERE tenant_id = :t" if tenant_id else ""))
    return int(conn.execute(query, {"t": tenant_id}).scalar_one())


def delete_tenant_users(conn: sa.Connection, tenant_id: int) -> int:
    """The repository: remove a tenant's users (their orders first), and commit."""
    conn.execute(
        sa.text(
            "DELETE FROM payments WHERE order_id IN (SELECT id FROM orders WHERE user_id IN "
            "(SELECT id FROM users WHERE tenant_id = :t))"
        ),
        {"t": tenant_id},
    )
    conn.execute(
        sa.text(
            "DELETE FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE user_id IN "
            "(SELECT id FROM users WHERE tenant_id = :t))"
        ),
        {"t": tenant_id},
    )
    conn.execute(
        sa.text(
            "DELETE FROM orders WHERE tenant_id = :t OR user_id IN "
            "(SELECT id FROM users WHERE tenant_id = :t)"
        ),
        {"t": tenant_id},
    )
    deleted = conn.execute(
        sa.text("DELETE FROM users WHERE tenant_id = :t"), {"t": tenant_id}
    ).rowcount
    conn.commit()  # a unit of work: synth_db turns this into a SAVEPOINT release
    return deleted
