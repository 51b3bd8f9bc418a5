from __future__ import annotations

import json

import numpy as np
import pytest

from scoring_core.model.artifact import FORMAT_VERSION, ModelError, ModelTamperedError, load_model, save_model
from scoring_core.model.manifest import MANIFEST, write_manifest


def _edit_metadata(model_dir, change=None, *, replace=None, reseal=True):
    """Change ``metadata.json``; with ``reseal``, re-hash the manifest as someone without the
    signing key could (so the field validation, not the hash, has to catch it)."""
    path = model_dir / "metadata.json"
    meta = json.loads(path.read_text())
    if change:
        meta.update(change)
    path.write_text(json.dumps(meta if replace is None else replace))
    if reseal:
        write_manifest(model_dir)


def test_round_trip_scores_identically(tmp_path, quick_result, train_tables):
    model = quick_result.model
    save_model(model, tmp_path / "m")
    loaded = load_model(tmp_path / "m")
    assert loaded.threshold == model.threshold and loaded.feature_names == model.feature_names
    X = model.features(train_tables)
    np.testing.assert_allclose(loaded.predict_proba(X), model.predict_proba(X), rtol=1e-12)
    meta = json.loads((tmp_path / "m" / "metadata.json").read_text())
    for key in (
        "format_version",
        "created_at",
        "packages",
        "feature_names",
        "feature_dtypes",
        "threshold",
        "cost_weights",
        "metrics",
        "data_fingerprint",
        "files",
    ):
        assert key in meta, key
    assert set(meta["files"]) == {"model.txt", "features.json"}
    manifest = json.loads((tmp_path / "m" / MANIFEST).read_text())
    assert set(manifest["files"]) == {"model.txt", "features.json", "metadata.json"}
    assert "signature" not in manifest  # no key configured
    assert meta["metrics"]["oof"]["at_threshold"]["tn"] >= 0
    assert not list(tmp_path.glob(".m.*")), "temporary directories left behind"


def test_no_pickle_in_the_artifact(tmp_path, quick_result):
    save_model(quick_result.model, tmp_path / "m")
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == [
        "features.json",
        "manifest.json",
        "metadata.json",
        "model.txt",
    ]
    assert (tmp_path / "m" / "model.txt").read_text().startswith("tree")


def test_tampered_file_is_refused(tmp_path, quick_result):
    save_model(quick_result.model, tmp_path / "m")
    path = tmp_path / "m" / "model.txt"
    path.write_text(path.read_text().replace("shrinkage=", "shrinkage=9", 1))
    with pytest.raises(ModelError, match="model.txt was modified"):
        load_model(tmp_path / "m")


def test_tampered_features_are_refused(tmp_path, quick_result):
    save_model(quick_result.model, tmp_path / "m")
    path = tmp_path / "m" / "features.json"
    state = json.loads(path.read_text())
    state["params"]["recent_days"] = 30
    path.write_text(json.dumps(state))
    with pytest.raises(ModelError, match="features.json was modified"):
        load_model(tmp_path / "m")


def test_edited_threshold_is_refused_as_tampered(tmp_path, quick_result):
    save_model(quick_result.model, tmp_path / "m")
    _edit_metadata(tmp_path / "m", {"threshold": 0.99}, reseal=False)
    with pytest.raises(ModelTamperedError, match="metadata.json was modified.*tampered"):
        load_model(tmp_path / "m")


def test_unlisted_or_missing_manifest_is_refused(tmp_path, quick_result):
    save_model(quick_result.model, tmp_path / "m")
    (tmp_path / "m" / "extra.bin").write_bytes(b"x")
    with pytest.raises(ModelTamperedError, match="extra.bin is not in manifest.json"):
        load_model(tmp_path / "m")
    (tmp_path / "m" / "extra.bin").unlink()
    load_model(tmp_path / "m")
    (tmp_path / "m" / MANIFEST).unlink()  # an artifact of format 1.0
    with pytest.raises(ModelTamperedError, match="no manifest.json.*retrain the model"):
        load_model(tmp_path / "m")


def test_signed_artifact(tmp_path, quick_result):
    save_model(quick_result.model, tmp_path / "m", key="k1")
    assert json.loads((tmp_path / "m" / MANIFEST).read_text())["signature"]["algorithm"] == "hmac-sha256"
    assert load_model(tmp_path / "m", key="k1").threshold == quick_result.model.threshold
    load_model(tmp_path / "m", key="")  # no key configured: the hashes are still checked
    with pytest.raises(ModelTamperedError, match="signature .* does not match"):
        load_model(tmp_path / "m", key="another key")
    # re-hashing after an edit without the key drops the signature: refused when a key is set
    _edit_metadata(tmp_path / "m", {"threshold": 0.99})
    with pytest.raises(ModelTamperedError, match="not signed"):
        load_model(tmp_path / "m", key="k1")
    # an unsigned artifact is refused when a key is set
    save_model(quick_result.model, tmp_path / "u", key="")
    with pytest.raises(ModelTamperedError, match="not signed"):
        load_model(tmp_path / "u", key="k1")


