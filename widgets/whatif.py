"""What-if: rescore a client with changed loan or income; the closest approving change."""

from __future__ import annotations

import ipywidgets as W
import traitlets as T

from scoring_core.explain.labels import feature_label, format_value

from ._base import Panel
from .gauge import ScoreGauge
from .i18n import tr
from .style import SYMBOL, decision_colour, esc, pct

__all__ = ["WhatIfPanel", "CounterfactualView", "WHATIF_FIELDS"]

#: Application fields the advisor can change in the what-if panel (amounts: sliders).
WHATIF_FIELDS = ("AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE", "AMT_INCOME_TOTAL")
_RANGE = (0.25, 3.0)  # slider range, as multiples of the client's current value


def _step(value: float) -> float:
    """A round slider step of about 1% of ``value``."""
    if value <= 0:
        return 100.0
    mag = 10 ** max(0, len(str(int(value * 0.01))) - 1)
    return float(mag)


class WhatIfPanel(Panel):
    """Sliders on the loan and income fields; every change rescored live (through the same
    feature pipeline, by the backend) and shown against the current score; Reset goes back.

    ``profile`` gives the current values; ``changes`` holds the fields moved away from them;
    ``result`` is the backend's what-if answer (``{"score", "explanation"}``) or ``None``.
    """

    backend = T.Any(allow_none=True, default_value=None)
    client_id = T.Int(allow_none=True, default_value=None)
    profile = T.Dict(allow_none=True, default_value=None)
    baseline = T.Dict(allow_none=True, default_value=None, help="the current score (JSON of /score)")
    changes = T.Dict(default_value={})
    result = T.Dict(allow_none=True, default_value=None)
    _watch = ("client_id", "profile", "baseline", "changes")

    @T.validate("changes")
    def _valid_changes(self, proposal):
        bad = sorted(set(proposal["value"]) - set(WHATIF_FIELDS))
        if bad:
            raise T.TraitError(f"what-if fields are {WHATIF_FIELDS}; got {bad}")
        return proposal["value"]

    def _build(self):
        self._hint = W.HTML()
        self.sliders: dict[str, W.FloatSlider] = {}
        for f in WHATIF_FIELDS:
            s = W.FloatSlider(
                continuous_update=False, readout_format=",.0f", layout=W.Layout(width="460px"),
                style={"description_width": "170px"},
            )
            s.observe(self._moved, names="value")
            self.sliders[f] = s
        self._reset = W.Button(icon="undo", layout=W.Layout(width="180px"))
        self._reset.on_click(lambda _: self.reset())
        self.gauge = ScoreGauge()
        self._delta = W.HTML()

    def _body(self):
        return (self._hint, *self.sliders.values(), self._reset, self._delta, self.gauge)

    def _heading(self):
        return tr("whatif", self.lang)

    def reset(self) -> None:
        """Back to the client's current values."""
        self.changes = {}

    def _moved(self, change):
        if self._syncing or not self.profile:
            return
        new = {}
        for f, s in self.sliders.items():
            current = self.profile.get(f)
            if current is not None and not s.disabled and abs(s.value - float(current)) > 0.5:
                new[f] = float(s.value)
        if new != self.changes:
            self.changes = new

    def _redraw(self):
        lang, p = self.lang, self.profile or {}
        self._hint.value = f"<div class='scoring-note'>{esc(tr('whatif_hint', lang))}</div>"
        self._reset.description = tr("reset", lang)
        self.gauge.lang = lang
        for f, s in self.sliders.items():
            s.description = feature_label(f, lang)
            current = p.get(f)
            if current is None or float(current) <= 0:
                s.disabled = True
                continue
            current = float(current)
            lo, hi = round(current * _RANGE[0], -2), round(current * _RANGE[1], -2)
            value = float(self.changes.get(f, current))
            s.disabled = False
            s.step = _step(current)
            s.min, s.max = 0.0, max(hi, value)  # min first, so that max is never below it
            s.min = min(lo, value)
            s.value = value
        self.result = None
        base = self.baseline
        if not self.changes or self.backend is None or self.client_id is None:
            self.gauge.reference = None
            self.gauge.score = base
            self._delta.value = f"<div class='scoring-note'>{esc(tr('no_change', lang))}</div>" if base else ""
            return
        self.result = self.backend.whatif(self.client_id, dict(self.changes), lang=lang)
        new = self.result["score"]
        with self.gauge.hold():
            self.gauge.reference = base
            self.gauge.score = new
        rows = []
        for label, s in ((tr("current", lang), base), (tr("simulated", lang), new)):
            if s is None:
                continue
            colour = decision_colour(s["decision"])
            rows.append(
                f"<tr><th>{esc(label)}</th><td>{pct(s['probability'], lang)}</td>"
                f"<td style='color:{colour}'><b>{SYMBOL[s['decision']]} {esc(tr(s['decision'], lang))}</b></td></tr>"
            )
        if base is not None:
            d = 100 * (new["probability"] - base["probability"])
            rows.append(f"<tr><th>{esc(tr('change', lang))}</th><td>{d:+.2f} pts</td><td></td></tr>")
        self._delta.value = f"<table class='scoring-table' data-testid='whatif-result'>{''.join(rows)}</table>"


