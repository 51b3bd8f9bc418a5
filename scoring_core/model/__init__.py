"""Models, imbalance strategies and model selection."""

from .artifact import FORMAT_VERSION, ModelError, load_model, read_metadata, save_model
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
from .scoring import APPROVE, REFUSE, ScoringModel
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
from .training import TrainConfig, TrainResult, data_fingerprint, global_importance, train
from .tuning import DEFAULT_LGBM_PARAMS, TuningResult, tune_lightgbm

__all__ = [
    "APPROVE",
    "DEFAULT_LGBM_PARAMS",
    "FORMAT_VERSION",
    "REFUSE",
    "ModelError",
    "ScoringModel",
    "TrainConfig",
    "TrainResult",
    "TuningResult",
    "data_fingerprint",
    "global_importance",
    "load_model",
    "read_metadata",
    "save_model",
    "train",
    "tune_lightgbm",
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
