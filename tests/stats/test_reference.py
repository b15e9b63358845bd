"""Our numpy statistics against PySAL's esda/libpysal on the same data and weights: weights and
global/local statistics to 1e-9, pseudo p-values within Monte-Carlo error."""

from __future__ import annotations

import esda
import libpysal
import numpy as np
import pytest

from jin_plugin.core.stats import global_, local, smoothing
from jin_plugin.core.stats.weights import Weights, contiguity
from tests.stats.conftest import LSOA, libpysal_w, pairs_of, qgis_vertices

PERMS = 999
SEEDS = range(4)


def assert_p_close(ours_runs: list[np.ndarray], esda_runs: list[np.ndarray]) -> None:
    """Pseudo p-values from different random draws agree within Monte-Carlo error. Every area of one
    run shares one table of draws (as in esda), so runs are averaged over seeds before comparing."""
    mine, ref = np.mean(ours_runs, axis=0), np.mean(esda_runs, axis=0)
    sigma = np.sqrt(ref * (1 - ref) / (PERMS * len(esda_runs)))
    assert np.all(np.abs(mine - ref) <= 4 * sigma * np.sqrt(2) + 0.01), np.abs(mine - ref).max()


def ours(vertices, rook: bool = False) -> Weights:
    return contiguity(vertices.coords, vertices.owner, vertices.ring_starts, vertices.n, rook=rook)


def as_libpysal(w: Weights) -> libpysal.weights.W:
    neighbours = {i: w.indices[w.indptr[i]:w.indptr[i + 1]].tolist() for i in range(w.n)}
    return libpysal.weights.W(neighbours, id_order=list(range(w.n)), silence_warnings=True)


@pytest.mark.parametrize("rook", [False, True])
def test_contiguity_matches_libpysal_on_real_polygons(columbus, sids, qgis_app, rook):
    for path, vertices in ((columbus["path"], columbus["vertices"]), (sids["path"], sids["vertices"]),
                           (LSOA, qgis_vertices(LSOA)[0])):
        w = ours(vertices, rook)
        ref = libpysal_w(path, rook)
        assert w.pairs() == pairs_of(ref), path.name
        assert w.n == ref.n and len(w.islands) == len(ref.islands)


def test_global_statistics_match_esda(columbus):
    w = ours(columbus["vertices"])
    lw = as_libpysal(w)
    y, x = columbus["crime"], columbus["income"]
    ref = esda.Moran(y, lw, permutations=0)
    got = global_.moran(y, w, permutations=0)
    assert got.value == pytest.approx(ref.I, abs=1e-9)
    assert got.expected == pytest.approx(ref.EI, abs=1e-12)
    assert got.z == pytest.approx(ref.z_norm, abs=1e-9) and got.p_norm == pytest.approx(ref.p_norm, abs=1e-9)
    assert global_.moran_bv(x, y, w, permutations=0).value == pytest.approx(
        esda.Moran_BV(x, y, lw, permutations=0).I, abs=1e-9)
    lw.transform = "r"
    lee = esda.Spatial_Pearson(connectivity=lw.sparse, permutations=0).fit(x.reshape(-1, 1), y.reshape(-1, 1))
    assert global_.lee_l(x, y, w, permutations=0).value == pytest.approx(lee.association_[0, 1], abs=1e-9)


def test_global_pseudo_p_values_agree_within_monte_carlo_error(columbus):
    w = ours(columbus["vertices"])
    y, x = columbus["crime"], columbus["hoval"]
    refs = []
    for s in SEEDS:
        np.random.seed(s)
        refs.append(np.array([esda.Moran_BV(x, y, as_libpysal(w), permutations=PERMS).p_sim]))
    gots = [np.array([global_.moran_bv(x, y, w, permutations=PERMS, seed=100 + s).p_sim]) for s in SEEDS]
    assert_p_close(gots, refs)


