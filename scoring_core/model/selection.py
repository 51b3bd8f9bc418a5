"""Model selection: cross-validated comparison of models and imbalance strategies.

Every candidate is fitted on the same folds, through its imbalanced-learn pipeline, and
predicts the untouched validation rows: the out-of-fold (OOF) probabilities give the
AUC, PR-AUC, Brier score and the business cost at the best threshold. Thresholds are
chosen on OOF predictions only, never on training predictions or a test set.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from ..metrics import best_threshold, classification_report, cost_curve
from ..progress import progress_bar
from .estimators import feature_types
from .imbalance import ClassWeight, Strategy, make_pipeline, parse_strategy

__all__ = [
    "Candidate",
    "candidate_grid",
    "make_folds",
    "ComparisonResult",
    "compare_models",
    "cost_by_class_weight",
    "cost_vs_threshold",
    "TABLE_COLUMNS",
]

logger = logging.getLogger(__name__)

Folds = list[tuple[np.ndarray, np.ndarray]]

#: Columns of :attr:`ComparisonResult.table`.
TABLE_COLUMNS = (
    "model",
    "strategy",
    "auc",
    "auc_fold_mean",
    "auc_std",
    "pr_auc",
    "brier",
    "cost",
    "threshold",
    "fit_seconds",
)


@dataclass(frozen=True)
class Candidate:
    """A model with an imbalance strategy (and classifier parameters) to cross-validate.

    Parameters
    ----------
    model : str
        A model name of :func:`~scoring_core.model.make_estimator`.
    strategy : str or Strategy, default="none"
        The imbalance strategy (a spec string is parsed).
    params : mapping, default={}
        Parameters of the final classifier.
    name : str or None, default=None
        Label in the results; default ``"model/strategy"``.
    """

    model: str
    strategy: Strategy | str = "none"
    params: Mapping[str, Any] = field(default_factory=dict)
    name: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "strategy", parse_strategy(self.strategy))
        object.__setattr__(self, "params", dict(self.params))

    @property
    def label(self) -> str:
        """The candidate's label, e.g. ``"lightgbm/class_weight:6"``."""
        return self.name or f"{self.model}/{self.strategy}"

    def build(self, *, categorical: Sequence[str], numeric: Sequence[str], random_state: int | None = 0):
        """A fresh, unfitted training pipeline (see :func:`~scoring_core.model.make_pipeline`)."""
        return make_pipeline(
            self.model,
            self.strategy,
            categorical=categorical,
            numeric=numeric,
            random_state=random_state,
            **self.params,
        )


def candidate_grid(
    models: Iterable[str],
    strategies: Iterable[str | Strategy],
    *,
    model_params: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Candidate]:
    """Every model with every strategy; ``model_params`` maps a model name to its parameters.

    Examples
    --------
    >>> [c.label for c in candidate_grid(["dummy", "lightgbm"], ["none", "smote"])]
    ['dummy/none', 'dummy/smote', 'lightgbm/none', 'lightgbm/smote']
    """
    model_params = model_params or {}
    strategies = [parse_strategy(s) for s in strategies]
    return [Candidate(m, s, dict(model_params.get(m, {}))) for m, s in product(models, strategies)]


def _as_candidate(item, model_params: Mapping[str, Mapping[str, Any]]) -> Candidate:
    if isinstance(item, Candidate):
        return item
    if isinstance(item, str):
        item = (item, "none")
    if not isinstance(item, tuple | list) or not 2 <= len(item) <= 3:
        raise ValueError(f"a candidate is a Candidate or a (model, strategy[, params]) tuple, got {item!r}")
    model, strategy, *rest = item
    params = {**model_params.get(model, {}), **(rest[0] if rest else {})}
    return Candidate(model, strategy, params)


def make_folds(y, cv: int = 5, *, random_state: int | None = 0) -> Folds:
    """Stratified, shuffled ``(train_idx, valid_idx)`` folds (row positions)."""
    y = np.asarray(y)
    splitter = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    return [(np.asarray(tr), np.asarray(va)) for tr, va in splitter.split(np.zeros(len(y)), y)]


