"""The two backends answer the same, and failures are errors for the user, never a fallback."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from scoring_api.app import create_app
from scoring_api.settings import ApiSettings
from scoring_core.service import ScoringService
from widgets.backend import BackendError, HttpBackend, LocalBackend, backend_from_env

KEY = "widget-key"


@pytest.fixture(scope="module")
def backends(quick_result, train_dataset, tmp_path_factory):
    service = ScoringService(quick_result.model, train_dataset)
    app = create_app(
        service,
        train_dataset,
        settings=ApiSettings(accepted_keys=KEY, audit_log=tmp_path_factory.mktemp("w") / "audit.jsonl"),
    )
    client = TestClient(app, raise_server_exceptions=False)
    return LocalBackend(service), HttpBackend("http://testserver", KEY, client=client), service, client


def test_same_answers(backends):
    local, http, service, _ = backends
    cid = int(service.client_ids[3])
    assert http.score(cid) == pytest.approx(local.score(cid))
    e_local, e_http = local.explanation(cid, top=5, lang="fr"), http.explanation(cid, top=5, lang="fr")
    assert e_http["reasons"] == e_local["reasons"]
    assert [c["feature"] for c in e_http["contributions"]] == [c["feature"] for c in e_local["contributions"]]
    credit = local.profile(cid)["AMT_CREDIT"]
    w_local = local.whatif(cid, {"AMT_CREDIT": credit * 1.5})
    w_http = http.whatif(cid, {"AMT_CREDIT": credit * 1.5})
    assert w_http["score"]["probability"] == pytest.approx(w_local["score"]["probability"])
    assert http.counterfactual(cid)["found"] == local.counterfactual(cid)["found"]


def test_population_views_match(backends):
    local, http, service, _ = backends
    cid = int(service.client_ids[5])
    assert http.portfolio(limit=7) == local.portfolio(limit=7)
    risk = [c["probability"] for c in local.portfolio(limit=20)["clients"]]
    assert risk == sorted(risk, reverse=True) and risk[0] == pytest.approx(service.probabilities.max())
    prefix = str(cid)[:4]
    found = http.portfolio(prefix=prefix, order="id", limit=1000)
    assert found["total"] == sum(str(i).startswith(prefix) for i in service.client_ids)
    feature = service.model.metadata["global_importance"][0]["feature"]
    c_local, c_http = local.compare(cid, feature), http.compare(cid, feature)
    assert c_http["counts_all"] == c_local["counts_all"] and sum(c_local["counts_all"]) > 0
    numeric = [d["feature"] for d in service.model.metadata["global_importance"] if service.population.is_numeric(d["feature"])]
    b = http.bivariate(cid, numeric[0], numeric[1], color="outcome")
    assert b == local.bivariate(cid, numeric[0], numeric[1], color="outcome")
    X = service.features
    known = X[numeric[0]].notna() & X[numeric[1]].notna() & service._outcome.reindex(X.index).notna()
    assert sum(map(sum, b["counts"])) == int(known.sum()) > 0
    cells = [(n, v) for rc, rv in zip(b["counts"], b["values"], strict=True) for n, v in zip(rc, rv, strict=True)]
    assert all((v is None) == (n < b["min_count"]) for n, v in cells)
    info = http.model_info()
    assert info["threshold"] == service.model.threshold
    assert info["threshold_curve"]["tp"] == service.model.metadata["threshold_curve"]["tp"]
    for backend in (local, http):
        with pytest.raises(BackendError, match="unknown feature") as exc:
            backend.compare(cid, "NO_SUCH_FEATURE")
        assert exc.value.status == 422


def test_errors_are_shown_not_hidden(backends):
    local, http, service, client = backends
    for backend in (local, http):
        with pytest.raises(BackendError) as exc:
            backend.score(999_999)
        assert exc.value.status == 404 and "999999" in str(exc.value)
        with pytest.raises(BackendError) as exc:
            backend.whatif(int(service.client_ids[0]), {"TARGET": 1})
        assert exc.value.status == 422 and "TARGET" in str(exc.value)
    bad_key = HttpBackend("http://testserver", "wrong", client=client)
    with pytest.raises(BackendError, match="API key"):
        bad_key.score(int(service.client_ids[0]))
    down = HttpBackend("http://127.0.0.1:9", KEY, timeout=0.5)
    with pytest.raises(BackendError, match="unreachable"):
        down.score(int(service.client_ids[0]))


def test_backend_from_env(monkeypatch, backends):
    local = backends[0]
    monkeypatch.delenv("SCORING_API_URL", raising=False)
    assert backend_from_env(lambda: local) is local
    monkeypatch.setenv("SCORING_API_URL", "http://127.0.0.1:9")
    monkeypatch.delenv("SCORING_API_KEY", raising=False)
    with pytest.raises(BackendError, match="SCORING_API_KEY"):
        backend_from_env(lambda: local)
    monkeypatch.setenv("SCORING_API_KEY", "k")
    b = backend_from_env(lambda: local)
    assert isinstance(b, HttpBackend)  # the API is used when configured, never replaced by the local model
    with pytest.raises(BackendError, match="unreachable"):
        b.score(100002)
