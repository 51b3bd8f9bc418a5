"""The reports' settings, from environment variables (prefix ``SCORING_``) or ``.env``."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ReportSettings"]


class ReportSettings(BaseSettings):
    """What only the reports read (the library's settings: :mod:`scoring_core.settings`)."""

    model_config = SettingsConfigDict(env_prefix="SCORING_", env_file=".env", extra="ignore")

    chromium: Path | None = Field(
        None,
        description="the Chromium that prints PDF summaries (default: /usr/bin/chromium, else chromium on the PATH)",
    )
