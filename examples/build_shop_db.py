"""Build ``shop.db``: a small SaaS shop database that looks like seven years of production.

    python examples/build_shop_db.py examples/shop.db

Standard library only, deterministic: a fixed seed, a fixed "today" of 2026-11-01T00:00:00Z
(the wall clock is never read) and no float arithmetic beyond + - * / and sqrt (exact under
IEEE 754), so every run on every platform writes the same rows. PATH is replaced atomically
(built in a temporary file next to it, then renamed).

Tables (real DDL: primary and foreign keys, a UNIQUE constraint, CHECK IN-lists,
NOT NULLs, varchar lengths, numeric(12,2)), with rows from 2019-01 to 2026-10:
    tenants 60, users 6,000, orders 20,000, order_items ~32,000, payments ~15,300
(users.timezone, added by a 2023-06-01 migration, is the last column of users). The word
lists, small helpers and row classes live in ``shop_data.py`` next to this script.

Foreign keys are declared but NOT enforced: SQLite checks them only with
``PRAGMA foreign_keys = ON``, which this script (like many real SQLite apps) leaves off,
so the orphan rows below are stored exactly as they would be in production.

The dirt, with the rate at which it is planted (of the table's rows unless stated):
  users.last_login_at NULL   never logged in: every invited user, and 22% of users created in
                             2019-2020, 12% in 2021-2022, 5% since 2023, 55% of migrated users
                             (the old system did not record logins): ~19% overall.
  legacy plan 'premium'      renamed to 'pro' on 2021-07-01 in code but not in data: 30% of users
                             created before then, 55% of migrated users, 6 of the 8 migrated
                             tenants (~12% of users). The newest such row is from the
                             2024-03-16 migration, more than a year before "today".
  case variants              users.plan 'Pro'/'PRO' (~0.7%, an admin tool of 2021-2022);
                             users.status 'Active' (~0.6%, same tool) and 'ACTIVE' on every
                             migrated user (~12%); orders.currency 'usd' on imported orders (~10%);
                             payments.method 'CARD' on imported payments (~10%).
  users.email                trailing spaces ~0.5%, Title-Cased ~2% of sign-ups, UPPER-cased 30%
                             of migrated users, 6 pairs of addresses that differ only by case.
  users.timezone NULL        added by the 2023-06-01 migration and never backfilled: NULL on
                             ~89% of users created before it (15% of those who logged in since
                             set one), ~1% of users since (migrated users got one from the old
                             system): ~36% overall, a backfill gap at 2023-06.
  users.postal_code          5-digit codes kept as text, ~10% of them with a leading zero
                             ('02134', '01067'; ~8.4% of users); NULL ~15%.
  control characters         users.full_name pasted from a spreadsheet into the admin tool in
                             2022 (4% of that year's sign-ups, ~0.4% overall): a tab between
                             first and last name ('Nina\tHall') or a trailing CR LF.
  orders.coupon_code         NULL ~72%; '' (empty string, not NULL) on ~12% of orders since the
                             2022-05-01 checkout rewrite (~8% overall); real codes otherwise.
  non-ASCII names            ~20% of full names (accents, Cyrillic, Greek, CJK, Arabic, Hangul),
                             ~0.4% with an emoji; 8 tenant names too.
  varchar maximum length     users.full_name cut at exactly 120 by a form (~0.1%), one tenant
                             name cut at exactly 80, a 2025 partner coupon of exactly 32 (~0.2%),
                             payments.provider_ref of exactly 64 since the 2026-06 provider switch.
  sentinel dates             users.last_login_at '1970-01-01 00:00:00' ~0.3%;
                             payments.paid_at '1970-01-01 00:00:00' ~0.3% (a webhook sent epoch 0).
  sentinel amounts           orders.total 0 ~3% (FREEMONTH coupons, staff orders), -1 ("unknown")
                             on ~2.5% of imported orders; payments.amount 0 ($0 card checks, ~0.2%)
                             and -1 where the order total is -1.
  future timestamps          users.last_login_at ~0.2% and orders.created_at ~0.15% (client
                             clocks set ahead, up to 2036).
  stuck orders               1.2% of orders from 2020-2021 still 'pending' (~40 rows).
  burst                      the 2024-03-16 02:00:00 migration: every migrated tenant and user has
                             exactly that created_at (714 users), every imported order that
                             updated_at (~2,000 orders).
  orphans                    60 paid 2022 orders (and their items) hard-deleted by a purge job;
                             their payments remain, so payments.order_id points at nothing (~0.4%).
  duplicate payments         ~0.3% of paid orders were charged twice (a retried webhook).
  childless tenants          4 tenants without a single user (abandoned sign-ups).
  soft-deleted users         ~4% of users have status 'deleted' and a deleted_at; their ~540 orders
                             keep live states (~75% pending, paid or shipped), ~6% were placed
                             after deleted_at.
  migrated cohort            8 tenants imported from 'billingcore' (source 'legacy_import'); their
                             users have NULL full_name, '<handle>@<tenant>.legacy.example' emails,
                             status 'ACTIVE' and created_at all on the migration day; orders
                             imported from the old system predate their user, have no order_items,
                             currency 'usd' and 'CARD' payments without provider_ref.
"""

