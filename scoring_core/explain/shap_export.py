"""The project's explanations as ``shap.Explanation`` objects, for SHAP's own plots.

Data scientists know ``shap.plots.waterfall``, ``beeswarm`` and ``scatter``; these functions hand
them the project's exact contributions (log-odds, the same numbers as the dashboard and the API)
with feature names, base values and feature values, so no second explainer is built.

``shap`` is an optional dependency (``pip install -e '.[shap]'``, included in ``[lab]`` and
``[test]``); it is imported only when one of these functions is called.

Examples
--------
>>> service = ScoringService.from_paths("models/current", "data/synthetic")  # doctest: +SKIP
>>> shap.plots.waterfall(service.explain(100002, top=None).to_shap())  # doctest: +SKIP
>>> batch = explanations_to_shap(service.explainer, service.features.iloc[:500])  # doctest: +SKIP
>>> shap.plots.beeswarm(batch)  # doctest: +SKIP
>>> shap.plots.scatter(batch[:, "EXT_SOURCES_MEAN"])  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..errors import ScoringError

if TYPE_CHECKING:  # pragma: no cover
    import shap

    from .local import Explainer, Explanation

__all__ = ["ShapUnavailableError", "explanation_to_shap", "explanations_to_shap", "numeric_matrix"]


class ShapUnavailableError(ScoringError):
    """``shap`` is not installed (it lives in the ``shap`` extra)."""


def _shap():
    try:
        import shap
    except ImportError:
        raise ShapUnavailableError(
            "shap is not installed: pip install -e '.[shap]' (also part of the lab and test extras)"
        ) from None
    return shap


def _number(v) -> float:
    if v is None:
        return np.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        return np.nan


def explanation_to_shap(explanation: Explanation) -> shap.Explanation:
    """One client's explanation as a one-row ``shap.Explanation`` (log-odds).

    ``values`` are the contributions, ``base_values`` the base value, ``data`` the feature
    values as numbers (NaN for missing or categorical values) and ``display_data`` the values as
    shown (category labels kept), so ``shap.plots.waterfall`` labels each bar with the client's
    value. Give the full explanation (``top=None``): SHAP folds the smallest bars itself
    (``max_display``); a folded ``other features`` entry is kept as one feature.
    """
    shap = _shap()
    cs = explanation.contributions
    if not cs:
        raise ScoringError("the explanation has no contributions to convert")
    display = np.empty(len(cs), dtype=object)
    display[:] = [c.value for c in cs]
    return shap.Explanation(
        values=np.array([c.shap for c in cs], dtype=float),
        base_values=float(explanation.base_value),
        data=np.array([_number(c.value) for c in cs], dtype=float),
        display_data=display,
        feature_names=[c.feature for c in cs],
    )


def numeric_matrix(X: pd.DataFrame) -> np.ndarray:
    """Feature rows as floats: numbers as they are, categories as their codes, NaN for missing.

    This is the matrix LightGBM sees (``ScoringModel.booster_input``), and what SHAP's beeswarm
    and scatter plots colour and place points by.
    """
    out = np.empty(X.shape, dtype=np.float64)
    for j, col in enumerate(X.columns):
        s = X[col]
        if isinstance(s.dtype, pd.CategoricalDtype):
            codes = s.cat.codes.to_numpy()
            out[:, j] = np.where(codes < 0, np.nan, codes)
        else:
            out[:, j] = pd.to_numeric(s, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return out


def explanations_to_shap(explainer: Explainer, X: pd.DataFrame) -> shap.Explanation:
    """Explanations of many clients at once (one vectorised call) as a ``shap.Explanation``.

    Parameters
    ----------
    explainer : the project's :class:`~scoring_core.explain.Explainer` (for a linear model,
        after ``fit_reference``), e.g. ``ScoringService.explainer``.
    X : feature rows (``ScoringModel.features``), one per client, indexed by ``SK_ID_CURR``.

    Returns
    -------
    shap.Explanation
        ``values`` (clients x features, log-odds), ``base_values`` (one per client),
        ``data`` (:func:`numeric_matrix`), ``display_data`` (the values as they are) and
        ``feature_names``; for every client ``base_values + values.sum(1)`` is the log-odds.
    """
    shap = _shap()
    names = list(explainer.model.feature_names)
    if list(X.columns) != names:
        missing = [f for f in names if f not in X.columns]
        raise ScoringError(
            "the feature rows do not match the model's features"
            + (f" (missing: {', '.join(missing[:5])})" if missing else " (order differs)")
        )
    if len(X) == 0:
        raise ScoringError("no feature rows to explain")
    contrib, base = explainer.contributions(X)
    return shap.Explanation(
        values=np.asarray(contrib, dtype=float),
        base_values=np.asarray(base, dtype=float),
        data=numeric_matrix(X),
        display_data=X.to_numpy(dtype=object),
        feature_names=names,
    )
