"""Input constraints, limits, the error schema, explanations of new applications and the offline
docs, through the ASGI app (every layer of a request but the socket; test_serve.py crosses that)."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient

from scoring_api.app import create_app
from scoring_api.settings import ApiSettings
from scoring_core.data.constraints import CATEGORY_LEVELS
from scoring_core.model.artifact import save_model
from scoring_core.service import ScoringService

KEY = "v4lid-key"
H = {"X-API-Key": KEY}


@pytest.fixture(scope="module")
def api(quick_result, train_dataset, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("api-validation")
    save_model(quick_result.model, tmp / "model")
    service = ScoringService(quick_result.model, train_dataset)
    settings = ApiSettings(
        key=KEY, audit_log=tmp / "audit.jsonl", batch_limit=5, history_limit=50, max_body_bytes=200_000
    )
    app = create_app(service, train_dataset, settings=settings, model_dir=tmp / "model")
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, service, tmp


def errors(r) -> list[dict]:
    """The error items, checking the one error schema."""
    body = r.json()
    assert set(body) == {"detail"}, body
    assert isinstance(body["detail"], list) and body["detail"], body
    for d in body["detail"]:
        assert set(d) == {"loc", "msg", "type"} and isinstance(d["loc"], list) and d["msg"], d
    return body["detail"]


def text(r) -> str:
    return json.dumps(errors(r))


def application(service, cid: int, new_id: int) -> dict:
    app = service.client_tables(cid)["application"].iloc[0]
    out = {}
    for k, v in app.items():
        if k == "TARGET":
            continue
        v = v.item() if hasattr(v, "item") else v
        out[k] = None if v != v else v
    return out | {"SK_ID_CURR": new_id}


# -- defect 4 and category levels: one set of constraints for POST /score and what-if ---------
BAD_VALUES = [
    ("AMT_CREDIT", 1e39, "less than or equal"),  # overflows float32
    ("AMT_CREDIT", -1e308, "greater than or equal"),
    ("AMT_CREDIT", -5, "greater than or equal"),
    ("AMT_CREDIT", True, "number"),  # a boolean is not a number
    ("AMT_CREDIT", "300000", "number"),  # nor is text
    ("EXT_SOURCE_1", 7, "less than or equal"),
    ("EXT_SOURCE_2", -0.1, "greater than or equal"),
    ("DAYS_BIRTH", 5000, "less than or equal"),
    ("DAYS_EMPLOYED", 5000, ""),  # neither <= 0 nor the 365243 'not employed' code
    ("CNT_CHILDREN", -1, "greater than or equal"),
    ("CODE_GENDER", "female", "'F'"),
    ("NAME_INCOME_TYPE", "Employed", "'Working'"),
    ("CODE_GENDER", 1, "'M'"),
]


@pytest.mark.parametrize(("field", "value", "says"), BAD_VALUES)
def test_score_refuses_out_of_domain_values(api, field, value, says):
    client, service, _ = api
    app = application(service, int(service.client_ids[0]), 900100)
    r = client.post("/score", headers=H, json={"applications": [app | {field: value}]})
    assert r.status_code == 422, r.text
    items = [d for d in errors(r) if field in d["loc"]]  # DAYS_EMPLOYED: one per accepted form
    assert items and all(d["loc"][:3] == ["body", "applications", 0] for d in items)
    assert any(says in d["msg"] for d in items)
    if field in CATEGORY_LEVELS:  # the allowed values are named
        assert all(level in items[0]["msg"] for level in CATEGORY_LEVELS[field])


@pytest.mark.parametrize(("field", "value", "says"), BAD_VALUES)
def test_whatif_refuses_the_same_values(api, field, value, says):
    client, service, _ = api
    cid = int(service.client_ids[1])
    r = client.post(f"/clients/{cid}/whatif", headers=H, json={"changes": {field: value}})
    assert r.status_code == 422, r.text
    items = [d for d in errors(r) if field in d["loc"]]
    assert items and all(d["loc"][:2] == ["body", "changes"] for d in items)
    assert any(says in d["msg"] for d in items)


@pytest.mark.parametrize(
    "changes",
    [
        {"DAYS_EMPLOYED": 365243},
        {"EXT_SOURCE_1": 1},
        {"CODE_GENDER": "M"},
        {"AMT_CREDIT": None},
        {"DAYS_BIRTH": 0},
    ],
)
def test_whatif_accepts_values_in_domain(api, changes):
    client, service, _ = api
    cid = int(service.client_ids[1])
    r = client.post(f"/clients/{cid}/whatif", headers=H, json={"changes": changes})
    assert r.status_code == 200, r.text
    assert 0 <= r.json()["score"]["probability"] <= 1


def test_library_what_if_has_the_same_constraints(api):
    from scoring_core.errors import ScoringError

    _, service, _ = api
    cid = int(service.client_ids[1])
    for field, value, _says in BAD_VALUES:
        with pytest.raises(ScoringError, match=field):
            service.what_if(cid, {field: value})


# -- limits (defect 3) --------------------------------------------------------------------------
def test_counts_are_limited_before_validation(api):
    client, service, _ = api
    app = application(service, int(service.client_ids[0]), 900200)
    # six applications that are all invalid: the count is refused first, naming the limit
    r = client.post("/score", headers=H, json={"applications": [{"nope": i} for i in range(6)]})
    assert r.status_code == 413 and "at most 5" in text(r) and "SCORING_API_BATCH_LIMIT" in text(r)
    rows = [{"SK_ID_CURR": 900200, "SK_ID_BUREAU": i} for i in range(51)]
    r = client.post("/score", headers=H, json={"applications": [app], "history": {"bureau": rows}})
    assert r.status_code == 413 and "at most 50" in text(r) and "SCORING_API_HISTORY_LIMIT" in text(r)


def test_body_size_is_limited(api):
    client, _, _ = api
    big = b'{"applications": [' + b" " * 300_000 + b"]}"
    r = client.post("/score", headers={**H, "Content-Type": "application/json"}, content=big)
    assert r.status_code == 413 and "200000 bytes" in text(r)

    def chunks():  # no Content-Length: counted as it arrives
        for _ in range(30):
            yield b" " * 10_000

    r = client.post("/score", headers={**H, "Content-Type": "application/json"}, content=chunks())
    assert r.status_code == 413 and "SCORING_API_MAX_BODY_BYTES" in text(r)


def test_key_is_checked_before_the_body(api):
    client, _, _ = api
    read = []

    def body():
        read.append(1)
        yield b'{"applications": []}'

    r = client.post("/score", headers={"Content-Type": "application/json"}, content=body())
    assert r.status_code == 401 and r.headers["www-authenticate"] == "API-Key"
    assert errors(r)[0]["loc"] == ["header", "X-API-Key"]


# -- duplicate ids are scored one by one; malformed bodies are 422 ----------------------------
def test_duplicate_application_ids_are_scored_each(api):
    client, service, _ = api
    a = application(service, int(service.client_ids[3]), 900300)
    b = a | {"AMT_CREDIT": a["AMT_CREDIT"] * 3}
    r = client.post("/score", headers=H, json={"applications": [a, b, a]})
    assert r.status_code == 200, r.text
    s = r.json()["scores"]
    assert [x["client_id"] for x in s] == [900300] * 3
    alone = client.post("/score", headers=H, json={"applications": [b]}).json()["scores"][0]
    assert s[1]["probability"] == pytest.approx(alone["probability"])
    assert s[0]["probability"] == pytest.approx(s[2]["probability"])


@pytest.mark.parametrize(
    ("content", "ctype"),
    [
        (b"{nope", "application/json"),
        (b"\xff\xfe{", "application/json"),  # not UTF-8: was a 400
        (b"[1, 2]", "application/json"),
        (b"x=1", "text/plain"),
        (b"", None),
    ],
)
def test_malformed_bodies_are_422(api, content, ctype):
    client, _, _ = api
    headers = {**H, **({"Content-Type": ctype} if ctype else {})}
    r = client.post("/score", headers=headers, content=content)
    assert r.status_code == 422, r.text
    errors(r)


# -- one error schema, documented on every route --------------------------------------------------
def test_every_error_status_has_the_schema(api):
    client, service, tmp = api
    assert client.get("/clients/1/score").status_code == 401
    errors(client.get("/clients/1/score"))
    errors(client.get("/clients/999999/score", headers=H))
    errors(client.get("/clients/abc", headers=H))
    errors(client.get("/no/such/path", headers=H))
    r = client.put("/score", headers=H)
    assert r.status_code == 405 and "POST" in r.headers["allow"]
    errors(r)
    r = client.post("/clients/100002/whatif", headers=H, json={"changes": {"TARGET": 1}})
    assert r.status_code == 422 and "TARGET" in text(r)


def test_openapi_documents_errors_descriptions_and_examples(api):
    client, _, _ = api
    spec = client.get("/openapi.json").json()
    assert "ErrorResponse" in spec["components"]["schemas"]
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            assert op.get("description"), f"{method} {path} has no description"
            if path != "/health":
                assert "401" in op["responses"], f"{method} {path}: 401 undocumented"
            for status in ("401", "404", "409", "413", "422"):
                if status in op["responses"]:
                    ref = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorResponse"), (path, status)
            for p in op.get("parameters", []):
                assert p.get("description") or p["schema"].get("description"), (path, p["name"])
    assert "409" in spec["paths"]["/model/reload"]["post"]["responses"]
    assert "413" in spec["paths"]["/score"]["post"]["responses"]
    schemas = spec["components"]["schemas"]
    for model in ("Application", "ApplicationChanges", "ScoreRequest", "WhatIfRequest"):
        assert schemas[model].get("examples"), model
    for name, prop in schemas["Application"]["properties"].items():
        assert prop.get("description") and prop.get("examples"), name
    assert schemas["Application"]["properties"]["CODE_GENDER"]["anyOf"][0]["enum"] == list(
        CATEGORY_LEVELS["CODE_GENDER"]
    )


# -- POST /score?explain=true (issue 12 §4) --------------------------------------------------------
def test_score_explains_new_applications_like_known_clients(api):
    client, service, _ = api
    cid = int(service.client_ids[5])
    hist = {
        t: json.loads(df.to_json(orient="records"))
        for t, df in service.client_tables(cid).items()
        if t != "application" and df is not None and len(df)
    }
    app = application(service, cid, cid)
    r = client.post(
        "/score?explain=true&top=3&lang=fr", headers=H, json={"applications": [app], "history": hist}
    )
    assert r.status_code == 200, r.text
    got = r.json()["scores"][0]
    known = client.get(f"/clients/{cid}/explanation?top=3&lang=fr", headers=H).json()
    e = got["explanation"]
    assert e["probability"] == pytest.approx(known["probability"], abs=1e-6)
    assert [c["feature"] for c in e["contributions"]] == [c["feature"] for c in known["contributions"]]
    assert e["reasons"] == known["reasons"] and 0 < len(e["reasons"]) <= 3
    for c in e["contributions"]:  # label (requested language) and group passed through
        assert set(c) >= {"feature", "label", "group", "value", "shap", "points"} and c["label"]
    strip = [{k: v for k, v in c.items() if k not in ("shap", "points", "value")} for c in e["contributions"]]
    assert strip == [
        {k: v for k, v in c.items() if k not in ("shap", "points", "value")} for c in known["contributions"]
    ]
    assert [c["shap"] for c in e["contributions"]] == pytest.approx(
        [c["shap"] for c in known["contributions"]], abs=1e-6
    )
    assert [g["group"] for g in e["groups"]] == [g["group"] for g in known["groups"]]
    assert any(c["label"] == "autres facteurs" for c in e["contributions"])  # lang=fr reached the labels
    plain = client.post("/score", headers=H, json={"applications": [app], "history": hist}).json()
    assert plain["scores"][0]["explanation"] is None


def test_top_limits_reasons(api):
    client, service, _ = api
    cid = int(service.client_ids[5])
    r = client.get(f"/clients/{cid}/explanation?top=1", headers=H).json()
    assert len(r["reasons"]) == 1


# -- reload with malformed metadata (defect 6) ------------------------------------------------------
@pytest.mark.parametrize("metadata", ["{not json", "[]", '{"threshold": "high"}', ""])
def test_reload_malformed_metadata_is_409_without_paths(api, metadata):
    client, service, tmp = api
    before = client.get("/health").json()["model_version"]
    meta = tmp / "model" / "metadata.json"
    good = meta.read_bytes()
    meta.write_text(metadata)
    try:
        r = client.post("/model/reload", headers=H)
        assert r.status_code == 409, r.text
        assert "current model kept" in text(r)
        assert str(tmp) not in r.text and not re.search(r"/(tmp|home|root|work)/", r.text)
        assert client.get("/health").json()["model_version"] == before
        assert client.get(f"/clients/{int(service.client_ids[0])}/score", headers=H).status_code == 200
    finally:
        meta.write_bytes(good)
    assert client.post("/model/reload", headers=H).status_code == 200


# -- headers and offline docs -------------------------------------------------------------------
def test_personal_data_is_not_cached(api):
    client, service, _ = api
    cid = int(service.client_ids[0])
    for r in (
        client.get(f"/clients/{cid}", headers=H),
        client.get(f"/clients/{cid}/score", headers=H),
        client.get("/clients?limit=3", headers=H),
        client.post("/score", headers=H, json={"applications": [application(service, cid, 900400)]}),
        client.get("/clients/999999/score", headers=H),
    ):
        assert r.headers["cache-control"] == "no-store", r.request.url


def test_docs_work_offline(api):
    client, _, _ = api
    r = client.get("/docs")
    assert r.status_code == 200 and "swagger" in r.text.lower()
    urls = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url:\s*['"]([^'"]+)['"]""", r.text)
    urls = [a or b for a, b in urls]
    assert urls and not [u for u in urls if u.startswith(("http:", "https:", "//"))], urls
    assert not re.search(r"https?://", r.text.replace("http://www.w3.org", "")), "external URL in /docs"
    for u in urls:
        assert client.get(u).status_code == 200, u
    assert (
        client.get("/docs-assets/swagger-ui-bundle.js")
        .headers["content-type"]
        .startswith(("application/javascript", "text/javascript"))
    )


def test_extreme_but_valid_values_are_scored_and_explained(api):
    """Amounts up to float32's maximum, integer-valued float ids: schema-valid, so answered 200."""
    client, service, _ = api
    app = application(service, int(service.client_ids[0]), 900500)
    app |= {"SK_ID_CURR": 900500.0, "AMT_CREDIT": 3.0e38, "AMT_GOODS_PRICE": 2.5e38, "AMT_ANNUITY": 1e-300}
    r = client.post("/score?explain=true&lang=fr", headers=H, json={"applications": [app]})
    assert r.status_code == 200, r.text
    assert r.json()["scores"][0]["client_id"] == 900500 and r.json()["scores"][0]["explanation"]["reasons"]
    r = client.post("/score", headers=H, json={"applications": [app | {"SK_ID_CURR": "900500"}]})
    assert r.status_code == 422 and "SK_ID_CURR" in text(r)
