"""Why a client got their score: SHAP waterfall, plain-language reasons, global importance."""

from __future__ import annotations

import math

import ipywidgets as W
import plotly.graph_objects as go
import traitlets as T

from scoring_core.explain.labels import feature_label
from scoring_core.explain.phrases import is_missing, missing_text, value_text
from scoring_core.formatting import format_points

from ._base import Panel
from .i18n import tr
from .style import APPROVE, NEUTRAL, REFUSE, SEPARATORS, esc, figure_layout, pct

__all__ = ["ShapWaterfall", "ReasonsView", "GlobalImportance", "OTHER_FEATURES"]

OTHER_FEATURES = "other features"  # the folded remainder of an explanation's top-K


def _label(feature: str, value, lang: str) -> str:
    """ "<feature>: <value in its unit>" (Babel numbers, durations), or what is missing."""
    if feature == OTHER_FEATURES:
        return tr("other_features", lang)
    name = feature_label(feature, lang)
    if is_missing(value):
        missing = missing_text(feature, lang)
        if name.lower() in missing.lower():  # "External credit score 1 not available"
            return missing[:1].upper() + missing[1:]
        return f"{name}{_COLON[lang]}{missing}"
    return f"{name}{_COLON[lang]}{value_text(feature, value, lang)}"


_COLON = {"en": ": ", "fr": " : "}


#: Strings of these panels (the shared ones are in :mod:`.i18n`).
_TEXT = {
    "all_concepts": ("All themes", "Tous les thèmes"),
    "show": ("Show", "Afficher"),
    "average_and_other": ("average client and the other themes", "client moyen et les autres thèmes"),
    "weight": ("average weight in the score", "poids moyen dans le score"),
}


def _t(key: str, lang: str) -> str:
    en, fr = _TEXT[key]
    return fr if lang == "fr" else en


class ShapWaterfall(Panel):
    """The factors of a score as a waterfall in probability points: from the average client's
    probability, each factor raises (vermillion) or lowers (blue) the risk, ending at this
    client's probability. ``explanation`` is the ``explain`` JSON.

    By default the bars are the concepts (``explanation["groups"]``: external credit scores,
    repayment history, ...; every feature is in one, so nothing is left as "other features");
    setting ``group`` to a concept key (or picking it in the drop-down) opens that concept into
    its features, starting from the average client plus the other concepts."""

    explanation = T.Dict(allow_none=True, default_value=None)
    group = T.Unicode("", help="'' shows the concepts; a concept key shows its features")
    _watch = ("explanation", "group")

    def _build(self):
        self.figure = go.Figure(
            go.Waterfall(orientation="h", connector={"line": {"color": NEUTRAL, "width": 1}}),
            layout=figure_layout(height=380, margin=dict(l=10, r=60, t=10, b=40)),
        )
        self._pick = W.Dropdown(options=[("", "")], value="", layout=W.Layout(width="auto"))
        self._pick.add_class("scoring-concept-pick")
        self._bind(self._pick, "group")

    def _body(self):
        return (self._pick, self._plot)

    def _heading(self):
        return tr("top_factors", self.lang)

    @T.validate("group")
    def _valid_group(self, proposal):
        key = proposal["value"] or ""
        if key and key not in {g["group"] for g in self._groups()}:
            raise T.TraitError(f"no concept {key!r} in this explanation")
        return key

    @T.observe("explanation")
    def _reset_group(self, change):
        if self.group and self.group not in {g["group"] for g in self._groups()}:
            self.group = ""

    def _groups(self) -> list[dict]:
        return list((self.explanation or {}).get("groups") or [])

    def _base(self) -> float:
        e = self.explanation
        p = e.get("base_probability")
        return 100 * float(1 / (1 + math.exp(-e["base_value"])) if p is None else p)

    @property
    def bars(self) -> list[tuple[str, float]]:
        """``(label, probability points)`` of the bars between the start and this client, as
        drawn top down: the concepts, or the features of the open concept."""
        e, lang = self.explanation, self.lang
        if not e:
            return []
        groups = self._groups()
        if not groups:  # an explanation without concepts: its contributions
            return [(_label(c["feature"], c["value"], lang), 100 * c["points"]) for c in e["contributions"]]
        g = next((g for g in groups if g["group"] == self.group), None) if self.group else None
        if g is None:
            return [(g.get("label") or g["group"], 100 * g["points"]) for g in groups]
        return [(_label(c["feature"], c["value"], lang), 100 * c["points"]) for c in g["features"]]

    def _start(self) -> tuple[str, float]:
        base = self._base()
        if self.group and self.group in {g["group"] for g in self._groups()}:
            rest = sum(100 * g["points"] for g in self._groups() if g["group"] != self.group)
            return _t("average_and_other", self.lang), base + rest
        return tr("average_client", self.lang), base

    def _redraw(self):
        e, lang = self.explanation, self.lang
        self._pick.options = [(_t("all_concepts", lang), "")] + [
            (g.get("label") or g["group"], g["group"]) for g in self._groups()
        ]
        self._pick.value = self.group
        self._pick.layout.display = None if self._groups() else "none"
        with self.figure.batch_update():
            wf = self.figure.data[0]
            if not e:
                wf.x, wf.y, wf.measure = (), (), ()
                return
            start_label, start = self._start()
            bars = self.bars
            wf.y = [start_label] + [b[0] for b in bars] + [tr("this_client", lang)]
            wf.x = [start] + [b[1] for b in bars] + [0.0]
            wf.measure = ["absolute"] + ["relative"] * len(bars) + ["total"]
            # numbers in the language's format (H4, issue 11 item 4)
            points = [format_points(b[1], lang).replace("\u00a0pts", "") for b in bars]
            wf.text = [pct(start / 100, lang)] + points + [pct(e["probability"], lang)]
            self.figure.layout.separators = SEPARATORS[lang]
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
    """What the model looks at overall (the features' average weight in the score over the
    training clients, from the model's metadata), against the client-level waterfall; the
    axis speaks of weight, not of SHAP or log-odds."""

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
            self.figure.layout.xaxis.title = _t("weight", self.lang)
            self.figure.layout.separators = SEPARATORS[self.lang]
