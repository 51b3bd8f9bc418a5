"""Drift panel for data scientists: the verdict, the columns by status, one column's histogram."""

from __future__ import annotations

import html

import ipywidgets as W
import plotly.graph_objects as go
import traitlets as T

from scoring_core.drift import DRIFT, WATCH, DriftReport, FeatureDrift
from scoring_reports.drift_figures import STATUS_COLORS, STATUS_SYMBOLS, drift_figure, update_drift_figure

from .plot import PlotlyPlot

__all__ = ["DriftPanel", "STATUS_FILTERS"]

#: ``status_filter`` values: every column, drift + watch, or one status.
STATUS_FILTERS: tuple[str, ...] = ("all", "flagged", "drift", "watch", "stable")
_FILTER_LABELS = {
    "all": "all",
    "flagged": "drift + watch",
    "drift": "drift",
    "watch": "watch",
    "stable": "stable",
}


def _e(text) -> str:
    return html.escape(str(text))


def _chip(status: str, text: str | None = None) -> str:
    fg = "#000" if status == WATCH else "#fff"
    return (
        f"<span style='background:{STATUS_COLORS[status]};color:{fg};border-radius:.8em;"
        f"padding:0 .5em;font-weight:600;white-space:nowrap'>{STATUS_SYMBOLS[status]} {_e(text or status)}</span>"
    )


