"""New applications: ``POST /score`` (limits checked on the raw JSON, then scored and explained
by :meth:`ScoringService.score_applications <scoring_core.service.ScoringService.score_applications>`)."""

from __future__ import annotations

import warnings

import pandas as pd
from fastapi import APIRouter, Depends, Query

from scoring_core.data import normalize_table
from scoring_core.errors import DuplicateKeyError

from ..deps import Audit, Lang, Service, Top, score_limits
from ..errors import ApiError, error_responses
from ..schemas import ScoreRequest, ScoreResponse

__all__ = ["router", "history_frames"]

router = APIRouter(tags=["applications"])


def history_frames(history) -> dict[str, pd.DataFrame]:
    """The validated ``history`` of a :class:`ScoreRequest` as normalized tables (a repeated
    unique key is a 422 naming the table)."""
    out = {}
    with warnings.catch_warnings():  # optional columns not sent are missing values: no warning
        warnings.simplefilter("ignore")
        for table, records in (history.model_dump() if history is not None else {}).items():
            if not records:
                continue
            try:
                out[table] = normalize_table(pd.DataFrame.from_records(records), table)
            except DuplicateKeyError as exc:
                raise ApiError(422, str(exc), loc=["body", "history", table], type="duplicate_key") from None
    return out


@router.post(
    "/score",
    response_model=ScoreResponse,
    response_model_exclude_none=False,
    responses=error_responses(401, 413, 422),
    dependencies=[Depends(score_limits)],
)
def score_new(
    body: ScoreRequest,
    audit: Audit,
    service: Service,
    explain: bool = Query(False, description="also return each application's explanation and reasons"),
    top: Top = 10,
    lang: Lang = "en",
):
    """Score new applications (with optional history records) through the training feature
    pipeline; with `explain=true`, each score carries its explanation (as
    `/clients/{id}/explanation`, `top` and `lang` apply)."""
    apps = pd.DataFrame([a.model_dump() for a in body.applications])
    scores = service.score_applications(
        apps, history_frames(body.history), explain=explain, top=top, lang=lang
    )
    audit.record([s["client_id"] for s in scores])
    return {"scores": scores}
