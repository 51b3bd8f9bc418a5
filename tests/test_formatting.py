"""Locale-aware formatting (Babel): the texts a person reads in English and French."""

import pytest

from scoring_core.formatting import format_money, format_number, format_percent, format_points, plural


@pytest.mark.parametrize(
    ("lang", "number", "percent", "money"),
    [
        ("en", "144,900", "22.6%", "€1,235 per month"),
        ("fr", "144\u202f900", "22,6\u00a0%", "1\u202f235\u00a0€ par mois"),
    ],
)
def test_numbers_follow_the_locale(lang, number, percent, money):
    assert format_number(144900, lang) == number
    assert format_percent(0.226, lang) == percent
    assert format_money(1234.5, lang, currency="EUR", period="month") == money


def test_decimals_points_and_missing():
    assert format_number(0.476, "fr", 2) == "0,48"
    assert format_points(3.21, "en") == "+3.2\u00a0pts"
    assert format_points(-3.21, "fr") == "−3,2\u00a0pts"
    for f in (format_number, format_percent, format_points):
        assert f(None, "fr") == "–"
        assert f(float("nan"), "en") == "–"


def test_currency_comes_from_the_settings(monkeypatch):
    from scoring_core.settings import get_settings

    monkeypatch.setenv("SCORING_CURRENCY", "USD")
    get_settings.cache_clear()
    try:
        assert format_money(1000, "en", period="year") == "US$1,000 per year"
    finally:
        get_settings.cache_clear()


def test_plural_agreement():
    assert plural(1, "en", "day", "days") == "day"
    assert plural(2, "en", "day", "days") == "days"
    assert plural(0, "fr", "jour", "jours") == "jour"
    assert plural(2, "fr", "jour", "jours") == "jours"
    with pytest.raises(ValueError, match="language"):
        format_number(1, "de")
