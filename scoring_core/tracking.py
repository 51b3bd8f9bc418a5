"""MLflow logging of training runs.

Every run logs its parameters, metrics, curves (cost vs threshold, reliability, tuning
trials) and the model artifact, and registers the model under a name, with a new version
each time. The tracking store is ``MLFLOW_TRACKING_URI`` when set, else MLflow's default
(``sqlite:///mlflow.db`` in the working directory, artifacts under ``./mlruns``).
Open the UI with ``mlflow ui --backend-store-uri sqlite:///mlflow.db``.

Figures are the notebooks' business (``scoring_core`` imports no plotting library): the
CLI logs the data of each curve as CSV, notebooks add interactive plotly figures with
``mlflow.log_figure``.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path

import pandas as pd

from .metrics import cost_curve

__all__ = ["log_training", "DEFAULT_EXPERIMENT", "DEFAULT_REGISTERED_MODEL"]

log = logging.getLogger(__name__)

DEFAULT_EXPERIMENT = "credit-scoring"
DEFAULT_REGISTERED_MODEL = "credit-scoring"


def _flat(prefix: str, d: dict) -> dict:
    out = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flat(f"{key}.", v))
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            out[key] = float(v)
    return out


def log_training(
    result,
    model_dir: str | os.PathLike,
    *,
    experiment: str = DEFAULT_EXPERIMENT,
    registered_model: str | None = DEFAULT_REGISTERED_MODEL,
    run_name: str | None = None,
    extra_params: dict | None = None,
) -> dict:
    """Log a :class:`~scoring_core.model.training.TrainResult` and its saved artifact.

    Returns ``{"run_id", "experiment", "tracking_uri", "registered_model", "model_version"}``.
    """
    import logging as _logging

    import mlflow

    _logging.getLogger("mlflow").setLevel(_logging.WARNING)
    model = result.model
    meta = model.metadata
    mlflow.set_experiment(experiment)
    with mlflow.start_run(run_name=run_name) as run:
        params = {f"config.{k}": v for k, v in result.config.to_dict().items()}
        params.update({f"lgbm.{k}": v for k, v in meta.get("lightgbm_params", {}).items()})
        params.update(
            {
                "n_estimators": meta.get("n_estimators"),
                "n_features": len(model.feature_names),
                "data_sha256": meta.get("data_fingerprint", {}).get("sha256"),
                "model_version": model.version,
            }
        )
        params.update(extra_params or {})
        mlflow.log_params({k: str(v)[:500] for k, v in params.items()})
        metrics = _flat("", result.metrics) | {"threshold": model.threshold}
        metrics.update({f"seconds.{k}": v for k, v in result.seconds.items()})
        mlflow.log_metrics(metrics)
        mlflow.set_tags({"model_kind": meta.get("model_kind", ""), "strategy": meta.get("strategy", "")})
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            thr, cost = cost_curve(
                result.oof["TARGET"],
                result.oof["probability"],
                c_fn=result.config.c_fn,
                c_fp=result.config.c_fp,
            )
            pd.DataFrame({"threshold": thr, "cost_per_client": cost}).to_csv(
                tmp / "cost_vs_threshold_oof.csv", index=False
            )
            if result.reliability is not None:
                result.reliability.to_csv(tmp / "reliability_holdout.csv", index=False)
            if result.tuning is not None:
                result.tuning.trials.to_csv(tmp / "tuning_trials.csv", index=False)
            pd.DataFrame(meta.get("global_importance", [])).to_csv(tmp / "global_importance.csv", index=False)
            mlflow.log_artifacts(str(tmp), artifact_path="curves")
        mlflow.log_artifacts(str(model_dir), artifact_path="artifact")
        version = None
        if model.is_booster:
            info = mlflow.lightgbm.log_model(
                model.estimator, name="model", registered_model_name=registered_model
            )
            version = getattr(info, "registered_model_version", None)
        out = {
            "run_id": run.info.run_id,
            "experiment": experiment,
            "tracking_uri": mlflow.get_tracking_uri(),
            "registered_model": registered_model,
            "model_version": version,
        }
    log.info("logged MLflow run %s (%s)", out["run_id"], out["tracking_uri"])
    return out
