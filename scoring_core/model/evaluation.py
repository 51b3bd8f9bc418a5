"""The predictions a model was evaluated on, kept with its artifact.

A training run produces two sets of predictions that no model saw while learning them:
out-of-fold predictions of the training split (the threshold is chosen on them) and the
final model's predictions on the hold-out split (the reported evaluation). They are saved
in the artifact as ``evaluation.parquet`` (``SK_ID_CURR, TARGET, probability, split`` with
``split`` in ``oof`` / ``holdout``; hashed and verified like every artifact file), so that
reports (methodology note, fairness check) use exactly the run's numbers.

Artifacts written before this file existed have no ``evaluation.parquet``: given the
training data, :func:`load_evaluation` rebuilds the hold-out predictions (same split from
the recorded seed and hold-out share, checked against the recorded hold-out AUC) and
refuses when that check fails.
"""

from __future__ import annotations

import io
import logging
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import ScoringError
from .artifact import ModelError, read_metadata

__all__ = ["EVALUATION_FILE", "evaluation_frame", "evaluation_files", "load_evaluation", "bootstrap_interval"]

log = logging.getLogger(__name__)

#: Name of the evaluation predictions inside a model directory.
EVALUATION_FILE = "evaluation.parquet"


def evaluation_frame(result) -> pd.DataFrame:
    """``SK_ID_CURR, TARGET, probability, split`` of a :class:`TrainResult` (``oof`` rows then
    ``holdout`` rows)."""
    oof = result.oof
    ids = oof.index.to_numpy() if oof.index.name == "SK_ID_CURR" else oof["SK_ID_CURR"].to_numpy()
    ho = result.holdout_scores
    return pd.DataFrame(
        {
            "SK_ID_CURR": np.r_[ids, ho["SK_ID_CURR"].to_numpy()].astype(np.int64),
            "TARGET": np.r_[oof["TARGET"].to_numpy(), ho["TARGET"].to_numpy()].astype(np.int8),
            "probability": np.r_[oof["probability"].to_numpy(), ho["probability"].to_numpy()].astype(float),
            "split": pd.Categorical(
                ["oof"] * len(oof) + ["holdout"] * len(ho), categories=["oof", "holdout"]
            ),
        }
    )


def evaluation_files(result) -> dict[str, bytes]:
    """``{EVALUATION_FILE: parquet bytes}`` for ``save_model(..., extra_files=...)``."""
    buf = io.BytesIO()
    evaluation_frame(result).to_parquet(buf, index=False)
    return {EVALUATION_FILE: buf.getvalue()}


def load_evaluation(
    model_dir: str | os.PathLike, tables: Mapping[str, pd.DataFrame | None] | None = None
) -> pd.DataFrame:
    """The evaluation predictions of the model in ``model_dir``.

    Reads ``evaluation.parquet`` when the artifact has it (the file's hash is checked
    against the metadata). Otherwise ``tables`` (the labelled training tables of the run,
    e.g. ``load_dataset(dir).feature_tables("train")``) are used to rebuild the hold-out
    predictions; the result has only ``holdout`` rows.

    Raises
    ------
    ModelError
        The file is listed but missing or modified.
    ScoringError
        No stored predictions and no (matching) training data to rebuild them.
    """
    from .artifact import file_sha256, load_model

    model_dir = Path(model_dir)
    meta = read_metadata(model_dir)
    files = meta.get("files", {})
    if EVALUATION_FILE in files:
        path = model_dir / EVALUATION_FILE
        if not path.is_file() or file_sha256(path) != files[EVALUATION_FILE]:
            raise ModelError(f"{model_dir}: file {EVALUATION_FILE} is missing or was modified")
        return pd.read_parquet(path)
    if tables is None:
        raise ScoringError(
            f"{model_dir} has no {EVALUATION_FILE} (older artifact); give the training data to rebuild it"
        )
    return _rebuild_holdout(load_model(model_dir), tables, model_dir)


def _rebuild_holdout(model, tables: Mapping[str, pd.DataFrame | None], model_dir: Path) -> pd.DataFrame:
    """Hold-out predictions of an older artifact: the run's split rebuilt and checked."""
    from sklearn.model_selection import train_test_split

    from ..metrics import classification_report
    from .training import data_fingerprint

    meta = model.metadata
    fingerprint = meta.get("data_fingerprint", {}).get("sha256")
    if fingerprint != data_fingerprint(tables)["sha256"]:
        raise ScoringError(
            f"{model_dir} has no {EVALUATION_FILE} and the data given is not its training data "
            "(fingerprints differ); retrain to get a model with its evaluation predictions"
        )
    config = meta.get("config", {})
    apps = tables["application"]
    y = pd.to_numeric(apps["TARGET"]).to_numpy(dtype=int)
    _, idx_ho = train_test_split(
        np.arange(len(apps)),
        test_size=float(config.get("holdout", 0.2)),
        stratify=y,
        random_state=int(config.get("seed", 0)),
    )
    idx_ho = np.sort(idx_ho)
    holdout = {**tables, "application": apps.iloc[idx_ho]}
    X = model.features(holdout)
    p = model.predict_proba(X)
    y_ho = y[idx_ho]
    recorded = meta.get("metrics", {}).get("holdout", {}).get("auc")
    if recorded is None or abs(classification_report(y_ho, p)["auc"] - float(recorded)) > 1e-6:
        raise ScoringError(
            f"{model_dir}: the rebuilt hold-out split does not reproduce the recorded hold-out AUC; "
            "retrain to get a model with its evaluation predictions"
        )
    log.info("rebuilt the hold-out predictions of %s (%d clients)", model_dir, len(p))
    return pd.DataFrame(
        {
            "SK_ID_CURR": X.index.to_numpy().astype(np.int64),
            "TARGET": y_ho.astype(np.int8),
            "probability": p,
            "split": pd.Categorical(["holdout"] * len(p), categories=["oof", "holdout"]),
        }
    )


def bootstrap_interval(
    y_true, y_score, statistic=None, *, n_boot: int = 200, level: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of ``statistic(y_true, y_score)`` (default: the AUC) over
    the clients: how precisely the evaluation split measures it.

    Examples
    --------
    >>> lo, hi = bootstrap_interval([0, 1] * 50, np.linspace(0, 1, 100))  # doctest: +SKIP
    """
    from sklearn.metrics import roc_auc_score

    statistic = statistic or roc_auc_score
    y = np.asarray(y_true).astype(int).ravel()
    s = np.asarray(y_score, dtype=float).ravel()
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(n_boot):
        i = rng.integers(0, len(y), len(y))
        if y[i].min() != y[i].max():
            values.append(statistic(y[i], s[i]))
    if len(values) < 2:
        return float("nan"), float("nan")
    alpha = (1 - level) / 2
    lo, hi = np.quantile(values, [alpha, 1 - alpha])
    return float(lo), float(hi)
