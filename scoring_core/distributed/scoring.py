"""Batch scoring on Dask: every partition of clients through the model's own
:meth:`~scoring_core.model.ScoringModel.score_tables` (its fitted builder, booster,
calibrator, threshold and grades)."""

from __future__ import annotations

import os
from pathlib import Path

import dask.dataframe as dd
import pandas as pd

from ..errors import ScoringError
from ..model.scoring import ScoringModel
from .features import map_client_partitions
from .output import write_csv, write_parquet_dir
from .tables import DaskTables

__all__ = ["dask_scores", "write_scores"]


class _Score:
    """A picklable ``tables -> scores`` of a model."""

    def __init__(self, model: ScoringModel):
        self.model = model

    def __call__(self, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
        return self.model.score_tables(tables)


def _meta(model: ScoringModel) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "SK_ID_CURR": pd.Series([], dtype="int32"),
            "probability": pd.Series([], dtype="float64"),
            "decision": pd.Series([], dtype="object"),
            "grade": pd.Series([], dtype="object"),
        }
    )


def dask_scores(tables: DaskTables, model: ScoringModel) -> dd.DataFrame:
    """``SK_ID_CURR, probability, decision, grade`` of every application row, by partition.

    ``.compute()`` equals ``model.score_tables`` on the same tables in memory.
    """
    return map_client_partitions(tables, _Score(model), _meta(model), model.builder.history_tables_)


def write_scores(scores: dd.DataFrame, out: str | os.PathLike) -> None:
    """Write scores as one CSV (``.csv``: the in-memory ``score`` file, byte for byte) or as
    partitioned parquet (a ``.parquet`` directory, one file per partition)."""
    out = Path(out)
    if out.suffix == ".csv":
        write_csv(scores, out)
    elif out.suffix == ".parquet":
        write_parquet_dir(scores, out)
    else:
        raise ScoringError(f"--out must be a .csv file or a .parquet directory, got {out}")
