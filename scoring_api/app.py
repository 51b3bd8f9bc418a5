"""The FastAPI application.

Everything is loaded once at start-up into a :class:`ScoringService` (model, explainer,
clients' features); a request does no model construction and no file I/O (the audit log is
written by its own thread). ``POST /model/reload`` swaps in a new artifact atomically: a
failed load keeps the current model serving (409).

Layers of a request, outermost first: :class:`~scoring_api.guard.Guard` (key before body,
body size cap, ``Cache-Control: no-store``), the dependencies (:mod:`scoring_api.deps`: the
service, the caller, the audit record of a client's data, limits counted on the raw JSON), the
routes, one router per resource (:mod:`scoring_api.routers`: model, clients, applications;
validation from the data schema), one error schema for every error (:mod:`scoring_api.errors`).
"""

from __future__ import annotations

import gc
import logging
import time
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from scoring_core import __version__
from scoring_core.data import Dataset
from scoring_core.errors import ScoringError
from scoring_core.model.artifact import load_model
from scoring_core.service import ScoringService

from . import routers
from .audit import AuditLog
from .docs import install_docs
from .errors import install_error_handlers
from .guard import Guard
from .settings import ApiSettings
from .state import ApiState

__all__ = ["create_app", "ApiState", "build"]

log = logging.getLogger("scoring_api")

_DESCRIPTION = """Probability of default, decision and explanations for clients and new applications.

**Authentication**: every endpoint but `/health` and the documentation needs the `X-API-Key`
header (never a query parameter). A missing or wrong key gets 401 before the body is read.

**Errors**: every error response has the body `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`:
401 (key), 404 (unknown client), 409 (reload refused, current model kept), 413 (body over
`SCORING_API_MAX_BODY_BYTES`, or more applications / history rows than the limits), 422 (invalid
input: the field, and for a category the allowed values).

**Personal data**: responses are sent with `Cache-Control: no-store`; every access to a client's
data is written to the audit log.
"""


def create_app(
    service: ScoringService,
    dataset: Dataset,
    *,
    settings: ApiSettings | None = None,
    model_dir: Path | None = None,
    allow_no_auth: bool = False,
) -> FastAPI:
    """The API over ``service``. Without keys in ``settings`` the app refuses to start unless
    ``allow_no_auth`` (then every request is accepted and logged as ``anonymous``)."""
    settings = settings or ApiSettings()
    keys = settings.keys()
    if not keys and not allow_no_auth:
        raise ScoringError("no API key: set SCORING_API_KEYS (or explicitly allow running without auth)")
    state = ApiState(service, dataset, model_dir, allow_missing_tables=settings.allow_missing_tables)
    audit = AuditLog(settings.audit_log)
    app = FastAPI(
        title="Prêt à dépenser scoring API",
        version=__version__,
        description=_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
    )
    app.state.api = state
    app.state.audit = audit
    app.state.settings = settings
    app.state.keys = keys
    install_error_handlers(app)
    install_docs(app)
    app.include_router(routers.model)
    app.include_router(routers.clients)
    app.include_router(routers.applications)
    app.add_middleware(Guard, keys=keys, max_body_bytes=settings.max_body_bytes)
    if settings.origins():  # outermost: preflights answered before the key check
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.origins(),
            allow_methods=["GET", "POST"],
            allow_headers=["X-API-Key", "Content-Type"],
        )
    app.openapi = _openapi_with_features(app, state)  # type: ignore[method-assign]
    app.router.on_shutdown.append(audit.close)
    return app


def _openapi_with_features(app: FastAPI, state: ApiState):
    """The OpenAPI schema with the model's feature names as the allowed values of the
    ``feature`` path parameter and (numeric ones) of the bivariate ``x`` and ``y``; rebuilt
    after a reload (``app.openapi_schema`` is reset then)."""

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = FastAPI.openapi(app)
        service = state.service
        features = [str(f) for f in service.features.columns]
        numeric = [f for f in features if service.population.is_numeric(f)]
        enums = {
            ("/clients/{client_id}/population/{feature}", "feature"): features,
            ("/clients/{client_id}/bivariate", "x"): numeric,
            ("/clients/{client_id}/bivariate", "y"): numeric,
        }
        for (path, name), values in enums.items():
            for param in schema["paths"].get(path, {}).get("get", {}).get("parameters", []):
                if param.get("name") == name and values:
                    param["schema"] = {**param["schema"], "enum": values}
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}}
        for ops in schema["paths"].values():  # errors are JSON, also on routes answering HTML
            for op in ops.values():
                for status, response in op.get("responses", {}).items():
                    if status[:1] in ("4", "5"):
                        response["content"] = error
        app.openapi_schema = schema
        return schema

    return openapi


def build(
    model_dir: str | Path, data_dir: str | Path, *, settings: ApiSettings | None = None, **kw
) -> FastAPI:
    """Load the model and data once and create the app (what ``serve`` runs)."""
    from scoring_core.data import load_dataset

    t0 = time.perf_counter()
    settings = settings or ApiSettings()
    dataset = load_dataset(data_dir, progress=False)
    service = ScoringService(
        load_model(model_dir), dataset, allow_missing_tables=settings.allow_missing_tables
    )
    app = create_app(service, dataset, settings=settings, model_dir=Path(model_dir), **kw)
    # What is loaded now lives as long as the server: frozen, the garbage collector never scans
    # it again (a full collection over the model and the clients' data took ~300 ms, a pause
    # of every request in flight, measured on the real sample).
    gc.collect()
    gc.freeze()
    app.state.api.freeze_gc = True
    log.info("API ready in %.1fs", time.perf_counter() - t0)
    return app