def test_local_moran_matches_esda(columbus):
    w = ours(columbus["vertices"])
    y = columbus["crime"]
    refs = [esda.Moran_Local(y, as_libpysal(w), permutations=PERMS, seed=s) for s in SEEDS]
    gots = [local.local_moran(y, w, permutations=PERMS, seed=100 + s) for s in SEEDS]
    np.testing.assert_allclose(gots[0].statistic, refs[0].Is, atol=1e-9)
    np.testing.assert_array_equal(gots[0].quadrant, refs[0].q)
    assert_p_close([g.p_sim for g in gots], [r.p_sim for r in refs])


def test_bivariate_local_moran_matches_esda(columbus):
    w = ours(columbus["vertices"])
    x, y = columbus["income"], columbus["crime"]
    refs = [esda.Moran_Local_BV(x, y, as_libpysal(w), permutations=PERMS, seed=s) for s in SEEDS]
    gots = [local.local_moran(x, w, y=y, permutations=PERMS, seed=100 + s) for s in SEEDS]
    np.testing.assert_allclose(gots[0].statistic, refs[0].Is, atol=1e-9)
    np.testing.assert_array_equal(gots[0].quadrant, refs[0].q)
    assert_p_close([g.p_sim for g in gots], [r.p_sim for r in refs])


def test_getis_ord_star_matches_esda(sids):
    w = ours(sids["vertices"])
    y = sids["events"]
    refs = [esda.G_Local(y, as_libpysal(w), transform="B", star=True, permutations=PERMS, seed=s) for s in SEEDS]
    gots = [local.getis_ord_star(y, w, permutations=PERMS, seed=100 + s) for s in SEEDS]
    np.testing.assert_allclose(gots[0].g, refs[0].Gs, atol=1e-9)
    np.testing.assert_allclose(gots[0].z, refs[0].Zs, atol=1e-9)
    np.testing.assert_allclose(gots[0].p_norm, 2 * refs[0].p_norm, atol=1e-9)    # esda's p_norm: one tail
    assert_p_close([g.p_sim for g in gots], [r.p_sim for r in refs])


def test_rate_smoothing_matches_esda(sids):
    w = ours(sids["vertices"])
    e, b = sids["events"], sids["births"]
    np.testing.assert_allclose(smoothing.empirical_bayes(e, b),
                               esda.smoothing.Empirical_Bayes(e, b).r.ravel(), atol=1e-12)
    np.testing.assert_allclose(smoothing.spatial_empirical_bayes(e, b, w),
                               esda.smoothing.Spatial_Empirical_Bayes(e, b, as_libpysal(w)).r.ravel(), atol=1e-12)


def test_fdr_matches_esda():
    rng = np.random.default_rng(0)
    p = np.concatenate([rng.uniform(0, 0.01, 30), rng.uniform(0, 1, 300)])
    threshold = esda.fdr(p, 0.05)
    np.testing.assert_array_equal(local.adjust(p, 0.05, "fdr"), p <= threshold)
    assert local.adjust(p, 0.05, "bonferroni").sum() == (p <= 0.05 / len(p)).sum()


def test_correlation_against_scipy(columbus):
    from scipy import stats

    x, y = columbus["income"], columbus["crime"]
    pts = columbus["vertices"].centroids
    for method, ref in (("pearson", stats.pearsonr(x, y)), ("spearman", stats.spearmanr(x, y))):
        got = global_.correlation(x, y, pts, method)
        assert got.r == pytest.approx(ref[0], abs=1e-12)
        assert got.p_naive == pytest.approx(ref[1], rel=1e-7)
        assert got.n_effective < got.n               # both are clustered: fewer independent areas
        assert got.p_adjusted > got.p_naive
    assert global_.correlation(x, y, pts).p_adjusted == pytest.approx(
        2 * stats.t.sf(abs(global_.correlation(x, y, pts).r) * np.sqrt(
            (global_.correlation(x, y, pts).n_effective - 2) / (1 - global_.correlation(x, y, pts).r ** 2)),
            global_.correlation(x, y, pts).n_effective - 2), rel=1e-9)
