"""What-if: rescore a client with another credit amount, term or income; the closest approving offer.

The controls are the ones an advisor can offer: the credit amount and the term (number of
monthly payments), with the monthly payment derived by the data's own loan relation
(:class:`scoring_core.explain.pricing.LoanPricing`, whose rate and the client's current term come
with the profile), and the yearly income. The backend rescores through the same feature
pipeline as training (a term travels as the what-if change ``CNT_PAYMENT``).
"""

from __future__ import annotations

import ipywidgets as W
import traitlets as T

from scoring_core.explain.pricing import MAX_OFFER_TERM, MIN_CREDIT_SHARE, TERM_FIELD, LoanPricing
from scoring_core.formatting import format_points, plural

from ._base import Panel
from .gauge import ScoreGauge
from .i18n import tr
from .style import SYMBOL, decision_colour, esc, money, pct

__all__ = ["WhatIfPanel", "CounterfactualView", "WHATIF_FIELDS", "months_text"]

#: What the advisor can change: credit amount, term (months; the annuity follows) and income.
WHATIF_FIELDS = ("AMT_CREDIT", TERM_FIELD, "AMT_INCOME_TOTAL")
_RANGE = (0.25, 3.0)  # amount sliders' range, as multiples of the client's current value
_TERMS = (3, 120)  # term slider's range in months (widened to the current term)


def _step(value: float) -> float:
    """A round slider step of about 1% of ``value`` (at least 100)."""
    if value <= 0:
        return 100.0
    return float(max(100, 10 ** max(0, len(str(int(value * 0.01))) - 1)))


def months_text(n: float, lang: str) -> str:
    """``"36 months"`` / ``"36 mois"``, a whole number with the language's plural."""
    k = int(round(n))
    return tr("month_word" if plural(k, lang, "one", "other") == "one" else "months_word", lang, n=k)


