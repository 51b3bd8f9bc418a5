"""Plain-language reasons, in English and French: one per concept at most, by weight.

Each reason names a concept (:mod:`.concepts`), the client's fact that weighs most in it
(its value in its unit, where the client stands among all clients when that means
something, or what is missing) and the direction, e.g. "External credit scores — Average
external credit score: 0.21 (below 85% of clients) — raises the risk", or "Credit bureau
history — no credit bureau record — lowers the risk".

Dates read as durations ("3 years ago"), never ranked ("high"/"low" of a date is
meaningless); flags and categories are stated, not ranked.
"""

from __future__ import annotations

from dataclasses import dataclass

from .concepts import concept_label
from .local import OTHER_FEATURES, Explanation, Group
from .phrases import fact_text, is_missing
from .population import Population

__all__ = ["Reason", "reasons", "reason_text", "DIRECTION"]

#: The direction words, EN/FR (+1 raises the risk, -1 lowers it).
DIRECTION = {
    "en": {1: "raises the risk", -1: "lowers the risk"},
    "fr": {1: "augmente le risque", -1: "diminue le risque"},
}


@dataclass
class Reason:
    """One concept, the feature its sentence is about, its direction (+1 raises the risk,
    -1 lowers it), its weight (log-odds) and its sentence."""

    feature: str
    direction: int
    shap: float
    text: str
    group: str = ""
    points: float = 0.0

    def to_dict(self) -> dict:
        return {
            "group": self.group,
            "feature": self.feature,
            "direction": self.direction,
            "shap": self.shap,
            "points": self.points,
            "text": self.text,
        }


def reason_text(
    feature: str,
    value,
    direction: int,
    percentile: float | None,
    lang: str = "en",
    *,
    group: str | None = None,
) -> str:
    """The sentence for one factor. ``percentile``: share (0-100) of clients with a lower stored
    value; ``group``: the concept key, named first when given."""
    if lang not in DIRECTION:
        raise ValueError(f"unknown language {lang!r}; use en or fr")
    if direction not in (1, -1):
        raise ValueError(f"direction must be +1 or -1, got {direction!r}")
    body = fact_text(feature, value, percentile, lang)
    head = f"{concept_label(group, lang)} — " if group else ""
    text = f"{head}{body} — {DIRECTION[lang][direction]}"
    return text[:1].upper() + text[1:]


def _speaker(group: Group, direction: int):
    """The feature the reason is about: the largest contribution in the group's direction."""
    for c in group.features:
        if c.feature != OTHER_FEATURES and (c.shap > 0) == (direction > 0) and c.shap != 0:
            return c
    return None


def reasons(
    explanation: Explanation,
    population: Population | None = None,
    *,
    lang: str = "en",
    limit: int | None = 5,
    min_share: float = 0.02,
) -> list[Reason]:
    """One reason per concept, largest weight first.

    Parameters
    ----------
    explanation : Explanation
        With its :attr:`~Explanation.groups` (every explanation of an :class:`Explainer`).
    population : Population, optional
        Places numeric values among all clients ("below 85% of clients").
    lang : {"en", "fr"}
    limit : int or None, default=5
        At most this many reasons (``None``: one per concept that weighs).
    min_share : float, default=0.02
        Concepts under this share of the total absolute weight are not worth a sentence.
    """
    if lang not in DIRECTION:
        raise ValueError(f"unknown language {lang!r}; use en or fr")
    total = sum(abs(g.shap) for g in explanation.groups)
    out: list[Reason] = []
    for g in sorted(explanation.groups, key=lambda g: -abs(g.shap)):
        if g.shap == 0 or (total and abs(g.shap) < min_share * total):
            continue
        direction = 1 if g.shap > 0 else -1
        c = _speaker(g, direction)
        if c is None:
            continue
        pct = None
        if population is not None and not is_missing(c.value) and population.is_numeric(c.feature):
            pct = population.percentile(c.feature, float(c.value))
        text = reason_text(c.feature, c.value, direction, pct, lang, group=g.group)
        out.append(Reason(c.feature, direction, g.shap, text, g.group, g.points))
        if limit is not None and len(out) >= limit:
            break
    return out
