from __future__ import annotations

import gzip
import shutil
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from scoring_core.data import DataWarning, find_table_file, load_dataset, normalize_table, read_table
from scoring_core.data.schema import SCHEMAS
from scoring_core.errors import (
    ColumnTypeError,
    DataError,
    DuplicateKeyError,
    MissingColumnError,
    MissingTableError,
)


def _app(n: int = 5) -> pd.DataFrame:
    """A hand-made application_train table with the quirks of the real data."""
    df = pd.DataFrame({c: np.nan for c in SCHEMAS["application_train"].columns}, index=range(n))
    df["SK_ID_CURR"] = np.arange(100001, 100001 + n)
    df["TARGET"] = [0, 1, 0, 0, 1][:n]
    df["AMT_INCOME_TOTAL"] = 150000.0
    df["AMT_CREDIT"] = [300000.0, 500000.0, 250000.0, 100000.0, 90000.0][:n]
    df["AMT_ANNUITY"] = 15000.0
    df["AMT_GOODS_PRICE"] = 270000.0
    df["DAYS_BIRTH"] = -12000
    df["DAYS_EMPLOYED"] = [-1000, 365243, -200, -3000, 365243][:n]
    df["CODE_GENDER"] = ["F", "M", "XNA", "F", "M"][:n]
    df["ORGANIZATION_TYPE"] = ["Self-employed", "XNA", "Medicine", "XNA", "Other"][:n]
    df["NAME_CONTRACT_TYPE"] = "Cash loans"
    for c in SCHEMAS["application_train"].categorical:
        if df[c].isna().all():
            df[c] = df[c].astype(object)
    return df


def _write(df: pd.DataFrame, path: Path) -> Path:
    name = path.name
    if name.endswith(".parquet"):
        df.to_parquet(path, index=False)
    elif name.endswith(".csv.gz"):
        with gzip.open(path, "wt") as f:
            df.to_csv(f, index=False)
    elif name.endswith(".zip"):
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr(name.replace(".zip", "").replace(".csv", "") + ".csv", df.to_csv(index=False))
    else:
        df.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".csv.gz", ".zip", ".csv.zip", ".parquet"])
def test_each_format_loads_the_same(tmp_path, suffix):
    df = _app()
    path = _write(df, tmp_path / f"application_train{suffix}")
    assert find_table_file(tmp_path, "application_train") == path
    out = read_table(path, "application_train")
    assert list(out.columns) == list(SCHEMAS["application_train"].columns)
    assert out["SK_ID_CURR"].dtype == np.int32
    assert out["TARGET"].dtype == np.int8
    assert out["AMT_CREDIT"].dtype == np.float32
    assert isinstance(out["CODE_GENDER"].dtype, pd.CategoricalDtype)
    assert out["AMT_CREDIT"].tolist() == df["AMT_CREDIT"].tolist()


def test_quirks_are_missing_values(tmp_path):
    out = read_table(_write(_app(), tmp_path / "application_train.csv"), "application_train")
    # DAYS_EMPLOYED = 365243 means "not employed": missing, not a date 1000 years ahead
    assert out["DAYS_EMPLOYED"].isna().tolist() == [False, True, False, False, True]
    # XNA is a missing value, not a category
    assert "XNA" not in out["CODE_GENDER"].cat.categories
    assert out["CODE_GENDER"].isna().tolist() == [False, False, True, False, False]
    assert out["ORGANIZATION_TYPE"].isna().sum() == 2


def test_missing_required_column_names_table_and_column(tmp_path):
    path = _write(_app().drop(columns=["AMT_CREDIT"]), tmp_path / "application_train.csv")
    with pytest.raises(MissingColumnError, match=r"application_train.*AMT_CREDIT"):
        read_table(path, "application_train")


def test_missing_optional_column_warns_and_is_missing(tmp_path):
    path = _write(
        _app().drop(columns=["EXT_SOURCE_1", "OCCUPATION_TYPE"]), tmp_path / "application_train.csv"
    )
    with pytest.warns(DataWarning, match="EXT_SOURCE_1"):
        out = read_table(path, "application_train")
    assert out["EXT_SOURCE_1"].isna().all() and out["OCCUPATION_TYPE"].isna().all()
    assert list(out.columns) == list(SCHEMAS["application_train"].columns)


def test_extra_columns_are_ignored(tmp_path):
    df = _app().assign(MY_NOTE="x", SCORE=1.0)
    out = read_table(_write(df, tmp_path / "application_train.parquet"), "application_train")
    assert "MY_NOTE" not in out.columns and "SCORE" not in out.columns


