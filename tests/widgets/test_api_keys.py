"""The run.sh set-up: the server's named keys and the dashboard's one key in one environment.

``SCORING_API_KEYS`` (the keys the server accepts, ``name:key``, comma-separated) and
``SCORING_API_KEY`` (the dashboard's one key) are distinct settings. Before the split both were
``SCORING_API_KEY``, so a server with named keys handed the dashboard ``advisor:K,ops:K2`` as
its key: every call answered 401. Here the API runs as users run it (``python -m scoring_core
serve``, a subprocess) and the dashboard's backend is built from the same environment.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from scoring_core.model.artifact import save_model
from widgets.backend import BackendError, HttpBackend, backend_from_env
from widgets.settings import DashboardSettings

ADVISOR, OPS = "advisor-key-7f3a", "ops-key-91bc"
NAMED_KEYS = f"advisor:{ADVISOR},ops:{OPS}"


@pytest.fixture(scope="module")
def model_dir(quick_result, tmp_path_factory):
    model = tmp_path_factory.mktemp("keys-model") / "model"
    save_model(quick_result.model, model)
    return model


@pytest.fixture(scope="module")
def api(model_dir, synth_dir, tmp_path_factory, serve_api):
    """``serve`` with the server's named keys and the dashboard's key in its environment."""
    tmp = tmp_path_factory.mktemp("keys")
    # SCORING_API_KEY is the dashboard's: the server must not read it when SCORING_API_KEYS is set
    env = {"SCORING_API_KEYS": NAMED_KEYS, "SCORING_API_KEY": ADVISOR}
    with serve_api(model_dir, synth_dir, tmp, "--workers", "1", env=env) as s:
        yield s


def test_dashboard_backend_gets_data_with_its_key(api, monkeypatch):
    monkeypatch.setenv("SCORING_API_URL", api.url)
    monkeypatch.setenv("SCORING_API_KEYS", NAMED_KEYS)
    monkeypatch.setenv("SCORING_API_KEY", ADVISOR)
    backend = backend_from_env()
    assert isinstance(backend, HttpBackend)
    clients = backend.portfolio(limit=3)["clients"]
    assert len(clients) == 3
    score = backend.score(clients[0]["client_id"])
    assert score["client_id"] == clients[0]["client_id"] and 0.0 <= score["probability"] <= 1.0
    # the audit log names the dashboard's key by its name in SCORING_API_KEYS
    scored = f"/clients/{clients[0]['client_id']}/score"
    deadline, lines = time.monotonic() + 15, []
    while time.monotonic() < deadline and not any(d["endpoint"] == scored for d in lines):
        time.sleep(0.1)
        text = api.audit.read_text() if api.audit.exists() else ""
        lines = [json.loads(x) for x in text.splitlines(keepends=True) if x.endswith("\n")]
    assert any(d["endpoint"] == scored for d in lines)
    assert {d["key_id"] for d in lines if d["endpoint"] == scored} == {"advisor"}
    assert "deprecated" not in api.stderr()  # the server read SCORING_API_KEYS


def test_every_named_key_is_accepted_and_a_list_is_not_a_client_key(api, monkeypatch):
    ops = HttpBackend(api.url, OPS)
    assert ops.portfolio(limit=1)["clients"]
    with pytest.raises(BackendError, match="refused the API key") as exc:
        HttpBackend(api.url, "not-a-key").portfolio(limit=1)
    assert exc.value.status == 401
    # the old set-up (the server's list given to the dashboard) is named, not a 401
    monkeypatch.setenv("SCORING_API_URL", api.url)
    monkeypatch.setenv("SCORING_API_KEY", NAMED_KEYS)
    with pytest.raises(BackendError, match="SCORING_API_KEY holds several keys.*SCORING_API_KEYS"):
        backend_from_env()
    # one named entry is read as its key
    monkeypatch.setenv("SCORING_API_KEY", f"advisor:{ADVISOR}")
    assert DashboardSettings().key() == ADVISOR
    assert backend_from_env().portfolio(limit=1)["clients"]


def test_serve_with_the_old_name(model_dir, synth_dir, tmp_path, serve_api):
    """A server configured as before the split (its keys in SCORING_API_KEY) still serves them,
    and says the name is deprecated in its log."""
    env = {"SCORING_API_KEYS": None, "SCORING_API_KEY": NAMED_KEYS}
    with serve_api(model_dir, synth_dir, tmp_path, "--workers", "1", env=env) as old:
        for key in (ADVISOR, OPS):
            assert HttpBackend(old.url, key).portfolio(limit=1)["clients"]
        assert "SCORING_API_KEY as the server's keys is deprecated" in old.stderr()


def test_the_old_server_name_still_works_with_a_warning(monkeypatch, tmp_path, caplog):
    from scoring_api.settings import ApiSettings

    monkeypatch.delenv("SCORING_API_KEYS", raising=False)
    monkeypatch.setenv("SCORING_API_KEY", NAMED_KEYS)
    with caplog.at_level("WARNING", logger="scoring_api.settings"):
        settings = ApiSettings(audit_log=tmp_path / "a.jsonl")
    assert settings.keys() == {ADVISOR: "advisor", OPS: "ops"}
    assert ["deprecated" in r.message and "SCORING_API_KEYS" in r.message for r in caplog.records] == [True]
    caplog.clear()
    monkeypatch.setenv("SCORING_API_KEYS", f"ops:{OPS}")
    assert ApiSettings().keys() == {OPS: "ops"}  # KEYS set: SCORING_API_KEY is a client's, ignored
    assert not caplog.records


def test_settings_files_are_read(tmp_path, monkeypatch):
    """A ``.env`` in the working directory sets the dashboard's settings too."""
    for name in ("SCORING_API_URL", "SCORING_API_KEY", "SCORING_LANG", "SCORING_DATA_DIR"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".env").write_text("SCORING_API_URL=http://127.0.0.1:9\nSCORING_API_KEY=k\nSCORING_LANG=fr\n")
    monkeypatch.chdir(tmp_path)
    s = DashboardSettings()
    assert (s.api_url, s.key(), s.lang, s.data_dir) == (
        "http://127.0.0.1:9",
        "k",
        "fr",
        Path("data/synthetic"),
    )
