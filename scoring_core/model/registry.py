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
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..metrics import CostWeights, classification_report, threshold_metrics
from ._hooks import pause_point as _pause_point
from .artifact import ModelError, load_model, save_model
from .evaluation import evaluation_files
from .scoring import ScoringModel
from .store import (
    RegistryError,
    StorePaths,
    _journal,
    _locked,
    _promote,
    _recover,
    _remove_stale_staging,
    set_champion_alias,
    store_paths,
)
from .training import TrainConfig, TrainResult, data_fingerprint, train

__all__ = ["Check", "RetrainResult", "retrain", "PROMOTED", "KEPT"]

log = logging.getLogger(__name__)

PROMOTED = "promoted"
KEPT = "kept_champion"

_MIN_DISTINCT_SCORES = 10
_MIN_SCORE_STD = 1e-4


# ----------------------------------------------------------------------------- results


@dataclass
class Check:
    """One check on the challenger."""

    name: str
    passed: bool
    message: str

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class RetrainResult:
    """Everything a retraining measured and decided.

    ``champion`` and ``challenger`` hold the metrics of each model on the same evaluation
    clients (``auc``, ``cost`` per client at the model's own threshold with the cost weights
    ``cost_weights``, ``threshold``, ``approval_rate``, ``recall``, ``brier``, ``version``);
    ``champion`` is ``None`` when there was none. ``decision`` is :data:`PROMOTED` or
    :data:`KEPT`; in a dry run it is what would have happened and nothing was changed
    (``promoted`` is then ``False``).
    """

    decision: str
    promoted: bool
    dry_run: bool
    reasons: list[str]
    checks: list[Check]
    champion: dict | None
    challenger: dict
    deltas: dict
    tolerance_auc: float
    tolerance_cost: float
    cost_weights: dict
    evaluation: dict
    notes: list[str]
    champion_dir: Path
    previous_dir: Path | None
    archived_dir: Path | None
    mlflow: dict | None = None
    train_result: TrainResult | None = field(default=None, repr=False)

    @property
    def checks_passed(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def challenger_version(self) -> str:
        return str(self.challenger.get("version"))

    @property
    def champion_version(self) -> str | None:
        return None if self.champion is None else str(self.champion.get("version"))

    def table(self) -> pd.DataFrame:
        """The comparison: one row per metric, columns ``champion, challenger, delta, delta_se,
        rule, ok`` (``rule`` and ``ok`` only for the gated metrics, AUC and cost; ``delta_se``,
        the paired-bootstrap standard error of the difference, for those two only)."""
        rows = []
        for key, label in (
            ("auc", "AUC"),
            ("cost", "cost per client"),
            ("threshold", "threshold"),
            ("approval_rate", "approval rate"),
            ("recall", "recall of defaulters"),
            ("brier", "Brier score"),
        ):
            champ = None if self.champion is None else self.champion.get(key)
            chall = self.challenger.get(key)
            rule, ok = "", None
            if key == "auc":
                rule, ok = f">= champion - {self.tolerance_auc:g}", self.deltas.get("auc_ok")
            elif key == "cost":
                rule, ok = f"<= champion + {self.tolerance_cost:g}", self.deltas.get("cost_ok")
            rows.append(
                {
                    "metric": label,
                    "champion": np.nan if champ is None else float(champ),
                    "challenger": float(chall),
                    "delta": np.nan if champ is None else float(chall) - float(champ),
                    "delta_se": self.deltas.get(f"{key}_se", np.nan),
                    "rule": rule if self.champion is not None else "",
                    "ok": ok,
                }
            )
        return pd.DataFrame(rows).set_index("metric")

    def checks_table(self) -> pd.DataFrame:
        return pd.DataFrame([c.to_dict() for c in self.checks]).set_index("name")

    def summary(self) -> str:
        """The comparison table, the checks and the decision, as plain text."""
        ev = self.evaluation
        head = (
            f"challenger {self.challenger_version} against "
            + (f"champion {self.champion_version}" if self.champion else "no champion")
            + f", on {ev['clients']:,} held-out clients of the new data ({ev['default_rate']:.1%} defaults), "
            f"cost weights c_fn={self.cost_weights['c_fn']:g}, c_fp={self.cost_weights['c_fp']:g}"
        )
        t = self.table()
        lines = [head, "", f"{'':22}{'champion':>10}{'challenger':>12}{'delta (± s.e.)':>20}  rule"]
        for name, r in t.iterrows():
            champ = "-" if np.isnan(r["champion"]) else f"{r['champion']:.4f}"
            delta = "-" if np.isnan(r["delta"]) else f"{r['delta']:+.4f}"
            if not np.isnan(r["delta_se"]):
                delta += f" ± {r['delta_se']:.4f}"
            ok = "" if r["ok"] is None else ("  ok" if r["ok"] else "  FAILS")
            lines.append(f"{name:22}{champ:>10}{r['challenger']:>12.4f}{delta:>20}  {r['rule']}{ok}")
        lines.append("")
        lines.append(f"checks: {sum(c.passed for c in self.checks)}/{len(self.checks)} passed")
        lines.extend(f"  [{'ok' if c.passed else 'FAIL'}] {c.name}: {c.message}" for c in self.checks)
        verdict = {PROMOTED: "PROMOTE the challenger", KEPT: "KEEP the champion"}[self.decision]
        if self.dry_run:
            lines.append(f"decision (dry run, nothing changed): would {verdict}")
        else:
            lines.append(f"decision: {'PROMOTED the challenger' if self.promoted else 'KEPT the champion'}")
        lines.extend(f"  - {r}" for r in self.reasons)
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)

    def to_dict(self) -> dict:
        out = {
            k: v
            for k, v in dataclasses.asdict(self).items()
            if k not in ("train_result", "checks", "champion_dir", "previous_dir", "archived_dir")
        }
        out["checks"] = [c.to_dict() for c in self.checks]
        for k in ("champion_dir", "previous_dir", "archived_dir"):
            v = getattr(self, k)
            out[k] = None if v is None else str(v)
        return out