from __future__ import annotations

import bisect
import itertools
import os
import random
import sqlite3
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:  # run as a script it is there already; imported by path it is not
    sys.path.insert(0, _HERE)

from shop_data import (  # noqa: E402  (needs the path above)
    COMPANY_ODD,
    COMPANY_SUFFIX,
    COMPANY_WORDS,
    COUPONS,
    EMOJI,
    FIRST,
    LAST,
    LEGACY_COMPANIES,
    LONG_NAME,
    PARTNER_COUPON,
    PERSONAL_DOMAINS,
    Order,
    Tenant,
    User,
    cubed,
    growth_between,
    heavy_weight,
    person_name,
    pick,
    postal_code,
    slug,
    time_zone,
    ts,
    uniform_between,
    unique_email,
)

SEED = 20261101
TODAY = datetime(2026, 11, 1, tzinfo=UTC)
START = datetime(2019, 1, 1, tzinfo=UTC)
MIGRATION_AT = datetime(2024, 3, 16, 2, 0, 0, tzinfo=UTC)
LEGACY_HISTORY_FROM = datetime(2020, 1, 1, tzinfo=UTC)
PLAN_RENAMED_AT = datetime(2021, 7, 1, tzinfo=UTC)
ADMIN_TOOL_RETIRED_AT = datetime(2023, 1, 1, tzinfo=UTC)
STUCK_FROM, STUCK_UNTIL = datetime(2020, 1, 1, tzinfo=UTC), datetime(2022, 1, 1, tzinfo=UTC)
CHECKOUT_REWRITE_AT = datetime(2022, 5, 1, tzinfo=UTC)
PROVIDER_SWITCH_AT = datetime(2026, 6, 1, tzinfo=UTC)
PARTNER_SINCE = datetime(2025, 1, 1, tzinfo=UTC)
TIMEZONE_ADDED_AT = datetime(2023, 6, 1, tzinfo=UTC)
PASTED_FROM, PASTED_UNTIL = datetime(2022, 1, 1, tzinfo=UTC), ADMIN_TOOL_RETIRED_AT
EPOCH = "1970-01-01 00:00:00"

N_TENANTS, N_LEGACY_TENANTS, N_CHILDLESS = 60, 8, 4
N_USERS, N_LEGACY_USERS = 6_000, 720
N_ORDERS, N_PURGED = 20_000, 60

