"""What a person says about one feature of one client: its value in its unit, or what is missing.

Numbers go through :mod:`scoring_core.formatting` (Babel): amounts with their currency and
period, percentages, whole days, months or years. Dates relative to the application read as
durations the right way round ("3 years ago", "in 2 months"); ages and lengths of employment
in whole years (months under a year). A missing value says what is missing: "no credit
bureau record", "no previous application with us", "external credit score 2 not available".

Examples
--------
>>> value_text("BUREAU_DAYS_CREDIT_MAX", -1100, "en")
'3 years ago'
>>> value_text("DAYS_BIRTH", -12000, "fr")
'32 ans'
>>> missing_text("BUREAU_ACTIVE_AMT_CREDIT_SUM_SUM", "en")
'no active credit in the credit bureau'
"""

from __future__ import annotations

import math

from ..data.schema import DAYS_SENTINEL, SCHEMAS
from ..formatting import format_money, format_number, format_percent, plural
from ._rules import info
from .labels import _WORDS, _is_missing, feature_label

__all__ = ["duration_text", "fact_text", "missing_text", "value_text", "rank_text", "is_missing"]

#: Words of the reasons; the units, "ago"/"in", yes/no and "not employed" are those of the labels.
_W = {
    lang: {
        "year": _WORDS[lang]["years"],
        "month": _WORDS[lang]["months"],
        "day": _WORDS[lang]["days"],
        "ago": _WORDS[lang]["ago"],
        "in": _WORDS[lang]["ahead"],
        "yes": _WORDS[lang]["yes"],
        "no": _WORDS[lang]["no"],
        "not_employed": _WORDS[lang]["not employed"],
        **own,
    }
    for lang, own in {
        "en": {
            "today": "on the day of the application",
            "under_day": "less than a day",
            "not_provided": "{label}: not provided",
            "above": "above {pct} of clients",
            "below": "below {pct} of clients",
            "typical": "as for most clients",
            "scale": "{value} on a scale of 0 to 1",
        },
        "fr": {
            "today": "le jour de la demande",
            "under_day": "moins d'un jour",
            "not_provided": "{label} : non renseigné",
            "above": "au-dessus de {pct} des clients",
            "below": "en dessous de {pct} des clients",
            "typical": "comme la plupart des clients",
            "scale": "{value} sur une échelle de 0 à 1",
        },
    }.items()
}

#: What a missing value means, by feature-name prefix (longest first), EN/FR.
_MISSING: tuple[tuple[str, str, str], ...] = (
    ("BUREAU_ACTIVE_", "no active credit in the credit bureau", "aucun crédit en cours au bureau de crédit"),
    ("BUREAU_CLOSED_", "no closed credit in the credit bureau", "aucun crédit clos au bureau de crédit"),
    ("BUREAU_RECENT_", "no recent credit in the credit bureau", "aucun crédit récent au bureau de crédit"),
    ("BB_", "no monthly history in the credit bureau", "aucun historique mensuel au bureau de crédit"),
    ("BUREAU_", "no credit bureau record", "aucun crédit connu du bureau de crédit"),
    (
        "AMT_REQ_CREDIT_BUREAU_",
        "no record of credit bureau enquiries",
        "aucune consultation connue du bureau de crédit",
    ),
    (
        "CREDIT_BUREAU_REQUESTS",
        "no record of credit bureau enquiries",
        "aucune consultation connue du bureau de crédit",
    ),
    (
        "PREV_APPROVED_",
        "no approved previous application with us",
        "aucune demande précédente acceptée chez nous",
    ),
    (
        "PREV_REFUSED_",
        "no refused previous application with us",
        "aucune demande précédente refusée chez nous",
    ),
    (
        "PREV_RECENT_REFUSED_",
        "no recent refused application with us",
        "aucune demande récente refusée chez nous",
    ),
    ("PREV_RECENT_", "no recent application with us", "aucune demande récente chez nous"),
    ("PREV_", "no previous application with us", "aucune demande de crédit précédente chez nous"),
    (
        "POS_",
        "no monthly record of previous loans with us",
        "aucun relevé mensuel de prêt précédent chez nous",
    ),
    ("INST_", "no instalment of previous loans with us", "aucune mensualité de prêt précédent chez nous"),
    ("CC_", "no credit card with us", "aucune carte de crédit chez nous"),
    ("EXT_SOURCES_", "no external credit score available", "aucun score de crédit externe disponible"),
    ("EXT_SOURCE_1", "external credit score 1 not available", "score de crédit externe 1 non disponible"),
    ("EXT_SOURCE_2", "external credit score 2 not available", "score de crédit externe 2 non disponible"),
    ("EXT_SOURCE_3", "external credit score 3 not available", "score de crédit externe 3 non disponible"),
    ("OWN_CAR_AGE", "no car", "pas de voiture"),
    ("CAR_AGE_RATIO", "no car", "pas de voiture"),
)
_MISSING_SORTED = sorted(_MISSING, key=lambda m: -len(m[0]))
_PERIODS = {"AMT_ANNUITY": "month", "AMT_INCOME_TOTAL": "year", "INCOME_PER_FAMILY_MEMBER": "year"}
_FLAG_CATEGORIES = {"Y": "yes", "N": "no", "Yes": "yes", "No": "no"}
#: Numbers of monthly payments, read as a loan term in whole months ("11 months").
_MONTH_COUNTS = frozenset({"CREDIT_TERM"})

