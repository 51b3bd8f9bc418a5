"""Typed drift results: one :class:`FeatureDrift` per column, one :class:`DriftReport` per run.

Compute once, draw separately: the HTML report, the notebook and the widget only read
these objects. ``DriftReport.to_dict()`` is the JSON contract of the ``drift`` command:
``{dataset_drift: bool, features: [{name, kind, stat_name, statistic, psi, drift, ...}]}``
plus extra fields; every non-finite number becomes ``null``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .params import DRIFT, STABLE, STATUSES, WATCH, DriftParams

__all__ = ["DriftBins", "FeatureDrift", "DriftReport", "SCORE_NAME"]

#: Name of the model's score (P(default)) among the compared columns.
SCORE_NAME = "score"


def _num(x) -> float | None:
    """A finite float, or ``None``."""
    if x is None:
        return None
    x = float(x)
    return x if math.isfinite(x) else None


@dataclass
class DriftBins:
    """What a reference-against-current histogram needs: the bins of the PSI.

    ``reference`` and ``current`` are the shares of each side's rows (missing values
    included) in each bin; ``*_counts`` the row counts.
    """

    labels: list[str]
    reference: list[float]
    current: list[float]
    reference_counts: list[int]
    current_counts: list[int]
    cuts: list[float] | None = None

    def to_dict(self) -> dict:
        return {
            "labels": list(self.labels),
            "reference": [_num(v) for v in self.reference],
            "current": [_num(v) for v in self.current],
            "reference_counts": [int(v) for v in self.reference_counts],
            "current_counts": [int(v) for v in self.current_counts],
            "cuts": None if self.cuts is None else [_num(v) for v in self.cuts],
        }


@dataclass
class FeatureDrift:
    """Drift of one column (a raw application column, an engineered feature or the score).

    Attributes
    ----------
    name : column name (``"score"`` for the model's P(default)).
    kind : ``"numeric"`` or ``"categorical"``.
    source : ``"application"`` (raw column), ``"feature"`` (engineered) or ``"score"``.
    stat_name : ``"ks"`` (numeric) or ``"chi2"`` (categorical).
    statistic, p_value : the test's statistic and p-value (``p_value`` is ``None`` when the
        test cannot run, e.g. no non-missing value on a side; ``statistic`` is then 0).
        Reported, not decisive: with large samples p-values are always tiny.
    psi : population stability index over :attr:`bins`.
    psi_noise : PSI that sampling noise alone exceeds with probability ``alpha`` (computed
        only when ``psi`` reaches the watch threshold, ``None`` otherwise).
    wasserstein : Wasserstein distance over the reference's IQR (or std, see
        :attr:`wasserstein_scale`); ``None`` for categorical columns or no spread.
    missing_reference, missing_current : shares of missing values.
    status : ``"stable"``, ``"watch"`` or ``"drift"`` (see :func:`~scoring_core.drift.psi_status`).
    drift : ``status == "drift"``.
    importance_rank : rank in the model's global importance (1 = most important), if any.
    bins : the PSI bins, to draw the histograms.
    """

    name: str
    kind: str
    source: str
    stat_name: str
    statistic: float
    p_value: float | None
    psi: float
    psi_noise: float | None
    wasserstein: float | None
    wasserstein_scale: str | None
    missing_reference: float
    missing_current: float
    status: str
    drift: bool
    bins: DriftBins
    importance_rank: int | None = None

    @property
    def missing_change(self) -> float:
        """Current minus reference share of missing values."""
        return self.missing_current - self.missing_reference

    def to_dict(self, *, bins: bool = True) -> dict:
        out = {
            "name": self.name,
            "kind": self.kind,
            "source": self.source,
            "stat_name": self.stat_name,
            "statistic": _num(self.statistic) or 0.0,
            "p_value": _num(self.p_value),
            "psi": _num(self.psi),
            "psi_noise": _num(self.psi_noise),
            "wasserstein": _num(self.wasserstein),
            "wasserstein_scale": self.wasserstein_scale,
            "missing_reference": _num(self.missing_reference),
            "missing_current": _num(self.missing_current),
            "status": self.status,
            "drift": bool(self.drift),
            "importance_rank": self.importance_rank,
        }
        if bins:
            out["bins"] = self.bins.to_dict()
        return out


@dataclass
class DriftReport:
    """Drift of every compared column and the dataset-level verdict.

    Attributes
    ----------
    features : one :class:`FeatureDrift` per column, sorted by decreasing PSI (the score
        first when present).
    dataset_drift : the verdict (rule in :func:`~scoring_core.drift.dataset_verdict`).
    reasons : why the verdict is drift (empty when it is not).
    params : the parameters used.
    reference, current : descriptions of the two data sets.
    n_reference, n_current : their row (client) counts.
    model_version : the model whose builder and score were used, if any.
    """

    features: list[FeatureDrift]
    dataset_drift: bool
    reasons: list[str]
    params: DriftParams
    reference: str
    current: str
    n_reference: int
    n_current: int
    model_version: str | None = None
    extra: dict = field(default_factory=dict)

    # -- lookups ---------------------------------------------------------------------------
    @property
    def names(self) -> list[str]:
        return [f.name for f in self.features]

    def feature(self, name: str) -> FeatureDrift:
        """The drift of column ``name`` (``KeyError`` if it was not compared)."""
        for f in self.features:
            if f.name == name:
                return f
        raise KeyError(f"no drift result for column {name!r}")

    @property
    def score(self) -> FeatureDrift | None:
        """The score's drift, when a model was given."""
        return next((f for f in self.features if f.source == "score"), None)

    def by_status(self, *statuses: str) -> list[FeatureDrift]:
        """Columns with one of ``statuses`` (all columns when none given), in report order."""
        return [f for f in self.features if not statuses or f.status in statuses]

    @property
    def summary(self) -> dict:
        """Counts: ``columns`` (score excluded), per status, ``drift_share`` and ``score_drift``."""
        cols = [f for f in self.features if f.source != "score"]
        counts = {s: sum(f.status == s for f in cols) for s in STATUSES}
        score = self.score
        return {
            "columns": len(cols),
            **counts,
            "drift_share": counts[DRIFT] / len(cols) if cols else 0.0,
            "score_drift": None if score is None else bool(score.drift),
            "by_source": {
                src: {s: sum(f.status == s for f in cols if f.source == src) for s in STATUSES}
                for src in ("application", "feature")
            },
        }

    @property
    def verdict_text(self) -> str:
        """The verdict in words, e.g. ``"Dataset drift: the score drifted (PSI 0.31); ..."``."""
        s = self.summary
        counts = (
            f"{s[DRIFT]} of {s['columns']} columns drifted ({s['drift_share']:.1%}), "
            f"{s[WATCH]} to watch, {s[STABLE]} stable"
        )
        if self.dataset_drift:
            return f"Dataset drift: {'; '.join(self.reasons)}. {counts}."
        rule = f"dataset drift above {self.params.drift_share:.0%}"
        if self.score is not None:
            rule += f", or when the score or a top-{self.params.top_important} feature drifts"
        return f"No dataset drift: {counts} ({rule})."

    # -- export ----------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """One row per column: name, source, kind, status, PSI, test, p-value, distance, missing rates."""
        rows = [
            {
                "name": f.name,
                "source": f.source,
                "kind": f.kind,
                "status": f.status,
                "drift": f.drift,
                "psi": f.psi,
                "stat_name": f.stat_name,
                "statistic": f.statistic,
                "p_value": np.nan if f.p_value is None else f.p_value,
                "wasserstein": np.nan if f.wasserstein is None else f.wasserstein,
                "missing_reference": f.missing_reference,
                "missing_current": f.missing_current,
                "importance_rank": pd.NA if f.importance_rank is None else f.importance_rank,
            }
            for f in self.features
        ]
        return pd.DataFrame(rows).astype({"importance_rank": "Int64"})

    def to_dict(self, *, bins: bool = True) -> dict:
        """The JSON contract (strict JSON values: ``None`` for any missing number)."""
        return {
            "dataset_drift": bool(self.dataset_drift),
            "verdict": self.verdict_text,
            "reasons": list(self.reasons),
            "summary": self.summary,
            "reference": {"description": self.reference, "rows": int(self.n_reference)},
            "current": {"description": self.current, "rows": int(self.n_current)},
            "model_version": self.model_version,
            "params": self.params.to_dict(),
            "features": [f.to_dict(bins=bins) for f in self.features],
            **self.extra,
        }

    def to_json(self, *, bins: bool = True, indent: int | None = 1) -> str:
        """:meth:`to_dict` as strict JSON (``NaN`` never appears)."""
        return json.dumps(self.to_dict(bins=bins), indent=indent, allow_nan=False, ensure_ascii=False)