# ----------------------------------------------------------------------------- evaluation


def _model_metrics(model: ScoringModel, y: np.ndarray, p: np.ndarray, weights: CostWeights) -> dict:
    at = threshold_metrics(y, p, model.threshold, c_fn=weights.c_fn, c_fp=weights.c_fp)
    rep = classification_report(y, p)
    return {
        "version": model.version,
        "auc": rep["auc"],
        "cost": at.cost,
        "threshold": float(model.threshold),
        "approval_rate": at.approval_rate,
        "recall": at.recall,
        "brier": rep["brier"],
    }


def _checks(
    staged: Path,
    result: TrainResult,
    eval_tables: Mapping[str, pd.DataFrame | None],
    y: np.ndarray,
    champion: ScoringModel | None,
    min_auc: float,
) -> tuple[list[Check], ScoringModel | None, np.ndarray | None]:
    """The challenger's checks; also returns the reloaded model and its evaluation scores."""
    checks: list[Check] = []
    try:
        model = load_model(staged)
    except ModelError as exc:
        return [Check("artifact", False, f"the saved challenger does not load: {exc}")], None, None
    X = model.features(eval_tables)
    p = model.predict_proba(X)
    expected = result.holdout_scores["probability"].to_numpy()
    same = len(p) == len(expected) and np.allclose(p, expected, rtol=0, atol=1e-9, equal_nan=True)
    checks.append(
        Check(
            "artifact",
            same,
            "loads, hashes verified, same predictions after reloading"
            if same
            else "loads, but its predictions differ from the trained model's after reloading",
        )
    )
    names, dtypes = list(X.columns), {c: str(X[c].dtype) for c in X.columns}
    schema_ok = names == model.feature_names and dtypes == {
        k: str(v) for k, v in model.metadata.get("feature_dtypes", {}).items()
    }
    all_missing = [c for c in names if X[c].isna().all()]
    msg = f"{len(names)} features computed from the new data match the artifact"
    if not schema_ok:
        msg = "the features computed from the new data do not match the artifact's names and types"
    if champion is not None:
        added = sorted(set(names) - set(champion.feature_names))
        removed = sorted(set(champion.feature_names) - set(names))
        if added or removed:
            msg += f"; versus the champion: {len(added)} added, {len(removed)} removed"
    if all_missing:
        msg += f"; {len(all_missing)} entirely missing on the evaluation clients"
    checks.append(Check("feature_schema", schema_ok, msg))
    finite = bool(np.isfinite(p).all() and ((p >= 0) & (p <= 1)).all())
    checks.append(
        Check(
            "probabilities",
            finite,
            f"all {len(p):,} finite and in [0, 1]"
            if finite
            else "some probabilities are not finite or not in [0, 1]",
        )
    )
    if finite:
        std, distinct = float(np.std(p)), len(np.unique(np.round(p, 9)))
        approval = float((p < model.threshold).mean())
        spread = std >= _MIN_SCORE_STD and distinct >= min(_MIN_DISTINCT_SCORES, len(p))
        decisive = 0 < approval < 1
        checks.append(
            Check(
                "not_degenerate",
                spread and decisive,
                f"score std {std:.4f}, {distinct:,} distinct scores, approval rate {approval:.1%}"
                + ("" if spread else " (scores barely vary)")
                + ("" if decisive else " (every client gets the same decision)"),
            )
        )
    t = model.threshold
    checks.append(
        Check("threshold", 0 < t < 1, f"threshold {t:.4f}" + ("" if 0 < t < 1 else " is not in (0, 1)"))
    )
    if finite and len(np.unique(y)) == 2:
        auc = classification_report(y, p)["auc"]
        checks.append(
            Check(
                "auc_floor",
                auc >= min_auc,
                f"hold-out AUC {auc:.4f} {'>=' if auc >= min_auc else '<'} floor {min_auc:g}",
            )
        )
    return checks, model, p