#: The building's description (areas, floors, age of the building...) comes normalised to 0-1 in
#: the data: "0.01" means nothing to a client, so a reason says where the client stands instead.
_APP = SCHEMAS["application_test"]
_NORMALISED = frozenset(
    c for c in _APP.columns if c.endswith(("_AVG", "_MODE", "_MEDI")) and c not in _APP.categorical
)


def is_missing(value: object) -> bool:
    """None, NaN, ``pandas.NA`` or ``NaT`` (pandas is not imported here: the dashboard's
    kernel in API mode phrases values without it)."""
    return _is_missing(value)


def missing_text(feature: str, lang: str = "en") -> str:
    """What is missing when ``feature`` has no value ("no credit bureau record")."""
    _check(lang)
    for prefix, en, fr in _MISSING_SORTED:
        if feature.startswith(prefix):
            return fr if lang == "fr" else en
    label = feature_label(feature, lang)
    return _W[lang]["not_provided"].format(label=label)


def _count(n: int, unit: str, lang: str) -> str:
    one, other = _W[lang][unit]
    return f"{format_number(n, lang, 0)}\u00a0{plural(n, lang, one, other)}"


def duration_text(days: float, lang: str = "en", *, floor: bool = False) -> str:
    """A length of time given in days, in whole days (under two months), months (under two
    years) or years: "45 days", "5 months", "3 years" (never "1.3 days").
    ``floor``: round down (ages: 32 until the 33rd birthday)."""
    _check(lang)
    d = abs(float(days))
    cut = math.floor if floor else round
    if d < 0.5 and not floor:
        return _W[lang]["under_day"] if d > 0 else _count(0, "day", lang)
    if d < 61:
        return _count(int(cut(d)), "day", lang)
    if d < 730.5:
        return _count(max(int(cut(d / 30.4375)), 1), "month", lang)
    return _count(int(cut(d / 365.25)), "year", lang)


def _relative(days: float, lang: str) -> str:
    if abs(days) < 0.5:
        return _W[lang]["today"]
    text = duration_text(days, lang)
    return _W[lang]["ago" if days < 0 else "in"].format(text)


def _category(feature: str, value: object, lang: str) -> str:
    text = str(value)
    if text in _FLAG_CATEGORIES:
        return _W[lang][_FLAG_CATEGORIES[text]]
    try:  # EN/FR names of the category levels, when available
        from .categories import category_label
    except ImportError:  # pragma: no cover - the categories module is optional
        return text
    return category_label(feature, text, lang)


