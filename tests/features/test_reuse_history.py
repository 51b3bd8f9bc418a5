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
