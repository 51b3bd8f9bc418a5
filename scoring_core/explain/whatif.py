"""What-if rescoring and counterfactual suggestions.

Both change application fields and rescore through the *same* feature pipeline as training
(derived features such as credit term or annuity/income ratio are recomputed), with the
client's history unchanged.

The counterfactual looks for the smallest change to actionable fields only (credit amount,
annuity, i.e. the loan term, and goods price; never age, gender, income or credit history)
that brings a refused client under the threshold, within sensible bounds: credit amount down
to 30% of the request, a term of at most 60 monthly payments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..data.loader import normalize_table
from ..data.schema import SCHEMAS
from ..errors import ScoringError
from ..model.scoring import ScoringModel

__all__ = [
    "WhatIfError",
    "apply_changes",
    "what_if_features",
    "Counterfactual",
    "counterfactual",
    "ACTIONABLE_FIELDS",
    "EDITABLE_FIELDS",
]

_APP = SCHEMAS["application_test"]
#: Fields the counterfactual may change.
ACTIONABLE_FIELDS = ("AMT_CREDIT", "AMT_ANNUITY", "AMT_GOODS_PRICE")
#: Application fields a what-if may change (everything but the id).
EDITABLE_FIELDS = tuple(c for c in _APP.columns if c not in _APP.ids)
_MAX_PAYMENTS = 60
_MIN_CREDIT_SHARE = 0.3


class WhatIfError(ScoringError):
    """A what-if change names an unknown field or has a value of the wrong type."""


def apply_changes(application: pd.DataFrame, changes: Mapping[str, object]) -> pd.DataFrame:
    """A copy of the one-row ``application`` with ``changes`` applied, normalized.

    Raises
    ------
    WhatIfError
        Unknown or non-editable field, or a value of the wrong type.
    """
    if len(application) != 1:
        raise ValueError("apply_changes takes one application row")
    unknown = [k for k in changes if k not in EDITABLE_FIELDS]
    if unknown:
        raise WhatIfError(f"cannot change {', '.join(map(str, unknown))}: not an editable application field")
    row = application.copy()
    for col, value in changes.items():
        if col in _APP.categorical:
            if value is not None and not isinstance(value, str):
                raise WhatIfError(f"{col} must be text, got {value!r}")
            row[col] = pd.Categorical([value])
        else:
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, (int, float, np.number))
            ):
                raise WhatIfError(f"{col} must be a number, got {value!r}")
            if value is not None and not np.isfinite(float(value)):
                raise WhatIfError(f"{col} must be a finite number, got {value!r}")
            row[col] = np.float32(np.nan if value is None else value)
    try:
        return normalize_table(row[list(_APP.columns)], "application_test")
    except ScoringError as exc:
        raise WhatIfError(str(exc)) from None


def what_if_features(
    model: ScoringModel, client_tables: Mapping[str, pd.DataFrame | None], changes: Mapping[str, object]
) -> pd.DataFrame:
    """Feature row of the client's application with ``changes``, history unchanged."""
    app = apply_changes(client_tables["application"], changes)
    return model.features({**client_tables, "application": app})


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


@dataclass
class Counterfactual:
    """The result of a counterfactual search."""

    found: bool
    changes: dict[str, float] = field(default_factory=dict)
    probability: float | None = None
    original_probability: float | None = None
    threshold: float | None = None
    message: str = ""

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
        }


def counterfactual(
    model: ScoringModel,
    client_tables: Mapping[str, pd.DataFrame | None],
    *,
    credit_steps: int = 15,
    term_steps: int = 8,
) -> Counterfactual:
    """Smallest change of credit amount and/or term (annuity) that gets the client approved.

    Candidates (a grid of credit amounts from the request down to 30% of it, crossed with
    terms up to 60 monthly payments; the goods price stays, so a smaller credit means a
    larger down payment) are scored in one batch; the approved candidate with the smallest
    relative change wins.
    """
    app = client_tables["application"]
    if len(app) != 1:
        raise ValueError("counterfactual takes one client's tables")
    x0 = model.features(client_tables)
    p0 = float(model.predict_proba(x0)[0])
    thr = model.threshold
    if p0 < thr:
        return Counterfactual(True, {}, p0, p0, thr, "the client is already approved; no change needed")
    credit = float(app["AMT_CREDIT"].iloc[0])
    annuity = float(app["AMT_ANNUITY"].iloc[0])
    if not (np.isfinite(credit) and credit > 0 and np.isfinite(annuity) and annuity > 0):
        return Counterfactual(
            False, {}, None, p0, thr, "credit amount or annuity unknown: no suggestion possible"
        )
    term0 = credit / annuity
    credit_f = np.linspace(1.0, _MIN_CREDIT_SHARE, credit_steps)
    max_term = max(term0, _MAX_PAYMENTS)
    term_f = np.linspace(1.0, max_term / term0, term_steps)
    grid = [(cf, tf) for cf in credit_f for tf in term_f if not (cf == 1.0 and tf == 1.0)]
    apps = pd.concat([app] * len(grid), ignore_index=True)
    new_credit = np.array([credit * cf for cf, _ in grid])
    new_annuity = np.array([credit * cf / (term0 * tf) for cf, tf in grid])
    apps["AMT_CREDIT"] = new_credit.astype(np.float32)
    apps["AMT_ANNUITY"] = np.round(new_annuity, 2).astype(np.float32)
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
        )
    effort = np.array([(1 - cf) + 0.5 * (tf - 1) for cf, tf in grid])
    best = ok[np.argmin(effort[ok])]
    changes = {
        "AMT_CREDIT": float(round(new_credit[best], 2)),
        "AMT_ANNUITY": float(round(new_annuity[best], 2)),
    }
    changes = {k: v for k, v in changes.items() if not np.isclose(v, float(app[k].iloc[0]))}
    return Counterfactual(
        True, changes, float(p[best]), p0, thr, "approved with a smaller credit and/or a longer term"
    )
