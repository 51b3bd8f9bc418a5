"""Request and response models; the application model is generated from the data schema."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from scoring_core.data.schema import HISTORY_TABLES, SCHEMAS

_APP = SCHEMAS["application_test"]


def _field(col: str):
    if col == "SK_ID_CURR":
        return (int, Field(..., ge=1, lt=2**31, description="client id"))
    required = col in _APP.required
    if col in _APP.categorical:
        return (str | None, Field(... if required else None, max_length=200))
    kw: dict[str, Any] = {}
    if col.startswith(("AMT_", "CNT_", "OBS_", "DEF_")) or col.endswith(("_AVG", "_MODE", "_MEDI")):
        kw["ge"] = 0
    if (
        col.startswith("EXT_SOURCE")
        or col.startswith("FLAG_")
        or col.startswith("REG_")
        or col.startswith("LIVE_")
    ):
        kw.update(ge=0, le=1)
    if col.startswith("DAYS_"):
        kw["le"] = 365243 if col == "DAYS_EMPLOYED" else 0
        kw["ge"] = -40000
    return (float | None, Field(... if required else None, allow_inf_nan=False, **kw))


#: One application, with the Kaggle application columns (TARGET excluded).
Application = create_model(
    "Application",
    __config__=ConfigDict(extra="forbid"),
    **{c: _field(c) for c in _APP.columns},
)

HistoryTable = Literal[tuple(HISTORY_TABLES)]  # type: ignore[valid-type]


class ScoreRequest(BaseModel):
    """New applications to score, with optional history records per table."""

    model_config = ConfigDict(extra="forbid")
    applications: list[Application] = Field(..., min_length=1)  # type: ignore[valid-type]
    history: dict[HistoryTable, list[dict[str, float | int | str | None]]] | None = None


class Score(BaseModel):
    client_id: int
    probability: float
    threshold: float
    decision: Literal["approve", "refuse"]
    model_version: str


class ScoreResponse(BaseModel):
    scores: list[Score]


class ContributionOut(BaseModel):
    feature: str
    value: float | int | str | bool | None
    shap: float
    points: float


class ExplanationOut(BaseModel):
    client_id: int | None
    probability: float
    threshold: float
    decision: Literal["approve", "refuse"]
    base_value: float
    contributions: list[ContributionOut]
    reasons: list[str]


class WhatIfRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    changes: dict[str, float | str | None] = Field(..., min_length=1, examples=[{"AMT_CREDIT": 300000}])


class WhatIfResponse(BaseModel):
    score: Score
    explanation: ExplanationOut


class CounterfactualOut(BaseModel):
    client_id: int
    found: bool
    changes: dict[str, float]
    probability: float | None
    original_probability: float | None
    threshold: float | None
    message: str


class Health(BaseModel):
    status: Literal["ok"]
    model_version: str


class ModelInfo(BaseModel):
    model_version: str
    created_at: str | None
    model_kind: str | None
    threshold: float
    cost_weights: dict[str, float]
    metrics: dict[str, Any]
    n_features: int
    training: dict[str, Any]
    packages: dict[str, str]
    global_importance: list[dict[str, Any]] = Field(
        default_factory=list, description="mean |SHAP| per feature (log-odds), largest first"
    )
    categorical_features: list[str] = Field(default_factory=list, description="features that are categories")
    threshold_curve: dict[str, list[float]] | None = Field(
        None, description="out-of-fold confusion counts (tn, fp, fn, tp) at each threshold"
    )


class PortfolioClient(BaseModel):
    client_id: int
    probability: float
    decision: Literal["approve", "refuse"]


class Portfolio(BaseModel):
    total: int = Field(..., description="clients matching the query")
    clients: list[PortfolioClient]


class FeatureComparisonOut(BaseModel):
    feature: str
    value: float | int | str | bool | None
    percentile_all: float | None
    percentile_repaid: float | None
    percentile_defaulted: float | None
    bins: list[float]
    counts_all: list[int]
    counts_repaid: list[int]
    counts_defaulted: list[int]
    categories: dict[str, dict[str, int]] | None


class BivariateOut(BaseModel):
    x: str
    y: str
    color: Literal["score", "outcome"]
    x_edges: list[float]
    y_edges: list[float]
    counts: list[list[int]]
    values: list[list[float | None]] = Field(..., description="cell means; null below min_count clients")
    min_count: int
    client_x: float | None
    client_y: float | None