SCHEMA = """
CREATE TABLE tenants (
    id            integer PRIMARY KEY,
    name          varchar(80) NOT NULL,
    plan          varchar(20) NOT NULL,
    region        varchar(20) NOT NULL,
    source        varchar(20) NOT NULL DEFAULT 'signup',
    migrated_from varchar(40),
    created_at    timestamp NOT NULL,
    CONSTRAINT tenants_source_check CHECK (source IN ('signup', 'legacy_import'))
);
CREATE TABLE users (
    id            integer PRIMARY KEY,
    tenant_id     integer NOT NULL REFERENCES tenants (id),
    email         varchar(255) NOT NULL,
    full_name     varchar(120),
    postal_code   varchar(10),
    plan          varchar(20) NOT NULL,
    status        varchar(16) NOT NULL,
    last_login_at timestamp,
    created_at    timestamp NOT NULL,
    deleted_at    timestamp,
    timezone      varchar(40),
    CONSTRAINT users_email_key UNIQUE (email)
);
CREATE TABLE orders (
    id          integer PRIMARY KEY,
    user_id     integer NOT NULL REFERENCES users (id),
    tenant_id   integer NOT NULL REFERENCES tenants (id),
    status      varchar(16) NOT NULL,
    total       numeric(12, 2) NOT NULL,
    currency    char(3) NOT NULL,
    coupon_code varchar(32),
    created_at  timestamp NOT NULL,
    updated_at  timestamp NOT NULL,
    CONSTRAINT orders_status_check
        CHECK (status IN ('pending', 'paid', 'shipped', 'cancelled', 'refunded'))
);
CREATE TABLE order_items (
    order_id   integer NOT NULL REFERENCES orders (id),
    line_no    integer NOT NULL,
    sku        varchar(40) NOT NULL,
    quantity   integer NOT NULL,
    unit_price numeric(12, 2) NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
CREATE TABLE payments (
    id           integer PRIMARY KEY,
    order_id     integer NOT NULL REFERENCES orders (id),
    amount       numeric(12, 2) NOT NULL,
    method       varchar(20) NOT NULL,
    provider_ref varchar(64),
    paid_at      timestamp
);
CREATE INDEX users_tenant_id_idx ON users (tenant_id);
CREATE INDEX orders_user_id_idx ON orders (user_id);
CREATE INDEX orders_created_at_idx ON orders (created_at);
CREATE INDEX payments_order_id_idx ON payments (order_id);
"""


def make_tenants(rng: random.Random) -> list[Tenant]:
    tenants: list[Tenant] = []
    for i in range(N_TENANTS - N_LEGACY_TENANTS):
        if i < len(COMPANY_ODD):
            name = COMPANY_ODD[i]
        else:
            words = rng.choice(COMPANY_WORDS), rng.choice(COMPANY_WORDS)
            name = f"{words[0]} {words[1]} {rng.choice(COMPANY_SUFFIX)}"
        created = growth_between(rng, START, TODAY - timedelta(days=20), ramp=2.0)
        # Signup tenants were moved to 'pro' when 'premium' was renamed; their users were not.
        plan = rng.choices(("free", "starter", "pro", "enterprise"), weights=(30, 35, 25, 10))[0]
        region = rng.choices(("eu-west-1", "us-east-1", "ap-southeast-2"), weights=(45, 40, 15))[0]
        domain = f"{slug(name)[:20] or 'tenant' + str(i)}.example"
        tenants.append(Tenant(0, name, plan, region, "signup", created, domain))
    # One tenant name cut at exactly varchar(80) by the sign-up form.
    long_name = "Consolidated Northwind Contoso Fabrikam Globex Initech Umbrella Holdings Worldwide"
    tenants[-1].name = long_name[:80]
    for name in LEGACY_COMPANIES:
        plan = rng.choices(("premium", "enterprise"), weights=(70, 30))[0]
        domain = f"{slug(name)[:16]}.legacy.example"
        tenants.append(Tenant(0, name, plan, "us-east-1", "legacy_import", MIGRATION_AT, domain))
    tenants.sort(key=lambda t: t.created_at)
    for i, tenant in enumerate(tenants, start=1):
        tenant.id = i
        tenant.weight = heavy_weight(rng, 0.05)
    signup = [t for t in tenants if t.source == "signup"]
    # Childless: the two newest sign-ups and two abandoned trials from 2020.
    old = [t for t in signup if t.created_at.year == 2020][:2]
    for tenant in (*signup[-2:], *old):
        tenant.childless = True
    return tenants


def last_login(rng: random.Random, created: datetime, status: str, until: datetime) -> str | None:
    if status == "invited":
        return None
    null_rate = 0.22 if created.year <= 2020 else 0.12 if created.year <= 2022 else 0.05
    roll = rng.random()
    if roll < null_rate:
        return None
    if roll < null_rate + 0.003:
        return EPOCH
    if roll < null_rate + 0.005:
        return ts(
            uniform_between(rng, TODAY + timedelta(hours=1), datetime(2036, 6, 1, tzinfo=UTC))
        )
    return ts(growth_between(rng, created, min(until, TODAY), ramp=20.0))


