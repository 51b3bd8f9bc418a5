"""Every notebook runs end to end under papermill on small synthetic data."""

from __future__ import annotations

from pathlib import Path

import nbformat
import papermill as pm
import pytest
from papermill.translators import PythonTranslator

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
SMALL = {
    "01_explore.ipynb": {"synthetic_clients": 1500},
    "02_model_selection.ipynb": {
        "synthetic_clients": 1500,
        "folds": 2,
        "models": "dummy,logreg,lightgbm",
        "strategies": "none,class_weight:balanced,undersample",
        "class_weights": "1,4,12",
    },
    "03_train.ipynb": {"synthetic_clients": 1500, "quick": True},
    "04_drift.ipynb": {"synthetic_clients": 1500},
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
                assert not cell.get("outputs"), f"{path.name}: outputs must be stripped before commit"
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
    nb = nbformat.read(out, as_version=4)
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    text = _outputs(nb)
    assert "synthetic" in text
    if name == "03_train.ipynb":
        assert (tmp_path / "out" / "model" / "metadata.json").exists()
        assert "MLflow run" in text
    if name == "05_retrain.ipynb":
        assert (tmp_path / "out" / "models" / "current" / "metadata.json").exists()
        assert "decision: " in text and "first model" in text