def _notes(champion: ScoringModel | None, tables, weights: CostWeights, holdout: float) -> list[str]:
    if champion is None:
        return []
    notes = []
    fp = champion.metadata.get("data_fingerprint", {}).get("sha256")
    if fp and fp == data_fingerprint(tables)["sha256"]:
        notes.append(
            "the champion was trained on this same data: about "
            f"{1 - float(champion.metadata.get('config', {}).get('holdout', holdout)):.0%} of the evaluation "
            "clients may have been in its training split, so its figures are optimistic and the gate "
            "leans towards keeping it"
        )
    else:
        notes.append(
            "the champion may have trained on some of the evaluation clients (it only records a "
            "fingerprint of its training data); if so its figures are optimistic and the gate leans "
            "towards keeping it"
        )
    cw = champion.metadata.get("cost_weights")
    if cw and (float(cw.get("c_fn")), float(cw.get("c_fp"))) != (weights.c_fn, weights.c_fp):
        notes.append(
            f"the champion's threshold was chosen with c_fn={cw.get('c_fn'):g}, c_fp={cw.get('c_fp'):g}; "
            f"both models are costed here with c_fn={weights.c_fn:g}, c_fp={weights.c_fp:g}"
        )
    return notes


def _noise_notes(deltas: dict) -> list[str]:
    notes = []
    for key, label in (("auc", "AUC"), ("cost", "cost")):
        d, se = deltas.get(key), deltas.get(f"{key}_se")
        if d is not None and se and abs(d) < 2 * se:
            notes.append(
                f"the {label} difference ({d:+.4f}) is within two standard errors ({se:.4f}) of the "
                "evaluation split: it may be noise; more evaluation clients would tell"
            )
    return notes


