"""Drift of a data set against a reference, through the single feature pipeline.

Scope of :func:`compute_drift`:

- every raw application column (``SK_ID_CURR`` and ``TARGET`` excluded);
- engineered features, built by the model's fitted ``FeatureBuilder`` (or, without a model,
  by a builder fitted on the reference only): with a model, the ``top`` engineered features
  (those that are not raw columns) ranked by the model's global importance (``metadata.json``);
  without a model there is no ranking and every engineered feature is compared;
- the score (the model's P(default)) when a model is given.

Application tables: the reference uses ``application_train`` (``application_test`` when
there is none), the current data ``application_test`` (``application_train`` when there is
none); both can be chosen explicitly. The history tables of each data set feed its features.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pandas as pd

from ..data import Dataset, load_dataset
from ..features import FeatureBuilder
from ..model.scoring import ScoringModel
from ..progress import progress_bar
from .compare import EXCLUDED_COLUMNS, _columns_drift, build_report, check_frames
from .errors import DriftError, EmptyDataError
from .params import DriftParams
from .result import SCORE_NAME, DriftReport

__all__ = ["compute_drift", "drift_from_dirs", "pick_application", "importance_ranks"]

log = logging.getLogger(__name__)

_TABLES = ("auto", "train", "test")


def pick_application(dataset: Dataset, which: str, role: str) -> str:
    """``"train"`` or ``"test"``: the application table of ``dataset`` used as ``role``.

    ``which="auto"`` prefers ``application_train`` for the reference and
    ``application_test`` for the current data, falling back on the other table.
    """
    if which not in _TABLES:
        raise DriftError(f"{role} table must be one of {', '.join(_TABLES)}, got {which!r}")
    present = [w for w in ("train", "test") if dataset.tables.get(f"application_{w}") is not None]
    where = f" in {dataset.data_dir}" if dataset.data_dir else ""
    if which == "auto":
        order = ("train", "test") if role == "reference" else ("test", "train")
        found = [w for w in order if w in present]
        if not found:
            raise DriftError(f"{role} data: no application_train or application_test table{where}")
        return found[0]
    if which not in present:
        raise DriftError(f"{role} data: table application_{which} not found{where}")
    return which


def importance_ranks(model: ScoringModel | None) -> dict[str, int]:
    """``{feature: rank}`` from the model's stored global importance (1 = most important)."""
    if model is None:
        return {}
    items = model.metadata.get("global_importance") or []
    return {d["feature"]: i for i, d in enumerate(items, start=1) if "feature" in d}


def _describe(dataset: Dataset, which: str, n: int) -> str:
    where = str(dataset.data_dir) if dataset.data_dir else "in-memory data"
    return f"{where}: application_{which} ({n:,} clients)"


def _engineered(builder: FeatureBuilder, raw: set[str], ranks: dict[str, int], top: int | None) -> list[str]:
    """Engineered features (not raw columns) to compare: the ``top`` ranked ones, or all."""
    engineered = [f for f in builder.feature_names_ if f not in raw]
    ranked = sorted((f for f in engineered if f in ranks), key=ranks.__getitem__)
    if not ranked:  # no model, or a model without stored importance: no ranking
        return engineered
    if top is None:
        return ranked + [f for f in engineered if f not in ranks]
    return ranked[:top]


