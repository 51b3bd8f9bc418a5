"""How a client compares with other clients: one feature's distribution, two features together."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
import plotly.graph_objects as go
import traitlets as T

from scoring_core.explain.labels import feature_label, format_value

from ._base import Panel
from .i18n import tr
from .style import CLIENT, DEFAULTED, NEUTRAL, REPAID, esc, figure_layout, vlines

__all__ = ["FeatureDistribution", "BivariateView"]


def _options(features: list[str], lang: str) -> list[tuple[str, str]]:
    return [(feature_label(f, lang), f) for f in features]


def _shares(counts: list[int]) -> list[float]:
    total = sum(counts)
    return [100.0 * c / total if total else 0.0 for c in counts]


class FeatureDistribution(Panel):
    """The client's value of a chosen feature on the distributions of all, repaid and defaulted
    clients (shares within each group), with the client's percentiles.

    ``features`` are the choices (the dashboard passes the client's top SHAP features first);
    ``feature`` the one shown (the first choice by default). Data comes from
    ``backend.compare(client_id, feature)``: aggregates only.
    """

    backend = T.Any(allow_none=True, default_value=None)
    client_id = T.Int(allow_none=True, default_value=None)
    features = T.List(T.Unicode(), default_value=[])
    feature = T.Unicode("")
    _watch = ("client_id", "features", "feature")

    def _build(self):
        self._choice = W.Dropdown(layout=W.Layout(width="360px"))
        self._bind(self._choice, "feature")
        self.figure = go.Figure(
            [
                go.Bar(name="all", marker={"color": NEUTRAL}, opacity=0.45),
                go.Scatter(name="repaid", mode="lines", line={"color": REPAID, "width": 2.5, "shape": "hvh"}),
                go.Scatter(
                    name="defaulted", mode="lines", line={"color": DEFAULTED, "width": 2.5, "dash": "dot", "shape": "hvh"}
                ),
            ],
            layout=figure_layout(height=300, barmode="overlay", legend={"orientation": "h", "y": 1.12}),
        )
        self._summary = W.HTML()
        self.comparison: dict | None = None

    def _body(self):
        return (self._choice, self._plot, self._summary)

    def _heading(self):
        return tr("distribution", self.lang)

    @T.observe("features")
    def _default_feature(self, change):
        if self.features and self.feature not in self.features:
            self.feature = self.features[0]

    def _redraw(self):
        lang = self.lang
        self._choice.description = tr("feature", lang)
        options = _options(self.features, lang)
        if self._choice.options != tuple(options):
            self._choice.options = options
        if self.feature in self.features:
            self._choice.value = self.feature
        self.comparison = None
        if self.backend is None or self.client_id is None or not self.feature:
            self._clear()
            return
        c = self.backend.compare(self.client_id, self.feature)
        self.comparison = c
        names = [tr("all_clients", lang), tr("repaid", lang), tr("defaulted", lang)]
        label = feature_label(self.feature, lang)
        with self.figure.batch_update():
            self.figure.layout.shapes, self.figure.layout.annotations = (), ()
            for trace, name in zip(self.figure.data, names, strict=True):
                trace.name = name
            if c["categories"] is not None:
                levels = list(c["categories"]["all"])
                groups = [c["categories"].get(g, {}) for g in ("all", "repaid", "defaulted")]
                ys = [_shares([grp.get(level, 0) for level in levels]) for grp in groups]
                xs = [levels] * 3
                for trace in self.figure.data[1:]:
                    trace.mode = "markers"
                    trace.marker = {"size": 10, "symbol": "diamond"}
            else:
                edges = np.asarray(c["bins"])
                centres = ((edges[:-1] + edges[1:]) / 2).tolist()
                ys = [_shares(c["counts_all"]), _shares(c["counts_repaid"]), _shares(c["counts_defaulted"])]
                xs = [centres] * 3
                for trace in self.figure.data[1:]:
                    trace.mode = "lines"
            for trace, x, y in zip(self.figure.data, xs, ys, strict=True):
                trace.x, trace.y = x, y
            value = c["value"]
            if value is not None:
                x = value if c["categories"] is not None else min(max(value, c["bins"][0]), c["bins"][-1])
                shapes, notes = vlines([(x, CLIENT, "dash", tr("this_client", lang))])
                self.figure.layout.shapes, self.figure.layout.annotations = shapes, notes
            self.figure.layout.xaxis.title = label
            self.figure.layout.yaxis.title = f"% {tr('share_clients', lang)}"
        if value is None:
            text = tr("missing_value", lang)
        elif c["percentile_all"] is None:
            text = f"{esc(label)}: <b>{esc(format_value(self.feature, value, lang))}</b>"
        else:
            text = (
                f"{esc(label)}: <b>{esc(format_value(self.feature, value, lang))}</b> — "
                f"{esc(tr('higher_than', lang, p=c['percentile_all']))}"
            )
        self._summary.value = f"<div class='scoring-note'>{text}</div>"

    def _clear(self):
        with self.figure.batch_update():
            for trace in self.figure.data:
                trace.x, trace.y = (), ()
            self.figure.layout.shapes = ()
            self.figure.layout.annotations = ()
        self._summary.value = ""


class BivariateView(Panel):
    """Two chosen numeric features: the population binned on both, each cell coloured by the
    mean score or the observed default rate, the client marked. Cells with too few clients
    stay blank, so no other client's data can be read off the view."""

    backend = T.Any(allow_none=True, default_value=None)
    client_id = T.Int(allow_none=True, default_value=None)
    features = T.List(T.Unicode(), default_value=[], help="numeric features to choose from")
    x = T.Unicode("")
    y = T.Unicode("")
    color = T.Enum(("score", "outcome"), default_value="score")
    _watch = ("client_id", "features", "x", "y", "color")

    def _build(self):
        self._x = W.Dropdown(layout=W.Layout(width="320px"))
        self._y = W.Dropdown(layout=W.Layout(width="320px"))
        self._color = W.ToggleButtons(style={"button_width": "170px"})
        self._bind(self._x, "x")
        self._bind(self._y, "y")
        self._bind(self._color, "color")
        self.figure = go.Figure(
            [
                go.Heatmap(colorscale="Cividis", hoverongaps=False, colorbar={"thickness": 12, "ticksuffix": "%"}),
                go.Scatter(
                    mode="markers+text", marker={"symbol": "star", "size": 18, "color": "white",
                                                 "line": {"color": CLIENT, "width": 2}},
                    textposition="top center", showlegend=False,
                ),
            ],
            layout=figure_layout(height=380),
        )
        self._note = W.HTML()
        self.grid: dict | None = None

    def _body(self):
        return (W.HBox([self._x, self._y]), self._color, self._plot, self._note)

    def _heading(self):
        return tr("bivariate", self.lang)

    @T.observe("features")
    def _defaults(self, change):
        if len(self.features) >= 2:
            if self.x not in self.features:
                self.x = self.features[0]
            if self.y not in self.features or self.y == self.x:
                self.y = next(f for f in self.features if f != self.x)

    def _redraw(self):
        lang = self.lang
        self._x.description, self._y.description = tr("x_axis", lang), tr("y_axis", lang)
        options = _options(self.features, lang)
        for box, value in ((self._x, self.x), (self._y, self.y)):
            if box.options != tuple(options):
                box.options = options
            if value in self.features:
                box.value = value
        self._color.options = [(tr("by_score", lang), "score"), (tr("by_outcome", lang), "outcome")]
        self._color.value = self.color
        self.grid = None
        if self.backend is None or self.client_id is None or not (self.x and self.y):
            with self.figure.batch_update():
                self.figure.data[0].z = None
                self.figure.data[1].x, self.figure.data[1].y = (), ()
            self._note.value = ""
            return
        g = self.backend.bivariate(self.client_id, self.x, self.y, color=self.color)
        self.grid = g
        ex, ey = np.asarray(g["x_edges"]), np.asarray(g["y_edges"])
        z = [[None if v is None else 100 * v for v in row] for row in g["values"]]
        with self.figure.batch_update():
            hm = self.figure.data[0]
            hm.x = ((ex[:-1] + ex[1:]) / 2).tolist()
            hm.y = ((ey[:-1] + ey[1:]) / 2).tolist()
            hm.z = z
            hm.colorbar.title = tr("by_score" if self.color == "score" else "by_outcome", lang)
            star = self.figure.data[1]
            if g["client_x"] is not None and g["client_y"] is not None:
                star.x = [min(max(g["client_x"], ex[0]), ex[-1])]
                star.y = [min(max(g["client_y"], ey[0]), ey[-1])]
                star.text = [tr("this_client", lang)]
            else:
                star.x, star.y = (), ()
            self.figure.layout.xaxis.title = feature_label(self.x, lang)
            self.figure.layout.yaxis.title = feature_label(self.y, lang)
        missing = "" if g["client_x"] is not None and g["client_y"] is not None else f" {tr('missing_value', lang)}."
        self._note.value = f"<div class='scoring-note'>{esc(tr('cells_hidden', lang, n=g['min_count']))}{esc(missing)}</div>"
