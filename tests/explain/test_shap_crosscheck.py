"""The project's contributions against the ``shap`` package, feature by feature, and the
``shap.Explanation`` export (``Explanation.to_shap``, ``Explainer.to_shap``) in SHAP's plots.

Tolerances: 1e-9 in log-odds, per feature and per client (measured: below 1e-15 for the tree
model, below 1e-12 for the logistic regression).
"""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest

from scoring_core.errors import ScoringError
from scoring_core.explain import Explainer
from scoring_core.explain.shap_export import explanations_to_shap, numeric_matrix
from scoring_core.service import ScoringService

shap = pytest.importorskip("shap", reason="shap is part of the test extra: pip install -e '.[test]'")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

ATOL = 1e-9


@pytest.fixture(scope="module")
def service(quick_result, train_dataset):
    return ScoringService(quick_result.model, train_dataset)


@pytest.fixture(scope="module")
def rows(service):
    return service.features.iloc[:300]


def _splits(booster) -> set[str]:
    kinds: set[str] = set()

    def walk(node):
        if "split_index" in node:
            kinds.add(node["decision_type"])
            walk(node["left_child"])
            walk(node["right_child"])

    for tree in booster.dump_model()["tree_info"]:
        walk(tree["tree_structure"])
    return kinds


def test_tree_contributions_match_shap_tree_explainer(service, rows):
    """``shap.TreeExplainer`` on the LightGBM booster, as a data scientist would call it."""
    model = service.model
    assert model.is_booster
    ours, base = service.explainer.contributions(rows)
    theirs = shap.TreeExplainer(model.estimator)(model.booster_input(rows))
    assert theirs.values.shape == ours.shape == (len(rows), len(model.feature_names))
    for j, feature in enumerate(model.feature_names):
        np.testing.assert_allclose(ours[:, j], theirs.values[:, j], atol=ATOL, rtol=0, err_msg=feature)
    np.testing.assert_allclose(base, theirs.base_values, atol=ATOL, rtol=0)


def test_tree_contributions_match_shaps_own_tree_shap(quick_result, train_tables):
    """For LightGBM, ``TreeExplainer`` hands the work to LightGBM's own TreeSHAP (the code the
    project calls too); SHAP's own C++ TreeSHAP on the parsed trees is an independent check.
    SHAP's tree parser does not read LightGBM's categorical splits, so this model (the project's
    features, categories as codes) splits on numbers only."""
    import lightgbm as lgb

    from scoring_core.model.scoring import ScoringModel

    builder = quick_result.model.builder
    X = builder.transform(train_tables)
    y = train_tables["application"]["TARGET"].to_numpy()
    params = {"objective": "binary", "num_leaves": 15, "verbose": -1, "num_threads": 2, "seed": 0}
    data = lgb.Dataset(numeric_matrix(X), y, feature_name=list(X.columns), categorical_feature=[])
    booster = lgb.train(params, data, num_boost_round=40)
    assert _splits(booster) == {"<="}
    rows = X.iloc[:300]
    ours, base = Explainer(ScoringModel(builder, booster, 0.1)).contributions(rows)
    explainer = shap.TreeExplainer(booster)
    explainer.model.model_type = "internal"  # skip the LightGBM shortcut: SHAP's own algorithm
    theirs = explainer.shap_values(numeric_matrix(rows), check_additivity=False)
    assert theirs.shape == ours.shape
    worst = np.abs(ours - theirs).max(axis=0)
    off = {f: float(w) for f, w in zip(X.columns, worst, strict=True) if w > ATOL}
    assert not off, f"features whose contributions differ from SHAP's TreeSHAP: {off}"
    assert (np.abs(ours) > 0).any(axis=0).sum() >= 10  # many features carry a contribution
    np.testing.assert_allclose(base, np.ravel(explainer.expected_value)[0], atol=ATOL, rtol=0)


def _logistic(train_tables, builder):
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

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
        ],
        sparse_threshold=0,
    )
    return X, Pipeline([("prep", prep), ("clf", LogisticRegression(max_iter=300, C=0.1))]).fit(X, y)


