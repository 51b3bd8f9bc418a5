"""The dataset-level drift verdict."""

from __future__ import annotations

from collections.abc import Sequence

from .params import DriftParams
from .result import FeatureDrift

__all__ = ["dataset_verdict"]


def dataset_verdict(features: Sequence[FeatureDrift], params: DriftParams) -> tuple[bool, list[str]]:
    """Whether the current data as a whole drifted, and why.

    The rule: dataset drift when **any** of

    1. the score (the model's P(default)) drifts;
    2. a column ranked among the model's ``params.top_important`` most important features
       (raw or engineered) drifts;
    3. more than ``params.drift_share`` of the compared columns (raw and engineered, the
       score excluded) drift.

    A column drifts when its status is ``"drift"``: PSI above ``params.psi_drift`` and
    beyond sampling noise (see :func:`~scoring_core.drift.psi_status`). Rules 1 and 2 need a
    model.

    Returns
    -------
    (bool, list of str)
        The verdict and the reasons that triggered it (empty when no drift).
    """
    reasons = []
    for f in features:
        if f.source == "score" and f.drift:
            reasons.append(f"the score (P(default)) drifted (PSI {f.psi:.2f})")
    top = [
        f
        for f in features
        if f.drift
        and f.source != "score"
        and f.importance_rank is not None
        and f.importance_rank <= params.top_important
    ]
    if top:
        top = sorted(top, key=lambda f: f.importance_rank)
        names = ", ".join(f"{f.name} (#{f.importance_rank})" for f in top)
        reasons.append(f"top-{params.top_important} model feature(s) drifted: {names}")
    columns = [f for f in features if f.source != "score"]
    if columns:
        share = sum(f.drift for f in columns) / len(columns)
        if share > params.drift_share:
            reasons.append(f"{share:.0%} of the columns drifted (more than {params.drift_share:.0%})")
    return bool(reasons), reasons
