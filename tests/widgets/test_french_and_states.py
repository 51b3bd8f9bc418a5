"""What an advisor reads: French everywhere in the French dashboard (category levels, messages,
numbers), amounts with units, and states that are never stale or bare. Widget level, no browser:
every text the widgets produce (HTML, figure titles, axis titles, annotations, trace names,
category ticks, dropdown options, button labels) is collected and scanned."""

from __future__ import annotations

import re

import ipywidgets as W
import pytest

from scoring_core.data.schema import SCHEMAS
from scoring_core.explain.categories import CATEGORY_LABELS
from widgets import AdvisorDashboard
from widgets.i18n import _STRINGS

_APP_CATEGORICAL = SCHEMAS["application_test"].categorical


# -- collecting what a person reads ------------------------------------------------------------
def _figure_texts(fig) -> list[str]:
    """Titles, annotations, trace names and category ticks of a plotly figure (not templates)."""
    d = fig.to_plotly_json()
    out: list[str] = []

    def title(obj):
        t = (obj or {}).get("title")
        if isinstance(t, dict):
            t = t.get("text")
        if t:
            out.append(str(t))

    layout = d.get("layout", {})
    title(layout)
    for key, value in layout.items():
        if key.startswith(("xaxis", "yaxis")):
            title(value)
    out += [str(a.get("text", "")) for a in layout.get("annotations", ())]
    for trace in d.get("data", ()):
        if trace.get("name"):
            out.append(str(trace["name"]))
        title(trace)
        title(trace.get("colorbar"))
        for key in ("text", "x", "y"):
            values = trace.get(key)
            if isinstance(values, (list, tuple)):
                out += [v for v in values if isinstance(v, str)]
            elif isinstance(values, str):
                out.append(values)
    return out


def _texts(widget, seen=None) -> list[str]:
    """Every text of a widget tree a person can read (hidden parts included)."""
    seen = set() if seen is None else seen
    if id(widget) in seen:
        return []
    seen.add(id(widget))
    out: list[str] = []
    if isinstance(widget, (W.HTML, W.Label)):
        visible = re.sub(r"<style>.*?</style>", " ", widget.value, flags=re.S)
        out.append(re.sub(r"<[^>]+>", " ", visible))
    if isinstance(widget, (W.Dropdown, W.Select, W.ToggleButtons)):
        out += [str(label) for label, _ in widget._options_full] if hasattr(widget, "_options_full") else []
        out += [str(label) for label in widget._options_labels]
    if isinstance(
        widget, (W.Button, W.Checkbox, W.FloatSlider, W.IntSlider, W.BoundedFloatText, W.ToggleButtons)
    ):
        out.append(widget.description)
    if isinstance(widget, W.Text):
        out.append(widget.placeholder)
    if isinstance(widget, W.Tab):
        out += [widget.get_title(i) for i in range(len(widget.children))]
    figure = getattr(widget, "figure", None)
    if figure is not None and hasattr(figure, "to_plotly_json"):
        out += _figure_texts(figure)
    for child in getattr(widget, "children", ()):
        out += _texts(child, seen)
    return [t for t in out if t and t.strip()]


def _english_words() -> set[str]:
    """Words of the data's category levels (and their English labels) that are not French."""
    french = " ".join(fr for levels in CATEGORY_LABELS.values() for _, fr in levels.values())
    french += " " + " ".join(fr for _, fr in _STRINGS.values())
    french_words = {w.lower() for w in re.findall(r"[A-Za-zÀ-ÿ]+", french)}
    words = set()
    for column in _APP_CATEGORICAL:
        for level, (en, _) in CATEGORY_LABELS[column].items():
            for w in re.findall(r"[A-Za-z]+", f"{level} {en}"):
                if len(w) >= 4 and w.lower() not in french_words:
                    words.add(w.lower())
    return words


#: English thousands (``144,900``; a French decimal such as ``0,750`` starts with 0), an English
#: decimal point (``22.6``), a percent sign glued to its number (``22%``), a currency before its amount.
_ENGLISH_NUMBER = re.compile(r"(?<![\d,])[1-9]\d{0,2},\d{3}(?![\d])|\d\.\d|\d%|€\s?\d")


def _english_found(texts: list[str]) -> tuple[set[str], list[str]]:
    words = _english_words()
    found = set()
    numbers = []
    for text in texts:
        for w in re.findall(r"[A-Za-z]+", text):
            if w.lower() in words:
                found.add(f"{w} (in {text[:80]!r})")
        if _ENGLISH_NUMBER.search(text):
            numbers.append(text[:120])
    return found, numbers