class WhatIfPanel(Panel):
    """Credit amount, term and income controls; every change rescored live (by the backend)
    and shown against the current score with the monthly payment that follows; Reset goes back.

    ``profile`` gives the current values (and ``profile["loan"]``: the term and the rate);
    ``changes`` holds what moved away from them (``AMT_CREDIT`` and ``CNT_PAYMENT`` go together);
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
        self._status = W.HTML()
        style = {"description_width": "150px"}
        box = W.Layout(width="420px", max_width="100%")
        # the sliders' own readouts stay editable (type an exact value) and carry no separators, so
        # they read the same in every language; the amount with its currency and period is beside it
        plain = {"continuous_update": False, "layout": box, "style": style}
        self.credit = W.FloatSlider(readout_format=".0f", **plain)
        self.term = W.IntSlider(**plain)
        self.income = W.FloatSlider(readout_format=".0f", **plain)
        self.sliders: dict[str, W.ValueWidget] = {
            "AMT_CREDIT": self.credit,
            TERM_FIELD: self.term,
            "AMT_INCOME_TOTAL": self.income,
        }
        self._readouts = {f: W.HTML(layout=W.Layout(min_width="190px")) for f in self.sliders}
        for s in self.sliders.values():
            s.observe(self._moved, names="value")
        self._payment = W.HTML()
        self._reset = W.Button(icon="undo", layout=W.Layout(width="180px"))
        self._reset.on_click(lambda _: self.reset())
        self.gauge = ScoreGauge(empty_text="")
        self._delta = W.HTML()
        self._controls = W.VBox(
            [
                W.HBox([s, self._readouts[f]], layout=W.Layout(align_items="center", flex_flow="row wrap"))
                for f, s in self.sliders.items()
            ]
            + [self._payment, self._reset]
        )

    def _body(self):
        return (self._hint, self._status, self._controls, self._delta, self.gauge)

    def _heading(self):
        return tr("whatif", self.lang)

    def reset(self) -> None:
        """Back to the client's current values."""
        self.changes = {}

    # -- the client's loan ----------------------------------------------------------------------
    @property
    def loan(self) -> dict | None:
        """``{"credit", "term_months", "monthly_rate"}`` of the current loan, or ``None``."""
        p = self.profile or {}
        loan, credit = p.get("loan"), p.get("AMT_CREDIT")
        if not loan or credit is None:
            return None
        return {"credit": float(credit), **loan}

    @property
    def payment(self) -> float | None:
        """The monthly payment of the simulated loan (the current one without changes)."""
        loan = self.loan
        if loan is None:
            return None
        credit = float(self.changes.get("AMT_CREDIT", loan["credit"]))
        term = float(self.changes.get(TERM_FIELD, loan["term_months"]))
        return LoanPricing(loan["monthly_rate"]).annuity(credit, term)

    def _moved(self, change):
        if self._syncing or not self.profile:
            return
        new: dict[str, float] = {}
        loan = self.loan
        if loan is not None and not self.credit.disabled:
            credit_moved = abs(self.credit.value - loan["credit"]) > self.credit.step / 2
            term_moved = self.term.value != round(loan["term_months"])
            if credit_moved or term_moved:
                new["AMT_CREDIT"] = float(self.credit.value) if credit_moved else loan["credit"]
                new[TERM_FIELD] = float(self.term.value) if term_moved else loan["term_months"]
        income = self.profile.get("AMT_INCOME_TOTAL")
        if (
            income is not None
            and not self.income.disabled
            and abs(self.income.value - float(income)) > self.income.step / 2
        ):
            new["AMT_INCOME_TOTAL"] = float(self.income.value)
        if new != self.changes:
            self.changes = new

    # -- drawing ----------------------------------------------------------------------------------
    def _set_amount(self, slider: W.FloatSlider, current: float | None, value: float | None) -> None:
        if current is None or current <= 0:
            slider.disabled = True
            return
        lo, hi = round(current * _RANGE[0], -2), round(current * _RANGE[1], -2)
        value = current if value is None else value
        slider.disabled = False
        slider.step = _step(current)
        slider.min, slider.max = 0.0, max(hi, value)  # min first, so that max is never below it
        slider.min = min(lo, value)
        slider.value = value

    def _redraw(self):
        lang, p = self.lang, self.profile or {}
        self._hint.value = f"<div class='scoring-note'>{esc(tr('whatif_hint', lang))}</div>"
        self._reset.description = tr("reset", lang)
        self.gauge.lang = lang
        self.credit.description = tr("credit_amount", lang)
        self.term.description = tr("term_months", lang)
        self.income.description = tr("income_year", lang)
        self.result = None
        if not self.profile or self.client_id is None:
            self._status.value = (
                f"<div class='scoring-note scoring-empty'>{esc(tr('whatif_empty', lang))}</div>"
            )
            self._controls.layout.display = "none"
            self._delta.value = ""
            self.gauge.score = None
            return
        self._controls.layout.display = None
        loan = self.loan
        self._status.value = (
            "" if loan is not None else f"<div class='scoring-note'>{esc(tr('whatif_no_loan', lang))}</div>"
        )
        if loan is not None:
            self._set_amount(self.credit, loan["credit"], self.changes.get("AMT_CREDIT"))
            n0 = int(round(loan["term_months"]))
            term = int(round(self.changes.get(TERM_FIELD, loan["term_months"])))
            self.term.disabled = False
            self.term.max = max(_TERMS[1], n0, term)
            self.term.min = min(_TERMS[0], n0, term)
            self.term.value = term
            self._readouts["AMT_CREDIT"].value = f"<b>{esc(money(self.credit.value, lang))}</b>"
            self._readouts[TERM_FIELD].value = f"<b>{esc(months_text(term, lang))}</b>"
            now = LoanPricing(loan["monthly_rate"]).annuity(loan["credit"], loan["term_months"])
            pay = self.payment
            same = abs(pay - now) < 0.5
            extra = (
                ""
                if same
                else f" <span class='scoring-note'>({esc(tr('payment_now', lang, old=money(now, lang, 'month')))})</span>"
            )
            self._payment.value = (
                f"<div data-testid='whatif-payment'>{esc(tr('payment', lang))} : <b>{esc(money(pay, lang, 'month'))}</b>{extra}</div>"
                if lang == "fr"
                else f"<div data-testid='whatif-payment'>{esc(tr('payment', lang))}: <b>{esc(money(pay, lang, 'month'))}</b>{extra}</div>"
            )
        else:
            self.credit.disabled = self.term.disabled = True
            for f in ("AMT_CREDIT", TERM_FIELD):
                self._readouts[f].value = ""
            self._payment.value = ""
        income = p.get("AMT_INCOME_TOTAL")
        self._set_amount(
            self.income, None if income is None else float(income), self.changes.get("AMT_INCOME_TOTAL")
        )
        self._readouts["AMT_INCOME_TOTAL"].value = (
            f"<b>{esc(money(self.income.value, lang, 'year'))}</b>" if not self.income.disabled else ""
        )
        base = self.baseline
        if not self.changes or self.backend is None:
            self.gauge.reference = None
            self.gauge.score = base
            self._delta.value = (
                f"<div class='scoring-note'>{esc(tr('no_change', lang))}</div>" if base else ""
            )
            return
        self.result = self.backend.whatif(self.client_id, dict(self.changes), lang=lang)
        new = self.result["score"]
        with self.gauge.hold():
            self.gauge.reference = base
            self.gauge.score = new
        rows = []
        shown = [pct(s["probability"], lang) for s in (base, new) if s is not None]
        digits = 2 if len(set(shown)) < len(shown) else 1  # never "5.8%" and "5.8%" for a change
        for label, s in ((tr("current", lang), base), (tr("simulated", lang), new)):
            if s is None:
                continue
            colour = decision_colour(s["decision"])
            rows.append(
                f"<tr><th>{esc(label)}</th><td>{esc(pct(s['probability'], lang, digits))}</td>"
                f"<td style='color:{colour}'><b>{SYMBOL[s['decision']]} {esc(tr(s['decision'], lang))}</b></td></tr>"
            )
        if base is not None:
            d = 100 * (new["probability"] - base["probability"])
            rows.append(
                f"<tr><th>{esc(tr('change', lang))}</th><td>{esc(format_points(d, lang, 2))}</td><td></td></tr>"
            )
        self._delta.value = (
            f"<table class='scoring-table' data-testid='whatif-result'>{''.join(rows)}</table>"
        )


