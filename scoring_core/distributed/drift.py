"""Drift on Dask: per-partition histograms merged, judged by the in-memory drift code.

What is exact (equal to :func:`scoring_core.drift.compute_drift` on the same data):

- the bins: reference quantile cut points are found by a two-pass radix selection on the
  order-preserving 32-bit keys of the ``float32`` values (pass 1: counts of the high 16 bits
  per partition, merged; pass 2: the full keys in the few buckets holding a cut point), so
  they are the very order statistics the in-memory code takes from the sorted column;
- the bin counts, PSI, its noise bound, the status and the missing rates, hence which
  columns drift and the dataset verdict;
- categorical columns (level counts merged) and their chi-square test;
- the score (``float64``, one value per client: gathered and compared as in memory).

What is approximate: the KS statistic and the Wasserstein distance of numeric columns are
computed from the merged 16-bit key histograms (values grouped to about 3 significant
digits; p-values from Smirnov's asymptotic distribution). They are reported, never decide.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import dask
import numpy as np
import pandas as pd
from scipy import stats

from ..drift.compare import (
    CATEGORICAL,
    EXCLUDED_COLUMNS,
    NUMERIC,
    build_report,
    check_frames,
    column_drift,
    column_kind,
    drift_from_binning,
)
from ..drift.compute import _engineered, importance_ranks
from ..drift.errors import DriftError, EmptyDataError
from ..drift.params import DriftParams
from ..drift.result import SCORE_NAME, DriftReport, FeatureDrift
from ..drift.stats import categorical_binning_counts, chi2_test, numeric_binning_counts, quantile_ranks
from ..features import FeatureBuilder
from ..model.scoring import ScoringModel
from .features import fit_dask_builder, map_client_partitions
from .reader import table_path
from .tables import DaskTables, load_dask_tables

__all__ = ["dask_drift", "dask_drift_from_dirs"]

log = logging.getLogger(__name__)

_SIGN = np.uint32(0x80000000)


def _keys(values: np.ndarray) -> np.ndarray:
    """Order-preserving ``uint32`` keys of non-missing ``float32`` values (``-0.0`` as ``0.0``)."""
    x = np.asarray(values, dtype=np.float32) + np.float32(0.0)
    u = x.view(np.uint32)
    return np.where(u & _SIGN, ~u, u | _SIGN)


def _values(keys: np.ndarray) -> np.ndarray:
    """The ``float64`` values of keys (inverse of :func:`_keys`)."""
    k = np.asarray(keys, dtype=np.uint32)
    u = np.where(k & _SIGN, k & ~_SIGN, ~k)
    return u.astype(np.uint32).view(np.float32).astype(np.float64)


def _sparse_add(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]):
    keys = np.concatenate([a[0], b[0]])
    counts = np.concatenate([a[1], b[1]])
    unique, inverse = np.unique(keys, return_inverse=True)
    total = np.zeros(len(unique), dtype=np.int64)
    np.add.at(total, inverse, counts)
    return unique, total


def _tree(parts: list, merge: Callable):
    """Pairwise reduction of delayed partition summaries (on the workers)."""
    merge = dask.delayed(merge, pure=True)
    while len(parts) > 1:
        parts = [
            merge(parts[i], parts[i + 1]) if i + 1 < len(parts) else parts[i] for i in range(0, len(parts), 2)
        ]
    return parts[0]


# ----------------------------------------------------------------------------- summaries


class _Columns:
    """The columns compared, by how they are summarized."""

    def __init__(self, meta: pd.DataFrame, columns: Sequence[str]):
        self.f32 = [c for c in columns if column_kind(meta[c]) == NUMERIC and meta[c].dtype == np.float32]
        self.f64 = [c for c in columns if column_kind(meta[c]) == NUMERIC and c not in self.f32]
        self.cat = [c for c in columns if column_kind(meta[c]) == CATEGORICAL]


def _level_counts(series: pd.Series) -> tuple[Counter, int]:
    s = series.dropna()
    if isinstance(s.dtype, pd.CategoricalDtype):
        counts = s.value_counts(sort=False)
        counts.index = counts.index.astype(str)
        counts = counts.groupby(level=0, sort=False).sum()
    else:
        counts = s.astype(str).value_counts(sort=False)
    return Counter({k: int(v) for k, v in counts.items() if v}), int(series.isna().sum())


def _summary(frame: pd.DataFrame, cols: _Columns, cuts: dict | None) -> dict:
    """One partition: pass 1 (``cuts=None``) or the current side's pass (bins at ``cuts``)."""
    out = {"n": len(frame), "f32": {}, "f64": {}, "cat": {}}
    for c in cols.f32:
        x = frame[c].to_numpy(dtype=np.float32, na_value=np.nan)
        ok = x[~np.isnan(x)]
        keys = _keys(ok)
        high = (keys >> 16).astype(np.uint16)
        hist = np.unique(high, return_counts=True)
        entry = {"hist": (hist[0], hist[1].astype(np.int64)), "miss": len(x) - len(ok)}
        v = ok.astype(np.float64)
        entry["moments"] = np.array([len(v), v.sum(), (v * v).sum()])
        if cuts is not None:
            ok.sort()
            at = np.searchsorted(ok, cuts[c], side="right")
            entry["bins"] = np.diff(np.concatenate([[0], at, [len(ok)]])).astype(np.int64)
        out["f32"][c] = entry
    for c in cols.f64:
        x = frame[c].to_numpy(dtype=np.float64, na_value=np.nan)
        out["f64"][c] = x
    for c in cols.cat:
        out["cat"][c] = _level_counts(frame[c])
    return out


