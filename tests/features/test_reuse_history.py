"""A what-if reuses the client's history features instead of recomputing them: the feature
rows must be exactly those of the full computation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_core.explain.whatif import what_if_features


@pytest.fixture(scope="module")
def service(quick_result, train_dataset):
    from scoring_core.service import ScoringService

    return ScoringService(quick_result.model, train_dataset)


@pytest.mark.parametrize(
    "changes",
    [
        {"AMT_CREDIT": 300000.0},
        {"AMT_CREDIT": 90000.0, "AMT_ANNUITY": 9000.0},
        {"AMT_INCOME_TOTAL": 54000.0, "EXT_SOURCE_2": 0.2},
    ],
)
def test_reused_history_gives_the_full_computation(service, changes):
    rng = np.random.default_rng(0)
    ids = rng.choice(service.features.index.to_numpy(), 25, replace=False)
    for cid in ids:
        cid = int(cid)
        tables = service.store.client_tables(cid)
        full = what_if_features(service.model, tables, changes, service.pricing)
        fast = what_if_features(
            service.model, tables, changes, service.pricing, history=service.features.loc[[cid]]
        )
        pd.testing.assert_frame_equal(fast, full)


def test_unchanged_application_gives_the_stored_row(service):
    cid = int(service.features.index[3])
    app = service.store.client_tables(cid)["application"]
    X = service.model.builder.transform({"application": app}, history=service.features.loc[[cid]])
    pd.testing.assert_frame_equal(X, service.features.loc[[cid]])


def test_history_of_another_client_is_refused(service):
    a, b = (int(i) for i in service.features.index[:2])
    app = service.store.client_tables(a)["application"]
    with pytest.raises(ValueError, match="history features missing"):
        service.model.builder.transform({"application": app}, history=service.features.loc[[b]])


@pytest.mark.parametrize(
    "changes",
    [
        {"AMT_CREDIT": 300000.0, "CNT_PAYMENT": 24},
        {"NAME_CONTRACT_TYPE": "Revolving loans", "CODE_GENDER": "XNA", "DAYS_EMPLOYED": None},
        {"NAME_EDUCATION_TYPE": "Higher education", "EXT_SOURCE_3": None, "OWN_CAR_AGE": 3},
    ],
)
def test_service_what_if_is_the_full_computation(service, changes):
    """The service's what-if (cached normalized row, only the changed columns converted, history
    reused) scores and explains exactly as the whole-row normalization and full features."""
    from scoring_core.explain.local import Explainer

    explainer = Explainer(service.model)
    for cid in service.features.index.to_numpy()[:12]:
        cid = int(cid)
        for _ in range(2):  # the second time from the cache
            e = service.what_if(cid, changes, top=None)
        full = what_if_features(service.model, service.store.client_tables(cid), changes, service.pricing)
        ref = explainer.explain(full, client_id=cid)
        assert e.probability == ref.probability
        assert [c.value for c in e.contributions] == pytest.approx(
            [c.value for c in ref.contributions], nan_ok=True
        )
        assert [c.shap for c in e.contributions] == [c.shap for c in ref.contributions]


def test_what_if_cache_is_bounded(quick_result, train_dataset):
    from scoring_core.service import ScoringService

    small = ScoringService(quick_result.model, train_dataset, what_if_cache=3)
    ids = [int(i) for i in small.features.index[:5]]
    for cid in ids:
        small.what_if(cid, {"AMT_CREDIT": 100000.0})
    assert [k[1] for k in small._prepared] == ids[-3:]
    small.what_if(ids[2], {"AMT_CREDIT": 100000.0})  # a hit moves to the end
    assert [k[1] for k in small._prepared] == [ids[3], ids[4], ids[2]]
    none = ScoringService(quick_result.model, train_dataset, what_if_cache=0)
    none.what_if(ids[0], {"AMT_CREDIT": 100000.0})
    assert not none._prepared
