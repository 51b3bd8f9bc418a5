"""Governed retraining: a champion / challenger gate around the production model directory.

The store layout, atomic swaps and rollback are in :mod:`scoring_core.model.store`.

Retraining (:func:`retrain`):

1. a challenger is trained on the new data (:func:`~scoring_core.model.training.train`:
   stratified hold-out split, threshold by business cost on out-of-fold predictions);
2. it is written to a staging directory, loaded back (hashes verified) and checked:
   predictions identical after reloading, feature schema of the new data, probabilities
   finite and in [0, 1], scores and decisions not degenerate, threshold in (0, 1), AUC
   above a floor;
3. champion and challenger are evaluated on **the same clients: the challenger's hold-out
   split of the new data**, which the challenger never learnt from. The champion only keeps
   a fingerprint of its training data, so when the new data contains clients it trained on,
   its figures there are optimistic: the comparison then leans towards keeping the
   champion (the safe side). When the fingerprints are equal (same data) this is stated;
4. the gate compares the AUC and the business cost per client, each model at **its own
   decision threshold** (the one it would be deployed with) and both with **the same cost
   weights**, those of the new training configuration. The challenger is promoted when
   every check passes, its AUC is at least the champion's minus ``tolerance_auc`` and its
   cost at most the champion's plus ``tolerance_cost``. Without a champion the first model
   is promoted when its checks pass;
5. promotion: the old ``previous`` goes to the archive, then the staging directory and
   ``current`` are exchanged atomically (Linux ``renameat2(RENAME_EXCHANGE)``: ``current``
   is never missing nor half-written; elsewhere three renames, with ``current`` absent for
   an instant and put back if the swap fails), then the old champion becomes ``previous``.
   A failure at any point leaves the champion in place. The store is locked during steps
   2-5 only, so a long training never blocks a rollback.

:func:`rollback` exchanges ``current`` and ``previous`` the same way (so a second rollback
rolls forward again). Every step is logged to MLflow when asked (failures there only warn):
the challenger's run (:func:`~scoring_core.tracking.log_training`) with the comparison
metrics, the decision and the champion's version as tags; promoted models are registered
and get the registry alias ``champion``.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
from pathlib import Path

import numpy as np

from ..metrics import CostWeights
from ._hooks import pause_point as _pause_point
from .artifact import ModelError, load_model
from .gate import (
    PROMOTED,
    RetrainResult,
    bootstrap_se,
    challenger_checks,
    comparison_notes,
    decide,
    model_metrics,
    noise_notes,
)
from .scoring import ScoringModel
from .store import (
    StoreError,
    StorePaths,
    _journal,
    _locked,
    _promote,
    _recover,
    _remove_stale_staging,
    set_champion_alias,
    store_paths,
)
from .training import TrainConfig
from .workflow import log_trained, train_and_save, training_tables

__all__ = ["retrain"]

log = logging.getLogger(__name__)


def _load_champion(paths: StorePaths) -> ScoringModel | None:
    cur = paths.current
    if not cur.exists():
        return None
    if not cur.is_dir():
        raise StoreError(f"{cur} exists and is not a directory")
    if not (cur / "metadata.json").exists():
        if any(cur.iterdir()):
            raise StoreError(f"{cur} exists and is not a model directory; refusing to use it as the champion")
        return None
    try:
        return load_model(cur)
    except ModelError as exc:
        raise StoreError(
            f"the champion does not load ({exc}); roll back, or move {cur} away to train a first model"
        ) from None


# ----------------------------------------------------------------------------- retrain


def retrain(
    data,
    champion_dir: str | os.PathLike,
    *,
    config: TrainConfig | None = None,
    tolerance_auc: float = 0.005,
    tolerance_cost: float = 0.01,
    min_auc: float = 0.6,
    seed: int | None = None,
    dry_run: bool = False,
    keep_archived: int = 5,
    log_mlflow: bool = True,
    experiment: str | None = None,
    registered_model: str | None = None,
    progress: bool = True,
) -> RetrainResult:
    """Train a challenger on ``data`` and promote it over the champion in ``champion_dir`` only
    if it is not worse.

    Parameters
    ----------
    data : a data directory (Kaggle layout with ``application_train``), a loaded
        :class:`~scoring_core.data.Dataset`, or feature tables (``application`` + history).
    champion_dir : the production model directory (e.g. ``models/current``); it need not
        exist yet.
    config : the training configuration of the challenger (its cost weights are used to
        cost both models).
    tolerance_auc : largest AUC drop accepted (absolute, default 0.005).
    tolerance_cost : largest increase of the cost per client accepted (absolute, default 0.01).
    min_auc : the challenger's hold-out AUC must reach this floor (also without a champion).
    seed : overrides ``config.seed`` (split, folds, model).
    dry_run : train, check and compare, but change nothing in the store.
    keep_archived : older champions kept in ``<champion_dir>.archive/``.
    log_mlflow : log the challenger's run, the comparison and the decision to MLflow (a
        failure there is logged as a warning and recorded in ``result.mlflow``).
    experiment, registered_model : MLflow experiment and registered model name (defaults
        of :mod:`scoring_core.tracking`).
    progress : progress bars on stderr.

    Returns
    -------
    RetrainResult

    Raises
    ------
    StoreError
        Bad tolerances, a champion that does not load, a store locked by another run, or a
        promotion that failed (the champion is then unchanged).

    Examples
    --------
    >>> r = retrain("data/new", "models/current", config=TrainConfig(quick=True))  # doctest: +SKIP
    >>> print(r.summary())  # doctest: +SKIP
    """
    from ..progress import progress_bar

    for name, value in (("tolerance_auc", tolerance_auc), ("tolerance_cost", tolerance_cost)):
        if not (isinstance(value, (int, float)) and np.isfinite(value) and value >= 0):
            raise StoreError(f"{name} must be a number >= 0, got {value!r}")
    if not 0 <= min_auc < 1:
        raise StoreError(f"min_auc must be in [0, 1), got {min_auc!r}")
    config = config or TrainConfig()
    if seed is not None:
        config = dataclasses.replace(config, seed=int(seed))
    weights = CostWeights(config.c_fn, config.c_fp)
    paths = store_paths(champion_dir)
    paths.current.parent.mkdir(parents=True, exist_ok=True)
    tables = training_tables(data)

    _load_champion(paths)  # fail before a long training if the champion is unusable
    steps = progress_bar(total=4, desc="Retraining", unit="step", disable=not progress)
    steps.set_postfix_str("training the challenger")
    # a staging directory of this process only (its name carries the pid: a concurrent run
    # removes it only once this process is gone)
    staging = paths.staging()
    try:
        # the one training path (train, save with the evaluation predictions); the MLflow run
        # is logged after the decision, which says whether the model is registered
        result = train_and_save(tables, staging, config, log_mlflow=False, progress=progress).result
        _pause_point("after-save")
        steps.update(1)
        # the store is locked from here only: a rollback is never blocked by a long training
        with _locked(paths):
            _recover(paths)
            _remove_stale_staging(paths)
            champion = _load_champion(paths)  # the champion now (it may have changed meanwhile)
            steps.set_postfix_str("checks")
            out = _gate_and_promote(
                result,
                tables,
                staging,
                paths,
                champion,
                config=config,
                weights=weights,
                tolerance_auc=tolerance_auc,
                tolerance_cost=tolerance_cost,
                min_auc=min_auc,
                dry_run=dry_run,
                keep_archived=keep_archived,
                log_mlflow=log_mlflow,
                experiment=experiment,
                registered_model=registered_model,
                steps=steps,
            )
    finally:
        steps.close()
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    log.info("retrain: %s (%s)", out.decision, "; ".join(out.reasons))
    return out


def _gate_and_promote(
    result,
    tables,
    staging: Path,
    paths: StorePaths,
    champion: ScoringModel | None,
    *,
    config: TrainConfig,
    weights: CostWeights,
    tolerance_auc: float,
    tolerance_cost: float,
    min_auc: float,
    dry_run: bool,
    keep_archived: int,
    log_mlflow: bool,
    experiment: str | None,
    registered_model: str | None,
    steps,
) -> RetrainResult:
    """Steps 2-5 with the store locked: checks, comparison, decision, promotion, journal, MLflow."""
    ho = result.holdout_scores
    apps = tables["application"]
    apps_ho = apps.set_index(apps["SK_ID_CURR"].to_numpy()).loc[ho["SK_ID_CURR"].to_numpy()]
    eval_tables = {**tables, "application": apps_ho.reset_index(drop=True)}
    y = ho["TARGET"].to_numpy(dtype=int)
    checks, challenger, p_chall = challenger_checks(staging, result, eval_tables, y, champion, min_auc)
    steps.update(1)

    steps.set_postfix_str("evaluating the champion")
    scored = challenger is not None and p_chall is not None and bool(np.isfinite(p_chall).all())
    chall_metrics = (
        model_metrics(challenger, y, p_chall, weights)
        if scored
        else {
            "version": result.model.version,
            **dict.fromkeys(("auc", "cost", "threshold", "approval_rate", "recall", "brier"), float("nan")),
        }
    )
    champ_metrics = None
    if champion is not None:
        p_champ = champion.predict_proba(champion.features(eval_tables))
        champ_metrics = model_metrics(champion, y, p_champ, weights)
    steps.update(1)

    decision, reasons, deltas = decide(checks, champ_metrics, chall_metrics, tolerance_auc, tolerance_cost)
    if champion is not None and scored:
        deltas.update(
            bootstrap_se(y, p_champ, champion.threshold, p_chall, challenger.threshold, weights, config.seed)
        )
    out = RetrainResult(
        decision=decision,
        promoted=False,
        dry_run=dry_run,
        reasons=reasons,
        checks=checks,
        champion=champ_metrics,
        challenger=chall_metrics,
        deltas=deltas,
        tolerance_auc=float(tolerance_auc),
        tolerance_cost=float(tolerance_cost),
        cost_weights=weights.to_dict(),
        evaluation={
            "clients": int(len(y)),
            "default_rate": float(y.mean()),
            "split": f"the challenger's stratified hold-out split ({config.holdout:.0%} of the new data, "
            f"seed {config.seed}); the challenger never learnt from it",
        },
        notes=comparison_notes(champion, tables, weights, config.holdout) + noise_notes(deltas),
        champion_dir=paths.current,
        previous_dir=paths.previous if paths.previous.exists() else None,
        archived_dir=None,
        train_result=result,
    )

    steps.set_postfix_str("decision")
    entry = {
        "champion_version": out.champion_version,
        "challenger_version": out.challenger_version,
        "reasons": out.reasons,
    }
    if decision == PROMOTED and not dry_run:
        # journalled with the promotion itself (intent file first), before MLflow
        out.archived_dir = _promote(staging, paths, keep_archived, entry)
        out.promoted = True
        out.previous_dir = paths.previous if paths.previous.exists() else None
    if log_mlflow:
        out.mlflow = _log_mlflow(
            out, paths.current if out.promoted else staging, experiment, registered_model
        )
    mlflow_ids = {
        "mlflow_run_id": (out.mlflow or {}).get("run_id"),
        "mlflow_model_version": (out.mlflow or {}).get("model_version"),
    }
    if out.promoted and any(mlflow_ids.values()):
        _journal(
            paths,
            {"action": "mlflow_logged", "challenger_version": out.challenger_version, **mlflow_ids},
        )
    elif not dry_run and not out.promoted:
        _journal(paths, {"action": out.decision, **entry, **mlflow_ids})
    steps.update(1)
    return out


# ----------------------------------------------------------------------------- MLflow


def _log_mlflow(out: RetrainResult, model_dir: Path, experiment: str | None, registered_model: str | None):
    """The challenger's run (:func:`~scoring_core.model.workflow.log_trained`, registered only when
    promoted) with the comparison; never raises (a warning on failure)."""
    info = log_trained(
        out.train_result,
        model_dir,
        experiment=experiment,
        registered_model=registered_model,
        register=out.promoted,
        run_name="retrain",
        extra_params={"retrain.champion_version": out.champion_version or "none"},
    )
    if "error" in info:  # reported by the caller (the CLI prints it); MLflow not installed is no failure
        (log.info if info.get("unavailable") else log.warning)(
            "MLflow logging failed (%s); the retraining itself is done", info["error"]
        )
        return info
    try:
        from ..tracking import import_mlflow

        mlflow = import_mlflow()
        metrics = {"compare.tolerance_auc": out.tolerance_auc, "compare.tolerance_cost": out.tolerance_cost}
        for who, m in (("champion", out.champion), ("challenger", out.challenger)):
            for k, v in (m or {}).items():
                if k != "version" and isinstance(v, (int, float)) and np.isfinite(v):
                    metrics[f"compare.{who}.{k}"] = float(v)
        metrics.update({f"compare.delta_{k}": v for k, v in out.deltas.items() if k in ("auc", "cost")})
        tags = {
            "retrain.decision": out.decision,
            "retrain.promoted": str(out.promoted).lower(),
            "retrain.dry_run": str(out.dry_run).lower(),
            "retrain.champion_version": out.champion_version or "none",
            "retrain.challenger_version": out.challenger_version,
            **{f"retrain.check.{c.name}": "pass" if c.passed else "fail" for c in out.checks},
        }
        with mlflow.start_run(run_id=info["run_id"]):
            mlflow.log_metrics(metrics)
            mlflow.set_tags(tags)
            mlflow.log_dict(out.to_dict(), "retrain/comparison.json")
            mlflow.log_text(out.summary(), "retrain/summary.txt")
        if out.promoted and info.get("model_version"):
            set_champion_alias(info.get("registered_model"), info["model_version"])
        return info
    except Exception as exc:  # tracking must not lose a model or undo a decision
        log.warning("MLflow logging failed (%s: %s); the retraining itself is done", type(exc).__name__, exc)
        return {"error": f"{type(exc).__name__}: {exc}"}
