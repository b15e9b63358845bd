"""Global statistics: Moran's I, bivariate Moran's I, Lee's L (permutation inference), and Pearson
and Spearman correlation tested with an effective sample size that allows for spatial
autocorrelation (Clifford, Richardson & Hémon 1989; Dutilleul 1993).

Formulas follow esda (``Moran``, ``Moran_BV``, ``Spatial_Pearson``) so they can be checked to 1e-9.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from .distributions import norm_sf, t_two_sided
from .permutation import pseudo_p
from .weights import Weights

BLOCK = 128           # permutations evaluated together


@dataclass
class GlobalResult:
    name: str
    value: float
    p_sim: float
    permutations: int
    expected: float = float("nan")
    z: float = float("nan")
    p_norm: float = float("nan")


def _permuted(stat: Callable[[np.ndarray], np.ndarray], columns: np.ndarray, permutations: int,
              seed: Optional[int]) -> np.ndarray:
    """``stat`` of ``permutations`` random reorderings of the rows of ``columns`` (n, m)."""
    rng = np.random.default_rng(seed)
    n = columns.shape[0]
    out = []
    for start in range(0, permutations, BLOCK):
        p = min(BLOCK, permutations - start)
        order = np.argsort(rng.random((p, n)), axis=1)          # (p, n) permutations
        out.append(stat(columns[order.T]))                      # (n, p, m) -> (p,)
    return np.concatenate(out) if out else np.empty(0)


def moran(y: np.ndarray, w: Weights, permutations: int = 999, seed: Optional[int] = None) -> GlobalResult:
    """Moran's I with normality moments (two-sided) and a permutation pseudo p-value."""
    if not w.row_standardised:
        w = w.standardised()
    z = np.asarray(y, dtype=float) - np.mean(y)
    n, s0 = len(z), w.s0
    ss = (z * z).sum()

    def stat(cols: np.ndarray) -> np.ndarray:
        zz = cols[..., 0]
        return n / s0 * (zz * w.lag(zz)).sum(axis=0) / ss

    value = stat(z[:, None]).item()
    rows = w.rows
    back, found = _transpose_values(w)
    s1 = 0.5 * ((w.values + back) ** 2).sum() + 0.5 * (w.values[~found] ** 2).sum()
    out_sum = np.bincount(rows, weights=w.values, minlength=n)
    in_sum = np.bincount(w.indices, weights=w.values, minlength=n)
    s2 = ((out_sum + in_sum) ** 2).sum()
    expected = -1.0 / (n - 1)
    variance = (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n - 1) * (n + 1) * s0 * s0) - expected ** 2
    zv = (value - expected) / math.sqrt(variance)
    sims = _permuted(stat, z[:, None], permutations, seed) if permutations else np.empty(0)
    p_sim = float(pseudo_p(np.array(value), sims)) if permutations else float("nan")
    return GlobalResult("Moran's I", value, p_sim, permutations, expected, zv, float(2 * norm_sf(abs(zv))))


def _transpose_values(w: Weights) -> tuple[np.ndarray, np.ndarray]:
    """For every stored (i, j): (w_ji or 0, whether j lists i)."""
    key = w.rows * w.n + w.indices
    back = w.indices * w.n + w.rows
    order = np.argsort(key)
    pos = np.searchsorted(key[order], back)
    pos = np.minimum(pos, len(key) - 1)
    found = key[order][pos] == back
    return np.where(found, w.values[order][pos], 0.0), found


def moran_bv(x: np.ndarray, y: np.ndarray, w: Weights, permutations: int = 999,
             seed: Optional[int] = None) -> GlobalResult:
    """Bivariate Moran's I: ``x`` against the spatial lag of ``y`` (esda permutes ``y``)."""
    if not w.row_standardised:
        w = w.standardised()
    zx = (x - np.mean(x)) / np.std(x, ddof=1)
    zy = (y - np.mean(y)) / np.std(y, ddof=1)
    den = len(zx) - 1.0

    def stat(cols: np.ndarray) -> np.ndarray:
        lag = w.lag(cols[..., 0])
        return (zx.reshape((-1,) + (1,) * (lag.ndim - 1)) * lag).sum(axis=0) / den

    value = stat(zy[:, None]).item()
    sims = _permuted(stat, zy[:, None], permutations, seed) if permutations else np.empty(0)
    p_sim = float(pseudo_p(np.array(value), sims)) if permutations else float("nan")
    return GlobalResult("Bivariate Moran's I", value, p_sim, permutations)


