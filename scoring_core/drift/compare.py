"""Compare two data frames column by column: :func:`compare_frames`.

How a column is judged (the ``drift`` flag): the PSI decides, p-values are reported but
never decide alone (with hundreds of thousands of rows every KS p-value is tiny, even for
shifts nobody cares about). A column is ``"drift"`` when its PSI is above
``DriftParams.psi_drift`` (0.25) **and** above the PSI sampling noise alone would give
(:func:`~scoring_core.drift.psi_noise_bound`, which only matters for small samples: with
a few hundred clients, bins are sparse and the PSI of identical distributions often
exceeds 0.1). Without drift about ``alpha`` (1%) of the columns of small samples are still
flagged by chance; the dataset verdict does not hinge on one column (unless it is the score
or a top feature).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..progress import progress_bar
from .errors import EmptyDataError, NoCommonColumnsError, SchemaMismatchError
from .params import DRIFT, DriftParams, psi_status
from .result import DriftBins, DriftReport, FeatureDrift
from .stats import (
    Binning,
    categorical_binning,
    chi2_test,
    missing_rate,
    numeric_statistics,
    psi,
    psi_noise_bound,
)
from .verdict import dataset_verdict

__all__ = [
    "compare_frames",
    "column_kind",
    "column_drift",
    "drift_from_binning",
    "check_frames",
    "build_report",
    "EXCLUDED_COLUMNS",
]

log = logging.getLogger(__name__)

#: Columns never compared: the client id and the outcome.
EXCLUDED_COLUMNS: tuple[str, ...] = ("SK_ID_CURR", "TARGET")
NUMERIC = "numeric"
CATEGORICAL = "categorical"


def column_kind(s: pd.Series) -> str:
    """``"numeric"`` for numbers (not booleans), ``"categorical"`` for anything else."""
    if pd.api.types.is_bool_dtype(s.dtype):
        return CATEGORICAL
    return NUMERIC if pd.api.types.is_numeric_dtype(s.dtype) else CATEGORICAL


def check_frames(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    exclude: Iterable[str] = EXCLUDED_COLUMNS,
) -> list[str]:
    """The columns to compare, after checking the two frames can be compared.

    Parameters
    ----------
    reference, current : the two data sets.
    columns : columns to compare (default: every reference column but ``exclude``).

    Raises
    ------
    EmptyDataError
        A frame has no rows.
    NoCommonColumnsError
        The frames share none of the columns to compare.
    SchemaMismatchError
        A column to compare is missing from either frame (named), or is numeric on one side
        and categorical on the other (named, with both kinds).
    """
    if len(reference) == 0:
        raise EmptyDataError("reference")
    if len(current) == 0:
        raise EmptyDataError("current")
    excluded = set(exclude)
    wanted = [c for c in (reference.columns if columns is None else columns) if c not in excluded]
    common = [c for c in wanted if c in current.columns and c in reference.columns]
    if not common:
        raise NoCommonColumnsError(
            "reference and current data have no column in common to compare "
            f"(reference: {_few(reference.columns)}; current: {_few(current.columns)})"
        )
    for side, frame in (("reference", reference), ("current", current)):
        missing = [c for c in wanted if c not in frame.columns]
        if missing:
            plural = "s" if len(missing) > 1 else ""
            raise SchemaMismatchError(
                f"column{plural} missing from the {side} data: {_few(missing)}", missing
            )
    mismatched = [
        (c, column_kind(reference[c]), column_kind(current[c]))
        for c in common
        if column_kind(reference[c]) != column_kind(current[c])
    ]
    if mismatched:
        c, rk, ck = mismatched[0]
        more = f" (and {len(mismatched) - 1} more column(s))" if len(mismatched) > 1 else ""
        raise SchemaMismatchError(
            f"column {c} is {rk} in the reference data but {ck} in the current data{more}",
            [m[0] for m in mismatched],
        )
    return common


def _few(names: Iterable, k: int = 8) -> str:
    names = [str(n) for n in names]
    if not names:
        return "none"
    return ", ".join(names[:k]) + (f" and {len(names) - k} more" if len(names) > k else "")


def _bins(b: Binning) -> DriftBins:
    rt, ct = max(int(b.reference.sum()), 1), max(int(b.current.sum()), 1)
    return DriftBins(
        labels=list(b.labels),
        reference=(b.reference / rt).tolist(),
        current=(b.current / ct).tolist(),
        reference_counts=b.reference.tolist(),
        current_counts=b.current.tolist(),
        cuts=b.cuts,
    )


def column_drift(
    name: str,
    reference: pd.Series,
    current: pd.Series,
    params: DriftParams | None = None,
    *,
    kind: str | None = None,
    source: str = "application",
    importance_rank: int | None = None,
) -> FeatureDrift:
    """Drift of one column (both sides non-empty).

    Examples
    --------
    >>> ref = pd.Series(np.arange(1000.0))
    >>> column_drift("x", ref, ref * 1.5).status
    'drift'
    """
    params = params or DriftParams()
    kind = kind or column_kind(reference)
    if kind == NUMERIC:
        r = reference.to_numpy(dtype=np.float64, na_value=np.nan)
        c = current.to_numpy(dtype=np.float64, na_value=np.nan)
        binning, (statistic, p_value), (wasserstein, scale) = numeric_statistics(r, c, params.bins)
        stat_name = "ks"
    else:
        binning = categorical_binning(reference, current, params.max_levels)
        stat_name, (statistic, p_value) = "chi2", chi2_test(binning.reference, binning.current)
        wasserstein, scale = None, None
    return drift_from_binning(
        name,
        kind,
        binning,
        params,
        stat_name=stat_name,
        statistic=statistic,
        p_value=p_value,
        wasserstein=wasserstein,
        wasserstein_scale=scale,
        missing_reference=missing_rate(reference),
        missing_current=missing_rate(current),
        source=source,
        importance_rank=importance_rank,
    )


def drift_from_binning(
    name: str,
    kind: str,
    binning: Binning,
    params: DriftParams,
    *,
    stat_name: str,
    statistic: float,
    p_value: float | None,
    wasserstein: float | None,
    wasserstein_scale: str | None,
    missing_reference: float,
    missing_current: float,
    source: str = "application",
    importance_rank: int | None = None,
) -> FeatureDrift:
    """A column's :class:`FeatureDrift` from its bins and test statistics: the PSI, its noise
    bound and the status, one way for :func:`column_drift` and for statistics gathered
    elsewhere (e.g. merged over the partitions of a Dask data frame)."""
    value = psi(binning.reference, binning.current, params.eps)
    noise = (  # only needed to flag a column: a PSI below psi_watch is stable anyway
        psi_noise_bound(
            binning.reference, binning.current, params.alpha, params.eps, draws=params.noise_draws
        )
        if value >= params.psi_watch
        else None
    )
    status = psi_status(value, noise, params)
    return FeatureDrift(
        name=name,
        kind=kind,
        source=source,
        stat_name=stat_name,
        statistic=statistic,
        p_value=p_value,
        psi=value,
        psi_noise=noise,
        wasserstein=wasserstein,
        wasserstein_scale=wasserstein_scale,
        missing_reference=missing_reference,
        missing_current=missing_current,
        status=status,
        drift=status == DRIFT,
        bins=_bins(binning),
        importance_rank=importance_rank,
    )


def _columns_drift(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    columns: Sequence[str],
    params: DriftParams,
    *,
    source: str | Mapping[str, str],
    importance: Mapping[str, int] | None,
    bar,
) -> list[FeatureDrift]:
    out = []
    for c in columns:
        bar.set_postfix_str(str(c)[:30], refresh=False)
        src = source if isinstance(source, str) else source.get(c, "application")
        out.append(
            column_drift(
                c,
                reference[c],
                current[c],
                params,
                source=src,
                importance_rank=(importance or {}).get(c),
            )
        )
        bar.update(1)
    return out


def build_report(
    features: list[FeatureDrift],
    params: DriftParams,
    *,
    reference: str,
    current: str,
    n_reference: int,
    n_current: int,
    model_version: str | None = None,
) -> DriftReport:
    """Sort the columns (the score first, then by decreasing PSI) and apply the verdict."""
    ordered = sorted(features, key=lambda f: (f.source != "score", -f.psi, f.name))
    verdict, reasons = dataset_verdict(ordered, params)
    report = DriftReport(
        features=ordered,
        dataset_drift=verdict,
        reasons=reasons,
        params=params,
        reference=reference,
        current=current,
        n_reference=int(n_reference),
        n_current=int(n_current),
        model_version=model_version,
    )
    log.info("drift: %s", report.verdict_text)
    return report


def compare_frames(
    reference: pd.DataFrame,
    current: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    params: DriftParams | None = None,
    sources: Mapping[str, str] | None = None,
    importance: Mapping[str, int] | None = None,
    reference_name: str = "reference",
    current_name: str = "current",
    progress: bool = True,
) -> DriftReport:
    """Drift of every column of ``reference`` in ``current``.

    Parameters
    ----------
    reference, current : pandas.DataFrame
        E.g. the training clients' application rows and the new clients' ones. Numeric
        dtypes are compared as numbers, anything else (category, string, bool) as levels.
    columns : sequence of str, optional
        Columns to compare (default: every reference column but ``SK_ID_CURR`` and ``TARGET``).
        Extra current columns are ignored.
    params : DriftParams, optional
        Bins, PSI thresholds, verdict rule.
    sources : mapping, optional
        ``{column: "application" | "feature" | "score"}`` (default ``"application"``).
    importance : mapping, optional
        ``{column: rank}`` in the model's global importance (1 = most important), for the
        verdict's top-feature rule.
    reference_name, current_name : str
        Descriptions kept in the report.
    progress : bool
        Show a progress bar on stderr.

    Returns
    -------
    DriftReport

    Raises
    ------
    EmptyDataError, NoCommonColumnsError, SchemaMismatchError
        See :func:`check_frames`; the message names the offending column.

    Examples
    --------
    >>> report = compare_frames(train_apps, new_apps)  # doctest: +SKIP
    >>> report.dataset_drift, report.by_status("drift")  # doctest: +SKIP
    """
    params = params or DriftParams()
    cols = check_frames(reference, current, columns)
    bar = progress_bar(total=len(cols), desc="Drift", unit="column", disable=not progress)
    try:
        features = _columns_drift(
            reference, current, cols, params, source=sources or "application", importance=importance, bar=bar
        )
    finally:
        bar.close()
    return build_report(
        features,
        params,
        reference=reference_name,
        current=current_name,
        n_reference=len(reference),
        n_current=len(current),
    )