def value_text(feature: str, value: object, lang: str = "en") -> str:
    """The client's value of ``feature`` in its unit, in words a person can read out.

    Raises
    ------
    ValueError
        For an unknown language, or a missing value (use :func:`missing_text`).
    """
    _check(lang)
    if is_missing(value):
        raise ValueError(f"{feature} has no value: use missing_text")
    meta = info(str(feature))
    if meta.unit == "category" or isinstance(value, str):
        return _category(feature, value, lang)
    x = float(value)  # type: ignore[arg-type]
    if not math.isfinite(x):
        return format_number(x, lang)
    w = _W[lang]
    unit = meta.unit
    if feature in _MONTH_COUNTS:  # a number of monthly payments: a term in whole months
        return _count(max(int(round(x)), 1), "month", lang)
    if unit in ("days", "years_from_days") and x == DAYS_SENTINEL:
        return w["not_employed"]
    if unit == "flag" and x in (0.0, 1.0):
        return w["yes" if x else "no"]
    if unit == "years_from_days":
        return duration_text(-x, lang, floor=True)
    if meta.years:
        return duration_text(x * 365.25, lang, floor=True)
    if unit == "days":
        return _relative(x, lang) if meta.relative else duration_text(x, lang)
    if unit == "months":
        return _relative(x * 30.4375, lang) if meta.relative else duration_text(x * 30.4375, lang)
    if unit == "percent":
        return format_percent(x, lang, 0 if abs(x) >= 0.1 or x == 0 else 1)
    if unit == "currency":
        return format_money(x, lang, period=_PERIODS.get(feature))
    if unit == "count":
        return format_number(x, lang, 0 if float(x).is_integer() else 1)
    if feature in _NORMALISED:
        return w["scale"].format(value=format_number(x, lang, 2))
    if unit == "score":
        return format_number(x, lang, 2)
    if unit == "ratio":
        return format_number(x, lang, 2 if abs(x) < 10 else 1)
    return format_number(x, lang, 0 if abs(x) >= 100 or x.is_integer() else 2)


def rankable(feature: str) -> bool:
    """True when "above/below N% of clients" means something for ``feature`` (not dates,
    flags or categories)."""
    meta = info(str(feature))
    return meta.unit not in ("flag", "category") and not meta.relative


def rank_text(feature: str, percentile: float, lang: str = "en") -> str:
    """Where the client stands: ``percentile`` is the share (0-100) of clients with a lower
    stored value; ages and durations stored as negative day counts are flipped."""
    _check(lang)
    meta = info(str(feature))
    pct = 100.0 - percentile if meta.unit == "years_from_days" else percentile
    w = _W[lang]
    if 40 <= pct <= 60:
        return w["typical"]
    # never "above 100% of clients": the client counts among them
    if pct > 60:
        return w["above"].format(pct=format_percent(min(pct, 99.0) / 100, lang, 0))
    return w["below"].format(pct=format_percent(min(100.0 - pct, 99.0) / 100, lang, 0))


def fact_text(feature: str, value: object, percentile: float | None, lang: str = "en") -> str:
    """ "<label>: <value> (<rank>)", or what is missing: the body of a reason."""
    _check(lang)
    if is_missing(value) or (
        info(str(feature)).unit in ("days", "years_from_days")
        and feature != "DAYS_EMPLOYED"
        and _is_sentinel(value)
    ):
        text = missing_text(feature, lang)
        return text[:1].upper() + text[1:]
    label = feature_label(feature, lang)
    colon = " : " if lang == "fr" else ": "
    if feature in _NORMALISED and percentile is not None:  # a 0-1 index: only its rank speaks
        return f"{label}{colon}{rank_text(feature, percentile, lang)}"
    body = f"{label}{colon}{value_text(feature, value, lang)}"
    if percentile is not None and rankable(feature):
        body += f" ({rank_text(feature, percentile, lang)})"
    return body


def _is_sentinel(value: object) -> bool:
    try:
        return float(value) == DAYS_SENTINEL  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False


def _check(lang: str) -> None:
    if lang not in _W:
        raise ValueError(f"unknown language {lang!r}; use en or fr")
