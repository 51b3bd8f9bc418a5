"""The client's decision summary: content in both languages, never another client's data or
the true outcome; through the CLI (a real process, HTML and PDF) and the API."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from scoring_api.app import create_app
from scoring_api.settings import ApiSettings
from scoring_core.data import Dataset
from scoring_core.errors import UnknownClientError
from scoring_core.model.artifact import save_model
from scoring_core.service import ScoringService
from scoring_reports.summary import find_chromium, render_summary, summary_content, write_summary

KEY = "summary-key"
#: a model version whose time part looks like a client reference (saved at 10:06:06)
VERSION = "20261202-100606-0123abcd"


@pytest.fixture(scope="module")
def service(quick_result, train_dataset):
    # a model of its own: saving the shared ``quick_result.model`` elsewhere stamps a version
    # (creation time) on it, and the page would change with the order the tests ran in
    model = dataclasses.replace(
        quick_result.model, metadata={**quick_result.model.metadata, "model_version": VERSION}
    )
    return ScoringService(model, train_dataset)


def _refused(service) -> int:
    p = service.probabilities
    return int(p[p >= service.model.threshold].sort_values().index[0])


def _approved(service) -> int:
    p = service.probabilities
    return int(p[p < service.model.threshold].index[0])


def _text(page: str) -> str:
    return re.sub(r"<[^>]+>", " ", page)


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_refusal_summary_says_decision_reasons_change_data_and_rights(service, lang):
    cid = _refused(service)
    page = render_summary(service, cid, lang)
    text = _text(page)
    content = summary_content(service, cid, lang)
    e = service.explain(cid, top=None, lang=lang)
    words = {
        "en": [
            "Your application is declined.",
            "The main reasons",
            "What could change the decision",
            "What data was used",
            "reviewed by a person",
            "[Lender name, address, phone, email]",
        ],
        "fr": [
            "Votre demande est refusée.",
            "Les principales raisons",
            "Ce qui pourrait changer la décision",
            "Les données utilisées",
            "réexamen de cette décision par une personne",
            "[Nom, adresse, téléphone, e-mail du prêteur]",
        ],
    }[lang]
    for w in words:
        assert w in text, w
    reasons = content["against"] + content["favour"]
    assert reasons and all(r.replace("'", "&#x27;") in page for r in reasons)
    from scoring_core.explain.reasons import reasons as concept_reasons

    expected = concept_reasons(e, service.population, lang=lang, limit=5)
    assert content["against"] == [r.text for r in expected if r.direction > 0]
    assert content["favour"] == [r.text for r in expected if r.direction < 0]
    assert len({r.split(" — ")[0] for r in reasons}) == len(reasons)  # one per concept
    cf = content["counterfactual"]
    assert cf is not None
    if cf.found:
        assert ("We could approve" if lang == "en" else "Nous pourrions accepter") in text
    assert "@media print" in page and "@page" in page
    assert f'lang="{lang}"' in page


def test_approved_client_summary(service):
    page = _text(render_summary(service, _approved(service), "en"))
    assert "Your application is approved." in page and "Nothing: your application is approved" in page


def test_no_other_client_and_no_outcome(service, train_tables):
    cid = _refused(service)
    page = render_summary(service, cid, "en")
    assert "TARGET" not in page
    for word in ("defaulted", "repaid the", "outcome", "true label"):
        assert word not in page.lower()
    text = _text(page)
    assert f"Scoring model {VERSION}" in text
    # client references are 1xxxxx; the model's version (which holds its creation time) is not one
    ids = set(re.findall(r"\b1\d{5}\b", text.replace(VERSION, "")))
    assert ids == {str(cid)}
    # the page is the same whatever the client's true outcome
    apps = train_tables["application"].copy()
    row = apps["SK_ID_CURR"] == cid
    apps.loc[row, "TARGET"] = 1 - apps.loc[row, "TARGET"]
    flipped = Dataset(
        None,
        {"application_train": apps, **{k: v for k, v in train_tables.items() if k != "application"}},
    )
    other = ScoringService(service.model, flipped)
    from datetime import UTC, datetime

    now = datetime(2026, 1, 2, tzinfo=UTC)
    assert render_summary(other, cid, "fr", now=now) == render_summary(service, cid, "fr", now=now)


def test_unknown_client_writes_nothing(service, tmp_path):
    with pytest.raises(UnknownClientError):
        write_summary(service, 999_999_999, tmp_path / "x.html")
    assert not list(tmp_path.iterdir())


@pytest.fixture(scope="module")
def artifact(quick_result, synth_dir, tmp_path_factory) -> tuple[Path, Path]:
    out = tmp_path_factory.mktemp("summary-model") / "model"
    save_model(quick_result.model, out)
    return out, synth_dir


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scoring_core", *args], capture_output=True, text=True, timeout=300
    )


def _some_client(data: Path) -> int:
    first = (data / "application_train.csv").read_text().splitlines()[1]
    return int(first.split(",")[0])


def test_cli_summary_html_pdf_and_unknown_client(artifact, tmp_path):
    model, data = artifact
    cid = _some_client(data)
    out = tmp_path / "s.html"
    r = _cli(
        "summary",
        "--model",
        str(model),
        "--data-dir",
        str(data),
        "--client",
        str(cid),
        "--lang",
        "fr",
        "--out",
        str(out),
        "-q",
    )
    assert r.returncode == 0, r.stderr
    page = out.read_text(encoding="utf-8")
    assert "Votre demande" in page and f"Référence client {cid}" in page and "TARGET" not in page
    bad = _cli(
        "summary",
        "--model",
        str(model),
        "--data-dir",
        str(data),
        "--client",
        "999999999",
        "--out",
        str(tmp_path / "u.html"),
        "-q",
    )
    assert bad.returncode == 2 and "999999999" in bad.stderr and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1 and not (tmp_path / "u.html").exists()
    ext = _cli(
        "summary",
        "--model",
        str(model),
        "--data-dir",
        str(data),
        "--client",
        str(cid),
        "--out",
        str(tmp_path / "s.txt"),
        "-q",
    )
    assert ext.returncode == 2 and ".html or .pdf" in ext.stderr
    pdf = tmp_path / "s.pdf"
    r = _cli(
        "summary",
        "--model",
        str(model),
        "--data-dir",
        str(data),
        "--client",
        str(cid),
        "--out",
        str(pdf),
        "-q",
    )
    if find_chromium() is None:
        assert r.returncode == 2 and "Chromium" in r.stderr and not pdf.exists()
    else:
        assert r.returncode == 0, r.stderr
        head = pdf.read_bytes()
        assert head.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page[^s]", head)) == 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left


def test_api_summary(service, train_dataset, tmp_path):
    settings = ApiSettings(key=f"advisor:{KEY}", audit_log=tmp_path / "audit.jsonl")
    app = create_app(service, train_dataset, settings=settings)
    cid = _refused(service)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert client.get(f"/clients/{cid}/summary").status_code == 401
        r = client.get(f"/clients/{cid}/summary", params={"lang": "fr"}, headers={"X-API-Key": KEY})
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith("text/html")
        assert r.headers["cache-control"] == "no-store"
        assert "Votre demande est refusée." in r.text and "TARGET" not in r.text
        assert client.get("/clients/999999999/summary", headers={"X-API-Key": KEY}).status_code == 404
        assert client.get(f"/clients/{cid}/summary?lang=de", headers={"X-API-Key": KEY}).status_code == 422
        assert "/clients/{client_id}/summary" in client.get("/openapi.json").json()["paths"]
    lines = [json.loads(x) for x in (tmp_path / "audit.jsonl").read_text().splitlines() if x.strip()]
    assert any(x.get("client_id") == cid and x.get("endpoint", "").endswith("/summary") for x in lines)


def test_summary_under_serve_is_audited_and_not_cached(artifact, tmp_path, serve_api):
    """Through the real server process: the page, its headers and the audit line in its file."""
    import httpx

    model, data = artifact
    cid = _some_client(data)
    with serve_api(model, data, tmp_path, env={"SCORING_API_KEYS": f"advisor:{KEY}"}) as server:
        url, audit = server.url, server.audit
        r = httpx.get(
            f"{url}/clients/{cid}/summary", params={"lang": "fr"}, headers={"X-API-Key": KEY}, timeout=60
        )
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
        assert r.headers["content-type"].startswith("text/html") and f"Référence client {cid}" in r.text
        assert httpx.get(f"{url}/clients/{cid}/summary", timeout=30).status_code == 401
    lines = [json.loads(x) for x in audit.read_text().splitlines() if x.strip()]
    hits = [x for x in lines if x.get("client_id") == cid and str(x.get("endpoint", "")).endswith("/summary")]
    assert hits and hits[0].get("key_id") == "advisor"