def make_users(rng: random.Random, tenants: list[Tenant]) -> list[User]:
    users: list[User] = []
    seen: set[str] = set()
    signup = [t for t in tenants if t.source == "signup" and not t.childless]
    legacy = [t for t in tenants if t.source == "legacy_import"]
    # Every signup tenant's owner signs up with the tenant; the rest join over time.
    owners = list(signup)
    opened = [t.created_at for t in signup]
    cum_weights = list(itertools.accumulate(t.weight for t in signup))
    for i in range(N_USERS - N_LEGACY_USERS):
        if i < len(owners):
            tenant, created = owners[i], owners[i].created_at
        else:  # join a tenant that exists by then, bigger tenants more often
            created = growth_between(rng, opened[0], TODAY, ramp=3.0)
            tenant = pick(rng, signup, cum_weights, bisect.bisect_right(opened, created))
        name = person_name(rng)
        extra = rng.random()
        if extra < 0.004:
            name = f"{name} {rng.choice(EMOJI)}"
        elif extra < 0.005:
            name = (name + " " + LONG_NAME)[:120]  # the form truncated it at the column limit
        first, _, last = name.partition(" ")
        a, b = slug(first), slug(last)
        forms = f"{a}.{b}", f"{a[:1]}{b}", f"{a}{rng.randrange(1, 99)}"
        local = rng.choice(forms).strip(".") or "user"
        domain = tenant.domain if rng.random() < 0.55 else rng.choice(PERSONAL_DOMAINS)
        email = unique_email(local, domain, seen, rng)
        dirt = rng.random()
        if dirt < 0.007:
            email += rng.choice((" ", " ", "  "))
        elif dirt < 0.027:
            local_part, _, domain_part = email.partition("@")
            email = f"{local_part.title()}@{domain_part.title()}"  # John.Smith@Example.Com
        if created < PLAN_RENAMED_AT:
            plan = rng.choices(("free", "starter", "premium", "enterprise"), (35, 27, 30, 8))[0]
        else:
            plan = rng.choices(("free", "starter", "pro", "enterprise"), (40, 27, 25, 8))[0]
            admin_tool_era = PLAN_RENAMED_AT <= created < ADMIN_TOOL_RETIRED_AT
            if admin_tool_era and plan == "pro" and rng.random() < 0.12:
                plan = rng.choice(("Pro", "Pro", "PRO"))
        status = rng.choices(("active", "invited", "suspended", "deleted"), (88, 6, 2, 4))[0]
        if status == "active" and rng.random() < 0.009:
            status = "Active"
        deleted_at = uniform_between(rng, created, TODAY) if status == "deleted" else None
        login = last_login(rng, created, status, deleted_at or TODAY)
        users.append(User(tenant, email, name, plan, status, created, login, deleted_at, False))
    # Six people signed up twice with the same address in a different case.
    for user in rng.sample(users[len(owners) :], 6):
        twin_email = user.email.upper()
        seen.add(twin_email.lower())
        again = uniform_between(rng, user.created_at, TODAY)
        users.append(
            replace(
                user,
                email=twin_email,
                plan="free",
                status="active",
                created_at=again,
                last_login_at=None,
                deleted_at=None,
            )
        )
    legacy_weights = [t.weight for t in legacy]
    for _ in range(N_USERS - len(users)):
        tenant = rng.choices(legacy, weights=legacy_weights)[0]
        handle = f"{slug(rng.choice(FIRST))[:1]}{slug(rng.choice(LAST))}{rng.randrange(1, 500)}"
        email = unique_email(handle, tenant.domain, seen, rng)
        if rng.random() < 0.30:
            email = email.upper()
        plan = rng.choices(("premium", "free", "enterprise"), weights=(55, 30, 15))[0]
        login = None if rng.random() < 0.55 else ts(growth_between(rng, MIGRATION_AT, TODAY, 7.0))
        users.append(User(tenant, email, None, plan, "ACTIVE", MIGRATION_AT, login, None, True))
    users.sort(key=lambda u: u.created_at)
    for i, user in enumerate(users, start=1):
        user.id = i
        user.weight = heavy_weight(rng, 0.1) * (0.5 if user.legacy else 1.0)
    return users


