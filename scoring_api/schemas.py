"""Request and response models; the application model is generated from the data schema."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from scoring_core.data.schema import HISTORY_TABLES, SCHEMAS

from .fields import application_field, example_value, history_field

__all__ = [
    "Application",
    "ApplicationChanges",
    "HISTORY_RECORDS",
    "ScoreRequest",
    "Score",
    "ScoredApplication",
    "ScoreResponse",
    "ContributionOut",
    "GroupOut",
    "ExplanationOut",
    "WhatIfRequest",
    "WhatIfResponse",
    "CounterfactualOut",
    "Health",
    "ModelInfo",
    "PortfolioClient",
    "Portfolio",
    "FeatureComparisonOut",
    "BivariateOut",
]

_APP = SCHEMAS["application_test"]
_EDITABLE = [c for c in _APP.columns if c not in _APP.ids]

#: An example application: the required fields and a few more.
APPLICATION_EXAMPLE: dict[str, Any] = {
    "SK_ID_CURR": 900001,
    **{
        c: example_value(c)
        for c in (
            *_APP.required[1:],
            "NAME_CONTRACT_TYPE",
            "CODE_GENDER",
            "NAME_INCOME_TYPE",
            "NAME_EDUCATION_TYPE",
            "EXT_SOURCE_2",
            "EXT_SOURCE_3",
        )
    },
}
APPLICATION_EXAMPLE.update(AMT_INCOME_TOTAL=120000.0, AMT_ANNUITY=15000.0, DAYS_BIRTH=-14000.0)

#: One application, with the Kaggle application columns (TARGET excluded).
Application = create_model(
    "Application",
    __config__=ConfigDict(extra="forbid", json_schema_extra={"examples": [APPLICATION_EXAMPLE]}),
    __doc__="One credit application (Kaggle application columns, TARGET excluded). Fields not sent "
    "are missing values; numbers must be finite and in their domain range, categories one of the "
    "known levels.",
    **{c: application_field(c, required=c in _APP.required) for c in _APP.columns},
)


def _at_least_one_change(self):
    if not self.model_fields_set:
        raise ValueError("give at least one application field to change")
    if {"CNT_PAYMENT", "AMT_ANNUITY"} <= self.model_fields_set:
        raise ValueError("give CNT_PAYMENT (the term) or AMT_ANNUITY, not both: the term sets the annuity")
    return self


#: Changes to a client's application fields (any subset, at least one; null sets a field missing).
ApplicationChanges = create_model(
    "ApplicationChanges",
    __config__=ConfigDict(
        extra="forbid",
        json_schema_extra={
            "minProperties": 1,
            "not": {"required": ["CNT_PAYMENT", "AMT_ANNUITY"]},
            "examples": [{"AMT_CREDIT": 300000.0, "AMT_ANNUITY": 12000.0}],
        },
    ),
    __doc__="Application fields to change (at least one); the same constraints as an application.",
    __validators__={"_at_least_one": model_validator(mode="after")(_at_least_one_change)},
    **{c: application_field(c, required=False) for c in _EDITABLE},
    CNT_PAYMENT=(
        float,  # a term cannot be unset: not nullable
        Field(
            None,
            strict=True,
            allow_inf_nan=False,
            ge=1,
            le=600,
            description="the term, in monthly payments: AMT_ANNUITY is then derived from the credit "
            "amount (AMT_CREDIT, changed or current) and this term by the data's loan relation "
            "(annuity = credit * (1 + rate * term) / term); not together with AMT_ANNUITY",
            examples=[36],
        ),
    ),
)


def _history_model(table: str):
    schema = SCHEMAS[table]
    return create_model(
        f"{table}_record",
        __config__=ConfigDict(extra="forbid"),
        __doc__=f"One row of the {table} table (Kaggle columns; the required ones must be present).",
        **{c: history_field(table, c) for c in schema.columns},
    )


#: The record model of each history table.
HISTORY_RECORDS = {t: _history_model(t) for t in HISTORY_TABLES}

History = create_model(
    "History",
    __config__=ConfigDict(extra="forbid"),
    __doc__="History records per table, linked to the applications by SK_ID_CURR (bureau_balance "
    "by SK_ID_BUREAU). A key that must be unique (SK_ID_BUREAU in bureau, SK_ID_PREV in "
    "previous_application) repeated in one request is refused with 422 (type duplicate_key).",
    **{
        t: (list[m] | None, Field(None, description=f"{t} rows"))  # type: ignore[valid-type]
        for t, m in HISTORY_RECORDS.items()
    },
)


class ScoreRequest(BaseModel):
    """New applications to score, with optional history records per table."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "applications": [APPLICATION_EXAMPLE],
                    "history": {
                        "bureau": [
                            {
                                "SK_ID_CURR": 900001,
                                "SK_ID_BUREAU": 1,
                                "CREDIT_ACTIVE": "Closed",
                                "DAYS_CREDIT": -900.0,
                                "AMT_CREDIT_SUM": 50000.0,
                            }
                        ]
                    },
                }
            ]
        },
    )
    applications: list[Application] = Field(  # type: ignore[valid-type]
        ...,
        min_length=1,
        description="the applications (at most SCORING_API_BATCH_LIMIT, 413 above); the same "
        "SK_ID_CURR may appear more than once (each application is scored on its own)",
    )
    history: History | None = Field(  # type: ignore[valid-type]
        None,
        description="optional history records (at most SCORING_API_HISTORY_LIMIT rows in all, 413 above); "
        "a table not sent means no history of that kind",
    )


