"""Shared fixtures: small synthetic data, in memory and as a data directory."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

os.environ.setdefault("SCORING_NO_PROGRESS", "1")


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Each test gets its own table cache, never the user's."""
    from scoring_core.settings import get_settings

    monkeypatch.setenv("SCORING_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
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
