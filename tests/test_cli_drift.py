"""The drift command: exit 0 with the JSON contract and the HTML report; exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from scoring_cli import main


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scoring_core", *args], capture_output=True, text=True, timeout=300
    )


def assert_bad_input(proc: subprocess.CompletedProcess, *needles: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip() and not line.startswith("warning:")]
    assert len(lines) == 1, proc.stderr
    for n in needles:
        assert n in lines[0]


@pytest.fixture(scope="module")
def model_dir(quick_result, tmp_path_factory):
    from scoring_core.model.workflow import save_trained

    out = tmp_path_factory.mktemp("drift-model") / "m"
    save_trained(quick_result, out)
    return out


def test_drift_json_and_html(synth_dir, model_dir, tmp_path, capsys):
    js, html = tmp_path / "drift.json", tmp_path / "drift.html"
    args = ["drift", "--reference", str(synth_dir), "--current", str(synth_dir)]
    assert (
        main([*args, "--json", str(js), "--out", str(html), "--model", str(model_dir), "--top", "5", "-q"])
        == 0
    )
    out = capsys.readouterr().out
    d = json.loads(js.read_text())
    assert isinstance(d["dataset_drift"], bool)
    assert ("DATASET DRIFT" if d["dataset_drift"] else "no dataset drift") in out
    assert "score:" in out and "wrote JSON" in out
    names = [f["name"] for f in d["features"]]
    assert "score" in names and "AMT_INCOME_TOTAL" in names
    assert sum(f["source"] == "feature" for f in d["features"]) == 5
    for f in d["features"]:
        assert {"name", "kind", "stat_name", "statistic", "psi", "drift"} <= set(f)
        assert (
            isinstance(f["statistic"], float) and isinstance(f["psi"], float) and isinstance(f["drift"], bool)
        )
    assert "NaN" not in js.read_text()
    assert html.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drift.html", "drift.json"]  # no temp files


def test_drift_planted_shift_detected(synth_dir, tmp_path, capsys):
    import pandas as pd

    cur = tmp_path / "current"
    cur.mkdir()
    for f in synth_dir.iterdir():  # same history tables
        if not f.name.startswith("application"):
            (cur / f.name).symlink_to(f)
    test = pd.read_csv(synth_dir / "application_test.csv")
    test["AMT_INCOME_TOTAL"] *= 2
    test.to_csv(cur / "application_test.csv", index=False)
    flagged = {}
    for name, current in (("before", synth_dir), ("after", cur)):
        js = tmp_path / f"{name}.json"
        args = ["drift", "--reference", str(synth_dir), "--current", str(current), "--json", str(js), "-q"]
        assert main(args) == 0
        flagged[name] = {f["name"] for f in json.loads(js.read_text())["features"] if f["drift"]}
    income = {"AMT_INCOME_TOTAL", "ANNUITY_INCOME_RATIO", "CREDIT_INCOME_RATIO", "INCOME_PER_FAMILY_MEMBER"}
    assert income <= flagged["after"] and not income & flagged["before"]
    assert flagged["after"] - flagged["before"] == income  # nothing else moved
    assert "AMT_INCOME_TOTAL" in capsys.readouterr().out


def test_drift_bad_dir(synth_dir, tmp_path):
    missing = tmp_path / "nope"
    assert_bad_input(run("drift", "--reference", str(synth_dir), "--current", str(missing)), "nope")


def test_drift_empty_current(synth_dir, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    header = (synth_dir / "application_test.csv").read_text().splitlines()[0]
    (empty / "application_test.csv").write_text(header + "\n")
    assert_bad_input(
        run("drift", "--reference", str(synth_dir), "--current", str(empty), "-q"), "current data is empty"
    )


def test_drift_out_must_be_html(synth_dir, tmp_path):
    assert_bad_input(
        run(
            "drift",
            "--reference",
            str(synth_dir),
            "--current",
            str(synth_dir),
            "--out",
            str(tmp_path / "r.pdf"),
        ),
        "--out",
    )
