"""Governed retraining (scoring_core.model.retraining, .gate, .store): the champion/challenger gate,
atomic promotion, rollback, MLflow."""

from __future__ import annotations

import fcntl
import json
import shutil

import numpy as np
import pandas as pd
import pytest

from scoring_core.model import (
    KEPT,
    PROMOTED,
    StoreError,
    TrainConfig,
    gate,
    load_model,
    retrain,
    rollback,
    save_model,
    save_trained,
    store,
    store_history,
    store_paths,
    train_and_save,
    workflow,
)
from scoring_core.model.evaluation import EVALUATION_FILE, load_evaluation

QUICK = TrainConfig(quick=True, seed=2)


@pytest.fixture(scope="module")
def new_tables():
    """New data: 1,500 other synthetic clients (seed 6)."""
    from scoring_core.data import normalize_table
    from scoring_core.synth import generate_tables

    t = {k: normalize_table(v, k) for k, v in generate_tables(1500, seed=6).items()}
    return {
        "application": t["application_train"],
        **{k: v for k, v in t.items() if not k.startswith("application")},
    }


@pytest.fixture(scope="module")
def weak_artifact(train_tables, tmp_path_factory):
    """A model trained on shuffled labels (no signal), saved without any gate."""
    apps = train_tables["application"].copy()
    apps["TARGET"] = np.random.default_rng(0).permutation(apps["TARGET"].to_numpy())
    out = tmp_path_factory.mktemp("weak") / "m"
    tables = {**train_tables, "application": apps}
    return train_and_save(
        tables, out, TrainConfig(quick=True, seed=3), log_mlflow=False, progress=False
    ).model_dir


@pytest.fixture(scope="module")
def good_artifact(quick_result, tmp_path_factory):
    """A sound model trained on other clients (seed 5) than the new data."""
    return save_trained(quick_result, tmp_path_factory.mktemp("good") / "m")


def _install(artifact, champion_dir):
    shutil.copytree(artifact, champion_dir)
    return load_model(champion_dir).version


def _leftovers(champion_dir):
    return sorted(p.name for p in champion_dir.parent.iterdir() if p.name.startswith("."))


def test_first_model_is_promoted_when_its_checks_pass(tmp_path, new_tables):
    current = tmp_path / "models" / "current"
    r = retrain(new_tables, current, config=QUICK, log_mlflow=False, progress=False)
    assert r.decision == PROMOTED and r.promoted and r.champion is None
    assert "no champion yet" in r.reasons[0]
    assert {c.name for c in r.checks} >= {
        "artifact",
        "feature_schema",
        "probabilities",
        "not_degenerate",
        "threshold",
    }
    assert all(c.passed for c in r.checks)
    model = load_model(current)
    assert model.version == r.challenger_version
    assert (current / EVALUATION_FILE).is_file()
    ev = load_evaluation(current)
    assert set(ev["split"]) == {"oof", "holdout"} and ev["probability"].between(0, 1).all()
    assert not store_paths(current).previous.exists()
    assert _leftovers(current) == []  # no staging directory left
    assert [e["action"] for e in store_history(current)] == [PROMOTED]
    assert "no champion" in r.summary() and "PROMOTED" in r.summary()


def test_first_model_without_signal_is_not_promoted(tmp_path, new_tables):
    apps = new_tables["application"].copy()
    apps["TARGET"] = np.random.default_rng(1).permutation(apps["TARGET"].to_numpy())
    current = tmp_path / "current"
    r = retrain({**new_tables, "application": apps}, current, config=QUICK, log_mlflow=False, progress=False)
    assert r.decision == KEPT and not r.promoted
    floor = next(c for c in r.checks if c.name == "auc_floor")
    assert not floor.passed and "floor 0.6" in floor.message
    assert not current.exists() and _leftovers(current) == []