def lee_l(x: np.ndarray, y: np.ndarray, w: Weights, permutations: int = 999,
          seed: Optional[int] = None) -> GlobalResult:
    """Lee's L (spatial Pearson): how far x and y are alike in their neighbourhoods (pairs permuted)."""
    if not w.row_standardised:
        w = w.standardised()
    z = np.column_stack([(x - np.mean(x)) / np.std(x), (y - np.mean(y)) / np.std(y)])
    ones = w.lag(np.ones(w.n))
    den = float((ones * ones).sum())

    def stat(cols: np.ndarray) -> np.ndarray:
        lx, ly = w.lag(cols[..., 0]), w.lag(cols[..., 1])
        return (lx * ly).sum(axis=0) / den

    value = stat(z[:, None, :]).item()
    sims = _permuted(stat, z, permutations, seed) if permutations else np.empty(0)
    p_sim = float(pseudo_p(np.array(value), sims)) if permutations else float("nan")
    return GlobalResult("Lee's L", value, p_sim, permutations)


@dataclass
class Correlation:
    method: str                  # Pearson | Spearman
    r: float
    n: int
    n_effective: float           # sample size allowing for spatial autocorrelation
    p_naive: float               # as if areas were independent
    p_adjusted: float            # with the effective sample size


def _ranks(v: np.ndarray) -> np.ndarray:
    """Average ranks (ties share the mean rank)."""
    order = np.argsort(v, kind="mergesort")
    ranks = np.empty(len(v))
    ranks[order] = np.arange(1, len(v) + 1)
    _, inverse, counts = np.unique(v, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    return sums[inverse] / counts[inverse]


def _correlogram(v: np.ndarray, classes: np.ndarray) -> np.ndarray:
    """Moran's I of ``v`` in each distance class (ordered pairs, i != j)."""
    z = v - v.mean()
    var = (z * z).mean()
    out = np.empty(classes.max() + 1)
    for k in range(classes.max() + 1):
        mask = classes == k
        i, j = np.nonzero(mask)
        out[k] = (z[i] * z[j]).mean() / var if len(i) else 0.0
    return out


def effective_n(x: np.ndarray, y: np.ndarray, points: np.ndarray, n_classes: int = 10,
                sample: int = 2500) -> float:
    """Dutilleul's effective sample size, 1 + n² / Σ_k n_k I_x(k) I_y(k), with equal-count centroid
    distance classes (k = 0 is each area with itself: n pairs, I = 1).

    Beyond ``sample`` areas the correlograms come from a fixed random sample of them (pairwise
    distances grow with n²), and the ratio n' / n found there is applied to all n.
    """
    n_all = len(x)
    if n_all > sample:
        pick = np.random.default_rng(0).choice(n_all, sample, replace=False)
        return effective_n(x[pick], y[pick], points[pick], n_classes, sample) * n_all / sample
    n = n_all
    d = np.sqrt(((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2))
    off = ~np.eye(n, dtype=bool)
    edges = np.quantile(d[off], np.linspace(0, 1, n_classes + 1)[1:-1])
    classes = np.where(off, np.searchsorted(edges, d, side="left"), -1)
    ix, iy = _correlogram(x, classes), _correlogram(y, classes)
    counts = np.bincount(classes[off], minlength=n_classes)
    total = n + (counts * ix * iy).sum()
    return float(min(n, max(3.0, 1.0 + n * n / total))) if total > 0 else float(n)


def correlation(x: np.ndarray, y: np.ndarray, points: np.ndarray, method: str = "pearson") -> Correlation:
    """Pearson or Spearman r, tested naively and with Dutilleul's effective sample size."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if method == "spearman":
        x, y = _ranks(x), _ranks(y)
    elif method != "pearson":
        raise ValueError(f"unknown correlation '{method}': use pearson or spearman")
    n = len(x)
    r = float(np.corrcoef(x, y)[0, 1])

    def p_of(m: float) -> float:
        if abs(r) >= 1:
            return 0.0
        return t_two_sided(r * math.sqrt((m - 2) / (1 - r * r)), m - 2)

    n_eff = effective_n(x, y, np.asarray(points, dtype=float))
    return Correlation(method.capitalize(), r, n, n_eff, p_of(n), p_of(n_eff))
