"""Every endpoint and error path of the API, with FastAPI's TestClient."""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient

from scoring_api.app import create_app
from scoring_api.settings import ApiSettings
from scoring_core.errors import ScoringError
from scoring_core.model.artifact import save_model
from scoring_core.service import ScoringService

KEY = "s3cret-key"
H = {"X-API-Key": KEY}


def messages(r) -> str:
    """The messages of an error response, checking it has the one error schema."""
    detail = r.json()["detail"]
    assert isinstance(detail, list) and detail
    assert all(set(d) == {"loc", "msg", "type"} for d in detail), detail
    return " | ".join(f"{'.'.join(map(str, d['loc']))}: {d['msg']}" for d in detail)


@pytest.fixture(scope="module")
def setup(quick_result, train_dataset, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("api")
    save_model(quick_result.model, tmp / "model")
    ds = train_dataset
    service = ScoringService(quick_result.model, ds)
    settings = ApiSettings(key=f"advisor:{KEY},other-key", audit_log=tmp / "audit.jsonl", batch_limit=3)
    app = create_app(service, ds, settings=settings, model_dir=tmp / "model")
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, service, tmp


def test_health_needs_no_key(setup):
    client, service, _ = setup
    r = client.get("/health")
    assert r.status_code == 200 and r.json() == {"status": "ok", "model_version": service.model.version}


@pytest.mark.parametrize(
    "path",
    [
        "/model",
        "/clients/100002",
        "/clients/100002/score",
        "/clients/100002/explanation",
        "/clients/100002/counterfactual",
    ],
)
def test_key_required(setup, path):
    client, _, _ = setup
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"X-API-Key": "wrong"}).status_code == 401


def test_several_keys(setup):
    client, service, _ = setup
    cid = int(service.client_ids[0])
    assert client.get(f"/clients/{cid}/score", headers={"X-API-Key": "other-key"}).status_code == 200


def test_model_metadata(setup):
    client, service, _ = setup
    d = client.get("/model", headers=H).json()
    assert d["threshold"] == service.model.threshold and d["n_features"] == len(service.model.feature_names)
    assert "holdout" in d["metrics"] and "files" not in d


def test_client_profile_score_and_explanation(setup):
    client, service, _ = setup
    cid = int(service.client_ids[4])
    prof = client.get(f"/clients/{cid}", headers=H).json()
    assert prof["client_id"] == cid and "TARGET" not in prof
    s = client.get(f"/clients/{cid}/score", headers=H).json()
    assert s == pytest.approx(service.score(cid))
    e = client.get(f"/clients/{cid}/explanation?top=5&lang=fr", headers=H).json()
    assert (
        len(e["contributions"]) == 6 and e["reasons"] and e["probability"] == pytest.approx(s["probability"])
    )
    assert any("risque" in r for r in e["reasons"])


def test_unknown_client_404(setup):
    client, _, _ = setup
    r = client.get("/clients/999999/score", headers=H)
    assert r.status_code == 404 and "999999" in messages(r)


@pytest.mark.parametrize(
    "path",
    [
        "/clients/abc/score",
        "/clients/-5/score",
        "/clients/100002/explanation?top=0",
        "/clients/100002/explanation?lang=de",
    ],
)
def test_bad_parameters_422(setup, path):
    client, _, _ = setup
    r = client.get(path, headers=H)
    assert r.status_code == 422 and messages(r)


def test_whatif(setup):
    client, service, _ = setup
    cid = int(service.client_ids[2])
    credit = service.profile(cid)["AMT_CREDIT"]
    r = client.post(f"/clients/{cid}/whatif", headers=H, json={"changes": {"AMT_CREDIT": credit * 2}})
    assert r.status_code == 200
    assert r.json()["score"]["probability"] == pytest.approx(
        service.what_if(cid, {"AMT_CREDIT": credit * 2}).probability
    )
    bad = client.post(f"/clients/{cid}/whatif", headers=H, json={"changes": {"TARGET": 1}})
    assert bad.status_code == 422 and "TARGET" in messages(bad)
    bad = client.post(f"/clients/{cid}/whatif", headers=H, json={"changes": {}})
    assert bad.status_code == 422
    malformed = client.post(
        f"/clients/{cid}/whatif", headers={**H, "Content-Type": "application/json"}, content="{nope"
    )
    assert malformed.status_code == 422


def test_counterfactual(setup):
    client, service, _ = setup
    cid = int(service.client_ids[1])
    d = client.get(f"/clients/{cid}/counterfactual", headers=H).json()
    assert set(d) >= {"found", "changes", "message"}


def _application(service, cid):
    app = service.client_tables(cid)["application"].iloc[0]
    out = {}
    for k, v in app.items():
        if k == "TARGET":
            continue
        if hasattr(v, "item"):
            v = v.item()
        out[k] = None if v != v else v  # NaN -> null
    return out


def test_score_new_applications(setup):
    client, service, _ = setup
    cid = int(service.client_ids[3])
    app = _application(service, cid) | {"SK_ID_CURR": 900001}
    r = client.post("/score", headers=H, json={"applications": [app]})
    assert r.status_code == 200
    s = r.json()["scores"][0]
    assert s["client_id"] == 900001 and 0 <= s["probability"] <= 1
    # the same application with the client's full history scores like the known client
    hist = {
        t: json.loads(df.assign(SK_ID_CURR=900001).to_json(orient="records"))
        if "SK_ID_CURR" in df.columns
        else json.loads(df.to_json(orient="records"))
        for t, df in service.client_tables(cid).items()
        if t != "application" and df is not None and len(df)
    }
    r2 = client.post("/score", headers=H, json={"applications": [app], "history": hist})
    assert r2.status_code == 200
    assert r2.json()["scores"][0]["probability"] == pytest.approx(service.score(cid)["probability"], abs=1e-6)


