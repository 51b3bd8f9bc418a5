"""The champion / challenger gate: checks on a challenger, its comparison with the champion, the decision.

Pure decisions on predictions already made (no training, no file moved): the orchestration
(:func:`~scoring_core.model.retraining.retrain`: load data, train, save, compare, promote,
journal, log) and the store (:mod:`scoring_core.model.store`: atomic swaps, rollback) use it.

1. :func:`challenger_checks`: the saved challenger loads (hashes verified) and predicts what it
   predicted before saving, the features computed from the new data match its schema, its
   probabilities are finite and in [0, 1], scores and decisions are not degenerate, the
   threshold is in (0, 1) and the hold-out AUC reaches a floor;
2. :func:`model_metrics` on **the same clients for both models** (the challenger's hold-out
   split of the new data), each model at **its own decision threshold** and both with **the
   same cost weights** (the new training configuration's); :func:`bootstrap_se` gives the
   paired-bootstrap standard errors of the differences (information, not a rule);
3. :func:`decide`: the challenger is promoted when every check passes, its AUC is at least the
   champion's minus ``tolerance_auc`` and its cost at most the champion's plus
   ``tolerance_cost``; without a champion the first model is promoted when its checks pass.
   :func:`comparison_notes` and :func:`noise_notes` say what the figures can and cannot tell.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..metrics import CostWeights, classification_report, threshold_metrics
from .artifact import ModelError, load_model
from .scoring import ScoringModel
from .training import TrainResult, data_fingerprint

__all__ = [
    "PROMOTED",
    "KEPT",
    "Check",
    "RetrainResult",
    "model_metrics",
    "challenger_checks",
    "comparison_notes",
    "noise_notes",
    "bootstrap_se",
    "decide",
]

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


def model_metrics(model: ScoringModel, y: np.ndarray, p: np.ndarray, weights: CostWeights) -> dict:
    """``version, auc, cost, threshold, approval_rate, recall, brier`` of ``model``'s predictions
    ``p`` for the labels ``y``, at the model's own threshold, costed with ``weights``."""
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


def challenger_checks(
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


def comparison_notes(
    champion: ScoringModel | None, tables, weights: CostWeights, holdout: float
) -> list[str]:
    """What the comparison cannot tell: a champion that may have trained on the evaluation
    clients (optimistic figures), a champion whose threshold was chosen with other cost weights."""
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


def noise_notes(deltas: dict) -> list[str]:
    """A note for each gated difference smaller than two paired-bootstrap standard errors."""
    notes = []
    for key, label in (("auc", "AUC"), ("cost", "cost")):
        d, se = deltas.get(key), deltas.get(f"{key}_se")
        if d is not None and se and abs(d) < 2 * se:
            notes.append(
                f"the {label} difference ({d:+.4f}) is within two standard errors ({se:.4f}) of the "
                "evaluation split: it may be noise; more evaluation clients would tell"
            )
    return notes


def bootstrap_se(y, p_champ, t_champ, p_chall, t_chall, weights: CostWeights, seed: int, n: int = 200):
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


def decide(
    checks: list[Check], champ: dict | None, chall: dict, tol_auc: float, tol_cost: float
) -> tuple[str, list[str], dict]:
    """The gate's rule: ``(PROMOTED or KEPT, reasons in words, deltas)``.

    Promoted when every check passed and, against a champion, the AUC dropped by at most
    ``tol_auc`` and the cost per client rose by at most ``tol_cost``; without a champion, when
    every check passed. ``champ`` / ``chall`` are :func:`model_metrics` dicts.
    """
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
