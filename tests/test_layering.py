"""The layers of DESIGN.md, checked statically on every module: an ``import`` anywhere in a file
(top level, inside a function, under ``if TYPE_CHECKING``, or through ``importlib.import_module``
/ ``__import__`` with a literal name) counts.

- ``scoring_core`` imports no app package (API, command line, reports, widgets) and no UI or web
  library; its one exception is ``scoring_core/__main__.py``, the entry shim that hands
  ``python -m scoring_core`` to :mod:`scoring_cli`.
- The app packages sit side by side: the widgets talk to the API over HTTP (never import it),
  the API and the reports import no widgets, nothing but the command line imports it.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = ("scoring_api", "scoring_cli", "scoring_reports", "widgets")
UI_WEB = ("ipywidgets", "IPython", "voila", "plotly", "fastapi", "uvicorn", "anywidget")

#: package -> top-level names it must never import
FORBIDDEN: dict[str, tuple[str, ...]] = {
    "scoring_core": APPS + UI_WEB,
    "scoring_reports": ("scoring_api", "scoring_cli", "widgets", "ipywidgets", "voila", "fastapi", "uvicorn"),
    "widgets": ("scoring_api", "scoring_cli", "fastapi", "uvicorn"),
    "scoring_api": ("scoring_cli", "widgets", "ipywidgets", "IPython", "voila", "plotly"),
    "scoring_cli": ("widgets", "ipywidgets", "IPython", "voila", "plotly"),
}
#: (file relative to the root, imported top-level name) pairs allowed despite FORBIDDEN
ALLOWED = {("scoring_core/__main__.py", "scoring_cli")}


def imported_names(source: str, filename: str = "<string>") -> list[tuple[int, str]]:
    """``(line, top-level module)`` of every import in ``source``, wherever it is written.

    Relative imports (``from . import x``) stay inside the package and are not listed.
    """
    out: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name.split(".")[0]) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            out.append((node.lineno, node.module.split(".")[0]))
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if name in ("import_module", "__import__") and isinstance(node.args[0].value, str):
                module = node.args[0].value
                if not module.startswith("."):
                    out.append((node.lineno, module.split(".")[0]))
    return out


def _violations(package: str) -> list[str]:
    bad = []
    for path in sorted((ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        for line, name in imported_names(path.read_text(encoding="utf-8"), rel):
            if name in FORBIDDEN[package] and (rel, name) not in ALLOWED:
                bad.append(f"{rel}:{line} imports {name}")
    return bad


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_package_imports_only_what_its_layer_may(package):
    assert (ROOT / package / "__init__.py").exists(), f"{package} is not a package of the tree"
    bad = _violations(package)
    assert not bad, f"{package} reaches a layer it must not:\n" + "\n".join(bad)


def test_the_checker_sees_lazy_and_indirect_imports():
    """A test that cannot fail is a defect: each way of importing is caught."""
    source = (
        "import os\n"
        "def f():\n"
        "    import plotly.graph_objects as go\n"
        "    from scoring_api.server import serve\n"
        "    import importlib\n"
        "    importlib.import_module('widgets.gauge')\n"
        "    __import__('fastapi')\n"
        "    from . import sibling\n"
        "if False:\n"
        "    from IPython.display import display\n"
    )
    names = {n for _, n in imported_names(source)}
    assert {"plotly", "scoring_api", "widgets", "fastapi", "IPython"} <= names
    assert "sibling" not in names and "" not in names


def test_the_entry_shim_is_the_only_exception():
    shim = (ROOT / "scoring_core/__main__.py").read_text()
    assert {n for _, n in imported_names(shim)} <= {"sys", "scoring_cli"}
    assert ALLOWED == {("scoring_core/__main__.py", "scoring_cli")}


#: modules of the core that the library itself never imports: the entry shim, and the MLflow
#: pyfunc entry that MLflow runs when it loads a registered model (MLflow brings FastAPI along)
ENTRY_POINTS = ("scoring_core.__main__", "scoring_core.model.mlflow_entry")


def test_the_entry_points_are_imported_by_no_module_of_the_library():
    bad = []
    for path in sorted((ROOT / "scoring_core").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), rel)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                names = [f"{node.module or ''}.{a.name}" for a in node.names] + [node.module or ""]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            if any(n.endswith(("mlflow_entry", "__main__")) for n in names):
                bad.append(f"{rel}:{node.lineno}")
    assert not bad, f"an entry point is imported by the library: {bad}"


def test_importing_the_library_loads_no_ui_or_web_module():
    """What the static check promises, seen at run time: the core and its submodules load
    neither the app packages nor a UI or web library."""
    code = (
        "import sys, pkgutil, importlib, scoring_core\n"
        "for m in pkgutil.walk_packages(scoring_core.__path__, 'scoring_core.'):\n"
        f"    if m.name not in {ENTRY_POINTS!r}:\n"
        "        importlib.import_module(m.name)\n"
        f"bad = [m for m in {APPS + UI_WEB!r} if m in sys.modules]\n"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
