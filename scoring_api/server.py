"""Run the API under uvicorn (what ``python -m scoring_core serve`` calls)."""

from __future__ import annotations

from pathlib import Path

import uvicorn

from scoring_core.errors import ScoringError

from .app import build
from .logs import log_config
from .settings import ApiSettings

__all__ = ["serve"]


def serve(
    model_dir: Path,
    data_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    no_auth: bool = False,
    quiet: bool = False,
) -> None:
    """Load everything once, then serve until interrupted.

    Raises
    ------
    ScoringError
        Without an API key (``SCORING_API_KEY``) unless ``no_auth``.
    """
    settings = ApiSettings()
    if not settings.keys() and not no_auth:
        raise ScoringError("no API key: set SCORING_API_KEY=... (or pass --no-auth for a local experiment)")
    app = build(model_dir, data_dir, settings=settings, allow_no_auth=no_auth)
    level = "warning" if quiet else "info"
    uvicorn.run(app, host=host, port=port, log_level=level, log_config=log_config(level))