def _check_folds(folds, n: int) -> Folds:
    out = []
    seen = np.zeros(n, dtype=bool)
    for i, (tr, va) in enumerate(folds):
        tr, va = np.asarray(tr, dtype=np.int64), np.asarray(va, dtype=np.int64)
        for idx in (tr, va):
            if idx.ndim != 1 or len(idx) == 0 or idx.min() < 0 or idx.max() >= n:
                raise ValueError(f"fold {i}: indices must be non-empty row positions in [0, {n})")
        if np.intersect1d(tr, va).size:
            raise ValueError(f"fold {i}: training and validation rows overlap")
        if seen[va].any() or len(np.unique(va)) != len(va):
            raise ValueError(f"fold {i}: a row is validated more than once across folds")
        seen[va] = True
        out.append((tr, va))
    if not out:
        raise ValueError("no folds")
    if not seen.all():
        logger.warning("%d rows are in no validation fold: metrics use the other rows", int((~seen).sum()))
    return out


def _resolve_folds(y, cv, random_state) -> Folds:
    if isinstance(cv, int | np.integer):
        return make_folds(y, int(cv), random_state=random_state)
    if hasattr(cv, "split"):
        return _check_folds(cv.split(np.zeros(len(y)), y), len(y))
    return _check_folds(cv, len(y))


def _check_xy(X, y) -> tuple[pd.DataFrame, np.ndarray]:
    if not isinstance(X, pd.DataFrame):
        X = pd.DataFrame(np.asarray(X))
        X.columns = [f"x{i}" for i in range(X.shape[1])]
    y = np.asarray(y).ravel()
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} rows, y has {len(y)} values")
    if pd.isna(y).any() or not set(np.unique(y)) <= {0, 1}:
        raise ValueError("y must hold only 0 and 1")
    if len(np.unique(y)) < 2:
        raise ValueError("y must hold both classes")
    return X, y.astype(np.int64)


@dataclass(frozen=True)
class ComparisonResult:
    """Cross-validated comparison of candidates (see :func:`compare_models`).

    Attributes
    ----------
    table : pandas.DataFrame
        One row per candidate, indexed by label, sorted by cost then AUC (descending),
        columns :data:`TABLE_COLUMNS`: ``auc`` (on the pooled OOF predictions),
        ``auc_fold_mean`` and ``auc_std`` (over folds), ``pr_auc``, ``brier``, ``cost``
        (per client, at ``threshold``, the best threshold on the OOF predictions) and
        ``fit_seconds`` (mean fit time per fold).
    oof : dict
        ``{label: OOF probabilities of default}``, in the row order of ``X`` (``NaN``
        for rows in no validation fold).
    folds : list of (ndarray, ndarray)
        The ``(train_idx, valid_idx)`` row positions shared by all candidates.
    best : str
        Label of the first row of ``table``.
    y : ndarray
        The target.
    candidates : dict
        ``{label: Candidate}``, to rebuild and refit the chosen one.
    fold_metrics : pandas.DataFrame
        One row per candidate and fold: ``candidate, fold, auc, fit_seconds, n_valid``.
    c_fn, c_fp : float
        The cost weights.
    """

    table: pd.DataFrame
    oof: dict[str, np.ndarray]
    folds: Folds
    best: str
    y: np.ndarray
    candidates: dict[str, Candidate]
    fold_metrics: pd.DataFrame
    c_fn: float = 10.0
    c_fp: float = 1.0

    @property
    def best_candidate(self) -> Candidate:
        """The candidate of :attr:`best`."""
        return self.candidates[self.best]

    def cost_curve(self, label: str | None = None, thresholds=None) -> pd.DataFrame:
        """:func:`cost_vs_threshold` of a candidate's OOF predictions (default: the best)."""
        scores = self.oof[label or self.best]
        ok = np.isfinite(scores)
        return cost_vs_threshold(self.y[ok], scores[ok], thresholds, c_fn=self.c_fn, c_fp=self.c_fp)


def _positive_column(pipe) -> int:
    classes = list(pipe.classes_)
    if 1 not in classes:
        raise ValueError("the training fold has no positive (y = 1) row")
    return classes.index(1)


