"""Feature labels (English, French), units and display values."""

from __future__ import annotations

import logging
import re

import numpy as np
import pandas as pd
import pytest

from scoring_core.data import SCHEMAS, normalize_table
from scoring_core.explain import labels
from scoring_core.explain._raw_labels import DOMAIN_LABELS, RAW_LABELS
from scoring_core.explain.labels import (
    LANGUAGES,
    UNITS,
    feature_gender,
    feature_label,
    feature_labels,
    feature_unit,
    format_value,
    has_specific_label,
    reversed_scale,
    table_label,
)
from scoring_core.features import DOMAIN_FEATURES, FeatureBuilder
from scoring_core.features.aggregator import level_label
from scoring_core.synth import generate_tables


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    raw = generate_tables(300, seed=0)
    t = {k: normalize_table(v, k) for k, v in raw.items()}
    return {
        "application": t["application_train"],
        **{k: v for k, v in t.items() if not k.startswith("application")},
    }


@pytest.fixture(scope="module")
def feature_names(tables) -> list[str]:
    """Every feature of a builder fitted on small synthetic data (all seven tables).

    The synthetic data has the real category levels (see ``test_share_labels_translate_every_kaggle_level``
    for the levels it lacks).
    """
    names = FeatureBuilder().fit(tables).feature_names_
    assert len(names) > 400 and any(n.endswith("_SHARE") for n in names)
    return names


# -- every model feature has a label in both languages ---------------------------------------------
def test_every_feature_has_a_specific_label_in_both_languages(feature_names):
    missing = [n for n in feature_names if not has_specific_label(n)]
    assert missing == []
    for lang in LANGUAGES:
        for name in feature_names:
            label = feature_label(name, lang)
            assert label and label[0].isupper(), (name, lang, label)
            assert "_" not in label and "{" not in label and "|" not in label, (name, lang, label)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_labels_are_unique(feature_names, lang):
    by_label: dict[str, list[str]] = {}
    for name in feature_names:
        by_label.setdefault(feature_label(name, lang), []).append(name)
    assert {label: names for label, names in by_label.items() if len(names) > 1} == {}


_ENGLISH_WORDS = re.compile(
    r"\b(mean|average|max|min|count|sum|var|std|median|share|rate|ratio|number|amount|days|months|"
    r"of|the|with|and|previous|recent|last|loans?)\b",
    re.IGNORECASE,
)


def test_french_labels_are_translated(feature_names):
    french = feature_labels(feature_names, "fr")
    english = feature_labels(feature_names, "en")
    same = [n for n in feature_names if french[n] == english[n]]
    assert len(same) <= 0.05 * len(feature_names), same
    untranslated = {n: french[n] for n in feature_names if _ENGLISH_WORDS.search(french[n])}
    assert untranslated == {}


def test_every_french_label_has_a_known_gender(feature_names):
    words = {labels._first_word(feature_label(n, "fr")) for n in feature_names}
    assert words - set(labels._FR_GENDER) == set()


def test_units_of_every_feature(feature_names):
    units = {n: feature_unit(n) for n in feature_names}
    assert set(units.values()) <= set(UNITS)
    assert all(units[n] == "percent" for n in feature_names if n.endswith(("_SHARE", "_RATE")))
    assert all(units[n] == "count" for n in feature_names if n.endswith("_COUNT"))
    assert all(units[n] == "currency" for n in feature_names if n.startswith("AMT_") and "REQ" not in n)
    assert all(units[n] == "flag" for n in feature_names if n.startswith("FLAG_DOCUMENT_"))
    assert all(units[n] == "category" for n in SCHEMAS["application_test"].categorical)
    assert units["DAYS_BIRTH"] == units["DAYS_EMPLOYED"] == "years_from_days"
    assert units["EXT_SOURCE_3"] == units["EXT_SOURCES_MEAN"] == "score"
    assert units["ANNUITY_INCOME_RATIO"] == "percent" and units["CREDIT_INCOME_RATIO"] == "ratio"
    assert units["INST_DAYS_LATE_MAX"] == "days" and units["POS_MONTHS_BALANCE_MIN"] == "months"


# -- dictionaries and rules ----------------------------------------------------------------------------
def test_every_raw_column_and_domain_feature_has_labels():
    for table, schema in SCHEMAS.items():
        assert set(schema.columns) <= set(RAW_LABELS[table]), table
        for column in schema.columns:
            en, fr = RAW_LABELS[table][column]
            assert en and fr and en != column
    assert set(DOMAIN_LABELS) == set(DOMAIN_FEATURES)
    assert RAW_LABELS["previous_application"]["AMT_CREDIT"][0] == "Amount granted"
    assert table_label("bureau", "fr") == "Crédits au bureau de crédit"


