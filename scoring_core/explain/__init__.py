"""Explanations: exact contributions, plain-language reasons, population comparison, what-if.

The names are imported on first use (PEP 562), so that importing one light submodule
(e.g. for labels) does not load the heavy ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .concepts import CONCEPTS, Concept, concept_label, concept_of
    from .labels import (
        LANGUAGES,
        feature_label,
        feature_labels,
        feature_unit,
        format_value,
        has_specific_label,
    )
    from .local import OTHER_FEATURES, Contribution, Explainer, Explanation, Group
    from .phrases import fact_text, missing_text, value_text
    from .population import Bivariate, FeatureComparison, Population
    from .reasons import Reason, reason_text, reasons
    from .whatif import (
        ACTIONABLE_FIELDS,
        EDITABLE_FIELDS,
        Counterfactual,
        WhatIfError,
        apply_changes,
        counterfactual,
    )

_EXPORTS = {
    "CONCEPTS": ".concepts",
    "Concept": ".concepts",
    "concept_label": ".concepts",
    "concept_of": ".concepts",
    "LANGUAGES": ".labels",
    "feature_label": ".labels",
    "feature_labels": ".labels",
    "feature_unit": ".labels",
    "format_value": ".labels",
    "has_specific_label": ".labels",
    "OTHER_FEATURES": ".local",
    "Contribution": ".local",
    "Explainer": ".local",
    "Explanation": ".local",
    "Group": ".local",
    "fact_text": ".phrases",
    "missing_text": ".phrases",
    "value_text": ".phrases",
    "Bivariate": ".population",
    "FeatureComparison": ".population",
    "Population": ".population",
    "Reason": ".reasons",
    "reason_text": ".reasons",
    "reasons": ".reasons",
    "ACTIONABLE_FIELDS": ".whatif",
    "EDITABLE_FIELDS": ".whatif",
    "Counterfactual": ".whatif",
    "WhatIfError": ".whatif",
    "apply_changes": ".whatif",
    "counterfactual": ".whatif",
}

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


lazy_exports(__name__, _EXPORTS)