def compare_models(
    X: pd.DataFrame,
    y,
    candidates: Iterable[Candidate | tuple],
    *,
    cv: int | Iterable[tuple[Sequence[int], Sequence[int]]] = 5,
    c_fn: float = 10.0,
    c_fp: float = 1.0,
    random_state: int | None = 0,
    model_params: Mapping[str, Mapping[str, Any]] | None = None,
    progress: bool = False,
) -> ComparisonResult:
    """Cross-validate candidates (model + imbalance strategy) on the same folds.

    For each candidate and fold, a fresh pipeline is fitted on the training rows (any
    resampling happens there, inside the pipeline) and predicts the validation rows as
    they are. Metrics come from the pooled out-of-fold probabilities.

    Parameters
    ----------
    X : pandas.DataFrame
        Features (e.g. from :class:`~scoring_core.features.FeatureBuilder`); ``category``
        and string columns are categorical, the others numeric.
    y : array-like of 0/1
        Target (1 = default).
    candidates : iterable
        :class:`Candidate` objects or ``(model, strategy[, params])`` tuples (see
        :func:`candidate_grid`).
    cv : int or iterable of (train_idx, valid_idx), default=5
        Number of stratified shuffled folds (seeded with ``random_state``), explicit
        folds of row positions, or a scikit-learn splitter.
    c_fn, c_fp : float, default=10, 1
        Cost of a missed defaulter and of a refused good client.
    random_state : int or None, default=0
        Seed of the folds, the samplers and the models.
    model_params : mapping, optional
        ``{model name: classifier parameters}`` for candidates given as tuples.
    progress : bool, default=False
        Show a progress bar (one step per fit).

    Returns
    -------
    ComparisonResult

    Examples
    --------
    >>> result = compare_models(X, y, candidate_grid(["dummy", "lightgbm"], ["none", "smote"]), cv=3)  # doctest: +SKIP
    >>> result.table[["auc", "cost", "threshold"]]  # doctest: +SKIP
    """
    X, y = _check_xy(X, y)
    model_params = model_params or {}
    cands = [_as_candidate(item, model_params) for item in candidates]
    if not cands:
        raise ValueError("no candidates to compare")
    labels = [c.label for c in cands]
    duplicated = sorted({label for label in labels if labels.count(label) > 1})
    if duplicated:
        raise ValueError(f"duplicate candidate labels {duplicated}: give them distinct names")
    folds = _resolve_folds(y, cv, random_state)
    categorical, numeric = feature_types(X)
    logger.info(
        "comparing %d candidates on %d folds (%d rows, %d features, %.1f%% positive)",
        len(cands),
        len(folds),
        len(X),
        X.shape[1],
        100 * y.mean(),
    )

    rows, fold_rows, oofs = [], [], {}
    with progress_bar(
        total=len(cands) * len(folds), desc="compare models", unit="fit", disable=not progress
    ) as bar:
        for cand in cands:
            oof = np.full(len(y), np.nan)
            fold_aucs, fit_times = [], []
            for i, (tr, va) in enumerate(folds):
                bar.set_postfix_str(f"{cand.label} fold {i + 1}")
                pipe = cand.build(categorical=categorical, numeric=numeric, random_state=random_state)
                start = time.perf_counter()
                pipe.fit(X.iloc[tr], y[tr])
                fit_times.append(time.perf_counter() - start)
                oof[va] = pipe.predict_proba(X.iloc[va])[:, _positive_column(pipe)]
                auc = roc_auc_score(y[va], oof[va]) if len(np.unique(y[va])) == 2 else np.nan
                fold_aucs.append(auc)
                fold_rows.append(
                    {
                        "candidate": cand.label,
                        "fold": i,
                        "auc": auc,
                        "fit_seconds": fit_times[-1],
                        "n_valid": len(va),
                    }
                )
                bar.update()
            ok = np.isfinite(oof)
            report = classification_report(y[ok], oof[ok])
            threshold, cost = best_threshold(y[ok], oof[ok], c_fn=c_fn, c_fp=c_fp)
            rows.append(
                {
                    "candidate": cand.label,
                    "model": cand.model,
                    "strategy": str(cand.strategy),
                    "auc": report["auc"],
                    "auc_fold_mean": float(np.nanmean(fold_aucs)),
                    "auc_std": float(np.nanstd(fold_aucs)),
                    "pr_auc": report["pr_auc"],
                    "brier": report["brier"],
                    "cost": cost,
                    "threshold": threshold,
                    "fit_seconds": float(np.mean(fit_times)),
                }
            )
            oofs[cand.label] = oof
            logger.info(
                "%s: AUC %.4f (fold sd %.4f), cost %.4f at threshold %.3f, %.2f s per fit",
                cand.label,
                report["auc"],
                rows[-1]["auc_std"],
                cost,
                threshold,
                rows[-1]["fit_seconds"],
            )

    table = (
        pd.DataFrame(rows)
        .set_index("candidate")
        .sort_values(["cost", "auc"], ascending=[True, False], kind="mergesort")
    )
    table = table[list(TABLE_COLUMNS)]
    return ComparisonResult(
        table=table,
        oof=oofs,
        folds=folds,
        best=str(table.index[0]),
        y=y,
        candidates={c.label: c for c in cands},
        fold_metrics=pd.DataFrame(fold_rows),
        c_fn=c_fn,
        c_fp=c_fp,
    )


