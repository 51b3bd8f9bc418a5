"""Score gauge: the probability of default against the decision threshold."""

from __future__ import annotations

import ipywidgets as W
import plotly.graph_objects as go
import traitlets as T

from ._base import Panel
from .i18n import tr
from .style import APPROVE_ZONE, REFUSE, REFUSE_ZONE, SYMBOL, decision_colour, esc, figure_layout, pct

__all__ = ["ScoreGauge"]


class ScoreGauge(Panel):
    """P(default) on a 0-100% gauge with the threshold marked, the decision in words, symbol
    and colour (blue approve, vermillion refuse: colour-blind safe, never green for a refusal),
    and the distance to the threshold.

    ``score`` is the JSON of ``/clients/{id}/score`` (``probability``, ``threshold``,
    ``decision``); ``reference`` (optional, same shape) draws a second marker, e.g. the score
    before a what-if change.
    """

    score = T.Dict(allow_none=True, default_value=None)
    reference = T.Dict(allow_none=True, default_value=None)
    _watch = ("score", "reference")

    def _build(self):
        self.figure = go.Figure(
            go.Indicator(
                mode="gauge+number",
                value=0,
                number={"suffix": "%", "valueformat": ".1f"},
                gauge={"axis": {"range": [0, 100], "ticksuffix": "%"}},
            ),
            layout=figure_layout(height=210, margin=dict(l=30, r=30, t=40, b=0)),
        )
        self._verdict = W.HTML()

    def _body(self):
        return (self._plot, self._verdict)

    @T.validate("score")
    def _valid_score(self, proposal):
        s = proposal["value"]
        if s is not None:
            missing = {"probability", "threshold", "decision"} - set(s)
            if missing:
                raise T.TraitError(f"score lacks {sorted(missing)}")
        return s

    @property
    def verdict_text(self) -> str:
        """The decision line as shown (plain text)."""
        s = self.score
        if s is None:
            return ""
        gap = 100 * (s["probability"] - s["threshold"])
        side = "at" if abs(gap) < 0.05 else ("above" if gap > 0 else "below")
        distance = "" if side == "at" else f"{abs(gap):.1f} ".replace(".", "," if self.lang == "fr" else ".")
        return f"{SYMBOL[s['decision']]} {tr(s['decision'], self.lang)} — {distance}{tr(side, self.lang)}"

    def _redraw(self):
        s, lang = self.score, self.lang
        with self.figure.batch_update():
            ind = self.figure.data[0]
            ind.title = {"text": tr("probability_default", lang), "font": {"size": 14}}
            if s is None:
                ind.value = None
                ind.gauge.steps = ()
                ind.gauge.threshold = None
                self._verdict.value = ""
                return
            p, thr = 100 * s["probability"], 100 * s["threshold"]
            colour = decision_colour(s["decision"])
            ind.value = p
            ind.number.font = {"color": colour}
            ind.gauge.bar = {"color": colour, "thickness": 0.35}
            ind.gauge.steps = (
                {"range": [0, thr], "color": APPROVE_ZONE},
                {"range": [thr, 100], "color": REFUSE_ZONE},
            )
            ind.gauge.threshold = {"line": {"color": REFUSE, "width": 4}, "thickness": 0.9, "value": thr}
            ref = self.reference
            if ref is not None:
                ind.delta = {"reference": 100 * ref["probability"], "valueformat": ".1f", "suffix": " pts",
                             "increasing": {"color": REFUSE}, "decreasing": {"color": colour}}
                ind.mode = "gauge+number+delta"
            else:
                ind.mode = "gauge+number"
        self._verdict.value = (
            f"<div class='scoring-verdict' style='border-color:{colour};color:{colour}'>"
            f"<b>{esc(self.verdict_text)}</b></div>"
            f"<div class='scoring-note'>{esc(tr('threshold', lang))}: {pct(s['threshold'], lang)}</div>"
        )
