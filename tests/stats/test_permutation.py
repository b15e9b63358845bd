"""The permutation engine: the sorted-draw shortcut equals drawing neighbours one by one, and the
null behaves as a null."""

from __future__ import annotations

import numpy as np

from jin_plugin.core.stats.permutation import draws, pseudo_p, sorted_draw_sums
from jin_plugin.core.stats.weights import from_pairs, knn_weights


def test_sorted_draw_sums_equal_the_direct_gather():
    rng = np.random.default_rng(3)
    z = rng.normal(size=60)
    ids = draws(60, 7, 200, seed=4)
    rows = np.arange(60)
    direct = z[ids[None, :, :] + (ids[None, :, :] >= rows[:, None, None])].sum(axis=2)
    np.testing.assert_allclose(sorted_draw_sums(z, ids, rows), direct, atol=1e-12)
    assert all(len(set(row)) == 7 and row.max() < 59 for row in ids)      # distinct, never i itself


def test_pseudo_p_folds_like_esda():
    sims = np.arange(1, 1000, dtype=float)[None, :]
    assert pseudo_p(np.array([999.5]), sims)[0] == 1 / 1000
    assert pseudo_p(np.array([0.5]), sims)[0] == 1 / 1000
    assert pseudo_p(np.array([500.0]), sims)[0] == 500 / 1000


def test_weights_subset_and_islands():
    w = from_pairs(np.array([0, 1, 1, 2]), np.array([1, 0, 2, 1]), 4, "queen")
    assert w.islands.tolist() == [3]
    sub = w.subset(np.array([True, False, True, True]))          # remove the middle area
    assert sub.n == 3 and sub.islands.tolist() == [0, 1, 2]
    pts = np.array([[0, 0], [1, 0], [2, 0], [10, 0]], dtype=float)
    k = knn_weights(pts, 1)
    assert k.pairs() == {(0, 1), (1, 0), (2, 1), (3, 2)}