def test_better_challenger_is_promoted_logged_and_rolled_back(tmp_path, new_tables, weak_artifact):
    import mlflow
    from mlflow import MlflowClient

    current = tmp_path / "current"
    old = _install(weak_artifact, current)
    r = retrain(new_tables, current, config=QUICK, progress=False)
    assert r.decision == PROMOTED and r.promoted, r.summary()
    assert r.champion["version"] == old and r.deltas["auc"] > 0.1
    assert r.deltas["auc_ok"] and r.deltas["cost_ok"] and r.deltas["auc_se"] > 0
    # same evaluation clients for both, and the champion is costed with the challenger's weights
    assert r.evaluation["clients"] == len(r.train_result.holdout_scores)
    paths = store_paths(current)
    assert load_model(current).version == r.challenger_version
    assert load_model(paths.previous).version == old
    assert _leftovers(current) == []

    runs = mlflow.search_runs(experiment_names=["credit-scoring"])
    assert len(runs) == 1
    run = runs.iloc[0]
    assert run["tags.retrain.decision"] == PROMOTED
    assert run["tags.retrain.champion_version"] == old
    assert run["tags.retrain.check.artifact"] == "pass"
    assert run["metrics.compare.challenger.auc"] == pytest.approx(r.challenger["auc"])
    assert run["metrics.compare.delta_auc"] == pytest.approx(r.deltas["auc"])
    alias = MlflowClient().get_model_version_by_alias("credit-scoring", "champion")
    assert str(alias.version) == str(r.mlflow["model_version"])

    back = rollback(current, log_mlflow=False)
    assert (back.restored_version, back.replaced_version) == (old, r.challenger_version)
    assert load_model(current).version == old
    assert load_model(paths.previous).version == r.challenger_version
    forward = rollback(current, log_mlflow=False)  # a second rollback rolls forward
    assert forward.restored_version == r.challenger_version
    # the promotion is journalled with the promotion itself, MLflow's ids in a line of their own
    history = store_history(current)
    assert [e["action"] for e in history] == [PROMOTED, "mlflow_logged", "rollback", "rollback"]
    assert history[1]["mlflow_model_version"] == r.mlflow["model_version"]
    assert not paths.promoting.exists()


def test_worse_challenger_is_refused_and_the_champion_kept(tmp_path, new_tables, good_artifact):
    current = tmp_path / "current"
    old = _install(good_artifact, current)
    before = (current / "metadata.json").read_bytes()
    # an honestly weaker recipe: stumps on a handful of random features, slow learning
    weak = TrainConfig(
        quick=True,
        seed=2,
        lgbm_params={
            "num_leaves": 2,
            "colsample_bytree": 0.01,
            "min_child_samples": 300,
            "learning_rate": 0.005,
        },
    )
    r = retrain(
        new_tables,
        current,
        config=weak,
        tolerance_auc=0.0,
        tolerance_cost=0.0,
        log_mlflow=False,
        progress=False,
    )
    assert r.decision == KEPT and not r.promoted, r.summary()
    assert r.deltas["auc"] < 0 and not r.deltas["auc_ok"]
    assert r.reasons[0].startswith("the champion is kept") and "AUC" in r.reasons[0]
    assert (current / "metadata.json").read_bytes() == before and load_model(current).version == old
    assert not store_paths(current).previous.exists()
    assert _leftovers(current) == []
    assert store_history(current)[-1]["action"] == KEPT
    table = r.table()
    assert table.loc["AUC", "ok"] is False or table.loc["AUC", "ok"] == False  # noqa: E712
    assert "KEPT the champion" in r.summary() and "FAILS" in r.summary()


def test_dry_run_changes_nothing(tmp_path, new_tables, weak_artifact):
    current = tmp_path / "current"
    old = _install(weak_artifact, current)
    r = retrain(new_tables, current, config=QUICK, dry_run=True, log_mlflow=False, progress=False)
    assert r.decision == PROMOTED and not r.promoted and r.dry_run
    assert load_model(current).version == old
    assert not store_paths(current).previous.exists() and store_history(current) == []
    assert "would PROMOTE" in r.summary()
    json.dumps(r.to_dict(), default=str)  # serialisable (MLflow gets it)