def compute_drift(
    reference: Dataset,
    current: Dataset,
    model: ScoringModel | None = None,
    *,
    top: int | None = 30,
    reference_table: str = "auto",
    current_table: str = "auto",
    params: DriftParams | None = None,
    progress: bool = True,
) -> DriftReport:
    """Drift of ``current`` against ``reference``: raw columns, engineered features, score.

    Parameters
    ----------
    reference : Dataset
        The data the model learned on (e.g. ``load_dataset(train_dir)``).
    current : Dataset
        New clients (may be the same :class:`Dataset`: its ``application_test`` is then
        compared with its ``application_train``).
    model : ScoringModel, optional
        Its fitted feature builder builds the features of both sides, its stored global
        importance ranks them and its P(default) is compared too. Without a model, a
        ``FeatureBuilder`` is fitted on the reference only.
    top : int or None, default=30
        Engineered features compared when a model ranks them (``None``: all). Ignored
        without a model (all engineered features are compared).
    reference_table, current_table : {"auto", "train", "test"}
        Application table of each side (see the module docstring for ``"auto"``).
    params : DriftParams, optional
    progress : bool
        Progress bar on stderr.

    Returns
    -------
    DriftReport

    Raises
    ------
    DriftError
        Empty current or reference data, a table not found, mismatched columns.

    Examples
    --------
    >>> ds = load_dataset("data/home-credit")  # doctest: +SKIP
    >>> report = compute_drift(ds, ds, load_model("models/current"))  # train vs test  # doctest: +SKIP
    >>> print(report.verdict_text)  # doctest: +SKIP
    """
    params = params or DriftParams()
    if top is not None and top < 0:
        raise DriftError(f"top must be >= 0, got {top}")
    ref_which = pick_application(reference, reference_table, "reference")
    cur_which = pick_application(current, current_table, "current")
    ref_tables = reference.feature_tables(ref_which)
    cur_tables = current.feature_tables(cur_which)
    ref_app, cur_app = ref_tables["application"], cur_tables["application"]
    for role, app, ds, which in (
        ("reference", ref_app, reference, ref_which),
        ("current", cur_app, current, cur_which),
    ):
        if len(app) == 0:
            raise EmptyDataError(role, f"application_{which}" + (f" of {ds.data_dir}" if ds.data_dir else ""))
    raw = check_frames(ref_app, cur_app, [c for c in ref_app.columns if c not in EXCLUDED_COLUMNS])

    start = time.perf_counter()
    bar = progress_bar(total=len(raw) + 2, desc="Drift", unit="step", disable=not progress)
    try:
        builder = model.builder if model is not None else FeatureBuilder().fit(ref_tables)
        bar.set_postfix_str("reference features")
        X_ref = builder.transform(ref_tables)
        bar.update(1)
        bar.set_postfix_str("current features")
        X_cur = builder.transform(cur_tables)
        bar.update(1)
        ranks = importance_ranks(model)
        engineered = _engineered(builder, set(raw), ranks, top if model is not None else None)
        bar.total = len(raw) + 2 + len(engineered) + (model is not None)
        bar.refresh()
        features = _columns_drift(
            ref_app, cur_app, raw, params, source="application", importance=ranks, bar=bar
        )
        features += _columns_drift(
            X_ref, X_cur, engineered, params, source="feature", importance=ranks, bar=bar
        )
        if model is not None:
            scores = pd.DataFrame({SCORE_NAME: model.predict_proba(X_ref)})
            cur_scores = pd.DataFrame({SCORE_NAME: model.predict_proba(X_cur)})
            features += _columns_drift(
                scores, cur_scores, [SCORE_NAME], params, source="score", importance=None, bar=bar
            )
    finally:
        bar.close()
    log.info("drift of %d columns computed in %.1fs", len(features), time.perf_counter() - start)
    return build_report(
        features,
        params,
        reference=_describe(reference, ref_which, len(ref_app)),
        current=_describe(current, cur_which, len(cur_app)),
        n_reference=len(ref_app),
        n_current=len(cur_app),
        model_version=model.version if model is not None else None,
    )


def drift_from_dirs(
    reference_dir: str | Path,
    current_dir: str | Path,
    model_dir: str | Path | None = None,
    *,
    cache: bool | None = None,
    progress: bool = True,
    **kwargs,
) -> DriftReport:
    """:func:`compute_drift` on two data directories (they may be the same directory).

    ``kwargs`` go to :func:`compute_drift` (``top``, ``reference_table``, ``current_table``,
    ``params``).
    """
    from ..model.artifact import load_model

    model = load_model(model_dir) if model_dir else None
    reference = load_dataset(reference_dir, require_train=False, cache=cache, progress=progress)
    same = Path(reference_dir).resolve() == Path(current_dir).resolve()
    current = (
        reference if same else load_dataset(current_dir, require_train=False, cache=cache, progress=progress)
    )
    return compute_drift(reference, current, model, progress=progress, **kwargs)
