"""Local statistics: univariate and bivariate Local Moran (LISA) and Getis-Ord Gi*, with
conditional permutation inference and multiple-testing adjustment.

Formulas follow esda (Anselin 1995; Getis & Ord 1992, Ord & Getis 1995) so results can be checked
against it: the statistics to 1e-9, the pseudo p-values within Monte-Carlo error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from .distributions import norm_sf
from .permutation import conditional_p
from .weights import Weights

#: Cluster codes as esda's ``q`` (1 High-High, 2 Low-High, 3 Low-Low, 4 High-Low); 0 = not significant.
CLUSTER_LABELS = {0: "Not significant", 1: "High-High", 2: "Low-High", 3: "Low-Low", 4: "High-Low"}
#: Gi* bins as in ArcGIS: ±3 = 99 %, ±2 = 95 %, ±1 = 90 % confidence; 0 = not significant.
GI_LABELS = {3: "Hot spot, 99% confidence", 2: "Hot spot, 95% confidence", 1: "Hot spot, 90% confidence",
             0: "Not significant", -1: "Cold spot, 90% confidence", -2: "Cold spot, 95% confidence",
             -3: "Cold spot, 99% confidence"}


@dataclass
class LocalResult:
    statistic: np.ndarray        # I_i (or G*_i)
    p_sim: np.ndarray            # pseudo p-value as esda reports it (folded: the more extreme tail)
    p_two_sided: np.ndarray      # min(1, 2 p_sim): what significance is judged on
    quadrant: np.ndarray         # esda q: 1 HH, 2 LH, 3 LL, 4 HL
    significant: np.ndarray      # after the chosen adjustment
    cluster: np.ndarray          # quadrant where significant, else 0
    permutations: int
    alpha: float
    adjustment: str


def _standardise(y: np.ndarray) -> np.ndarray:
    y = np.asarray(y, dtype=float)
    sd = y.std()
    if not np.isfinite(sd) or sd == 0:
        raise ValueError("the measure is the same in every area: there is nothing to compare")
    return (y - y.mean()) / sd


def adjust(p: np.ndarray, alpha: float, method: str) -> np.ndarray:
    """Which p-values are significant: 'none', 'bonferroni', or 'fdr' (Benjamini-Hochberg)."""
    p = np.asarray(p, dtype=float)
    if method == "none":
        return p <= alpha
    if method == "bonferroni":
        return p <= alpha / len(p)
    if method == "fdr":
        ranked = np.sort(p)
        passing = np.flatnonzero(ranked <= alpha * np.arange(1, len(p) + 1) / len(p))
        return p <= (ranked[passing[-1]] if len(passing) else -1.0)
    raise ValueError(f"unknown adjustment '{method}': use none, fdr or bonferroni")


def _quadrant(zx: np.ndarray, lag: np.ndarray) -> np.ndarray:
    hi, lag_hi = zx > 0, lag > 0
    return np.select([hi & lag_hi, ~hi & lag_hi, ~hi & ~lag_hi], [1, 2, 3], default=4)


def local_moran(x: np.ndarray, w: Weights, y: Optional[np.ndarray] = None, permutations: int = 999,
                seed: Optional[int] = None, alpha: float = 0.05, adjustment: str = "none",
                progress: Optional[Callable[[float], None]] = None,
                cancelled: Callable[[], bool] = lambda: False) -> LocalResult:
    """Local Moran of ``x`` (univariate), or of ``x`` against the neighbours' ``y`` (bivariate)."""
    if not w.row_standardised:
        w = w.standardised()
    zx = _standardise(x)
    zy = zx if y is None else _standardise(y)
    n = len(zx)
    scale = (n - 1) / (zx * zx).sum()
    lag = w.lag(zy)
    stat = scale * zx * lag
    if permutations:
        p = conditional_p(w, zy, stat, lambda rows, lags: scale * zx[rows, None] * lags, permutations, seed,
                          progress, cancelled)
    else:
        p = np.full(n, np.nan)
    quadrant = _quadrant(zx, lag)
    # esda's folded p-value looks at whichever tail the observation is in, so p <= alpha happens by
    # chance in 2 * alpha of areas; doubling it (as esda now recommends) makes alpha mean alpha.
    two_sided = np.minimum(1.0, 2 * p)
    significant = adjust(two_sided, alpha, adjustment) & (w.cardinalities > 0)
    return LocalResult(stat, p, two_sided, quadrant, significant, np.where(significant, quadrant, 0), permutations,
                       alpha, adjustment)


@dataclass
class GiResult:
    g: np.ndarray
    z: np.ndarray
    p_norm: np.ndarray           # two-sided, from z
    p_sim: np.ndarray
    bins: np.ndarray             # -3..3


def getis_ord_star(y: np.ndarray, w: Weights, permutations: int = 0, seed: Optional[int] = None,
                   progress: Optional[Callable[[float], None]] = None,
                   cancelled: Callable[[], bool] = lambda: False) -> GiResult:
    """Gi* with binary weights that include the area itself (esda ``G_Local(transform='B', star=True)``)."""
    y = np.asarray(y, dtype=float)
    if (y < 0).any():
        raise ValueError("Gi* needs non-negative values (counts or rates)")
    total = y.sum()
    if total <= 0:
        raise ValueError("Gi* needs some non-zero values")
    b = w.binary()
    n = len(y)
    g = (b.lag(y) + y) / total
    card = b.cardinalities + 1.0
    mean = total / n
    variance = (y ** 2).sum() / n - mean ** 2
    expected = card / n
    var_g = card * (n - card) / (n - 1) / n ** 2 * variance / mean ** 2
    z = (g - expected) / np.sqrt(var_g)
    p_norm = 2 * norm_sf(np.abs(z))
    if permutations:
        p_sim = conditional_p(b, y, g, lambda rows, lags: (lags + y[rows, None]) / total, permutations, seed,
                              progress, cancelled)
    else:
        p_sim = np.full(n, np.nan)
    bins = np.sign(z) * np.select([p_norm <= 0.01, p_norm <= 0.05, p_norm <= 0.10], [3, 2, 1], default=0)
    return GiResult(g, z, p_norm, p_sim, bins.astype(int))
