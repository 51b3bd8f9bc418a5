"""Name -> label rules: raw columns, domain features and the history aggregates.

:func:`info` resolves a feature name to its English and French labels and its unit, from
the dictionaries of :mod:`._raw_labels` and the rules of :mod:`._history_labels`,
:mod:`._loan_labels` and :mod:`._payment_labels` (parsing
``PREFIX[_SUBSET]_COLUMN_STAT``, ``PREFIX[_SUBSET]_COUNT``, ``PREFIX_COLUMN_LEVEL_SHARE``
and special names); unknown names fall back to a readable version of the name.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from ..data.columns import unit_of_name
from ..data.schema import SCHEMAS
from ._history_labels import BUREAU, BUREAU_BALANCE, HistoryTable, Measure
from ._loan_labels import POS_CASH, PREVIOUS
from ._payment_labels import CREDIT_CARD, INSTALMENTS
from ._raw_labels import DOMAIN_LABELS, RAW_LABELS, YEAR_VALUED

__all__ = ["HISTORY", "Info", "VOWELS", "capitalize", "humanize", "info"]

# Log under the public module, where callers look.
logger = logging.getLogger("scoring_core.explain.labels")

#: ``{feature-name prefix: rules}`` (the prefixes of ``scoring_core.features.history``).
HISTORY: dict[str, HistoryTable] = {
    "BUREAU": BUREAU,
    "BB": BUREAU_BALANCE,
    "PREV": PREVIOUS,
    "POS": POS_CASH,
    "INST": INSTALMENTS,
    "CC": CREDIT_CARD,
}


@dataclass(frozen=True)
class Info:
    """Labels, unit and display hints of one feature."""

    en: str
    fr: str
    unit: str
    relative: bool = False  # a date relative to the application: "N days ago" / "in N days"
    years: bool = False  # the value is a number of years
    specific: bool = True


def capitalize(text: str) -> str:
    """``text`` with its first letter in upper case (the rest unchanged)."""
    return text[:1].upper() + text[1:]


def humanize(name: str) -> str:
    """A readable version of an identifier: ``"SOME_NEW_FEATURE"`` -> ``"Some new feature"``."""
    return capitalize(" ".join(name.split("_")).strip().lower()) or name


# -- raw and domain columns -------------------------------------------------------------------
def _column_unit(table: str, column: str) -> tuple[str, bool]:
    """Unit of a raw column, and whether it is a date relative to the application, from its
    meaning in the schema (a day count read in years: ``years_from_days``, not relative)."""
    m = SCHEMAS[table].meaning(column)
    return ("years_from_days", False) if m.in_years else (m.unit, m.relative)


def _raw_info(table: str, column: str) -> Info:
    en, fr = RAW_LABELS[table][column]
    unit, relative = _column_unit(table, column)
    return Info(en, fr, unit, relative=relative, years=column in YEAR_VALUED)


_APPLICATION: dict[str, Info] = {
    c: _raw_info("application_train", c) for c in RAW_LABELS["application_train"]
}
_DOMAIN: dict[str, Info] = {
    name: Info(en, fr, unit, years=name in YEAR_VALUED) for name, (en, fr, unit) in DOMAIN_LABELS.items()
}

# -- history aggregates -----------------------------------------------------------------------------
_STATS = {"MIN": "min", "MAX": "max", "MEAN": "mean", "SUM": "sum", "VAR": "var"}
_EN_STAT = {"min": "Minimum", "max": "Maximum", "mean": "Average", "sum": "Total"}
_EN_DATE = {"min": "Earliest", "max": "Latest"}
_GENDERS = ("m", "f", "mp", "fp")
_FR_STAT = {
    "min": ("minimal", "minimale", "minimaux", "minimales"),
    "max": ("maximal", "maximale", "maximaux", "maximales"),
    "mean": ("moyen", "moyenne", "moyens", "moyennes"),
    "sum": ("total", "totale", "totaux", "totales"),
}
_FR_DATE = {
    "past": {
        "min": ("le plus ancien", "la plus ancienne", "les plus anciens", "les plus anciennes"),
        "max": ("le plus récent", "la plus récente", "les plus récents", "les plus récentes"),
    },
    "date": {
        "min": ("le plus précoce", "la plus précoce", "les plus précoces", "les plus précoces"),
        "max": ("le plus tardif", "la plus tardive", "les plus tardifs", "les plus tardives"),
    },
}
VOWELS = tuple("aeiouyhàâéèêëîïôûü")


def _fr_of(head: str, gender: str) -> str:
    """``head`` after "de" with its article: "du montant", "de la dette", "de l'écart", "des jours"."""
    if gender.endswith("p"):
        return f"des {head}"
    if head.startswith(VOWELS):
        return f"de l'{head}"
    return f"du {head}" if gender == "m" else f"de la {head}"


def _compose(measure: Measure, stat: str, obj: tuple[str, str]) -> Info:
    """Label of one statistic of ``measure`` over the rows described by ``obj``."""
    en_obj, fr_obj = obj
    en_body = measure.en.format(obj=en_obj)
    head, _, rest = measure.fr.partition("|")
    rest = rest.format(obj=fr_obj)
    if stat == "var":  # a variance has no unit a client can read
        return Info(
            f"Variance of the {en_body}",
            capitalize(f"variance {_fr_of(head, measure.gender)} {rest}"),
            "number",
        )
    en_word = _EN_DATE.get(stat, _EN_STAT[stat]) if measure.kind else _EN_STAT[stat]
    fr_words = _FR_DATE.get(measure.kind, {}).get(stat, _FR_STAT[stat])
    fr_word = fr_words[_GENDERS.index(measure.gender)]
    return Info(
        f"{en_word} {en_body}", capitalize(f"{head} {fr_word} {rest}"), measure.unit, bool(measure.kind)
    )


def _splits(table: HistoryTable, rest: str) -> Iterable[tuple[str, str]]:
    """``(subset, remainder)`` readings of ``rest``: no subset first, then the longest subsets."""
    yield "", rest
    for subset in sorted(table.subsets, key=len, reverse=True):
        if subset and rest.startswith(f"{subset}_"):
            yield subset, rest[len(subset) + 1 :]


def _share_info(table: HistoryTable, rest: str) -> Info | None:
    if not rest.endswith("_SHARE"):
        return None
    body = rest[: -len("_SHARE")]
    for column in sorted(table.shares, key=len, reverse=True):
        if body.startswith(f"{column}_") and len(body) > len(column) + 1:
            share, fragment = table.shares[column], body[len(column) + 1 :]
            known = share.levels.get(fragment)
            if known is not None:
                return Info(share.en.format(level=known[0]), share.fr.format(level=known[1]), "percent")
            level = fragment.replace("_", " ").lower() if len(fragment) > 2 else fragment
            return Info(share.en_other.format(level=level), share.fr_other.format(level=level), "percent")
    return None


def _history_info(name: str) -> Info | None:
    prefix, _, rest = name.partition("_")
    table = HISTORY.get(prefix)
    if table is None or not rest:
        return None
    special = table.specials.get(rest)
    if special is not None:
        return Info(special.en, special.fr, special.unit, relative=bool(special.kind))
    share = _share_info(table, rest)
    if share is not None:
        return share
    for subset, body in _splits(table, rest):
        obj = table.subsets[subset]
        if body == "COUNT":
            en, fr = table.counts.get(subset) or (f"Number of {obj[0]}", f"Nombre de {obj[1]}")
            return Info(en, fr, "count")
        column, _, stat = body.rpartition("_")
        measure = table.measures.get(column)
        if measure is not None and stat in _STATS:
            return _compose(measure, _STATS[stat], obj)
    return None


@lru_cache(maxsize=8192)
def info(name: str) -> Info:
    """The labels and unit of feature ``name`` (cached); the fallback for an unknown name."""
    found = _APPLICATION.get(name) or _DOMAIN.get(name) or _history_info(name)
    if found is not None:
        return found
    text = humanize(name)
    logger.debug("no label for feature %r; falling back to %r", name, text)
    unit, _ = unit_of_name(name)  # the schema's family rules
    if name.endswith(("_SHARE", "_RATE")):
        unit = "percent"
    elif name.endswith("_COUNT"):
        unit = "count"
    return Info(text, text, unit, specific=False)
