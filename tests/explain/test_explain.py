from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_core.errors import UnknownClientError
from scoring_core.explain import ACTIONABLE_FIELDS, OTHER_FEATURES, Explainer, WhatIfError, counterfactual
from scoring_core.service import ScoringService


@pytest.fixture(scope="module")
def service(quick_result, train_dataset):
    ds = train_dataset
    return ScoringService(quick_result.model, ds)


def test_tree_additivity_is_exact(service):
    X = service.features.iloc[:200]
    contrib, base = service.explainer.contributions(X)
    raw = service.model.raw_score(X)
    np.testing.assert_allclose(base + contrib.sum(axis=1), raw, atol=1e-9)


def test_top_k_folds_the_rest_exactly(service):
    cid = int(service.client_ids[3])
    full = service.explain(cid, top=None)
    top = service.explain(cid, top=5)
    assert len(top.contributions) == 6 and top.contributions[-1].feature == OTHER_FEATURES
    assert top.base_value + sum(c.shap for c in top.contributions) == pytest.approx(full.raw_score, abs=1e-9)
    assert top.base_probability + sum(c.points for c in top.contributions) == pytest.approx(
        top.probability, abs=1e-9
    )
    assert top.probability == pytest.approx(service.score(cid)["probability"])


def test_linear_additivity_is_exact(train_tables, quick_result):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    from scoring_core.model.scoring import ScoringModel

    builder = quick_result.model.builder
    X = builder.transform(train_tables)
    y = train_tables["application"]["TARGET"].to_numpy()
    cats = list(X.select_dtypes("category").columns)
    nums = [c for c in X.columns if c not in cats]
    prep = ColumnTransformer(
        [
            ("num", Pipeline([("imp", SimpleImputer(strategy="median")), ("sc", StandardScaler())]), nums),
            (
                "cat",
                Pipeline(
                    [
                        ("imp", SimpleImputer(strategy="most_frequent")),
                        ("oh", OneHotEncoder(handle_unknown="ignore")),
                    ]
                ),
                cats,
            ),
        ]
    )
    pipe = Pipeline([("prep", prep), ("clf", LogisticRegression(max_iter=300, C=0.1))]).fit(X, y)
    model = ScoringModel(builder, pipe, 0.1)
    ex = Explainer(model).fit_reference(X)
    contrib, base = ex.contributions(X.iloc[:50])
    logit = pipe.decision_function(X.iloc[:50])
    np.testing.assert_allclose(base + contrib.sum(axis=1), logit, atol=1e-8)
    e = ex.explain(X.iloc[[0]])
    assert e.probability == pytest.approx(pipe.predict_proba(X.iloc[[0]])[0, 1])


def test_reasons_agree_in_sign_with_concepts(service):
    for cid in service.client_ids[:20]:
        e = service.explain(int(cid), top=None)
        by_group = {g.group: g.shap for g in e.groups}
        assert e.reasons
        for text in e.reasons:
            assert text.endswith("raises the risk") or text.endswith("lowers the risk")
        from scoring_core.explain.reasons import reasons

        rs = reasons(e, service.population, limit=None)
        assert len({r.group for r in rs}) == len(rs)  # one reason per concept at most
        assert [abs(r.shap) for r in rs] == sorted((abs(r.shap) for r in rs), reverse=True)
        for r in rs:
            assert r.direction == (1 if by_group[r.group] > 0 else -1)
            assert r.text.endswith("raises the risk" if r.direction > 0 else "lowers the risk")


def test_reasons_in_french(service):
    e = service.explain(int(service.client_ids[0]), lang="fr")
    assert all(r.endswith("augmente le risque") or r.endswith("diminue le risque") for r in e.reasons)


def test_explanation_json_contract(service):
    d = service.explain(int(service.client_ids[1]), top=4).to_dict()
    assert set(d) >= {
        "client_id",
        "probability",
        "threshold",
        "decision",
        "base_value",
        "contributions",
        "reasons",
    }
    assert all(set(c) >= {"feature", "value", "shap"} for c in d["contributions"])
    import json

    json.dumps(d)


def test_unknown_client(service):
    with pytest.raises(UnknownClientError):
        service.explain(999_999_999)
    with pytest.raises(UnknownClientError):
        service.score("abc")


def test_what_if_recomputes_derived_features(service):
    cid = int(service.client_ids[2])
    base = service.explain(cid, top=None)
    credit = service.profile(cid)["AMT_CREDIT"]
    changed = service.what_if(cid, {"AMT_CREDIT": credit * 2}, top=None)
    X = service.feature_row(cid)
    from scoring_core.explain.whatif import what_if_features

    X2 = what_if_features(service.model, service.client_tables(cid), {"AMT_CREDIT": credit * 2})
    assert X2["AMT_CREDIT"].iloc[0] == pytest.approx(credit * 2)
    assert X2["CREDIT_TERM"].iloc[0] == pytest.approx(2 * X["CREDIT_TERM"].iloc[0], rel=1e-5)
    # history features are unchanged
    hist = [c for c in X.columns if c.startswith(("BUREAU_", "PREV_", "INST_"))]
    pd.testing.assert_frame_equal(X2[hist].reset_index(drop=True), X[hist].reset_index(drop=True))
    assert changed.probability != base.probability