def _merge(a: dict, b: dict) -> dict:
    out = {"n": a["n"] + b["n"], "f32": {}, "f64": {}, "cat": {}}
    for c, ea in a["f32"].items():
        eb = b["f32"][c]
        entry = {
            "hist": _sparse_add(ea["hist"], eb["hist"]),
            "miss": ea["miss"] + eb["miss"],
            "moments": ea["moments"] + eb["moments"],
        }
        if "bins" in ea:
            entry["bins"] = ea["bins"] + eb["bins"]
        out["f32"][c] = entry
    for c in a["f64"]:
        out["f64"][c] = np.concatenate([a["f64"][c], b["f64"][c]])
    for c, (ca, ma) in a["cat"].items():
        cb, mb = b["cat"][c]
        out["cat"][c] = (ca + cb, ma + mb)
    return out


def _detail(frame: pd.DataFrame, buckets: dict[str, np.ndarray]) -> dict:
    """Pass 2: the full keys (and counts) of the values in the selected high-16-bit buckets."""
    out = {}
    for c, wanted in buckets.items():
        x = frame[c].to_numpy(dtype=np.float32, na_value=np.nan)
        keys = _keys(x[~np.isnan(x)])
        keys = keys[np.isin((keys >> 16).astype(np.uint16), wanted)]
        unique, counts = np.unique(keys, return_counts=True)
        out[c] = (unique, counts.astype(np.int64))
    return out


def _merge_detail(a: dict, b: dict) -> dict:
    return {c: _sparse_add(a[c], b[c]) for c in a}


def _ranks(n: int, bins: int) -> np.ndarray:
    """Ranks needed: the quantile cut points and the two order statistics around each quartile."""
    quartiles = [np.floor((n - 1) * q) for q in (0.25, 0.75)] + [np.ceil((n - 1) * q) for q in (0.25, 0.75)]
    return np.unique(np.concatenate([quantile_ranks(n, bins), np.asarray(quartiles, dtype=np.int64)]))


def _bucket_of(hist: tuple[np.ndarray, np.ndarray], ranks: np.ndarray) -> np.ndarray:
    cum = np.cumsum(hist[1])
    return hist[0][np.searchsorted(cum, ranks, side="right")]


def _order_stats(hist, detail, ranks: np.ndarray) -> dict[int, tuple[float, int]]:
    """``{rank: (value, rows <= value)}`` from the bucket histogram and the bucket details."""
    prefixes, counts = hist
    before = np.concatenate([[0], np.cumsum(counts)])  # rows in buckets before bucket j
    keys, kcounts = detail
    kcum = np.cumsum(kcounts)
    out = {}
    for r in ranks:
        j = int(np.searchsorted(np.cumsum(counts), r, side="right"))
        inside = (keys >> 16).astype(np.uint16) == prefixes[j]
        pos = np.flatnonzero(inside)
        local = np.cumsum(kcounts[pos])
        k = pos[int(np.searchsorted(local, r - before[j], side="right"))]
        le = int(before[j] + kcum[k] - (kcum[pos[0]] - kcounts[pos[0]]))
        out[int(r)] = (float(_values(keys[k : k + 1])[0]), le)
    return out


def _approx_tests(ref_hist, cur_hist, n_r: int, n_c: int, scale: float | None):
    """KS statistic, its asymptotic p-value and the Wasserstein distance from the bucket
    histograms (bucket lower edges as the values)."""
    prefixes = np.union1d(ref_hist[0], cur_hist[0])
    fr = np.zeros(len(prefixes))
    fc = np.zeros(len(prefixes))
    fr[np.searchsorted(prefixes, ref_hist[0])] = ref_hist[1]
    fc[np.searchsorted(prefixes, cur_hist[0])] = cur_hist[1]
    gaps = np.abs(np.cumsum(fr) / n_r - np.cumsum(fc) / n_c)
    d = float(gaps.max())
    m, n = sorted([float(n_r), float(n_c)], reverse=True)
    p = float(np.clip(stats.kstwo.sf(d, np.round(m * n / (m + n))), 0.0, 1.0))
    edges = _values(prefixes.astype(np.uint32) << 16)
    w = float(np.sum(gaps[:-1] * np.diff(edges))) / scale if scale else None
    return d, p, w


