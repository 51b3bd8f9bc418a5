"""Models, imbalance strategies and model selection."""

from .estimators import (
    DEFAULT_MODEL_PARAMS,
    MODEL_NAMES,
    WeightedDummyClassifier,
    feature_types,
    make_estimator,
)
from .imbalance import (
    DEFAULT_STRATEGIES,
    CategoricalSMOTE,
    ClassWeight,
    NoResampling,
    OverSample,
    Smote,
    Strategy,
    UnderSample,
    inference_pipeline,
    make_pipeline,
    parse_strategy,
)
from .selection import (
    TABLE_COLUMNS,
    Candidate,
    ComparisonResult,
    candidate_grid,
    compare_models,
    cost_by_class_weight,
    cost_vs_threshold,
    make_folds,
)

__all__ = [
    "DEFAULT_MODEL_PARAMS",
    "MODEL_NAMES",
    "WeightedDummyClassifier",
    "feature_types",
    "make_estimator",
    "DEFAULT_STRATEGIES",
    "CategoricalSMOTE",
    "ClassWeight",
    "NoResampling",
    "OverSample",
    "Smote",
    "Strategy",
    "UnderSample",
    "inference_pipeline",
    "make_pipeline",
    "parse_strategy",
    "TABLE_COLUMNS",
    "Candidate",
    "ComparisonResult",
    "candidate_grid",
    "compare_models",
    "cost_by_class_weight",
    "cost_vs_threshold",
    "make_folds",
]
