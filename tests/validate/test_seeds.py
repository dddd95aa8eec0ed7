"""Fixtures made from the same profile pass ``synth validate`` whatever the seed and size:
seeds 0..6 at the default size (the largest table at 1,000 rows, tenants grown to their
trait floor), at 2,000 rows and at 10,000 rows, each generated once. A tampered profile
still fails at the small sizes, naming its columns."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import synth
from synth.checks.fidelity import validate
from synth.checks.fidelity.allowances import chi2_bound, tvd_allowance
from synth.generator.plan import trait_floor
from synth.model import Profile
from tests.validate.conftest import SHOP, tampered

SEEDS = range(7)  # seed 6 puts 2 of 630 orders on the legacy tenant: currency moves
SIZES: tuple[int | None, ...] = (None, 2_000, 10_000)

Failure = tuple[str, str, str]


class GeneratorDefect(Exception):
    """Only the known defect of a seed failed: the xfail below is expected."""


KNOWN: dict[tuple[int | None, int], tuple[Failure, str]] = {}
"""(rows, seed) -> the one failure a known generator defect explains, and why. Since
draws are stratified, backfill_gap re-NULLing users.timezone after the cohorts set it
lands at ~0.33 for 0.36, inside the allowance at every size tested (still a defect)."""


def _case(rows: int | None, seed: int) -> object:
    known = KNOWN.get((rows, seed))
    marks = (
        [pytest.mark.xfail(strict=True, raises=GeneratorDefect, reason=known[1])] if known else []
    )
    return pytest.param(rows, seed, marks=marks, id=f"rows={rows or 'default'}-seed={seed}")


@pytest.fixture(scope="module")
def fixture_dir(
    tmp_path_factory: pytest.TempPathFactory, shop: Profile
) -> Callable[[int | None, int], Path]:
    """A fixture directory of the shop profile per (rows, seed), written once."""
    base = tmp_path_factory.mktemp("seeds")
    made: dict[tuple[int | None, int], Path] = {}

    def get(rows: int | None, seed: int) -> Path:
        if (rows, seed) not in made:
            out = base / f"rows{rows or 'default'}-seed{seed}"
            synth.write(shop, out, rows=rows, seed=seed)
            made[(rows, seed)] = out
        return made[(rows, seed)]

    return get


@pytest.mark.parametrize(("rows", "seed"), [_case(r, s) for r in SIZES for s in SEEDS])
def test_same_profile_passes_at_every_seed_and_size(
    fixture_dir: Callable[[int | None, int], Path], rows: int | None, seed: int
) -> None:
    report = validate(SHOP, fixture_dir(rows, seed))
    failed = {(c.where, c.check, c.subject) for c in report.failures}
    explained = {KNOWN[(rows, seed)][0]} if (rows, seed) in KNOWN else set()
    details = [(c.where, c.check, c.subject, c.distance, c.tolerance, c.note)
               for c in report.failures]  # fmt: skip
    assert not failed - explained, details
    if failed:
        raise GeneratorDefect(details)


@pytest.mark.parametrize("rows", [None, 2_000], ids=["default", "2000"])
def test_tampered_profile_still_fails_at_small_sizes(
    tmp_path: Path, shop: Profile, rows: int | None
) -> None:
    """The wider frequency allowance and the grown-table rule do not hide a removed trait
    or a NULL share moved from 14.7% to 50% (users has 189 rows at the default size)."""
    synth.write(tampered(shop), tmp_path / "bad", rows=rows, seed=0)
    report = validate(SHOP, tmp_path / "bad")
    failed = {(c.where, c.check) for c in report.failures}
    assert ("users.email", "trait_presence") in failed
    assert ("users.postal_code", "null_fraction") in failed
    assert {where for where, _ in failed} == {"users.email", "users.postal_code"}


def test_a_table_grown_to_hold_its_traits_is_shown_not_judged(
    fixture_dir: Callable[[int | None, int], Path],
) -> None:
    """At the default size tenants has the trait floor's rows (9: 8 forced trait entries
    + 1): its NULL shares, frequencies and percentiles are shown only, its traits still
    judged; at 10,000 rows (19 tenants) everything is judged."""
    small = validate(SHOP, fixture_dir(None, 0))
    tenants = next(t for t in small.tables if t.table == "tenants")
    floor = trait_floor(synth.read_profile(SHOP).table("tenants"), 1)
    assert tenants.rows == floor and 1 < floor < 19
    shape = [c for col in tenants.columns for c in col.checks
             if c.check in ("null_fraction", "frequencies", "quantiles", "lengths")]  # fmt: skip
    assert shape and all(c.tolerance is None and "shown only" in c.note for c in shape)
    source = next(c for c in shape if c.where == "tenants.source" and c.check == "frequencies")
    assert source.distance is not None  # measured and shown, whatever it is
    traits = [c for col in tenants.columns for c in col.checks if c.check == "trait_rate"]
    assert traits and all(c.tolerance is not None for c in traits)

    large = validate(SHOP, fixture_dir(10_000, 0))
    tenants = next(t for t in large.tables if t.table == "tenants")
    assert tenants.rows == 19
    judged = [c for col in tenants.columns for c in col.checks if c.check == "frequencies"]
    assert judged and all(c.tolerance is not None for c in judged)
    # a two-bucket column is allowed 4 standard errors (the old allowance gave it 2)
    source = next(c for c in judged if c.where == "tenants.source")
    assert source.tolerance is not None and source.tolerance >= 4 * (0.867 * 0.133 / 19) ** 0.5


def test_frequency_allowance_covers_noise_standard_errors() -> None:
    """Two buckets: at least ``noise`` standard errors of either share (the old allowance,
    ``noise/4 x sum se``, gave 2 at noise=4); more buckets: the chi-square tail grows."""
    n = 630
    for p in (0.5, 0.867, 0.99):
        se = (p * (1 - p) / n) ** 0.5
        assert tvd_allowance([p, 1 - p], n, 4.0) >= 4.0 * se - 1e-12
    assert chi2_bound(1, 4.0) == 16.0
    assert 19.3 < chi2_bound(2, 4.0) < 21  # exact: -2 ln(erfc(4/sqrt 2)) = 19.33
    assert tvd_allowance([0.2] * 5, n, 4.0) > tvd_allowance([0.5, 0.5], n, 4.0)
    assert tvd_allowance([0.5, 0.5], n, 0.0) == 0.0
