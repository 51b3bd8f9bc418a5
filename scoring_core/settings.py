"""One typed settings object, read from environment variables (prefix ``SCORING_``) or ``.env``."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["Settings", "get_settings"]


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "scoring_core"


class Settings(BaseSettings):
    """The library's settings, shared by the CLI, the API and the dashboard's in-process mode.

    Every field can be set with an environment variable ``SCORING_<FIELD>`` (e.g.
    ``SCORING_CACHE_DIR=/tmp/cache``) or in a ``.env`` file in the working directory. What
    only an application reads is in that application's own settings (the API's, prefix
    ``SCORING_API_``; the dashboard's).
    """

    model_config = SettingsConfigDict(env_prefix="SCORING_", env_file=".env", extra="ignore")

    cache_dir: Path = Field(default_factory=_default_cache_dir, description="Parquet cache of loaded tables.")
    use_cache: bool = Field(True, description="Cache normalized tables as parquet for fast reloads.")
    model_signing_key: SecretStr | None = Field(
        None,
        description="HMAC key signing model artifacts (manifest.json); when set, unsigned or "
        "wrongly signed models are refused.",
    )
    currency: str = Field(
        "EUR",
        pattern="^[A-Z]{3}$",
        description="ISO 4217 code of the amounts in the data (shown with every amount).",
    )
    no_progress: bool = Field(
        False, description="no progress bars, even on a terminal (the CLI's --quiet sets it)."
    )
    dask_address: str | None = Field(
        None,
        description="Dask scheduler address (tcp://host:8786) used by features/score/drift/train "
        "--dask given without an address; unset: a local cluster sized to the machine.",
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