def offer_text(offer: dict, lang: str) -> str:
    """``"Approved with a credit of €250,000 over 36 months (€7,900 per month)."``"""
    return tr(
        "cf_offer",
        lang,
        credit=money(offer["credit"], lang),
        months=months_text(offer["term_months"], lang),
        payment=money(offer["annuity"], lang, "month"),
    )


class CounterfactualView(Panel):
    """The offer closest to the request that would get the loan approved (rounded amount, term
    in months, monthly payment, new probability), in words an advisor can read aloud, or a
    statement that none exists; "Try it" sends it to the what-if panel ``whatif``."""

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
        """Ask the backend for the closest approving offer (errors shown in the widget)."""
        if self.backend is None or self.client_id is None:
            return
        from .backend import BackendError

        try:
            self.suggestion = self.backend.counterfactual(self.client_id)
        except BackendError as exc:
            self.show_error(str(exc))

    def apply(self) -> None:
        """Put the offer into the what-if panel (amount and term; the payment follows)."""
        s = self.suggestion
        if self.whatif is None or not s or not s.get("found") or not s.get("offer"):
            return
        offer = s["offer"]
        self.whatif.changes = {"AMT_CREDIT": float(offer["credit"]), TERM_FIELD: float(offer["term_months"])}

    @property
    def text(self) -> str:
        """The suggestion as shown (plain text, ``""`` when none)."""
        s, lang = self.suggestion, self.lang
        if not s:
            return ""
        if s.get("found") and s.get("offer"):
            lines = [offer_text(s["offer"], lang)]
            if s.get("current"):
                c = s["current"]
                lines.append(
                    tr(
                        "cf_request",
                        lang,
                        credit=money(c["credit"], lang),
                        months=months_text(c["term_months"], lang),
                        payment=money(c["annuity"], lang, "month"),
                    )
                )
            old, new, thr = s.get("original_probability"), s.get("probability"), s.get("threshold")
            digits = 1 if len({pct(v, lang) for v in (old, new, thr)}) == 3 else 2  # never "5.8% → 5.8%"
            lines.append(
                tr(
                    "cf_probability",
                    lang,
                    old=pct(old, lang, digits),
                    new=pct(new, lang, digits),
                    thr=pct(thr, lang, digits),
                )
            )
            return "\n".join(lines)
        if s.get("found"):
            return tr("cf_approved", lang)
        if s.get("probability") is None:
            return tr("cf_unknown_loan", lang)
        return tr("cf_none", lang, share=pct(MIN_CREDIT_SHARE, lang, 0), months=MAX_OFFER_TERM)

    def _redraw(self):
        lang = self.lang
        if self.client_id != self._last_client:  # a new client: the old suggestion is void
            self._last_client = self.client_id
            if self.suggestion is not None and self.suggestion.get("client_id") != self.client_id:
                self.suggestion = None
        self._find.description = tr("find_cf", lang)
        self._apply.description = tr("cf_apply", lang)
        self._find.layout.display = None if self.client_id is not None else "none"
        s = self.suggestion
        if not s:
            self._text.value = ""
            self._apply.layout.display = "none"
            return
        lines = self.text.split("\n")
        found = bool(s.get("found") and s.get("offer"))
        head = f"<b>{esc(lines[0])}</b>" if found else esc(lines[0])
        rest = "".join(f"<div class='scoring-note'>{esc(line)}</div>" for line in lines[1:])
        self._text.value = f"<div data-testid='counterfactual'><div>{head}</div>{rest}</div>"
        self._apply.layout.display = None if found and self.whatif is not None else "none"
