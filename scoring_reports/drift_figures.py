"""Plotly figures of drift results (colour-blind-safe Okabe-Ito colours; never green)."""

from __future__ import annotations

import plotly.graph_objects as go

from scoring_core.drift import FeatureDrift

__all__ = [
    "STATUS_COLORS",
    "STATUS_SYMBOLS",
    "REFERENCE_COLOR",
    "CURRENT_COLOR",
    "drift_figure",
    "update_drift_figure",
]

#: Status colours (Okabe-Ito): blue stable, orange watch, vermillion drift.
STATUS_COLORS: dict[str, str] = {"stable": "#0072B2", "watch": "#E69F00", "drift": "#D55E00"}
#: A shape per status, so that the status never relies on colour alone.
STATUS_SYMBOLS: dict[str, str] = {"stable": "●", "watch": "▲", "drift": "■"}
REFERENCE_COLOR = "#8C8C8C"
CURRENT_COLOR = "#0072B2"


def _title(f: FeatureDrift) -> str:
    what = "model score P(default)" if f.source == "score" else f"{f.source} {f.kind}"
    return f"{f.name} ({what}): {STATUS_SYMBOLS[f.status]} {f.status}, PSI {f.psi:.3f}"


def drift_figure(feature: FeatureDrift | None, *, height: int = 360) -> go.Figure:
    """Reference against current shares of one column over its PSI bins (grouped bars).

    ``feature=None`` gives an empty figure with the same layout (for a widget with nothing
    selected).
    """
    fig = go.Figure(
        [
            go.Bar(name="reference", marker_color=REFERENCE_COLOR),
            go.Bar(name="current", marker_color=CURRENT_COLOR),
        ]
    )
    fig.update_layout(
        barmode="group",
        height=height,
        margin={"l": 50, "r": 20, "t": 50, "b": 80},
        yaxis={"title": "share of clients", "tickformat": ".0%"},
        xaxis={"type": "category", "title": "bin"},
        legend={"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right", "yanchor": "bottom"},
        template="plotly_white",
    )
    if feature is not None:
        update_drift_figure(fig, feature)
    return fig


def update_drift_figure(fig: go.Figure, feature: FeatureDrift | None) -> None:
    """Put ``feature``'s bins in ``fig`` (made by :func:`drift_figure`), in place."""
    b = feature.bins if feature is not None else None
    labels = list(b.labels) if b else []
    fig.data[0].update(
        x=labels,
        y=list(b.reference) if b else [],
        customdata=list(b.reference_counts) if b else [],
        hovertemplate="%{x}<br>reference: %{y:.1%} (%{customdata:,} clients)<extra></extra>",
    )
    fig.data[1].update(
        x=labels,
        y=list(b.current) if b else [],
        customdata=list(b.current_counts) if b else [],
        hovertemplate="%{x}<br>current: %{y:.1%} (%{customdata:,} clients)<extra></extra>",
    )
    fig.layout.title = {
        "text": _title(feature) if feature is not None else "no feature selected",
        "font": {"color": STATUS_COLORS[feature.status] if feature is not None else "#333333"},
    }
