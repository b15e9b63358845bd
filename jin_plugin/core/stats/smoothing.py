"""Empirical Bayes rate smoothing (Marshall 1991): small areas' rates from a handful of events are
pulled towards the mean of the county (global) or of their neighbourhood (spatial), so a single
incident in a small population does not look like a hot spot. As esda's ``Empirical_Bayes`` and
``Spatial_Empirical_Bayes``."""

from __future__ import annotations

import numpy as np

from .weights import Weights


def empirical_bayes(events: np.ndarray, base: np.ndarray) -> np.ndarray:
    e, b = np.asarray(events, dtype=float), np.asarray(base, dtype=float)
    if (b <= 0).any():
        raise ValueError("every area needs a positive denominator for rate smoothing")
    r_mean = e.sum() / b.sum()
    rate = e / b
    r_var = (b * (rate - r_mean) ** 2).sum() / b.sum() - r_mean / b.mean()
    weight = r_var / (r_var + r_mean / b)
    return weight * rate + (1.0 - weight) * r_mean


def spatial_empirical_bayes(events: np.ndarray, base: np.ndarray, w: Weights) -> np.ndarray:
    """The prior is each area's neighbourhood (itself and its neighbours) instead of the county."""
    e, b = np.asarray(events, dtype=float), np.asarray(base, dtype=float)
    if (b <= 0).any():
        raise ValueError("every area needs a positive denominator for rate smoothing")
    binary = w.binary()
    rate = e / b
    local_b = binary.lag(b) + b
    r_mean = (binary.lag(e) + e) / local_b
    # Σ over the neighbourhood of b_j (r_j - m_i)^2, expanded so it needs lags only
    sq = binary.lag(b * rate ** 2) + b * rate ** 2
    cross = binary.lag(b * rate) + b * rate
    spread = sq - 2 * r_mean * cross + r_mean ** 2 * local_b
    count = binary.cardinalities + 1.0
    r_var = spread / local_b - r_mean / (local_b / count)
    r_var = np.maximum(r_var, 0.0)
    prior = r_var + r_mean / b
    # a neighbourhood without events (mean and variance 0) has nothing to shrink towards but 0
    weight = np.divide(r_var, prior, out=np.zeros_like(prior), where=prior > 0)
    return r_mean + (rate - r_mean) * weight
