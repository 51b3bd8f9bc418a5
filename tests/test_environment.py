"""``environment.yml`` (the conda route) carries every dependency of ``pyproject.toml``: the core
and every extra, with the same lower bounds, so a conda user can run the dashboard, the notebooks,
JupyterLab, ``report`` and the tests."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "pret-a-depenser-scoring"
#: pip name -> conda-forge name, where they differ
CONDA_NAME: dict[str, str] = {}
_REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(\[[^\]]*\])?\s*(.*)$")


def _parse(requirement: str) -> tuple[str, str]:
    """``(normalised name, version spec)`` of ``name[extras] >=x`` (no markers in this project)."""
    m = _REQ.match(requirement.split(";")[0])
    assert m, f"cannot parse requirement {requirement!r}"
    return re.sub(r"[-_.]+", "-", m.group(1)).lower(), m.group(3).replace(" ", "")


def _pyproject() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        reqs.extend(extra)
    out: dict[str, str] = {}
    for r in reqs:
        name, spec = _parse(r)
        if name == PROJECT:  # an extra that includes other extras
            continue
        assert out.get(name, spec) == spec, f"{name} has two different bounds in pyproject.toml"
        out[CONDA_NAME.get(name, name)] = spec
    return out


def _environment() -> tuple[dict[str, str], list]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda: dict[str, str] = {}
    pip: list = []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip.extend(dep.get("pip", []))
            continue
        name, spec = _parse(
            str(dep).replace("=", "==", 1) if re.match(r"^[\w.-]+=[^=]", str(dep)) else str(dep)
        )
        conda[name] = spec
    return conda, pip


def test_every_pyproject_dependency_is_in_environment_yml_with_the_same_lower_bound():
    wanted = _pyproject()
    conda, _ = _environment()
    missing = sorted(set(wanted) - set(conda))
    assert not missing, f"environment.yml lacks {missing} (pyproject.toml needs them)"
    different = {n: (wanted[n], conda[n]) for n in wanted if conda[n] != wanted[n]}
    assert not different, f"lower bounds differ (pyproject, environment.yml): {different}"


def test_environment_yml_has_nothing_pyproject_does_not_know():
    wanted = _pyproject()
    conda, pip = _environment()
    extra = sorted(set(conda) - set(wanted) - {"python", "pip"})
    assert not extra, f"environment.yml has {extra}, which pyproject.toml does not declare"
    assert conda["python"] == "==3.11"
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["requires-python"] == ">=3.11"
    assert pip == ["-e ."], "environment.yml installs the project itself with pip -e ."


@pytest.mark.parametrize("extra", ["lab", "shap", "test"])
def test_the_jupyter_extras_exist(extra):
    """What the README's set-up commands install: JupyterLab, shap and nbval are declared."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    names = {_parse(r)[0] for r in extras[extra]}
    expect = {
        "lab": {"jupyterlab"},
        "shap": {"shap", "matplotlib"},
        "test": {"nbval", "playwright", "pytest"},
    }
    assert expect[extra] <= names
    if extra != "shap":
        included = "".join(r for r in extras[extra] if r.startswith(PROJECT))
        for part in {"lab": ["notebooks", "widgets", "shap"], "test": ["dashboard", "lab", "shap"]}[extra]:
            assert part in included, f"[{extra}] must include [{part}]"


def test_plotly_and_mlflow_are_extras_not_core():
    """The core needs neither (it never imports plotly; MLflow only when a run is logged): plotly
    comes with the widgets, notebooks and reports, MLflow with the tracking extra, and the
    set-ups that log runs (lab, test, run.sh) install it."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = {_parse(r)[0] for r in project["dependencies"]}
    assert not core & {"plotly", "mlflow", "mlflow-skinny"}, core
    extras = project["optional-dependencies"]

    def closure(name: str, seen: set[str]) -> set[str]:
        if name in seen:
            return seen
        seen.add(name)
        for req in extras[name]:
            m = re.match(re.escape(PROJECT) + r"\[([^\]]+)\]", req.replace(" ", ""))
            for sub in m.group(1).split(",") if m else []:
                closure(sub, seen)
        return seen

    def names(extra: str) -> set[str]:
        return {_parse(r)[0] for e in closure(extra, set()) for r in extras[e]}

    for extra in ("widgets", "notebooks", "reports", "dashboard", "lab"):
        assert "plotly" in names(extra), extra
    for extra in ("tracking", "lab", "test"):
        assert "mlflow" in names(extra), extra
    assert _parse(next(r for r in extras["tracking"] if r.startswith("mlflow")))[1] == ">=3.0,<4"
    assert re.search(r"^source scripts/_setup\.sh \S*tracking", (ROOT / "run.sh").read_text(), re.M)


def test_the_dashboard_extra_brings_a_python_kernel():
    """``run.sh`` installs ``[dashboard,tracking]`` only: Voilà needs a Python kernel to run the
    dashboard and does not install one itself. Without ipykernel the page is a 500 "No Jupyter
    kernel for language 'python' found" (seen from a clean clone once the core stopped pulling
    it in)."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert "ipykernel" in {_parse(r)[0] for r in extras["dashboard"]}
    run_sh = (ROOT / "run.sh").read_text()
    assert re.search(r"_setup\.sh [\w,]*\bdashboard\b", run_sh), "run.sh must install the dashboard extra"
