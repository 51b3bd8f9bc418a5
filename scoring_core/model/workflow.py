"""Train, save, log: the one path from data to a saved, tracked model.

Every caller that produces a model goes through here: the ``train`` command, the ``retrain``
command (:func:`~scoring_core.model.retraining.retrain`, into its staging directory before the
champion/challenger gate), notebook ``03_train`` and the tests. So every saved model carries its
evaluation predictions (``evaluation.parquet``, read by the methodology note and the fairness
check, which otherwise would have to rebuild the hold-out split), and every tracked run logs the
same things.

- :func:`train_and_save`: features, training (:func:`~scoring_core.model.training.train`), the
  artifact written atomically with its evaluation file, then (optionally) the MLflow run.
- :func:`save_trained`: the save step alone (artifact + evaluation file).
- :func:`log_trained`: the MLflow step alone; it never raises (tracking must not lose a
  trained model): a failure is logged as a warning and returned as ``{"error": ...}``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .artifact import save_model
from .evaluation import evaluation_files
from .training import TrainConfig, TrainResult, train

__all__ = ["TrainRun", "train_and_save", "save_trained", "log_trained", "training_tables"]

log = logging.getLogger(__name__)


@dataclass
class TrainRun:
    """What :func:`train_and_save` did.

    Attributes
    ----------
    result : the training result (model, metrics, out-of-fold and hold-out predictions).
    model_dir : where the artifact was written.
    mlflow : ``None`` when not logged; else the run's ids (``run_id``, ``experiment``,
        ``tracking_uri``, ``registered_model``, ``model_version``), or ``{"error": message}``
        when logging failed (with ``"unavailable": True`` when MLflow is not installed).
    """

    result: TrainResult = field(repr=False)
    model_dir: Path
    mlflow: dict | None = None

    @property
    def model(self):
        """The trained :class:`~scoring_core.model.scoring.ScoringModel`."""
        return self.result.model

    @property
    def mlflow_error(self) -> str | None:
        """The MLflow failure message, if logging was asked for and failed."""
        return (self.mlflow or {}).get("error")


def training_tables(data) -> Mapping[str, pd.DataFrame | None]:
    """The labelled feature tables of ``data``: a data directory (Kaggle layout with
    ``application_train``), a loaded :class:`~scoring_core.data.Dataset`, or feature tables
    (``application`` with ``TARGET`` + history tables) returned as they are."""
    from ..data import Dataset, load_dataset

    if isinstance(data, Dataset):
        return data.feature_tables("train")
    if isinstance(data, Mapping):
        return data
    return load_dataset(data, require_train=True, progress=False).feature_tables("train")


def save_trained(result: TrainResult, out: str | os.PathLike, **save_kw) -> Path:
    """Write ``result``'s model to ``out`` atomically, with its evaluation predictions.

    ``save_kw`` go to :func:`~scoring_core.model.artifact.save_model` (e.g. ``key``).
    """
    return save_model(result.model, out, extra_files=evaluation_files(result), **save_kw)


def log_trained(
    result: TrainResult,
    model_dir: str | os.PathLike,
    *,
    experiment: str | None = None,
    registered_model: str | None = None,
    register: bool = True,
    run_name: str | None = None,
    extra_params: dict | None = None,
) -> dict:
    """Log a saved training run to MLflow (:func:`scoring_core.tracking.log_training`).

    ``registered_model`` defaults to :data:`~scoring_core.tracking.DEFAULT_REGISTERED_MODEL`;
    with ``register=False`` the run is logged but no model version is registered. Returns the
    run's ids, or ``{"error": message}`` when MLflow is not installed or logging failed (never
    raises: the model is already saved; the caller reports the error, it is only logged at INFO
    level here).
    """
    from ..tracking import DEFAULT_EXPERIMENT, DEFAULT_REGISTERED_MODEL, TrackingUnavailable, log_training

    try:
        return log_training(
            result,
            model_dir,
            experiment=experiment or DEFAULT_EXPERIMENT,
            registered_model=(registered_model or DEFAULT_REGISTERED_MODEL) if register else None,
            run_name=run_name,
            extra_params=extra_params,
        )
    except TrackingUnavailable as exc:
        log.info("%s", exc)
        return {"error": str(exc), "unavailable": True}
    except Exception as exc:  # tracking must not lose a trained model
        log.info("MLflow logging failed (%s: %s); the model is saved", type(exc).__name__, exc)
        return {"error": f"{type(exc).__name__}: {exc}"}


def train_and_save(
    data,
    out: str | os.PathLike,
    config: TrainConfig | None = None,
    *,
    log_mlflow: bool = True,
    experiment: str | None = None,
    registered_model: str | None = None,
    run_name: str | None = None,
    progress: bool = True,
) -> TrainRun:
    """Train a model on ``data``, save it to ``out`` with its evaluation predictions, and log the
    run to MLflow.

    Parameters
    ----------
    data : a data directory, a :class:`~scoring_core.data.Dataset` or labelled feature tables
        (see :func:`training_tables`).
    out : the model directory (replaced atomically).
    config : the training configuration (default :class:`TrainConfig()`).
    log_mlflow : log the run (parameters, metrics, curves, the artifact) and register the
        complete scoring model (:mod:`scoring_core.model.mlflow_model`); a failure there
        only warns (``TrainRun.mlflow == {"error": ...}``).
    experiment, registered_model, run_name : MLflow names (defaults of
        :mod:`scoring_core.tracking`).
    progress : progress bars on stderr.

    Returns
    -------
    TrainRun

    Raises
    ------
    ScoringError
        Bad training data or configuration (e.g. an unknown feature in ``monotone``).

    Examples
    --------
    >>> run = train_and_save("data/", "models/m", TrainConfig(quick=True))  # doctest: +SKIP
    >>> run.model.threshold  # doctest: +SKIP
    """
    from ..errors import ScoringError

    config = config or TrainConfig()
    tables = training_tables(data)
    try:
        result = train(tables, config, progress=progress)
    except ScoringError:
        raise
    except ValueError as exc:  # e.g. an unknown feature in ``monotone``
        raise ScoringError(str(exc)) from None
    model_dir = save_trained(result, out)
    info = None
    if log_mlflow:
        info = log_trained(
            result, model_dir, experiment=experiment, registered_model=registered_model, run_name=run_name
        )
    return TrainRun(result=result, model_dir=model_dir, mlflow=info)
