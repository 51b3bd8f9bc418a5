"""A search box whose Enter (or button) submits exactly the text that is in the box.

ipywidgets sends at most one state update to the kernel at a time and holds the others back
until the kernel is idle, while a custom message (Enter in a ``Text``/``Combobox``) goes out at
once. Typed quickly, the ``submit`` then reaches the kernel before the last ``value`` update,
and the kernel reads the text without its last characters. Here the submit message carries the
text itself, so what the advisor sees in the box is what is submitted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import anywidget
import traitlets as T

__all__ = ["SearchBox"]

log = logging.getLogger(__name__)

_ESM = r"""
let counter = 0;
export default {
  render({ model, el }) {
    el.classList.add("scoring-search");
    el.style.display = "flex";
    el.style.gap = "6px";
    el.style.alignItems = "center";
    const input = document.createElement("input");
    input.type = "text";
    input.inputMode = "numeric";
    input.autocomplete = "off";
    input.className = "scoring-search-input";
    Object.assign(input.style, { width: "200px", height: "28px", boxSizing: "border-box",
      padding: "0 6px", border: "1px solid #9e9e9e", font: "inherit", fontSize: "13px" });
    const list = document.createElement("datalist");
    list.id = "scoring-search-" + (++counter) + "-" + Math.random().toString(36).slice(2);
    input.setAttribute("list", list.id);
    const button = document.createElement("button");
    button.type = "button";
    button.className = "jupyter-widgets jupyter-button widget-button mod-primary";
    button.style.width = "120px";
    el.append(input, list, button);

    const sync = () => {
      input.placeholder = model.get("placeholder");
      input.setAttribute("aria-label", model.get("placeholder"));
      button.textContent = model.get("button_label");
      if (document.activeElement !== input) input.value = model.get("value");
    };
    const options = () => {
      list.replaceChildren(...model.get("options").map((o) => {
        const opt = document.createElement("option");
        opt.value = o;
        return opt;
      }));
    };
    const submit = () => { model.send({ event: "submit", value: input.value }); };
    input.addEventListener("input", () => { model.set("value", input.value); model.save_changes(); });
    input.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); submit(); } });
    button.addEventListener("click", submit);
    model.on("change:value change:placeholder change:button_label", sync);
    model.on("change:options", options);
    sync();
    options();
    return () => { model.off("change:value change:placeholder change:button_label", sync);
                   model.off("change:options", options); };
  },
};
"""


class SearchBox(anywidget.AnyWidget):
    """A text box with suggestions (``options``) and a button; :meth:`on_submit` callbacks get
    the box's text when Enter is pressed or the button clicked.

    ``value`` follows the typing (for suggestions); the submitted text travels with the submit
    message itself, so it never lags behind what is on screen.
    """

    _esm = T.Unicode(_ESM).tag(sync=True)
    value = T.Unicode("").tag(sync=True)
    options = T.List(T.Unicode()).tag(sync=True)
    placeholder = T.Unicode("").tag(sync=True)
    button_label = T.Unicode("").tag(sync=True)

    def __init__(self, **kw):
        super().__init__(**kw)
        self._submit_handlers: list[Callable[[str], None]] = []
        self.on_msg(self._on_message)

    def on_submit(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(text)`` with the box's text on Enter or a button click."""
        self._submit_handlers.append(callback)

    def submit(self, text: str | None = None) -> None:
        """Submit ``text`` (default: :attr:`value`) as if typed and Enter pressed."""
        text = self.value if text is None else text
        for handler in self._submit_handlers:
            handler(text)

    def _on_message(self, _widget, content, _buffers) -> None:
        if not isinstance(content, dict) or content.get("event") != "submit":
            log.debug("search box: ignored message %r", content)
            return
        self.submit(str(content.get("value", ""))[:100])
