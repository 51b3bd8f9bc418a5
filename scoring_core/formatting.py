"""Numbers, percentages, amounts, durations and plurals in the user's language, through Babel.

Every text a person reads (dashboard, reasons, summaries, CLI messages about clients) formats
its numbers here, never by hand: French gets ``144 900``, ``22,6 %`` and ``2 jours``; English gets
``144,900``, ``22.6%`` and ``2 days``. Amounts carry the currency of the settings
(``SCORING_CURRENCY``, default ``EUR``) and, when it has one, their period (monthly annuity,
annual income).

Examples
--------
>>> format_number(144900, "fr")
'144\\u202f900'
>>> format_percent(0.226, "fr")
'22,6\\xa0%'
>>> format_money(1234.5, "en", currency="EUR", period="month")
'€1,235 per month'
>>> plural(2, "fr", "jour", "jours")
'jours'
"""

from __future__ import annotations

import decimal
import math
from functools import lru_cache

from babel import Locale
from babel.numbers import format_currency as _babel_currency
from babel.numbers import format_decimal as _babel_decimal
from babel.numbers import format_percent as _babel_percent_raw

# Babel rounds with ``decimal`` in the current context (28 digits): any finite float up to
# float32's maximum (an amount the API accepts, ~3.4e38) needs more.
_WIDE = decimal.Context(prec=80)


def format_decimal(*args, **kw) -> str:
    with decimal.localcontext(_WIDE):
        return _babel_decimal(*args, **kw)


def format_currency(*args, **kw) -> str:
    with decimal.localcontext(_WIDE):
        return _babel_currency(*args, **kw)


def _babel_percent(*args, **kw) -> str:
    with decimal.localcontext(_WIDE):
        return _babel_percent_raw(*args, **kw)

__all__ = [
    "LOCALES",
    "PERIODS",
    "currency",
    "format_money",
    "format_number",
    "format_percent",
    "format_points",
    "period_text",
    "plural",
]

#: The Babel locale used for each interface language.
LOCALES: dict[str, str] = {"en": "en_GB", "fr": "fr_FR"}

#: Period words of an amount (``None``: a one-off amount such as the credit).
PERIODS: dict[str, tuple[str, str]] = {
    "month": ("per month", "par mois"),
    "year": ("per year", "par an"),
}


def _locale(lang: str) -> str:
    try:
        return LOCALES[lang]
    except KeyError:
        raise ValueError(f"language must be one of {tuple(LOCALES)}, got {lang!r}") from None


def _finite(x: object) -> float | None:
    try:
        v = float(x)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def currency() -> str:
    """The ISO 4217 code of the amounts (setting ``SCORING_CURRENCY``)."""
    from .settings import get_settings

    return get_settings().currency


def format_number(x: float | int | None, lang: str = "en", decimals: int | None = None) -> str:
    """``x`` with the locale's separators; ``decimals`` fixes the digits after the point
    (``None``: up to 3, trailing zeros dropped). ``None``/NaN give ``"–"``."""
    v = _finite(x)
    if v is None:
        return "–"
    if decimals is None:
        return format_decimal(v, locale=_locale(lang))
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(round(v, decimals), format=pattern, locale=_locale(lang))


def format_percent(p: float | None, lang: str = "en", digits: int = 1) -> str:
    """A share ``p`` in [0, 1] as a percentage (``0.226`` -> ``22.6%`` / ``22,6 %``)."""
    v = _finite(p)
    if v is None:
        return "–"
    loc = _locale(lang)
    base = Locale.parse(loc).percent_formats[None].pattern.split(";")[0]
    pattern = base.replace("#,##0", "#,##0" + ("." + "0" * digits if digits > 0 else ""), 1)
    return _babel_percent(v, format=pattern, locale=loc)


def format_points(x: float | None, lang: str = "en", digits: int = 1, sign: bool = True) -> str:
    """A difference of percentages, in points (``+3.2 pts`` / ``+3,2 pts``)."""
    v = _finite(x)
    if v is None:
        return "–"
    text = format_number(abs(v), lang, digits)
    prefix = ("+" if v > 0 else "−" if v < 0 else "") if sign else ("−" if v < 0 else "")
    return f"{prefix}{text}\u00a0pts"


def period_text(period: str | None, lang: str = "en") -> str:
    """``"per month"`` / ``"par mois"`` (``""`` for a one-off amount)."""
    if period is None:
        return ""
    en, fr = PERIODS[period]
    return fr if lang == "fr" else en


@lru_cache(maxsize=8)
def _money_pattern(locale: str) -> str:
    pattern = Locale.parse(locale).currency_formats["standard"].pattern
    return pattern.split(";")[0].replace(".00", "")


def format_money(
    amount: float | None,
    lang: str = "en",
    *,
    currency: str | None = None,
    period: str | None = None,
) -> str:
    """An amount rounded to the unit, with its currency and period
    (``€1,235 per month``, ``1 235 € par mois``)."""
    v = _finite(amount)
    if v is None:
        return "–"
    code = currency or globals()["currency"]()
    loc = _locale(lang)
    text = format_currency(
        math.floor(v + 0.5), code, format=_money_pattern(loc), locale=loc, currency_digits=False
    )
    words = period_text(period, lang)
    return f"{text} {words}" if words else text


def plural(n: float, lang: str, one: str, other: str) -> str:
    """``one`` or ``other`` by the language's plural rule for ``n`` (CLDR, through Babel).

    French takes the singular below 2 (``1,5 million``); show counts of days or months as whole
    numbers so that a reader never meets ``1,3 jour``."""
    v = _finite(n)
    if v is None:
        return other
    form = Locale.parse(_locale(lang)).plural_form(abs(v))
    return one if form == "one" else other
