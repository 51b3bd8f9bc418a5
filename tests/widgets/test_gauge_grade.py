"""The gauge shows the model's risk grade next to the probability (issue 13)."""

from __future__ import annotations

from widgets import ScoreGauge


def test_gauge_shows_the_grade(backend, refused_id):
    s = backend.score(refused_id)
    assert s["grade"] in list("ABCDEFG")
    g = ScoreGauge()
    g.score = s
    assert g.figure.data[0].title.text.endswith(f"· grade {s['grade']}")
    g.lang = "fr"
    assert g.figure.data[0].title.text.endswith(f"· note {s['grade']}")
    g.score = {k: v for k, v in s.items() if k != "grade"}  # a model without a grade scale
    assert "note" not in g.figure.data[0].title.text