def test_what_if_bad_input(service):
    cid = int(service.client_ids[2])
    with pytest.raises(WhatIfError, match="TARGET|not an editable"):
        service.what_if(cid, {"TARGET": 0})
    with pytest.raises(WhatIfError, match="AMT_CREDIT"):
        service.what_if(cid, {"AMT_CREDIT": "a lot"})
    with pytest.raises(WhatIfError, match="NOPE"):
        service.what_if(cid, {"NOPE": 1})


@pytest.fixture(scope="module")
def full_service(train_tables, train_dataset):
    """A model with enough trees to react to loan amounts (the quick one has a handful)."""
    from scoring_core.model.training import TrainConfig, train

    result = train(train_tables, TrainConfig(tune=False, folds=3, seed=1), progress=False)
    ds = train_dataset
    return ScoringService(result.model, ds)


def test_counterfactual_crosses_the_threshold_with_actionable_fields_only(full_service):
    service = full_service
    probs = service.probabilities
    refused = probs[probs >= service.model.threshold].sort_values().index[:25]  # nearest the threshold first
    assert len(refused)
    found = 0
    for cid in refused:
        cf = service.counterfactual(int(cid))
        assert set(cf.changes) <= set(ACTIONABLE_FIELDS)
        if cf.found:
            found += 1
            assert cf.probability < service.model.threshold
            # really crosses: rescoring the suggested application agrees
            e = service.what_if(int(cid), cf.changes)
            assert e.probability == pytest.approx(cf.probability, abs=1e-9)
            assert e.decision == "approve"
        else:
            assert "no credit amount" in cf.message
    assert found >= 1


def test_counterfactual_for_an_approved_client(service):
    approved = service.probabilities[service.probabilities < service.model.threshold].index[0]
    cf = counterfactual(service.model, service.client_tables(int(approved)))
    assert cf.found and cf.changes == {}


def test_population_comparison(service):
    cid = int(service.client_ids[5])
    comp = service.compare(cid, "EXT_SOURCES_MEAN")
    assert 0 <= comp.percentile_all <= 100 and len(comp.bins) == len(comp.counts_all) + 1
    assert sum(comp.counts_all) >= sum(comp.counts_repaid) + sum(comp.counts_defaulted) - 1
    cat = service.compare(cid, "NAME_EDUCATION_TYPE")
    assert cat.categories and "all" in cat.categories


def test_profile_never_shows_the_outcome(service):
    p = service.profile(int(service.client_ids[0]))
    assert "TARGET" not in p and p["AMT_CREDIT"] > 0


def test_reason_sentences():
    from scoring_core.explain import reason_text

    # a young client (a high stored DAYS_BIRTH is a low age)
    en = reason_text("DAYS_BIRTH", -8000.0, +1, 90.0, "en", group="age_family")
    assert en == "Age, family and social circle — Age: 21\u00a0years (below 90% of clients) — raises the risk"
    fr = reason_text("AMT_ANNUITY", 60000.0, +1, 95.0, "fr")
    assert fr.startswith(
        "Mensualité du crédit : 60\u202f000\u00a0€ par mois (au-dessus de 95\u00a0% des clients)"
    )
    assert fr.endswith("augmente le risque")
    low = reason_text("EXT_SOURCE_3", 0.21, +1, 15.0, "en")
    assert low.startswith("External credit score 3: 0.21 (below 85% of clients)")
    flag = reason_text("FLAG_DOCUMENT_3", 1.0, -1, 40.0, "en")
    assert flag == "Document 3 provided: yes — lowers the risk"
    assert reason_text("EXT_SOURCE_1", None, +1, None, "fr").startswith(
        "Score de crédit externe 1 non disponible"
    )
    # dates read as durations the right way round, never ranked
    phone = reason_text("DAYS_LAST_PHONE_CHANGE", -1100.0, +1, 90.0, "en")
    assert phone == "Last phone change: 3\u00a0years ago — raises the risk"
    end = reason_text("BUREAU_DAYS_CREDIT_ENDDATE_MAX", 33.0, -1, 10.0, "fr")
    assert "dans 33\u00a0jours" in end and "dessous" not in end
    assert reason_text("BUREAU_AMT_CREDIT_SUM_SUM", float("nan"), 1, None, "en").startswith(
        "No credit bureau record"
    )


def test_explanation_values_read_off_the_booster_input(service):
    """A tree model's explanation takes the row's values from the booster's input matrix: the
    same values (types included) and contributions as the data-frame row."""
    X = service.features.iloc[:40]
    X = X.assign(
        NAME_CONTRACT_TYPE=X["NAME_CONTRACT_TYPE"].where(np.arange(len(X)) % 3 > 0)
    )  # missing levels
    assert isinstance(service.model.booster_input(X.iloc[[0]]), np.ndarray)  # the path under test
    for i in range(len(X)):
        row = X.iloc[[i]]
        e = service.explainer.explain(row)
        expected = row.iloc[0].tolist()
        got = [c.value for c in e.contributions]
        assert [type(v) for v in got] == [type(v) for v in expected]
        assert [None if v != v else v for v in got] == [None if v != v else v for v in expected]
        contrib, base = service.explainer.contributions(row)
        assert [c.shap for c in e.contributions] == contrib[0].tolist()
        assert e.base_value == float(base[0])
