"""Threshold tuner for risk managers and data scientists: business cost against the threshold."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
import plotly.graph_objects as go
import traitlets as T

from ._base import Panel
from .i18n import tr
from .style import APPROVE, NEUTRAL, REFUSE, SEPARATORS, esc, figure_layout, num, pct, vlines

__all__ = ["ThresholdTuner"]


class ThresholdTuner(Panel):
    """Cost per client against the threshold, from the out-of-fold confusion counts of the
    training run (``curve``: ``{"threshold", "tn", "fp", "fn", "tp"}`` lists, the model's
    ``threshold_curve``); the confusion matrix, approval rate and defaulters caught at the
    slider's ``threshold``; editable cost weights ``c_fn`` and ``c_fp``. Exploration only:
    the model's own threshold is not changed."""

    curve = T.Dict(allow_none=True, default_value=None)
    model_threshold = T.Float(allow_none=True, default_value=None)
    threshold = T.Float(0.5, min=0.0, max=1.0)
    c_fn = T.Float(10.0, min=0.0)
    c_fp = T.Float(1.0, min=0.0)
    _watch = ("curve", "model_threshold", "threshold", "c_fn", "c_fp")

    @T.validate("curve")
    def _valid_curve(self, proposal):
        c = proposal["value"]
        if c is not None:
            keys = ("threshold", "tn", "fp", "fn", "tp")
            if any(k not in c for k in keys) or len({len(c[k]) for k in keys}) != 1 or not c["threshold"]:
                raise T.TraitError("curve needs equal-length lists threshold, tn, fp, fn, tp")
        return c

    def _build(self):
        # the readout is a percentage in the language's format, like the gauge (7,5 %, not 0.075)
        self._slider = W.FloatSlider(
            min=0.0,
            max=1.0,
            step=0.001,
            readout=False,
            continuous_update=True,
            layout=W.Layout(width="460px", max_width="100%"),
        )
        self._readout = W.HTML(layout=W.Layout(min_width="80px"))
        self._fn = W.BoundedFloatText(
            min=0.0,
            max=1000.0,
            step=0.5,
            layout=W.Layout(width="300px", max_width="100%"),
            style={"description_width": "200px"},
        )
        self._fp = W.BoundedFloatText(
            min=0.0,
            max=1000.0,
            step=0.5,
            layout=W.Layout(width="300px", max_width="100%"),
            style={"description_width": "200px"},
        )
        self._bind(self._slider, "threshold")
        self._bind(self._fn, "c_fn")
        self._bind(self._fp, "c_fp")
        self.figure = go.Figure(
            [
                go.Scatter(mode="lines", line={"color": APPROVE, "width": 2.5}, name="cost"),
                go.Scatter(
                    mode="markers", marker={"color": REFUSE, "size": 11, "symbol": "diamond"}, name="best"
                ),
            ],
            layout=figure_layout(height=300, showlegend=False),
        )
        self._matrix = W.HTML()
        self._note = W.HTML()

    def _body(self):
        return (
            W.HBox([self._fn, self._fp], layout=W.Layout(flex_flow="row wrap")),
            W.HBox([self._slider, self._readout], layout=W.Layout(align_items="center", flex_flow="row wrap")),
            self._plot,
            self._matrix,
            self._note,
        )

    def _heading(self):
        return tr("tuner", self.lang)

    # computed from the counts ---------------------------------------------------------------
    def _arrays(self):
        c = self.curve
        return (
            np.asarray(c["threshold"], float),
            *(np.asarray(c[k], float) for k in ("tn", "fp", "fn", "tp")),
        )

    @property
    def costs(self) -> np.ndarray:
        """Cost per client at each threshold of ``curve`` with the current weights."""
        thr, tn, fp, fn, tp = self._arrays()
        return (self.c_fn * fn + self.c_fp * fp) / (tn + fp + fn + tp)

    @property
    def best_threshold(self) -> float:
        thr = self._arrays()[0]
        return float(thr[int(np.argmin(self.costs))])

    @property
    def at_threshold(self) -> dict:
        """Counts, cost, approval rate and recall at the grid point nearest ``threshold``."""
        thr, tn, fp, fn, tp = self._arrays()
        i = int(np.argmin(np.abs(thr - self.threshold)))
        n = tn[i] + fp[i] + fn[i] + tp[i]
        return {
            "threshold": float(thr[i]),
            "tn": int(tn[i]),
            "fp": int(fp[i]),
            "fn": int(fn[i]),
            "tp": int(tp[i]),
            "cost": float(self.costs[i]),
            "approval_rate": float((tn[i] + fn[i]) / n),
            "recall": float(tp[i] / (tp[i] + fn[i])) if tp[i] + fn[i] else float("nan"),
        }

    def _redraw(self):
        lang = self.lang
        self._slider.description = tr("threshold", lang)
        self._fn.description, self._fp.description = tr("cost_fn", lang), tr("cost_fp", lang)
        self._slider.value, self._fn.value, self._fp.value = self.threshold, self.c_fn, self.c_fp
        self._readout.value = f"<b data-testid='threshold-readout'>{esc(pct(self.threshold, lang))}</b>"
        if not self.curve:
            self._matrix.value = f"<div class='scoring-note'>{esc(tr('no_curve', lang))}</div>"
            self._plot.layout.display = "none"
            with self.figure.batch_update():
                for trace in self.figure.data:
                    trace.x, trace.y = (), ()
            return
        thr = self._arrays()[0]
        costs = self.costs
        best = int(np.argmin(costs))
        a = self.at_threshold
        self._plot.layout.display = None
        with self.figure.batch_update():
            self.figure.layout.separators = SEPARATORS[lang]
            self.figure.layout.xaxis.tickformat = ".0%"
            self.figure.layout.xaxis.hoverformat = ".1%"
            self.figure.data[0].x, self.figure.data[0].y = thr, costs
            self.figure.data[1].x, self.figure.data[1].y = [thr[best]], [costs[best]]
            self.figure.data[1].text = [tr("best_threshold", lang)]
            lines = [(a["threshold"], REFUSE, "solid", "")]
            if self.model_threshold is not None:
                lines.append((self.model_threshold, NEUTRAL, "dash", tr("model_threshold", lang)))
            self.figure.layout.shapes, self.figure.layout.annotations = vlines(lines)
            self.figure.layout.xaxis.title = tr("threshold", lang)
            self.figure.layout.yaxis.title = tr("cost_per_client", lang)
        t = lambda k: esc(tr(k, lang))  # noqa: E731
        colon = "\u00a0: " if lang == "fr" else ": "
        self._matrix.value = (
            "<table class='scoring-table scoring-matrix' data-testid='confusion'>"
            f"<tr><th></th><th>{t('predicted_refuse')}</th><th>{t('predicted_approve')}</th></tr>"
            f"<tr><th>{t('actual_default')}</th><td>{num(a['tp'], lang)}</td><td>{num(a['fn'], lang)}</td></tr>"
            f"<tr><th>{t('actual_repaid')}</th><td>{num(a['fp'], lang)}</td><td>{num(a['tn'], lang)}</td></tr></table>"
            f"<div><b>{t('cost_per_client')}</b>{colon}{num(a['cost'], lang, 3)} · <b>{t('approval_rate')}</b>{colon}"
            f"{pct(a['approval_rate'], lang)} · <b>{t('recall')}</b>{colon}{pct(a['recall'], lang)} · "
            f"<b>{t('best_threshold')}</b>{colon}{pct(thr[best], lang)} ({num(costs[best], lang, 3)})</div>"
        )
        self._note.value = f"<div class='scoring-note'>{t('oof_note')}</div>"
