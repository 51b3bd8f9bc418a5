"""Loan pricing: the credit / term / annuity relation of the what-if and the counterfactual offer.

Light on purpose (no pandas at import): the dashboard's kernel in API mode prices a loan with it.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MAX_OFFER_TERM", "MIN_CREDIT_SHARE", "TERM_FIELD", "LoanPricing", "round_amount"]

log = logging.getLogger(__name__)

#: The what-if change that sets the term (number of monthly payments); the annuity follows.
TERM_FIELD = "CNT_PAYMENT"
#: The longest term (months) a counterfactual offer proposes (or the current term, if longer).
MAX_OFFER_TERM = 60
#: The smallest credit a counterfactual offer proposes, as a share of the request.
MIN_CREDIT_SHARE = 0.3
_MAX_TERM = 600  # longer than any consumer loan: a current term beyond it means the rate does not fit


def round_amount(amount: float, *, down: bool = False) -> float:
    """An amount an advisor can say: to the nearest 1,000 (100 below 10,000, 10 below 1,000),
    half up; ``down`` rounds towards zero instead (an offer never above the amount computed)."""
    step = 1000.0 if amount >= 10_000 else 100.0 if amount >= 1_000 else 10.0
    n = math.floor(amount / step) if down else math.floor(amount / step + 0.5)
    return float(max(step, n * step))


@dataclass(frozen=True)
class LoanPricing:
    """The credit / term / annuity relation: ``annuity = credit * (1 + rate * term) / term``.

    Parameters
    ----------
    monthly_rate : float
        The flat monthly rate ``f`` (``0.015``: 1.5% of the amount a month).

    Examples
    --------
    >>> p = LoanPricing(0.015)
    >>> round(p.annuity(100_000, 36), 2)
    4277.78
    >>> round(p.term(100_000, p.annuity(100_000, 36)), 6)
    36.0
    """

    monthly_rate: float = 0.0

    def __post_init__(self):
        if not (math.isfinite(self.monthly_rate) and 0 <= self.monthly_rate < 1):
            raise ValueError(f"monthly_rate must be in [0, 1), got {self.monthly_rate!r}")

    @classmethod
    def from_previous(cls, previous: pd.DataFrame | None) -> LoanPricing:
        """The median flat rate of the approved previous loans (``f = 0`` when there are none)."""
        import pandas as pd  # here only: pricing a loan (the dashboard in API mode) needs no pandas

        if (
            previous is None
            or not len(previous)
            or not {"AMT_CREDIT", "AMT_ANNUITY", "CNT_PAYMENT"} <= set(previous.columns)
        ):
            log.warning("no previous loans to estimate the loan rate from: annuity = credit / term")
            return cls(0.0)
        c = pd.to_numeric(previous["AMT_CREDIT"], errors="coerce").to_numpy(float)
        a = pd.to_numeric(previous["AMT_ANNUITY"], errors="coerce").to_numpy(float)
        n = pd.to_numeric(previous["CNT_PAYMENT"], errors="coerce").to_numpy(float)
        ok = np.isfinite(c) & np.isfinite(a) & np.isfinite(n) & (c > 0) & (a > 0) & (n >= 1)
        if "NAME_CONTRACT_STATUS" in previous.columns:
            ok &= (previous["NAME_CONTRACT_STATUS"].astype(str) == "Approved").to_numpy()
        rate = (a[ok] * n[ok] / c[ok] - 1) / n[ok]
        rate = rate[(rate >= 0) & (rate < 1)]
        if not len(rate):
            log.warning("no usable previous loans to estimate the loan rate from: annuity = credit / term")
            return cls(0.0)
        return cls(float(np.median(rate)))

    def annuity(self, credit: float, term: float) -> float:
        """The monthly payment of ``credit`` over ``term`` months."""
        if term < 1:
            raise ValueError(f"a term is at least one month, got {term!r}")
        return float(credit) * (1.0 + self.monthly_rate * term) / term

    def term(self, credit: float, annuity: float) -> float | None:
        """The term (months) of ``credit`` repaid by ``annuity`` a month; ``None`` when the
        annuity does not cover the rate (or either is unknown)."""
        c, a = float(credit), float(annuity)
        if not (math.isfinite(c) and math.isfinite(a) and c > 0 and a > 0):
            return None
        free = a - c * self.monthly_rate
        if free <= 0:
            return None
        n = c / free
        return n if n <= _MAX_TERM else None

    def for_loan(self, credit: float, annuity: float) -> LoanPricing:
        """This pricing when it fits the loan (a current term of at most 600 months), else the
        plain ratio ``annuity = credit / term`` (so that the loan's own term always exists)."""
        if self.monthly_rate == 0 or self.term(credit, annuity) is not None:
            return self
        return LoanPricing(0.0)

    def to_dict(self, credit: float | None, annuity: float | None) -> dict | None:
        """``{"term_months", "monthly_rate"}`` of a loan (the JSON a profile carries), or
        ``None`` when the amount or the annuity is unknown."""
        if credit is None or annuity is None:
            return None
        p = self.for_loan(credit, annuity)
        n = p.term(credit, annuity)
        return None if n is None else {"term_months": float(n), "monthly_rate": p.monthly_rate}
