from __future__ import annotations

import filecmp

import numpy as np
import pandas as pd
import pytest

from scoring_core.data import load_dataset, normalize_table
from scoring_core.data.schema import SCHEMAS
from scoring_core.errors import ScoringError
from scoring_core.synth import SynthConfig, generate, generate_tables


def test_every_column_of_every_table(raw_tables):
    assert set(raw_tables) == set(SCHEMAS)
    for name, df in raw_tables.items():
        assert list(df.columns) == list(SCHEMAS[name].columns), name
        assert len(df) > 0, name


def test_sizes(raw_tables):
    assert len(raw_tables["application_train"]) == 600
    assert len(raw_tables["application_test"]) == 100  # about N/6
    ids = pd.concat([raw_tables["application_train"].SK_ID_CURR, raw_tables["application_test"].SK_ID_CURR])
    assert ids.is_unique


def test_keys_are_coherent(raw_tables):
    t = raw_tables
    clients = set(t["application_train"].SK_ID_CURR) | set(t["application_test"].SK_ID_CURR)
    for name in (
        "bureau",
        "previous_application",
        "POS_CASH_balance",
        "installments_payments",
        "credit_card_balance",
    ):
        assert set(t[name].SK_ID_CURR) <= clients, name
    assert t["bureau"].SK_ID_BUREAU.is_unique and t["previous_application"].SK_ID_PREV.is_unique
    assert set(t["bureau_balance"].SK_ID_BUREAU) <= set(t["bureau"].SK_ID_BUREAU)
    owner = t["previous_application"].set_index("SK_ID_PREV").SK_ID_CURR
    for name in ("POS_CASH_balance", "installments_payments", "credit_card_balance"):
        df = t[name]
        assert set(df.SK_ID_PREV) <= set(owner.index), name
        # monthly / instalment rows belong to a previous application of the same client
        assert (owner.loc[df.SK_ID_PREV].to_numpy() == df.SK_ID_CURR.to_numpy()).all(), name


def test_rows_are_plausible(raw_tables):
    app = raw_tables["application_train"]
    no_job = app.NAME_INCOME_TYPE.isin(["Pensioner", "Unemployed"])
    assert (app.loc[no_job, "DAYS_EMPLOYED"] == 365243).all()
    assert (app.loc[~no_job, "DAYS_EMPLOYED"] <= 0).all()
    assert (app.loc[no_job, "ORGANIZATION_TYPE"] == "XNA").all()
    age = -app.DAYS_BIRTH / 365.25
    assert age.between(18, 75).all()
    assert (app.loc[~no_job, "DAYS_EMPLOYED"].abs() / 365.25 <= age[~no_job] - 17.9).all()
    assert (app.CNT_FAM_MEMBERS.dropna() >= app.CNT_CHILDREN[app.CNT_FAM_MEMBERS.notna()] + 1).all()
    assert (app.AMT_CREDIT > 0).all() and (app.AMT_INCOME_TOTAL > 0).all()
    assert app.loc[app.FLAG_OWN_CAR == "N", "OWN_CAR_AGE"].isna().all()
    b = raw_tables["bureau"]
    active = b.CREDIT_ACTIVE == "Active"
    assert b.loc[active, "DAYS_ENDDATE_FACT"].isna().all()
    assert (
        b.loc[~active, "DAYS_ENDDATE_FACT"].dropna()
        >= b.loc[~active, "DAYS_CREDIT"][b.loc[~active, "DAYS_ENDDATE_FACT"].notna()]
    ).all()
    p = raw_tables["previous_application"]
    refused = p.NAME_CONTRACT_STATUS == "Refused"
    assert (p.loc[~refused, "CODE_REJECT_REASON"] == "XAP").all()
    assert (p.loc[refused, "CODE_REJECT_REASON"] != "XAP").all()
    ins = raw_tables["installments_payments"]
    assert (ins.DAYS_ENTRY_PAYMENT <= -1).all() and (ins.AMT_PAYMENT >= 0).all()
    bb = raw_tables["bureau_balance"]
    assert set(bb.STATUS) <= set("012345CX")
    assert bb.MONTHS_BALANCE.between(-96, 0).all()


def test_default_rate_and_risk_signal():
    t = generate_tables(5000, seed=3)
    app = t["application_train"]
    assert 0.06 <= app.TARGET.mean() <= 0.10
    # the latent risk shows in the application ...
    d, g = app[app.TARGET == 1], app[app.TARGET == 0]
    assert d.EXT_SOURCE_3.mean() < g.EXT_SOURCE_3.mean() - 0.03
    assert d.DAYS_BIRTH.mean() > g.DAYS_BIRTH.mean()  # defaulters are younger
    # ... and in the history tables
    y = app.set_index("SK_ID_CURR").TARGET
    ins = t["installments_payments"].assign(TARGET=lambda x: x.SK_ID_CURR.map(y)).dropna(subset=["TARGET"])
    late = (ins.DAYS_ENTRY_PAYMENT > ins.DAYS_INSTALMENT).groupby(ins.TARGET).mean()
    assert late[1] > late[0] * 1.2
    prev = t["previous_application"].assign(TARGET=lambda x: x.SK_ID_CURR.map(y)).dropna(subset=["TARGET"])
    refused = (prev.NAME_CONTRACT_STATUS == "Refused").groupby(prev.TARGET).mean()
    assert refused[1] > refused[0]


def test_same_seed_same_bytes(tmp_path):
    a, b, c = (generate(300, tmp_path / d, seed=s, progress=False) for d, s in (("a", 5), ("b", 5), ("c", 6)))
    for t, path in a.files.items():
        assert filecmp.cmp(path, b.files[t], shallow=False), t
    assert not filecmp.cmp(a.files["application_train"], c.files["application_train"], shallow=False)


def test_chunks_do_not_change_the_population_shape(tmp_path):
    small = generate_tables(500, seed=1, config=SynthConfig(chunk_size=128))
    assert len(small["application_train"]) == 500
    assert small["bureau"].SK_ID_BUREAU.is_unique and small["previous_application"].SK_ID_PREV.is_unique


def test_parquet_output_loads(tmp_path):
    summary = generate(200, tmp_path, seed=2, fmt="parquet", progress=False)
    assert all(p.suffix == ".parquet" for p in summary.files.values())
    ds = load_dataset(tmp_path)
    assert len(ds.train) == 200 and ds.train.TARGET.isin([0, 1]).all()
    assert not list(tmp_path.glob(".synth-*")), "temporary directory left behind"


def test_output_normalizes_without_warnings(raw_tables):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, df in raw_tables.items():
            out = normalize_table(df, name)
            assert len(out) == len(df)
    assert raw_tables["application_train"].ORGANIZATION_TYPE.eq("XNA").any()


def test_bad_arguments(tmp_path):
    with pytest.raises(ScoringError):
        generate(0, tmp_path)
    with pytest.raises(ScoringError, match="format"):
        generate(10, tmp_path, fmt="xlsx")
    f = tmp_path / "file"
    f.write_text("x")
    with pytest.raises(ScoringError, match="not a directory"):
        generate(10, f)


def test_numeric_ranges_follow_calibration(raw_tables):
    app = raw_tables["application_train"]
    for col in ("EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3", "REGION_POPULATION_RELATIVE"):
        v = app[col].dropna()
        assert v.between(0, 1).all(), col
    assert np.isclose(app.EXT_SOURCE_1.isna().mean(), 0.56, atol=0.08)