@pytest.mark.parametrize("where", ["exchange", "save"])
def test_a_failure_leaves_the_champion_and_the_rollback_target_intact(
    tmp_path, new_tables, weak_artifact, good_artifact, monkeypatch, where
):
    current = tmp_path / "current"
    old = _install(weak_artifact, current)
    prev = _install(good_artifact, store_paths(current).previous)
    before = (current / "metadata.json").read_bytes()

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device (injected)")

    if where == "exchange":  # after the challenger was written, checked and approved
        monkeypatch.setattr(store, "_exchange", boom)
        with pytest.raises(StoreError, match="promotion failed.*unchanged"):
            retrain(new_tables, current, config=QUICK, log_mlflow=False, progress=False)
    else:  # while the challenger is being written
        monkeypatch.setattr(workflow, "save_model", boom)
        with pytest.raises(OSError, match="injected"):
            retrain(new_tables, current, config=QUICK, log_mlflow=False, progress=False)
    assert (current / "metadata.json").read_bytes() == before and load_model(current).version == old
    assert load_model(store_paths(current).previous).version == prev
    assert _leftovers(current) == []
    archive = store_paths(current).archive
    assert not archive.exists() or not any(archive.iterdir())
    assert store_history(current) == []


def test_exchange_fallback_restores_the_target_when_the_swap_fails(tmp_path, monkeypatch):
    new, target = tmp_path / "new", tmp_path / "target"
    new.mkdir()
    target.mkdir()
    (new / "f").write_text("new")
    (target / "f").write_text("old")
    store._exchange(new, target)  # the atomic path (renameat2 where available)
    assert (target / "f").read_text() == "new" and (new / "f").read_text() == "old"

    monkeypatch.setattr(store, "_renameat2", lambda: None)
    real = store.os.replace
    calls = []

    def flaky(src, dst):
        calls.append((src, dst))
        if len(calls) == 2:  # the new directory moving into place
            raise OSError("injected")
        return real(src, dst)

    monkeypatch.setattr(store.os, "replace", flaky)
    with pytest.raises(OSError, match="injected"):
        store._exchange(new, target)
    assert (target / "f").read_text() == "new" and (new / "f").read_text() == "old"
    monkeypatch.setattr(store.os, "replace", real)
    store._exchange(new, target)
    assert (target / "f").read_text() == "old" and (new / "f").read_text() == "new"


def test_rollback_without_a_previous_model_is_a_clear_error(tmp_path, good_artifact):
    current = tmp_path / "current"
    with pytest.raises(StoreError, match="nothing to roll back to"):
        rollback(current, log_mlflow=False)
    _install(good_artifact, current)
    with pytest.raises(StoreError, match="nothing to roll back to"):
        rollback(current, log_mlflow=False)
    shutil.copytree(good_artifact, store_paths(current).previous)
    with open(store_paths(current).previous / "model.txt", "a") as f:
        f.write("\n")  # tampered: refused before anything moves
    with pytest.raises(StoreError, match="does not load"):
        rollback(current, log_mlflow=False)


def test_the_store_is_locked_while_it_changes(tmp_path, good_artifact):
    current = tmp_path / "current"
    _install(good_artifact, current)
    shutil.copytree(good_artifact, store_paths(current).previous)
    with open(store_paths(current).lock, "a") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        with pytest.raises(StoreError, match="another retrain or rollback"):
            rollback(current, log_mlflow=False)


