"""What-if rescoring, loan pricing and counterfactual offers.

Both change application fields and rescore through the *same* feature pipeline as training
(derived features such as credit term or annuity/income ratio are recomputed), with the
client's history unchanged.

Loan pricing
------------
An advisor changes a loan by its amount and its term (number of monthly payments); the
monthly payment follows. The relation is the data's own: in ``previous_application`` a loan of
amount ``C`` over ``n`` monthly payments (``CNT_PAYMENT``) has the annuity
``A = C * (1 + f * n) / n``, a *flat* monthly rate ``f`` (total repaid ``A * n`` is the amount
plus ``f * n`` of it). :class:`LoanPricing` estimates ``f`` once as the median over the
approved previous loans (``LoanPricing.from_previous``; ``f = 0``, i.e. ``A = C / n``, the ratio
the features use, when the data has no usable previous loans). The current application has no
term in the data; it is the term that the rate gives to its amount and annuity,
``n0 = C / (A - C f)`` (:meth:`LoanPricing.term`), so an unchanged amount and term give back
the client's annuity exactly. A smaller amount at a fixed term lowers the payment in
proportion; a longer term lowers it too.

A what-if may give ``CNT_PAYMENT`` (the term, in months) among its changes, with or without
``AMT_CREDIT``: the annuity is then derived (see :func:`loan_changes`). Raw fields
(``AMT_CREDIT``, ``AMT_ANNUITY``...) alone are applied as they are, for integrators.

Counterfactual
--------------
The counterfactual is an offer an advisor can read aloud: a credit amount rounded to 1,000
(100 below 10,000), a whole number of months (standard terms 12 to 60, or the current term),
the monthly payment that follows, and the new probability. It looks for the offer closest to
the request among amounts down to 30% of it and terms up to 60 months, scored in one batch
through the same pipeline; never age, income or history.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..data.constraints import check_application_value
from ..data.loader import normalize_table
from ..data.schema import DAYS_SENTINEL, MISSING_TOKENS, SCHEMAS
from ..errors import ScoringError
from .pricing import _MAX_TERM, MAX_OFFER_TERM, MIN_CREDIT_SHARE, TERM_FIELD, LoanPricing, round_amount

if TYPE_CHECKING:  # annotations only: the model (sklearn, LightGBM) is not loaded for pricing
    from ..model.scoring import ScoringModel

__all__ = [
    "ACTIONABLE_FIELDS",
    "EDITABLE_FIELDS",
    "MAX_OFFER_TERM",
    "MIN_CREDIT_SHARE",
    "TERM_FIELD",
    "Counterfactual",
    "LoanPricing",
    "Offer",
    "WhatIfError",
    "apply_changes",
    "counterfactual",
    "loan_changes",
    "round_amount",
    "what_if_features",
]

log = logging.getLogger(__name__)

_APP = SCHEMAS["application_test"]
#: Fields the counterfactual may change.
ACTIONABLE_FIELDS = ("AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE")
#: Application fields a what-if may change (everything but the id).
EDITABLE_FIELDS = tuple(c for c in _APP.columns if c not in _APP.ids)
_MAX_PAYMENTS = MAX_OFFER_TERM
_MIN_CREDIT_SHARE = MIN_CREDIT_SHARE
_STANDARD_TERMS = (6, 12, 18, 24, 30, 36, 42, 48, 54, 60)


class WhatIfError(ScoringError):
    """A what-if change names an unknown field or has a value of the wrong type."""


def loan_changes(
    application: pd.DataFrame, changes: Mapping[str, object], pricing: LoanPricing | None = None
) -> dict[str, object]:
    """``changes`` with a term (:data:`TERM_FIELD`) turned into the annuity it gives.

    With ``CNT_PAYMENT`` (and optionally ``AMT_CREDIT``) among the changes, ``AMT_ANNUITY`` is
    derived by ``pricing`` (fitted to the client's current loan, :meth:`LoanPricing.for_loan`);
    giving ``AMT_ANNUITY`` as well is an error. Without a term, ``changes`` is returned as is.

    Raises
    ------
    WhatIfError
        A term that is not a number of at least one month, or given with an annuity.
    """
    if TERM_FIELD not in changes:
        return dict(changes)
    out = {k: v for k, v in changes.items() if k != TERM_FIELD}
    term = changes[TERM_FIELD]
    if (
        isinstance(term, bool)
        or not isinstance(term, (int, float, np.number))
        or not math.isfinite(float(term))
    ):
        raise WhatIfError(f"{TERM_FIELD} (the term, in months) must be a number, got {term!r}")
    if not 1 <= float(term) <= _MAX_TERM:
        raise WhatIfError(
            f"{TERM_FIELD} (the term, in months) must be between 1 and {_MAX_TERM}, got {term!r}"
        )
    if "AMT_ANNUITY" in out:
        raise WhatIfError(f"give either {TERM_FIELD} (the annuity follows) or AMT_ANNUITY, not both")
    row = application.iloc[0]
    credit = out.get("AMT_CREDIT", row["AMT_CREDIT"])
    try:
        credit = float(credit)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise WhatIfError(f"AMT_CREDIT must be a number, got {credit!r}") from None
    if not (math.isfinite(credit) and credit > 0):
        raise WhatIfError("the credit amount is unknown: give AMT_CREDIT with the term")
    pricing = (pricing or LoanPricing()).for_loan(float(row["AMT_CREDIT"]), float(row["AMT_ANNUITY"]))
    out["AMT_ANNUITY"] = round(pricing.annuity(credit, float(term)), 2)
    return out


def apply_changes(
    application: pd.DataFrame,
    changes: Mapping[str, object],
    pricing: LoanPricing | None = None,
    *,
    normalized: bool = False,
) -> pd.DataFrame:
    """A copy of the one-row ``application`` with ``changes`` applied, normalized.

    A term (:data:`TERM_FIELD`) becomes the annuity it gives (:func:`loan_changes`).
    ``normalized``: ``application`` is already normalized (a row of a loaded data set, e.g.
    from :class:`~scoring_core.features.HistoryStore`), so only the changed columns are
    converted, as :func:`~scoring_core.data.normalize_table` converts them (a whole-row
    normalization costs several milliseconds per what-if).

    Raises
    ------
    WhatIfError
        Unknown or non-editable field, or a value of the wrong type.
    """
    if len(application) != 1:
        raise ValueError("apply_changes takes one application row")
    unknown = [k for k in changes if k not in EDITABLE_FIELDS and k != TERM_FIELD]
    if unknown:
        raise WhatIfError(f"cannot change {', '.join(map(str, unknown))}: not an editable application field")
    changes = loan_changes(application, changes, pricing)
    row = application.copy()
    for col, value in changes.items():
        try:  # the same constraints as the API's request models (type, range, known levels)
            check_application_value(col, value)
        except ScoringError as exc:
            raise WhatIfError(str(exc)) from None
        if normalized:
            row[col] = _normalized_column(col, value)
        elif col in _APP.categorical:
            row[col] = pd.Categorical([value])
        else:
            row[col] = np.float32(np.nan if value is None else value)
    if normalized:
        return row
    try:
        return normalize_table(row[list(_APP.columns)], "application_test")
    except ScoringError as exc:
        raise WhatIfError(str(exc)) from None


def what_if_features(
    model: ScoringModel,
    client_tables: Mapping[str, pd.DataFrame | None],
    changes: Mapping[str, object],
    pricing: LoanPricing | None = None,
    history: pd.DataFrame | None = None,
    *,
    normalized: bool = False,
) -> pd.DataFrame:
    """Feature row of the client's application with ``changes``, history unchanged.

    ``history``: the client's current feature row (same model); its history features are
    reused instead of being recomputed from ``client_tables`` (same values, less than half
    the cost of a what-if: history features never depend on the application).
    ``normalized``: the application row is already normalized (see :func:`apply_changes`).
    """
    app = apply_changes(client_tables["application"], changes, pricing, normalized=normalized)
    if history is not None:
        return model.builder.transform({"application": app}, history=history)
    return model.features({**client_tables, "application": app})


def _normalized_column(column: str, value) -> pd.Categorical | np.ndarray:
    """One validated value of an application column as :func:`normalize_table` stores it:
    a category (``XNA``/``XAP`` missing) or ``float32`` (the "no date" sentinel missing)."""
    if column in _APP.categorical:
        level = None if value is None or value in MISSING_TOKENS else str(value)
        return pd.Categorical([level], categories=[] if level is None else [level])
    x = np.float32(np.nan if value is None else value)
    if column in _APP.sentinel_columns and x == DAYS_SENTINEL:
        x = np.float32(np.nan)
    return np.array([x], dtype=np.float32)


def _replicate(client_tables: Mapping[str, pd.DataFrame | None], apps: pd.DataFrame) -> dict:
    """One copy of the client's history per candidate application (ids already distinct)."""
    ids = apps["SK_ID_CURR"].to_numpy()
    out = {"application": apps}
    for name, df in client_tables.items():
        if name == "application" or df is None:
            continue
        if "SK_ID_CURR" not in df.columns or len(df) == 0:
            out[name] = df
            continue
        reps = pd.concat([df] * len(ids), ignore_index=True)
        reps["SK_ID_CURR"] = np.repeat(ids, len(df)).astype(np.int32)
        if name == "bureau":  # bureau_balance links through SK_ID_BUREAU: make those distinct too
            base = int(df["SK_ID_BUREAU"].max()) + 1 if len(df) else 0
            reps["SK_ID_BUREAU"] = (
                reps["SK_ID_BUREAU"].to_numpy() + np.repeat(np.arange(len(ids)), len(df)) * base
            )
        out[name] = reps
    bb = client_tables.get("bureau_balance")
    if (
        bb is not None
        and len(bb)
        and client_tables.get("bureau") is not None
        and len(client_tables["bureau"])
    ):
        base = int(client_tables["bureau"]["SK_ID_BUREAU"].max()) + 1
        reps = pd.concat([bb] * len(ids), ignore_index=True)
        reps["SK_ID_BUREAU"] = (
            reps["SK_ID_BUREAU"].to_numpy() + np.repeat(np.arange(len(ids)), len(bb)) * base
        )
        out["bureau_balance"] = reps
    return out


@dataclass(frozen=True)
class Offer:
    """A loan an advisor can propose: amount, term in whole months and the monthly payment."""

    credit: float
    term_months: int
    annuity: float

    def to_dict(self) -> dict:
        return {"credit": self.credit, "term_months": self.term_months, "annuity": self.annuity}


@dataclass
class Counterfactual:
    """The result of a counterfactual search.

    ``changes`` are the raw application fields of the offer (``AMT_CREDIT``, ``AMT_ANNUITY``:
    what an integrator posts back to the what-if); ``offer`` the same loan as amount, term and
    payment, with ``current`` the client's request in the same terms.
    """

    found: bool
    changes: dict[str, float] = field(default_factory=dict)
    probability: float | None = None
    original_probability: float | None = None
    threshold: float | None = None
    message: str = ""
    offer: Offer | None = None
    current: Offer | None = None

    def to_dict(self, client_id: int) -> dict:
        """The JSON of ``/clients/{id}/counterfactual``."""
        return {
            "client_id": int(client_id),
            "found": self.found,
            "changes": self.changes,
            "probability": self.probability,
            "original_probability": self.original_probability,
            "threshold": self.threshold,
            "message": self.message,
            "offer": None if self.offer is None else self.offer.to_dict(),
            "current": None if self.current is None else self.current.to_dict(),
        }


def _candidates(credit: float, term0: float) -> list[tuple[float, int]]:
    """Rounded amounts from the request down to 30% of it, crossed with whole terms from the
    current one up to 60 months (or the current term when it is longer).

    The request itself (its amount at its own term, rounded) is not a candidate: it only
    re-prices the same loan, and "the same credit over the same term for a slightly different
    payment" is not an offer an advisor can make.
    """
    amounts = sorted(
        {round_amount(credit * s, down=True) for s in np.linspace(1.0, _MIN_CREDIT_SHARE, 15)}, reverse=True
    )
    start = max(1, int(round(term0)))
    terms = sorted({start, *(t for t in _STANDARD_TERMS if start < t <= _MAX_PAYMENTS)})
    return [(c, t) for c in amounts for t in terms if c < credit or t > start]


def _message(offer: Offer, p: float) -> str:
    return (
        f"approved with a credit of {offer.credit:,.0f} over {offer.term_months} months "
        f"({offer.annuity:,.0f} per month): probability of default {100 * p:.1f}%"
    )


def counterfactual(
    model: ScoringModel,
    client_tables: Mapping[str, pd.DataFrame | None],
    pricing: LoanPricing | None = None,
) -> Counterfactual:
    """The offer closest to the client's request that gets the loan approved.

    Candidates (rounded amounts from the request down to 30% of it, crossed with whole terms
    up to 60 months; the goods price stays, so a smaller credit means a larger down payment)
    are priced by ``pricing`` (fitted to the client's loan), scored in one batch, and the
    approved candidate with the smallest change wins: a relative cut of the amount counts
    twice a relative lengthening of the term. The probability returned is the one of the
    rounded offer as it would be scored.
    """
    app = client_tables["application"]
    if len(app) != 1:
        raise ValueError("counterfactual takes one client's tables")
    x0 = model.features(client_tables)
    p0 = float(model.predict_proba(x0)[0])
    thr = model.threshold
    credit = float(app["AMT_CREDIT"].iloc[0])
    annuity = float(app["AMT_ANNUITY"].iloc[0])
    known = np.isfinite(credit) and credit > 0 and np.isfinite(annuity) and annuity > 0
    pricing = (pricing or LoanPricing()).for_loan(credit, annuity) if known else None
    term0 = pricing.term(credit, annuity) if pricing is not None else None
    current = Offer(credit, int(round(term0)), annuity) if pricing is not None and term0 is not None else None
    if p0 < thr:
        return Counterfactual(
            True, {}, p0, p0, thr, "the client is already approved; no change needed", current=current
        )
    if pricing is None or term0 is None:
        return Counterfactual(
            False, {}, None, p0, thr, "credit amount or annuity unknown: no suggestion possible"
        )
    grid = _candidates(credit, term0)
    new_credit = np.array([c for c, _ in grid])
    new_annuity = np.array([round(pricing.annuity(c, t), 2) for c, t in grid])
    apps = pd.concat([app] * len(grid), ignore_index=True)
    apps["AMT_CREDIT"] = new_credit.astype(np.float32)
    apps["AMT_ANNUITY"] = new_annuity.astype(np.float32)
    top = np.iinfo(np.int32).max
    apps["SK_ID_CURR"] = (top - np.arange(len(grid))).astype(np.int32)
    X = model.features(_replicate(client_tables, apps))
    p = model.predict_proba(X)
    ok = np.flatnonzero(p < thr)
    if len(ok) == 0:
        return Counterfactual(
            False,
            {},
            float(p.min()),
            p0,
            thr,
            f"no credit amount down to {_MIN_CREDIT_SHARE:.0%} of the request and no term up to "
            f"{_MAX_PAYMENTS} monthly payments brings the risk under the threshold",
            current=current,
        )
    effort = np.array([2 * (1 - c / credit) + max(0.0, t / term0 - 1) for c, t in grid])
    best = ok[np.lexsort((p[ok], effort[ok]))[0]]
    offer = Offer(float(new_credit[best]), int(grid[best][1]), float(new_annuity[best]))
    changes = {"AMT_CREDIT": offer.credit, "AMT_ANNUITY": offer.annuity}
    return Counterfactual(
        True, changes, float(p[best]), p0, thr, _message(offer, float(p[best])), offer=offer, current=current
    )
