"""The boosting recipe of ``train``: size-scaled regularization, in-fold pruning, seed averaging.

Measured on the real Home Credit sample (``bench/bench_real_recipe.py``, repeated stratified
cross-validation): on a few thousand clients a randomized parameter search overfits its own
selection, so below :data:`SMALL_DATA` training clients the recipe uses fixed, strongly
regularized parameters whose leaf size grows with the data; the number of trees is chosen by
early stopping on an inner cross-validation, and several boosters trained with different
seeds are averaged (in log-odds) into one booster, so TreeSHAP stays exact on it.

Every fitted step (pruning, number of trees, the boosters) only sees the rows it is given:
called on a training fold, nothing leaks from the validation rows.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "SMALL_DATA",
    "RecipeFit",
    "scaled_params",
    "average_boosters",
    "near_duplicates",
    "fit_boosters",
    "choose_n_trees",
]

log = logging.getLogger(__name__)

#: Below this many training clients: fixed, size-scaled parameters (no randomized search).
SMALL_DATA = 30_000


def scaled_params(n_rows: int, base: dict | None = None) -> dict:
    """LightGBM parameters regularized for ``n_rows`` training clients.

    A slow learning rate, small trees, strong column subsampling and L2, and a minimum leaf
    size of about 2% of the clients (20 to 200): a leaf never rests on a handful of defaulters.

    Examples
    --------
    >>> scaled_params(4000)["min_child_samples"]
    80
    """
    n_rows = int(n_rows)
    params = {
        "objective": "binary",
        "learning_rate": 0.02 if n_rows < SMALL_DATA else 0.05,
        "num_leaves": 15 if n_rows < 100_000 else 31,
        "min_child_samples": int(np.clip(round(0.02 * n_rows), 20, 200)),
        "colsample_bytree": 0.3,
        "subsample": 0.8,
        "subsample_freq": 1,
        "reg_lambda": 5.0,
        "reg_alpha": 0.0,
        "min_split_gain": 0.0,
        "max_bin": 255,
        "verbose": -1,
        # one thread below 50,000 rows: OpenMP threads on a busy 2-core machine spend more time
        # waiting for each other than boosting small data
        "num_threads": 1 if n_rows < 50_000 else 2,
    }
    return {**params, **(base or {})}


def near_duplicates(X: pd.DataFrame, *, threshold: float = 0.98, max_rows: int = 20_000) -> list[str]:
    """Numeric features nearly identical to an earlier one (|Spearman rho| >= ``threshold``),
    or constant: they are dropped from the boosters' training data.

    Fitted on the rows given (a training fold), on at most ``max_rows`` of them.
    """
    num = X.select_dtypes(include="number")
    if len(num) > max_rows:
        num = num.sample(max_rows, random_state=0)
    if num.shape[1] == 0:
        return []
    nunique = num.nunique(dropna=True)
    drop = list(nunique.index[nunique <= 1])
    keep = [c for c in num.columns if c not in drop]
    ranks = num[keep].rank(pct=True).to_numpy(dtype=np.float64)
    ranks = np.where(np.isnan(ranks), 0.5, ranks)  # missing: the middle rank
    ranks -= ranks.mean(axis=0)
    norms = np.linalg.norm(ranks, axis=0)
    norms[norms == 0] = 1.0
    corr = np.abs((ranks / norms).T @ (ranks / norms))
    dropped = np.zeros(len(keep), dtype=bool)
    for j in range(len(keep)):
        if dropped[j]:
            continue
        dup = np.nonzero(corr[j, j + 1 :] >= threshold)[0] + j + 1
        dropped[dup] = True
    drop += [c for c, d in zip(keep, dropped, strict=True) if d]
    return drop


def _blank(X: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """``X`` with ``columns`` all missing: LightGBM never splits on them, the layout is kept."""
    if not columns:
        return X
    X = X.copy()
    X.loc[:, list(columns)] = np.nan
    return X


def _scale_line(line: str, k: int) -> str:
    key, _, values = line.partition("=")
    return key + "=" + " ".join(repr(float(v) / k) for v in values.split())


def average_boosters(boosters: Sequence):
    """One LightGBM booster whose log-odds are the mean of ``boosters``' log-odds.

    The trees of every booster are concatenated with their leaf values divided by the number
    of boosters (boosters trained on the same features, e.g. with different seeds). The result
    is an ordinary booster: saved in LightGBM's text format, explained exactly by TreeSHAP.
    """
    import lightgbm as lgb

    boosters = list(boosters)
    if not boosters:
        raise ValueError("no booster to average")
    if len(boosters) == 1:
        return boosters[0]
    k = len(boosters)
    texts = [b.model_to_string() for b in boosters]
    names = [tuple(b.feature_name()) for b in boosters]
    if len(set(names)) != 1:
        raise ValueError("boosters to average must have the same features")
    marker = "\nTree=0\n"
    head = texts[0][: texts[0].index(marker)]
    tail = texts[0][texts[0].index("end of trees") :]
    blocks: list[str] = []
    for text in texts:
        body = text[text.index(marker) + 1 : text.index("end of trees")].strip("\n")
        for block in re.split(r"\n(?=Tree=\d+\n)", body):
            lines = block.split("\n")
            lines = [
                _scale_line(line, k) if line.startswith(("leaf_value=", "internal_value=")) else line
                for line in lines
            ]
            lines[0] = f"Tree={len(blocks)}"
            blocks.append("\n".join(lines) + "\n\n")
    head_lines = [line for line in head.split("\n") if not line.startswith("tree_sizes=")]
    head_lines.append("tree_sizes=" + " ".join(str(len(b.encode())) for b in blocks))
    return lgb.Booster(model_str="\n".join(head_lines) + "\n\n" + "".join(blocks) + tail)


def choose_n_trees(
    params: dict,
    X: pd.DataFrame,
    y: np.ndarray,
    folds: Sequence[tuple[np.ndarray, np.ndarray]],
    *,
    max_rounds: int = 3000,
    patience: int = 100,
) -> int:
    """Number of trees by early stopping on the mean validation AUC of ``folds`` (of ``X``)."""
    import lightgbm as lgb

    ds = lgb.Dataset(X, label=y, params={"verbose": -1, "feature_pre_filter": False}, free_raw_data=False)
    cv = lgb.cv(
        params | {"metric": "auc"},
        ds,
        num_boost_round=max_rounds,
        folds=list(folds),
        stratified=False,
        callbacks=[lgb.early_stopping(patience, verbose=False)],
    )
    key = next(k for k in cv if k.endswith("auc-mean"))
    return int(np.argmax(cv[key])) + 1


@dataclass
class RecipeFit:
    """A fitted recipe: the (seed-averaged) booster and what was chosen on the way."""

    booster: object
    params: dict
    n_trees: int
    seeds: list[int]
    pruned: list[str]


def fit_boosters(
    params: dict,
    X: pd.DataFrame,
    y: np.ndarray,
    n_trees: int,
    *,
    seeds: Sequence[int] = (0,),
    pruned: Sequence[str] = (),
    strategy="none",
    sampler_seed: int | None = None,
) -> RecipeFit:
    """Train one booster per seed on ``X`` (``pruned`` columns blanked) and average them.

    Each booster is the ``LGBMClassifier`` of the imbalanced-learn pipeline that
    :func:`~scoring_core.model.compare_models` uses (:func:`~scoring_core.model.make_pipeline`):
    a resampling ``strategy`` (``undersample``/``oversample``) is its sampler step, seeded
    with ``sampler_seed`` (default: the booster's seed), so it only ever touches these rows.
    A ``class_weight`` strategy is LightGBM's ``scale_pos_weight`` in ``params`` (set by the
    caller), not the classifier's ``class_weight``.
    """
    from .imbalance import ClassWeight, NoResampling, make_pipeline, parse_strategy

    strategy = parse_strategy(strategy)
    if isinstance(strategy, ClassWeight):
        strategy = NoResampling()
    Xb = _blank(X, pruned)
    categorical = [c for c in Xb.columns if isinstance(Xb[c].dtype, pd.CategoricalDtype)]
    numeric = [c for c in Xb.columns if c not in set(categorical)]
    # no pre-filter: it renumbers the features, and per-feature parameters (monotone
    # constraints) would land on the wrong ones; a blanked column is unsplittable anyway
    model_params = {k: v for k, v in params.items() if k != "seed"}
    model_params |= {"n_estimators": int(n_trees), "feature_pre_filter": False}
    boosters = []
    for seed in seeds:
        pipe = make_pipeline(
            "lightgbm",
            strategy,
            categorical=categorical,
            numeric=numeric,
            random_state=int(seed),
            **model_params,
        )
        if sampler_seed is not None and "sampler" in pipe.named_steps:
            pipe.set_params(sampler__random_state=int(sampler_seed))
        pipe.fit(Xb, y)
        boosters.append(pipe.steps[-1][1].booster_)
    return RecipeFit(
        booster=average_boosters(boosters),
        params=dict(params),
        n_trees=int(n_trees),
        seeds=[int(s) for s in seeds],
        pruned=list(pruned),
    )
