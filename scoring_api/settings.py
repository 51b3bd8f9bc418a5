"""API settings, from environment variables (or ``.env``)."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ApiSettings", "parse_keys"]

log = logging.getLogger(__name__)


def parse_keys(text: str) -> dict[str, str]:
    """``{key: key id}`` of ``'key'`` / ``'name:key'`` entries, comma-separated (an unnamed
    key's id is a hash prefix of it, never the key)."""
    out = {}
    for item in (k.strip() for k in text.split(",")):
        if not item:
            continue
        name, sep, secret = item.partition(":")
        if not sep:
            name, secret = "key-" + hashlib.sha256(item.encode()).hexdigest()[:8], item
        if secret:
            out[secret] = name
    return out


class ApiSettings(BaseSettings):
    """The server's settings (prefix ``SCORING_API_``).

    ``SCORING_API_KEYS``: the keys the server accepts, comma-separated, each optionally named
    ``name:key`` (the name goes to the audit log; unnamed keys are logged by a hash prefix).
    ``SCORING_API_KEY`` is a client's one key (the dashboard's); the server reads it only when
    ``SCORING_API_KEYS`` is not set, and logs a deprecation warning (its meaning before the split).
    """

    model_config = SettingsConfigDict(env_prefix="SCORING_API_", env_file=".env", extra="ignore")

    accepted_keys: str = Field(
        "",
        validation_alias=AliasChoices("SCORING_API_KEYS", "accepted_keys"),
        description="the keys the server accepts: 'key' or 'name:key', comma-separated",
    )
    key: str = Field(
        "",
        description="deprecated for the server (a client's one key): read as the accepted keys only "
        "when SCORING_API_KEYS is not set",
    )
    cors_origins: str = Field("", description="allowed browser origins, comma-separated (none by default)")
    batch_limit: int = Field(100, ge=1, description="most applications in one POST /score")
    history_limit: int = Field(
        20_000, ge=0, description="most history rows (all tables together) in one POST /score"
    )
    max_body_bytes: int = Field(
        4 * 1024 * 1024, ge=1024, description="largest request body in bytes (413 above it)"
    )
    audit_log: Path = Field(Path("audit.jsonl"), description="JSON-lines audit log of client data access")
    workers: int | None = Field(
        None, ge=1, le=64, description="server processes of `serve` (default: the number of CPU cores)"
    )
    allow_missing_tables: bool = Field(
        False,
        description="serve although the data lacks tables the model was trained with (their features "
        "are then missing, a warning); refused by default, as `score --allow-missing-tables`",
    )

    @model_validator(mode="after")
    def _legacy_key(self) -> ApiSettings:
        if not self.accepted_keys.strip() and self.key.strip():
            # logged, not warnings.warn: under `serve` the logs are JSON lines (scoring_api.logs)
            log.warning(
                "SCORING_API_KEY as the server's keys is deprecated: set SCORING_API_KEYS (the keys "
                "the server accepts); SCORING_API_KEY is a client's one key (e.g. the dashboard's)"
            )
            self.accepted_keys = self.key
        return self

    def keys(self) -> dict[str, str]:
        """``{key: key id}`` of the accepted keys."""
        return parse_keys(self.accepted_keys)

    def origins(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]
