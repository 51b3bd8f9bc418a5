"""Fairness check: rates per group on hand-made values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_core.errors import DataError
from scoring_core.fairness import (
    UNKNOWN,
    age_band,
    disparate_impact,
    fairness_table,
    gender_group,
    group_columns,
    join_groups,
    sensitive_inputs,
)

# group A: 6 clients, 2 defaulters (one approved), 4 good clients (one refused) -> 4/6 approved
# group B: 3 clients, 1 defaulter (refused), 2 good clients (both approved)    -> 2/3 approved
# group C: 2 clients, 1 defaulter (approved), 1 good client (approved)         -> 2/2 approved
Y = [1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0]
P = [0.9, 0.2, 0.7, 0.1, 0.3, 0.4, 0.8, 0.1, 0.2, 0.3, 0.05]
G = ["A"] * 6 + ["B"] * 3 + ["C"] * 2


def test_rates_per_group():
    t = fairness_table(Y, P, 0.5, G, min_size=3).set_index("group")
    assert t["n"].tolist() == [6, 3, 2]
    assert t["defaults"].tolist() == [2, 1, 1]
    assert t.loc["A", "approval_rate"] == pytest.approx(4 / 6)
    assert t.loc["A", "fnr"] == pytest.approx(1 / 2)  # one of two defaulters approved
    assert t.loc["A", "fpr"] == pytest.approx(1 / 4)  # one of four good clients refused
    assert t.loc["B", "approval_rate"] == pytest.approx(2 / 3)
    assert (t.loc["B", "fnr"], t.loc["B", "fpr"]) == (0.0, 0.0)
    assert (t.loc["C", "approval_rate"], t.loc["C", "fnr"], t.loc["C", "fpr"]) == (1.0, 1.0, 0.0)
    assert t.loc["A", "default_rate"] == pytest.approx(2 / 6)
    assert t.loc["A", "mean_probability"] == pytest.approx(np.mean(P[:6]))
    assert t["share"].sum() == pytest.approx(1.0)


def test_ratios_to_the_reference_group():
    t = fairness_table(Y, P, 0.5, G, min_size=3).set_index("group")
    assert t["reference"].tolist() == [True, False, False]  # the largest group by default
    assert t.loc["B", "approval_ratio"] == pytest.approx((2 / 3) / (4 / 6))
    assert t.loc["C", "approval_ratio"] == pytest.approx(1.0 / (4 / 6))
    assert t.loc["C", "fnr_diff"] == pytest.approx(1.0 - 0.5)
    assert t.loc["B", "fpr_diff"] == pytest.approx(0.0 - 0.25)
    assert t["small"].tolist() == [False, False, True]
    by_b = fairness_table(Y, P, 0.5, G, reference="B").set_index("group")
    assert by_b.loc["A", "approval_ratio"] == pytest.approx((4 / 6) / (2 / 3))
    assert by_b.loc["B", "fnr_diff"] == 0.0


def test_disparate_impact_leaves_small_and_unknown_groups_out():
    t = fairness_table(Y, P, 0.5, G, min_size=3)
    assert disparate_impact(t) == pytest.approx((2 / 3) / (4 / 6))  # C is too small
    assert disparate_impact(t, include_small=True) == pytest.approx((2 / 3) / 1.0)
    t2 = fairness_table([0, 1, 0, 1], [0.1, 0.9, 0.9, 0.9], 0.5, ["F", "F", None, None], min_size=1)
    assert t2["group"].tolist() == ["F", UNKNOWN]
    assert np.isnan(disparate_impact(t2))  # one known group only


def test_threshold_is_refuse_at_or_above():
    t = fairness_table([0, 0], [0.5, 0.49], 0.5, ["A", "A"])
    assert t.loc[0, "approval_rate"] == 0.5 and t.loc[0, "fpr"] == 0.5


def test_category_order_is_kept_and_empty_groups_dropped():
    groups = pd.Categorical(["55+", "<25", "<25"], categories=["<25", "25-34", "55+"])
    t = fairness_table([0, 1, 0], [0.1, 0.2, 0.3], 0.5, groups)
    assert t["group"].tolist() == ["<25", "55+"]
    assert np.isnan(t.set_index("group").loc["55+", "fnr"])  # no defaulter: undefined, not 0


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"y_true": [0, 1], "proba": [0.1], "groups": ["A", "A"]}, "differ in length"),
        ({"y_true": [], "proba": [], "groups": []}, "empty"),
        ({"threshold": 1.5}, "threshold"),
        ({"reference": "Z"}, "reference group 'Z'"),
    ],
)
def test_bad_input(kwargs, message):
    args = {"y_true": [0, 1], "proba": [0.1, 0.9], "threshold": 0.5, "groups": ["A", "B"]} | kwargs
    with pytest.raises(ValueError, match=message):
        fairness_table(
            args.pop("y_true"), args.pop("proba"), args.pop("threshold"), args.pop("groups"), **args
        )


def test_age_bands_at_the_boundaries():
    years = np.array([18, 24.99, 25, 34.99, 35, 45, 54.99, 55, 80])
    bands = age_band(-years * 365.25)
    assert list(bands) == ["<25", "<25", "25-34", "25-34", "35-44", "45-54", "45-54", "55+", "55+"]
    assert list(age_band([np.nan])) == [UNKNOWN]


def test_gender_groups():
    assert list(gender_group(["F", "M", "XNA", None, "f"])) == ["F", "M", UNKNOWN, UNKNOWN, "F"]


def test_join_groups_checks_the_clients(raw_tables):
    from scoring_core.data import normalize_table

    apps = normalize_table(raw_tables["application_train"], "application_train")
    scores = apps[["SK_ID_CURR", "TARGET"]].head(50).assign(probability=0.1)
    joined = join_groups(scores, apps)
    expected = group_columns(apps).iloc[:50]
    assert joined["gender"].tolist() == expected["gender"].tolist()
    assert joined["age_band"].tolist() == expected["age_band"].tolist()
    wrong = scores.assign(TARGET=1 - scores["TARGET"])
    with pytest.raises(DataError, match="another TARGET"):
        join_groups(wrong, apps)
    with pytest.raises(DataError, match="not in the application table"):
        join_groups(scores.assign(SK_ID_CURR=scores["SK_ID_CURR"] + 10**8), apps)


def test_sensitive_inputs():
    imp = [{"feature": "EXT_SOURCE_3", "mean_abs_shap": 0.3}, {"feature": "AGE_YEARS", "mean_abs_shap": 0.1}]
    t = sensitive_inputs(["EXT_SOURCE_3", "AGE_YEARS", "CODE_GENDER", "AMT_CREDIT"], imp)
    assert t[["attribute", "feature"]].values.tolist() == [["gender", "CODE_GENDER"], ["age", "AGE_YEARS"]]
    assert t.set_index("feature").loc["AGE_YEARS", "rank"] == 2
    assert pd.isna(t.set_index("feature").loc["CODE_GENDER", "rank"])
