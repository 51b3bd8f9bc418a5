"""The FastAPI application.

Everything is loaded once at start-up into a :class:`ScoringService` (model, explainer,
clients' features); a request does no model construction and no file I/O (the audit log is
written by a background thread). ``POST /model/reload`` swaps in a new artifact atomically:
a failed load keeps the current model serving.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import queue
import secrets
import threading
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from fastapi import Depends, FastAPI, HTTPException, Query, Request, Security
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader

from scoring_core import __version__
from scoring_core.data import Dataset, normalize_table
from scoring_core.errors import ScoringError, UnknownClientError
from scoring_core.features import new_client_tables
from scoring_core.model.artifact import load_model
from scoring_core.service import ScoringService

from .schemas import (
    BivariateOut,
    CounterfactualOut,
    ExplanationOut,
    FeatureComparisonOut,
    Health,
    ModelInfo,
    Portfolio,
    Score,
    ScoreRequest,
    ScoreResponse,
    WhatIfRequest,
    WhatIfResponse,
)
from .settings import ApiSettings

__all__ = ["create_app", "ApiState"]

log = logging.getLogger("scoring_api")
_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key (SCORING_API_KEY)")
_ClientId = PathParam(..., ge=1, lt=2**31, description="SK_ID_CURR of the client")


class ApiState:
    """The service currently serving, and how to rebuild it."""

    def __init__(self, service: ScoringService, dataset: Dataset, model_dir: Path | None):
        self.service = service
        self.dataset = dataset
        self.model_dir = model_dir
        self._lock = threading.Lock()

    def reload(self) -> str:
        """Load the artifact again and swap it in; the current model keeps serving on failure."""
        if self.model_dir is None:
            raise ScoringError("this server was not started from a model directory")
        with self._lock:
            new = ScoringService(load_model(self.model_dir), self.dataset)
            self.service = new  # atomic swap of the reference
        return new.model.version


class AuditLog:
    """JSON lines, written by a background thread so requests never wait for the disk."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self._q: queue.Queue = queue.Queue()
        handler = logging.FileHandler(path, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(message)s"))
        self._logger = logging.getLogger(f"scoring_api.audit.{id(self)}")
        self._logger.propagate = False
        self._logger.setLevel(logging.INFO)
        self._logger.addHandler(logging.handlers.QueueHandler(self._q))
        self._listener = logging.handlers.QueueListener(self._q, handler)
        self._listener.start()
        self._handler = handler

    def write(self, **record) -> None:
        record = {"time": datetime.now(UTC).isoformat(timespec="milliseconds"), **record}
        self._logger.info(json.dumps(record, ensure_ascii=False))

    def close(self) -> None:
        self._listener.stop()
        self._handler.close()


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
        raise ScoringError("no API key: set SCORING_API_KEY (or explicitly allow running without auth)")
    state = ApiState(service, dataset, model_dir)
    audit = AuditLog(settings.audit_log)
    app = FastAPI(
        title="Prêt à dépenser scoring API",
        version=__version__,
        description="Probability of default, decision and explanations for clients and new applications. "
        "Every endpoint but /health needs the `X-API-Key` header.",
    )
    app.state.api = state
    app.state.audit = audit
    if settings.origins():
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.origins(),
            allow_methods=["GET", "POST"],
            allow_headers=["X-API-Key", "Content-Type"],
        )

    def caller(key: str | None = Security(_key_header)) -> str:
        if not keys:
            return "anonymous"
        if key:
            for known, name in keys.items():  # constant-time comparison against every key
                if secrets.compare_digest(key.encode(), known.encode()):
                    return name
        raise HTTPException(
            status_code=401, detail="missing or invalid X-API-Key", headers={"WWW-Authenticate": "API-Key"}
        )

    def svc() -> ScoringService:
        return state.service

    def audited(request: Request, key_id: str, client_id: int | None) -> None:
        audit.write(key_id=key_id, client_id=client_id, endpoint=request.url.path, method=request.method)

    # -- errors: clear 4xx for bad input, never a stack trace ---------------------------------
    @app.exception_handler(UnknownClientError)
    async def _unknown(request: Request, exc: UnknownClientError):
        return JSONResponse(status_code=404, content={"detail": str(exc)})

    @app.exception_handler(ScoringError)
    async def _bad_input(request: Request, exc: ScoringError):
        return JSONResponse(status_code=422, content={"detail": str(exc)})

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = [
            {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
            for e in exc.errors()
        ]
        return JSONResponse(status_code=422, content={"detail": errors})

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception):
        log.exception("internal error on %s %s", request.method, request.url.path)
        return JSONResponse(status_code=500, content={"detail": "internal error"})

    # -- routes -------------------------------------------------------------------------------
    @app.get("/health", response_model=Health, tags=["service"])
    def health():
        return {"status": "ok", "model_version": state.service.model.version}

    @app.get("/model", response_model=ModelInfo, tags=["service"])
    def model_info(key_id: str = Depends(caller)):
        return state.service.model_summary()

    @app.post("/model/reload", response_model=Health, tags=["service"])
    def reload(key_id: str = Depends(caller)):
        try:
            version = state.reload()
        except ScoringError as exc:
            raise HTTPException(status_code=409, detail=f"reload failed, current model kept: {exc}") from None
        log.info("model reloaded by %s: %s", key_id, version)
        return {"status": "ok", "model_version": version}

    @app.get("/clients", response_model=Portfolio, tags=["clients"])
    def portfolio(
        request: Request,
        limit: int = Query(50, ge=1, le=1000, description="clients returned"),
        offset: int = Query(0, ge=0),
        order: str = Query("risk", pattern="^(risk|id)$", description="risk: highest probability first"),
        prefix: str = Query("", pattern="^[0-9]{0,10}$", description="client ids starting with"),
        key_id: str = Depends(caller),
        service: ScoringService = Depends(svc),
    ):
        audited(request, key_id, None)
        return service.portfolio(limit=limit, offset=offset, order=order, prefix=prefix)

    @app.get("/clients/{client_id}", tags=["clients"])
    def client(
        request: Request,
        client_id: int = _ClientId,
        key_id: str = Depends(caller),
        service: ScoringService = Depends(svc),
    ) -> dict:
        audited(request, key_id, client_id)
        return service.profile(client_id)

    @app.get("/clients/{client_id}/score", response_model=Score, tags=["clients"])
    def client_score(
        request: Request,
        client_id: int = _ClientId,
        key_id: str = Depends(caller),
        service: ScoringService = Depends(svc),
    ):
        audited(request, key_id, client_id)
        return service.score(client_id)

    @app.get("/clients/{client_id}/explanation", response_model=ExplanationOut, tags=["clients"])
    def client_explanation(
        request: Request,
        client_id: int = _ClientId,
        top: int = Query(10, ge=1, le=1000, description="contributions listed"),
        lang: str = Query("en", pattern="^(en|fr)$"),
        key_id: str = Depends(caller),
        service: ScoringService = Depends(svc),
    ):
        audited(request, key_id, client_id)
        return service.explain(client_id, top=top, lang=lang).to_dict()

    @app.post("/clients/{client_id}/whatif", response_model=WhatIfResponse, tags=["clients"])
    def client_whatif(
        request: Request,
        body: WhatIfRequest,
        client_id: int = _ClientId,
        top: int = Query(10, ge=1, le=1000),
        lang: str = Query("en", pattern="^(en|fr)$"),
        key_id: str = Depends(caller),
        service: ScoringService = Depends(svc),
    ):
        audited(request, key_id, client_id)
        e = service.what_if(client_id, body.changes, top=top, lang=lang)  # bad changes: ScoringError -> 422
        return {"score": e.score_dict(service.model.version), "explanation": e.to_dict()}

    @app.get("/clients/{client_id}/counterfactual", response_model=CounterfactualOut, tags=["clients"])
    def client_counterfactual(
        request: Request,
        client_id: int = _ClientId,
        key_id: str = Depends(caller),
        service: ScoringService = Depends(svc),
    ):
        audited(request, key_id, client_id)
        return service.counterfactual(client_id).to_dict(client_id)

    @app.get(
        "/clients/{client_id}/population/{feature}", response_model=FeatureComparisonOut, tags=["clients"]
    )
    def client_population(
        request: Request,
        client_id: int = _ClientId,
        feature: str = PathParam(..., max_length=200, description="feature name"),
        key_id: str = Depends(caller),
        service: ScoringService = Depends(svc),
    ):
        audited(request, key_id, client_id)
        return asdict(service.compare(client_id, feature))

    @app.get("/clients/{client_id}/bivariate", response_model=BivariateOut, tags=["clients"])
    def client_bivariate(
        request: Request,
        client_id: int = _ClientId,
        x: str = Query(..., max_length=200, description="feature on the x axis"),
        y: str = Query(..., max_length=200, description="feature on the y axis"),
        color: str = Query("score", pattern="^(score|outcome)$"),
        bins: int = Query(25, ge=5, le=60),
        key_id: str = Depends(caller),
        service: ScoringService = Depends(svc),
    ):
        audited(request, key_id, client_id)
        return service.bivariate(client_id, x, y, color=color, bins=bins).to_dict()

    @app.post(
        "/score",
        response_model=ScoreResponse,
        tags=["applications"],
        responses={413: {"description": "more applications than the batch limit"}},
    )
    def score_applications(
        request: Request,
        body: ScoreRequest,
        key_id: str = Depends(caller),
        service: ScoringService = Depends(svc),
    ):
        if len(body.applications) > settings.batch_limit:
            raise HTTPException(
                status_code=413, detail=f"at most {settings.batch_limit} applications per request"
            )
        apps = pd.DataFrame([a.model_dump() for a in body.applications])
        if apps["SK_ID_CURR"].duplicated().any():
            raise HTTPException(status_code=422, detail="duplicate SK_ID_CURR in applications")
        apps = normalize_table(apps, "application_test")
        history = {}
        for table, records in (body.history or {}).items():
            frame = pd.DataFrame.from_records(records) if records else pd.DataFrame()
            history[table] = normalize_table(frame, table) if len(frame) else None
        tables = new_client_tables(apps, {k: v for k, v in history.items() if v is not None})
        model = service.model
        X = model.features(tables)
        proba = model.predict_proba(X)
        audit.write(
            key_id=key_id, client_id=[int(i) for i in apps["SK_ID_CURR"]], endpoint="/score", method="POST"
        )
        return {
            "scores": [
                {
                    "client_id": int(cid),
                    "probability": float(p),
                    "threshold": model.threshold,
                    "decision": str(d),
                    "model_version": model.version,
                }
                for cid, p, d in zip(X.index, proba, model.decide(proba), strict=True)
            ]
        }

    app.router.on_shutdown.append(audit.close)
    return app


def build(model_dir: str | Path, data_dir: str | Path, **kw) -> FastAPI:
    """Load the model and data once and create the app (what ``serve`` runs)."""
    from scoring_core.data import load_dataset

    t0 = time.perf_counter()
    dataset = load_dataset(data_dir, progress=False)
    service = ScoringService(load_model(model_dir), dataset)
    log.info("API ready in %.1fs", time.perf_counter() - t0)
    return create_app(service, dataset, model_dir=Path(model_dir), **kw)
