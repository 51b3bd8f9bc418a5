"""Application domain features on hand-made rows with hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_core.features import DOMAIN_FEATURES, FeatureBuilder
from scoring_core.features.domain import APPLICATION_NUMERIC, application_numeric, domain_features

NAN = np.nan

EXPECTED = {
    # client 1: plain values; client 2: zero / missing denominators, not employed
    "CREDIT_TERM": [20.0, NAN],
    "CREDIT_GOODS_RATIO": [1.25, NAN],
    "CREDIT_GOODS_DIFF": [40_000.0, NAN],
    "ANNUITY_INCOME_RATIO": [0.1, NAN],
    "CREDIT_INCOME_RATIO": [2.0, NAN],
    "INCOME_PER_FAMILY_MEMBER": [50_000.0, NAN],
    "CHILDREN_RATIO": [0.5, NAN],
    "AGE_YEARS": [20.0, 40.0],
    "YEARS_EMPLOYED": [2.0, NAN],
    "YEARS_REGISTRATION": [10.0, NAN],
    "YEARS_ID_PUBLISH": [4.0, NAN],
    "EMPLOYED_AGE_RATIO": [0.1, NAN],
    "REGISTRATION_AGE_RATIO": [0.5, NAN],
    "ID_PUBLISH_AGE_RATIO": [0.2, NAN],
    "PHONE_CHANGE_AGE_RATIO": [NAN, NAN],
    "NOT_EMPLOYED": [0.0, 1.0],
    "CAR_AGE_RATIO": [0.25, NAN],
    "EXT_SOURCES_MEAN": [0.5, 0.5],
    "EXT_SOURCES_MIN": [0.25, 0.5],
    "EXT_SOURCES_MAX": [0.75, 0.5],
    "EXT_SOURCES_STD": [np.sqrt(0.125 / 3), 0.0],
    "EXT_SOURCES_PROD": [0.09375, NAN],
    "EXT_SOURCES_WEIGHTED": [3.25, NAN],
    "EXT_SOURCES_NAN_COUNT": [0.0, 2.0],
    "DOCUMENT_COUNT": [2.0, 0.0],
    "REGION_MISMATCH_COUNT": [NAN, NAN],
    "CREDIT_BUREAU_REQUESTS": [NAN, NAN],
    "SOCIAL_DEF_30_RATIO": [NAN, NAN],
}


def test_expected_covers_every_domain_feature():
    assert set(EXPECTED) | {"SOCIAL_DEF_60_RATIO"} == set(DOMAIN_FEATURES)


def test_domain_features_by_hand(tables):
    values = domain_features(application_numeric(tables["application"]))
    assert values.dtype == np.float32
    assert values.shape == (3, len(DOMAIN_FEATURES))
    for name, expected in EXPECTED.items():
        actual = values[:2, DOMAIN_FEATURES.index(name)]
        np.testing.assert_allclose(actual, expected, rtol=1e-6, err_msg=name)
    assert not np.isinf(values).any()


def test_domain_features_in_builder_output(tables):
    features = FeatureBuilder().fit_transform(tables)
    assert features.loc[1, "CREDIT_TERM"] == np.float32(20.0)
    assert np.isnan(features.loc[2, "CREDIT_TERM"])
    assert features.loc[2, "NOT_EMPLOYED"] == 1.0
    assert features.loc[3, "NOT_EMPLOYED"] == 0.0


def test_absent_optional_columns_read_as_missing():
    app = pd.DataFrame({"SK_ID_CURR": [1], "AMT_CREDIT": [100.0], "AMT_ANNUITY": [0.0]})
    numeric = application_numeric(app)
    assert numeric.shape == (1, len(APPLICATION_NUMERIC))
    values = domain_features(numeric)
    assert np.isnan(values[0, DOMAIN_FEATURES.index("CREDIT_TERM")])  # division by zero
    assert values[0, DOMAIN_FEATURES.index("NOT_EMPLOYED")] == 1.0


@pytest.mark.parametrize("annuity", [0.0, -0.0])
def test_zero_denominator_is_nan_not_inf(annuity):
    app = pd.DataFrame({"AMT_CREDIT": [100.0], "AMT_ANNUITY": [annuity], "AMT_INCOME_TOTAL": [0.0]})
    values = domain_features(application_numeric(app))
    assert not np.isinf(values).any()