def test_important_labels():
    assert feature_label("EXT_SOURCE_3") == "External credit score 3"
    assert feature_label("EXT_SOURCE_3", "fr") == "Score de crédit externe 3"
    assert feature_label("DAYS_BIRTH") == "Age" and feature_label("DAYS_BIRTH", "fr") == "Âge"
    assert feature_label("DAYS_EMPLOYED") == "Employment length"
    assert feature_label("AMT_ANNUITY", "fr") == "Mensualité du crédit"
    assert feature_label("BUREAU_ACTIVE_AMT_CREDIT_SUM_SUM", "fr") == (
        "Montant total des crédits en cours au bureau de crédit"
    )
    assert (
        feature_label("INST_RECENT_DAYS_LATE_MAX")
        == "Maximum days late on recent instalments of previous loans"
    )
    assert feature_label("PREV_DAYS_DECISION_MIN", "fr") == (
        "Date de décision la plus ancienne des demandes de crédit précédentes"
    )
    assert (
        feature_label("INST_PAYMENT_RATIO_VAR", "fr")
        == "Variance de la part payée des mensualités des prêts précédents"
    )


# Every level of the real Kaggle data for the share columns of the builder.
_KAGGLE_LEVELS = {
    "BUREAU_CREDIT_ACTIVE": ["Active", "Closed", "Sold", "Bad debt"],
    "BUREAU_CREDIT_TYPE": [
        "Consumer credit",
        "Credit card",
        "Car loan",
        "Mortgage",
        "Microloan",
        "Loan for business development",
        "Another type of loan",
        "Unknown type of loan",
        "Loan for working capital replenishment",
        "Cash loan (non-earmarked)",
        "Real estate loan",
        "Loan for the purchase of equipment",
        "Loan for purchase of shares (margin lending)",
        "Interbank credit",
        "Mobile operator loan",
    ],
    "BB_STATUS": ["0", "1", "2", "3", "4", "5", "C", "X"],
    "PREV_NAME_CONTRACT_STATUS": ["Approved", "Canceled", "Refused", "Unused offer"],
    "PREV_NAME_CONTRACT_TYPE": ["Cash loans", "Consumer loans", "Revolving loans"],
    "PREV_NAME_CLIENT_TYPE": ["New", "Repeater", "Refreshed"],
    "PREV_NAME_YIELD_GROUP": ["high", "middle", "low_normal", "low_action"],
    "PREV_CHANNEL_TYPE": [
        "Credit and cash offices",
        "Country-wide",
        "Stone",
        "Regional / Local",
        "Contact center",
        "AP+ (Cash loan)",
        "Channel of corporate sales",
        "Car dealer",
    ],
    "POS_NAME_CONTRACT_STATUS": [
        "Active",
        "Completed",
        "Signed",
        "Demand",
        "Returned to the store",
        "Approved",
        "Canceled",
        "Amortized debt",
    ],
    "CC_NAME_CONTRACT_STATUS": [
        "Active",
        "Completed",
        "Signed",
        "Demand",
        "Sent proposal",
        "Refused",
        "Approved",
    ],
}


def test_share_labels_translate_every_kaggle_level():
    names = [
        f"{column}_{level_label(level)}_SHARE"
        for column, levels in _KAGGLE_LEVELS.items()
        for level in levels
    ]
    for lang in LANGUAGES:
        found = [feature_label(n, lang) for n in names]
        assert not [label for label in found if "“" in label or "«" in label], lang  # no fallback quoting
        assert len(set(found)) == len(names)


def test_share_of_any_level_gets_a_label():
    name = "BUREAU_CREDIT_TYPE_SOME_NEW_KIND_OF_LOAN_SHARE"
    assert has_specific_label(name)
    assert feature_label(name) == "Share of credits in the credit bureau of type “some new kind of loan”"
    assert (
        feature_label(name, "fr") == "Part des crédits au bureau de crédit de type « some new kind of loan »"
    )
    assert feature_unit(name) == "percent"


