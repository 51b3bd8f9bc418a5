"""compare_frames: planted shifts are flagged, the rest stays stable; JSON contract; bad input."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from scoring_core.drift import (
    DriftParams,
    EmptyDataError,
    NoCommonColumnsError,
    SchemaMismatchError,
    compare_frames,
)
from scoring_core.errors import ScoringError

SHIFTED = ("AMT_INCOME_TOTAL", "NAME_CONTRACT_TYPE")  # by the `planted` fixture


def test_planted_shifts_flagged_untouched_columns_stable(planted):
    ref, cur = planted
    report = compare_frames(ref, cur, progress=False)
    assert len(report.features) == ref.shape[1] - 2  # SK_ID_CURR and TARGET excluded
    assert {"SK_ID_CURR", "TARGET"}.isdisjoint(report.names)
    drifted = {f.name for f in report.features if f.drift}
    assert drifted == set(SHIFTED)
    assert all(f.status == "stable" for f in report.features if f.name not in SHIFTED)
    income, contract = report.feature("AMT_INCOME_TOTAL"), report.feature("NAME_CONTRACT_TYPE")
    assert (income.kind, income.stat_name) == ("numeric", "ks") and income.p_value < 1e-10
    assert (contract.kind, contract.stat_name) == ("categorical", "chi2") and contract.wasserstein is None
    assert contract.bins.labels[:2] == ["Cash loans", "Revolving loans"]
    assert contract.bins.current[1] > 3 * contract.bins.reference[1]
    assert report.names[:2] == sorted(SHIFTED, key=lambda n: -report.feature(n).psi)  # by PSI
    # 2 of 120 columns: not a dataset drift by the share rule, unless the share is lowered
    assert not report.dataset_drift and report.summary["drift"] == 2
    low = compare_frames(ref, cur, params=DriftParams(drift_share=0.01), progress=False)
    assert low.dataset_drift and "columns drifted" in low.reasons[0]


def test_same_distribution_is_stable(halves):
    ref, cur = halves
    report = compare_frames(ref, cur, progress=False)
    assert not report.dataset_drift and report.summary["stable"] == len(report.features)
    # a many-level column's PSI is inflated by sampling noise: the noise bound keeps it stable
    org = report.feature("ORGANIZATION_TYPE")
    assert org.psi >= DriftParams().psi_watch and org.psi <= org.psi_noise and org.status == "stable"


def test_json_contract(planted):
    report = compare_frames(*planted, progress=False)
    d = json.loads(report.to_json())
    assert isinstance(d["dataset_drift"], bool)
    assert len(d["features"]) == len(report.features)
    for f in d["features"]:
        assert isinstance(f["name"], str)
        assert f["kind"] in ("numeric", "categorical")
        assert f["stat_name"] == {"numeric": "ks", "categorical": "chi2"}[f["kind"]]
        assert isinstance(f["statistic"], float) and isinstance(f["psi"], float)
        assert isinstance(f["drift"], bool)
        assert f["status"] in ("stable", "watch", "drift")
    text = report.to_json()
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == report.to_dict()


def test_strict_json_with_missing_values():
    ref = pd.DataFrame({"x": [np.nan] * 5, "y": [1.0, 2, 3, 4, 5]})
    cur = pd.DataFrame({"x": [1.0, 2, np.nan], "y": [1.0, 1, 1]})
    report = compare_frames(ref, cur, progress=False)
    x = report.to_dict()["features"][report.names.index("x")]
    assert x["p_value"] is None and x["wasserstein"] is None and x["statistic"] == 0.0
    assert x["missing_reference"] == 1.0
    json.loads(report.to_json())  # allow_nan=False would raise on any NaN


def test_empty_current(halves):
    ref, cur = halves
    with pytest.raises(EmptyDataError, match="current data is empty"):
        compare_frames(ref, cur.iloc[:0], progress=False)


def test_missing_column_is_named(halves):
    ref, cur = halves
    with pytest.raises(SchemaMismatchError, match="missing from the current data: AMT_ANNUITY") as e:
        compare_frames(ref, cur.drop(columns=["AMT_ANNUITY"]), progress=False)
    assert e.value.columns == ["AMT_ANNUITY"]
    assert isinstance(e.value, ScoringError)


def test_kind_mismatch_is_named(halves):
    ref, cur = halves
    cur = cur.assign(AMT_CREDIT=cur["AMT_CREDIT"].astype(str))
    with pytest.raises(
        SchemaMismatchError, match="AMT_CREDIT is numeric in the reference data but categorical"
    ):
        compare_frames(ref, cur, progress=False)


def test_no_common_columns():
    with pytest.raises(NoCommonColumnsError, match="no column in common"):
        compare_frames(pd.DataFrame({"a": [1.0]}), pd.DataFrame({"b": [1.0]}), progress=False)
    with pytest.raises(NoCommonColumnsError):  # only excluded columns
        compare_frames(pd.DataFrame({"SK_ID_CURR": [1]}), pd.DataFrame({"SK_ID_CURR": [2]}), progress=False)
