import time

import numpy as np
import pytest
from sklearn.model_selection import StratifiedKFold

from scoring_core.model.tuning import monotone_vector, tune_lightgbm


def test_tuning_respects_budget_and_improves_or_keeps_default(train_tables, quick_result):
    X = quick_result.model.features(train_tables)
    y = train_tables["application"]["TARGET"].to_numpy()
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    t0 = time.perf_counter()
    res = tune_lightgbm(X, y, folds, budget_seconds=8, max_trials=30, max_rounds=300, patience=30)
    elapsed = time.perf_counter() - t0
    assert elapsed < 8 + 2 * res.trials["seconds"].max() + 1
    assert len(res.trials) >= 1
    assert res.auc == pytest.approx(res.trials["auc"].max())
    assert res.auc >= res.trials.loc[res.trials.trial == 0, "auc"].iloc[0]  # never worse than defaults
    assert 1 <= res.n_estimators <= 300


def test_monotone_vector():
    assert monotone_vector(["a", "b", "c"], {"b": -1}) == [0, -1, 0]
    assert monotone_vector(["a"], None) is None
    with pytest.raises(ValueError, match="unknown"):
        monotone_vector(["a"], {"z": 1})
    with pytest.raises(ValueError, match="-1, 0 or 1"):
        monotone_vector(["a"], {"a": 2})


def test_tuned_parameters_come_from_the_search_space(train_tables, quick_result):
    from scoring_core.model.tuning import SEARCH_SPACE

    X = quick_result.model.features(train_tables)
    y = train_tables["application"]["TARGET"].to_numpy()
    folds = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    res = tune_lightgbm(X, y, folds, budget_seconds=60, max_trials=3, max_rounds=100, patience=20)
    for k, values in SEARCH_SPACE.items():
        assert res.params[k] in values or res.trials.iloc[0]["trial"] == 0
    assert np.isfinite(res.trials["auc"]).all()
