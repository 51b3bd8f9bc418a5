"""API settings, from environment variables (or ``.env``)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ApiSettings"]


class ApiSettings(BaseSettings):
    """``SCORING_API_KEY``: one or more keys, comma-separated, each optionally named
    ``name:key`` (the name goes to the audit log; unnamed keys are logged by a hash prefix).
    """

    model_config = SettingsConfigDict(env_prefix="SCORING_API_", env_file=".env", extra="ignore")

    key: str = Field("", description="API key(s): 'key' or 'name:key', comma-separated")
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

    def keys(self) -> dict[str, str]:
        """``{key: key id}``."""
        out = {}
        for item in (k.strip() for k in self.key.split(",")):
            if not item:
                continue
            name, sep, secret = item.partition(":")
            if not sep:
                name, secret = "key-" + hashlib.sha256(item.encode()).hexdigest()[:8], item
            if secret:
                out[secret] = name
        return out

    def origins(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]
