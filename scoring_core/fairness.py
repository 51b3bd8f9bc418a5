"""Fairness check: approval rate and error rates of the decisions, group by group.

The model's positive class is *default* and a positive decision is a *refusal*, so:

- ``approval_rate``: share of the group's clients approved (``P(default) < threshold``);
- ``fnr`` (false-negative rate): share of the group's defaulters who were approved, the
  lender's loss;
- ``fpr`` (false-positive rate): share of the group's good clients (who repaid) who were
  refused, the harm done to clients;
- ``approval_ratio``: approval rate over the reference group's (the *disparate impact*
  ratio; the "four-fifths rule" flags a ratio below 0.8);
- ``fnr_diff`` / ``fpr_diff``: error-rate differences to the reference group (equalised
  odds asks for both to be close to 0).

Evaluate on predictions the model was not trained on (hold-out or out-of-fold
predictions), never on training predictions. Groups with few clients (``min_size``) are
flagged: their rates are too noisy to conclude anything.

Examples
--------
>>> t = fairness_table([0, 1, 0, 1], [0.1, 0.9, 0.6, 0.2], 0.5, ["F", "F", "M", "M"], reference="F")
>>> t["approval_rate"].tolist(), t["fnr"].tolist(), t["fpr"].tolist()
([0.5, 0.5], [0.0, 1.0], [0.0, 1.0])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .data.columns import SENSITIVE_ATTRIBUTES
from .data.schema import SCHEMAS

__all__ = [
    "AGE_BAND_EDGES",
    "AGE_BAND_LABELS",
    "CHECKED_ATTRIBUTES",
    "FOUR_FIFTHS",
    "UNKNOWN",
    "age_band",
    "gender_group",
    "group_columns",
    "join_groups",
    "fairness_table",
    "disparate_impact",
    "SENSITIVE_FEATURES",
    "sensitive_inputs",
]

#: Lower bounds (years) of the age bands after the first.
AGE_BAND_EDGES = (25, 35, 45, 55)
AGE_BAND_LABELS = ("<25", "25-34", "35-44", "45-54", "55+")
#: The four-fifths rule: an approval-rate ratio below this flags a possible disparate impact.
FOUR_FIFTHS = 0.8
#: Label of clients whose group is not known (missing value, ``XNA``).
UNKNOWN = "unknown"

#: The attributes the check compares group by group (their columns: the schema's
#: :data:`~scoring_core.data.columns.SENSITIVE_ATTRIBUTES`).
CHECKED_ATTRIBUTES = ("gender", "age")


def _computed_from(column: str) -> tuple[str, ...]:
    """The domain features computed from the application column ``column``, found by the
    feature code itself: those that change when only ``column`` changes."""
    from .features.domain import APPLICATION_NUMERIC, DOMAIN_FEATURES, domain_features

    if column not in APPLICATION_NUMERIC:
        return ()
    schema = SCHEMAS["application_test"]
    row = np.array([[-1000.0 if schema.meaning(c).relative else 1.0 for c in APPLICATION_NUMERIC]])
    changed = row.copy()
    changed[0, APPLICATION_NUMERIC.index(column)] *= 2.0
    before, after = domain_features(row)[0], domain_features(changed)[0]
    differs = ~((before == after) | (np.isnan(before) & np.isnan(after)))
    return tuple(f for f, d in zip(DOMAIN_FEATURES, differs, strict=True) if d)


#: Model features that carry each checked attribute: the raw columns the schema marks with it,
#: and the features computed from them (``AGE_YEARS``; the ``*_AGE_RATIO`` features divide by
#: the age).
SENSITIVE_FEATURES: dict[str, tuple[str, ...]] = {
    attribute: tuple(f for c in SENSITIVE_ATTRIBUTES[attribute] for f in (c, *_computed_from(c)))
    for attribute in CHECKED_ATTRIBUTES
}

_COLUMNS = [
    "group",
    "n",
    "share",
    "defaults",
    "default_rate",
    "mean_probability",
    "approval_rate",
    "fnr",
    "fpr",
    "approval_ratio",
    "fnr_diff",
    "fpr_diff",
    "reference",
    "small",
]


def age_band(days_birth) -> pd.Categorical:
    """Age bands ``<25, 25-34, 35-44, 45-54, 55+`` from ``DAYS_BIRTH`` (days before the
    application, negative); a missing value gives ``unknown``.

    Examples
    --------
    >>> list(age_band([-365.25 * 24.5, -365.25 * 30, -365.25 * 60, None]))
    ['<25', '25-34', '55+', 'unknown']
    """
    days = pd.to_numeric(pd.Series(np.asarray(days_birth, dtype=object)), errors="coerce").to_numpy(float)
    years = -days / 365.25
    codes = np.searchsorted(np.asarray(AGE_BAND_EDGES, dtype=float), years, side="right")
    labels = np.asarray(AGE_BAND_LABELS, dtype=object)[np.minimum(codes, len(AGE_BAND_LABELS) - 1)]
    labels = np.where(np.isnan(years), UNKNOWN, labels)
    return pd.Categorical(labels, categories=[*AGE_BAND_LABELS, UNKNOWN])


def gender_group(code_gender) -> pd.Categorical:
    """``F`` / ``M`` from ``CODE_GENDER``; anything else (missing, ``XNA``) is ``unknown``."""
    s = pd.Series(np.asarray(code_gender, dtype=object)).astype("string").str.upper()
    out = np.where(
        s.isin(["F", "M"]).fillna(False).to_numpy(bool), s.fillna(UNKNOWN).to_numpy(object), UNKNOWN
    )
    return pd.Categorical(out, categories=["F", "M", UNKNOWN])


def group_columns(applications: pd.DataFrame) -> pd.DataFrame:
    """``gender`` and ``age_band`` of each application row, indexed by ``SK_ID_CURR``."""
    return pd.DataFrame(
        {
            "gender": gender_group(applications["CODE_GENDER"]),
            "age_band": age_band(applications["DAYS_BIRTH"]),
        },
        index=pd.Index(applications["SK_ID_CURR"].to_numpy(), name="SK_ID_CURR"),
    )


def join_groups(scores: pd.DataFrame, applications: pd.DataFrame) -> pd.DataFrame:
    """``scores`` (``SK_ID_CURR, TARGET, probability, ...``) with each client's ``gender`` and
    ``age_band`` from ``applications``.

    Raises
    ------
    DataError
        A scored client is not in ``applications``, or its ``TARGET`` differs there (the
        predictions do not belong to this data).
    """
    from .errors import DataError

    groups = group_columns(applications)
    ids = scores["SK_ID_CURR"].to_numpy()
    missing = ~pd.Index(ids).isin(groups.index)
    if missing.any():
        raise DataError(
            f"{int(missing.sum()):,} of the {len(ids):,} scored clients are not in the application table "
            f"(e.g. SK_ID_CURR={ids[missing][0]}); the predictions do not belong to this data"
        )
    out = scores.reset_index(drop=True).join(groups.loc[ids].reset_index(drop=True))
    if "TARGET" in applications and "TARGET" in scores:
        observed = pd.Series(
            pd.to_numeric(applications["TARGET"], errors="coerce").to_numpy(float),
            index=applications["SK_ID_CURR"].to_numpy(),
        ).loc[ids]
        differ = observed.to_numpy() != scores["TARGET"].to_numpy(float)
        if differ.any():
            raise DataError(
                f"{int(differ.sum()):,} scored clients have another TARGET in the application table; "
                "the predictions do not belong to this data"
            )
    return out


def _rate(num: int, den: int) -> float:
    return float(num / den) if den else float("nan")


def fairness_table(
    y_true,
    proba,
    threshold: float,
    groups,
    *,
    reference: str | None = None,
    min_size: int = 30,
) -> pd.DataFrame:
    """Decision rates per group, and their ratios and differences to a reference group.

    Parameters
    ----------
    y_true : observed outcome (1 = default), one per client.
    proba : predicted P(default), one per client (hold-out or out-of-fold predictions).
    threshold : the decision threshold (refuse when ``proba >= threshold``).
    groups : the group of each client (missing values are ``unknown``).
    reference : the group others are compared with; default the largest group.
    min_size : groups with fewer clients are flagged ``small`` (rates too noisy to judge).

    Returns
    -------
    DataFrame
        One row per non-empty group, in the groups' category order (else sorted):
        ``group, n, share, defaults, default_rate, mean_probability, approval_rate, fnr, fpr,
        approval_ratio, fnr_diff, fpr_diff, reference, small``.
    """
    y = np.asarray(y_true).astype(np.int64).ravel()
    p = np.asarray(proba, dtype=float).ravel()
    g = pd.Series(groups)
    if not (len(y) == len(p) == len(g)):
        raise ValueError(f"y_true, proba and groups differ in length ({len(y)}, {len(p)}, {len(g)})")
    if len(y) == 0:
        raise ValueError("empty input")
    if not 0 <= float(threshold) <= 1 + 1e-9:
        raise ValueError(f"threshold must be a probability, got {threshold}")
    if isinstance(g.dtype, pd.CategoricalDtype):
        order = [str(c) for c in g.cat.categories]
        g = g.astype(object)
    else:
        order = sorted({str(v) for v in g.dropna()})
    labels = g.where(g.notna(), UNKNOWN).astype(str).to_numpy()
    if UNKNOWN not in order:
        order.append(UNKNOWN)
    approved = p < threshold
    rows = []
    for name in order:
        m = labels == name
        n = int(m.sum())
        if n == 0:
            continue
        pos = int((y[m] == 1).sum())
        neg = n - pos
        rows.append(
            {
                "group": name,
                "n": n,
                "share": n / len(y),
                "defaults": pos,
                "default_rate": pos / n,
                "mean_probability": float(p[m].mean()),
                "approval_rate": float(approved[m].mean()),
                "fnr": _rate(int((approved & (y == 1))[m].sum()), pos),
                "fpr": _rate(int((~approved & (y == 0))[m].sum()), neg),
            }
        )
    table = pd.DataFrame(rows)
    if reference is None:
        reference = str(table.loc[table["n"].idxmax(), "group"])
    elif reference not in set(table["group"]):
        raise ValueError(
            f"reference group {reference!r} has no clients (groups: {', '.join(table['group'])})"
        )
    ref = table.set_index("group").loc[reference]
    table["approval_ratio"] = (
        table["approval_rate"] / ref["approval_rate"] if ref["approval_rate"] else np.nan
    )
    table["fnr_diff"] = table["fnr"] - ref["fnr"]
    table["fpr_diff"] = table["fpr"] - ref["fpr"]
    table["reference"] = table["group"] == reference
    table["small"] = table["n"] < min_size
    return table[_COLUMNS]


def disparate_impact(table: pd.DataFrame, *, include_small: bool = False) -> float:
    """Lowest approval rate over the highest one among the groups of a :func:`fairness_table`
    (1 means equal approval rates; below :data:`FOUR_FIFTHS` is a warning sign). Groups
    flagged ``small`` and the ``unknown`` group are left out unless ``include_small``."""
    t = table if include_small else table[~table["small"] & (table["group"] != UNKNOWN)]
    if len(t) < 2 or t["approval_rate"].max() == 0:
        return float("nan")
    return float(t["approval_rate"].min() / t["approval_rate"].max())


def sensitive_inputs(feature_names, importance: list[dict] | None = None) -> pd.DataFrame:
    """The model inputs that carry gender or age (:data:`SENSITIVE_FEATURES`), with their rank
    and mean |SHAP| in the global ``importance`` (``[{"feature", "mean_abs_shap"}]``, largest
    first, as in the artifact's metadata); ``rank`` is missing beyond the listed features.

    Examples
    --------
    >>> sensitive_inputs(["EXT_SOURCE_3", "CODE_GENDER"], [{"feature": "EXT_SOURCE_3", "mean_abs_shap": 0.3},
    ...                   {"feature": "CODE_GENDER", "mean_abs_shap": 0.1}])[["attribute", "feature", "rank"]].values.tolist()
    [['gender', 'CODE_GENDER', 2]]
    """
    names = set(feature_names)
    ranks = {d["feature"]: (i + 1, float(d["mean_abs_shap"])) for i, d in enumerate(importance or [])}
    rows = [
        {
            "attribute": attribute,
            "feature": f,
            "rank": ranks.get(f, (None, None))[0],
            "mean_abs_shap": ranks.get(f, (None, np.nan))[1],
        }
        for attribute, feats in SENSITIVE_FEATURES.items()
        for f in feats
        if f in names
    ]
    out = pd.DataFrame(rows, columns=["attribute", "feature", "rank", "mean_abs_shap"])
    out["rank"] = out["rank"].astype("Int64")
    return out
