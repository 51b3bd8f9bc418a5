"""The clients of the data: portfolio, profile, score, explanation, what-if, counterfactual,
comparisons and the printable summary. Every route reads a client's data through
:data:`~scoring_api.deps.AuditedClient` (or records the portfolio access), so every access is
in the audit log.

The short, hot routes (profile, score, explanation, what-if: a few milliseconds of CPU, no
I/O) are ``async``: they run on the worker's event loop instead of hopping to the thread pool,
which cost more than a score itself (0.87 -> 0.33 ms of server CPU per score, measured with
``bench/bench_requests.py``); a server's parallelism is its worker processes. The heavier
routes (counterfactual, comparisons, summary, portfolio) stay in the thread pool, so that one
of them never holds the event loop for long."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter, Depends, Query
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse

from scoring_core.languages import DEFAULT_LANGUAGE, LANGUAGE_PATTERN, LANGUAGES

from ..deps import Audit, AuditedClient, Lang, Service, Top
from ..errors import error_responses
from ..fields import ID_MAX
from ..schemas import (
    BivariateOut,
    CounterfactualOut,
    ExplanationOut,
    FeatureComparisonOut,
    Portfolio,
    Score,
    WhatIfRequest,
    WhatIfResponse,
)

__all__ = ["router"]

router = APIRouter(prefix="/clients", tags=["clients"])
_CLIENT = error_responses(401, 404, 422)


async def _portfolio_access(audit: Audit) -> None:
    audit.record(None)


@router.get(
    "",
    response_model=Portfolio,
    responses=error_responses(401, 422),
    dependencies=[Depends(_portfolio_access)],
)
def portfolio(
    service: Service,
    limit: int = Query(50, ge=1, le=1000, description="clients returned", examples=[50]),
    offset: int = Query(0, ge=0, le=ID_MAX, description="clients skipped", examples=[0]),
    order: str = Query("risk", pattern="^(risk|id)$", description="risk: highest probability first; id"),
    prefix: str = Query(
        "", pattern="^[0-9]{0,10}$", description="client ids starting with", examples=["1000"]
    ),
):
    """The clients with their score, riskiest first or by id."""
    return service.portfolio(limit=limit, offset=offset, order=order, prefix=prefix)


@router.get("/{client_id}", responses=_CLIENT)
async def client(client_id: AuditedClient, service: Service) -> dict:
    """The client's main application fields (never the outcome)."""
    return service.profile(client_id)


@router.get("/{client_id}/score", response_model=Score, responses=_CLIENT)
async def client_score(client_id: AuditedClient, service: Service):
    """The client's probability of default, the decision and the risk grade."""
    return service.score(client_id)


@router.get("/{client_id}/explanation", response_model=ExplanationOut, responses=_CLIENT)
async def client_explanation(client_id: AuditedClient, service: Service, top: Top = 10, lang: Lang = "en"):
    """Why the client got their score: contributions (by feature and by concept) and reasons."""
    return service.explanation_json(service.explain(client_id, top=top, lang=lang), top)


@router.post(
    "/{client_id}/whatif", response_model=WhatIfResponse, responses=error_responses(401, 404, 413, 422)
)
async def client_whatif(
    body: WhatIfRequest, client_id: AuditedClient, service: Service, top: Top = 10, lang: Lang = "en"
):
    """The client rescored with changed application fields (same constraints as `POST /score`;
    the history is unchanged)."""
    e = service.what_if(client_id, body.changes.model_dump(exclude_unset=True), top=top, lang=lang)
    return {"score": service.score_of(e), "explanation": service.explanation_json(e, top)}


@router.get("/{client_id}/counterfactual", response_model=CounterfactualOut, responses=_CLIENT)
def client_counterfactual(client_id: AuditedClient, service: Service):
    """The smallest change of credit amount and/or term that gets a refused client approved."""
    return service.counterfactual(client_id).to_dict(client_id)


@router.get("/{client_id}/population/{feature}", response_model=FeatureComparisonOut, responses=_CLIENT)
def client_population(
    client_id: AuditedClient,
    service: Service,
    feature: str = PathParam(
        ...,
        min_length=1,
        max_length=200,
        description="feature name (see GET /model)",
        examples=["EXT_SOURCE_2"],
    ),
):
    """The client's value of a feature on the distributions of all, repaid and defaulted clients
    (the allowed features are listed in the schema; any other is a 422)."""
    return asdict(service.compare(client_id, feature))


@router.get("/{client_id}/bivariate", response_model=BivariateOut, responses=_CLIENT)
def client_bivariate(
    client_id: AuditedClient,
    service: Service,
    x: str = Query(
        ..., max_length=200, description="numeric feature on the x axis", examples=["EXT_SOURCE_2"]
    ),
    y: str = Query(..., max_length=200, description="numeric feature on the y axis", examples=["DAYS_BIRTH"]),
    color: str = Query(
        "score", pattern="^(score|outcome)$", description="mean score or observed default rate"
    ),
    bins: int = Query(25, ge=5, le=60, description="bins per axis", examples=[25]),
):
    """The population binned on two numeric features (aggregates only), with the client placed on it."""
    return service.bivariate(client_id, x, y, color=color, bins=bins).to_dict()


@router.get(
    "/{client_id}/summary",
    response_class=HTMLResponse,
    responses={
        200: {"content": {"text/html": {}}, "description": "the printable summary page (HTML)"},
        **_CLIENT,
    },
)
def client_summary(
    client_id: AuditedClient,
    service: Service,
    lang: str = Query(
        DEFAULT_LANGUAGE,
        pattern=LANGUAGE_PATTERN,
        description=f"language of the page: {' or '.join(LANGUAGES)}",
    ),
):
    """The client's decision summary, one printable page (HTML with print styles): the
    decision, the main reasons, what could change it (the counterfactual offer), what data
    was used, and placeholders for the lender's contact and the right to a human review.
    Never another client's data nor the true outcome."""
    from scoring_reports.summary import render_summary

    return HTMLResponse(render_summary(service, client_id, lang), headers={"Cache-Control": "no-store"})
