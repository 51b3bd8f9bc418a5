import numpy as np
from scipy.stats import ks_2samp

from scoring_core.synth.marginals import CategoricalMarginal, NumericMarginal, latent


def test_numeric_marginal_atoms_and_continuous_part():
    rng = np.random.default_rng(0)
    m = NumericMarginal(
        {
            "missing": 0.1,
            "integer": True,
            "atoms": {"365243.0": 0.2},
            "quantiles": list(np.linspace(-5000, -10, 21)),
        }
    )
    v = m.sample(rng.standard_normal(50_000), rng)
    assert abs(np.isnan(v).mean() - 0.1) < 0.01
    ok = v[~np.isnan(v)]
    assert abs((ok == 365243).mean() - 0.2) < 0.01
    rest = ok[ok != 365243]
    # no value invented in the gap between the continuous part and the atom
    assert rest.max() <= -10 and rest.min() >= -5000
    assert np.all(np.mod(ok, 1) == 0)
    assert ks_2samp(rest, rng.uniform(-5000, -10, 20_000)).statistic < 0.02


def test_only_atoms():
    rng = np.random.default_rng(1)
    m = NumericMarginal({"missing": 0.0, "atoms": {"0.0": 0.7, "1.0": 0.2, "2.0": 0.1}, "quantiles": []})
    v = m.sample(rng.standard_normal(40_000), rng)
    assert set(np.unique(v)) == {0.0, 1.0, 2.0}
    assert abs((v == 1).mean() - 0.2) < 0.01


def test_categorical_marginal_follows_risk_order():
    rng = np.random.default_rng(2)
    m = CategoricalMarginal({"levels": {"a": 0.5, "b": 0.3, "c": 0.2}, "risk_order": ["c", "a", "b"]})
    risk = rng.standard_normal(40_000)
    v = m.sample(latent(rng, len(risk), [(0.8, risk)]), rng)
    assert abs((v == "a").mean() - 0.5) < 0.01
    # the level with the highest default rate ("b") goes to the riskiest clients
    assert risk[v == "b"].mean() > 0.5 > risk[v == "c"].mean()


def test_latent_is_standard_normal():
    rng = np.random.default_rng(3)
    f = rng.standard_normal(100_000)
    g = latent(rng, len(f), [(0.9, f), (0.9, rng.standard_normal(len(f)))])
    assert abs(g.std() - 1) < 0.02 and abs(g.mean()) < 0.02
