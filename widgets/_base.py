"""What every widget shares: a language, an error line, one update path."""

from __future__ import annotations

from contextlib import contextmanager

import ipywidgets as W
import traitlets as T

from .backend import BackendError
from .i18n import LANGUAGES, tr
from .plot import PlotlyPlot
from .style import esc

__all__ = ["Panel"]


class Panel(W.VBox):
    """Base of the widgets: ``lang`` and the observed traits named in ``_watch`` trigger
    :meth:`_update`, the one place that redraws; a :class:`BackendError` raised there is shown
    in the widget, in words, instead of its content."""

    lang = T.Unicode("en").tag(sync=True)
    error = T.Unicode("", help="the last error shown to the user ('' when none)")

    _watch: tuple[str, ...] = ()

    @T.validate("lang")
    def _valid_lang(self, proposal):
        if proposal["value"] not in LANGUAGES:
            raise T.TraitError(f"lang must be one of {LANGUAGES}, got {proposal['value']!r}")
        return proposal["value"]

    def __init__(self, **kw):
        self._syncing = False
        self._held = 0
        super().__init__(**kw)
        self._title = W.HTML()
        self._error_box = W.HTML(layout=W.Layout(display="none"))
        self._build()
        figure = getattr(self, "figure", None)
        self._plot = PlotlyPlot(layout=W.Layout(width="100%")) if figure is not None else None
        self.children = (self._title, self._error_box, *self._body())
        self.add_class("scoring-panel")
        self.observe(self._changed, names=["lang", *self._watch])
        self._changed()

    # subclasses -------------------------------------------------------------------------
    def _build(self) -> None:
        """Create the child widgets (once)."""

    def _body(self) -> tuple[W.Widget, ...]:
        return ()

    def _heading(self) -> str:
        return ""

    def _redraw(self) -> None:
        """Redraw from the current traits (called by :meth:`_update` only)."""

    def _bind(self, control: W.ValueWidget, trait: str) -> None:
        """User input on ``control`` sets ``trait`` (ignored while the widget redraws itself)."""

        def on_value(change):
            if not self._syncing and change["new"] is not None and change["new"] != getattr(self, trait):
                setattr(self, trait, change["new"])

        control.observe(on_value, names="value")

    # one update path --------------------------------------------------------------------
    @contextmanager
    def hold(self):
        """Change several traits with a single redraw at the end."""
        self._held += 1
        try:
            yield self
        finally:
            self._held -= 1
            if not self._held:
                self._update()

    def _changed(self, change=None) -> None:
        if not self._held and not self._syncing:
            self._update()

    def _update(self) -> None:
        heading = self._heading()
        self._title.value = f"<h3 class='scoring-h'>{esc(heading)}</h3>" if heading else ""
        self._syncing = True
        try:
            self._redraw()
        except BackendError as exc:
            self.show_error(str(exc))
        else:
            self.show_error("")
        finally:
            self._syncing = False
            if self._plot is not None:
                self._plot.show(self.figure)

    def show_error(self, message: str) -> None:
        self.error = message
        if message:
            self._error_box.value = (
                f"<div class='scoring-error' role='alert'>⚠ {esc(tr('error', self.lang))}: {esc(message)}</div>"
            )
            self._error_box.layout.display = None
        else:
            self._error_box.value = ""
            self._error_box.layout.display = "none"