@pytest.mark.parametrize(
    "change, message",
    [
        ({"format_version": "9.0"}, "format 9.0 is not supported"),
        ({"packages": {"lightgbm": "1.0.0"}}, "LightGBM 1.0.0"),
        ({"threshold": 3}, "'threshold' must be a probability"),
        ({"threshold": True}, "'threshold' must be a probability .*not a boolean.*found true"),
        ({"threshold": "0.5"}, "'threshold' must be a probability"),
        ({"threshold": None}, "'threshold' must be a probability"),
        ({"packages": None}, "'packages' must be an object"),
        ({"packages": ["lightgbm"]}, "'packages' must be an object"),
        ({"cost_weights": {"c_fn": "10", "c_fp": 1}}, "'cost_weights' must be"),
        ({"cost_weights": {"c_fn": False, "c_fp": 1}}, "'cost_weights' must be"),
        ({"feature_names": None}, "'feature_names' must be a non-empty list"),
        ({"files": []}, "'files' must be"),
        ({"model_kind": "pickle"}, "unknown model kind"),
        ({"model_version": 7}, "'model_version' must be a non-empty string"),
    ],
)
def test_incompatible_metadata_is_refused(tmp_path, quick_result, change, message):
    save_model(quick_result.model, tmp_path / "m")
    _edit_metadata(tmp_path / "m", change)
    with pytest.raises(ModelError, match=message):
        load_model(tmp_path / "m")


def test_metadata_that_is_not_an_object_is_refused(tmp_path, quick_result):
    save_model(quick_result.model, tmp_path / "m")
    _edit_metadata(tmp_path / "m", replace=[1, 2])
    with pytest.raises(ModelError, match="must hold a JSON object, found a JSON list"):
        load_model(tmp_path / "m")


def test_missing_or_broken_directory(tmp_path):
    with pytest.raises(ModelError, match="does not exist"):
        load_model(tmp_path / "none")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match="metadata.json is missing"):
        load_model(tmp_path / "empty")
    (tmp_path / "empty" / "metadata.json").write_text("{not json")
    with pytest.raises(ModelTamperedError, match="no manifest.json"):
        load_model(tmp_path / "empty")
    write_manifest(tmp_path / "empty")
    with pytest.raises(ModelError, match="not valid JSON"):
        load_model(tmp_path / "empty")


def test_failed_save_keeps_the_working_model(tmp_path, quick_result, monkeypatch):
    target = tmp_path / "m"
    save_model(quick_result.model, target)
    before = (target / "metadata.json").read_text()

    def broken(*a, **k):
        raise ModelError("verification failed")

    monkeypatch.setattr("scoring_core.model.artifact.load_model", broken)
    with pytest.raises(ModelError):
        save_model(quick_result.model, target)
    monkeypatch.undo()
    assert (target / "metadata.json").read_text() == before
    load_model(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]


def test_refuses_to_replace_a_non_model_directory(tmp_path, quick_result):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text("keep me")
    with pytest.raises(ModelError, match="not a model directory"):
        save_model(quick_result.model, tmp_path / "docs")
    assert (tmp_path / "docs" / "notes.txt").exists()


def test_format_version_recorded(tmp_path, quick_result):
    save_model(quick_result.model, tmp_path / "m")
    assert load_model(tmp_path / "m").metadata["format_version"] == FORMAT_VERSION


def test_fast_booster_input_matches_lightgbm_dataframe_path(tmp_path, quick_result, train_tables):
    model = load_model(save_model(quick_result.model, tmp_path / "m"))
    X = model.features(train_tables).iloc[:300].copy()
    cat = X.select_dtypes("category").columns[0]
    X.loc[X.index[:20], cat] = None  # missing categories too
    assert isinstance(model.booster_input(X), np.ndarray)  # the fast path is taken
    # the booster's own output on both inputs (predict_proba may add a calibration on top)
    np.testing.assert_allclose(
        model.estimator.predict(model.booster_input(X)), model.estimator.predict(X), rtol=1e-12
    )
    np.testing.assert_allclose(
        model.estimator.predict(model.booster_input(X), pred_contrib=True),
        model.estimator.predict(X, pred_contrib=True),
        rtol=1e-12,
        atol=1e-12,
    )
