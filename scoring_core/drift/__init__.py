"""Drift monitoring: are new clients still like the clients the model learned on?

Per column (raw application columns, engineered features, the score): PSI on reference
quantile or level bins, a KS or chi-square test, a normalised Wasserstein distance and the
change of the missing rate; a status (stable / watch / drift) from the PSI; a dataset-level
verdict (:func:`dataset_verdict`). Pure library: the HTML report lives in
``scoring_reports``, the interactive panel in ``widgets``.

Examples
--------
>>> from scoring_core.drift import drift_from_dirs
>>> report = drift_from_dirs("data/train_dir", "data/new_dir", "models/current")  # doctest: +SKIP
>>> print(report.verdict_text)  # doctest: +SKIP
"""

from .compare import EXCLUDED_COLUMNS, build_report, check_frames, column_drift, column_kind, compare_frames
from .compute import compute_drift, drift_from_dirs, importance_ranks, pick_application
from .errors import DriftError, EmptyDataError, NoCommonColumnsError, SchemaMismatchError
from .params import DRIFT, STABLE, STATUSES, WATCH, DriftParams, psi_status
from .result import SCORE_NAME, DriftBins, DriftReport, FeatureDrift
from .shift import DEMO_ADD, DEMO_MOVE, DEMO_SCALE, shift_applications, shift_dataset
from .stats import (
    MISSING_LABEL,
    OTHER_LABEL,
    Binning,
    categorical_binning,
    chi2_test,
    ks_test,
    missing_rate,
    normalized_wasserstein,
    numeric_binning,
    psi,
    psi_noise_bound,
)
from .verdict import dataset_verdict

__all__ = [
    "DEMO_ADD",
    "DEMO_MOVE",
    "DEMO_SCALE",
    "DRIFT",
    "EXCLUDED_COLUMNS",
    "MISSING_LABEL",
    "OTHER_LABEL",
    "SCORE_NAME",
    "STABLE",
    "STATUSES",
    "WATCH",
    "Binning",
    "DriftBins",
    "DriftError",
    "DriftParams",
    "DriftReport",
    "EmptyDataError",
    "FeatureDrift",
    "NoCommonColumnsError",
    "SchemaMismatchError",
    "build_report",
    "categorical_binning",
    "check_frames",
    "chi2_test",
    "column_drift",
    "column_kind",
    "compare_frames",
    "compute_drift",
    "dataset_verdict",
    "drift_from_dirs",
    "importance_ranks",
    "ks_test",
    "missing_rate",
    "normalized_wasserstein",
    "numeric_binning",
    "pick_application",
    "psi",
    "psi_noise_bound",
    "psi_status",
    "shift_applications",
    "shift_dataset",
]
