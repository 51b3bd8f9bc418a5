"""Notebooks: thin, stripped but for the cells nbval checks, and each one run by a test.

nbval (``pytest --nbval-lax``, see ``notebooks/conftest.py``) runs 00, 01 and 04 with their default
parameters and checks the cells marked ``# NBVAL_CHECK_OUTPUT``; the parameterized runs (model
selection, training, retraining) run here under papermill with small parameters; 06 runs through
the ``report`` command (``tests/reports``).
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill as pm
import pytest
from papermill.translators import PythonTranslator

from scoring_core.metrics import classification_report
from scoring_core.model.artifact import read_metadata
from scoring_core.model.evaluation import EVALUATION_FILE, load_evaluation

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
CHECK = "# NBVAL_CHECK_OUTPUT"
SMALL = {
    "02_model_selection.ipynb": {
        "synthetic_clients": 1500,
        "folds": 2,
        "models": "dummy,logreg,lightgbm",
        "strategies": "none,class_weight:balanced,undersample",
        "class_weights": "1,4,12",
    },
    "03_train.ipynb": {"synthetic_clients": 1500, "quick": True},
    "05_retrain.ipynb": {"synthetic_clients": 1500, "quick": True},
}


def _outputs(nb) -> str:
    text = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            text.append(out.get("text", "") or str(out.get("data", {}).get("text/plain", "")))
    return "\n".join(text)


def test_notebooks_are_thin_and_stripped():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
        assert len(params) == 1, f"{path.name}: one cell tagged 'parameters'"
        lines = [line for line in params[0].source.splitlines() if line.strip()]
        parsed = PythonTranslator.inspect(params[0])
        assert len(parsed) == len(lines), f"{path.name}: every parameter is `name: type = default  # help`"
        assert all(p.help for p in parsed), f"{path.name}: every parameter has a help comment"
        for cell in nb.cells:
            if cell.cell_type == "code":
                checked = cell.source.startswith(CHECK)
                assert checked or not cell.get("outputs"), (
                    f"{path.name}: outputs must be stripped before commit (but in {CHECK} cells)"
                )
                assert not checked or (cell.get("outputs") and cell.execution_count), (
                    f"{path.name}: a {CHECK} cell keeps its outputs (scripts/nbval_outputs.py)"
                )
                assert "def " not in cell.source and "class " not in cell.source, (
                    f"{path.name}: keep logic in scoring_core"
                )


@pytest.mark.parametrize("name", sorted(SMALL))
def test_notebook_runs(tmp_path, name):
    path = NOTEBOOKS / name
    if not path.exists():
        pytest.fail(f"{name} is missing")
    out = tmp_path / name
    params = {"output_dir": str(tmp_path / "out"), **SMALL[name]}
    pm.execute_notebook(
        str(path), str(out), parameters=params, progress_bar=False, kernel_name="python3", cwd=str(tmp_path)
    )
    nb = nbformat.read(out, as_version=4)  # papermill raised if a cell failed
    text = _outputs(nb)
    assert "synthetic" in text
    if name == "03_train.ipynb":
        model_dir = tmp_path / "out" / "model"
        assert (model_dir / "metadata.json").exists()
        # saved by the one training path: with its evaluation predictions, which the methodology
        # note (`report`) reads; without training data given, nothing is re-split or rebuilt
        assert (model_dir / EVALUATION_FILE).exists()
        evaluation = load_evaluation(model_dir)
        assert set(evaluation["split"]) == {"oof", "holdout"}
        holdout = evaluation[evaluation["split"] == "holdout"]
        recorded = read_metadata(model_dir)["metrics"]["holdout"]["auc"]
        assert classification_report(holdout["TARGET"], holdout["probability"])["auc"] == pytest.approx(
            recorded
        )
        assert "MLflow run" in text and "model version 1" in text  # the scoring model registered
        assert "shap.Explanation of" in text  # the SHAP views ran on the project's contributions
    if name == "05_retrain.ipynb":
        assert (tmp_path / "out" / "models" / "current" / "metadata.json").exists()
        assert "decision: " in text and "first model" in text


def test_every_notebook_is_run_by_a_test():
    """Each notebook is run by nbval (not ignored in notebooks/conftest.py, with checked cells),
    by papermill here, or by the report command (06)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("nb_conftest", NOTEBOOKS / "conftest.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nbval = path.name not in conf.collect_ignore
        assert nbval or path.name in SMALL or path.name == "06_methodology.ipynb", (
            f"{path.name} is run by no test"
        )
        assert not (nbval and path.name in SMALL), f"{path.name} runs twice"
        if nbval:
            nb = nbformat.read(path, as_version=4)
            assert any(c.source.startswith(CHECK) for c in nb.cells), f"{path.name}: nbval checks no cell"


def test_committed_notebooks_hold_no_run_state():
    """Outputs stay only in the cells nbval checks, and no widget state is committed."""

    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        assert "widgets" not in nb.metadata, f"{path.name}: widget state committed"
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.outputs:
                assert cell.source.lstrip().startswith("# NBVAL_CHECK_OUTPUT"), (
                    f"{path.name}: outputs committed"
                )
