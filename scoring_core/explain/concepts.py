"""Concepts: the few themes an advisor can name, each feature in exactly one.

A client does not think in 437 features but in a handful of themes: "your external credit
scores", "how you repaid your previous loans", "the size of this loan against your income".
:data:`CONCEPTS` defines them once (English and French names, what each covers) and
:func:`concept_of` puts every feature the :class:`~scoring_core.features.FeatureBuilder`
can produce into exactly one of them, by explicit names and name prefixes (the prefixes of
the history tables: ``BUREAU_``/``BB_`` for the credit bureau, ``PREV_``/``POS_``/``INST_``/
``CC_`` for the previous loans and applications with us).

Contributions add up within a concept, so ``base_value + sum(concept contributions)`` is
still exactly the model's log-odds (see :meth:`~scoring_core.explain.Explanation.groups`).

Examples
--------
>>> concept_of("EXT_SOURCES_MEAN")
'external_scores'
>>> concept_of("BUREAU_ACTIVE_AMT_CREDIT_SUM_SUM")
'credit_bureau'
>>> concept_label("loan_burden", "fr")
'Montant, durée et poids du crédit'
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..languages import check_language

__all__ = [
    "CONCEPTS",
    "Concept",
    "concept_index",
    "concept_label",
    "concept_of",
    "concept_rule",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Concept:
    """One theme of the explanation: key, names and what it covers (EN/FR)."""

    key: str
    en: str
    fr: str
    covers_en: str
    covers_fr: str

    def label(self, lang: str = "en") -> str:
        return self.fr if lang == "fr" else self.en


#: The concepts, in display order when weights tie.
CONCEPTS: tuple[Concept, ...] = (
    Concept(
        "external_scores",
        "External credit scores",
        "Scores de crédit externes",
        "scores from external credit agencies",
        "scores fournis par des organismes de crédit externes",
    ),
    Concept(
        "previous_loans",
        "Repayment of previous loans with us",
        "Remboursement des prêts précédents chez nous",
        "previous applications, instalments paid, monthly loan and credit card records",
        "demandes précédentes, mensualités payées, relevés mensuels des prêts et cartes de crédit",
    ),
    Concept(
        "credit_bureau",
        "Credit bureau history",
        "Historique au bureau de crédit",
        "credits with other lenders reported to the credit bureau, and bureau enquiries",
        "crédits chez d'autres prêteurs déclarés au bureau de crédit, et consultations du bureau",
    ),
    Concept(
        "loan_burden",
        "Loan amount, term and burden",
        "Montant, durée et poids du crédit",
        "amount requested, monthly payment, term, price of the goods, payment against income",
        "montant demandé, mensualité, durée, prix du bien, mensualité rapportée au revenu",
    ),
    Concept(
        "income_employment",
        "Income and employment",
        "Revenu et emploi",
        "income, income type, occupation, employer, length of employment, education",
        "revenu, type de revenu, profession, employeur, ancienneté dans l'emploi, études",
    ),
    Concept(
        "age_family",
        "Age, family and social circle",
        "Âge, famille et entourage",
        "age, family status, children, household, payment incidents in the social circle",
        "âge, situation familiale, enfants, foyer, incidents de paiement dans l'entourage",
    ),
    Concept(
        "housing_region",
        "Housing, assets and region",
        "Logement, biens et région",
        "housing situation, building, car and real estate, region, address changes",
        "logement, immeuble, voiture et bien immobilier, région, changements d'adresse",
    ),
    Concept(
        "contact_documents",
        "Contact details, documents and application",
        "Coordonnées, documents et demande",
        "phones and email provided, documents provided, identity document, how the application was made",
        "téléphones et e-mail fournis, documents fournis, pièce d'identité, déroulement de la demande",
    ),
)
_BY_KEY = {c.key: c for c in CONCEPTS}
_FALLBACK = "contact_documents"

# -- rules: exact names first, then prefixes (longest first) ----------------------------------
_EXACT: dict[str, str] = {
    **dict.fromkeys(
        "AMT_CREDIT AMT_ANNUITY AMT_GOODS_PRICE NAME_CONTRACT_TYPE CREDIT_TERM CREDIT_GOODS_RATIO "
        "CREDIT_GOODS_DIFF ANNUITY_INCOME_RATIO CREDIT_INCOME_RATIO".split(),
        "loan_burden",
    ),
    **dict.fromkeys(
        "AMT_INCOME_TOTAL NAME_INCOME_TYPE NAME_EDUCATION_TYPE OCCUPATION_TYPE ORGANIZATION_TYPE "
        "DAYS_EMPLOYED YEARS_EMPLOYED EMPLOYED_AGE_RATIO NOT_EMPLOYED INCOME_PER_FAMILY_MEMBER".split(),
        "income_employment",
    ),
    **dict.fromkeys(
        "CODE_GENDER DAYS_BIRTH AGE_YEARS CNT_CHILDREN CNT_FAM_MEMBERS NAME_FAMILY_STATUS "
        "CHILDREN_RATIO".split(),
        "age_family",
    ),
    **dict.fromkeys(
        "NAME_HOUSING_TYPE FLAG_OWN_REALTY FLAG_OWN_CAR OWN_CAR_AGE CAR_AGE_RATIO "
        "REGION_POPULATION_RELATIVE REGION_RATING_CLIENT REGION_RATING_CLIENT_W_CITY "
        "REGION_MISMATCH_COUNT DAYS_REGISTRATION YEARS_REGISTRATION REGISTRATION_AGE_RATIO "
        "FONDKAPREMONT_MODE HOUSETYPE_MODE WALLSMATERIAL_MODE EMERGENCYSTATE_MODE TOTALAREA_MODE".split(),
        "housing_region",
    ),
    **dict.fromkeys(
        "FLAG_MOBIL FLAG_EMP_PHONE FLAG_WORK_PHONE FLAG_CONT_MOBILE FLAG_PHONE FLAG_EMAIL "
        "DOCUMENT_COUNT DAYS_ID_PUBLISH YEARS_ID_PUBLISH ID_PUBLISH_AGE_RATIO DAYS_LAST_PHONE_CHANGE "
        "PHONE_CHANGE_AGE_RATIO WEEKDAY_APPR_PROCESS_START HOUR_APPR_PROCESS_START NAME_TYPE_SUITE".split(),
        "contact_documents",
    ),
    "CREDIT_BUREAU_REQUESTS": "credit_bureau",
}
_PREFIXES: tuple[tuple[str, str], ...] = (
    ("EXT_SOURCE", "external_scores"),
    ("BUREAU_", "credit_bureau"),
    ("BB_", "credit_bureau"),
    ("AMT_REQ_CREDIT_BUREAU_", "credit_bureau"),
    ("PREV_", "previous_loans"),
    ("POS_", "previous_loans"),
    ("INST_", "previous_loans"),
    ("CC_", "previous_loans"),
    ("OBS_", "age_family"),
    ("DEF_", "age_family"),
    ("SOCIAL_DEF_", "age_family"),
    ("FLAG_DOCUMENT_", "contact_documents"),
    ("REG_REGION_", "housing_region"),
    ("REG_CITY_", "housing_region"),
    ("LIVE_REGION_", "housing_region"),
    ("LIVE_CITY_", "housing_region"),
)
#: Building descriptors of the application (``APARTMENTS_AVG``, ``FLOORSMAX_MEDI``, ...).
_BUILDING_SUFFIXES = ("_AVG", "_MODE", "_MEDI")
_BUILDING_BASES = frozenset(
    "APARTMENTS BASEMENTAREA YEARS_BEGINEXPLUATATION YEARS_BUILD COMMONAREA ELEVATORS ENTRANCES "
    "FLOORSMAX FLOORSMIN LANDAREA LIVINGAPARTMENTS LIVINGAREA NONLIVINGAPARTMENTS NONLIVINGAREA".split()
)


def concept_rule(name: str) -> str | None:
    """The concept of ``name`` by the explicit rules, or ``None`` when no rule matches."""
    if name in _EXACT:
        return _EXACT[name]
    for prefix, key in sorted(_PREFIXES, key=lambda p: -len(p[0])):
        if name.startswith(prefix):
            return key
    for suffix in _BUILDING_SUFFIXES:
        if name.endswith(suffix) and name[: -len(suffix)] in _BUILDING_BASES:
            return "housing_region"
    return None


@lru_cache(maxsize=8192)
def concept_of(name: str) -> str:
    """The key of the concept feature ``name`` belongs to (exactly one).

    A name no rule knows (a feature added later) goes to the application-details concept
    (``contact_documents``), with a warning, so that every feature is still counted once.
    """
    key = concept_rule(name)
    if key is None:
        logger.warning("feature %r has no concept rule; counted under %r", name, _FALLBACK)
        return _FALLBACK
    return key


def concept_label(key: str, lang: str = "en") -> str:
    """The name of concept ``key`` in ``lang`` ("en" or "fr").

    Raises
    ------
    KeyError
        For an unknown concept key.
    """
    check_language(lang)
    return _BY_KEY[key].label(lang)


@lru_cache(maxsize=32)
def _index(names: tuple[str, ...]) -> np.ndarray:
    keys = [c.key for c in CONCEPTS]
    return np.array([keys.index(concept_of(n)) for n in names], dtype=np.intp)


def concept_index(names: Sequence[str] | Iterable[str]) -> np.ndarray:
    """For each feature name, the position of its concept in :data:`CONCEPTS` (cached per
    feature list, so a model's explanations group with one ``np.bincount``)."""
    return _index(tuple(names))
