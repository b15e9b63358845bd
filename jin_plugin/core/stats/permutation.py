"""Conditional permutation inference for local statistics, vectorised.

As in esda, one table of random neighbour draws (without replacement from the n-1 other areas) is
shared by every area, so a given seed gives the same reference distributions as esda's own
``crand`` would for the same draws. Area ``i``'s k-th draw ``r`` names the r-th area other than
``i`` (``r + (r >= i)``). Work is grouped by cardinality and chunked to bound memory.
"""

from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from .weights import Weights

CHUNK = 8_000_000           # gathered values per block (~64 MB of float64)


def draws(n: int, max_card: int, permutations: int, seed: Optional[int]) -> np.ndarray:
    """(permutations, max_card) draws of distinct indices into the n-1 other areas."""
    rng = np.random.default_rng(seed)
    k = min(max_card, n - 1)
    if k <= 0:
        return np.zeros((permutations, 0), dtype=np.int64)
    return np.array([rng.choice(n - 1, size=k, replace=False) for _ in range(permutations)], dtype=np.int64)


def simulated_lags(w: Weights, z: np.ndarray, permutations: int, seed: Optional[int],
                   progress: Optional[Callable[[float], None]] = None,
                   cancelled: Callable[[], bool] = lambda: False) -> np.ndarray:
    """(n, permutations) lags of ``z`` under conditional randomisation of each area's neighbours."""
    n = w.n
    card = w.cardinalities
    out = np.zeros((n, permutations))
    if n < 2 or card.max(initial=0) == 0:
        return out
    rids = draws(n, int(card.max()), permutations, seed)
    done = 0
    for k in np.unique(card[card > 0]):
        rows = np.flatnonzero(card == k)
        ids = rids[:, :k]                                           # (P, k)
        step = max(1, CHUNK // (permutations * k))
        for start in range(0, len(rows), step):
            if cancelled():
                raise InterruptedError("cancelled")
            chunk = rows[start:start + step]
            weights = w.values[w.indptr[chunk][:, None] + np.arange(k)]          # (m, k)
            picked = ids[None, :, :] + (ids[None, :, :] >= chunk[:, None, None])  # (m, P, k)
            out[chunk] = np.einsum("mpk,mk->mp", z[picked], weights)
            done += len(chunk)
            if progress is not None:
                progress(done / n)
    return out


def pseudo_p(observed: np.ndarray, simulated: np.ndarray) -> np.ndarray:
    """esda's folded pseudo p-value: (min(#sim >= obs, #sim < obs) + 1) / (P + 1), per row."""
    permutations = simulated.shape[-1]
    larger = (simulated >= observed[..., None]).sum(axis=-1)
    larger = np.minimum(larger, permutations - larger)
    return (larger + 1.0) / (permutations + 1.0)
