"""Human-readable feature labels, units and display values, in English and French.

A feature gets its label from, in order: the raw application columns and the domain
features (:mod:`._raw_labels`), then the rules of the history aggregates (:mod:`._rules`
parses ``PREFIX[_SUBSET]_COLUMN_STAT``, ``PREFIX[_SUBSET]_COUNT``,
``PREFIX_COLUMN_LEVEL_SHARE`` and special names, with the data of
:mod:`._history_labels`, :mod:`._loan_labels` and :mod:`._payment_labels`), so share
features of any category level get a label. Any other name falls back to a readable
version of the name (logged at debug level).

Examples
--------
>>> feature_label("EXT_SOURCE_3", "fr")
'Score de crédit externe 3'
>>> feature_label("BUREAU_ACTIVE_AMT_CREDIT_SUM_SUM")
'Total amount of active credits in the credit bureau'
>>> format_value("DAYS_BIRTH", -12000, "fr")
'32,9 ans'
>>> format_value("AMT_CREDIT", 450000)
'450,000'
"""

from __future__ import annotations

import logging
import math
import sys
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from ..data.schema import DAYS_SENTINEL
from ..languages import LANGUAGES, check_language
from ._raw_labels import TABLE_LABELS
from ._rules import VOWELS, humanize, info

__all__ = [
    "LANGUAGES",
    "UNITS",
    "feature_gender",
    "feature_label",
    "feature_labels",
    "feature_unit",
    "format_value",
    "has_specific_label",
    "reversed_scale",
    "table_label",
]

logger = logging.getLogger(__name__)

#: The values :func:`feature_unit` returns.
UNITS: tuple[str, ...] = (
    "years_from_days",
    "days",
    "months",
    "currency",
    "ratio",
    "percent",
    "count",
    "score",
    "flag",
    "category",
    "number",
)


def _check_lang(lang: str) -> None:
    check_language(lang)


# -- public API: labels ----------------------------------------------------------------------------------
#: Gender and number of the first word of the French labels, for articles and agreement.
_FR_GENDER: dict[str, str] = {
    **dict.fromkeys(
        "accompagnant apport décalage dernier document début fonds immeuble jour matériau montant niveau "
        "nombre numéro paiement pire plafond prix produit rapport revenu score secteur sexe solde taux "
        "temps type téléphone âge écart".split(),
        "m",
    ),
    **dict.fromkeys(
        "absence adresse ancienneté date densité dette dispersion durée heure mensualité note part "
        "possession profession situation somme surface taille variance version".split(),
        "f",
    ),
    **dict.fromkeys("consultations difficultés entrées parties régions villes".split(), "fp"),
    **dict.fromkeys("années ascenseurs locaux logements proches".split(), "mp"),
}


def feature_label(name: str, lang: str = "en", *, article: bool = False) -> str:
    """A short noun phrase naming feature ``name``.

    Parameters
    ----------
    name : str
        A feature name of :class:`~scoring_core.features.FeatureBuilder` (or a raw
        application column). Unknown names get a readable version of the name.
    lang : {"en", "fr"}
        Language of the label.
    article : bool, default=False
        In French, prefix the definite article ("le score ...", "la mensualité ...",
        "l'âge", "les proches ...") for use as the subject of a sentence. English labels
        are returned unchanged.

    Raises
    ------
    ValueError
        For an unknown language.

    Examples
    --------
    >>> feature_label("PREV_REFUSAL_RATE", "fr")
    'Taux de refus des demandes de crédit précédentes'
    >>> feature_label("AMT_ANNUITY", "fr", article=True)
    'la mensualité du crédit'
    """
    _check_lang(lang)
    meta = info(str(name))
    label = meta.en if lang == "en" else meta.fr
    if article and lang == "fr":
        gender = feature_gender(name)
        text = label[:1].lower() + label[1:]
        if gender.endswith("p"):
            return f"les {text}"
        if text.startswith(VOWELS):
            return f"l'{text}"
        return f"{'le' if gender == 'm' else 'la'} {text}"
    return label


def feature_labels(names: Iterable[str], lang: str = "en") -> dict[str, str]:
    """``{name: feature_label(name, lang)}`` for every name."""
    _check_lang(lang)
    return {name: feature_label(name, lang) for name in names}


def has_specific_label(name: str) -> bool:
    """True when the label of ``name`` comes from the dictionaries or rules, not the fallback."""
    return info(str(name)).specific


def feature_unit(name: str) -> str:
    """How the values of ``name`` read: one of :data:`UNITS`.

    ``years_from_days`` (day counts shown in years, e.g. ``DAYS_BIRTH``), ``days`` and
    ``months`` (durations, or dates relative to the application), ``currency``,
    ``ratio``, ``percent`` (shares and rates stored as fractions), ``count``, ``score``
    (0-1 external scores), ``flag`` (0/1), ``category`` or ``number``.
    """
    return info(str(name)).unit


def reversed_scale(name: str) -> bool:
    """True when :func:`format_value` shows a quantity that decreases as the value increases.

    Day counts are negative before the application: ``DAYS_BIRTH = -12000`` reads "32.9
    years" and a date ``-30`` reads "30 days ago", so a higher stored value is a lower
    displayed age or delay. Sentences saying "high"/"low" should flip for these features.
    """
    meta = info(str(name))
    return meta.unit == "years_from_days" or meta.relative


def feature_gender(name: str) -> str:
    """Gender and number of the French label ("m", "f", "mp" or "fp"), for agreement.

    Examples
    --------
    >>> feature_gender("AMT_ANNUITY"), feature_gender("EXT_SOURCE_1")
    ('f', 'm')
    """
    word = _first_word(info(str(name)).fr)
    gender = _FR_GENDER.get(word)
    if gender is None:
        logger.debug("no gender for the French label of %r (first word %r); using 'm'", name, word)
        return "m"
    return gender


