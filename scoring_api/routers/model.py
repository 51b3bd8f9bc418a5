"""The service and its model: ``GET /health``, ``GET /model``, ``POST /model/reload``."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request

from scoring_core.errors import ScoringError

from ..deps import Caller, Service, State
from ..errors import ApiError, error_responses, redact_paths
from ..schemas import Health, ModelInfo

__all__ = ["router"]

log = logging.getLogger("scoring_api")
router = APIRouter(tags=["service"])


@router.get("/health", response_model=Health)
def health(state: State):
    """Liveness and the version of the model serving (no key needed)."""
    return {"status": "ok", "model_version": state.service.model.version}


@router.get("/model", response_model=ModelInfo, responses=error_responses(401))
def model_info(key_id: Caller, service: Service):
    """The model's metadata: version, threshold, cost weights, metrics, global importance."""
    return service.model_summary()


@router.post("/model/reload", response_model=Health, responses=error_responses(401, 409, 413))
def reload(request: Request, key_id: Caller, state: State):
    """Load the model artifact again and swap it in. A refused artifact (tampered, malformed,
    incompatible) answers 409 and the current model keeps serving."""
    try:
        version = state.reload()
    except Exception as exc:  # noqa: BLE001 - whatever the artifact holds, keep serving
        log.error("model reload by %s refused: %s: %s", key_id, type(exc).__name__, exc)
        why = (
            str(exc) if isinstance(exc, ScoringError) else f"malformed model artifact ({type(exc).__name__})"
        )
        raise ApiError(
            409,
            f"reload failed, current model kept: {redact_paths(why)}",
            loc=["model"],
            type="reload_failed",
        ) from None
    request.app.openapi_schema = None  # the feature names may have changed
    log.info("model reloaded by %s: %s", key_id, version)
    return {"status": "ok", "model_version": version}
