"""The advisor dashboard: every widget composed around one client, through one backend."""

from __future__ import annotations

import time

import ipywidgets as W
import traitlets as T

from ._base import Panel
from .backend import BackendError
from .explanation import OTHER_FEATURES, GlobalImportance, ReasonsView, ShapWaterfall
from .gauge import ScoreGauge
from .i18n import LANGUAGES, tr
from .picker import ClientPicker
from .population import BivariateView, FeatureDistribution
from .profile import ClientProfile
from .style import FONT, esc
from .summary import SummaryView
from .threshold import ThresholdTuner
from .whatif import CounterfactualView, WhatIfPanel

__all__ = ["AdvisorDashboard"]

_CSS = f"""
<style>
.scoring-app {{ font-family: {FONT}; color: #222; }}
.scoring-app h2 {{ margin: 0; font-size: 20px; }}
.scoring-h {{ margin: 6px 0 4px 0; font-size: 15px; font-weight: 600; }}
.scoring-note {{ color: #555; font-size: 12.5px; margin: 2px 0; }}
.scoring-error {{ background: #fff4e5; border-left: 4px solid #D55E00; padding: 6px 10px; color: #5a2600; }}
.scoring-empty {{ font-size: 14px; color: #333; padding: 10px 0; }}
.scoring-verdict {{ border: 2px solid; border-radius: 6px; padding: 6px 10px; font-size: 16px; text-align: center; }}
.scoring-table {{ border-collapse: collapse; font-size: 13px; width: 100%; }}
.scoring-table th {{ text-align: left; font-weight: 500; color: #555; padding: 2px 8px 2px 0; }}
.scoring-table td {{ padding: 2px 0; }}
.scoring-matrix td, .scoring-matrix th {{ border: 1px solid #ddd; padding: 4px 8px; text-align: center; }}
.scoring-reasons {{ padding-left: 18px; margin: 4px 0; font-size: 14px; line-height: 1.45; }}
.scoring-sidebar {{ border-right: 1px solid #e5e5e5; padding-right: 10px; }}
.scoring-header {{ border-bottom: 1px solid #e5e5e5; padding-bottom: 6px; margin-bottom: 6px; }}
</style>
"""


