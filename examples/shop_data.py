"""The vocabulary and the small helpers of ``build_shop_db.py``: word lists, time zones,
postal codes, deterministic draws, and the row classes of the demo shop.

Not a script: ``build_shop_db.py`` imports it from its own directory. Standard library only;
every draw takes the caller's ``random.Random``, so the builder decides the order of draws.
"""

from __future__ import annotations

import bisect
import math
import random
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

# fmt: off
FIRST = (
    "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
    "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
    "Sarah", "Charles", "Karen", "Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia",
    "Hugo", "Sophie", "Jack", "Amelia", "Oliver", "Isla", "Leo", "Grace", "Max", "Anna", "Ben",
    "Laura", "Tom", "Nina", "Paul", "Eva",
)
FIRST_ACCENTED = (
    "José", "María", "Zoë", "Renée", "Jürgen", "Björn", "Søren", "Åsa", "Łukasz", "Małgorzata",
    "François", "Chloé", "Léa", "Çağla", "Dóra", "Ines", "Tomáš", "Jiří", "Ángel", "Mónica",
    "Ørjan", "Sinéad", "Siobhán", "Nuño",
)
LAST = (
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson",
    "Taylor", "Thomas", "Moore", "Martin", "Jackson", "White", "Harris", "Clark", "Lewis",
    "Walker", "Hall", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson",
    "Hill", "Campbell", "Mitchell", "Roberts", "Carter", "Phillips", "Evans", "Turner",
    "Parker", "Collins",
)
LAST_ACCENTED = (
    "Müller", "Schröder", "García", "Núñez", "Peña", "Østergaard", "Łęcki", "Dvořák", "Novák",
    "Gonçalves", "Lefèvre", "Fernández", "Sánchez", "Åberg", "Özdemir", "Kovačević", "Ó'Brien",
    "Citroën", "Gauß", "Möller",
)
NON_LATIN = (
    "王伟", "李娜", "张敏", "山田 太郎", "佐藤 花子", "김민준", "이서연", "Ольга Иванова",
    "Дмитрий Смирнов", "Αλέξανδρος Παπαδόπουλος", "محمد علي", "Nguyễn Văn An", "Trần Thị Bích",
)
EMOJI = (
    "🚀", "✨", "🦄", "🌈", "☕", "🎉", "💼", "🐈",
)
COMPANY_WORDS = (
    "Northwind", "Contoso", "Fabrikam", "Globex", "Initech", "Umbrella", "Hooli", "Vandelay",
    "Wayne", "Stark", "Acme", "Tyrell", "Cyberdyne", "Soylent", "Wonka", "Gringotts", "Oceanic",
    "Monarch", "Virtucon", "Dunder", "Pied", "Bluth", "Sterling", "Prestige", "Massive",
    "Nakatomi", "Zorg", "Aperture",
)
COMPANY_SUFFIX = (
    "Inc", "Ltd", "GmbH", "LLC", "Labs", "Studio", "Group", "& Co", "SARL", "AB",
)
COMPANY_ODD = (
    "Bäckerei Müller GmbH", "Café Lumière SARL", "Søstrene Ås AS", "Łódź Logistics Sp. z o.o.",
    "株式会社サクラ", "🚀 Launchpad Labs", "Ελληνικά Τρόφιμα ΑΕ", "ООО Ромашка",
)
LEGACY_COMPANIES = (
    "ACME WIDGETS", "GLOBEX CORP", "INITECH", "UMBRELLA HOLDINGS", "VANDELAY IMPORT EXPORT",
    "WAYNE ENTERPRISES", "TYRELL SYSTEMS", "NAKATOMI TRADING",
)
TIMEZONES = {  # a tenant's region: the time zones its users' browsers report, commonest first
    "eu-west-1": (
        "Europe/Berlin", "Europe/London", "Europe/Paris", "Europe/Madrid", "Europe/Amsterdam",
        "Europe/Warsaw", "Europe/Stockholm", "Europe/Dublin", "Europe/Athens",
    ),
    "us-east-1": (
        "America/New_York", "America/Chicago", "America/Los_Angeles", "America/Denver",
        "America/Toronto", "America/Phoenix", "America/Sao_Paulo", "America/Mexico_City",
    ),
    "ap-southeast-2": (
        "Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane", "Asia/Singapore",
        "Pacific/Auckland", "Australia/Perth", "Asia/Tokyo",
    ),
}
# fmt: on
PERSONAL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example", "inbox.example")
COUPONS = (
    "WELCOME10",
    "SPRING15",
    "SUMMER20",
    "FREESHIP",
    "BLACKFRIDAY2023",
    "BLACKFRIDAY2024",
    "CYBERMONDAY",
    "LOYAL5",
    "FREEMONTH",
)
PARTNER_COUPON = "PARTNER-2025-ACMEWIDGETS-Q3-EU01"  # exactly varchar(32)
LONG_NAME = (
    "María de los Ángeles Guadalupe Fernández-Castellanos de la Santísima Trinidad "
    "y Rodríguez-Montenegro Villanueva de Alcántara"
)


