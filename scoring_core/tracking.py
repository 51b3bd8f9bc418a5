"""MLflow logging of training runs (the ``[tracking]`` extra: MLflow is not a core dependency).

Every run logs its parameters, metrics, curves (cost vs threshold, reliability, tuning
trials) and the model artifact, and registers the **complete scoring model** under a name, with
a new version each time: an MLflow pyfunc model (:mod:`scoring_core.model.pyfunc`) that takes
raw tables and returns ``SK_ID_CURR, probability, decision, grade`` as the ``score`` command
does, so ``mlflow.pyfunc.load_model("models:/credit-scoring@champion")`` or ``mlflow models
serve`` can score on its own. Supported MLflow: 3.x (``log_model(name=...)``, models from code);
pinned in ``pyproject.toml``. Without MLflow installed, :func:`log_training` raises
:class:`TrackingUnavailable` (the commands then warn and carry on: the model is saved). The tracking store is ``MLFLOW_TRACKING_URI`` when set, else MLflow's default
(``sqlite:///mlflow.db`` in the working directory, artifacts under ``./mlruns``).
Open the UI with ``mlflow ui --backend-store-uri sqlite:///mlflow.db``.

Figures are the notebooks' business (``scoring_core`` imports no plotting library): the
CLI logs the data of each curve as CSV, notebooks add interactive plotly figures with
``mlflow.log_figure``.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import tempfile
import warnings
from pathlib import Path

import pandas as pd

from .errors import ScoringError
from .metrics import cost_curve

__all__ = [
    "log_training",
    "import_mlflow",
    "TrackingUnavailable",
    "DEFAULT_EXPERIMENT",
    "DEFAULT_REGISTERED_MODEL",
]

log = logging.getLogger(__name__)

DEFAULT_EXPERIMENT = "credit-scoring"
DEFAULT_REGISTERED_MODEL = "credit-scoring"
#: Name of the logged scoring model inside a run
MODEL_NAME = "model"
#: the install hint of the error when MLflow is missing
INSTALL_HINT = "pip install 'pret-a-depenser-scoring[tracking]'"


class TrackingUnavailable(ScoringError):
    """MLflow is not installed (it is the ``[tracking]`` extra)."""


def import_mlflow():
    """The ``mlflow`` module, or :class:`TrackingUnavailable` naming the extra to install."""
    try:
        import mlflow
    except ImportError as exc:
        raise TrackingUnavailable(
            f"MLflow is not installed ({exc.name} missing): the run is not logged; {INSTALL_HINT} "
            "to track runs (or pass --no-mlflow)"
        ) from None
    return mlflow


def _signature():
    """The pyfunc model's signature: no input schema (a DataFrame or a mapping of tables,
    normalized by the model itself), one parameter ``allow_missing_tables`` (default false)."""
    from mlflow.models import ModelSignature
    from mlflow.types.schema import ParamSchema, ParamSpec

    return ModelSignature(params=ParamSchema([ParamSpec("allow_missing_tables", "boolean", False)]))


def _pip_requirements() -> list[str]:
    """The serving environment of the logged model: this project's core requirements, pinned
    to the versions installed here (stated, not inferred: inference loads the model in a
    subprocess). The project itself is not on a package index: the environment that loads
    the model must have it installed (``mlflow models serve --env-manager local`` from it)."""
    from importlib import metadata

    reqs = []
    try:
        dist = metadata.distribution("pret-a-depenser-scoring")
    except metadata.PackageNotFoundError:  # running from a source tree
        return []
    for req in dist.requires or []:
        if "extra ==" in req:
            continue
        name = req.split(";")[0].strip()
        base = name.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip()
        try:
            reqs.append(f"{base}=={metadata.version(base)}")
        except metadata.PackageNotFoundError:
            reqs.append(name)
    return reqs


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

    The registered model (when ``registered_model`` is given) is the complete scoring model
    (:mod:`scoring_core.model.pyfunc`), whatever the estimator.

    Returns ``{"run_id", "experiment", "tracking_uri", "registered_model", "model_version"}``.

    Raises
    ------
    TrackingUnavailable
        MLflow is not installed.
    """
    import logging as _logging

    mlflow = import_mlflow()

    _logging.getLogger("mlflow").setLevel(_logging.WARNING)
    with _artifact_progress():
        return _log_training(mlflow, result, model_dir, experiment, registered_model, run_name, extra_params)


@contextlib.contextmanager
def _artifact_progress():
    """MLflow's artifact progress bars follow the project's rule (:func:`scoring_core.progress.progress_bar`):
    only on a terminal, never with ``SCORING_NO_PROGRESS`` (a log gets no ``\\r`` redraws)."""
    from .settings import get_settings

    key = "MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR"
    saved = os.environ.get(key)
    if get_settings().no_progress or not sys.stderr.isatty():
        os.environ[key] = "false"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = saved


def _log_training(mlflow, result, model_dir, experiment, registered_model, run_name, extra_params) -> dict:
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
        from .model.pyfunc import ARTIFACT_KEY

        with warnings.catch_warnings():  # the input is validated by the model (no example to log)
            warnings.filterwarnings(
                "ignore", message=r".*An input example was not provided", category=UserWarning
            )
            info = mlflow.pyfunc.log_model(
                name=MODEL_NAME,
                python_model=str(Path(__file__).parent / "model" / "mlflow_entry.py"),
                artifacts={ARTIFACT_KEY: str(model_dir)},
                model_config={"allow_missing_tables": False},
                signature=_signature(),
                pip_requirements=_pip_requirements() or None,
                registered_model_name=registered_model,
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
