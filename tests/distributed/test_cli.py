"""``features``, ``score``, ``drift`` and ``train`` with ``--dask ADDRESS``: the same files as
without it (the commands run through the CLI's ``main``, connected to the test cluster)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pandas as pd
import pytest

from scoring_cli.main import main


@pytest.fixture(scope="module")
def address(dask_cluster):
    return dask_cluster.scheduler.address


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory, quick_result):
    from scoring_core.model.artifact import save_model

    return save_model(quick_result.model, tmp_path_factory.mktemp("cli-model") / "model")


@pytest.mark.parametrize("tables", ["all", "test-and-bureau"])
def test_features_file_is_the_in_memory_file(address, dask_dirs, tmp_path, capsys, tables):
    data = str(dask_dirs["parquet"])
    if tables != "all":  # no application_train: no TARGET (a column of None), four tables absent
        import shutil

        data = tmp_path / "data"
        data.mkdir()
        for name in ("application_test", "bureau"):
            shutil.copy(dask_dirs["parquet"] / f"{name}.parquet", data)
        data = str(data)
    assert main(["features", "-q", "--data-dir", data, "--out", str(tmp_path / "mem.parquet")]) == 0
    assert (
        main(
            ["features", "-q", "--data-dir", data, "--out", str(tmp_path / "dask.parquet"), "--dask", address]
        )
        == 0
    )
    assert "(Dask)" in capsys.readouterr().out
    expected = pd.read_parquet(tmp_path / "mem.parquet")
    got = pd.read_parquet(tmp_path / "dask.parquet")
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert list(got.columns[:2]) == ["SK_ID_CURR", "TARGET"]


def test_score_csv_is_the_in_memory_csv(address, dask_dirs, model_dir, tmp_path):
    common = ["score", "-q", "--model", str(model_dir), "--data-dir", str(dask_dirs["csv"])]
    assert main([*common, "--out", str(tmp_path / "mem.csv")]) == 0
    assert main([*common, "--out", str(tmp_path / "dask.csv"), "--dask", address]) == 0
    assert (tmp_path / "dask.csv").read_bytes() == (tmp_path / "mem.csv").read_bytes()
    assert main([*common, "--out", str(tmp_path / "scores.parquet"), "--dask", address]) == 0
    got = pd.read_parquet(tmp_path / "scores.parquet")
    assert len(got) == len(pd.read_csv(tmp_path / "mem.csv"))


def test_drift_flags_the_same_columns(address, dask_dirs, model_dir, tmp_path):
    common = ["drift", "-q", "--reference", str(dask_dirs["parquet"]), "--current", str(dask_dirs["parquet"])]
    common += ["--model", str(model_dir)]
    assert main([*common, "--json", str(tmp_path / "mem.json")]) == 0
    assert main([*common, "--json", str(tmp_path / "dask.json"), "--dask", address]) == 0
    mem, dsk = (json.loads((tmp_path / f"{n}.json").read_text()) for n in ("mem", "dask"))
    assert dsk["dataset_drift"] == mem["dataset_drift"]
    flags = {f["name"]: (f["drift"], f["psi"]) for f in mem["features"]}
    assert {f["name"]: (f["drift"], pytest.approx(f["psi"])) for f in dsk["features"]} == flags


def test_train_writes_a_loadable_model(address, dask_dirs, tmp_path, capsys):
    out = tmp_path / "model"
    args = ["train", "-q", "--quick", "--folds", "2", "--no-mlflow", "--data-dir", str(dask_dirs["parquet"])]
    assert main([*args, "--out", str(out), "--dask", address]) == 0
    assert "threshold" in capsys.readouterr().out
    from scoring_core.model.artifact import load_model

    assert load_model(out).metadata["recipe"]["engine"] == "lightgbm.dask"


def test_without_the_extra_the_error_names_it(dask_dirs, tmp_path):
    code = textwrap.dedent(
        f"""
        import sys
        sys.modules["distributed"] = None  # the [dask] extra not installed
        from scoring_cli.main import main
        sys.exit(main(["features", "-q", "--data-dir", {str(dask_dirs["csv"])!r},
                       "--out", {str(tmp_path / "f.parquet")!r}, "--dask"]))
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "error: --dask needs the Dask extra (distributed is not installed): "
        "pip install 'pret-a-depenser-scoring[dask]'"
    ]
    assert not (tmp_path / "f.parquet").exists()


@pytest.mark.slow
def test_local_cluster_through_the_process(dask_dirs, model_dir, tmp_path):
    """``python -m scoring_core score --dask`` with no address and no setting: a LocalCluster of
    worker processes is started, used and shut down (the command exits), same CSV as in memory."""
    import os

    args = ["score", "-q", "--model", str(model_dir), "--data-dir", str(dask_dirs["parquet"])]
    assert main([*args, "--out", str(tmp_path / "mem.csv")]) == 0
    env = {k: v for k, v in os.environ.items() if k != "SCORING_DASK_ADDRESS"}
    proc = subprocess.run(
        [sys.executable, "-m", "scoring_core", *args, "--out", str(tmp_path / "dask.csv"), "--dask"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "(Dask)" in proc.stdout
    assert proc.stderr == ""  # -q: none of Dask's scheduler, worker or shuffle logs
    assert (tmp_path / "dask.csv").read_bytes() == (tmp_path / "mem.csv").read_bytes()
