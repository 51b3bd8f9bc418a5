"""Each widget on its own, without a browser: set values, assert state and figures."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest
import traitlets as T

from scoring_core.metrics import threshold_metrics
from widgets import (
    BivariateView,
    ClientPicker,
    ClientProfile,
    CounterfactualView,
    FeatureDistribution,
    GlobalImportance,
    ReasonsView,
    ScoreGauge,
    ShapWaterfall,
    ThresholdTuner,
    WhatIfPanel,
)
from widgets.plot import PlotlyPlot
from widgets.style import APPROVE, REFUSE

GREENS = ("green", "#009e73", "#00ff00", "#2ca02c", "#008000")


def _no_green(fig) -> None:
    text = json.dumps(fig.to_plotly_json(), default=str).lower()
    assert not any(g in text for g in GREENS)


def test_gauge_decision_colour_and_words(backend, refused_id, approved_id):
    g = ScoreGauge()
    g.score = backend.score(refused_id)
    ind = g.figure.data[0]
    assert ind.gauge.bar.color == REFUSE and ind.number.font.color == REFUSE
    assert ind.value == pytest.approx(100 * g.score["probability"])
    assert ind.gauge.threshold.value == pytest.approx(100 * g.score["threshold"])
    assert g.verdict_text.startswith("✖ Refuse") and "above the threshold" in g.verdict_text
    gap = 100 * (g.score["probability"] - g.score["threshold"])
    assert f"{gap:.1f}" in g.verdict_text
    _no_green(g.figure)
    g.score = backend.score(approved_id)
    assert g.figure.data[0].gauge.bar.color == APPROVE and "below the threshold" in g.verdict_text
    g.lang = "fr"
    assert g.verdict_text.startswith("✔ Accord") and "sous le seuil" in g.verdict_text
    assert g._plot.figure["data"][0]["value"] == pytest.approx(
        100 * g.score["probability"]
    )  # sent to the page
    with pytest.raises(T.TraitError, match="decision"):
        g.score = {"probability": 0.1, "threshold": 0.2}
    with pytest.raises(T.TraitError):
        g.lang = "de"


def test_profile_masks_sensitive_fields(backend, refused_id):
    p = ClientProfile(profile=backend.profile(refused_id))
    shown = dict(p.rows)
    assert shown["Age"].endswith("years") and "Credit amount" in shown
    assert "TARGET" not in json.dumps(p.profile)
    p.masked = True
    masked = dict(p.rows)
    assert masked["Age"] == masked["Gender"] == "[hidden]"
    assert masked["Credit amount"] == shown["Credit amount"]
    assert p._mask.value is True
    p._mask.value = False  # the checkbox drives the trait
    assert p.masked is False


def test_waterfall_adds_up_to_the_probability(backend, refused_id):
    e = backend.explanation(refused_id, top=8)
    w = ShapWaterfall(explanation=e)
    wf = w.figure.data[0]
    assert list(wf.measure) == ["absolute"] + ["relative"] * len(e["groups"]) + ["total"]  # concepts
    total = wf.x[0] + sum(wf.x[1:-1])
    assert total == pytest.approx(100 * e["probability"], abs=1e-6)
    assert wf.x[0] == pytest.approx(100 * e["base_probability"])
    assert wf.y[0] == "average client" and wf.y[-1] == "this client"
    assert wf.increasing.marker.color == REFUSE and wf.decreasing.marker.color == APPROVE
    w.lang = "fr"
    assert w.figure.data[0].y[0] == "client moyen"
    w.explanation = None
    assert len(w.figure.data[0].x) == 0


def test_reasons_and_global_importance(backend, service, refused_id):
    e = backend.explanation(refused_id, lang="fr")
    r = ReasonsView(explanation=e, lang="fr")
    assert r.reasons == e["reasons"] and len(r.reasons) >= 3
    assert all(text in r._list.value for text in r.reasons[:1])
    imp = service.model.metadata["global_importance"]
    g = GlobalImportance(importance=imp, top=5)
    assert len(g.figure.data[0].y) == 5
    assert list(g.figure.data[0].x) == [d["mean_abs_shap"] for d in imp[:5]]


def test_feature_distribution(backend, service, refused_id):
    top = [
        c["feature"]
        for c in backend.explanation(refused_id)["contributions"]
        if c["feature"] != "other features"
    ]
    d = FeatureDistribution(backend=backend, client_id=refused_id, features=top)
    assert d.feature == top[0] and d.comparison["feature"] == top[0]
    numeric = next(f for f in top if service.population.is_numeric(f))
    d._choice.value = numeric  # the dropdown drives the trait
    assert d.feature == numeric and d.comparison["feature"] == numeric
    if d.comparison["categories"] is None:
        for trace in d.figure.data:
            assert sum(trace.y) == pytest.approx(100.0, abs=0.01) or sum(trace.y) == 0
    value = service.feature_row(refused_id)[numeric].iloc[0]
    if not np.isnan(value):
        assert "higher than" in d._summary.value
        line = d.figure.layout.shapes[0]
        assert d.figure.layout.xaxis.title.text and line.x0 == pytest.approx(
            min(max(value, d.comparison["bins"][0]), d.comparison["bins"][-1]), rel=1e-5
        )
    d.feature = "NO_SUCH_FEATURE"
    assert "unknown feature" in d.error


def test_bivariate(backend, service, refused_id):
    numeric = [
        f["feature"]
        for f in service.model.metadata["global_importance"]
        if service.population.is_numeric(f["feature"])
    ][:5]
    b = BivariateView(backend=backend, client_id=refused_id, features=numeric)
    assert (b.x, b.y) == (numeric[0], numeric[1])
    hm = b.figure.data[0]
    assert np.asarray(hm.z, dtype=float).shape == (25, 25)
    b._color.value = "outcome"
    assert b.color == "outcome" and b.grid["color"] == "outcome"
    z = np.asarray(b.figure.data[0].z, dtype=float)
    assert np.nanmax(z) <= 100 and np.nanmin(z) >= 0
    b.y = numeric[2]
    assert b.grid["y"] == numeric[2]
    star = b.figure.data[1]
    if b.grid["client_x"] is not None and b.grid["client_y"] is not None:
        assert len(star.x) == 1


def test_whatif_rescoring_and_reset(backend, service, refused_id):
    base = backend.score(refused_id)
    profile = backend.profile(refused_id)
    w = WhatIfPanel(backend=backend, client_id=refused_id, profile=profile, baseline=base)
    assert w.result is None and w.gauge.score == base
    credit, loan = profile["AMT_CREDIT"], profile["loan"]
    assert w.payment == pytest.approx(profile["AMT_ANNUITY"], rel=1e-4)  # no change: the client's own payment
    w.credit.value = credit * 2  # a user moves the amount slider; the term stays
    assert set(w.changes) == {"AMT_CREDIT", "CNT_PAYMENT"}
    assert w.changes["CNT_PAYMENT"] == pytest.approx(loan["term_months"])
    assert w.payment == pytest.approx(2 * profile["AMT_ANNUITY"], rel=1e-3)  # same term: twice the payment
    expected = backend.whatif(refused_id, dict(w.changes))
    assert w.result["score"]["probability"] == pytest.approx(expected["score"]["probability"])
    assert w.gauge.score == w.result["score"] and w.gauge.reference == base
    assert "simulated" in w._delta.value and "per month" in w._payment.value
    term = int(round(loan["term_months"]))
    w.term.value = term + 12  # and a longer term: a lower payment than with the same amount
    assert w.changes["CNT_PAYMENT"] == term + 12
    assert w.payment < 2 * profile["AMT_ANNUITY"]
    w.reset()
    assert w.changes == {} and w.result is None
    assert w.credit.value == pytest.approx(credit) and w.term.value == term
    w.income.value = profile["AMT_INCOME_TOTAL"] * 1.5
    assert set(w.changes) == {"AMT_INCOME_TOTAL"}
    with pytest.raises(T.TraitError, match="what-if fields"):
        w.changes = {"TARGET": 0}


def test_whatif_without_a_client_says_what_to_do():
    w = WhatIfPanel()
    assert "Pick a client" in w._status.value and w._controls.layout.display == "none"
    assert w.gauge._plot.layout.display == "none" and w.gauge._empty.value == ""


def test_counterfactual_feeds_the_whatif(backend, service):
    refused = service.probabilities[service.probabilities >= service.model.threshold].index[:30]
    w = WhatIfPanel(backend=backend)
    cf = CounterfactualView(backend=backend, whatif=w)
    for cid in refused:
        cid = int(cid)
        with w.hold():
            w.client_id, w.profile, w.baseline = cid, backend.profile(cid), backend.score(cid)
        cf.client_id = cid
        cf.suggest()
        if cf.suggestion["found"]:
            break
    else:
        pytest.fail("no counterfactual found among 30 refused clients")
    offer = cf.suggestion["offer"]
    assert offer["credit"] % 1000 == 0 and isinstance(offer["term_months"], int)
    assert cf.text.startswith(
        f"Approved with a credit of €{offer['credit']:,.0f} over {offer['term_months']} months"
    )
    assert "per month" in cf.text and "Approved with" in cf._text.value
    cf.apply()
    assert w.changes == {"AMT_CREDIT": offer["credit"], "CNT_PAYMENT": offer["term_months"]}
    assert w.payment == pytest.approx(offer["annuity"], abs=0.01)
    assert w.result["score"]["decision"] == "approve"
    assert w.result["score"]["probability"] == pytest.approx(cf.suggestion["probability"], abs=1e-9)
    cf.lang = "fr"
    assert cf.text.startswith("Accordé avec un crédit de ") and "par mois" in cf.text and " mois (" in cf.text
    cf.client_id = int(service.client_ids[0])  # another client: the suggestion is void
    assert cf.suggestion is None


def test_threshold_tuner_matches_the_metrics(quick_result):
    model = quick_result.model
    t = ThresholdTuner(curve=model.metadata["threshold_curve"], model_threshold=model.threshold)
    t.threshold = 0.2
    oof = quick_result.oof
    m = threshold_metrics(oof["TARGET"], oof["probability"], 0.2)
    a = t.at_threshold
    assert (a["tp"], a["fp"], a["fn"], a["tn"]) == (m.tp, m.fp, m.fn, m.tn)
    assert a["cost"] == pytest.approx(m.cost) and a["approval_rate"] == pytest.approx(m.approval_rate)
    assert f"{m.tp:,}" in t._matrix.value
    best_default = t.best_threshold
    t._fn.value = 1.0  # missed defaulters as cheap as refused good clients: refuse fewer
    assert t.c_fn == 1.0 and t.best_threshold >= best_default
    t._slider.value = 0.5
    assert t.threshold == 0.5 and t.at_threshold["threshold"] == pytest.approx(0.5)
    assert t.figure.layout.shapes[0].x0 == pytest.approx(0.5)
    t.curve = None
    assert "no threshold curve" in t._matrix.value
    with pytest.raises(T.TraitError):
        t.curve = {"threshold": [0.1], "tp": [1]}


def test_picker(backend, service):
    p = ClientPicker(backend=backend, portfolio_size=10)
    risk = [c["probability"] for c in p.portfolio]
    assert len(risk) == 10 and risk == sorted(risk, reverse=True)
    p.submit("abc")
    assert "whole number" in p.error and p.client_id is None
    cid = int(service.client_ids[7])
    p.submit(str(cid))
    assert p.client_id == cid and p.error == ""
    p._list.value = p.portfolio[2]["client_id"]  # a click in the portfolio
    assert p.client_id == p.portfolio[2]["client_id"]
    p._search.value = str(cid)[:4]
    assert str(cid) in p._search.options or len(p._search.options) == 20


def test_plotly_plot_sends_the_library_once():
    import plotly.graph_objects as go

    from widgets import plot

    carrier = PlotlyPlot()
    assert plot._CARRIER is not None and len(plot._CARRIER._lib) > 1_000_000
    others = [PlotlyPlot() for _ in range(3)]
    assert all(p._lib == "" for p in others if p is not plot._CARRIER)
    plot._CARRIER.close()  # the carrier gone, the next plot carries the library
    again = PlotlyPlot()
    assert len(again._lib) > 1_000_000
    carrier.show(go.Figure(go.Bar(x=np.array([1, 2]), y=np.array([3.0, 4.0]))))
    y = carrier.figure["data"][0]["y"]  # numpy arrays travel as plotly.js typed arrays
    assert np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).tolist() == [3.0, 4.0]
