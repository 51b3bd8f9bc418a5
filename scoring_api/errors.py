"""One error schema for every error response, and the handlers that produce it.

Every 4xx/5xx body is ``{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`` (FastAPI's
validation-error shape, used for all statuses): ``loc`` says where the problem is
(``["body", "applications", 0, "AMT_CREDIT"]``, ``["path", "client_id"]``,
``["header", "X-API-Key"]``), ``msg`` says what is wrong, ``type`` is a stable code.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from scoring_core.errors import ScoringError, UnknownClientError

__all__ = [
    "ErrorItem",
    "ErrorResponse",
    "ApiError",
    "error_body",
    "error_responses",
    "install_error_handlers",
    "redact_paths",
]

log = logging.getLogger("scoring_api")


class ErrorItem(BaseModel):
    """One problem with the request."""

    loc: list[str | int] = Field(
        ..., description="where: 'body', 'path', 'query' or 'header', then the field", examples=[["body"]]
    )
    msg: str = Field(..., description="what is wrong, in words", examples=["missing or invalid X-API-Key"])
    type: str = Field(..., description="stable error code", examples=["unauthorized"])


class ErrorResponse(BaseModel):
    """The body of every error response."""

    detail: list[ErrorItem] = Field(..., min_length=1)


class ApiError(Exception):
    """An error answered with ``status`` and the common error body."""

    def __init__(self, status: int, msg: str, *, loc: list | tuple = ("body",), type: str = "invalid"):
        super().__init__(msg)
        self.status = status
        self.msg = msg
        self.loc = list(loc)
        self.type = type


def error_body(msg: str, *, loc: list | tuple = ("body",), type: str = "invalid") -> dict:
    """``{"detail": [{"loc", "msg", "type"}]}``."""
    return {"detail": [{"loc": list(loc), "msg": msg, "type": type}]}


_DESCRIPTIONS = {
    401: "Missing or invalid `X-API-Key` header (checked before the body is read).",
    404: "Unknown client (or path).",
    409: "The model could not be reloaded; the current model keeps serving.",
    413: "Request too large: body over the size limit, or more applications or history rows "
    "than the limits (the message names the limit).",
    422: "Invalid input: the message names the field and, for a category, the allowed values.",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for ``statuses``, all with :class:`ErrorResponse`."""
    return {s: {"model": ErrorResponse, "description": _DESCRIPTIONS[s]} for s in statuses}


_ABS_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[/\\][\w.\-~+@]+){2,}[/\\]?")


def redact_paths(text: str) -> str:
    """``text`` with every absolute file path replaced by ``<path>`` (never reveal the server's layout)."""
    return _ABS_PATH.sub("<path>", text)


def _json(status: int, body: dict, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content=body, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    """Turn every error into the common body: clear 4xx for bad input, never a stack trace."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        headers = {"WWW-Authenticate": "API-Key"} if exc.status == 401 else None
        return _json(exc.status, error_body(exc.msg, loc=exc.loc, type=exc.type), headers)

    @app.exception_handler(UnknownClientError)
    async def _unknown(request: Request, exc: UnknownClientError):
        return _json(404, error_body(str(exc), loc=["path", "client_id"], type="unknown_client"))

    @app.exception_handler(ScoringError)
    async def _bad_input(request: Request, exc: ScoringError):
        return _json(422, error_body(redact_paths(str(exc)), type="invalid_input"))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = []
        for e in exc.errors():
            msg = str(e.get("msg", ""))
            ctx = e.get("ctx") or {}
            if e.get("type") == "literal_error" and "expected" in ctx:
                msg = f"{msg} (allowed: {ctx['expected']})"
            errors.append({"loc": list(e.get("loc", ())), "msg": msg, "type": str(e.get("type", "invalid"))})
        return _json(422, {"detail": errors or error_body("invalid request")["detail"]})

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        status = exc.status_code
        if status == 400:  # a body that cannot be parsed (bad JSON, bad encoding) is invalid input
            status = 422
        if isinstance(exc.detail, list):
            body = {"detail": exc.detail}
        else:
            loc = ["path"] if status in (404, 405) else ["body"]
            body = error_body(str(exc.detail), loc=loc, type=f"http_{exc.status_code}")
        return _json(status, body, getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception):
        log.exception("internal error on %s %s", request.method, request.url.path)
        return _json(500, error_body("internal error", loc=[], type="internal"))
