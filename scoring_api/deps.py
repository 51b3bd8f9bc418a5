"""The dependencies of the routes: the service serving, the caller, the audit trail, limits.

Use them as annotated types (FastAPI's ``Annotated[..., Depends(...)]`` style)::

    @router.get("/clients/{client_id}/score")
    def client_score(client_id: AuditedClient, service: Service): ...

- :data:`Service`: the :class:`~scoring_core.service.ScoringService` serving now (read once per
  request, so a reload in the middle of a request never mixes two models);
- :data:`Caller`: the id of the caller's key (the :class:`~scoring_api.guard.Guard` has already
  refused a bad key before the body was read; checked again here, and documented in OpenAPI);
- :data:`AuditedClient`: the ``client_id`` path parameter, validated, *and* the access written
  to the audit log (key id, client, endpoint, method) before the route runs, so that no route
  can read a client's data without leaving a record;
- :data:`Audit`: the audit trail of the request, for accesses that are not one path client
  (the portfolio, the ids of ``POST /score``);
- :data:`Top`, :data:`Lang`: the common query parameters.

The dependencies are ``async`` although they never wait: FastAPI runs a plain ``def``
dependency in its thread pool, a thread hop per dependency and request, which cost more than
the dependency itself.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Query, Request, Security
from fastapi import Path as PathParam
from fastapi.security import APIKeyHeader

from scoring_core.languages import LANGUAGE_PATTERN, LANGUAGES
from scoring_core.service import ScoringService

from .errors import ApiError
from .fields import ID_MAX
from .guard import identify
from .state import ApiState

if TYPE_CHECKING:
    from .audit import AuditLog
    from .settings import ApiSettings

__all__ = [
    "AuditTrail",
    "Audit",
    "AuditedClient",
    "Caller",
    "ClientId",
    "Lang",
    "Service",
    "State",
    "Top",
    "check_counts",
    "score_limits",
]

_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="API key (one of SCORING_API_KEYS)"
)


async def get_state(request: Request) -> ApiState:
    """The :class:`~scoring_api.state.ApiState` of the app (the service and how to reload it)."""
    return request.app.state.api


async def get_service(request: Request) -> ScoringService:
    """The service serving now."""
    return request.app.state.api.service


async def get_caller(request: Request, key: Annotated[str | None, Security(_key_header)]) -> str:
    """The id of the caller's key (401 without a valid one)."""
    key_id = identify(request.app.state.keys, key)
    if key_id is None:
        raise ApiError(401, "missing or invalid X-API-Key", loc=["header", "X-API-Key"], type="unauthorized")
    return key_id


State = Annotated[ApiState, Depends(get_state)]
Service = Annotated[ScoringService, Depends(get_service)]
Caller = Annotated[str, Depends(get_caller)]

ClientId = Annotated[
    int, PathParam(ge=1, le=ID_MAX, description="SK_ID_CURR of the client", examples=[100002])
]
Top = Annotated[
    int,
    Query(ge=1, le=1000, description="contributions listed (the rest folded); reasons at most this many"),
]
Lang = Annotated[
    str,
    Query(pattern=LANGUAGE_PATTERN, description=f"language of labels and reasons: {' or '.join(LANGUAGES)}"),
]


class AuditTrail:
    """Writes this request's accesses to the audit log (with the caller's key id, the path and
    the method)."""

    def __init__(self, log: AuditLog, key_id: str, request: Request):
        self._log = log
        self.key_id = key_id
        self._endpoint = request.url.path
        self._method = request.method

    def record(self, client_id: int | list[int] | None) -> None:
        """One access: a client, several (``POST /score``) or ``None`` (the portfolio)."""
        self._log.write(key_id=self.key_id, client_id=client_id, endpoint=self._endpoint, method=self._method)


async def get_audit(request: Request, key_id: Caller) -> AuditTrail:
    """The request's :class:`AuditTrail` (the caller authenticated first)."""
    return AuditTrail(request.app.state.audit, key_id, request)


Audit = Annotated[AuditTrail, Depends(get_audit)]


async def audited_client(client_id: ClientId, audit: Audit) -> int:
    """The path's ``client_id``, its access written to the audit log."""
    audit.record(client_id)
    return client_id


AuditedClient = Annotated[int, Depends(audited_client)]


def check_counts(data: Any, *, batch_limit: int, history_limit: int) -> None:
    """Raise a 413 :class:`ApiError` naming the limit when the raw request ``data`` holds more
    applications or history rows than allowed. Anything malformed is left to validation."""
    if not isinstance(data, dict):
        return
    apps = data.get("applications")
    if isinstance(apps, list) and len(apps) > batch_limit:
        raise ApiError(
            413,
            f"{len(apps)} applications: at most {batch_limit} per request (SCORING_API_BATCH_LIMIT)",
            loc=["body", "applications"],
            type="too_many_applications",
        )
    history = data.get("history")
    if isinstance(history, dict):
        rows = sum(len(v) for v in history.values() if isinstance(v, list))
        if rows > history_limit:
            raise ApiError(
                413,
                f"{rows} history rows: at most {history_limit} per request (SCORING_API_HISTORY_LIMIT)",
                loc=["body", "history"],
                type="too_many_history_rows",
            )


async def score_limits(request: Request) -> None:
    """``POST /score``'s counts checked on the raw JSON, before the request is validated field
    by field (validating 60,000 applications only to refuse them took 17 s; FastAPI has parsed
    and cached the JSON, and runs this before the body's validation)."""
    try:
        data = await request.json()
    except ValueError:
        return  # malformed JSON: validation answers 422
    settings: ApiSettings = request.app.state.settings
    check_counts(data, batch_limit=settings.batch_limit, history_limit=settings.history_limit)
