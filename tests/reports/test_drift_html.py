"""The HTML drift report: self-contained, states the verdict, names the columns, written atomically."""

from __future__ import annotations

import pathlib

import pytest
from plotly.offline import get_plotlyjs

from scoring_core.drift import compare_frames, shift_applications
from scoring_reports import STATUS_COLORS, drift_figure, render_drift_html


@pytest.fixture(scope="module")
def report(train_tables):
    app = train_tables["application"]
    cols = ["SK_ID_CURR", "AMT_INCOME_TOTAL", "AMT_CREDIT", "DAYS_BIRTH", "NAME_CONTRACT_TYPE", "CODE_GENDER"]
    ref, cur = app.iloc[:750][cols], app.iloc[750:][cols]
    cur = shift_applications(cur, scale={"AMT_INCOME_TOTAL": 1.5}, add={}, move={})
    return compare_frames(ref, cur, progress=False)


def test_report_renders_self_contained(report, tmp_path):
    path = render_drift_html(report, tmp_path / "drift.html")
    assert path == tmp_path / "drift.html" and path.is_file()
    text = path.read_text(encoding="utf-8")
    assert report.verdict_text.split(":")[0] in text  # "No dataset drift" / "Dataset drift"
    assert "no dataset drift" in text.lower() and not report.dataset_drift
    for name in report.names:
        assert f"<code>{name}</code>" in text
    js = get_plotlyjs()
    assert js[:200] in text and js[-200:] in text  # plotly.js inline, whole
    page = text.replace(js, "")  # the page itself: nothing fetched, works offline
    assert "<script src=" not in page and "http://" not in page and "https://" not in page
    # one histogram: the only drifted column, in the drift colour (never green)
    assert text.count("Plotly.newPlot") == 1 and "AMT_INCOME_TOTAL (application numeric)" in text
    assert STATUS_COLORS["drift"] in page and "green" not in page.lower()


def test_atomic_write_leaves_no_temp_file(report, tmp_path, monkeypatch):
    target = tmp_path / "drift.html"
    target.write_text("old report")
    render_drift_html(report, target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drift.html"]
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")

    target.write_text("old report")
    real = pathlib.Path.write_text

    def fail_midway(self, data, *a, **kw):
        real(self, data[:1000], *a, **kw)
        raise OSError("disk full")

    monkeypatch.setattr(pathlib.Path, "write_text", fail_midway)
    with pytest.raises(OSError, match="disk full"):
        render_drift_html(report, target)
    monkeypatch.undo()
    assert target.read_text() == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drift.html"]


def test_figure_shows_reference_and_current_bins(report):
    f = report.feature("AMT_INCOME_TOTAL")
    fig = drift_figure(f)
    assert [t.name for t in fig.data] == ["reference", "current"]
    assert list(fig.data[0].x) == f.bins.labels and list(fig.data[1].y) == pytest.approx(f.bins.current)
    assert "drift" in fig.layout.title.text
