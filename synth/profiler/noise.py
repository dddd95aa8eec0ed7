"""Optional differential privacy: Laplace noise on the counts a profiled table releases.

With ``epsilon`` set (``--epsilon``), :func:`add_noise` is the last step of
:func:`synth.profiler.privacy.protect_table`. Per table, the released statistics are

- the row count;
- per column, one histogram over its categories (NULL where the column is nullable,
  each listed frequent value, and *other* where the column has any), which gives
  ``null_fraction``, every ``frequent[].fraction`` and ``other.fraction``;
- per trait entry, its count (``fraction`` of the rows; a cohort's ``detail.rows`` too).
  A ``legacy_value`` entry reuses its frequent value's noisy fraction (the same count,
  released once).

Each is a count of sensitivity 1 (one row added or removed moves one category of a
histogram, or one count, by one), so the table's budget ``epsilon`` is split evenly:
``m`` statistics each get ``epsilon / m``, i.e. Laplace noise of scale ``m / epsilon``
rows (sequential composition). Noisy counts are clipped at 0 and a column's fractions
renormalised, so they stay in [0, 1] and add up to 1.

The noise is **secret**: each statistic's generator is seeded from a key and the
table, column and statistic. Without ``$SYNTH_NOISE_KEY`` the key is 32 random bytes per
run, so every profile carries fresh noise (differential privacy proper; a re-profile of
unchanged data differs). With ``$SYNTH_NOISE_KEY`` set, the noise is reproducible for
whoever holds that key (same data, same profile, so reviews show only real changes), and
the key never enters the profile: anyone without it cannot recompute the noise and
subtract it. The price of a fixed key (``docs/privacy.md``): two profiles of *changed*
data carry the same noise, so their difference shows the exact change of a count.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Sequence

import numpy as np

from synth.model import Column, ColumnStats, Table, TraitStat, ValueFrequency

__all__ = ["KEY_VARIABLE", "add_noise", "laplace", "noise_key", "releases"]

_DIGITS = 6
_EMPTY = 1e-9
"""A share below this is rounding, not a category."""
KEY_VARIABLE = "SYNTH_NOISE_KEY"
_RUN_KEY = os.urandom(32)
"""This process's key when ``$SYNTH_NOISE_KEY`` is not set: never stored or shown."""


def noise_key() -> bytes:
    """The secret that seeds the noise: ``$SYNTH_NOISE_KEY``, else this process's random key."""
    given = os.environ.get(KEY_VARIABLE, "")
    return given.encode("utf-8") if given else _RUN_KEY


def laplace(scale: float, *names: object, key: bytes | None = None) -> float:
    """One Laplace draw of ``scale``, from a generator seeded by an HMAC of ``names`` under
    the secret ``key`` (default :func:`noise_key`)."""
    text = "\x00".join(["synth-noise", *(str(n) for n in names)])
    digest = hmac.new(key or noise_key(), text.encode("utf-8"), hashlib.sha256).digest()
    seed = int.from_bytes(digest[:8], "little")
    return float(np.random.default_rng(seed).laplace(0.0, scale))


def _categories(column: Column) -> int:
    """How many categories a column's histogram has (NULL, frequent values, other)."""
    stats = column.stats
    other = stats.other is not None or stats.other_fraction > _EMPTY
    return (1 if column.nullable else 0) + len(stats.frequent) + (1 if other else 0)


def releases(table: Table) -> int:
    """How many noisy statistics ``table`` releases: the budget is split this many ways."""
    count = 1  # the row count
    for column in table.columns:
        count += 1 if _categories(column) >= 2 else 0
        count += sum(1 for t in column.stats.traits if t.trait != "legacy_value")
    return count + len(table.traits)


def _histogram(column: Column, rows: int, scale: float, key: str) -> ColumnStats:
    stats = column.stats
    other = stats.other is not None or stats.other_fraction > _EMPTY
    shares = [stats.null_fraction if column.nullable else None]
    shares += [f.fraction for f in stats.frequent]
    shares.append(stats.other_fraction if other else None)
    noisy = []
    for i, share in enumerate(shares):
        if share is None:
            noisy.append(0.0)
            continue
        noisy.append(max(0.0, share * rows + laplace(scale, key, column.name, "histogram", i)))
    total = sum(noisy)
    if total <= 0:
        return stats
    fractions = [round(n / total, _DIGITS) for n in noisy]
    frequent = tuple(
        sorted(
            (
                ValueFrequency(value=f.value, fraction=share)
                for f, share in zip(stats.frequent, fractions[1:-1], strict=True)
            ),
            key=lambda f: -f.fraction,  # most frequent first again (a stable sort: ties keep order)
        )
    )
    null = fractions[0]
    update: dict[str, object] = {"null_fraction": null, "frequent": frequent}
    if stats.other is not None:
        rest = max(0.0, 1.0 - null - sum(f.fraction for f in frequent))
        update["other"] = stats.other.model_copy(update={"fraction": round(rest, _DIGITS)})
    return stats.model_copy(update=update)


def _trait(stat: TraitStat, rows: int, scale: float, *names: object) -> TraitStat:
    count = max(0.0, min(float(rows), stat.fraction * rows + laplace(scale, *names)))
    update: dict[str, object] = {"fraction": round(count / rows, _DIGITS)}
    if "rows" in stat.detail:  # a cohort's rows: the same count, released once
        update["detail"] = {**stat.detail, "rows": round(count)}
    return stat.model_copy(update=update)


def _legacy(stat: TraitStat, frequent: Sequence[ValueFrequency]) -> TraitStat:
    same = next((f.fraction for f in frequent if f.value == stat.value), None)
    return stat if same is None else stat.model_copy(update={"fraction": same})


def add_noise(table: Table, epsilon: float) -> Table:
    """``table`` with Laplace noise on its row count, every column's NULL/frequent/other
    fractions and every trait's fraction: ``epsilon`` split evenly (module docstring)."""
    rows = table.rows
    scale = releases(table) / epsilon
    key = f"{table.key}\x00{epsilon!r}"  # a new budget draws new noise, not rescaled noise
    columns = []
    for column in table.columns:
        stats = column.stats
        if _categories(column) >= 2:
            stats = _histogram(column, rows, scale, key)
        traits = tuple(
            _legacy(t, stats.frequent)
            if t.trait == "legacy_value"
            else _trait(t, rows, scale, key, column.name, t.trait, t.value, i)
            for i, t in enumerate(stats.traits)
        )
        stats = ColumnStats.model_validate(
            {**stats.model_dump(exclude={"traits"}), "traits": [t.model_dump() for t in traits]}
        )
        columns.append(column.model_copy(update={"stats": stats}))
    traits = tuple(
        _trait(t, rows, scale, key, "", t.trait, t.value, i) for i, t in enumerate(table.traits)
    )
    noisy_rows = max(1, round(rows + laplace(scale, key, "", "rows")))
    return table.model_copy(
        update={"rows": noisy_rows, "columns": tuple(columns), "traits": traits}
    )