def test_the_scan_finds_english_when_there_is_some():
    # the scan itself can fail: English levels and formats in a text are caught
    found, numbers = _english_found(["Working · Married", "22.6%", "144,900 €"])
    assert {f.split()[0] for f in found} == {"Working", "Married"}
    assert len(numbers) == 2
    assert {"working", "married", "cash", "apartment", "associate", "higher"} <= _english_words()


# -- French everywhere ---------------------------------------------------------------------------
def _french_dashboard_texts(d: AdvisorDashboard, backend, cid: int) -> list[str]:
    d.client_id = cid
    texts = [f"[{type(p).__name__}] {t}" for p in d.panels for t in _texts(p)]
    texts += _texts(d, seen={id(p) for p in d.panels})  # header, tabs, messages
    # every categorical application field the model uses, on the distribution
    categorical = [f for f in d.model.get("categorical_features", []) if f in _APP_CATEGORICAL]
    d.distribution.features = categorical + list(d.distribution.features)
    for f in categorical:
        d.distribution.feature = f
        assert d.distribution.comparison is not None
        texts += [f"[FeatureDistribution] {t}" for t in _texts(d.distribution)]
    # a simulation and a suggestion
    d.whatif.credit.value = d.whatif.credit.value * 0.7
    d.counterfactual.suggest()
    texts += [f"[{type(p).__name__}] {t}" for p in (d.whatif, d.counterfactual) for t in _texts(p)]
    d.bivariate.color = "outcome"
    texts += [f"[BivariateView] {t}" for t in _texts(d.bivariate)]
    return texts


def test_the_french_dashboard_has_no_english_levels_nor_english_numbers(
    backend, service, refused_id, approved_id
):
    d = AdvisorDashboard(backend, lang="fr")
    texts = _texts(d)  # the empty page too
    ids = [refused_id, approved_id, *map(int, service.client_ids[10:13])]
    for cid in ids:
        texts += _french_dashboard_texts(d, backend, cid)
    categorical = [f for f in d.model.get("categorical_features", []) if f in _APP_CATEGORICAL]
    assert categorical, "the model uses no categorical application field: the scan would check nothing"
    found, numbers = _english_found(texts)
    assert not found, sorted(found)[:20]
    assert not numbers, sorted(set(numbers), key=lambda n: (n.startswith("[ShapWaterfall]"), n))[:12]
    joined = "\n".join(texts)
    assert "par mois" in joined and "par an" in joined and "€" in joined  # units
    assert "mensualités" in joined  # the term, with French plural
    shown = {fr for column in categorical for _, fr in CATEGORY_LABELS[column].values() if fr in joined}
    assert len(shown) >= 3, shown  # the scan really saw category levels (in French)


def test_messages_are_in_french(backend, service):
    d = AdvisorDashboard(backend, lang="fr")
    d.client_id = 999_999
    assert d.error.startswith("Aucun client ne porte le n° 999999")
    d.lang = "en"  # the message follows the language
    assert d.error.startswith("No client with ID 999999")
    d.lang = "fr"
    d.show_bad_query_client("abc")
    assert "« abc »" in d.error and "nombre entier" in d.error
    prefix = str(int(service.client_ids[0]))[:4]
    d.picker._search.value = prefix
    hint = re.sub(r"<[^>]+>", "", d.picker._hint.value)
    assert re.fullmatch(r"[\d\u202f]+ clients? correspondants?", hint.strip()), hint
    n = int(re.sub(r"\D", "", hint))
    assert ("clients correspondants" in hint) == (n >= 2)


# -- units ----------------------------------------------------------------------------------------
def test_every_amount_shows_currency_and_period(backend, refused_id):
    d = AdvisorDashboard(backend, client_id=refused_id)
    rows = dict(d.profile.rows)
    assert rows["Income"].endswith("per year") and "€" in rows["Income"]
    annuity = next(v for k, v in rows.items() if "nnuity" in k)
    assert annuity.endswith("per month") and "€" in annuity
    credit = next(v for k, v in rows.items() if k == "Credit amount")
    assert credit.startswith("€") and "per" not in credit
    assert rows["Term"].endswith("monthly payments")
    assert (
        "€" in d.whatif._readouts["AMT_CREDIT"].value
        and "per year" in d.whatif._readouts["AMT_INCOME_TOTAL"].value
    )
    d.distribution.features = ["AMT_INCOME_TOTAL", *d.distribution.features]
    d.distribution.feature = "AMT_INCOME_TOTAL"
    assert d.distribution.figure.layout.xaxis.title.text == "Income (€ per year)"


def test_currency_is_a_setting(backend, refused_id, monkeypatch):
    from scoring_core.settings import get_settings

    monkeypatch.setenv("SCORING_CURRENCY", "CHF")
    get_settings.cache_clear()
    d = AdvisorDashboard(backend, client_id=refused_id, lang="fr")
    income = next(v for k, v in d.profile.rows if k == "Revenu")
    assert "CHF" in income and "par an" in income


