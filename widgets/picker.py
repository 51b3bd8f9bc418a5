"""Client picker: type or search an ID, or browse the portfolio riskiest first."""

from __future__ import annotations

import ipywidgets as W
import traitlets as T

from scoring_core.formatting import plural

from ._base import Panel
from .backend import BackendError
from .i18n import tr
from .search import SearchBox
from .style import SYMBOL, esc, num, pct

__all__ = ["ClientPicker"]


class ClientPicker(Panel):
    """Sets ``client_id`` from an ID typed in the search box (matching IDs are suggested
    from the third digit on) or from the portfolio list, riskiest clients first.

    ``backend`` answers ``portfolio(...)``; ``portfolio_size`` clients are listed.
    """

    backend = T.Any(allow_none=True, default_value=None)
    client_id = T.Int(allow_none=True, default_value=None)
    portfolio_size = T.Int(100, min=1, max=1000)
    _watch = ("backend", "portfolio_size")

    def _build(self):
        self._search = SearchBox(layout=W.Layout(width="auto", align_self="stretch"))
        self._search.observe(self._typed, names="value")
        self._search.on_submit(self.submit)
        self._list = W.Select(rows=8, layout=W.Layout(width="auto", align_self="stretch"))
        self._bind(self._list, "client_id")
        self._list_title = W.HTML()
        self._hint = W.HTML()
        self.portfolio: list[dict] = []

    def _body(self):
        return (self._search, self._hint, self._list_title, self._list)

    def submit(self, text: str | None = None) -> None:
        """Pick the client whose ID is ``text`` (default: the search box's text; Enter in the box
        and its button submit the text shown in the box)."""
        text = (self._search.value if text is None else text).strip()
        try:
            cid = int(text)
        except ValueError:
            self.show_error(tr("not_a_number", self.lang))
            return
        self.show_error("")
        self.client_id = cid

    def _typed(self, change):
        text = (change["new"] or "").strip()
        if self._syncing or self.backend is None or len(text) < 3 or not text.isdigit():
            return
        try:
            found = self.backend.portfolio(prefix=text, order="id", limit=20)
        except BackendError as exc:
            self.show_error(str(exc))
            return
        self._search.options = tuple(str(c["client_id"]) for c in found["clients"])
        n, lang = found["total"], self.lang
        words = tr("match_one" if plural(n, lang, "one", "other") == "one" else "matches", lang)
        self._hint.value = f"<div class='scoring-note'>{esc(num(n, lang))} {esc(words)}</div>"

    @T.observe("client_id")
    def _show_selected(self, change):
        cid = change["new"]
        self._syncing = True
        try:
            if cid is not None and str(cid) != self._search.value:
                self._search.value = str(cid)
            listed = cid in {c["client_id"] for c in self.portfolio}
            self._list.value = cid if listed else None  # never the previous client
        finally:
            self._syncing = False

    def _redraw(self):
        lang = self.lang
        self._search.placeholder = tr("search_hint", lang)
        self._search.button_label = tr("show", lang)
        self._list_title.value = f"<b>{esc(tr('portfolio', lang))}</b> ({esc(tr('riskiest_first', lang))})"
        if self.backend is None:
            self._list.options = ()
            return
        self.portfolio = self.backend.portfolio(limit=self.portfolio_size, order="risk")["clients"]
        self._list.options = [
            (
                f"{c['client_id']} · {pct(c['probability'], lang)} · {SYMBOL[c['decision']]} {tr(c['decision'], lang)}",
                c["client_id"],
            )
            for c in self.portfolio
        ]
        self._list.value = (
            self.client_id if self.client_id in {c["client_id"] for c in self.portfolio} else None
        )