@pytest.mark.parametrize(
    "kwargs, message",
    [({"tolerance_auc": -0.1}, "tolerance_auc"), ({"tolerance_cost": float("nan")}, "tolerance_cost")],
)
def test_bad_tolerances(tmp_path, new_tables, kwargs, message):
    with pytest.raises(StoreError, match=message):
        retrain(new_tables, tmp_path / "current", config=QUICK, log_mlflow=False, **kwargs)


def test_a_champion_that_does_not_load_is_an_error(tmp_path, new_tables, good_artifact):
    current = tmp_path / "current"
    _install(good_artifact, current)
    (current / "features.json").write_text("{}")
    with pytest.raises(StoreError, match="champion does not load"):
        retrain(new_tables, current, config=QUICK, log_mlflow=False, progress=False)
    not_a_model = tmp_path / "other"
    not_a_model.mkdir()
    (not_a_model / "notes.txt").write_text("x")
    with pytest.raises(StoreError, match="not a model directory"):
        retrain(new_tables, not_a_model, config=QUICK, log_mlflow=False, progress=False)


@pytest.mark.parametrize(
    "champ, chall, checks_ok, decision, words",
    [
        ({"auc": 0.75, "cost": 0.50}, {"auc": 0.746, "cost": 0.509}, True, PROMOTED, "not worse"),
        ({"auc": 0.75, "cost": 0.50}, {"auc": 0.744, "cost": 0.49}, True, KEPT, "AUC"),
        ({"auc": 0.75, "cost": 0.50}, {"auc": 0.80, "cost": 0.52}, True, KEPT, "cost"),
        ({"auc": 0.75, "cost": 0.50}, {"auc": 0.80, "cost": 0.40}, False, KEPT, "checks"),
        (None, {"auc": 0.70, "cost": 0.50}, True, PROMOTED, "no champion yet"),
        (None, {"auc": 0.70, "cost": 0.50}, False, KEPT, "fails its checks"),
    ],
)
def test_the_gate_rule(champ, chall, checks_ok, decision, words):
    checks = [gate.Check("x", checks_ok, "message")]
    got, reasons, deltas = gate.decide(checks, champ, chall, 0.005, 0.01)
    assert got == decision
    assert words in reasons[0]
    if champ is not None:
        assert deltas["auc"] == pytest.approx(chall["auc"] - champ["auc"])


def test_evaluation_of_an_older_artifact_is_rebuilt_from_its_training_data(
    tmp_path, quick_result, train_tables
):
    model_dir = save_model(quick_result.model, tmp_path / "m")  # no evaluation file: an older artifact
    with pytest.raises(Exception, match="no evaluation.parquet"):
        load_evaluation(model_dir)
    ev = load_evaluation(model_dir, train_tables)
    expected = quick_result.holdout_scores
    assert ev["SK_ID_CURR"].tolist() == expected["SK_ID_CURR"].tolist()
    assert np.allclose(ev["probability"], expected["probability"])
    other = {**train_tables, "application": train_tables["application"].iloc[:-5]}
    with pytest.raises(Exception, match="not its training data"):
        load_evaluation(model_dir, other)
    assert isinstance(ev, pd.DataFrame)


def test_stale_staging_of_a_live_process_is_kept(tmp_path):
    """A retrain trains and saves its challenger before taking the lock: a concurrent run removes
    only the staging directories of processes that are gone."""
    import os
    import subprocess
    import sys

    paths = store_paths(tmp_path / "current")
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(gone.stdout)
    mine = tmp_path / f".current.staging-{os.getpid()}-aaaa"
    mine_tmp = tmp_path / f"..current.staging-{os.getpid()}-aaaa.tmp123"
    dead = tmp_path / f".current.staging-{dead_pid}-bbbb"
    dead_tmp = tmp_path / f"..current.staging-{dead_pid}-bbbb.tmp456"
    for d in (mine, mine_tmp, dead, dead_tmp):
        d.mkdir()
    store._remove_stale_staging(paths)
    assert mine.exists() and mine_tmp.exists()
    assert not dead.exists() and not dead_tmp.exists()
