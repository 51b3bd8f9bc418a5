"""The drift panel: state in traitlets, one update path; the table and the figure follow it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import traitlets

from scoring_core.drift import compare_frames
from widgets import DriftPanel


@pytest.fixture(scope="module")
def report():
    rng = np.random.default_rng(0)
    n = 2000
    ref = pd.DataFrame(
        {
            "income": rng.lognormal(11, 0.5, n),
            "age": rng.uniform(20, 70, n),
            "term": rng.uniform(6, 60, n),
            "contract": rng.choice(["cash", "revolving"], n, p=[0.9, 0.1]),
        }
    )
    cur = pd.DataFrame(
        {
            "income": rng.lognormal(11, 0.5, n) * 1.6,  # drift
            "age": rng.uniform(20, 70, n),  # stable
            "term": rng.uniform(6, 60, n) + 4,  # a small shift: watch
            "contract": rng.choice(["cash", "revolving"], n, p=[0.5, 0.5]),  # drift
        }
    )
    r = compare_frames(ref, cur, progress=False)
    assert {f.name: f.status for f in r.features} == {
        "income": "drift",
        "contract": "drift",
        "term": "watch",
        "age": "stable",
    }
    return r


def _table_names(panel) -> list[str]:
    return [part.split("'")[0] for part in panel._table.value.split("data-name='")[1:]]


def test_initial_state_shows_the_most_shifted(report):
    panel = DriftPanel(report=report)
    first = report.features[0]
    assert panel.selected == first.name and panel.status_filter == "all"
    assert list(panel.figure.data[0].x) == first.bins.labels
    assert list(panel.figure.data[0].y) == pytest.approx(first.bins.reference)
    assert list(panel.figure.data[1].y) == pytest.approx(first.bins.current)
    assert _table_names(panel) == report.names
    assert (
        "no dataset drift" in panel._verdict.value.lower() or "dataset drift" in panel._verdict.value.lower()
    )
    assert report.verdict_text.split(":")[0] in panel._verdict.value


def test_selecting_updates_figure_and_table(report):
    panel = DriftPanel(report=report)
    panel.selected = "age"
    age = report.feature("age")
    assert list(panel.figure.data[1].y) == pytest.approx(age.bins.current)
    assert "age" in panel.figure.layout.title.text and "stable" in panel.figure.layout.title.text
    assert panel._select.value == "age"
    assert "data-name='age' style='background" in panel._table.value
    panel._select.value = "term"  # user input goes through the trait
    assert panel.selected == "term"
    assert list(panel.figure.data[0].x) == report.feature("term").bins.labels


def test_status_filter(report):
    panel = DriftPanel(report=report, status_filter="all")
    panel.selected = "age"
    panel.status_filter = "drift"
    assert _table_names(panel) == ["income", "contract"] or _table_names(panel) == ["contract", "income"]
    assert panel.selected in ("income", "contract")  # the stable selection was hidden
    assert [v for _, v in panel._select.options] == _table_names(panel)
    assert list(panel.figure.data[1].y) == pytest.approx(report.feature(panel.selected).bins.current)
    panel.status_filter = "flagged"
    assert set(_table_names(panel)) == {"income", "contract", "term"}
    panel.status_filter = "stable"
    assert _table_names(panel) == ["age"] and panel.selected == "age"
    panel._filter.value = "watch"  # the toggle buttons set the trait
    assert panel.status_filter == "watch" and panel.selected == "term"
    panel.selected = "income"  # a hidden column chosen by hand: every column is shown again
    assert panel.status_filter == "all" and panel.selected == "income"


def test_validation_and_empty(report):
    panel = DriftPanel()
    assert panel.selected == "" and len(panel.figure.data[0].x or ()) == 0
    with pytest.raises(traitlets.TraitError):
        panel.selected = "income"  # no report yet
    panel.report = report
    assert panel.selected == report.features[0].name
    with pytest.raises(traitlets.TraitError, match="no column"):
        panel.selected = "nope"
    with pytest.raises(traitlets.TraitError, match="status_filter"):
        panel.status_filter = "bad"
    panel.max_rows = 1
    assert len(_table_names(panel)) == 1 and "3 more column(s)" in panel._table.value
