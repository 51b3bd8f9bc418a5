"""Plain-language reasons, in English and French, from an explanation.

The factors that raise the risk most come first, then those that lower it. Each sentence
names the feature in words (see :mod:`.labels`), gives the client's value and, for a number,
where it stands among all clients, e.g. "External credit score 3 is low (0.21; 85% of clients
have a higher one) — raises the risk".

"High" and "low" refer to the quantity as displayed: for day counts stored as negative
numbers (``DAYS_BIRTH`` shown as an age, dates shown as "... days ago") the scale is flipped.
Flags and categories are stated, not ranked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .labels import feature_gender, feature_label, feature_unit, format_value, reversed_scale
from .local import OTHER_FEATURES, Explanation
from .population import Population

__all__ = ["Reason", "reasons", "reason_text"]

_UP = {"en": "raises the risk", "fr": "augmente le risque"}
_DOWN = {"en": "lowers the risk", "fr": "diminue le risque"}
# French agreement: (verb, high, low, unknown) by gender/number of the label
_FR = {
    "m": ("est", "élevé", "faible", "inconnu"),
    "f": ("est", "élevée", "faible", "inconnue"),
    "mp": ("sont", "élevés", "faibles", "inconnus"),
    "fp": ("sont", "élevées", "faibles", "inconnues"),
}
_UNRANKED = ("flag", "category")


@dataclass
class Reason:
    """One factor, its direction (+1 raises the risk, -1 lowers it) and its sentence."""

    feature: str
    direction: int
    shap: float
    text: str


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and np.isnan(value))


def reason_text(feature: str, value, direction: int, percentile: float | None, lang: str = "en") -> str:
    """The sentence for one factor. ``percentile``: share (0-100) of clients with a lower stored value."""
    if lang not in _UP:
        raise ValueError(f"unknown language {lang!r}; use en or fr")
    tail = _UP[lang] if direction > 0 else _DOWN[lang]
    if lang == "fr":
        subject = feature_label(feature, "fr", article=True)
        verb, high, low, unknown = _FR.get(feature_gender(feature), _FR["m"])
    else:
        subject = feature_label(feature, "en")
    if _missing(value):
        body = f"{subject} {verb} {unknown}" if lang == "fr" else f"{subject} is not known"
    else:
        shown = format_value(feature, value, lang)
        if percentile is None or feature_unit(feature) in _UNRANKED:
            body = f"{subject} : {shown}" if lang == "fr" else f"{subject}: {shown}"
        else:
            pct = 100.0 - percentile if reversed_scale(feature) else percentile
            higher = f"{100 - pct:.0f}"
            if lang == "fr":
                if pct >= 50:
                    body = f"{subject} {verb} {high} ({shown} ; seuls {higher} % des clients ont une valeur plus élevée)"
                else:
                    body = f"{subject} {verb} {low} ({shown} ; {higher} % des clients ont une valeur plus élevée)"
            elif pct >= 50:
                body = f"{subject} is high ({shown}; only {higher}% of clients have a higher one)"
            else:
                body = f"{subject} is low ({shown}; {higher}% of clients have a higher one)"
    return f"{body[0].upper()}{body[1:]} — {tail}"


def reasons(
    explanation: Explanation,
    population: Population | None = None,
    *,
    lang: str = "en",
    n_up: int = 3,
    n_down: int = 2,
) -> list[Reason]:
    """The ``n_up`` strongest risk-raising and ``n_down`` strongest risk-lowering factors."""
    if lang not in _UP:
        raise ValueError(f"unknown language {lang!r}; use en or fr")
    items = [c for c in explanation.contributions if c.feature != OTHER_FEATURES and c.shap != 0]
    ups = sorted((c for c in items if c.shap > 0), key=lambda c: -c.shap)[:n_up]
    downs = sorted((c for c in items if c.shap < 0), key=lambda c: c.shap)[:n_down]
    out = []
    for c in ups + downs:
        pct = None
        if population is not None and not _missing(c.value) and population.is_numeric(c.feature):
            pct = population.percentile(c.feature, float(c.value))
        direction = 1 if c.shap > 0 else -1
        out.append(
            Reason(c.feature, direction, c.shap, reason_text(c.feature, c.value, direction, pct, lang))
        )
    return out
