"""The composed dashboard: one client switch updates every view; errors are shown, never hidden."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from scoring_api.app import create_app
from scoring_api.settings import ApiSettings
from widgets import AdvisorDashboard, HttpBackend
from widgets.app import dashboard_from_env, query_options


def _client_views(d: AdvisorDashboard) -> dict:
    return {
        "gauge": d.gauge.score["client_id"],
        "profile": d.profile.profile["client_id"],
        "reasons": d.reasons.explanation["client_id"],
        "waterfall": d.waterfall.explanation["client_id"],
        "distribution": d.distribution.comparison is not None and d.distribution.client_id,
        "bivariate": d.bivariate.grid is not None and d.bivariate.client_id,
        "whatif": d.whatif.client_id,
        "counterfactual": d.counterfactual.client_id,
        "picker": d.picker.client_id,
    }


def test_switching_client_updates_every_view(backend, service, refused_id, approved_id):
    d = AdvisorDashboard(backend, client_id=refused_id)
    assert set(_client_views(d).values()) == {refused_id}
    assert d.gauge.score["decision"] == "refuse" and d.error == ""
    d.whatif.changes = {"AMT_CREDIT": d.whatif.profile["AMT_CREDIT"] * 1.2}
    d.picker.submit(str(approved_id))  # the advisor types another ID
    assert set(_client_views(d).values()) == {approved_id}
    assert d.whatif.changes == {} and d.whatif.result is None  # a new client starts without changes
    assert d.gauge.score["decision"] == "approve"
    assert set(d.timings) >= {"fetch", "gauge", "distribution", "bivariate", "whatif", "total"}
    top = [c["feature"] for c in d.waterfall.explanation["contributions"] if c["feature"] != "other features"]
    assert d.distribution.features[: len(top)] == top
    assert d.tuner.curve == service.model.metadata["threshold_curve"]


def test_language_switch(backend, refused_id):
    d = AdvisorDashboard(backend, client_id=refused_id)
    english = list(d.reasons.reasons)
    d._lang.value = "fr"  # the EN/FR toggle
    assert d.lang == "fr" and all(p.lang == "fr" for p in d.panels)
    assert d.reasons.reasons != english and len(d.reasons.reasons) == len(english)
    assert d.gauge.verdict_text.startswith("✖ Refus —")
    assert d.tabs.get_title(0) == "Pourquoi"


def test_outcome_never_shown(backend, service, refused_id):
    d = AdvisorDashboard(backend, client_id=refused_id)
    state = json.dumps([d.profile.profile, d.gauge.score, d.reasons.explanation, d.whatif.profile])
    assert "TARGET" not in state
    html = " ".join(w.value for w in (d.profile._table, d._header, d.reasons._list))
    assert "TARGET" not in html and "défaut observé" not in html


def test_unknown_client_and_api_failures_are_shown(backend, service, refused_id, train_dataset, tmp_path):
    d = AdvisorDashboard(backend, client_id=refused_id)
    d.client_id = 999_999
    assert "999999" in d.error and "dashboard-error" in d._alert.value
    assert d.gauge.score is None and d.profile.profile is None  # nothing stale left on screen
    d.client_id = refused_id
    assert d.error == ""
    down = AdvisorDashboard(HttpBackend("http://127.0.0.1:9", "k", timeout=0.5))
    assert "unreachable" in down.error
    app = create_app(service, train_dataset, settings=ApiSettings(accepted_keys="good", audit_log=tmp_path / "a.jsonl"))
    wrong_key = AdvisorDashboard(HttpBackend("http://testserver", "bad", client=TestClient(app)))
    assert "API key" in wrong_key.error


def test_http_and_local_dashboards_agree(backend, service, refused_id, train_dataset, tmp_path):
    app = create_app(service, train_dataset, settings=ApiSettings(accepted_keys="k", audit_log=tmp_path / "a.jsonl"))
    http = AdvisorDashboard(
        HttpBackend("http://testserver", "k", client=TestClient(app)), client_id=refused_id
    )
    local = AdvisorDashboard(backend, client_id=refused_id)
    assert http.gauge.score == pytest.approx(local.gauge.score)
    assert http.reasons.reasons == local.reasons.reasons
    assert http.bivariate.grid == local.bivariate.grid
    assert http.error == local.error == ""
    # a what-if on amount and term goes through the API (CNT_PAYMENT) and agrees with in-process
    assert http.whatif.profile["loan"] == pytest.approx(local.whatif.profile["loan"])
    for d in (http, local):
        d.whatif.credit.value = d.whatif.profile["AMT_CREDIT"] * 0.7
        d.whatif.term.value = d.whatif.term.value + 6
    assert http.whatif.changes == local.whatif.changes and "CNT_PAYMENT" in http.whatif.changes
    assert http.whatif.result["score"]["probability"] == pytest.approx(
        local.whatif.result["score"]["probability"], abs=1e-9
    )
    http.counterfactual.suggest()
    local.counterfactual.suggest()
    h, lo = http.counterfactual.suggestion, local.counterfactual.suggestion
    assert (h["found"], h["offer"], h["current"], h["changes"]) == (
        lo["found"],
        lo["offer"],
        lo["current"],
        lo["changes"],
    )
    assert http.counterfactual.text == local.counterfactual.text


def test_dashboard_from_env(monkeypatch, tmp_path):
    assert query_options("client=100002&lang=fr") == {"client_id": 100002, "lang": "fr", "bad_client": None}
    assert query_options("?lang=de&client=x1")["lang"] == "en"
    assert query_options("client=x1")["bad_client"] == "x1"
    monkeypatch.delenv("SCORING_API_URL", raising=False)
    monkeypatch.setenv("SCORING_MODEL_DIR", str(tmp_path / "nowhere"))
    monkeypatch.setenv("SCORING_DATA_DIR", str(tmp_path))
    page = dashboard_from_env("")
    assert "cannot start" in page.value and "nowhere" in page.value
    monkeypatch.setenv("SCORING_API_URL", "http://127.0.0.1:9")
    monkeypatch.delenv("SCORING_API_KEY", raising=False)
    assert "SCORING_API_KEY" in dashboard_from_env("").value