class CounterfactualView(Panel):
    """The smallest change of credit amount and term that would get the loan approved (or a
    statement that none exists); "Try it" sends it to the what-if panel ``whatif``."""

    backend = T.Any(allow_none=True, default_value=None)
    client_id = T.Int(allow_none=True, default_value=None)
    suggestion = T.Dict(allow_none=True, default_value=None)
    whatif = T.Instance(WhatIfPanel, allow_none=True, default_value=None)
    _watch = ("client_id", "suggestion")

    def _build(self):
        self._find = W.Button(icon="lightbulb-o", layout=W.Layout(width="220px"))
        self._find.on_click(lambda _: self.suggest())
        self._apply = W.Button(icon="arrow-right", layout=W.Layout(width="180px", display="none"))
        self._apply.on_click(lambda _: self.apply())
        self._text = W.HTML()
        self._last_client = None

    def _body(self):
        return (self._find, self._text, self._apply)

    def _heading(self):
        return tr("counterfactual", self.lang)

    def suggest(self) -> None:
        """Ask the backend for the closest approving change (errors shown in the widget)."""
        if self.backend is None or self.client_id is None:
            return
        from .backend import BackendError

        try:
            self.suggestion = self.backend.counterfactual(self.client_id)
        except BackendError as exc:
            self.show_error(str(exc))

    def apply(self) -> None:
        s = self.suggestion
        if self.whatif is not None and s and s.get("found") and s.get("changes"):
            self.whatif.changes = {k: v for k, v in s["changes"].items() if k in WHATIF_FIELDS}

    def _redraw(self):
        lang = self.lang
        if self.client_id != self._last_client:  # a new client: the old suggestion is void
            self._last_client = self.client_id
            if self.suggestion is not None and self.suggestion.get("client_id") != self.client_id:
                self.suggestion = None
        self._find.description = tr("find_cf", lang)
        self._apply.description = tr("cf_apply", lang)
        s = self.suggestion
        if not s:
            self._text.value = ""
            self._apply.layout.display = "none"
            return
        if s.get("found"):
            items = "".join(
                f"<li>{esc(feature_label(k, lang))}: <b>{esc(format_value(k, v, lang))}</b></li>"
                for k, v in s["changes"].items()
            )
            self._text.value = (
                f"<div>{esc(tr('cf_found', lang))}<ul>{items}</ul>"
                f"{esc(tr('probability_default', lang))}: {pct(s.get('original_probability'), lang)} → "
                f"<b>{pct(s.get('probability'), lang)}</b></div>"
            )
            self._apply.layout.display = None if self.whatif is not None else "none"
        else:
            self._text.value = f"<div class='scoring-note'>{esc(s.get('message', ''))}</div>"
            self._apply.layout.display = "none"