def ts(moment: datetime) -> str:
    """How the application stores timestamps: naive UTC text, as SQLite's datetime() does."""
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def growth_between(rng: random.Random, lo: datetime, hi: datetime, ramp: float = 4.0) -> datetime:
    """A moment in [lo, hi) whose density grows linearly to ``ramp`` times its start (a growing
    business). Only +, -, *, / and sqrt are used, so every platform gives the same moments."""
    g = ramp - 1.0
    x = (math.sqrt(1.0 + g * (2.0 + g) * rng.random()) - 1.0) / g
    return lo + timedelta(seconds=int(x * (hi - lo).total_seconds()))


def heavy_weight(rng: random.Random, floor: float) -> float:
    """A long-tailed size (a few big tenants, many small ones), from 1/(1+floor) to 1/floor."""
    return 1.0 / (rng.random() + floor)


def cubed(rng: random.Random, low: float, span: float) -> float:
    """A right-skewed amount in [low, low + span), rounded to cents."""
    u = rng.random()
    return round(low + span * u * u * u, 2)


def pick(rng: random.Random, items: list, cum_weights: list[float], k: int):
    """A weighted choice among the first ``k`` items."""
    return items[bisect.bisect_left(cum_weights, rng.random() * cum_weights[k - 1], hi=k - 1)]


def uniform_between(rng: random.Random, lo: datetime, hi: datetime) -> datetime:
    span = max(1, int((hi - lo).total_seconds()))
    return lo + timedelta(seconds=rng.randrange(span))


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


@dataclass
class Tenant:
    id: int
    name: str
    plan: str
    region: str
    source: str
    created_at: datetime
    domain: str
    weight: float = 1.0
    childless: bool = False

    def row(self) -> tuple[object, ...]:
        migrated_from = "billingcore" if self.source == "legacy_import" else None
        created = ts(self.created_at)
        return (self.id, self.name, self.plan, self.region, self.source, migrated_from, created)


@dataclass
class User:
    tenant: Tenant
    email: str
    full_name: str | None
    plan: str
    status: str
    created_at: datetime
    last_login_at: str | None
    deleted_at: datetime | None
    legacy: bool
    id: int = 0
    weight: float = 1.0
    postal_code: str | None = None
    timezone: str | None = None

    def row(self) -> tuple[object, ...]:
        deleted = ts(self.deleted_at) if self.deleted_at else None
        return (
            self.id,
            self.tenant.id,
            self.email,
            self.full_name,
            self.postal_code,
            self.plan,
            self.status,
            self.last_login_at,
            ts(self.created_at),
            deleted,
            self.timezone,
        )


@dataclass
class Order:
    user: User
    status: str
    total: float
    currency: str
    coupon_code: str | None
    created_at: datetime
    updated_at: datetime
    imported: bool
    items: list[tuple[str, int, float]] = field(default_factory=list)
    id: int = 0

    def row(self) -> tuple[object, ...]:
        return (
            self.id,
            self.user.id,
            self.user.tenant.id,
            self.status,
            self.total,
            self.currency,
            self.coupon_code,
            ts(self.created_at),
            ts(self.updated_at),
        )


def person_name(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.06:
        return rng.choice(NON_LATIN)
    first = rng.choice(FIRST_ACCENTED if roll < 0.14 else FIRST)
    last = rng.choice(LAST_ACCENTED if 0.10 < roll < 0.20 else LAST)
    return f"{first} {last}"


def time_zone(rng: random.Random, region: str) -> str:
    """What the browser reported: mostly a zone of the tenant's region (the first ones more
    often), sometimes a traveller's zone from anywhere, now and then a bare 'UTC'."""
    roll = rng.random()
    if roll < 0.03:
        return "UTC"
    zones = TIMEZONES[region] if roll < 0.90 else rng.choice(tuple(TIMEZONES.values()))
    u = rng.random()
    return zones[min(int(len(zones) * u * u), len(zones) - 1)]


def postal_code(rng: random.Random) -> str:
    """A 5-digit code kept as text; one in ten starts with '0' ('02134' Boston, '01067'
    Dresden), never with '00'."""
    if rng.random() < 0.10:
        return f"0{rng.randrange(1000, 10000)}"
    return str(rng.randrange(10000, 100000))


def unique_email(local: str, domain: str, seen: set[str], rng: random.Random) -> str:
    email = f"{local}@{domain}"
    while email.lower() in seen:
        email = f"{local}{rng.randrange(2, 999)}@{domain}"
    seen.add(email.lower())
    return email