def cost_by_class_weight(
    X: pd.DataFrame,
    y,
    ratios: Iterable[float | str] = (1, 3, 6, 12, "balanced"),
    model: str = "lightgbm",
    *,
    cv: int | Iterable[tuple[Sequence[int], Sequence[int]]] = 5,
    c_fn: float = 10.0,
    c_fp: float = 1.0,
    random_state: int | None = 0,
    model_params: Mapping[str, Any] | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Cross-validated AUC and business cost of one model for several class weights.

    Parameters
    ----------
    X, y, cv, c_fn, c_fp, random_state, progress
        As in :func:`compare_models`.
    ratios : iterable of float or "balanced"
        Weights of a defaulter relative to a good client.
    model : str, default="lightgbm"
        The model.
    model_params : mapping, optional
        Parameters of the classifier.

    Returns
    -------
    pandas.DataFrame
        One row per ratio, sorted by ratio: ``ratio`` (numeric; ``balanced`` is shown as
        ``n_good / n_bad`` of ``y``), ``strategy`` (spec string), ``auc``, ``cost`` and
        ``threshold``.
    """
    strategies = [ClassWeight(r) for r in ratios]
    cands = [Candidate(model, s, dict(model_params or {})) for s in strategies]
    result = compare_models(
        X, y, cands, cv=cv, c_fn=c_fn, c_fp=c_fp, random_state=random_state, progress=progress
    )
    y_arr = result.y
    balanced = float((y_arr == 0).sum() / (y_arr == 1).sum())
    frame = pd.DataFrame(
        {
            "ratio": [balanced if s.ratio == "balanced" else float(s.ratio) for s in strategies],
            "strategy": [str(s) for s in strategies],
            "auc": [result.table.loc[c.label, "auc"] for c in cands],
            "cost": [result.table.loc[c.label, "cost"] for c in cands],
            "threshold": [result.table.loc[c.label, "threshold"] for c in cands],
        }
    )
    return frame.sort_values("ratio", kind="mergesort").reset_index(drop=True)


def cost_vs_threshold(
    y,
    oof_scores,
    thresholds=None,
    *,
    c_fn: float = 10.0,
    c_fp: float = 1.0,
) -> pd.DataFrame:
    """Business cost and approval rate at each decision threshold (refuse when ``score >= t``).

    Parameters
    ----------
    y : array-like of 0/1
        Target.
    oof_scores : array-like of float
        Out-of-fold probabilities of default.
    thresholds : array-like of float, optional
        Thresholds to evaluate; default: every distinct score and one above the maximum
        (as :func:`scoring_core.metrics.cost_curve`), which gives the exact minimum.
    c_fn, c_fp : float, default=10, 1
        Cost weights.

    Returns
    -------
    pandas.DataFrame
        ``threshold`` (ascending), ``cost`` (per client) and ``approval_rate`` (share of
        clients with ``score < threshold``).

    Examples
    --------
    >>> cost_vs_threshold([0, 1, 0, 1], [0.1, 0.8, 0.3, 0.4], [0.35, 0.5])
       threshold  cost  approval_rate
    0       0.35   0.0           0.50
    1       0.50   2.5           0.75
    """
    y = np.asarray(y)
    scores = np.asarray(oof_scores, dtype=float).ravel()
    if not np.isfinite(scores).all():
        raise ValueError("scores must be finite (drop rows without an out-of-fold prediction)")
    thr, costs = cost_curve(y, scores, c_fn=c_fn, c_fp=c_fp, thresholds=thresholds)
    order = np.argsort(thr, kind="mergesort")
    thr, costs = np.asarray(thr, dtype=float)[order], np.asarray(costs, dtype=float)[order]
    approved = np.searchsorted(np.sort(scores), thr, side="left")
    return pd.DataFrame({"threshold": thr, "cost": costs, "approval_rate": approved / len(scores)})
