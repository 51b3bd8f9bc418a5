"""The languages of every user-facing text (labels, reasons, pages): defined once.

A light module (no third-party import), read by the explanations, the API's ``lang``
parameters, the command line's ``--lang`` and the dashboard.

Examples
--------
>>> LANGUAGES
('en', 'fr')
>>> check_language("fr")
'fr'
"""

from __future__ import annotations

from typing import Literal

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "LANGUAGE_PATTERN", "Language", "check_language"]

#: Language codes, in the order of the ``(en, fr)`` label pairs.
LANGUAGES: tuple[str, ...] = ("en", "fr")
#: The language used when none is asked for.
DEFAULT_LANGUAGE = "en"
#: The type of a language code (kept equal to :data:`LANGUAGES`, checked at import).
Language = Literal["en", "fr"]
#: A regular expression matching exactly one language code (for query parameters).
LANGUAGE_PATTERN = "^(" + "|".join(LANGUAGES) + ")$"

if Language.__args__ != LANGUAGES:  # pragma: no cover - a guard for whoever adds a language
    raise RuntimeError("Language must list the codes of LANGUAGES")


def check_language(lang: str) -> str:
    """``lang`` if it is one of :data:`LANGUAGES`, else a :class:`ValueError` naming them."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return lang
