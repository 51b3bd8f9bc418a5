"""Colours and number formats shared by the widgets.

Decisions use the Okabe-Ito colour-blind-safe palette: blue for an approval, vermillion for a
refusal (never green), always with the decision in words and a symbol as well.
"""

from __future__ import annotations

import html

__all__ = ["APPROVE", "REFUSE", "NEUTRAL", "REPAID", "DEFAULTED", "decision_colour", "pct", "esc"]

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


def decision_colour(decision: str) -> str:
    return APPROVE if decision == "approve" else REFUSE


def pct(p: float | None, lang: str = "en", digits: int = 1) -> str:
    """``0.1234`` -> ``"12.3%"`` (``"12,3 %"`` in French)."""
    if p is None:
        return "–"
    text = f"{100 * p:.{digits}f}"
    return f"{text.replace('.', ',')} %" if lang == "fr" else f"{text}%"


def esc(text) -> str:
    return html.escape(str(text))


def figure_layout(**kw) -> dict:
    """The common plotly layout: compact margins, system font, white background."""
    base = dict(
        margin=dict(l=10, r=10, t=36, b=10),
        font=dict(family=FONT, size=12),
        paper_bgcolor="white",
        plot_bgcolor="white",
        height=320,
    )
    base.update(kw)
    return base


def vlines(lines: list[tuple[float, str, str, str]]) -> tuple[list[dict], list[dict]]:
    """Vertical lines ``(x, colour, dash, label)`` as plotly layout shapes and annotations
    (usable inside ``batch_update``, unlike ``add_vline``)."""
    shapes, notes = [], []
    for x, colour, dash, label in lines:
        shapes.append(
            dict(type="line", x0=x, x1=x, y0=0, y1=1, xref="x", yref="paper",
                 line=dict(color=colour, width=2, dash=dash))
        )
        if label:
            notes.append(
                dict(x=x, y=1, xref="x", yref="paper", text=label, showarrow=False, yanchor="bottom",
                     font=dict(size=11, color=colour))
            )
    return shapes, notes