def _load_champion(paths: StorePaths) -> ScoringModel | None:
    cur = paths.current
    if not cur.exists():
        return None
    if not cur.is_dir():
        raise RegistryError(f"{cur} exists and is not a directory")
    if not (cur / "metadata.json").exists():
        if any(cur.iterdir()):
            raise RegistryError(
                f"{cur} exists and is not a model directory; refusing to use it as the champion"
            )
        return None
    try:
        return load_model(cur)
    except ModelError as exc:
        raise RegistryError(
            f"the champion does not load ({exc}); roll back, or move {cur} away to train a first model"
        ) from None


def _tables(data) -> Mapping[str, pd.DataFrame | None]:
    from ..data import Dataset, load_dataset

    if isinstance(data, Dataset):
        return data.feature_tables("train")
    if isinstance(data, Mapping):
        return data
    return load_dataset(data, require_train=True, progress=False).feature_tables("train")


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
    RegistryError
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
            raise RegistryError(f"{name} must be a number >= 0, got {value!r}")
    if not 0 <= min_auc < 1:
        raise RegistryError(f"min_auc must be in [0, 1), got {min_auc!r}")
    config = config or TrainConfig()
    if seed is not None:
        config = dataclasses.replace(config, seed=int(seed))
    weights = CostWeights(config.c_fn, config.c_fp)
    paths = store_paths(champion_dir)
    paths.current.parent.mkdir(parents=True, exist_ok=True)
    tables = _tables(data)

    _load_champion(paths)  # fail before a long training if the champion is unusable
    steps = progress_bar(total=4, desc="Retraining", unit="step", disable=not progress)
    steps.set_postfix_str("training the challenger")
    result = train(tables, config, progress=progress)
    steps.update(1)
    # the store is locked from here only: a rollback is never blocked by a long training
    with _locked(paths):
        _recover(paths)
        _remove_stale_staging(paths)
        champion = _load_champion(paths)  # the champion now (it may have changed meanwhile)
        staging = paths.staging()
        try:
            steps.set_postfix_str("checks")
            save_model(result.model, staging, extra_files=evaluation_files(result))
            _pause_point("after-save")
            ho = result.holdout_scores
            apps = tables["application"]
            apps_ho = apps.set_index(apps["SK_ID_CURR"].to_numpy()).loc[ho["SK_ID_CURR"].to_numpy()]
            eval_tables = {**tables, "application": apps_ho.reset_index(drop=True)}
            y = ho["TARGET"].to_numpy(dtype=int)
            checks, challenger, p_chall = _checks(staging, result, eval_tables, y, champion, min_auc)
            steps.update(1)

            steps.set_postfix_str("evaluating the champion")
            scored = challenger is not None and p_chall is not None and bool(np.isfinite(p_chall).all())
            chall_metrics = (
                _model_metrics(challenger, y, p_chall, weights)
                if scored
                else {
                    "version": result.model.version,
                    **dict.fromkeys(
                        ("auc", "cost", "threshold", "approval_rate", "recall", "brier"), float("nan")
                    ),
                }
            )
            champ_metrics = None
            if champion is not None:
                p_champ = champion.predict_proba(champion.features(eval_tables))
                champ_metrics = _model_metrics(champion, y, p_champ, weights)
            steps.update(1)

            decision, reasons, deltas = _decide(
                checks, champ_metrics, chall_metrics, tolerance_auc, tolerance_cost
            )
            if champion is not None and scored:
                deltas.update(
                    _bootstrap_se(
                        y, p_champ, champion.threshold, p_chall, challenger.threshold, weights, config.seed
                    )
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
                notes=_notes(champion, tables, weights, config.holdout) + _noise_notes(deltas),
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
        finally:
            steps.close()
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    log.info("retrain: %s (%s)", out.decision, "; ".join(out.reasons))
    return out


def _bootstrap_se(y, p_champ, t_champ, p_chall, t_chall, weights: CostWeights, seed: int, n: int = 200):
    """Standard errors of the AUC and cost differences (paired bootstrap over the clients):
    information on how much of a difference the evaluation split can resolve."""
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(seed)
    err_champ = weights.c_fn * ((y == 1) & (p_champ < t_champ)) + weights.c_fp * (
        (y == 0) & (p_champ >= t_champ)
    )
    err_chall = weights.c_fn * ((y == 1) & (p_chall < t_chall)) + weights.c_fp * (
        (y == 0) & (p_chall >= t_chall)
    )
    d_auc, d_cost = [], []
    for _ in range(n):
        i = rng.integers(0, len(y), len(y))
        if y[i].min() == y[i].max():
            continue
        d_auc.append(roc_auc_score(y[i], p_chall[i]) - roc_auc_score(y[i], p_champ[i]))
        d_cost.append(err_chall[i].mean() - err_champ[i].mean())
    if len(d_auc) < 2:
        return {}
    return {"auc_se": float(np.std(d_auc, ddof=1)), "cost_se": float(np.std(d_cost, ddof=1))}


def _decide(
    checks: list[Check], champ: dict | None, chall: dict, tol_auc: float, tol_cost: float
) -> tuple[str, list[str], dict]:
    reasons: list[str] = []
    failed = [c for c in checks if not c.passed]
    reasons.extend(f"check {c.name} failed: {c.message}" for c in failed)
    deltas: dict = {}
    if champ is None:
        if failed:
            reasons.insert(0, "no champion yet, but the first model fails its checks")
            return KEPT, reasons, deltas
        return PROMOTED, ["no champion yet: the first model is promoted because all its checks pass"], deltas
    d_auc = chall["auc"] - champ["auc"]
    d_cost = chall["cost"] - champ["cost"]
    auc_ok = bool(np.isfinite(d_auc) and d_auc >= -tol_auc)
    cost_ok = bool(np.isfinite(d_cost) and d_cost <= tol_cost)
    deltas = {"auc": float(d_auc), "cost": float(d_cost), "auc_ok": auc_ok, "cost_ok": cost_ok}
    reasons.append(
        f"AUC {chall['auc']:.4f} against {champ['auc']:.4f} ({d_auc:+.4f}): "
        + ("within" if auc_ok else "worse than")
        + f" the tolerance of {tol_auc:g}"
    )
    reasons.append(
        f"cost per client {chall['cost']:.4f} against {champ['cost']:.4f} ({d_cost:+.4f}): "
        + ("within" if cost_ok else "worse than")
        + f" the tolerance of {tol_cost:g}"
    )
    if auc_ok and cost_ok and not failed:
        reasons.insert(
            0, "the challenger is not worse than the champion beyond tolerance and passes every check"
        )
        return PROMOTED, reasons, deltas
    what = [w for w, bad in (("AUC", not auc_ok), ("cost", not cost_ok), ("checks", bool(failed))) if bad]
    reasons.insert(0, f"the champion is kept: the challenger fails on {', '.join(what)}")
    return KEPT, reasons, deltas


# ----------------------------------------------------------------------------- MLflow


def _log_mlflow(out: RetrainResult, model_dir: Path, experiment: str | None, registered_model: str | None):
    """The challenger's run with the comparison; never raises (a warning on failure)."""
    try:
        import mlflow

        from ..tracking import DEFAULT_EXPERIMENT, DEFAULT_REGISTERED_MODEL, log_training

        register = (registered_model or DEFAULT_REGISTERED_MODEL) if out.promoted else None
        info = log_training(
            out.train_result,
            model_dir,
            experiment=experiment or DEFAULT_EXPERIMENT,
            registered_model=register,
            run_name="retrain",
            extra_params={"retrain.champion_version": out.champion_version or "none"},
        )
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
            set_champion_alias(register, info["model_version"])
        return info
    except Exception as exc:  # tracking must not lose a model or undo a decision
        log.warning("MLflow logging failed (%s: %s); the retraining itself is done", type(exc).__name__, exc)
        return {"error": f"{type(exc).__name__}: {exc}"}