class DriftPanel(W.VBox):
    """Explore a :class:`~scoring_core.drift.DriftReport` (computed elsewhere, e.g. by
    :func:`~scoring_core.drift.compute_drift`): the dataset verdict, the columns filtered by
    status, and the reference-against-current histogram of the ``selected`` column.

    State lives in traitlets (``report``, ``selected``, ``status_filter``, ``max_rows``);
    controls only set these traits and :meth:`_update` is the one redraw path.

    Examples
    --------
    >>> panel = DriftPanel(report=compute_drift(reference, current, model))  # doctest: +SKIP
    >>> panel.status_filter = "drift"; panel.selected = "AMT_INCOME_TOTAL"  # doctest: +SKIP
    """

    report = T.Instance(DriftReport, allow_none=True, default_value=None)
    selected = T.Unicode("", help="column whose histogram is shown ('' for none)")
    status_filter = T.Unicode("all", help="columns listed: " + ", ".join(STATUS_FILTERS))
    max_rows = T.Int(25, min=1, help="rows of the table at most")

    @T.validate("status_filter")
    def _valid_filter(self, proposal):
        if proposal["value"] not in STATUS_FILTERS:
            raise T.TraitError(f"status_filter must be one of {STATUS_FILTERS}, got {proposal['value']!r}")
        return proposal["value"]

    @T.validate("selected")
    def _valid_selected(self, proposal):
        name = proposal["value"]
        if name and (self.report is None or name not in self.report.names):
            raise T.TraitError(f"selected: no column {name!r} in the drift report")
        return name

    def __init__(self, report: DriftReport | None = None, **kw):
        self._syncing = False
        super().__init__(**kw)
        self._build()
        self.children = self._layout()
        self.observe(self._update, names=["report", "selected", "status_filter", "max_rows"])
        if report is not None:
            self.report = report  # runs _update
        else:
            self._update()

    # layout ---------------------------------------------------------------------------------
    def _build(self) -> None:
        self._verdict = W.HTML()
        self._filter = W.ToggleButtons(
            options=[(_FILTER_LABELS[f], f) for f in STATUS_FILTERS],
            value=self.status_filter,
            description="show",
            style={"button_width": "110px"},
        )
        self._select = W.Select(rows=14, layout=W.Layout(width="360px", max_width="100%"))
        self._table = W.HTML(layout=W.Layout(overflow="auto", max_width="100%"))  # scrolls when narrow
        self._table.add_class("scoring-scroll")
        self.figure = go.Figure(drift_figure(None, height=340))
        # drawn by the light view, at the width of the page (a FigureWidget keeps 700 px)
        self._plot = PlotlyPlot(self.figure, layout=W.Layout(flex="1 1 420px", min_width="0"))
        self._bind(self._filter, "status_filter")
        self._bind(self._select, "selected")

    def _layout(self) -> tuple[W.Widget, ...]:
        return (
            self._verdict,
            self._filter,
            W.HBox([self._select, self._plot], layout=W.Layout(flex_flow="row wrap", width="100%")),
            self._table,
        )

    def _bind(self, control: W.ValueWidget, trait: str) -> None:
        """User input on ``control`` sets ``trait`` (ignored while the panel redraws itself)."""

        def on_value(change):
            if not self._syncing and change["new"] is not None:
                setattr(self, trait, change["new"])

        control.observe(on_value, names="value")

    # state ------------------------------------------------------------------------------------
    @property
    def visible(self) -> list[FeatureDrift]:
        """Columns passing ``status_filter``, in report order (score first, then by PSI)."""
        if self.report is None:
            return []
        if self.status_filter == "all":
            return list(self.report.features)
        wanted = (DRIFT, WATCH) if self.status_filter == "flagged" else (self.status_filter,)
        return self.report.by_status(*wanted)

    @property
    def selected_feature(self) -> FeatureDrift | None:
        return self.report.feature(self.selected) if self.report is not None and self.selected else None

    # the one update path ----------------------------------------------------------------------
    def _update(self, change=None) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            self._sync_selection(change["name"] if change else None)
            visible = self.visible
            self._verdict.value = self._verdict_html()
            self._filter.value = self.status_filter
            self._select.options = [(self._option_label(f), f.name) for f in visible]
            self._select.value = self.selected or None
            self._table.value = self._table_html(visible)
            with self.figure.batch_update():
                update_drift_figure(self.figure, self.selected_feature)
            self._plot.show(self.figure)
        finally:
            self._syncing = False

    def _sync_selection(self, changed: str | None) -> None:
        """Keep ``selected`` coherent: a hidden column selected by hand switches the filter to
        "all"; a filter or report change that hides the selection selects the first visible
        column ('' when none)."""
        names = [f.name for f in self.visible]
        if self.selected in names or (changed == "selected" and not self.selected):
            return
        if changed == "selected":
            self.status_filter = "all"
        else:
            self.selected = names[0] if names else ""

    # HTML -------------------------------------------------------------------------------------
    def _verdict_html(self) -> str:
        r = self.report
        if r is None:
            return "<p><i>No drift report.</i></p>"
        status = DRIFT if r.dataset_drift else "stable"
        chip = _chip(status, "dataset drift" if r.dataset_drift else "no dataset drift")
        return (
            f"<div style='border-left:6px solid {STATUS_COLORS[status]};padding:.4em .8em;margin:.3em 0'>"
            f"{chip}<div style='margin-top:.3em'>{_e(r.verdict_text)}</div>"
            f"<div style='color:#555;font-size:90%'>reference {_e(r.reference)}<br>current {_e(r.current)}</div>"
            "</div>"
        )

    @staticmethod
    def _option_label(f: FeatureDrift) -> str:
        return f"{STATUS_SYMBOLS[f.status]} {f.name}  (PSI {f.psi:.3f})"

    def _table_html(self, visible: list[FeatureDrift]) -> str:
        if self.report is None:
            return ""
        if not visible:
            return f"<p><i>No {_e(_FILTER_LABELS[self.status_filter])} column.</i></p>"
        head = "".join(
            f"<th style='text-align:left;padding:2px 8px'>{h}</th>"
            for h in ("status", "column", "source", "PSI", "test", "p-value", "missing ref. → cur.", "rank")
        )
        rows = []
        for f in visible[: self.max_rows]:
            style = "background:#e8f1f8;font-weight:600" if f.name == self.selected else ""
            p = "–" if f.p_value is None else f"{f.p_value:.2g}"
            rank = f.importance_rank or "–"
            cells = (
                _chip(f.status),
                f"<code>{_e(f.name)}</code>",
                _e(f.source),
                f"{f.psi:.3f}",
                f"{f.stat_name} {f.statistic:.3g}",
                p,
                f"{f.missing_reference:.1%} → {f.missing_current:.1%}",
                rank,
            )
            tds = "".join(f"<td style='padding:2px 8px'>{c}</td>" for c in cells)
            rows.append(f"<tr data-name='{_e(f.name)}' style='{style}'>{tds}</tr>")
        more = len(visible) - self.max_rows
        note = f"<p style='color:#555'>{more} more column(s) not listed.</p>" if more > 0 else ""
        return (
            f"<table style='border-collapse:collapse;font-size:90%'><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{note}"
        )
