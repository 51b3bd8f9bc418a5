"""How a client compares with other clients: one feature's distribution, two features together."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
import plotly.graph_objects as go
import traitlets as T

from scoring_core.explain.categories import category_label
from scoring_core.explain.labels import feature_label

from ._base import Panel
from .i18n import tr
from .style import (
    CLIENT,
    DEFAULTED,
    NEUTRAL,
    REPAID,
    SEPARATORS,
    axis_title,
    display_value,
    esc,
    figure_layout,
    pct,
    vlines,
)

__all__ = ["FeatureDistribution", "BivariateView"]

_DROPDOWN = W.Layout(width="auto", align_self="stretch", max_width="560px")
_DESCRIPTION = {"description_width": "90px"}


def _options(features: list[str], lang: str) -> list[tuple[str, str]]:
    return [(feature_label(f, lang), f) for f in features]


def _shares(counts: list[int]) -> list[float]:
    total = sum(counts)
    return [100.0 * c / total if total else 0.0 for c in counts]


def _pct_suffix(lang: str) -> str:
    return "\u202f%" if lang == "fr" else "%"


def _empty(text: str) -> str:
    return f"<div class='scoring-note scoring-empty'>{esc(text)}</div>"


class FeatureDistribution(Panel):
    """The client's value of a chosen feature on the distributions of all, repaid and defaulted
    clients (shares within each group), with the client's percentiles.

    ``features`` are the choices (the dashboard passes the client's top SHAP features first);
    ``feature`` the one shown (the first choice by default). Data comes from
    ``backend.compare(client_id, feature)``: aggregates only. Category levels read in the
    interface's language; amounts carry their currency and period on the axis. Without a
    client the figure is hidden and a sentence says what to do.
    """

    backend = T.Any(allow_none=True, default_value=None)
    client_id = T.Int(allow_none=True, default_value=None)
    features = T.List(T.Unicode(), default_value=[])
    feature = T.Unicode("")
    _watch = ("client_id", "features", "feature")

    def _build(self):
        self._choice = W.Dropdown(layout=_DROPDOWN, style=_DESCRIPTION)
        self._bind(self._choice, "feature")
        self.figure = go.Figure(
            [
                go.Bar(name="all", marker={"color": NEUTRAL}, opacity=0.45),
                go.Scatter(name="repaid", mode="lines", line={"color": REPAID, "width": 2.5, "shape": "hvh"}),
                go.Scatter(
                    name="defaulted",
                    mode="lines",
                    line={"color": DEFAULTED, "width": 2.5, "dash": "dot", "shape": "hvh"},
                ),
            ],
            # the legend goes under the axis, so that the client's label at the top never covers it
            layout=figure_layout(
                height=340,
                barmode="overlay",
                margin=dict(l=64, r=16, t=30, b=10),
                legend={"orientation": "h", "y": -0.28, "yanchor": "top", "x": 0},
            ),
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
        self._choice.layout.display = None if self.features else "none"
        self.comparison = None
        if self.backend is None or self.client_id is None or not self.feature:
            self._clear()
            return
        c = self.backend.compare(self.client_id, self.feature)
        self.comparison = c
        self._plot.layout.display = None
        names = [tr("all_clients", lang), tr("repaid", lang), tr("defaulted", lang)]
        categorical = c["categories"] is not None
        label = feature_label(self.feature, lang)
        with self.figure.batch_update():
            self.figure.layout.separators = SEPARATORS[lang]
            self.figure.layout.shapes, self.figure.layout.annotations = (), ()
            for trace, name in zip(self.figure.data, names, strict=True):
                trace.name = name
            if categorical:
                levels = list(c["categories"]["all"])
                groups = [c["categories"].get(g, {}) for g in ("all", "repaid", "defaulted")]
                ys = [_shares([grp.get(level, 0) for level in levels]) for grp in groups]
                xs = [[category_label(self.feature, level, lang) for level in levels]] * 3
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
                trace.hovertemplate = "%{x}: %{y:.1f}" + _pct_suffix(lang) + "<extra>%{fullData.name}</extra>"
            value = c["value"]
            if value is not None:
                if categorical:
                    x = category_label(self.feature, value, lang)
                else:
                    x = min(max(value, c["bins"][0]), c["bins"][-1])
                shapes, notes = vlines([(x, CLIENT, "dash", tr("this_client", lang))])
                self.figure.layout.shapes, self.figure.layout.annotations = shapes, notes
            self.figure.layout.xaxis.title = axis_title(self.feature, lang)
            self.figure.layout.xaxis.automargin = True
            self.figure.layout.yaxis.title = tr("share_clients", lang)
            self.figure.layout.yaxis.ticksuffix = _pct_suffix(lang)
            self.figure.layout.yaxis.automargin = True
        colon = "\u00a0: " if lang == "fr" else ": "
        if value is None:
            text = esc(tr("missing_value", lang))
        elif c["percentile_all"] is None:
            text = f"{esc(label)}{colon}<b>{esc(display_value(self.feature, value, lang))}</b>"
        else:
            share = pct(c["percentile_all"] / 100, lang, 0)
            text = (
                f"{esc(label)}{colon}<b>{esc(display_value(self.feature, value, lang))}</b> — "
                f"{esc(tr('higher_than', lang, p=share))}"
            )
        self._summary.value = f"<div class='scoring-note'>{text}</div>"

    def _clear(self):
        with self.figure.batch_update():
            for trace in self.figure.data:
                trace.x, trace.y = (), ()
            self.figure.layout.shapes = ()
            self.figure.layout.annotations = ()
        self._plot.layout.display = "none"
        self._summary.value = _empty(tr("distribution_empty", self.lang))


class BivariateView(Panel):
    """Two chosen numeric features: the population binned on both, each cell coloured by the
    mean score or the observed default rate, the client marked. Cells with too few clients
    stay blank, so no other client's data can be read off the view. Without a client (or with
    fewer than two features) the figure is hidden and a sentence says why."""

    backend = T.Any(allow_none=True, default_value=None)
    client_id = T.Int(allow_none=True, default_value=None)
    features = T.List(T.Unicode(), default_value=[], help="numeric features to choose from")
    x = T.Unicode("")
    y = T.Unicode("")
    color = T.Enum(("score", "outcome"), default_value="score")
    _watch = ("client_id", "features", "x", "y", "color")

    def _build(self):
        self._x = W.Dropdown(layout=_DROPDOWN, style=_DESCRIPTION)
        self._y = W.Dropdown(layout=_DROPDOWN, style=_DESCRIPTION)
        self._color = W.ToggleButtons(style={"button_width": "190px"})
        self._bind(self._x, "x")
        self._bind(self._y, "y")
        self._bind(self._color, "color")
        self.figure = go.Figure(
            [
                go.Heatmap(
                    colorscale="Cividis",
                    hoverongaps=False,
                    colorbar={"thickness": 12, "ticksuffix": "%", "title": {"side": "right"}},
                ),
                go.Scatter(
                    mode="markers+text",
                    marker={
                        "symbol": "star",
                        "size": 18,
                        "color": "white",
                        "line": {"color": CLIENT, "width": 2},
                    },
                    textposition="top center",
                    showlegend=False,
                    hoverinfo="skip",
                ),
            ],
            layout=figure_layout(height=400, margin=dict(l=70, r=20, t=20, b=10)),
        )
        self._note = W.HTML()
        self.grid: dict | None = None

    def _body(self):
        return (W.VBox([self._x, self._y]), self._color, self._plot, self._note)

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
        ready = self.backend is not None and self.client_id is not None and bool(self.x and self.y)
        for control in (self._x, self._y, self._color):
            control.layout.display = None if ready else "none"
        if not ready:
            with self.figure.batch_update():
                self.figure.data[0].z = None
                self.figure.data[1].x, self.figure.data[1].y = (), ()
            self._plot.layout.display = "none"
            few = self.client_id is not None and len(self.features) < 2
            self._note.value = _empty(tr("bivariate_few" if few else "bivariate_empty", lang))
            return
        g = self.backend.bivariate(self.client_id, self.x, self.y, color=self.color)
        self.grid = g
        self._plot.layout.display = None
        ex, ey = np.asarray(g["x_edges"]), np.asarray(g["y_edges"])
        z = [[None if v is None else 100 * v for v in row] for row in g["values"]]
        suffix = _pct_suffix(lang)
        with self.figure.batch_update():
            self.figure.layout.separators = SEPARATORS[lang]
            hm = self.figure.data[0]
            hm.x = ((ex[:-1] + ex[1:]) / 2).tolist()
            hm.y = ((ey[:-1] + ey[1:]) / 2).tolist()
            hm.z = z
            hm.colorbar.title.text = tr("by_score" if self.color == "score" else "by_outcome", lang)
            hm.colorbar.ticksuffix = suffix
            hm.hovertemplate = "%{x:,.3~g} · %{y:,.3~g}: %{z:.1f}" + suffix + "<extra></extra>"
            star = self.figure.data[1]
            if g["client_x"] is not None and g["client_y"] is not None:
                star.x = [min(max(g["client_x"], ex[0]), ex[-1])]
                star.y = [min(max(g["client_y"], ey[0]), ey[-1])]
                star.text = [tr("this_client", lang)]
            else:
                star.x, star.y = (), ()
            self.figure.layout.xaxis.title = axis_title(self.x, lang)
            self.figure.layout.yaxis.title = axis_title(self.y, lang)
            self.figure.layout.xaxis.automargin = self.figure.layout.yaxis.automargin = True
        missing = (
            ""
            if g["client_x"] is not None and g["client_y"] is not None
            else f" {tr('missing_value', lang)}."
        )
        self._note.value = (
            f"<div class='scoring-note'>{esc(tr('cells_hidden', lang, n=g['min_count']))}{esc(missing)}</div>"
        )
