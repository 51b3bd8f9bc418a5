"""Colours, number formats and display values shared by the widgets.

Decisions use the Okabe-Ito colour-blind-safe palette: blue for an approval, vermillion for a
refusal (never green), always with the decision in words and a symbol as well. Every number a
person reads goes through :mod:`scoring_core.formatting` (Babel): ``22,6 %`` and ``144 900 €``
in French; plotly figures get the language's separators from :func:`figure_layout`.
"""

from __future__ import annotations

import html

from scoring_core.data.schema import AMOUNT_PERIODS
from scoring_core.explain.categories import CATEGORY_LABELS, category_label
from scoring_core.explain.labels import feature_label, format_value
from scoring_core.formatting import currency, format_money, format_number, format_percent, period_text

__all__ = [
    "APPROVE",
    "REFUSE",
    "NEUTRAL",
    "REPAID",
    "DEFAULTED",
    "SEPARATORS",
    "axis_title",
    "decision_colour",
    "display_value",
    "esc",
    "figure_layout",
    "money",
    "num",
    "pct",
    "vlines",
]

APPROVE = "#0072B2"  # blue
REFUSE = "#D55E00"  # vermillion
NEUTRAL = "#999999"
REPAID = "#56B4E9"  # sky blue
DEFAULTED = "#E69F00"  # orange
APPROVE_ZONE = "rgba(0, 114, 178, 0.12)"
REFUSE_ZONE = "rgba(213, 94, 0, 0.12)"
CLIENT = "#000000"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"
SYMBOL = {"approve": "✔", "refuse": "✖"}
#: plotly's ``separators`` (decimal point, then thousands) per language.
SEPARATORS = {"en": ".,", "fr": ",\u202f"}


def decision_colour(decision: str) -> str:
    return APPROVE if decision == "approve" else REFUSE


def pct(p: float | None, lang: str = "en", digits: int = 1) -> str:
    """``0.1234`` -> ``"12.3%"`` (``"12,3 %"`` in French)."""
    return format_percent(p, lang, digits)


def num(x: float | None, lang: str = "en", decimals: int | None = None) -> str:
    """A number with the language's separators (``4,015`` / ``4 015``)."""
    return format_number(x, lang, decimals)


def money(amount: float | None, lang: str = "en", period: str | None = None) -> str:
    """An amount with its currency and period (``€7,900 per month`` / ``7 900 € par mois``)."""
    return format_money(amount, lang, period=period)


def display_value(field: str, value: object, lang: str = "en") -> str:
    """``value`` of application field or feature ``field`` as a person reads it: category
    levels translated, amounts with currency and period, the rest by the feature's unit."""
    if field in CATEGORY_LABELS:
        return category_label(field, value, lang)
    if field in AMOUNT_PERIODS:
        text = money(value, lang, AMOUNT_PERIODS[field])  # type: ignore[arg-type]
        return format_value(field, None, lang) if text == "–" else text
    return format_value(field, value, lang)


def axis_title(field: str, lang: str = "en") -> str:
    """The feature's label, with the currency and period of an amount (``Income (€ per year)``)."""
    label = feature_label(field, lang)
    if field not in AMOUNT_PERIODS:
        return label
    symbol = format_money(0, lang).replace("0", "").strip()
    unit = " ".join(t for t in (symbol or currency(), period_text(AMOUNT_PERIODS[field], lang)) if t)
    return f"{label} ({unit})"


def esc(text) -> str:
    return html.escape(str(text))


def figure_layout(lang: str = "en", **kw) -> dict:
    """The common plotly layout: compact margins, system font, white background, the
    language's number separators."""
    base = dict(
        margin=dict(l=10, r=10, t=36, b=10),
        font=dict(family=FONT, size=12),
        paper_bgcolor="white",
        plot_bgcolor="white",
        height=320,
        separators=SEPARATORS.get(lang, SEPARATORS["en"]),
    )
    base.update(kw)
    return base


def vlines(lines: list[tuple[float, str, str, str]]) -> tuple[list[dict], list[dict]]:
    """Vertical lines ``(x, colour, dash, label)`` as plotly layout shapes and annotations
    (usable inside ``batch_update``, unlike ``add_vline``)."""
    shapes, notes = [], []
    for x, colour, dash, label in lines:
        shapes.append(
            dict(
                type="line",
                x0=x,
                x1=x,
                y0=0,
                y1=1,
                xref="x",
                yref="paper",
                line=dict(color=colour, width=2, dash=dash),
            )
        )
        if label:
            notes.append(
                dict(
                    x=x,
                    y=1,
                    xref="x",
                    yref="paper",
                    text=label,
                    showarrow=False,
                    yanchor="bottom",
                    font=dict(size=11, color=colour),
                    bgcolor="rgba(255,255,255,0.85)",
                )
            )
    return shapes, notes
