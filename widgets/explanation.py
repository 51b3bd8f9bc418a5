"""Why a client got their score: SHAP waterfall, plain-language reasons, global importance."""

from __future__ import annotations

import ipywidgets as W
import plotly.graph_objects as go
import traitlets as T
from scipy.special import expit

from scoring_core.explain.labels import feature_label, format_value

from ._base import Panel
from .i18n import tr
from .style import APPROVE, NEUTRAL, REFUSE, esc, figure_layout

__all__ = ["ShapWaterfall", "ReasonsView", "GlobalImportance", "OTHER_FEATURES"]

OTHER_FEATURES = "other features"  # the folded remainder of an explanation's top-K


def _label(feature: str, value, lang: str) -> str:
    if feature == OTHER_FEATURES:
        return tr("other_features", lang)
    name = feature_label(feature, lang)
    if value is None:
        return name
    return f"{name} = {format_value(feature, value, lang)}"


class ShapWaterfall(Panel):
    """The top factors of a score as a waterfall in probability points: from the average
    client's probability, each factor raises (vermillion) or lowers (blue) the risk, ending at
    this client's probability. ``explanation`` is the ``explain`` JSON (top-K contributions,
    the rest folded into ``other features``)."""

    explanation = T.Dict(allow_none=True, default_value=None)
    _watch = ("explanation",)

    def _build(self):
        self.figure = go.Figure(
            go.Waterfall(orientation="h", connector={"line": {"color": NEUTRAL, "width": 1}}),
            layout=figure_layout(height=380, margin=dict(l=10, r=60, t=10, b=40)),
        )

    def _body(self):
        return (self._plot,)

    def _heading(self):
        return tr("top_factors", self.lang)

    @property
    def bars(self) -> list[tuple[str, float]]:
        """``(label, probability points)`` of the factors, largest first (as drawn, top down)."""
        e = self.explanation
        if not e:
            return []
        return [(_label(c["feature"], c["value"], self.lang), 100 * c["points"]) for c in e["contributions"]]

    def _redraw(self):
        e, lang = self.explanation, self.lang
        with self.figure.batch_update():
            wf = self.figure.data[0]
            if not e:
                wf.x, wf.y, wf.measure = (), (), ()
                return
            base = 100 * float(expit(e["base_value"]))
            bars = self.bars  # drawn top down: average client, factors, this client
            wf.y = [tr("average_client", lang)] + [b[0] for b in bars] + [tr("this_client", lang)]
            wf.x = [base] + [b[1] for b in bars] + [0.0]
            wf.measure = ["absolute"] + ["relative"] * len(bars) + ["total"]
            wf.text = [f"{base:.1f}%"] + [f"{b[1]:+.1f}" for b in bars] + [f"{100 * e['probability']:.1f}%"]
            wf.textposition = "outside"
            wf.cliponaxis = False
            wf.increasing = {"marker": {"color": REFUSE}}
            wf.decreasing = {"marker": {"color": APPROVE}}
            wf.totals = {"marker": {"color": NEUTRAL}}
            self.figure.layout.xaxis.title = tr("points_pd", lang)
            self.figure.layout.yaxis.autorange = "reversed"
            self.figure.layout.yaxis.automargin = True


class ReasonsView(Panel):
    """The plain-language reasons of an explanation (already in the wanted language)."""

    explanation = T.Dict(allow_none=True, default_value=None)
    _watch = ("explanation",)

    def _build(self):
        self._list = W.HTML()

    def _body(self):
        return (self._list,)

    def _heading(self):
        return tr("reasons", self.lang)

    @property
    def reasons(self) -> list[str]:
        return list((self.explanation or {}).get("reasons", []))

    def _redraw(self):
        items = "".join(f"<li>{esc(text)}</li>" for text in self.reasons)
        self._list.value = f"<ul class='scoring-reasons' data-testid='reasons'>{items}</ul>" if items else ""


class GlobalImportance(Panel):
    """Mean |SHAP| of the model's most important features (from the model's metadata):
    what the model looks at overall, against the client-level waterfall."""

    importance = T.List(default_value=[], help="[{'feature', 'mean_abs_shap'}], largest first")
    top = T.Int(15, min=1, max=100)
    _watch = ("importance", "top")

    def _build(self):
        self.figure = go.Figure(
            go.Bar(orientation="h", marker={"color": APPROVE}),
            layout=figure_layout(height=420, margin=dict(l=10, r=20, t=10, b=40)),
        )

    def _body(self):
        return (self._plot,)

    def _heading(self):
        return tr("global_importance", self.lang)

    def _redraw(self):
        rows = self.importance[: self.top]
        with self.figure.batch_update():
            bar = self.figure.data[0]
            bar.y = [feature_label(r["feature"], self.lang) for r in rows]
            bar.x = [r["mean_abs_shap"] for r in rows]
            self.figure.layout.yaxis.autorange = "reversed"
            self.figure.layout.yaxis.automargin = True
            self.figure.layout.xaxis.title = tr("mean_abs_shap", self.lang)
