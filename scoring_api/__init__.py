"""The HTTP scoring API (FastAPI) over :class:`scoring_core.service.ScoringService`."""

from .app import create_app
from .settings import ApiSettings

__all__ = ["create_app", "ApiSettings"]
