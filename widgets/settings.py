"""The dashboard's settings, from environment variables (prefix ``SCORING_``) or ``.env``.

- ``SCORING_API_URL`` and ``SCORING_API_KEY``: the scoring API and the dashboard's one key
  (the production set-up). The server's accepted keys are ``SCORING_API_KEYS``, a different
  setting, so one environment can hold both (``./run.sh`` does).
- ``SCORING_MODEL_DIR`` / ``SCORING_DATA_DIR``: the model and data of the in-process mode
  (used only without ``SCORING_API_URL``).
- ``SCORING_LANG``: the page's language when its address does not say (``?lang=``).

Kept light: the dashboard's kernel in API mode loads no model code (pydantic only).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from scoring_core.languages import DEFAULT_LANGUAGE, Language

__all__ = ["DashboardSettings", "SettingsError", "load_settings"]


class SettingsError(ValueError):
    """A setting has a value the dashboard cannot use; ``str(exc)`` names it, for the user."""


class DashboardSettings(BaseSettings):
    """Where the dashboard gets its answers from, and its default language."""

    model_config = SettingsConfigDict(env_prefix="SCORING_", env_file=".env", extra="ignore")

    api_url: str = Field("", description="the scoring API's base URL; when set, every answer comes from it")
    api_key: SecretStr = Field(
        SecretStr(""),
        description="the dashboard's API key, one key (the server's accepted keys are SCORING_API_KEYS); "
        "a 'name:key' entry is read as its key",
    )
    model_dir: Path = Field(Path("models/current"), description="model artifact of the in-process mode")
    data_dir: Path = Field(Path("data/synthetic"), description="data directory of the in-process mode")
    lang: Language = Field(
        DEFAULT_LANGUAGE, description="language of the page when its address has no ?lang="
    )

    @field_validator("api_url")
    @classmethod
    def _strip_url(cls, value: str) -> str:
        return value.strip()

    @field_validator("api_key")
    @classmethod
    def _one_key(cls, value: SecretStr) -> SecretStr:
        text = value.get_secret_value().strip()
        if "," in text:
            raise ValueError(
                "holds several keys; the dashboard needs one (the server's list is SCORING_API_KEYS)"
            )
        return SecretStr(text.partition(":")[2] if ":" in text else text)

    def key(self) -> str:
        """The API key, as sent in ``X-API-Key``."""
        return self.api_key.get_secret_value()


def load_settings() -> DashboardSettings:
    """The settings as they are now (read at each call); :class:`SettingsError` naming the
    environment variable of a bad value."""
    try:
        return DashboardSettings()
    except ValidationError as exc:
        problems = "; ".join(
            f"SCORING_{'_'.join(map(str, e['loc'])).upper()} {e['msg'].removeprefix('Value error, ')}"
            for e in exc.errors()
        )
        raise SettingsError(problems) from None