def test_unknown_feature_falls_back_without_raising(caplog):
    with caplog.at_level(logging.DEBUG, logger="scoring_core.explain.labels"):
        label = feature_label("SOME_FUTURE_FEATURE_SUM", "fr")
    assert label == "Some future feature sum"
    assert not has_specific_label("SOME_FUTURE_FEATURE_SUM")
    assert "SOME_FUTURE_FEATURE_SUM" in caplog.text
    assert feature_unit("SOME_FUTURE_FEATURE_SUM") in UNITS
    assert format_value("SOME_FUTURE_FEATURE_SUM", 3.14159) == "3.14"
    assert feature_label("BUREAU_NOT_A_COLUMN_MEAN") == "Bureau not a column mean"


def test_unknown_language_raises():
    for call in (
        lambda: feature_label("AMT_CREDIT", "de"),
        lambda: feature_labels(["AMT_CREDIT"], "de"),
        lambda: format_value("AMT_CREDIT", 1.0, "de"),
        lambda: table_label("bureau", "de"),
    ):
        with pytest.raises(ValueError, match="unknown language 'de'"):
            call()


def test_french_article_and_gender():
    assert feature_label("EXT_SOURCE_3", "fr", article=True) == "le score de crédit externe 3"
    assert feature_label("AMT_ANNUITY", "fr", article=True) == "la mensualité du crédit"
    assert feature_label("DAYS_BIRTH", "fr", article=True) == "l'âge"
    assert feature_label("DEF_30_CNT_SOCIAL_CIRCLE", "fr", article=True).startswith("les proches")
    assert feature_label("AMT_ANNUITY", "en", article=True) == "Loan annuity"
    assert [feature_gender(n) for n in ("AMT_CREDIT", "INST_LATE_RATE", "OBS_30_CNT_SOCIAL_CIRCLE")] == [
        "m",
        "f",
        "mp",
    ]


# -- values --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "value", "en", "fr"),
    [
        ("DAYS_BIRTH", -12000, "32.9 years", "32,9 ans"),
        ("DAYS_EMPLOYED", -365.25, "1.0 year", "1,0 an"),
        ("DAYS_EMPLOYED", 365243, "not employed", "sans emploi"),
        ("AMT_CREDIT", 450000, "450,000", "450 000"),
        ("AMT_CREDIT", np.float32(1234567.0), "1,234,567", "1 234 567"),
        ("AMT_CREDIT", float("nan"), "missing", "manquant"),
        ("AMT_CREDIT", None, "missing", "manquant"),
        ("AMT_CREDIT", pd.NA, "missing", "manquant"),
        ("FLAG_DOCUMENT_3", 1, "yes", "oui"),
        ("FLAG_DOCUMENT_3", 0.0, "no", "non"),
        ("FLAG_OWN_CAR", "Y", "yes", "oui"),
        ("NAME_EDUCATION_TYPE", "Higher education", "Higher education", "Higher education"),
        ("EXT_SOURCE_3", 0.2134, "0.21", "0,21"),
        ("INST_LATE_RATE", 0.85, "85%", "85 %"),
        ("INST_LATE_RATE", 0.125, "13%", "13 %"),
        ("ANNUITY_INCOME_RATIO", 0.034, "3.4%", "3,4 %"),
        ("CREDIT_INCOME_RATIO", 2.345, "2.35", "2,35"),
        ("CNT_CHILDREN", 2.0, "2", "2"),
        ("PREV_CNT_PAYMENT_MEAN", 12.34, "12.3", "12,3"),
        ("BUREAU_DAYS_CREDIT_MAX", -1200, "1,200 days ago", "il y a 1 200 jours"),
        ("BUREAU_DAYS_CREDIT_ENDDATE_MAX", 300, "in 300 days", "dans 300 jours"),
        ("INST_DAYS_LATE_MAX", 1, "1 day", "1 jour"),
        ("POS_MONTHS_BALANCE_MIN", -60, "60 months ago", "il y a 60 mois"),
        ("AGE_YEARS", 32.85, "32.9 years", "32,9 ans"),
        ("CREDIT_GOODS_DIFF", -1234.5, "-1,235", "-1 235"),
        ("REGION_POPULATION_RELATIVE", 0.018801, "0.019", "0,019"),
    ],
)
def test_format_value(name, value, en, fr):
    assert format_value(name, value) == en
    assert format_value(name, value, "fr") == fr


def test_reversed_scale():
    assert reversed_scale("DAYS_BIRTH") and reversed_scale("BUREAU_DAYS_CREDIT_MAX")
    assert not reversed_scale("AMT_CREDIT") and not reversed_scale("INST_DAYS_LATE_MAX")