def plant_later_columns(rng: random.Random, users: list[User]) -> None:
    """Columns the first pass does not draw, from their own ``rng`` so that every other
    column keeps its values: postal codes, the time zone a 2023 migration added, and names
    pasted from a spreadsheet into the admin tool in 2022."""
    for user in users:
        user.postal_code = None if rng.random() < 0.15 else postal_code(rng)
        if user.created_at >= TIMEZONE_ADDED_AT:
            keep = rng.random() < 0.99  # set at sign-up (migrated users: from the old system)
        else:  # never backfilled; some old users set one at a login since
            login = user.last_login_at
            logged_in_since = login is not None and login >= ts(TIMEZONE_ADDED_AT)
            keep = logged_in_since and rng.random() < 0.15
        user.timezone = time_zone(rng, user.tenant.region) if keep else None
        name = user.full_name
        pasted = PASTED_FROM <= user.created_at < PASTED_UNTIL and not user.legacy
        if name is None or not pasted or len(name) > 118 or rng.random() >= 0.04:
            continue
        if " " in name and rng.random() < 0.7:
            user.full_name = name.replace(" ", "\t", 1)  # two cells: first name, last name
        else:
            user.full_name = name + "\r\n"  # the row's line break came along


def make_items(
    rng: random.Random, catalog: list[tuple[str, float]]
) -> list[tuple[str, int, float]]:
    lines = rng.choices((1, 2, 3, 4, 5), weights=(55, 25, 12, 5, 3))[0]
    picks = rng.sample(catalog, lines)
    return [(sku, rng.choices((1, 2, 3), weights=(80, 15, 5))[0], price) for sku, price in picks]


def order_status(rng: random.Random, created: datetime) -> str:
    if created >= TODAY - timedelta(days=30):
        return rng.choices(("pending", "paid", "shipped", "cancelled"), weights=(25, 40, 30, 5))[0]
    if STUCK_FROM <= created < STUCK_UNTIL and rng.random() < 0.012:
        return "pending"  # stuck since 2020-2021
    return rng.choices(("shipped", "cancelled", "refunded", "paid"), weights=(66, 20, 5, 3))[0]


CURRENCY = {"eu-west-1": "EUR", "us-east-1": "USD", "ap-southeast-2": "AUD"}


def make_orders(rng: random.Random, users: list[User]) -> list[Order]:
    catalog = [(f"SKU-{i:05d}", cubed(rng, 3.9, 170.0)) for i in range(150)]

    # Migrated users bring their order history from the old system, back to 2020.
    def since(user: User) -> datetime:
        return LEGACY_HISTORY_FROM if user.legacy else user.created_at

    buyers = sorted((u for u in users if u.status != "invited"), key=since)
    joined = [since(u) for u in buyers]
    cum_weights = list(itertools.accumulate(u.weight for u in buyers))
    orders: list[Order] = []
    for _ in range(N_ORDERS + N_PURGED):
        created = growth_between(rng, joined[0], TODAY, ramp=4.0)
        eligible = bisect.bisect_right(joined, created)
        user = pick(rng, buyers, cum_weights, eligible)
        for _retry in range(20):  # most deleted users stop ordering; 8% of their orders do not
            if user.deleted_at is None or created <= user.deleted_at or rng.random() < 0.08:
                break
            user = pick(rng, buyers, cum_weights, eligible)
        if rng.random() < 0.0015:
            created = uniform_between(
                rng, TODAY + timedelta(hours=2), datetime(2036, 1, 1, tzinfo=UTC)
            )
        imported = user.legacy and created < MIGRATION_AT
        status = order_status(rng, created)
        items = [] if imported else make_items(rng, catalog)
        gross = sum(q * p for _, q, p in items) if items else cubed(rng, 15.0, 250.0)
        coupon: str | None = None
        roll = rng.random()
        if created >= CHECKOUT_REWRITE_AT and not imported and roll < 0.12:
            coupon = ""
        elif roll > 0.80:
            partner = rng.random() < 0.03 and created >= PARTNER_SINCE
            coupon = PARTNER_COUPON if partner else rng.choice(COUPONS)
        total = round(gross * (0.9 if coupon else 1.0), 2)
        if coupon == "FREEMONTH" or rng.random() < 0.008:
            total = 0.0
        if imported and rng.random() < 0.03:
            total = -1.0
        currency = "usd" if imported else CURRENCY[user.tenant.region]
        if currency == "EUR" and rng.random() < 0.15:
            currency = "GBP"
        delay = timedelta(minutes=rng.randrange(1, 60 * 24 * 9))
        updated = created + delay
        if created < TODAY <= updated:
            updated = uniform_between(rng, created, TODAY)
        elif created > TODAY:
            updated = created
        if imported:
            updated = MIGRATION_AT
        orders.append(
            Order(user, status, total, currency, coupon, created, updated, imported, items)
        )
    orders.sort(key=lambda o: o.created_at)
    for i, order in enumerate(orders, start=1):
        order.id = i
    return orders