def test_linear_contributions_match_shap_linear_explainer(train_tables, quick_result):
    from scoring_core.model.scoring import ScoringModel

    X, pipe = _logistic(train_tables, quick_result.model.builder)
    model = ScoringModel(quick_result.model.builder, pipe, 0.1)
    ours_explainer = Explainer(model).fit_reference(X)
    rows = X.iloc[:200]
    ours, base = ours_explainer.contributions(rows)

    Z = np.asarray(pipe[:-1].transform(X), dtype=float)
    clf = pipe[-1]
    masker = shap.maskers.Independent(Z, max_samples=len(Z))  # every training row: the exact mean
    lin = shap.LinearExplainer(clf, masker)
    per_column = lin.shap_values(np.asarray(pipe[:-1].transform(rows), dtype=float))
    # SHAP explains the model's input columns; a one-hot feature's share is the sum of its levels
    columns = [c.split("__", 1)[1] for c in pipe[:-1].get_feature_names_out()]
    theirs = np.zeros_like(ours)
    for j, feature in enumerate(model.feature_names):
        own = [
            k
            for k, c in enumerate(columns)
            if c == feature
            or (
                c.startswith(feature + "_")
                and not any(
                    c == g or c.startswith(g + "_") for g in model.feature_names if len(g) > len(feature)
                )
            )
        ]
        assert own, f"{feature} has no model input column"
        theirs[:, j] = per_column[:, own].sum(axis=1)
    for j, feature in enumerate(model.feature_names):
        np.testing.assert_allclose(ours[:, j], theirs[:, j], atol=ATOL, rtol=0, err_msg=feature)
    np.testing.assert_allclose(base, np.full(len(rows), lin.expected_value), atol=ATOL, rtol=0)
    np.testing.assert_allclose(base + ours.sum(axis=1), pipe.decision_function(rows), atol=ATOL)


def test_explanation_to_shap_draws_a_waterfall(service):
    cid = int(service.client_ids[0])
    e = service.explain(cid, top=None)
    sv = e.to_shap()
    assert isinstance(sv, shap.Explanation)
    assert sv.feature_names == service.model.feature_names
    assert sv.base_values == pytest.approx(e.base_value)
    assert sv.base_values + sv.values.sum() == pytest.approx(e.raw_score, abs=1e-9)
    row = service.features.loc[cid]
    j = service.model.feature_names.index("AMT_CREDIT")
    assert sv.data[j] == pytest.approx(float(row["AMT_CREDIT"]))
    shap.plots.waterfall(sv, max_display=10, show=False)
    ax = plt.gca()
    labels = [t.get_text() for t in ax.get_yticklabels()]
    top = max(e.contributions, key=lambda c: abs(c.shap)).feature
    assert any(top in label for label in labels), labels
    plt.close("all")


def test_batch_to_shap_feeds_beeswarm_and_scatter(service, rows):
    batch = service.explainer.to_shap(rows)
    assert batch.values.shape == (len(rows), len(service.model.feature_names))
    np.testing.assert_allclose(
        batch.base_values + batch.values.sum(axis=1), service.model.raw_score(rows), atol=1e-9
    )
    # the rows are the ones a single explanation gives, client by client
    one = service.explain(int(rows.index[7]), top=None).to_shap()
    np.testing.assert_allclose(batch.values[7], one.values, atol=1e-12)
    np.testing.assert_allclose(batch.data, service.model.booster_input(rows), equal_nan=True)
    shap.plots.beeswarm(batch, max_display=8, show=False)
    plt.close("all")
    column = batch[:, "AMT_CREDIT"]
    assert column.values.shape == (len(rows),)
    shap.plots.scatter(column, show=False)
    plt.close("all")


def test_batch_refuses_rows_that_are_not_the_models_features(service, rows):
    with pytest.raises(ScoringError, match="missing: AMT_CREDIT"):
        explanations_to_shap(service.explainer, rows.drop(columns="AMT_CREDIT"))
    with pytest.raises(ScoringError, match="order differs"):
        explanations_to_shap(service.explainer, rows[rows.columns[::-1]])


def test_numeric_matrix_codes_categories():
    X = pd.DataFrame({"a": [1.5, None], "c": pd.Categorical(["x", None], categories=["w", "x"])})
    np.testing.assert_array_equal(numeric_matrix(X), np.array([[1.5, 1.0], [np.nan, np.nan]]))


def test_the_core_does_not_import_shap():
    """shap is an extra: importing the library (explanations included) never loads it."""
    import subprocess
    import sys

    code = (
        "import sys, scoring_core, scoring_core.explain, scoring_core.explain.shap_export, scoring_core.service; "
        "sys.exit('shap' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