def _first_word(label: str) -> str:
    return label.lower().replace("'", " ").split(" ", 1)[0]


def table_label(table: str, lang: str = "en") -> str:
    """What a table (or a feature block: ``application``, ``domain``) holds, e.g. "Previous applications"."""
    _check_lang(lang)
    label = TABLE_LABELS.get(table)
    return humanize(table) if label is None else label[LANGUAGES.index(lang)]


# -- public API: values ----------------------------------------------------------------------------------
_WORDS = {
    "en": {
        "missing": "missing",
        "yes": "yes",
        "no": "no",
        "not employed": "not employed",
        "years": ("year", "years"),
        "days": ("day", "days"),
        "months": ("month", "months"),
        "ago": "{} ago",
        "ahead": "in {}",
        "now_days": "today",
        "now_months": "this month",
    },
    "fr": {
        "missing": "manquant",
        "yes": "oui",
        "no": "non",
        "not employed": "sans emploi",
        "years": ("an", "ans"),
        "days": ("jour", "jours"),
        "months": ("mois", "mois"),
        "ago": "il y a {}",
        "ahead": "dans {}",
        "now_days": "aujourd'hui",
        "now_months": "ce mois-ci",
    },
}
_CATEGORY_WORDS = {"Y": "yes", "N": "no", "Yes": "yes", "No": "no"}


def _is_missing(value: object) -> bool:
    """None, NaN, ``pandas.NA`` or ``NaT``; never raises (arrays are not missing values).

    pandas is not imported here (the dashboard's kernel in API mode labels values without it):
    its missing values can only exist when it is already loaded."""
    if value is None:
        return True
    pd = sys.modules.get("pandas")
    try:
        if pd is not None:
            return bool(pd.api.types.is_scalar(value) and pd.isna(value))
        return bool(value != value)  # NaN, in any float type
    except (TypeError, ValueError):
        return False


def _round(x: float, decimals: int) -> Decimal:
    """``x`` rounded half away from zero (12.5 -> 13, not Python's 12), without a "-0"."""
    rounded = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded == 0 else rounded


def _number(x: float, decimals: int, lang: str, strip: bool = False) -> str:
    """``x`` with thousands separators: "12,345.6" in English, "12 345,6" in French."""
    text = f"{_round(x, decimals):,.{decimals}f}"
    if strip and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", " ").replace(".", ",") if lang == "fr" else text


def _with_unit(x: float, text: str, word: str, lang: str) -> str:
    singular, plural = _WORDS[lang][word]
    one = abs(x) < 2 if lang == "fr" else abs(x) == 1
    return f"{text} {singular if one else plural}"


def _duration(x: float, word: str, lang: str, relative: bool) -> str:
    if not relative:
        return _with_unit(x, _number(x, 0 if x.is_integer() else 1, lang), word, lang)
    n = int(_round(x, 0))
    if n == 0:
        return _WORDS[lang][f"now_{word}"]
    text = _with_unit(abs(n), _number(abs(n), 0, lang), word, lang)
    return _WORDS[lang]["ago" if n < 0 else "ahead"].format(text)


def format_value(name: str, value: object, lang: str = "en") -> str:
    """``value`` of feature ``name`` as display text, using the feature's unit.

    Missing values read "missing"/"manquant"; day counts in years with one decimal
    ("32.9 years"/"32,9 ans"); dates relative to the application "1,200 days ago"/
    "il y a 1 200 jours"; amounts with thousands separators ("450,000"/"450 000");
    shares and rates as percentages ("85%"/"85 %"); flags "yes"/"no" ("oui"/"non");
    category values as they are (``Y``/``N`` as yes/no).

    Raises
    ------
    ValueError
        For an unknown language.

    Examples
    --------
    >>> format_value("INST_LATE_RATE", 0.034, "fr")
    '3,4 %'
    >>> format_value("BUREAU_DAYS_CREDIT_MAX", -1200, "fr")
    'il y a 1 200 jours'
    """
    _check_lang(lang)
    words = _WORDS[lang]
    if _is_missing(value):
        return words["missing"]
    meta = info(str(name))
    if meta.unit == "category" or isinstance(value, str):
        text = str(value)
        return words[_CATEGORY_WORDS[text]] if text in _CATEGORY_WORDS else text
    try:
        x = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    unit = meta.unit
    if unit in ("days", "years_from_days") and x == DAYS_SENTINEL:
        return words["not employed"] if name == "DAYS_EMPLOYED" else words["missing"]
    if unit == "flag" and x in (0.0, 1.0):
        return words["yes" if x else "no"]
    if unit == "years_from_days" or meta.years:
        years = -x / 365.25 if unit == "years_from_days" else x
        return _with_unit(round(years, 1), _number(years, 1, lang), "years", lang)
    if unit in ("days", "months"):
        return _duration(x, unit, lang, meta.relative)
    if unit == "percent":
        p = 100 * x
        text = _number(p, 0 if abs(p) >= 10 or round(p, 1).is_integer() else 1, lang)
        return f"{text} %" if lang == "fr" else f"{text}%"
    if unit == "currency":
        return _number(x, 0 if abs(x) >= 10 or x.is_integer() else 2, lang)
    if unit == "count":
        return _number(x, 0 if x.is_integer() else 1, lang)
    if unit == "score":
        return _number(x, 2 if abs(x) >= 0.1 or x == 0 else 3, lang)
    if unit == "ratio":
        return _number(x, 2 if abs(x) < 10 else 1 if abs(x) < 100 else 0, lang)
    return _number(x, 0 if abs(x) >= 100 else 2 if abs(x) >= 1 else 3, lang, strip=True)