class AdvisorDashboard(W.VBox):
    """Picker, score gauge and profile on the left; why, comparison, what-if and the model's
    threshold in tabs. Choosing a client (``client_id``) updates every view through one path
    (:meth:`show_client`); ``lang`` switches every label and reason between English and French.

    Every answer comes from ``backend`` (in-process or the scoring API); a backend failure is
    shown at the top in words, never replaced by another source. The client's outcome is never
    shown.
    """

    backend = T.Any()
    client_id = T.Int(allow_none=True, default_value=None)
    lang = T.Unicode("en")
    error = T.Unicode("", help="the last error shown at the top ('' when none)")
    timings = T.Dict(default_value={}, help="seconds spent by the last client switch, per step")

    @T.validate("lang")
    def _valid_lang(self, proposal):
        if proposal["value"] not in LANGUAGES:
            raise T.TraitError(f"lang must be one of {LANGUAGES}, got {proposal['value']!r}")
        return proposal["value"]

    def __init__(
        self, backend, *, client_id: int | None = None, lang: str = "en", threshold_tab: bool = True
    ):
        super().__init__(backend=backend, lang=lang)
        self.add_class("scoring-app")
        self.model: dict = {}
        self._header = W.HTML()
        self._lang = W.ToggleButtons(
            options=[("EN", "en"), ("FR", "fr")], value=lang, style={"button_width": "48px"}
        )
        self._lang.observe(lambda c: setattr(self, "lang", c["new"]), names="value")
        self._alert = W.HTML()
        self._prompt = W.HTML()
        self.picker = ClientPicker(backend=backend, lang=lang)
        self.gauge = ScoreGauge(lang=lang)
        self.profile = ClientProfile(lang=lang, masked=False)
        self.reasons = ReasonsView(lang=lang)
        self.waterfall = ShapWaterfall(lang=lang)
        self.importance = GlobalImportance(lang=lang)
        self.summary = SummaryView(backend=backend, lang=lang)
        self.distribution = FeatureDistribution(backend=backend, lang=lang)
        self.bivariate = BivariateView(backend=backend, lang=lang)
        self.whatif = WhatIfPanel(backend=backend, lang=lang)
        self.counterfactual = CounterfactualView(backend=backend, lang=lang, whatif=self.whatif)
        self.tuner = ThresholdTuner(lang=lang) if threshold_tab else None
        self.panels: list[Panel] = [
            p
            for p in (
                self.picker,
                self.gauge,
                self.profile,
                self.reasons,
                self.waterfall,
                self.summary,
                self.importance,
                self.distribution,
                self.bivariate,
                self.whatif,
                self.counterfactual,
                self.tuner,
            )
            if p is not None
        ]
        self.tabs = W.Tab()
        self._importance_note = W.HTML()  # the data-scientist tab's one technical term, explained
        tabs = [
            W.VBox([self.reasons, self.waterfall, self.summary]),
            W.VBox([self.distribution, self.bivariate]),
            W.VBox([self.whatif, self.counterfactual]),
            W.VBox([self.importance, self._importance_note] + ([self.tuner] if self.tuner else [])),
        ]
        self.tabs.children = tabs
        # side by side from about 780 px of width; narrower (JupyterLab's output area, a small
        # window) the main column wraps under the sidebar instead of squeezing its plots
        sidebar = W.VBox(
            [self.picker, self.gauge, self.profile], layout=W.Layout(flex="0 1 360px", min_width="0")
        )
        sidebar.add_class("scoring-sidebar")
        main = W.VBox([self._prompt, self.tabs], layout=W.Layout(flex="1 1 420px", min_width="0"))
        top = W.HBox(
            [self._header, self._lang], layout=W.Layout(justify_content="space-between", align_items="center")
        )
        top.add_class("scoring-header")
        self.children = (
            W.HTML(_CSS),
            top,
            self._alert,
            W.HBox([sidebar, main], layout=W.Layout(width="100%", flex_flow="row wrap")),
        )
        self.picker.observe(lambda c: setattr(self, "client_id", c["new"]), names="client_id")
        self.observe(self._on_client, names="client_id")
        self.observe(self._on_lang, names="lang")
        for panel in self.panels:  # a new error in a panel replaces the dashboard's (never two stacked)
            panel.observe(self._panel_error, names="error")
        self._error_spec: tuple[str, dict] | str = ""
        self._load_model()
        self._texts()
        if client_id is not None:
            self.client_id = client_id
        else:
            self._client_views(False)

    # -- model (once) -------------------------------------------------------------------
    def _load_model(self) -> None:
        try:
            self.model = self.backend.model_info()
        except BackendError as exc:
            self._show_error(str(exc))
            return
        self.importance.importance = self.model.get("global_importance", [])
        if self.tuner is not None:
            weights = self.model.get("cost_weights", {})
            with self.tuner.hold():
                self.tuner.curve = self.model.get("threshold_curve")
                self.tuner.model_threshold = self.model.get("threshold")
                # the gauge's threshold exactly, so that both read the same percentage
                self.tuner.threshold = float(self.model.get("threshold", 0.5))
                self.tuner.c_fn = float(weights.get("c_fn", 10.0))
                self.tuner.c_fp = float(weights.get("c_fp", 1.0))

    def _texts(self) -> None:
        lang = self.lang
        version = self.model.get("model_version", "?")
        self._header.value = (
            f"<h2>{esc(tr('title', lang))}</h2><div class='scoring-note'>{esc(tr('subtitle', lang))} · "
            f"{esc(tr('model', lang))} {esc(version)} {esc(tr('via', lang))} {esc(getattr(self.backend, 'name', ''))}</div>"
        )
        for i, key in enumerate(("tab_explanation", "tab_comparison", "tab_whatif", "tab_threshold")):
            self.tabs.set_title(i, tr(key, lang))
        self._importance_note.value = f"<div class='scoring-note'>{esc(tr('importance_note', lang))}</div>"
        self._prompt.value = (
            ""
            if self.client_id is not None
            else f"<div class='scoring-note'>{esc(tr('pick_prompt', lang))}</div>"
        )

    def _show_error(self, message: str | tuple[str, dict]) -> None:
        """Show ``message`` at the top (``""``: none); a ``(key, fields)`` pair is an interface
        string, redrawn in the new language when the language changes. Any error shown by a
        panel is cleared, so that an old error never stays next to a new one."""
        self._error_spec = message
        text = tr(message[0], self.lang, **message[1]) if isinstance(message, tuple) else message
        if text:
            for panel in self.panels:
                if panel.error:
                    panel.show_error("")
        self.error = text
        self._alert.value = (
            f"<div class='scoring-error' role='alert' data-testid='dashboard-error'>⚠ {esc(text)}</div>"
            if text
            else ""
        )

    def _panel_error(self, change) -> None:
        if change["new"] and self.error:
            self._show_error("")

    def show_bad_query_client(self, text: str) -> None:
        """Say that the page's ``?client=`` is not a client ID (in the interface's language)."""
        self._show_error(("bad_query_client", {"text": text}))

    def _backend_error(self, exc: BackendError, client_id: int | None = None) -> None:
        if exc.status == 404 and client_id is not None:
            self._show_error(("unknown_client", {"cid": client_id}))
        else:
            self._show_error(str(exc))

    # -- the one update path for a client ----------------------------------------------------
    def _on_client(self, change) -> None:
        self.show_client(change["new"])

    def _on_lang(self, change) -> None:
        """Every label in the new language; the client, the simulation and the suggestion stay
        (only the explanation, whose sentences are written in a language, is fetched again)."""
        self._lang.value = self.lang
        for p in self.panels:
            with p.hold():
                p.lang = self.lang
        self._texts()
        if self._error_spec:
            self._show_error(self._error_spec)
        if self.client_id is not None and self.reasons.explanation is not None:
            try:
                explanation = self.backend.explanation(self.client_id, top=10, lang=self.lang)
            except BackendError as exc:
                self._backend_error(exc, self.client_id)
                return
            for panel in (self.reasons, self.waterfall):
                panel.explanation = explanation

    def show_client(self, client_id: int | None) -> None:
        """Fetch the client's score, explanation and profile once and update every view."""
        lang = self.lang
        t = {}
        t0 = time.perf_counter()
        self.picker.client_id = client_id
        if client_id is None:
            self._clear()
            return
        try:
            score = self.backend.score(client_id)
            explanation = self.backend.explanation(client_id, top=10, lang=lang)
            profile = self.backend.profile(client_id)
        except BackendError as exc:
            self._backend_error(exc, client_id)
            self._clear()
            return
        t["fetch"] = time.perf_counter() - t0
        self._show_error("")
        self._client_views(True)
        for panel in self.panels:  # a success clears every old error
            if panel.error:
                panel.show_error("")
        self._prompt.value = ""
        top = [c["feature"] for c in explanation["contributions"] if c["feature"] != OTHER_FEATURES]
        ranked = top + [
            d["feature"] for d in self.model.get("global_importance", []) if d["feature"] not in top
        ]
        categorical = set(self.model.get("categorical_features", []))
        numeric = [f for f in ranked if f not in categorical][:20]
        steps = [
            ("gauge", self.gauge, {"score": score, "reference": None}),
            ("profile", self.profile, {"profile": profile}),
            ("reasons", self.reasons, {"explanation": explanation}),
            ("waterfall", self.waterfall, {"explanation": explanation}),
            ("distribution", self.distribution, {"features": ranked[:20], "client_id": client_id}),
            ("bivariate", self.bivariate, {"features": numeric, "client_id": client_id}),
            (
                "whatif",
                self.whatif,
                {"changes": {}, "profile": profile, "baseline": score, "client_id": client_id},
            ),
            ("counterfactual", self.counterfactual, {"client_id": client_id}),
            ("summary", self.summary, {"client_id": client_id}),
        ]
        for name, panel, values in steps:
            t1 = time.perf_counter()
            with panel.hold():
                for key, value in values.items():
                    setattr(panel, key, value)
            t[name] = time.perf_counter() - t1
        t["total"] = time.perf_counter() - t0
        self.timings = t

    def _client_views(self, shown: bool) -> None:
        """The views that only mean something for a client are hidden without one (the gauge,
        comparison and what-if say in words what to do instead)."""
        for panel in (self.reasons, self.waterfall, self.profile):
            panel.layout.display = None if shown else "none"

    def _clear(self) -> None:
        self._client_views(False)
        self._prompt.value = (
            f"<div class='scoring-note scoring-empty'>{esc(tr('pick_prompt', self.lang))}</div>"
        )
        for panel, values in (
            (self.gauge, {"score": None, "reference": None}),
            (self.profile, {"profile": None}),
            (self.reasons, {"explanation": None}),
            (self.waterfall, {"explanation": None}),
            (self.distribution, {"client_id": None}),
            (self.bivariate, {"client_id": None}),
            (self.whatif, {"client_id": None, "profile": None, "baseline": None, "changes": {}}),
            (self.counterfactual, {"client_id": None}),
            (self.summary, {"client_id": None}),
        ):
            with panel.hold():
                for key, value in values.items():
                    setattr(panel, key, value)
