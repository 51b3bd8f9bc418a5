"""Dask drift (per-partition histograms merged) flags the same columns as in memory, with
the same bins and PSI."""

from __future__ import annotations

import pytest

from scoring_core.data import Dataset
from scoring_core.distributed import dask_drift, dask_tables_from_pandas
from scoring_core.drift import compute_drift, shift_dataset


def _by_name(report):
    return {f.name: f for f in report.features}


@pytest.mark.parametrize("with_model", [True, False], ids=["model", "no-model"])
def test_drift_equals_in_memory(dask_cluster, dask_dataset, quick_result, with_model):
    model = quick_result.model if with_model else None
    reference = Dataset(None, {"application_train": dask_dataset.train, **dask_dataset.history})
    current = shift_dataset(dask_dataset, which="test", seed=3)
    expected = compute_drift(reference, current, model, progress=False)

    got = dask_drift(
        dask_tables_from_pandas(reference.feature_tables("train"), npartitions=3),
        dask_tables_from_pandas(current.feature_tables("test"), npartitions=2),
        model,
    )
    flagged = sorted(f.name for f in expected.features if f.drift)
    assert flagged  # the planted shift is found
    assert sorted(f.name for f in got.features if f.drift) == flagged
    assert got.dataset_drift == expected.dataset_drift
    exp, res = _by_name(expected), _by_name(got)
    assert list(res) == list(exp)  # same columns, same order (score first, then by PSI)
    for name, e in exp.items():
        g = res[name]
        assert (g.status, g.kind, g.source, g.stat_name) == (e.status, e.kind, e.source, e.stat_name), name
        assert g.bins.reference_counts == e.bins.reference_counts, name
        assert g.bins.current_counts == e.bins.current_counts, name
        assert g.bins.cuts == e.bins.cuts, name  # (a -0.0 cut comes back as 0.0: equal)
        assert g.psi == pytest.approx(e.psi, rel=1e-12, abs=1e-15), name
        assert g.missing_reference == pytest.approx(e.missing_reference), name
        if e.stat_name == "chi2" or e.source == "score":  # exact; KS on numeric columns is binned
            assert g.statistic == pytest.approx(e.statistic, rel=1e-9), name
        else:
            assert abs(g.statistic - e.statistic) <= 0.1, name
