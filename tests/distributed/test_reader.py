"""Pieces of a table file: together exactly the rows the in-memory loader reads, in order."""

from __future__ import annotations

import gzip
import shutil
import warnings

import pandas as pd
import pytest

from scoring_core.data import read_table
from scoring_core.distributed.reader import read_piece, table_pieces


def _read_all(path, table, **kwargs) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pieces = table_pieces(path, table=table, **kwargs)
        parts = [read_piece(p, table) for p in pieces]
    return pieces, pd.concat(parts, ignore_index=True)


@pytest.mark.parametrize("block", [997, 20_011, 10**9])
def test_csv_byte_ranges_cover_every_row_once(dask_dirs, block):
    path = dask_dirs["csv"] / "bureau.csv"
    pieces, got = _read_all(path, "bureau", block=block)
    expected = read_table(path, "bureau")
    assert len(pieces) >= (2 if block < 10**6 else 1)
    for a, b in zip(got.columns, expected.columns, strict=True):
        assert a == b
        if isinstance(expected[b].dtype, pd.CategoricalDtype):  # categories differ by piece
            assert got[a].astype(str).tolist() == expected[b].astype(str).tolist()
        else:
            pd.testing.assert_series_equal(got[a], expected[b], check_exact=True)


def test_parquet_row_groups(dask_dirs):
    path = dask_dirs["parquet"] / "previous_application.parquet"
    pieces, got = _read_all(path, "previous_application", rows=1)
    assert len(pieces) > 1 and all(p.kind == "parquet" for p in pieces)
    expected = read_table(path, "previous_application")
    pd.testing.assert_frame_equal(
        got.astype({c: str for c in got.select_dtypes("category")}),
        expected.astype({c: str for c in expected.select_dtypes("category")}),
        check_exact=True,
    )


def test_header_only_csv_has_no_rows(dask_dirs, tmp_path):
    path = tmp_path / "application_test.csv"
    path.write_text((dask_dirs["csv"] / "application_test.csv").read_text().splitlines()[0] + "\n")
    _, got = _read_all(path, "application_test")
    expected = read_table(path, "application_test")
    assert len(got) == 0 and (got.dtypes == expected.dtypes).all()


def test_compressed_csv_is_one_piece(dask_dirs, tmp_path):
    path = tmp_path / "bureau.csv.gz"
    with open(dask_dirs["csv"] / "bureau.csv", "rb") as src, gzip.open(path, "wb") as dst:
        shutil.copyfileobj(src, dst)
    pieces, got = _read_all(path, "bureau")
    assert [p.kind for p in pieces] == ["file"]
    assert len(got) == len(read_table(dask_dirs["csv"] / "bureau.csv", "bureau"))