def test_score_bad_requests(setup):
    client, service, _ = setup
    app = _application(service, int(service.client_ids[3])) | {"SK_ID_CURR": 900002}
    too_many = [app | {"SK_ID_CURR": 900010 + i} for i in range(4)]
    assert client.post("/score", headers=H, json={"applications": too_many}).status_code == 413
    r = client.post("/score", headers=H, json={"applications": [app | {"AMT_CREDIT": -5}]})
    assert r.status_code == 422 and "AMT_CREDIT" in json.dumps(r.json())
    r = client.post("/score", headers=H, json={"applications": [app | {"MY_FIELD": 1}]})
    assert r.status_code == 422 and "MY_FIELD" in json.dumps(r.json())
    r = client.post(
        "/score",
        headers=H,
        json={"applications": [{k: v for k, v in app.items() if k != "AMT_INCOME_TOTAL"}]},
    )
    assert r.status_code == 422 and "AMT_INCOME_TOTAL" in json.dumps(r.json())
    r = client.post("/score", headers=H, json={"applications": []})
    assert r.status_code == 422
    r = client.post(
        "/score", headers=H, json={"applications": [app], "history": {"bureau": [{"SK_ID_CURR": 900002}]}}
    )
    assert r.status_code == 422 and "bureau" in messages(r)


def test_audit_log_records_client_access(setup):
    client, service, tmp = setup
    cid = int(service.client_ids[6])
    client.get(f"/clients/{cid}/score", headers=H)
    deadline = time.time() + 5
    lines = []
    while time.time() < deadline:
        lines = [json.loads(line) for line in (tmp / "audit.jsonl").read_text().splitlines() if line.strip()]
        if any(r.get("client_id") == cid for r in lines):
            break
        time.sleep(0.05)
    rec = [r for r in lines if r.get("client_id") == cid][-1]
    assert rec["key_id"] == "advisor" and rec["endpoint"] == f"/clients/{cid}/score" and "time" in rec


def test_audit_dependency_records_every_client_route(setup):
    """The audit record comes from the dependency that validates the path's client id: every
    client route leaves one (a refused what-if too); a bad key or a bad id leaves none."""
    client, service, tmp = setup
    audit = tmp / "audit.jsonl"
    cid = int(service.client_ids[7])

    def records() -> list[dict]:
        client.app.state.audit.flush()
        return [json.loads(line) for line in audit.read_text().splitlines() if line.strip()]

    before = len(records())
    paths = ["", "/score", "/explanation", "/counterfactual", "/population/EXT_SOURCE_2", "/summary"]
    for path in paths:
        assert client.get(f"/clients/{cid}{path}", headers=H).status_code == 200, path
    r = client.get(f"/clients/{cid}/bivariate", params={"x": "EXT_SOURCE_2", "y": "DAYS_BIRTH"}, headers=H)
    assert r.status_code == 200
    assert (
        client.post(f"/clients/{cid}/whatif", json={"changes": {"AMT_CREDIT": 1e5}}, headers=H).status_code
        == 200
    )
    assert client.post(f"/clients/{cid}/whatif", json={"changes": {"NOPE": 1}}, headers=H).status_code == 422
    assert client.get(f"/clients/{cid}/score", headers={"X-API-Key": "wrong"}).status_code == 401
    assert client.get("/clients/0/score", headers=H).status_code == 422
    new = records()[before:]
    assert [(r["method"], r["endpoint"]) for r in new] == [
        *(("GET", f"/clients/{cid}{p}") for p in paths),
        ("GET", f"/clients/{cid}/bivariate"),
        ("POST", f"/clients/{cid}/whatif"),
        ("POST", f"/clients/{cid}/whatif"),
    ]
    assert all(r["client_id"] == cid and r["key_id"] == "advisor" for r in new)


def test_reload_keeps_serving_on_failure(setup):
    client, service, tmp = setup
    before = client.get("/health").json()["model_version"]
    meta = tmp / "model" / "model.txt"
    good = meta.read_text()
    meta.write_text(good + "\n")  # tampered: the sha256 no longer matches
    try:
        r = client.post("/model/reload", headers=H)
        assert r.status_code == 409 and "current model kept" in messages(r)
        assert str(tmp) not in r.text and "/tmp" not in r.text  # no server path
        assert client.get("/health").json()["model_version"] == before
    finally:
        meta.write_text(good)
    assert client.post("/model/reload", headers=H).status_code == 200


def test_no_stack_traces(setup, monkeypatch):
    client, service, _ = setup
    monkeypatch.setattr(type(service), "score", lambda *a, **k: 1 / 0)
    r = client.get(f"/clients/{int(service.client_ids[0])}/score", headers=H)
    assert r.status_code == 500 and "internal error" in messages(r) and "ZeroDivision" not in r.text


def test_refuses_to_start_without_key(quick_result, train_dataset, tmp_path):
    ds = train_dataset
    with pytest.raises(ScoringError, match="SCORING_API_KEY"):
        create_app(
            ScoringService(quick_result.model, ds), ds, settings=ApiSettings(key="", audit_log=tmp_path / "a")
        )


def test_openapi_docs(setup):
    client, _, _ = setup
    spec = client.get("/openapi.json").json()
    assert "/clients/{client_id}/explanation" in spec["paths"] and "Application" in json.dumps(spec)


def test_json_logs():
    import logging

    from scoring_api.logs import JsonFormatter

    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        rec = logging.LogRecord(
            "scoring_api", logging.ERROR, __file__, 1, "failed %s", ("x",), sys.exc_info()
        )
    d = json.loads(JsonFormatter().format(rec))
    assert d["level"] == "error" and d["message"] == "failed x" and d["exception"] == "ValueError"
