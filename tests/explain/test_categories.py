"""Labels of the category levels: every level the data can hold reads in English and French."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from scoring_core.data.schema import MISSING_TOKENS
from scoring_core.explain.categories import (
    CATEGORY_LABELS,
    categorical_columns,
    category_label,
    category_levels,
)


def _calibrated_levels() -> dict[str, set[str]]:
    """The levels of the real data, as recorded in the synthetic generator's calibration."""
    data = json.loads(resources.files("scoring_core.synth").joinpath("calibration.json").read_text())
    out: dict[str, set[str]] = {}
    for table in data["tables"].values():
        for column, spec in table.items():
            if isinstance(spec, dict) and isinstance(spec.get("risk_order"), list):
                out.setdefault(column, set()).update(map(str, spec["risk_order"]))
    return out


def test_every_categorical_column_of_the_schema_has_labels():
    assert set(categorical_columns()) <= set(CATEGORY_LABELS)


@pytest.mark.parametrize("column", sorted(_calibrated_levels()))
def test_every_level_of_the_data_has_an_english_and_a_french_label(column):
    levels = _calibrated_levels()[column] - set(MISSING_TOKENS)
    unlabelled = sorted(levels - set(category_levels(column)))
    assert not unlabelled, f"{column}: no label for {unlabelled}"
    for level in levels:
        en, fr = category_label(column, level, "en"), category_label(column, level, "fr")
        assert en and fr and level not in MISSING_TOKENS


def test_known_levels_read_in_french():
    assert category_label("NAME_FAMILY_STATUS", "Married", "fr") == "Marié"
    assert category_label("NAME_INCOME_TYPE", "Commercial associate", "fr") == "Agent commercial"
    assert category_label("NAME_CONTRACT_TYPE", "Cash loans", "fr") == "Prêt personnel"
    assert category_label("NAME_HOUSING_TYPE", "House / apartment", "fr") == "Maison ou appartement"
    assert category_label("NAME_EDUCATION_TYPE", "Higher education", "fr") == "Études supérieures"
    assert category_label("FLAG_OWN_CAR", "Y", "fr") == "Oui"


@pytest.mark.parametrize("missing", [None, np.nan, "XNA", "XAP"])
def test_missing_levels_read_missing(missing):
    assert category_label("ORGANIZATION_TYPE", missing, "en") == "missing"
    assert category_label("ORGANIZATION_TYPE", missing, "fr") == "manquant"


def test_an_unknown_level_is_shown_as_it_is_and_a_bad_language_is_an_error():
    assert category_label("NAME_INCOME_TYPE", "Astronaut", "fr") == "Astronaut"
    assert category_label("NOT_A_COLUMN", "x", "fr") == "x"
    with pytest.raises(ValueError, match="unknown language"):
        category_label("NAME_INCOME_TYPE", "Working", "de")


def test_no_label_is_empty():
    for column, levels in CATEGORY_LABELS.items():
        for level, (en, fr) in levels.items():
            assert en.strip() and fr.strip(), (column, level)
