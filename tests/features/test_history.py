"""History aggregates on the hand-made tables (see conftest.py), with hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_core.features import FeatureBuilder

NAN = np.nan


@pytest.fixture
def features(tables):
    return FeatureBuilder().fit_transform(tables)


def check(features, client, expected):
    for name, value in expected.items():
        actual = features.loc[client, name]
        if np.isnan(value):
            assert np.isnan(actual), f"{name}: expected NaN, got {actual}"
        else:
            assert actual == pytest.approx(value, rel=1e-6), name


def test_bureau_all_active_closed_recent(features):
    check(features, 1, {
        "BUREAU_COUNT": 3,
        "BUREAU_AMT_CREDIT_SUM_SUM": 4500,
        "BUREAU_AMT_CREDIT_SUM_DEBT_SUM": 1000,
        "BUREAU_TOTAL_DEBT_CREDIT_RATIO": 1000 / 4500,
        "BUREAU_DAYS_CREDIT_MEAN": -1600 / 3,
        "BUREAU_DAYS_CREDIT_VAR": np.var([-100, -500, -1000], ddof=1),
        "BUREAU_DEBT_CREDIT_RATIO_MAX": 0.4,
        "BUREAU_ACTIVE_COUNT": 2,
        "BUREAU_ACTIVE_AMT_CREDIT_SUM_DEBT_SUM": 1000,
        "BUREAU_ACTIVE_AMT_CREDIT_SUM_OVERDUE_SUM": 10,
        "BUREAU_ACTIVE_DEBT_CREDIT_RATIO": 0.25,
        "BUREAU_CLOSED_COUNT": 1,
        "BUREAU_CLOSED_AMT_CREDIT_SUM_SUM": 500,
        "BUREAU_RECENT_COUNT": 1,
        "BUREAU_RECENT_AMT_CREDIT_SUM_SUM": 1000,
        "BUREAU_CREDIT_ACTIVE_ACTIVE_SHARE": 2 / 3,
        "BUREAU_CREDIT_TYPE_CONSUMER_CREDIT_SHARE": 2 / 3,
    })  # fmt: skip
    # client 2: only a closed credit with unknown debt
    check(features, 2, {
        "BUREAU_COUNT": 1,
        "BUREAU_ACTIVE_COUNT": 0,  # counts of an empty set are 0 ...
        "BUREAU_ACTIVE_AMT_CREDIT_SUM_DEBT_SUM": NAN,  # ... other aggregates are missing
        "BUREAU_AMT_CREDIT_SUM_DEBT_SUM": NAN,
        "BUREAU_DAYS_CREDIT_VAR": NAN,  # a single value
        "BUREAU_CREDIT_ACTIVE_CLOSED_SHARE": 1.0,
    })  # fmt: skip


def test_bureau_balance_through_bureau(features):
    # credit 11: 0, 1, 2, C (2 months past due, worst 2); credit 12: X, 0; credit 13: no months
    check(features, 1, {
        "BB_CREDITS_COUNT": 2,
        "BB_MONTHS_SUM": 6,
        "BB_MONTHS_MEAN": 3,
        "BB_DPD_MONTHS_SUM": 2,
        "BB_DPD_SHARE": 2 / 6,
        "BB_CREDIT_DPD_SHARE_MEAN": (0.5 + 0.0) / 2,
        "BB_WORST_STATUS_MAX": 2,
        "BB_ACTIVE_WORST_STATUS_MAX": 2,
        "BB_FIRST_MONTH_MIN": -20,
        "BB_RECENT_MONTHS_SUM": 5,  # month -20 is out of the 12-month window
        "BB_RECENT_DPD_SHARE": 2 / 5,
        "BB_STATUS_0_SHARE": 2 / 6,
        "BB_STATUS_X_SHARE": 1 / 6,
        "BB_STATUS_C_SHARE": 1 / 6,
    })  # fmt: skip
    check(features, 2, {"BB_CREDITS_COUNT": 1, "BB_DPD_SHARE": 1.0, "BB_WORST_STATUS_MAX": 5})


def test_previous_applications(features):
    check(features, 1, {
        "PREV_COUNT": 3,
        "PREV_APPROVED_COUNT": 1,
        "PREV_REFUSED_COUNT": 2,
        "PREV_REFUSAL_RATE": 2 / 3,
        "PREV_REFUSED_AMT_APPLICATION_SUM": 80,
        "PREV_APPROVED_AMT_CREDIT_SUM": 125,
        "PREV_APP_CREDIT_RATIO_MEAN": (0.8 + 1.0) / 2,  # 50 / 0 is missing, not inf
        "PREV_APP_CREDIT_RATIO_MAX": 1.0,
        "PREV_RECENT_COUNT": 2,
        "PREV_RECENT_REFUSED_COUNT": 1,
        "PREV_RECENT_REFUSAL_RATE": 0.5,
        "PREV_NAME_CONTRACT_STATUS_REFUSED_SHARE": 2 / 3,
        "PREV_NAME_CONTRACT_TYPE_CONSUMER_LOANS_SHARE": 1 / 3,
    })  # fmt: skip
    check(features, 2, {"PREV_COUNT": 0, "PREV_REFUSED_COUNT": 0, "PREV_REFUSAL_RATE": NAN})


def test_installments(features):
    check(features, 1, {
        "INST_COUNT": 4,
        "INST_LATE_RATE": 1 / 3,  # the row without payment counts in neither part
        "INST_LATE_COUNT": 1,
        "INST_DAYS_LATE_MAX": 10,
        "INST_DAYS_LATE_MEAN": 10 / 3,
        "INST_DAYS_EARLY_MAX": 5,
        "INST_UNDERPAYMENT_RATE": 1 / 3,
        "INST_UNDERPAYMENT_AMT_SUM": 20,
        "INST_PAYMENT_RATIO_MEAN": 2.8 / 3,
        "INST_PAYMENT_RATIO_MIN": 0.8,
        "INST_AMT_INSTALMENT_SUM": 400,
        "INST_AMT_PAYMENT_SUM": 280,
        "INST_TOTAL_PAYMENT_RATIO": 0.7,
        "INST_RECENT_COUNT": 4,
    })  # fmt: skip


def test_pos_cash(features):
    check(features, 1, {
        "POS_COUNT": 3,
        "POS_SK_DPD_MAX": 5,
        "POS_DPD_SHARE": 1 / 3,
        "POS_RECENT_COUNT": 2,
        "POS_RECENT_SK_DPD_MAX": 5,
        "POS_LAST_MONTH_COUNT": 1,
        "POS_LAST_MONTH_CNT_INSTALMENT_FUTURE_SUM": 6,
        "POS_REMAINING_RATIO_MIN": 0,
        "POS_NAME_CONTRACT_STATUS_COMPLETED_SHARE": 1 / 3,
    })  # fmt: skip


def test_credit_card(features):
    check(features, 2, {
        "CC_COUNT": 2,
        "CC_UTILISATION_MEAN": 0.5,  # 0 / 0 is missing
        "CC_UTILISATION_MAX": 0.5,
        "CC_BELOW_MIN_PAYMENT_RATE": 1.0,  # the month without minimum is not counted
        "CC_DPD_SHARE": 0.5,
        "CC_SK_DPD_MAX": 3,
        "CC_LAST_MONTH_UTILISATION": 0.5,
    })  # fmt: skip
    check(features, 1, {"CC_COUNT": 0, "CC_UTILISATION_MEAN": NAN})


def test_client_without_history(features):
    row = features.loc[3]
    history = [
        c for c in features.columns if c.startswith(("BUREAU_", "BB_", "PREV_", "POS_", "INST_", "CC_"))
    ]
    counts = [c for c in history if c.endswith("_COUNT")]
    assert len(counts) > 10
    assert (row[counts] == 0).all()
    assert row[[c for c in history if c not in counts]].isna().all()


def test_rows_of_other_clients_are_ignored(tables):
    features = FeatureBuilder().fit_transform(tables)
    # levels seen only in rows of client 99 give no share feature
    assert "BUREAU_CREDIT_TYPE_MORTGAGE_SHARE" not in features.columns
    assert "CC_NAME_CONTRACT_STATUS_DEMAND_SHARE" not in features.columns
    # and dropping those rows changes nothing
    for name, frame in tables.items():
        if name == "bureau_balance":
            tables[name] = frame[frame["SK_ID_BUREAU"] != 99]
        elif name != "application":
            tables[name] = frame[frame["SK_ID_CURR"] != 99]
    pd.testing.assert_frame_equal(FeatureBuilder().fit_transform(tables), features)


def test_row_order_does_not_matter(tables):
    features = FeatureBuilder().fit_transform(tables)
    rng = np.random.default_rng(0)
    shuffled = {name: frame.iloc[rng.permutation(len(frame))] for name, frame in tables.items()}
    result = FeatureBuilder().fit_transform(shuffled)
    pd.testing.assert_frame_equal(result.loc[features.index], features)
