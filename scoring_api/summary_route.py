"""``GET /clients/{id}/summary``: the decision summary a client can take home (printable HTML).

The same page as ``python -m scoring_core summary``: decision, main reasons, what could change
it, what data was used, placeholders for the lender's contact and the right to a human review.
Audited like every access to a client's data; ``Cache-Control: no-store`` (it holds personal
data, no proxy or browser cache keeps it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Depends, FastAPI, Query, Request, Security
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from fastapi.security import APIKeyHeader

from .errors import ApiError, error_responses
from .fields import ID_MAX
from .guard import identify

if TYPE_CHECKING:
    from .app import ApiState
    from .audit import AuditLog

__all__ = ["add_summary_route"]

_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key (one of SCORING_API_KEYS)")


def add_summary_route(app: FastAPI, state: ApiState, audit: AuditLog, keys: dict) -> None:
    """Add ``GET /clients/{client_id}/summary`` to ``app``."""

    def caller(key: str | None = Security(_key_header)) -> str:
        key_id = identify(keys, key)
        if key_id is None:
            raise ApiError(
                401, "missing or invalid X-API-Key", loc=["header", "X-API-Key"], type="unauthorized"
            )
        return key_id

    @app.get(
        "/clients/{client_id}/summary",
        response_class=HTMLResponse,
        tags=["clients"],
        responses={
            200: {"content": {"text/html": {}}, "description": "the printable summary page (HTML)"},
            **error_responses(401, 404, 422),
        },
    )
    def client_summary(
        request: Request,
        client_id: int = PathParam(
            ..., ge=1, le=ID_MAX, description="SK_ID_CURR of the client", examples=[100002]
        ),
        lang: str = Query("en", pattern="^(en|fr)$", description="language of the page: en or fr"),
        key_id: str = Depends(caller),
    ):
        """The client's decision summary, one printable page (HTML with print styles): the
        decision, the main reasons, what could change it (the counterfactual offer), what data
        was used, and placeholders for the lender's contact and the right to a human review.
        Never another client's data nor the true outcome."""
        from scoring_reports.summary import render_summary

        audit.write(key_id=key_id, client_id=client_id, endpoint=request.url.path, method=request.method)
        page = render_summary(state.service, client_id, lang)
        return HTMLResponse(page, headers={"Cache-Control": "no-store"})
