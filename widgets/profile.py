"""Client profile: the main application fields, with sensitive ones maskable."""

from __future__ import annotations

import ipywidgets as W
import traitlets as T

from scoring_core.data.columns import SENSITIVE_ATTRIBUTES
from scoring_core.explain.labels import feature_label
from scoring_core.formatting import plural

from ._base import Panel
from .i18n import tr
from .style import display_value, esc

__all__ = ["ClientProfile", "SENSITIVE_FIELDS"]

#: Fields hidden when ``masked``: those the schema marks sensitive (protected characteristics
#: and family situation, :data:`scoring_core.data.columns.SENSITIVE_ATTRIBUTES`).
SENSITIVE_FIELDS: tuple[str, ...] = tuple(c for cols in SENSITIVE_ATTRIBUTES.values() for c in cols)


def term_text(months: float, lang: str) -> str:
    """``"36 monthly payments"`` / ``"36 mensualités"`` (whole months, plural by the language)."""
    n = int(round(months))
    return tr("months_n" if plural(n, lang, "one", "other") == "other" else "month_one", lang, n=n)


class ClientProfile(Panel):
    """Age, income, credit, annuity, term, employment and family of a client.

    ``profile`` is the JSON of ``/clients/{id}``; with ``masked`` the fields of
    :data:`SENSITIVE_FIELDS` show as hidden. Category levels read in the interface's language,
    amounts carry their currency and period. The outcome is never part of a profile.
    """

    profile = T.Dict(allow_none=True, default_value=None)
    masked = T.Bool(False)
    _watch = ("profile", "masked")

    def _build(self):
        self._mask = W.Checkbox(value=self.masked, indent=False)
        self._bind(self._mask, "masked")
        self._table = W.HTML()

    def _body(self):
        return (self._mask, self._table)

    def _heading(self):
        return tr("profile", self.lang)

    @property
    def rows(self) -> list[tuple[str, str]]:
        """``(label, shown value)`` pairs as displayed."""
        p, lang = self.profile, self.lang
        if not p:
            return []
        out = []
        for f in p:  # the service's PROFILE_FIELDS, in its order (not imported: API mode stays light)
            if f in ("client_id", "loan"):
                continue
            if self.masked and f in SENSITIVE_FIELDS:
                value = f"[{tr('masked', lang)}]"
            else:
                value = display_value(f, p[f], lang)
            out.append((feature_label(f, lang), value))
            if f == "AMT_ANNUITY" and p.get("loan"):
                out.append((tr("loan_term", lang), term_text(p["loan"]["term_months"], lang)))
        return out

    def _redraw(self):
        self._mask.description = tr("mask", self.lang)
        self._mask.value = self.masked
        if not self.profile:
            self._table.value = ""
            return
        body = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in self.rows)
        cid = self.profile.get("client_id")
        self._table.value = (
            f"<div class='scoring-note' data-testid='profile-client'>{esc(tr('client_id', self.lang))} {esc(cid)}</div>"
            f"<table class='scoring-table'>{body}</table>"
        )
