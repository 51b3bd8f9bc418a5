"""Concepts: every feature in exactly one; explanations grouped by concept add up exactly."""

from __future__ import annotations

import json

import numpy as np
import pytest

from scoring_core.explain import CONCEPTS, OTHER_FEATURES, Explainer, concept_label, concept_of
from scoring_core.explain import concepts as C
from scoring_core.service import ScoringService


@pytest.fixture(scope="module")
def service(quick_result, train_dataset):
    return ScoringService(quick_result.model, train_dataset)


@pytest.fixture(scope="module")
def builder_features(quick_result, train_tables) -> list[str]:
    """Every feature the builder produces on the synthetic data (all seven tables)."""
    return list(quick_result.model.builder.transform(train_tables).columns)


def _matching_concepts(name: str) -> set[str]:
    """Every concept some rule would give ``name`` (exact names, prefixes, building suffixes)."""
    found = set()
    if name in C._EXACT:
        found.add(C._EXACT[name])
    else:  # exact names win over prefixes by design; among prefixes, all must agree
        found |= {key for prefix, key in C._PREFIXES if name.startswith(prefix)}
    if any(name.endswith(s) and name[: -len(s)] in C._BUILDING_BASES for s in C._BUILDING_SUFFIXES):
        found.add("housing_region")
    return found


def test_every_builder_feature_maps_to_exactly_one_concept(builder_features):
    assert len(builder_features) > 300
    unmapped = [f for f in builder_features if C.concept_rule(f) is None]
    assert unmapped == []
    ambiguous = {f: s for f in builder_features if len(s := _matching_concepts(f)) != 1}
    assert ambiguous == {}
    keys = {c.key for c in CONCEPTS}
    assert {concept_of(f) for f in builder_features} == keys  # and every concept is used


def test_concepts_have_names_in_both_languages():
    assert 5 <= len(CONCEPTS) <= 10
    for c in CONCEPTS:
        assert concept_label(c.key, "en") and concept_label(c.key, "fr")
        assert concept_label(c.key, "en") != concept_label(c.key, "fr")
    with pytest.raises(KeyError):
        concept_label("nope")


def test_unknown_feature_is_counted_once_with_a_warning(caplog):
    concept_of.cache_clear()
    with caplog.at_level("WARNING", logger="scoring_core.explain.concepts"):
        assert concept_of("SOME_NEW_FEATURE") == "contact_documents"
    assert "SOME_NEW_FEATURE" in caplog.text


def _check_groups(e, names):
    total = e.base_value + sum(g.shap for g in e.groups)
    assert total == pytest.approx(e.raw_score, abs=1e-9)
    assert e.base_probability + sum(g.points for g in e.groups) == pytest.approx(e.probability, abs=1e-9)
    seen = [c.feature for g in e.groups for c in g.features]
    assert len(seen) == len(set(seen))  # each feature in one group only
    for g in e.groups:
        assert {concept_of(c.feature) for c in g.features} <= {g.group}
        assert sum(c.shap for c in g.features) == pytest.approx(g.shap, abs=1e-9)
    assert [abs(g.shap) for g in e.groups] == sorted((abs(g.shap) for g in e.groups), reverse=True)
    assert OTHER_FEATURES not in [g.group for g in e.groups]


def test_groups_add_up_exactly_lightgbm(service):
    for cid in service.client_ids[:30]:
        _check_groups(service.explain(int(cid), top=None), service.model.feature_names)


def test_groups_stay_exact_when_contributions_are_folded(service):
    cid = int(service.client_ids[4])
    full = service.explain(cid, top=None)
    top = service.explain(cid, top=3)
    assert [(g.group, g.shap) for g in top.groups] == [(g.group, g.shap) for g in full.groups]
    for g in top.groups:
        assert len(g.features) <= 4
        assert sum(c.shap for c in g.features) == pytest.approx(g.shap, abs=1e-9)


def test_groups_add_up_exactly_linear(train_tables, quick_result):
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
    imp = Pipeline(
        [("imp", SimpleImputer(strategy="median", keep_empty_features=True)), ("sc", StandardScaler())]
    )
    oh = Pipeline(
        [("imp", SimpleImputer(strategy="most_frequent")), ("oh", OneHotEncoder(handle_unknown="ignore"))]
    )
    prep = ColumnTransformer([("num", imp, nums), ("cat", oh, cats)])
    pipe = Pipeline([("prep", prep), ("clf", LogisticRegression(max_iter=300, C=0.1))]).fit(X, y)
    ex = Explainer(ScoringModel(builder, pipe, 0.1)).fit_reference(X)
    for i in range(10):
        e = ex.explain(X.iloc[[i]])
        _check_groups(e, list(X.columns))
        assert e.raw_score == pytest.approx(float(pipe.decision_function(X.iloc[[i]])[0]), abs=1e-8)


def test_explanation_json_carries_groups_and_labels(service):
    cid = int(service.client_ids[1])
    for lang in ("en", "fr"):
        d = service.explain(cid, top=5, lang=lang).to_dict()
        json.dumps(d)
        assert d["base_value"] + sum(g["shap"] for g in d["groups"]) == pytest.approx(
            service.explain(cid, top=None).raw_score, abs=1e-9
        )
        labels = {c.key: c.label(lang) for c in CONCEPTS}
        for g in d["groups"]:
            assert set(g) == {"group", "label", "shap", "points", "features"}
            assert g["label"] == labels[g["group"]]
            for f in g["features"]:
                assert f["label"] and (f["group"] == g["group"] or f["feature"] == OTHER_FEATURES)
        for c in d["contributions"]:
            assert {"feature", "label", "group", "value", "shap", "points"} <= set(c)
            if c["feature"] != OTHER_FEATURES:
                assert c["group"] == concept_of(c["feature"])
    fr = service.explain(cid, top=5, lang="fr").to_dict()
    assert (
        fr["contributions"][0]["label"] != service.explain(cid, top=5).to_dict()["contributions"][0]["label"]
    )


def test_no_concept_swallows_the_explanation(service):
    """With every feature in a named concept there is no 'other features' bar at concept level."""
    shares = []
    for cid in service.client_ids[:50]:
        e = service.explain(int(cid), top=None)
        a = np.abs([g.shap for g in e.groups])
        shares.append(np.sort(a)[::-1][:5].sum() / a.sum())
    assert np.median(shares) > 0.8
