"""Row-filter samples where the database has no page sampling (MySQL/MariaDB, SQLite):
rows are kept by a fixed hash of an integer, so every query of a table reads the same rows
(architecture decision (n))."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

__all__ = ["HASH_MODULUS", "hash_cut", "key_sample"]

HASH_MODULUS = 1_000_003
"""A prime: row-filter samples keep a row when its hash modulo this is under the cut."""
_HASH_MULTIPLIER = 618_034
"""About the golden ratio times the modulus: consecutive keys land far apart."""


def hash_cut(percent: float) -> int:
    return round(percent / 100 * HASH_MODULUS)


def key_sample(key: Any, percent: float) -> Any:
    """``(|key| mod m) * a mod m < cut``: about ``percent`` % of the integer keys, the same
    ones every time, spread evenly over consecutive keys; no overflow (``(m - 1) * a`` fits in
    64 bits)."""
    spread = sa.func.abs(key) % HASH_MODULUS * _HASH_MULTIPLIER % HASH_MODULUS
    return spread < hash_cut(percent)
