"""The methodology note: papermill + nbconvert HTML with the run's numbers and the fairness check."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scoring_cli import main

REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "scoring_core", *args], capture_output=True, text=True, timeout=600
    )


def assert_bad_input(proc: subprocess.CompletedProcess, *needles: str) -> None:
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    for n in needles:
        assert n in lines[0]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory, synth_dir):
    out = tmp_path_factory.mktemp("models") / "m"
    assert (
        main(["train", "--data-dir", str(synth_dir), "--out", str(out), "--quick", "--no-mlflow", "-q"]) == 0
    )
    return out


def test_the_shipped_template_is_the_repository_notebook():
    """One copy: the package data is a link to the notebook, not a second file to keep equal."""
    from scoring_reports.methodology import methodology_template

    template = methodology_template()
    assert template.is_file()
    assert template.samefile(REPO / "notebooks" / "06_methodology.ipynb")


def test_train_stores_the_evaluation_predictions(model_dir):
    from scoring_core.model.evaluation import EVALUATION_FILE, load_evaluation

    meta = json.loads((model_dir / "metadata.json").read_text())
    assert EVALUATION_FILE in meta["files"]  # hashed like every artifact file
    ev = load_evaluation(model_dir)
    assert (ev["split"] == "holdout").sum() == meta["training"]["holdout_clients"]
    assert (ev["split"] == "oof").sum() == meta["training"]["train_clients"]


def test_report_renders_the_run_numbers_and_the_fairness_check(tmp_path, model_dir, synth_dir, capsys):
    out = tmp_path / "note.html"
    kept = tmp_path / "note.ipynb"
    args = ["report", "--model", str(model_dir), "--data-dir", str(synth_dir), "--out", str(out)]
    assert main([*args, "--notebook", str(kept), "-q"]) == 0
    assert "methodology note" in capsys.readouterr().out
    html = out.read_text(encoding="utf-8")
    meta = json.loads((model_dir / "metadata.json").read_text())
    ho = meta["metrics"]["holdout"]
    # headline numbers, formatted as in the note
    assert f"its AUC is <strong>{ho['auc']:.3f}</strong>" in html
    assert f"at least <strong>{meta['threshold']:.3f}</strong>" in html
    assert f"costs {ho['at_threshold']['cost']:.3f} per client" in html
    assert f"{meta['training']['clients']:,} labelled clients" in html
    assert meta["model_version"] in html
    # every section, the fairness tables by gender and age band
    for section in (
        "How the model was trained",
        "Business cost",
        "Evaluation",
        "Interpretability",
        "Fairness check",
    ):
        assert section in html
    assert "By gender (CODE_GENDER)" in html and "By age band" in html
    assert re.search(r"disparate-impact ratio <strong>\d\.\d\d</strong>", html)
    assert "approval_rate" in html and "25-34" in html
    assert "Limits and possible improvements" in html
    # the probabilities are calibrated, and the note says so with the model's own figures
    cal = meta["metrics"]["calibration"]
    assert f"calibrated ({cal['method']}) on the out-of-fold predictions" in html
    assert f"{cal['holdout_ece_after']:.4f} after" in html and "would need calibrating" not in html
    # no code shown, figures embedded with plotly.js (works offline)
    assert "fairness_table(" not in html and "import pandas" not in html
    assert html.count('class="plotly-graph-div"') >= 4
    assert "window.Plotly" in html
    assert kept.is_file() and out.stat().st_mode & 0o044  # readable by others, like any document


def test_report_bad_inputs_are_one_line_errors(tmp_path, model_dir, synth_dir):
    assert_bad_input(
        run(
            "report",
            "--model",
            str(model_dir),
            "--data-dir",
            str(synth_dir),
            "--out",
            str(tmp_path / "n.pdf"),
        ),
        ".html",
    )
    assert_bad_input(
        run(
            "report",
            "--model",
            str(tmp_path / "none"),
            "--data-dir",
            str(synth_dir),
            "--out",
            str(tmp_path / "n.html"),
        ),
        "does not exist",
    )
    assert not (tmp_path / "n.html").exists()


def test_report_on_data_that_is_not_the_models(tmp_path, model_dir):
    from scoring_core.synth import generate

    other = tmp_path / "other"
    generate(300, other, seed=99, progress=False)
    proc = run(
        "report", "--model", str(model_dir), "--data-dir", str(other), "--out", str(tmp_path / "n.html")
    )
    assert_bad_input(proc, "methodology notebook failed", "DataError", "do not belong to this data")
    assert not (tmp_path / "n.html").exists()


def test_report_without_papermill_says_what_to_install(tmp_path, model_dir, synth_dir, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "papermill", None)  # import papermill -> ImportError
    code = main(
        ["report", "--model", str(model_dir), "--data-dir", str(synth_dir), "--out", str(tmp_path / "n.html")]
    )
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "pip install -e '.[notebooks]'" in err[0] and "papermill" in err[0]


def test_the_report_kernel_writes_nothing_to_our_stderr(tmp_path):
    """What the kernel process prints on its stderr (libzmq assertions at shutdown, for one)
    never reaches the CLI's stderr, whose error is one line."""
    script = tmp_path / "run.py"
    script.write_text(
        "import nbformat, papermill as pm\n"
        "from scoring_reports.methodology import _quiet_kernel_manager\n"
        "nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(\"import os; os.write(2, b'KERNEL-STDERR')\")])\n"
        "nb.metadata['kernelspec'] = {'name': 'python3', 'display_name': 'Python 3', 'language': 'python'}\n"
        f"nbformat.write(nb, {str(tmp_path / 'in.ipynb')!r})\n"
        f"pm.execute_notebook({str(tmp_path / 'in.ipynb')!r}, {str(tmp_path / 'out.ipynb')!r}, progress_bar=False,\n"
        "                    kernel_manager_class=_quiet_kernel_manager())\n"
    )
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "KERNEL-STDERR" not in proc.stderr + proc.stdout
