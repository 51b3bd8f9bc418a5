"""The demo shift changes the named columns only (the layering, that the library never imports UI or
web code, is tests/test_layering.py)."""

from __future__ import annotations

import pytest

from scoring_core.drift import DriftError, shift_applications


def test_shift_touches_only_named_columns(halves):
    _, cur = halves
    out = shift_applications(cur, seed=3)  # the demo shift
    changed = [c for c in cur.columns if not out[c].equals(cur[c])]
    assert sorted(changed) == ["AMT_INCOME_TOTAL", "EXT_SOURCE_2", "EXT_SOURCE_3", "NAME_CONTRACT_TYPE"]
    assert (out["AMT_INCOME_TOTAL"] == cur["AMT_INCOME_TOTAL"] * 1.5).all()
    ext = out["EXT_SOURCE_3"].dropna()
    assert ext.min() >= cur["EXT_SOURCE_3"].min() and ext.mean() < cur["EXT_SOURCE_3"].mean() - 0.1
    assert (out["NAME_CONTRACT_TYPE"] == "Revolving loans").sum() > (
        cur["NAME_CONTRACT_TYPE"] == "Revolving loans"
    ).sum()
    assert out is not cur and cur["AMT_INCOME_TOTAL"].equals(halves[1]["AMT_INCOME_TOTAL"])


def test_shift_errors_name_the_column(halves):
    _, cur = halves
    with pytest.raises(DriftError, match="NOPE"):
        shift_applications(cur, scale={"NOPE": 2.0}, add={}, move={})
    with pytest.raises(DriftError, match="CODE_GENDER: not numeric"):
        shift_applications(cur, scale={"CODE_GENDER": 2.0}, add={}, move={})
    with pytest.raises(DriftError, match="'Z'"):
        shift_applications(cur, scale={}, add={}, move={"CODE_GENDER": ("Z", "F", 0.5)})
