"""Conditional permutation inference for local statistics, vectorised.

As in esda, one table of random neighbour draws (without replacement from the n-1 other areas) is
shared by every area. Area ``i``'s draw ``r`` names the r-th area other than ``i``: ``r`` itself
if ``r < i``, else ``r + 1``. Work is grouped by cardinality k and chunked to bound memory.

Where an area's neighbours weigh the same (row-standardised or binary contiguity), the k draws of
a permutation are sorted once: the simulated lag then depends on ``i`` only through how many draws
fall below ``i``, so each (area, permutation) costs one binary search into a small table instead
of k gathers, the same reference distribution several times faster.
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


def conditional_p(w: Weights, z: np.ndarray, observed: np.ndarray,
                  statistic: Callable[[np.ndarray, np.ndarray], np.ndarray], permutations: int,
                  seed: Optional[int], progress: Optional[Callable[[float], None]] = None,
                  cancelled: Callable[[], bool] = lambda: False) -> np.ndarray:
    """Pseudo p-values of ``observed`` (per area) when each area's neighbours' ``z`` are redrawn.

    ``statistic(rows, lags)`` turns simulated lags (len(rows), permutations) into the statistic.
    Islands (no neighbours) get NaN.
    """
    n = w.n
    card = w.cardinalities
    p = np.full(n, np.nan)
    if n < 2 or card.max(initial=0) == 0:
        return p
    rids = draws(n, int(card.max()), permutations, seed)
    done = 0
    for k in np.unique(card[card > 0]):
        rows = np.flatnonzero(card == k)
        ids = rids[:, :k]                                               # (P, k)
        step = max(1, CHUNK // (permutations * k))
        for start in range(0, len(rows), step):
            if cancelled():
                raise InterruptedError("cancelled")
            chunk = rows[start:start + step]
            weights = w.values[w.indptr[chunk][:, None] + np.arange(k)]          # (m, k)
            if (weights == weights[:, :1]).all():
                lags = sorted_draw_sums(z, ids, chunk) * weights[:, :1]
            else:
                picked = z[ids[None, :, :] + (ids[None, :, :] >= chunk[:, None, None])]  # (m, P, k)
                lags = np.einsum("mpk,mk->mp", picked, weights)
            p[chunk] = pseudo_p(observed[chunk], statistic(chunk, lags))
            done += len(chunk)
            if progress is not None:
                progress(done / n)
    return p


def sorted_draw_sums(z: np.ndarray, ids: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """(len(rows), P): for each area i in ``rows`` and permutation p, the sum of z over the areas
    that p's draws ``ids[p]`` name for i. ``rows`` must be ascending."""
    permutations, k = ids.shape
    n = len(z)
    s = np.sort(ids, axis=1)
    below = np.cumsum(z[s], axis=1)                           # draws that stay as they are (r < i)
    above = np.cumsum(z[s + 1][:, ::-1], axis=1)[:, ::-1]     # draws shifted past i (r >= i)
    table = np.zeros((permutations, k + 1))
    table[:, 1:] += below
    table[:, :-1] += above                                    # table[p, t]: t draws below i
    offsets = np.arange(permutations, dtype=np.int64)[:, None]
    flat = (s + offsets * n).ravel()                          # ascending: rows sorted, offsets grow
    below_i = np.searchsorted(flat, (rows[None, :] + offsets * n).ravel()).reshape(permutations, -1)
    below_i -= offsets * k
    return table.ravel()[offsets * (k + 1) + below_i].T


def pseudo_p(observed: np.ndarray, simulated: np.ndarray) -> np.ndarray:
    """esda's folded pseudo p-value: (min(#sim >= obs, #sim < obs) + 1) / (P + 1), per row."""
    permutations = simulated.shape[-1]
    larger = (simulated >= observed[..., None]).sum(axis=-1)
    larger = np.minimum(larger, permutations - larger)
    return (larger + 1.0) / (permutations + 1.0)