class Score(BaseModel):
    """A probability of default and the decision at the model's threshold."""

    client_id: int = Field(..., description="SK_ID_CURR")
    probability: float = Field(..., description="probability of default (0 to 1)")
    threshold: float = Field(..., description="the model's decision threshold")
    decision: Literal["approve", "refuse"] = Field(..., description="refuse when probability >= threshold")
    grade: str | None = Field(None, description="risk grade of the model's master scale (A = lowest risk)")
    model_version: str


class ContributionOut(BaseModel):
    """One feature's contribution to the score (log-odds ``shap``, probability ``points``)."""

    feature: str
    label: str | None = Field(None, description="the feature's name in the requested language")
    group: str | None = Field(None, description="the concept the feature belongs to")
    value: float | int | str | bool | None
    shap: float
    points: float


class GroupOut(BaseModel):
    """One concept's total contribution, with its features'."""

    group: str
    label: str | None = None
    shap: float
    points: float
    features: list[ContributionOut] = Field(default_factory=list)


class ExplanationOut(BaseModel):
    """Why a client got their score: ``base_value + sum(shap)`` is the model's log-odds."""

    client_id: int | None
    probability: float
    threshold: float
    decision: Literal["approve", "refuse"]
    base_value: float
    contributions: list[ContributionOut]
    groups: list[GroupOut] | None = Field(None, description="contributions by concept, largest first")
    reasons: list[str] = Field(..., description="plain-language reasons, strongest first (at most `top`)")


class ScoredApplication(Score):
    """A new application's score, with its explanation when asked for (``explain=true``)."""

    explanation: ExplanationOut | None = Field(None, description="present with explain=true")


class ScoreResponse(BaseModel):
    """The scores, in the order of the applications."""

    scores: list[ScoredApplication]


class WhatIfRequest(BaseModel):
    """Changes to the client's application; the history is unchanged."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"changes": {"AMT_CREDIT": 300000.0}}]}
    )
    changes: ApplicationChanges = Field(  # type: ignore[valid-type]
        ..., description="application fields to change (at least one)"
    )


class WhatIfResponse(BaseModel):
    """The client rescored with the changes."""

    score: Score
    explanation: ExplanationOut


class LoanOffer(BaseModel):
    """A loan as an advisor states it: amount, whole months, monthly payment."""

    credit: float
    term_months: int
    annuity: float


class CounterfactualOut(BaseModel):
    client_id: int
    found: bool
    changes: dict[str, float]
    probability: float | None
    original_probability: float | None
    threshold: float | None
    message: str
    offer: LoanOffer | None = Field(None, description="the approving offer (rounded amount, term, payment)")
    current: LoanOffer | None = Field(None, description="the client's request as amount, term and payment")


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
    grade: str | None = Field(None, description="risk grade of the model's master scale (A = lowest risk)")


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
