"""Change over time and the distribution functions, against scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from jin_plugin.core.stats.change import compare_counts
from jin_plugin.core.stats.colocation import hot_combinations
from jin_plugin.core.stats.distributions import betainc, binom_two_sided, norm_sf, t_two_sided
from jin_plugin.core.stats.smoothing import empirical_bayes


def test_distributions_match_scipy():
    z = np.array([-3.2, -1.0, 0.0, 0.5, 1.96, 4.0])
    np.testing.assert_allclose(norm_sf(z), stats.norm.sf(z), rtol=1e-12)
    for t, df in ((0.3, 3.0), (2.1, 17.5), (5.0, 120.0), (-1.7, 8.0)):
        assert t_two_sided(t, df) == pytest.approx(2 * stats.t.sf(abs(t), df), rel=1e-10)
    assert betainc(2.5, 0.5, 0.3) == pytest.approx(stats.beta.cdf(0.3, 2.5, 0.5), rel=1e-10)
    for k, n in ((3, 10), (40, 60), (0, 7), (55, 100)):
        assert binom_two_sided(k, n) == pytest.approx(stats.binomtest(k, n, 0.5).pvalue, rel=1e-9)


def test_change_between_periods_never_invents_zeros():
    before = np.array([10, 0, 30, np.nan, 5])
    after = np.array([25, 4, 31, 12, np.nan])
    change = compare_counts(before, after)
    np.testing.assert_array_equal(change.difference[:3], [15, 4, 1])
    assert np.isnan(change.difference[3]) and np.isnan(change.p_value[3]) and np.isnan(change.p_value[4])
    assert np.isnan(change.ratio[1]) and change.ratio[0] == 2.5
    assert change.p_value[0] == pytest.approx(stats.binomtest(25, 35, 0.5).pvalue)
    assert change.significant.tolist() == [True, False, False, False, False]


def test_hot_spot_combinations_are_counted():
    hot = {"a": np.array([1, 1, 0, 1], bool), "b": np.array([1, 1, 1, 0], bool), "c": np.array([1, 0, 0, 1], bool)}
    per_area, counts = hot_combinations(hot)
    assert per_area.tolist() == ["a + b + c", "a + b", "b", "a + c"]
    assert counts == {"a + b + c": 1, "a + b": 2, "a + c": 2, "b + c": 1}


def test_smoothing_refuses_empty_denominators():
    with pytest.raises(ValueError, match="positive denominator"):
        empirical_bayes(np.array([1.0, 2.0]), np.array([10.0, 0.0]))