def provider_ref(rng: random.Random, method: str, paid: datetime) -> str | None:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    if paid >= PROVIDER_SWITCH_AT:
        return "txn_" + "".join(rng.choice("0123456789abcdef") for _ in range(60))  # 64 chars
    if method == "card":
        return "ch_" + "".join(rng.choice(alphabet) for _ in range(24))
    if method == "paypal":
        return "PAYID-" + "".join(rng.choice(alphabet[:26] + alphabet[52:]) for _ in range(24))
    if method == "apple_pay":
        return "ap_" + "".join(rng.choice(alphabet) for _ in range(20))
    return None if rng.random() < 0.4 else "SEPA-" + str(rng.randrange(10**9, 10**10))


def make_payments(rng: random.Random, orders: list[Order]) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for order in orders:
        if order.status not in ("paid", "shipped", "refunded") or order.total == 0:
            if order.status == "pending" or rng.random() > 0.005:
                continue  # a $0 card check on some unpaid orders
            amount = 0.0
        else:
            amount = order.total
        if order.imported:
            method, ref = "CARD", None
            paid = order.created_at + timedelta(seconds=rng.randrange(5, 600))
        else:
            method = rng.choices(
                ("card", "paypal", "bank_transfer", "apple_pay"), weights=(62, 20, 10, 8)
            )[0]
            wait = (
                rng.randrange(2, 300)
                if method != "bank_transfer"
                else rng.randrange(3600, 86400 * 4)
            )
            paid = order.created_at + timedelta(seconds=wait)
            ref = provider_ref(rng, method, paid)
        roll = rng.random()
        paid_at = EPOCH if roll < 0.004 else None if roll < 0.014 else ts(paid)
        rows.append((order.id, amount, method, ref, paid_at))
        if amount > 0 and rng.random() < 0.003:  # a retried webhook charged twice
            later = paid + timedelta(seconds=rng.randrange(1, 90))
            rows.append((order.id, amount, method, ref, ts(later)))
    return rows


def build(path: str | os.PathLike[str]) -> dict[str, int]:
    """Build the demo database at ``path`` (replacing it atomically); returns rows per table."""
    rng = random.Random(SEED)
    tenants = make_tenants(rng)
    users = make_users(rng, tenants)
    plant_later_columns(random.Random(SEED + 1), users)
    orders = make_orders(rng, users)
    # A 2023 GDPR purge hard-deleted some paid 2022 orders (and their items), not the payments.
    candidates = [
        o for o in orders if o.created_at.year == 2022 and o.status == "shipped" and o.total > 0
    ]
    purged = {o.id for o in rng.sample(candidates, N_PURGED)}
    payments = make_payments(rng, orders)
    kept = [o for o in orders if o.id not in purged]

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        conn = sqlite3.connect(tmp_name)
        try:
            conn.execute("PRAGMA foreign_keys = OFF")  # SQLite's default; stated for the reader
            conn.executescript(SCHEMA)
            rows = {
                "tenants": [t.row() for t in tenants],
                "users": [u.row() for u in users],
                "orders": [o.row() for o in kept],
                "order_items": [
                    (o.id, line, *item) for o in kept for line, item in enumerate(o.items, 1)
                ],
                "payments": [(i, *row) for i, row in enumerate(payments, start=1)],
            }
            with conn:
                for table, table_rows in rows.items():
                    marks = ", ".join("?" * len(table_rows[0]))
                    conn.executemany(f"INSERT INTO {table} VALUES ({marks})", table_rows)
            counts = {table: len(table_rows) for table, table_rows in rows.items()}
        finally:
            conn.close()
        os.chmod(tmp_name, 0o644)  # mkstemp creates 0600; a database file is normally 0644
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return counts


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0].startswith("-"):
        print("usage: python examples/build_shop_db.py PATH", file=sys.stderr)
        return 2
    counts = build(args[0])
    summary = ", ".join(f"{table} {rows:,}" for table, rows in counts.items())
    print(f"built {args[0]}: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
