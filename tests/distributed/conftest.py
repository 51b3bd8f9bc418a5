"""Small synthetic data directories and one small local Dask cluster for the distributed tests.

The data is written with 100 clients per row group (``synth`` chunks), read with one row
group per partition, so every table has several partitions and history rows really move
between workers' partitions.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

pytest.importorskip("distributed")


@pytest.fixture(scope="session")
def dask_dirs(tmp_path_factory) -> dict[str, Path]:
    """The same synthetic data (300 training clients, seed 21) as parquet and as CSV."""
    from scoring_core.synth import generate
    from scoring_core.synth.generator import SynthConfig

    out = {}
    for fmt in ("parquet", "csv"):
        out[fmt] = tmp_path_factory.mktemp(f"dask-{fmt}")
        generate(300, out[fmt], seed=21, fmt=fmt, config=SynthConfig(chunk_size=100), progress=False)
    return out


@pytest.fixture(scope="session")
def dask_dataset(dask_dirs):
    """The parquet directory loaded in memory (the reference results)."""
    from scoring_core.data import load_dataset

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load_dataset(dask_dirs["parquet"], cache=False, progress=False)


@pytest.fixture(scope="module")
def dask_cluster():
    """One in-process worker with two threads; closed with the module."""
    from scoring_core.distributed import dask_client

    with dask_client(processes=False, n_workers=1, threads_per_worker=2) as client:
        yield client
    assert client.status == "closed"
