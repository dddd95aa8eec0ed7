"""How far a share measured on ``n`` fixture rows may stray by sampling alone: the
allowances that make ``synth validate`` judge a 19-row table by 19 rows' precision."""

from __future__ import annotations

import math
from collections.abc import Sequence
from statistics import NormalDist

__all__ = ["chi2_bound", "standard_error", "tvd_allowance"]


def standard_error(p: float, n: int) -> float:
    """Standard error of a share ``p`` measured on ``n`` rows."""
    return math.sqrt(max(p * (1.0 - p), 0.0) / n) if n > 0 else 1.0


def chi2_bound(dof: int, noise: float) -> float:
    """The value a chi-square statistic with ``dof`` degrees of freedom exceeds as rarely
    as a normal value exceeds ``noise`` standard errors on either side (two-sided tail
    ``erfc(noise / sqrt 2)``): ``noise**2`` for one degree, Wilson-Hilferty above (a few
    per cent high, never low, in the tails used here)."""
    if dof <= 0 or noise <= 0:
        return 0.0
    if dof == 1:
        return noise * noise
    tail = math.erfc(noise / math.sqrt(2.0))
    z = -NormalDist().inv_cdf(tail) if tail > 0 else noise
    h = 2.0 / (9.0 * dof)
    return dof * max(0.0, 1.0 - h + z * math.sqrt(h)) ** 3


def tvd_allowance(shares: Sequence[float], n: int, noise: float) -> float:
    """The total variation distance that ``n`` draws from ``shares`` stay within as often
    as a share stays within ``noise`` standard errors: Pearson's ``X2 = n sum (q-p)^2 / p``
    is chi-square with ``k - 1`` degrees of freedom (``k`` buckets with ``p > 0``), and by
    Cauchy-Schwarz ``TVD <= sqrt(X2 / n) / 2`` (with two buckets: ``noise`` standard
    errors of the balanced case, ``2 / sqrt n`` at ``noise=4``)."""
    k = sum(1 for p in shares if p > 0)
    if n <= 0:
        return 1.0
    return min(1.0, 0.5 * math.sqrt(chi2_bound(k - 1, noise) / n))
