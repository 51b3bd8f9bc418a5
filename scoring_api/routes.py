"""The API's routes: service, clients and new applications.

Each route documents its error responses (all with :class:`~scoring_api.errors.ErrorResponse`);
every access to a client's data is written to the audit log with the caller's key id.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from typing import TYPE_CHECKING

from fastapi import Depends, FastAPI, Query, Request, Security
from fastapi import Path as PathParam
from fastapi.security import APIKeyHeader

from scoring_core.errors import ScoringError
from scoring_core.service import ScoringService

from .applications import check_counts, score_applications
from .errors import ApiError, error_responses, redact_paths
from .fields import ID_MAX
from .guard import identify
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

if TYPE_CHECKING:
    from .app import ApiState
    from .audit import AuditLog
    from .settings import ApiSettings

__all__ = ["add_routes"]

log = logging.getLogger("scoring_api")
_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key (one of SCORING_API_KEYS)")
_ClientId = PathParam(..., ge=1, le=ID_MAX, description="SK_ID_CURR of the client", examples=[100002])
_Top = Query(
    10, ge=1, le=1000, description="contributions listed (the rest folded); reasons at most this many"
)
_Lang = Query("en", pattern="^(en|fr)$", description="language of labels and reasons: en or fr")

_KEYED = error_responses(401)
_CLIENT = error_responses(401, 404, 422)


def add_routes(app: FastAPI, state: ApiState, audit: AuditLog, settings: ApiSettings, keys: dict) -> None:
    """Add every route of the API to ``app``."""

    def caller(key: str | None = Security(_key_header)) -> str:
        key_id = identify(keys, key)  # the Guard already refused a bad key; checked again here
        if key_id is None:
            raise ApiError(
                401, "missing or invalid X-API-Key", loc=["header", "X-API-Key"], type="unauthorized"
            )
        return key_id

    def svc() -> ScoringService:
        return state.service

    def audited(request: Request, key_id: str, client_id) -> None:
        audit.write(key_id=key_id, client_id=client_id, endpoint=request.url.path, method=request.method)

    def explanation_json(e, top: int) -> dict:
        d = e.to_dict()
        d["reasons"] = d["reasons"][:top]
        return d

    # -- service -------------------------------------------------------------------------------
    @app.get("/health", response_model=Health, tags=["service"])
    def health():
        """Liveness and the version of the model serving (no key needed)."""
        return {"status": "ok", "model_version": state.service.model.version}

    @app.get("/model", response_model=ModelInfo, tags=["service"], responses=_KEYED)
    def model_info(key_id: str = Depends(caller)):
        """The model's metadata: version, threshold, cost weights, metrics, global importance."""
        return state.service.model_summary()

    @app.post(
        "/model/reload", response_model=Health, tags=["service"], responses=error_responses(401, 409, 413)
    )
    def reload(request: Request, key_id: str = Depends(caller)):
        """Load the model artifact again and swap it in. A refused artifact (tampered, malformed,
        incompatible) answers 409 and the current model keeps serving."""
        try:
            version = state.reload()
        except Exception as exc:  # noqa: BLE001 - whatever the artifact holds, keep serving
            log.error("model reload by %s refused: %s: %s", key_id, type(exc).__name__, exc)
            why = (
                str(exc)
                if isinstance(exc, ScoringError)
                else f"malformed model artifact ({type(exc).__name__})"
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

    # -- clients -------------------------------------------------------------------------------
    @app.get("/clients", response_model=Portfolio, tags=["clients"], responses=error_responses(401, 422))
    def portfolio(
        request: Request,
        limit: int = Query(50, ge=1, le=1000, description="clients returned", examples=[50]),
        offset: int = Query(0, ge=0, le=ID_MAX, description="clients skipped", examples=[0]),
        order: str = Query("risk", pattern="^(risk|id)$", description="risk: highest probability first; id"),
        prefix: str = Query(
            "", pattern="^[0-9]{0,10}$", description="client ids starting with", examples=["1000"]
        ),
        key_id: str = Depends(caller),
        service: ScoringService = Depends(svc),
    ):
        """The clients with their score, riskiest first or by id."""
        audited(request, key_id, None)
        return service.portfolio(limit=limit, offset=offset, order=order, prefix=prefix)

    @app.get("/clients/{client_id}", tags=["clients"], responses=_CLIENT)
    def client(
        request: Request,
        client_id: int = _ClientId,
        key_id: str = Depends(caller),
        service: ScoringService = Depends(svc),
    ) -> dict:
        """The client's main application fields (never the outcome)."""
        audited(request, key_id, client_id)
        return service.profile(client_id)

    @app.get("/clients/{client_id}/score", response_model=Score, tags=["clients"], responses=_CLIENT)
    def client_score(
        request: Request,
        client_id: int = _ClientId,
        key_id: str = Depends(caller),
        service: ScoringService = Depends(svc),
    ):
        """The client's probability of default and the decision."""
        audited(request, key_id, client_id)
        return service.score(client_id)

    @app.get(
        "/clients/{client_id}/explanation", response_model=ExplanationOut, tags=["clients"], responses=_CLIENT
    )
    def client_explanation(
        request: Request,
        client_id: int = _ClientId,
        top: int = _Top,
        lang: str = _Lang,
        key_id: str = Depends(caller),
        service: ScoringService = Depends(svc),
    ):
        """Why the client got their score: contributions (by feature and by concept) and reasons."""
        audited(request, key_id, client_id)
        return explanation_json(service.explain(client_id, top=top, lang=lang), top)

    @app.post(
        "/clients/{client_id}/whatif",
        response_model=WhatIfResponse,
        tags=["clients"],
        responses=error_responses(401, 404, 413, 422),
    )
    def client_whatif(
        request: Request,
        body: WhatIfRequest,
        client_id: int = _ClientId,
        top: int = _Top,
        lang: str = _Lang,
        key_id: str = Depends(caller),
        service: ScoringService = Depends(svc),
    ):
        """The client rescored with changed application fields (same constraints as `POST /score`;
        the history is unchanged)."""
        audited(request, key_id, client_id)
        changes = body.changes.model_dump(exclude_unset=True)
        e = service.what_if(client_id, changes, top=top, lang=lang)
        return {"score": e.score_dict(service.model.version), "explanation": explanation_json(e, top)}

    @app.get(
        "/clients/{client_id}/counterfactual",
        response_model=CounterfactualOut,
        tags=["clients"],
        responses=_CLIENT,
    )
    def client_counterfactual(
        request: Request,
        client_id: int = _ClientId,
        key_id: str = Depends(caller),
        service: ScoringService = Depends(svc),
    ):
        """The smallest change of credit amount and/or term that gets a refused client approved."""
        audited(request, key_id, client_id)
        return service.counterfactual(client_id).to_dict(client_id)

    @app.get(
        "/clients/{client_id}/population/{feature}",
        response_model=FeatureComparisonOut,
        tags=["clients"],
        responses=_CLIENT,
    )
    def client_population(
        request: Request,
        client_id: int = _ClientId,
        feature: str = PathParam(
            ...,
            min_length=1,
            max_length=200,
            description="feature name (see GET /model)",
            examples=["EXT_SOURCE_2"],
        ),
        key_id: str = Depends(caller),
        service: ScoringService = Depends(svc),
    ):
        """The client's value of a feature on the distributions of all, repaid and defaulted clients
        (the allowed features are listed in the schema; any other is a 422)."""
        audited(request, key_id, client_id)
        return asdict(service.compare(client_id, feature))

    @app.get(
        "/clients/{client_id}/bivariate", response_model=BivariateOut, tags=["clients"], responses=_CLIENT
    )
    def client_bivariate(
        request: Request,
        client_id: int = _ClientId,
        x: str = Query(
            ..., max_length=200, description="numeric feature on the x axis", examples=["EXT_SOURCE_2"]
        ),
        y: str = Query(
            ..., max_length=200, description="numeric feature on the y axis", examples=["DAYS_BIRTH"]
        ),
        color: str = Query(
            "score", pattern="^(score|outcome)$", description="mean score or observed default rate"
        ),
        bins: int = Query(25, ge=5, le=60, description="bins per axis", examples=[25]),
        key_id: str = Depends(caller),
        service: ScoringService = Depends(svc),
    ):
        """The population binned on two numeric features (aggregates only), with the client placed on it."""
        audited(request, key_id, client_id)
        return service.bivariate(client_id, x, y, color=color, bins=bins).to_dict()

    # -- new applications ----------------------------------------------------------------------
    async def limits(request: Request) -> None:
        """Counts checked on the raw JSON, before the request is validated field by field
        (FastAPI has parsed and cached it; this runs before the body's validation)."""
        try:
            data = await request.json()
        except ValueError:
            return  # malformed JSON: validation answers 422
        check_counts(data, batch_limit=settings.batch_limit, history_limit=settings.history_limit)

    @app.post(
        "/score",
        response_model=ScoreResponse,
        response_model_exclude_none=False,
        tags=["applications"],
        responses=error_responses(401, 413, 422),
        dependencies=[Depends(limits)],
    )
    def score_new(
        request: Request,
        body: ScoreRequest,
        explain: bool = Query(False, description="also return each application's explanation and reasons"),
        top: int = _Top,
        lang: str = _Lang,
        key_id: str = Depends(caller),
        service: ScoringService = Depends(svc),
    ):
        """Score new applications (with optional history records) through the training feature
        pipeline; with `explain=true`, each score carries its explanation (as
        `/clients/{id}/explanation`, `top` and `lang` apply)."""
        scores = score_applications(service, body, explain=explain, top=top, lang=lang)
        audit.write(
            key_id=key_id, client_id=[s["client_id"] for s in scores], endpoint="/score", method="POST"
        )
        return {"scores": scores}
