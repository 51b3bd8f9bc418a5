"""The "printable summary" button: the client's decision summary to print or hand over.

A click asks the backend for the page (``backend.summary(client_id, lang)``: the in-process
service or ``GET /clients/{id}/summary`` of the API), shows it in a preview frame and offers
it as a download (an HTML file with print styles: open it and print, or save as PDF).
"""

from __future__ import annotations

import base64
import html

import ipywidgets as W
import traitlets as T

from ._base import Panel
from .backend import BackendError

__all__ = ["SummaryView"]

_TEXT = {
    "heading": ("Summary for the client", "Résumé pour le client"),
    "button": ("Printable summary", "Résumé imprimable"),
    "download": (
        "Download the summary (HTML, print it from the browser)",
        "Télécharger le résumé (HTML, à imprimer depuis le navigateur)",
    ),
    "hint": (
        "One page to hand over: decision, reasons, what could change it, data used, the client's rights.",
        "Une page à remettre : décision, raisons, ce qui pourrait la changer, données utilisées, droits du client.",
    ),
}


def _t(key: str, lang: str) -> str:
    en, fr = _TEXT[key]
    return fr if lang == "fr" else en


class SummaryView(Panel):
    """Fetches the client's printable summary on demand; ``page`` holds the last one
    (``""`` before a click, cleared when the client or the language changes)."""

    backend = T.Any(allow_none=True, default_value=None)
    client_id = T.Int(allow_none=True, default_value=None)
    page = T.Unicode("", help="the summary HTML of client_id in lang ('' until fetched)")
    _watch = ("client_id", "page")

    def _build(self):
        self._button = W.Button(icon="print", layout=W.Layout(width="220px"))
        self._button.add_class("scoring-summary-button")
        self._button.on_click(lambda _: self.fetch())
        self._hint = W.HTML()
        self._link = W.HTML()
        self._preview = W.HTML(layout=W.Layout(width="auto", align_self="stretch"))
        self._shown_for: tuple | None = None

    def _body(self):
        return (self._hint, self._button, self._link, self._preview)

    def _heading(self):
        return _t("heading", self.lang)

    def fetch(self) -> None:
        """Ask the backend for the page of ``client_id`` in ``lang`` (errors shown here)."""
        if self.backend is None or self.client_id is None:
            return
        try:
            page = self.backend.summary(self.client_id, lang=self.lang)
        except BackendError as exc:
            self.show_error(str(exc))
            return
        self._shown_for = (self.client_id, self.lang)
        self.page = page

    def _redraw(self):
        lang = self.lang
        self._button.description = _t("button", lang)
        self._button.disabled = self.client_id is None or self.backend is None
        self._hint.value = f"<div class='scoring-note'>{html.escape(_t('hint', lang))}</div>"
        if self.page and self._shown_for != (self.client_id, lang):
            self.page = ""  # another client or language: cleared now, a click fetches it again
        if not self.page:
            self._link.value = self._preview.value = ""
            return
        data = base64.b64encode(self.page.encode("utf-8")).decode("ascii")
        name = f"summary_{self.client_id}_{lang}.html"
        self._link.value = (
            f"<a class='scoring-summary-link' download='{name}' "
            f"href='data:text/html;charset=utf-8;base64,{data}'>⬇ {html.escape(_t('download', lang))}</a>"
        )
        self._preview.value = (
            "<iframe class='scoring-summary-preview' title='summary' sandbox='' "
            f"style='width:100%;height:560px;border:1px solid #ccc' srcdoc=\"{html.escape(self.page)}\"></iframe>"
        )
