"""Change over time per area: difference, ratio, and an exact test of whether two counts differ
more than chance (conditional binomial test: given the total, each event falls in either period
with probability 1/2 when the underlying rate and exposure have not changed)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .distributions import binom_two_sided


@dataclass
class Change:
    difference: np.ndarray
    ratio: np.ndarray            # NaN where the earlier count is 0
    p_value: np.ndarray          # NaN where either count is withheld
    significant: np.ndarray


def compare_counts(before: np.ndarray, after: np.ndarray, alpha: float = 0.05) -> Change:
    """Per area; withheld counts (NaN) give NaN, never a change computed from a zero."""
    a, b = np.asarray(before, dtype=float), np.asarray(after, dtype=float)
    known = np.isfinite(a) & np.isfinite(b)
    p = np.full(len(a), np.nan)
    for i in np.flatnonzero(known):
        p[i] = binom_two_sided(int(b[i]), int(a[i] + b[i]), 0.5)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(known & (a > 0), b / a, np.nan)
    return Change(b - a, ratio, p, known & (p <= alpha))
