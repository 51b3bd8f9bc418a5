"""Every reason template, for every feature family the builder produces, in both languages.

Feature names come from the builder's output on synthetic data; each is read with a typical,
two extreme and a missing value, both directions, at the client's real rank among all
clients. A sentence must not be empty, show "nan"/"None", a raw column code, English words
in French, fractional days, or contradict itself.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from scoring_core.explain import concept_of, reason_text
from scoring_core.explain.phrases import duration_text, fact_text, value_text
from scoring_core.explain.population import Population

_CODE = re.compile(r"\b[A-Z][A-Z_0-9]{3,}\b")
_BAD = re.compile(r"\b(nan|NaN|None|inf|null)\b|∞|–")
_FRACTIONAL_TIME = re.compile(r"\d[.,]\d+\s?(day|days|jour|jours|month|months|mois|year|years|an|ans)\b")
_ENGLISH = re.compile(
    r"\b(the|of|and|is|are|with|without|than|above|below|raises|lowers|risk|missing|not|no|yes|ago|"
    r"years?|days?|months?|record|available|provided|share|number|amount|credit bureau|"
    r"previous|loans?|applications?|per)\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def features(quick_result, train_tables) -> pd.DataFrame:
    return quick_result.model.builder.transform(train_tables)


def _values(col: pd.Series) -> list:
    """Typical, extreme (both ends) and missing values of one feature column."""
    s = col.dropna()
    if isinstance(col.dtype, pd.CategoricalDtype) or s.dtype == object:
        counts = s.astype(str).value_counts()
        picks = [counts.index[0], counts.index[-1]] if len(counts) else []
        return picks + [None]
    s = s[np.isfinite(s.astype(float))]
    if s.empty:
        return [np.nan]
    return [float(s.median()), float(s.min()), float(s.max()), np.nan]


def _check(text: str, lang: str, direction: int, where: str) -> None:
    assert text.strip(), where
    assert not _BAD.search(text), f"{where}: {text}"
    assert not _CODE.search(text), f"{where}: raw code in {text!r}"
    assert not _FRACTIONAL_TIME.search(text), f"{where}: fractional time in {text!r}"
    words = {"en": ("raises the risk", "lowers the risk"), "fr": ("augmente le risque", "diminue le risque")}[
        lang
    ]
    assert text.endswith(words[0] if direction > 0 else words[1]), f"{where}: {text}"
    assert (words[0] in text) + (words[1] in text) == 1, f"{where}: contradictory direction in {text!r}"
    ranks = (r"above \d", r"below \d") if lang == "en" else (r"au-dessus de \d", r"en dessous de \d")
    found = [bool(re.search(r, text)) for r in ranks]
    assert not all(found), f"{where}: contradictory rank in {text!r}"
    times = (" ago", " in ") if lang == "en" else ("il y a", "dans ")
    assert not (times[0] in text and re.search(re.escape(times[1]) + r"\d", text)), where
    for phrase in (": :", " : :", "  ", "()", "( "):
        assert phrase not in text, f"{where}: {text!r}"
    if lang == "fr":
        m = _ENGLISH.search(text)
        assert m is None, f"{where}: English word {m.group(0)!r} in French: {text!r}"


def test_every_reason_template_reads_well(features):
    population = Population(features)
    checked = 0
    for name in features.columns:
        col = features[name]
        for value in _values(col):
            missing = value is None or (isinstance(value, float) and np.isnan(value))
            pct = None
            if not missing and population.is_numeric(name):
                pct = population.percentile(name, float(value))
            for lang in ("en", "fr"):
                for direction in (1, -1):
                    text = reason_text(name, value, direction, pct, lang, group=concept_of(name))
                    _check(text, lang, direction, f"{name}={value!r} [{lang}]")
                    checked += 1
    assert checked > 4 * len(features.columns)


def test_rank_words_agree_with_the_rank():
    # a high stored value is "above"; a high stored DAYS_BIRTH is a young (lower) age
    assert "above 90%" in reason_text("AMT_CREDIT", 9e5, 1, 90.0, "en")
    assert "below 90%" in reason_text("AMT_CREDIT", 1e5, 1, 10.0, "en")
    assert "below 90%" in reason_text("DAYS_BIRTH", -7500.0, 1, 90.0, "en")
    assert "as for most clients" in reason_text("AMT_CREDIT", 5e5, 1, 50.0, "en")


def test_durations_are_whole_and_the_right_way_round():
    assert value_text("BUREAU_DAYS_CREDIT_MAX", -1100, "en") == "3\u00a0years ago"
    assert value_text("BUREAU_DAYS_CREDIT_ENDDATE_MAX", 33, "en") == "in 33\u00a0days"
    assert value_text("BUREAU_DAYS_CREDIT_ENDDATE_MAX", 33, "fr") == "dans 33\u00a0jours"
    assert value_text("DAYS_LAST_PHONE_CHANGE", -95, "fr") == "il y a 3\u00a0mois"
    assert value_text("DAYS_LAST_PHONE_CHANGE", 0, "en") == "on the day of the application"
    assert value_text("DAYS_EMPLOYED", -200, "en") == "6\u00a0months"
    assert value_text("DAYS_EMPLOYED", 365243, "fr") == "sans emploi"
    assert value_text("INST_DAYS_LATE_MEAN", 1.3, "fr") == "1\u00a0jour"
    assert duration_text(0.2, "en") == "less than a day"
    assert value_text("AMT_ANNUITY", 1234.5, "en").endswith("per month")
    assert value_text("CREDIT_TERM", 11.12, "en") == "11\u00a0months"
    assert value_text("CREDIT_TERM", 36.4, "fr") == "36\u00a0mois"


def test_missing_values_say_what_is_missing():
    def en(name):
        return reason_text(name, None, 1, None, "en")

    assert en("BUREAU_AMT_CREDIT_SUM_SUM").startswith("No credit bureau record")
    assert en("BUREAU_ACTIVE_AMT_CREDIT_SUM_SUM").startswith("No active credit in the credit bureau")
    assert en("PREV_REFUSAL_RATE").startswith("No previous application with us")
    assert en("CC_AMT_BALANCE_MEAN").startswith("No credit card with us")
    assert en("EXT_SOURCE_2").startswith("External credit score 2 not available")
    assert en("AMT_GOODS_PRICE").startswith("Goods price: not provided")


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_building_indices_read_as_a_rank_not_as_a_0_to_1_number(lang):
    # the data normalises the building's description to 0-1: "0.01" tells a client nothing
    for feature in ("COMMONAREA_MODE", "LIVINGAREA_AVG", "FLOORSMAX_MEDI", "TOTALAREA_MODE"):
        text = fact_text(feature, 0.0102, 85.0, lang)
        assert not re.search(r"\d[.,]\d", text), text
        assert "85" in text, text
        # without a population to rank against, the value says what scale it is on
        assert ("0 to 1" if lang == "en" else "0 à 1") in fact_text(feature, 0.0102, None, lang)
    # a categorical description of the building keeps its category
    assert "0 to 1" not in fact_text("HOUSETYPE_MODE", "block of flats", 50.0, "en")
