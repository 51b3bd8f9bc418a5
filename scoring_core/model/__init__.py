"""Models, imbalance strategies and model selection."""

from .artifact import FORMAT_VERSION, ModelError, load_model, read_metadata, save_model
from .calibration import Calibrator, expected_calibration_error, fit_calibrator
from .estimators import (
    DEFAULT_MODEL_PARAMS,
    MODEL_NAMES,
    WeightedDummyClassifier,
    feature_types,
    make_estimator,
)
from .evaluation import EVALUATION_FILE, evaluation_files, evaluation_frame, load_evaluation
from .gate import KEPT, PROMOTED, Check, RetrainResult
from .grades import GradeScale, fit_grade_scale, grade_table
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
from .retraining import retrain
from .scorecard import WoEScorecard, blend_booster
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
from .store import RollbackResult, StoreError, StorePaths, rollback, store_history, store_paths
from .tables import check_tables, model_tables, parse_tables
from .training import (
    ModelFit,
    TrainConfig,
    TrainResult,
    data_fingerprint,
    fit_model,
    global_importance,
    train,
)
from .tuning import DEFAULT_LGBM_PARAMS, TuningResult, tune_lightgbm
from .workflow import TrainRun, log_trained, save_trained, train_and_save

__all__ = [
    "TrainRun",
    "log_trained",
    "save_trained",
    "train_and_save",
    "Calibrator",
    "expected_calibration_error",
    "fit_calibrator",
    "GradeScale",
    "fit_grade_scale",
    "grade_table",
    "check_tables",
    "model_tables",
    "parse_tables",
    "ModelFit",
    "fit_model",
    "WoEScorecard",
    "blend_booster",
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
    "EVALUATION_FILE",
    "evaluation_files",
    "evaluation_frame",
    "load_evaluation",
    "KEPT",
    "PROMOTED",
    "Check",
    "StoreError",
    "RetrainResult",
    "RollbackResult",
    "StorePaths",
    "retrain",
    "rollback",
    "store_history",
    "store_paths",
]