# -- states ---------------------------------------------------------------------------------------
def test_the_portfolio_highlights_the_current_client_only(backend, service):
    d = AdvisorDashboard(backend)
    listed = d.picker.portfolio[3]["client_id"]
    d.picker._list.value = listed  # a click in the list
    assert d.client_id == listed and d.picker._list.value == listed
    unlisted = next(
        int(c) for c in service.client_ids if int(c) not in {p["client_id"] for p in d.picker.portfolio}
    )
    d.picker.submit(str(unlisted))
    assert d.client_id == unlisted and d.picker._list.value is None  # not the previous client


def test_errors_are_cleared_by_success_and_never_stacked(backend, refused_id, approved_id):
    d = AdvisorDashboard(backend, client_id=refused_id)
    d.client_id = 999_999
    assert d.error and "dashboard-error" in d._alert.value
    d.picker.submit("abc")  # a new error: the old one goes
    assert d.picker.error and d.error == "" and d._alert.value == ""
    d.client_id = 999_998
    assert d.error and d.picker.error == ""  # and the other way round
    d.picker.submit(str(approved_id))  # a success clears everything
    assert d.error == "" and d.picker.error == "" and all(p.error == "" for p in d.panels)


def test_switching_language_keeps_the_simulation_and_the_suggestion(backend, service, refused_id):
    d = AdvisorDashboard(backend, client_id=refused_id)
    d.whatif.credit.value = d.whatif.credit.value * 0.6
    changes = dict(d.whatif.changes)
    d.counterfactual.suggest()
    suggestion = d.counterfactual.suggestion
    assert changes and suggestion is not None
    english = list(d.reasons.reasons)
    d._lang.value = "fr"
    assert d.whatif.changes == changes and d.whatif.result is not None
    assert d.counterfactual.suggestion == suggestion and d.counterfactual._text.value
    assert d.reasons.reasons != english  # the explanation itself follows the language
    assert "simulé" in d.whatif._delta.value
    d._lang.value = "en"
    assert d.whatif.changes == changes and d.counterfactual.suggestion == suggestion


def test_empty_states_say_what_to_do_instead_of_bare_figures(backend, service):
    d = AdvisorDashboard(backend)
    assert d.gauge._plot.layout.display == "none" and "type a client ID" in d.gauge._empty.value
    assert d.distribution._plot.layout.display == "none" and "Pick a client" in d.distribution._summary.value
    assert d.bivariate._plot.layout.display == "none" and "Pick a client" in d.bivariate._note.value
    assert "Pick a client" in d.whatif._status.value
    assert "Pick a client" in d._prompt.value
    assert all(p.layout.display == "none" for p in (d.reasons, d.waterfall, d.profile))  # no bare axes
    d.client_id = 999_999  # an unknown client leaves the empty states, not the last client's figures
    assert d.gauge.score is None and d.gauge._plot.layout.display == "none"
    assert d.waterfall.layout.display == "none"
    d.client_id = int(service.client_ids[0])
    assert all(p.layout.display is None for p in (d.reasons, d.waterfall, d.profile))


def test_the_threshold_slider_reads_a_percentage_like_the_gauge(backend, refused_id):
    d = AdvisorDashboard(backend, client_id=refused_id, lang="fr")
    gauge_threshold = re.search(r"seuil ([\d,\u00a0]+%)", d.gauge._verdict.value).group(1)
    assert gauge_threshold in d.tuner._readout.value  # the same threshold, written the same way
    d.tuner.threshold = 0.075
    assert "7,5\u00a0%" in d.tuner._readout.value
    assert d.tuner._slider.readout is False
    d.lang = "en"
    assert "7.5%" in d.tuner._readout.value


def test_no_jargon_in_the_advisor_views(backend, refused_id):
    for lang in ("en", "fr"):
        d = AdvisorDashboard(backend, client_id=refused_id, lang=lang)
        d.counterfactual.suggest()
        advisor = []
        for tab in d.tabs.children[:3]:  # why, comparison, what-if: the data-scientist tab is the last
            advisor += _texts(tab)
        advisor += _texts(d.gauge) + _texts(d.profile) + _texts(d.picker)
        text = " ".join(advisor).lower()
        for word in ("log-odds", "shap", "|shap|"):
            assert word not in text, (lang, word)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_gauge_number_uses_the_language_separators(backend, refused_id, lang):
    d = AdvisorDashboard(backend, client_id=refused_id, lang=lang)
    fig = d.gauge.figure
    assert fig.layout.separators == (",\u202f" if lang == "fr" else ".,")
    assert fig.data[0].number.valueformat == ".1f"
    assert fig.data[0].number.suffix == ("\u202f%" if lang == "fr" else "%")
