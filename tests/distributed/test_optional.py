"""Dask stays optional: the in-memory path never imports it, and without it ``--dask``
fails with a message naming the extra to install."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from scoring_core.distributed import DaskConnectionError, dask_client


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=300
    )


def test_in_memory_path_does_not_import_dask(synth_dir):
    """Load, features, train, score and drift in memory: no dask or distributed module loaded."""
    proc = _run(
        f"""
        import sys, warnings
        warnings.simplefilter("ignore")
        from scoring_core.data import load_dataset
        from scoring_core.drift import compute_drift
        from scoring_core.features import FeatureBuilder
        from scoring_core.model.training import TrainConfig, train
        ds = load_dataset({str(synth_dir)!r}, cache=False, progress=False)
        FeatureBuilder().fit(ds.feature_tables("train")).transform(ds.feature_tables("all"))
        model = train(ds.feature_tables("train"), TrainConfig(quick=True, tune=False), progress=False).model
        model.score_tables(ds.feature_tables("test"))
        compute_drift(ds, ds, model, progress=False)
        loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("dask", "distributed"))
        print("LOADED", loaded)
        """
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "LOADED []" in proc.stdout


def test_missing_extra_names_it():
    proc = _run(
        """
        import sys
        sys.modules["distributed"] = None  # as if the extra were not installed
        from scoring_core.errors import ScoringError
        try:
            import scoring_core.distributed
        except ScoringError as exc:
            print("ERROR", exc)
        """
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "ERROR --dask needs the Dask extra (distributed is not installed)" in proc.stdout
    assert "pip install 'pret-a-depenser-scoring[dask]'" in proc.stdout


def test_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(
        DaskConnectionError, match="cannot connect to the Dask scheduler at tcp://127.0.0.1:9"
    ):
        with dask_client("tcp://127.0.0.1:9", timeout=2):
            pass
