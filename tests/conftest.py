"""Shared fixtures: small synthetic data, in memory and as a data directory."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pandas as pd
import pytest

os.environ.setdefault("SCORING_NO_PROGRESS", "1")
# OpenMP threads that spin while waiting make LightGBM 30-50x slower when the cores are shared
os.environ.setdefault("OMP_WAIT_POLICY", "passive")


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Each test gets its own table cache and MLflow store, never the user's."""
    from scoring_core.settings import get_settings

    monkeypatch.setenv("SCORING_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    mlflow_dir = tmp_path_factory.mktemp("mlflow")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{mlflow_dir}/mlflow.db")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def raw_tables() -> dict[str, pd.DataFrame]:
    """Raw Kaggle-format synthetic tables for 600 training clients (seed 7)."""
    from scoring_core.synth import generate_tables

    return generate_tables(600, seed=7)


@pytest.fixture(scope="session")
def synth_dir(tmp_path_factory) -> Path:
    """A data directory with the seven tables as CSV (1,000 training clients)."""
    from scoring_core.synth import generate

    out = tmp_path_factory.mktemp("synth")
    generate(1000, out, seed=11, progress=False)
    return out


@pytest.fixture(scope="session")
def train_tables() -> dict[str, pd.DataFrame]:
    """Normalized feature tables of 1,500 labelled synthetic clients (seed 5)."""
    from scoring_core.data import normalize_table
    from scoring_core.synth import generate_tables

    raw = generate_tables(1500, seed=5)
    t = {k: normalize_table(v, k) for k, v in raw.items()}
    return {
        "application": t["application_train"],
        **{k: v for k, v in t.items() if not k.startswith("application")},
    }


@pytest.fixture(scope="session")
def quick_result(train_tables):
    """A quickly trained model (shared by the model tests)."""
    from scoring_core.model.training import TrainConfig, train

    return train(train_tables, TrainConfig(quick=True, seed=1), progress=False)


@pytest.fixture(scope="session")
def train_dataset(train_tables):
    """``train_tables`` as a loaded :class:`~scoring_core.data.Dataset` (labelled clients only)."""
    from scoring_core.data import Dataset

    return Dataset(
        None,
        {
            "application_train": train_tables["application"],
            **{k: v for k, v in train_tables.items() if k != "application"},
        },
    )


#: Debian's Chromium, driven by Playwright (no browser download); flags for this closed network
CHROMIUM = os.environ.get("SCORING_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium from the system, through Playwright. Fails (never skips) when it is
    missing: the browser tests are part of the run."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install chromium; .ci/run does) "
            "or set SCORING_CHROMIUM"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield b
        b.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def free_port():
    """``free_port()``: a free TCP port on 127.0.0.1."""
    return _free_port
