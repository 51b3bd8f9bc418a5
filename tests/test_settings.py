"""Settings are typed objects read from the environment or ``.env``: the library's, the reports'.

(The API's and the dashboard's: tests/widgets/test_api_keys.py, through a real server.)
"""

from __future__ import annotations

import stat

import pytest

from scoring_core.progress import progress_bar
from scoring_core.settings import Settings, get_settings


def test_no_progress_is_a_setting(monkeypatch):
    monkeypatch.setenv("SCORING_NO_PROGRESS", "1")
    get_settings.cache_clear()
    assert get_settings().no_progress and progress_bar(total=3).disable
    monkeypatch.setenv("SCORING_NO_PROGRESS", "false")
    assert not Settings().no_progress
    monkeypatch.setenv("SCORING_NO_PROGRESS", "perhaps")
    with pytest.raises(ValueError, match="no_progress"):
        Settings()


def test_settings_file(tmp_path, monkeypatch):
    monkeypatch.delenv("SCORING_CURRENCY", raising=False)
    (tmp_path / ".env").write_text("SCORING_CURRENCY=USD\n")
    monkeypatch.chdir(tmp_path)
    assert Settings().currency == "USD"
    assert "data_dir" not in Settings.model_fields  # never read; the dashboard's is its own


def test_reports_chromium_setting(tmp_path, monkeypatch):
    from scoring_reports.summary import find_chromium

    exe = tmp_path / "my-chromium"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("SCORING_CHROMIUM", str(exe))
    assert find_chromium() == str(exe)


def _readme_settings() -> str:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    return text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]


def test_readme_lists_every_setting():
    """The README's settings table names every field of every layer's settings object."""
    pytest.importorskip("fastapi")
    pytest.importorskip("ipywidgets")
    from scoring_api.settings import ApiSettings
    from scoring_reports.settings import ReportSettings
    from widgets.settings import DashboardSettings

    table = _readme_settings()
    missing = []
    for cls in (Settings, ApiSettings, DashboardSettings, ReportSettings):
        prefix = cls.model_config["env_prefix"]
        for name, field in cls.model_fields.items():
            alias = field.validation_alias
            env = alias.choices[0] if alias is not None else prefix + name.upper()
            if f"`{env}`" not in table:
                missing.append(f"{cls.__name__}.{name} ({env})")
    assert not missing, f"README's Settings table lacks: {', '.join(missing)}"


#: Modules that may touch ``os.environ`` besides the settings modules, and why (none reads a
#: setting of its own: a setting is a field of one of the settings objects).
_ENVIRONMENT_USERS = {
    "scoring_core/model/_hooks.py": "test fault injection (SCORING_TEST_PAUSE_*), not a setting",
    "scoring_api/server.py": "hands serve's arguments to its worker processes",
    "widgets/app.py": "Voilà's request environment (QUERY_STRING, VOILA_*)",
    "scoring_cli/main.py": "sets SCORING_NO_PROGRESS for --quiet (read by the library's settings)",
    "scoring_cli/commands/on_dask.py": "quiets Dask's own logging (DASK_LOGGING__DISTRIBUTED, Dask's config)",
    "scoring_core/tracking.py": "turns MLflow's artifact progress bars off (MLflow's own variable) off a terminal",
}


def test_no_environment_reads_outside_settings():
    """Settings are read in one place per layer: no module but the settings modules (and the
    listed exceptions) uses ``os.environ`` or ``os.getenv``."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    found = []
    for package in ("scoring_core", "scoring_api", "scoring_cli", "scoring_reports", "widgets"):
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            if path.name == "settings.py" or rel in _ENVIRONMENT_USERS:
                continue
            for node in ast.walk(ast.parse(path.read_text(), rel)):
                if (
                    isinstance(node, ast.Attribute)
                    and node.attr in ("environ", "getenv", "environb")
                    and isinstance(node.value, ast.Name)
                    and node.value.id == "os"
                ) or (
                    isinstance(node, ast.ImportFrom)
                    and node.module == "os"
                    and any(a.name in ("environ", "getenv") for a in node.names)
                ):
                    found.append(f"{rel}:{node.lineno}")
    assert not found, f"environment read outside the settings modules: {', '.join(found)}"