def test_duplicate_client_id(tmp_path):
    df = _app()
    df.loc[3, "SK_ID_CURR"] = df.loc[0, "SK_ID_CURR"]
    with pytest.raises(DuplicateKeyError, match=r"application_train.*SK_ID_CURR.*100001"):
        read_table(_write(df, tmp_path / "application_train.csv"), "application_train")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_wrong_type_names_column(tmp_path, suffix):
    df = _app()
    df["AMT_CREDIT"] = df["AMT_CREDIT"].astype(str)
    df.loc[2, "AMT_CREDIT"] = "lots"
    with pytest.raises(ColumnTypeError, match=r"application_train.*AMT_CREDIT.*numeric") as exc:
        read_table(_write(df, tmp_path / f"application_train{suffix}"), "application_train")
    assert exc.value.column == "AMT_CREDIT"


def test_bad_target_value(tmp_path):
    df = _app()
    df.loc[0, "TARGET"] = 2
    with pytest.raises(ColumnTypeError, match="TARGET"):
        read_table(_write(df, tmp_path / "application_train.csv"), "application_train")


def test_missing_id_is_an_error():
    df = _app()
    df["SK_ID_CURR"] = df["SK_ID_CURR"].astype(float)
    df.loc[1, "SK_ID_CURR"] = np.nan
    with pytest.raises(ColumnTypeError, match="SK_ID_CURR.*missing"):
        normalize_table(df, "application_train")


def test_normalize_accepts_strings_of_numbers():
    df = _app().astype({"AMT_CREDIT": str})
    out = normalize_table(df, "application_train")
    assert out["AMT_CREDIT"].dtype == np.float32 and out["AMT_CREDIT"].iloc[0] == 300000


def test_zip_with_two_files_is_refused(tmp_path):
    with zipfile.ZipFile(tmp_path / "application_train.zip", "w") as z:
        z.writestr("a.csv", "SK_ID_CURR\n1\n")
        z.writestr("b.csv", "SK_ID_CURR\n2\n")
    with pytest.raises(DataError, match="exactly one CSV"):
        read_table(tmp_path / "application_train.zip", "application_train")


def test_two_files_for_one_table_is_ambiguous(tmp_path):
    _write(_app(), tmp_path / "application_train.csv")
    _write(_app(), tmp_path / "application_train.parquet")
    with pytest.raises(DataError, match="several files"):
        find_table_file(tmp_path, "application_train")


def test_dataset_missing_directory(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        load_dataset(tmp_path / "nope")


def test_dataset_without_application_table(tmp_path):
    with pytest.raises(MissingTableError, match="application"):
        load_dataset(tmp_path)


def test_dataset_require_train(tmp_path, synth_dir):
    shutil.copy(synth_dir / "application_test.csv", tmp_path)
    with pytest.raises(MissingTableError, match="application_train"):
        load_dataset(tmp_path, require_train=True)
    with pytest.warns(DataWarning, match="not found"):
        assert load_dataset(tmp_path).test is not None


def test_dataset_missing_history_table_warns(tmp_path, synth_dir):
    for p in synth_dir.glob("*.csv"):
        if p.stem != "bureau_balance":
            shutil.copy(p, tmp_path)
    with pytest.warns(DataWarning, match="bureau_balance"):
        ds = load_dataset(tmp_path)
    assert ds.tables["bureau_balance"] is None
    assert ds.tables["bureau"] is not None and len(ds.history) == 6


def test_dataset_applications_all(synth_dir):
    ds = load_dataset(synth_dir)
    allapps = ds.applications("all")
    assert len(allapps) == len(ds.train) + len(ds.test)
    assert allapps["TARGET"].isna().sum() == len(ds.test)
    assert allapps["SK_ID_CURR"].is_unique
    ft = ds.feature_tables("train")
    assert set(ft) == {"application", *ds.history}


def test_cache_is_used_and_invalidated(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    path = _write(_app(), tmp_path / "application_train.csv")
    first = read_table(path, "application_train", cache_dir=cache)
    entries = list(cache.glob("*.parquet"))
    assert len(entries) == 1
    # a second read comes from the cache (the source is not parsed again)
    monkeypatch.setattr("scoring_core.data.loader._read_csv", lambda *a: pytest.fail("source re-read"))
    pd.testing.assert_frame_equal(read_table(path, "application_train", cache_dir=cache), first)
    monkeypatch.undo()
    # changing the file invalidates the entry
    df = _app()
    df["AMT_CREDIT"] = 1.0
    _write(df, path)
    import os

    os.utime(path, ns=(1, 1))
    assert read_table(path, "application_train", cache_dir=cache)["AMT_CREDIT"].eq(1.0).all()


def test_history_tables_load_with_schema_dtypes(synth_dir):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DataWarning)
        ds = load_dataset(synth_dir)
    for name, df in ds.tables.items():
        schema = SCHEMAS[name]
        assert list(df.columns) == list(schema.columns), name
        for c in schema.ids:
            assert df[c].dtype == np.int32
        for c in schema.numeric:
            assert df[c].dtype == np.float32, (name, c)
    # previous_application: 365243 dates are missing values
    assert not (ds.tables["previous_application"]["DAYS_FIRST_DRAWING"] == 365243).any()
