"""The waterfall shows concepts by default and opens one into its features."""

from __future__ import annotations

import pytest
import traitlets as T

from widgets.explanation import GlobalImportance, ShapWaterfall


def test_waterfall_shows_concepts_and_opens_one(backend, refused_id):
    e = backend.explanation(refused_id, top=8)
    w = ShapWaterfall(explanation=e)
    wf = w.figure.data[0]
    labels = [g["label"] for g in e["groups"]]
    assert list(wf.y[1:-1]) == labels  # one bar per concept, no "other features" bar
    assert "other features" not in wf.y
    assert list(wf.measure) == ["absolute"] + ["relative"] * len(labels) + ["total"]
    assert wf.x[0] + sum(wf.x[1:-1]) == pytest.approx(100 * e["probability"], abs=1e-6)
    # open the concept that weighs most: its features, from the average client plus the rest
    key = e["groups"][0]["group"]
    w.group = key
    wf = w.figure.data[0]
    feats = e["groups"][0]["features"]
    assert len(wf.y) == len(feats) + 2 and wf.y[0] == "average client and the other themes"
    assert wf.x[0] + sum(wf.x[1:-1]) == pytest.approx(100 * e["probability"], abs=1e-6)
    assert w._pick.value == key
    w._pick.value = ""  # the drop-down drives the trait
    assert w.group == "" and list(w.figure.data[0].y[1:-1]) == labels
    with pytest.raises(T.TraitError):
        w.group = "no_such_concept"


def test_waterfall_in_french_and_new_client_resets(backend, refused_id, approved_id):
    w = ShapWaterfall(explanation=backend.explanation(refused_id, lang="fr"), lang="fr")
    fr = backend.explanation(refused_id, lang="fr")
    assert list(w.figure.data[0].y[1:-1]) == [g["label"] for g in fr["groups"]]
    assert w._pick.options[0][0] == "Tous les thèmes"
    w.group = fr["groups"][-1]["group"]
    other = backend.explanation(approved_id, lang="fr")
    w.explanation = other
    if w.group:
        assert w.group in {g["group"] for g in other["groups"]}
    else:
        assert list(w.figure.data[0].y[1:-1]) == [g["label"] for g in other["groups"]]


def test_global_importance_speaks_of_weight(service):
    imp = service.model.metadata["global_importance"]
    for lang in ("en", "fr"):
        g = GlobalImportance(importance=imp, top=5, lang=lang)
        title = g.figure.layout.xaxis.title.text
        assert "SHAP" not in title and "log-odds" not in title


def test_summary_button_in_process_and_through_the_api(backend, service, train_dataset, refused_id, tmp_path):
    import base64
    import re

    from fastapi.testclient import TestClient

    from scoring_api.app import create_app
    from scoring_api.settings import ApiSettings
    from widgets import AdvisorDashboard, HttpBackend
    from widgets.summary import SummaryView

    v = SummaryView(backend=backend, client_id=refused_id)
    assert v.page == "" and not v._button.disabled
    v._button.click()  # the button fetches the page
    assert "Your application is declined." in v.page and "TARGET" not in v.page
    href = re.search(r"href='data:text/html;charset=utf-8;base64,([^']+)'", v._link.value).group(1)
    assert base64.b64decode(href).decode("utf-8") == v.page
    assert "srcdoc=" in v._preview.value
    v.lang = "fr"  # another language: the old page goes, a click fetches the French one
    assert v.page == "" and v._link.value == ""
    v.fetch()
    assert "Votre demande est refusée." in v.page
    v.client_id = 999_999_999
    v.fetch()
    assert v.error and "999999999" in v.error

    settings = ApiSettings(accepted_keys="k:widget-key", audit_log=tmp_path / "audit.jsonl")
    app = create_app(service, train_dataset, settings=settings)
    with TestClient(app) as client:
        http = HttpBackend("http://testserver", "widget-key", client=client)
        assert http.summary(refused_id, lang="fr") == backend.summary(refused_id, lang="fr")
        d = AdvisorDashboard(http)
        d.show_client(refused_id)
        assert d.summary.client_id == refused_id
        d.summary.fetch()
        assert f"{refused_id}" in d.summary.page and "declined" in d.summary.page


def test_bar_labels_say_what_is_missing_once():
    from widgets.explanation import _label

    assert _label("EXT_SOURCE_1", None, "en") == "External credit score 1 not available"
    assert _label("EXT_SOURCES_PROD", float("nan"), "fr") == (
        "Produit des scores de crédit externes : aucun score de crédit externe disponible"
    )
    assert _label("DAYS_LAST_PHONE_CHANGE", -400.0, "en") == "Last phone change: 13\u00a0months ago"
