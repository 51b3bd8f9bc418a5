"""Score gauge: the probability of default against the decision threshold."""

from __future__ import annotations

import ipywidgets as W
import plotly.graph_objects as go
import traitlets as T

from scoring_core.formatting import format_points

from ._base import Panel
from .i18n import tr
from .style import (
    APPROVE_ZONE,
    REFUSE,
    REFUSE_ZONE,
    SEPARATORS,
    SYMBOL,
    decision_colour,
    esc,
    figure_layout,
    pct,
)

__all__ = ["ScoreGauge"]


class ScoreGauge(Panel):
    """P(default) on a 0-100% gauge with the threshold marked, the decision in words, symbol
    and colour (blue approve, vermillion refuse: colour-blind safe, never green for a refusal),
    and the distance to the threshold.

    ``score`` is the JSON of ``/clients/{id}/score`` (``probability``, ``threshold``,
    ``decision``); ``reference`` (optional, same shape) draws a second marker, e.g. the score
    before a what-if change. Without a score the figure is hidden and a sentence says what to
    do (``empty_text``, empty for none).
    """

    score = T.Dict(allow_none=True, default_value=None)
    reference = T.Dict(allow_none=True, default_value=None)
    empty_text = T.Unicode(None, allow_none=True, help="shown instead of the gauge without a score")
    _watch = ("score", "reference", "empty_text")

    def _build(self):
        self.figure = go.Figure(
            go.Indicator(
                mode="gauge+number",
                value=0,
                number={"suffix": "%", "valueformat": ".1f"},
                gauge={"axis": {"range": [0, 100], "ticksuffix": "%", "tickvals": [0, 25, 50, 75, 100]}},
            ),
            # side margins leave room for the "100%" tick; the bottom one keeps 0% and 100% above the verdict
            layout=figure_layout(height=230, margin=dict(l=48, r=48, t=44, b=16)),
        )
        self._verdict = W.HTML()
        self._empty = W.HTML()

    def _body(self):
        return (self._empty, self._plot, self._verdict)

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
        distance = (
            ""
            if side == "at"
            else format_points(abs(gap), self.lang, sign=False).replace("\u00a0pts", "") + " "
        )
        return f"{SYMBOL[s['decision']]} {tr(s['decision'], self.lang)} — {distance}{tr(side, self.lang)}"

    def _redraw(self):
        s, lang = self.score, self.lang
        self._plot.layout.display = None if s is not None else "none"
        self._empty.value = (
            f"<div class='scoring-note scoring-empty'>{esc(self.empty_text if self.empty_text is not None else tr('gauge_empty', lang))}</div>"
            if s is None and self.empty_text != ""
            else ""
        )
        with self.figure.batch_update():
            self.figure.layout.separators = SEPARATORS[lang]
            ind = self.figure.data[0]
            grade = (s or {}).get("grade")  # the model's risk grade (A = lowest risk), when it has a scale
            grade_text = f" · {'note' if lang == 'fr' else 'grade'} {esc(grade)}" if grade else ""
            ind.title = {"text": tr("probability_default", lang) + grade_text, "font": {"size": 14}}
            # French puts a (narrow no-break) space before the percent sign
            suffix = "\u202f%" if lang == "fr" else "%"
            ind.number.suffix = suffix
            ind.gauge.axis.ticksuffix = suffix
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
                small = abs(s["probability"] - ref["probability"]) < 0.0005  # never a "0.0 pts" change
                ind.delta = {
                    "reference": 100 * ref["probability"],
                    "valueformat": ".2f" if small else ".1f",
                    "suffix": "\u00a0pts",
                    "increasing": {"color": REFUSE},
                    "decreasing": {"color": colour},
                }
                ind.mode = "gauge+number+delta"
            else:
                ind.mode = "gauge+number"
        self._verdict.value = (
            f"<div class='scoring-verdict' style='border-color:{colour};color:{colour}'>"
            f"<b>{esc(self.verdict_text)}</b></div>"
            f"<div class='scoring-note'>{esc(tr('threshold_pct', lang, p=pct(s['threshold'], lang)))}</div>"
        )
