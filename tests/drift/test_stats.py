"""Per-column statistics: bins, PSI known values, tests, normalised distance."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from scoring_core.drift import (
    MISSING_LABEL,
    OTHER_LABEL,
    DriftParams,
    categorical_binning,
    chi2_test,
    ks_test,
    normalized_wasserstein,
    numeric_binning,
    psi,
    psi_noise_bound,
    psi_status,
)


def test_psi_known_values():
    # (0.4 - 0.5) ln(0.4 / 0.5) + (0.6 - 0.5) ln(0.6 / 0.5)
    assert psi(np.array([50, 50]), np.array([40, 60])) == pytest.approx(
        0.1 * math.log(0.5 / 0.4) + 0.1 * math.log(0.6 / 0.5)
    )
    # counts, not shares: scaling one side changes nothing
    assert psi(np.array([5, 5]), np.array([400, 600])) == pytest.approx(0.0405465, abs=1e-7)
    # an empty bin counts as a share of eps: (0.5 - 1) ln(0.5 / 1) + (0.5 - 1e-4) ln(0.5 / 1e-4)
    expected = -0.5 * math.log(0.5) + (0.5 - 1e-4) * math.log(0.5 / 1e-4)
    assert psi(np.array([100, 0]), np.array([50, 50]), eps=1e-4) == pytest.approx(expected)
    assert psi(np.array([3, 7, 0]), np.array([30, 70, 0])) == 0.0
    a, b = np.array([10, 20, 70]), np.array([30, 30, 40])
    assert psi(a, b) == pytest.approx(psi(b, a))  # symmetric


def test_psi_thresholds_and_noise():
    p = DriftParams()
    assert [psi_status(v, 0.0, p) for v in (0.05, 0.1, 0.25, 0.2501)] == ["stable", "watch", "watch", "drift"]
    assert psi_status(0.4, 0.5, p) == "stable"  # within sampling noise
    assert psi_status(0.4, None, p) == "drift"
    small = psi_noise_bound(np.full(10, 10), np.full(10, 10))
    large = psi_noise_bound(np.full(10, 30_751), np.full(10, 4_874))
    assert small > 0.3 and large < 0.001


def test_noise_bound_holds_false_alarms_near_alpha():
    rng = np.random.default_rng(42)
    alarms = 0
    for _ in range(300):  # two samples of 150 from the same distribution
        r = np.bincount(rng.integers(0, 10, 150), minlength=10)
        c = np.bincount(rng.integers(0, 10, 150), minlength=10)
        alarms += psi(r, c) > psi_noise_bound(r, c, alpha=0.01)
    assert alarms <= 9  # 1% expected (3 of 300)


def test_numeric_bins_from_reference_quantiles():
    ref = np.arange(1000, dtype=float)
    b = numeric_binning(ref, ref + 50, bins=10)
    assert len(b.labels) == 10 and MISSING_LABEL not in b.labels
    assert b.reference.tolist() == [100] * 10
    assert b.current.sum() == 1000 and b.current[-1] == 150  # shifted mass lands in the top bin
    # a flag: duplicate quantile edges merged into two bins; missing values get their own bin
    flag = np.r_[np.zeros(90), np.ones(10)]
    b = numeric_binning(flag, np.r_[np.zeros(40), np.ones(40), [np.nan] * 20])
    assert b.labels == ["≤ 0", "> 0", MISSING_LABEL]
    assert b.reference.tolist() == [90, 10, 0] and b.current.tolist() == [40, 40, 20]
    # a constant column: one bin, PSI 0 against itself
    c = numeric_binning(np.full(50, 3.0), np.full(20, 3.0))
    assert len(c.labels) == 2 and psi(c.reference, c.current) == 0.0


def test_categorical_buckets_other_unseen_and_missing():
    ref = pd.Series(["a"] * 6 + ["b"] * 3 + ["rare"] + [None] * 2, dtype="category")
    cur = pd.Series(["a"] * 2 + ["new"] * 5 + [None] * 5)
    b = categorical_binning(ref, cur, max_levels=2)
    assert b.labels == ["a", "b", OTHER_LABEL, MISSING_LABEL]
    assert b.reference.tolist() == [6, 3, 1, 2]
    assert b.current.tolist() == [2, 0, 5, 5]
    same = categorical_binning(ref, ref)
    assert OTHER_LABEL not in same.labels and psi(same.reference, same.current) == 0.0


def test_tests_and_distance():
    rng = np.random.default_rng(0)
    x = rng.normal(size=2000)
    stat, p = ks_test(x, x)
    assert stat == 0.0 and p == pytest.approx(1.0)
    stat, p = ks_test(x, x + 1)
    assert stat > 0.3 and p < 1e-10
    assert ks_test(x, np.full(10, np.nan)) == (0.0, None)
    stat, p = chi2_test(np.array([500, 500]), np.array([100, 300]))
    assert stat > 50 and p < 1e-10
    assert chi2_test(np.array([5, 0]), np.array([7, 0])) == (0.0, None)
    ref = np.arange(1001, dtype=float)  # IQR 500
    w, scale = normalized_wasserstein(ref, ref + 500)
    assert scale == "iqr" and w == pytest.approx(1.0)
    flag = np.r_[np.zeros(95), np.ones(5)]  # IQR 0: the standard deviation instead
    w, scale = normalized_wasserstein(flag, np.r_[np.zeros(85), np.ones(15)])
    assert scale == "std" and w == pytest.approx(0.10 / flag.std())
    assert normalized_wasserstein(np.ones(10), np.zeros(10)) == (None, None)  # no spread


def test_bad_parameters_are_named():
    from scoring_core.drift import DriftError

    with pytest.raises(DriftError, match="psi_watch"):
        DriftParams(psi_watch=0.3, psi_drift=0.2)
    with pytest.raises(DriftError, match="bins"):
        DriftParams(bins=1)


@pytest.mark.parametrize("n1, n2", [(60, 90), (3000, 800)])
def test_same_values_as_scipy(n1, n2):
    from scipy import stats

    rng = np.random.default_rng(n1)
    a, b = np.round(rng.normal(size=n1), 2), np.round(rng.normal(0.1, 1.2, size=n2), 2)  # with ties
    a[:5] = np.nan  # missing values are left out of the test and the distance
    ok = a[~np.isnan(a)]
    d, p = ks_test(a, b)
    ref = stats.ks_2samp(ok, b, method="auto" if max(n1, n2) <= 1000 else "asymp")
    assert d == pytest.approx(ref.statistic) and p == pytest.approx(ref.pvalue)
    w, scale = normalized_wasserstein(a, b)
    q1, q3 = np.quantile(ok, [0.25, 0.75])
    assert scale == "iqr" and w == pytest.approx(stats.wasserstein_distance(ok, b) / (q3 - q1))
    cuts = numeric_binning(a, b).cuts
    assert cuts == list(np.unique(np.quantile(ok, np.arange(1, 10) / 10, method="inverted_cdf")))
