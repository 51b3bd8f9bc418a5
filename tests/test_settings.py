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
