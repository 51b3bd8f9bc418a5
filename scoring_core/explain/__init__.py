"""Explanations: exact contributions, plain-language reasons, population comparison, what-if."""

from .concepts import CONCEPTS, Concept, concept_label, concept_of
from .labels import LANGUAGES, feature_label, feature_labels, feature_unit, format_value, has_specific_label
from .local import OTHER_FEATURES, Contribution, Explainer, Explanation, Group
from .phrases import fact_text, missing_text, value_text
from .population import Bivariate, FeatureComparison, Population, SimilarClients
from .reasons import Reason, reason_text, reasons
from .whatif import (
    ACTIONABLE_FIELDS,
    EDITABLE_FIELDS,
    Counterfactual,
    WhatIfError,
    apply_changes,
    counterfactual,
)

__all__ = [
    "CONCEPTS",
    "Concept",
    "Group",
    "concept_label",
    "concept_of",
    "fact_text",
    "missing_text",
    "value_text",
    "ACTIONABLE_FIELDS",
    "EDITABLE_FIELDS",
    "LANGUAGES",
    "OTHER_FEATURES",
    "Contribution",
    "Counterfactual",
    "Explainer",
    "Explanation",
    "Bivariate",
    "FeatureComparison",
    "Population",
    "Reason",
    "SimilarClients",
    "WhatIfError",
    "apply_changes",
    "counterfactual",
    "feature_label",
    "feature_labels",
    "feature_unit",
    "format_value",
    "has_specific_label",
    "reason_text",
    "reasons",
]