# ----------------------------------------------------------------------------- driver


class _CompareFrame:
    """Per partition of clients: the raw columns, the engineered features and the score."""

    def __init__(self, builder: FeatureBuilder, model: ScoringModel | None, raw, engineered):
        self.builder, self.model = builder, model
        self.raw, self.engineered = list(raw), list(engineered)

    def __call__(self, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
        app = tables["application"]
        X = self.builder.transform(tables)
        parts = [app[self.raw].reset_index(drop=True), X[self.engineered].reset_index(drop=True)]
        if self.model is not None:
            parts.append(pd.DataFrame({SCORE_NAME: self.model.predict_proba(X)}))
        return pd.concat(parts, axis=1)


def _resolve(data_dir: Path, which: str, role: str) -> str:
    if which not in ("auto", "train", "test"):
        raise DriftError(f"{role} table must be one of auto, train, test, got {which!r}")
    present = [w for w in ("train", "test") if table_path(data_dir, f"application_{w}") is not None]
    if which == "auto":
        order = ("train", "test") if role == "reference" else ("test", "train")
        found = [w for w in order if w in present]
        if not found:
            raise DriftError(f"{role} data: no application_train or application_test table in {data_dir}")
        return found[0]
    if which not in present:
        raise DriftError(f"{role} data: table application_{which} not found in {data_dir}")
    return which


def dask_drift(
    reference: DaskTables,
    current: DaskTables,
    model: ScoringModel | None = None,
    *,
    top: int | None = 30,
    params: DriftParams | None = None,
    reference_name: str = "reference",
    current_name: str = "current",
) -> DriftReport:
    """:func:`scoring_core.drift.compute_drift` on Dask (see the module docstring).

    Parameters
    ----------
    reference, current : DaskTables
        Each with the application table compared (e.g. ``application_train`` and
        ``application_test``) and its history tables.
    model : ScoringModel, optional
        Its builder builds the features, its importance ranks them, its score is compared;
        without a model a builder is fitted on the reference.
    top, params : as for :func:`~scoring_core.drift.compute_drift`.
    reference_name, current_name : descriptions for the report (the number of clients is added).
    """
    params = params or DriftParams()
    if top is not None and top < 0:
        raise DriftError(f"top must be >= 0, got {top}")
    ref_app, cur_app = reference.application, current.application
    wanted = [c for c in ref_app.columns if c not in EXCLUDED_COLUMNS]
    raw = check_frames(ref_app._meta_nonempty, cur_app._meta_nonempty, wanted)
    builder = model.builder if model is not None else fit_dask_builder(reference)
    ranks = importance_ranks(model)
    engineered = _engineered(builder, set(raw), ranks, top if model is not None else None)
    compare = _CompareFrame(builder, model, raw, engineered)
    columns = raw + engineered + ([SCORE_NAME] if model is not None else [])
    sources = {c: "application" for c in raw} | {c: "feature" for c in engineered} | {SCORE_NAME: "score"}

    frames = {}
    for role, tables in (("reference", reference), ("current", current)):
        meta = compare(_empty_tables(tables))
        frames[role] = map_client_partitions(tables, compare, meta, builder.history_tables_)
    cols = _Columns(frames["reference"]._meta, columns)

    ref_frame = frames["reference"].persist()
    try:
        ref = dask.compute(
            _tree([dask.delayed(_summary)(p, cols, None) for p in ref_frame.to_delayed()], _merge)
        )[0]
        n_ref = ref["n"]
        if n_ref == 0:
            raise EmptyDataError("reference", reference_name)
        targets = {}
        for c in cols.f32:
            n = ref["f32"][c]["moments"][0]
            if n > 0:
                targets[c] = _ranks(int(n), params.bins)
        buckets = {c: np.unique(_bucket_of(ref["f32"][c]["hist"], r)) for c, r in targets.items()}
        detail = (
            dask.compute(
                _tree([dask.delayed(_detail)(p, buckets) for p in ref_frame.to_delayed()], _merge_detail)
            )[0]
            if buckets
            else {}
        )
    finally:
        del ref_frame
    order = {c: _order_stats(ref["f32"][c]["hist"], detail[c], targets[c]) for c in targets}
    cuts = {}
    for c in cols.f32:
        if c in order:
            n = int(ref["f32"][c]["moments"][0])
            cuts[c] = np.unique([order[c][int(r)][0] for r in quantile_ranks(n, params.bins)])
        else:
            cuts[c] = np.empty(0)
    cur_parts = frames["current"].to_delayed()
    cur = dask.compute(_tree([dask.delayed(_summary)(p, cols, cuts) for p in cur_parts], _merge))[0]
    n_cur = cur["n"]
    if n_cur == 0:
        raise EmptyDataError("current", current_name)

    features: list[FeatureDrift] = []
    for c in columns:
        common = {"source": sources[c], "importance_rank": ranks.get(c)}
        if c in cols.f64:
            features.append(
                column_drift(c, pd.Series(ref["f64"][c]), pd.Series(cur["f64"][c]), params, **common)
            )
        elif c in cols.cat:
            (rc, rm), (cc, cm) = ref["cat"][c], cur["cat"][c]
            binning = categorical_binning_counts(rc, cc, rm, cm, params.max_levels)
            statistic, p_value = chi2_test(binning.reference, binning.current)
            features.append(
                drift_from_binning(
                    c,
                    CATEGORICAL,
                    binning,
                    params,
                    stat_name="chi2",
                    statistic=statistic,
                    p_value=p_value,
                    wasserstein=None,
                    wasserstein_scale=None,
                    missing_reference=rm / n_ref,
                    missing_current=cm / n_cur,
                    **common,
                )
            )
        else:
            features.append(
                _numeric_drift(
                    c, ref["f32"][c], cur["f32"][c], order.get(c), cuts[c], n_ref, n_cur, params, common
                )
            )
    return build_report(
        features,
        params,
        reference=f"{reference_name} ({n_ref:,} clients)",
        current=f"{current_name} ({n_cur:,} clients)",
        n_reference=n_ref,
        n_current=n_cur,
        model_version=model.version if model is not None else None,
    )


def _numeric_drift(c, ref, cur, order, cuts, n_ref, n_cur, params, common) -> FeatureDrift:
    r_n, c_n = int(ref["moments"][0]), int(cur["moments"][0])
    if order:
        n = r_n
        le = {}
        for r in quantile_ranks(n, params.bins):
            value, rows = order[int(r)]
            le[value] = rows
        ref_le = [le[v] for v in cuts]
        ref_counts = np.diff(np.concatenate([[0], ref_le, [r_n]]))
    else:
        ref_counts = np.array([r_n])
    binning = numeric_binning_counts(cuts, ref_counts, cur["bins"], ref["miss"], cur["miss"])
    statistic, p_value, wasserstein, scale_name = 0.0, None, None, None
    if r_n and c_n:
        q = {}
        for prob in (0.25, 0.75):
            h = (r_n - 1) * prob
            lo, hi = order[int(np.floor(h))][0], order[int(np.ceil(h))][0]
            q[prob] = lo + (h - np.floor(h)) * (hi - lo)
        iqr = q[0.75] - q[0.25]
        if iqr > 0:
            scale, scale_name = float(iqr), "iqr"
        else:
            _, s1, s2 = ref["moments"]
            scale, scale_name = float(np.sqrt(max(s2 / r_n - (s1 / r_n) ** 2, 0.0))), "std"
        statistic, p_value, wasserstein = _approx_tests(
            ref["hist"], cur["hist"], r_n, c_n, scale if scale > 0 else None
        )
        if wasserstein is None:
            scale_name = None
    return drift_from_binning(
        c,
        NUMERIC,
        binning,
        params,
        stat_name="ks",
        statistic=statistic,
        p_value=p_value,
        wasserstein=wasserstein,
        wasserstein_scale=scale_name,
        missing_reference=ref["miss"] / n_ref,
        missing_current=cur["miss"] / n_cur,
        **common,
    )


def _empty_tables(tables: DaskTables) -> dict[str, pd.DataFrame]:
    empty = {"application": tables.application._meta}
    empty.update({name: frame._meta for name, frame in tables.history.items() if frame is not None})
    return empty


def dask_drift_from_dirs(
    reference_dir: str | Path,
    current_dir: str | Path,
    model_dir: str | Path | None = None,
    *,
    reference_table: str = "auto",
    current_table: str = "auto",
    **kwargs,
) -> DriftReport:
    """:func:`dask_drift` on two data directories (they may be the same directory), with the
    application tables chosen as :func:`scoring_core.drift.drift_from_dirs` chooses them."""
    from ..model.artifact import load_model

    model = load_model(model_dir) if model_dir else None
    ref_which = _resolve(Path(reference_dir), reference_table, "reference")
    cur_which = _resolve(Path(current_dir), current_table, "current")
    reference = load_dask_tables(reference_dir, ref_which)
    current = load_dask_tables(current_dir, cur_which)
    return dask_drift(
        reference,
        current,
        model,
        reference_name=f"{reference_dir}: application_{ref_which}",
        current_name=f"{current_dir}: application_{cur_which}",
        **kwargs,
    )
