"""``POST /score``: limits checked on the raw JSON, then new applications scored (and explained).

The counts are checked before the request is validated field by field (validating 60,000
applications only to refuse them took 17 s), and the applications go through the same
feature pipeline and explainer as the known clients.
"""

from __future__ import annotations

import warnings
from collections import Counter
from typing import Any

import pandas as pd

from scoring_core.data import normalize_table
from scoring_core.errors import DuplicateKeyError
from scoring_core.features import new_client_tables
from scoring_core.service import ScoringService

from .errors import ApiError

__all__ = ["check_counts", "score_applications"]


def check_counts(data: Any, *, batch_limit: int, history_limit: int) -> None:
    """Raise a 413 :class:`ApiError` naming the limit when the raw request ``data`` holds more
    applications or history rows than allowed. Anything malformed is left to validation."""
    if not isinstance(data, dict):
        return
    apps = data.get("applications")
    if isinstance(apps, list) and len(apps) > batch_limit:
        raise ApiError(
            413,
            f"{len(apps)} applications: at most {batch_limit} per request (SCORING_API_BATCH_LIMIT)",
            loc=["body", "applications"],
            type="too_many_applications",
        )
    history = data.get("history")
    if isinstance(history, dict):
        rows = sum(len(v) for v in history.values() if isinstance(v, list))
        if rows > history_limit:
            raise ApiError(
                413,
                f"{rows} history rows: at most {history_limit} per request (SCORING_API_HISTORY_LIMIT)",
                loc=["body", "history"],
                type="too_many_history_rows",
            )


def _history_frames(history) -> dict[str, pd.DataFrame]:
    out = {}
    for table, records in (history.model_dump() if history is not None else {}).items():
        if not records:
            continue
        try:
            out[table] = normalize_table(pd.DataFrame.from_records(records), table)
        except DuplicateKeyError as exc:
            raise ApiError(422, str(exc), loc=["body", "history", table], type="duplicate_key") from None
    return out


def _rounds(ids: list[int]) -> list[list[int]]:
    """Positions split so that no id repeats within a round (k-th occurrences together)."""
    seen: Counter = Counter()
    rounds: list[list[int]] = []
    for pos, cid in enumerate(ids):
        k = seen[cid]
        seen[cid] += 1
        if k == len(rounds):
            rounds.append([])
        rounds[k].append(pos)
    return rounds


def score_applications(
    service: ScoringService, body, *, explain: bool = False, top: int = 10, lang: str = "en"
) -> list[dict]:
    """Score (and with ``explain`` explain) the validated :class:`ScoreRequest` ``body``.

    Each application is scored on its own with the history records of its ``SK_ID_CURR``;
    an id repeated in the request is scored once per application. The results are in the
    order of the applications.
    """
    apps = pd.DataFrame([a.model_dump() for a in body.applications])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = _history_frames(body.history)
    model = service.model
    results: list[dict | None] = [None] * len(apps)
    for positions in _rounds(apps["SK_ID_CURR"].tolist()):
        part = normalize_table(apps.iloc[positions].reset_index(drop=True), "application_test")
        X = model.features(new_client_tables(part, history))
        X = X.loc[part["SK_ID_CURR"].to_numpy()]  # the order of the request
        proba = model.predict_proba(X)
        decisions = model.decide(proba)
        explanations = service.explain_features(X, top=top, lang=lang) if explain else None
        for i, pos in enumerate(positions):
            out = {
                "client_id": int(X.index[i]),
                "probability": float(proba[i]),
                "threshold": model.threshold,
                "decision": str(decisions[i]),
                "model_version": model.version,
            }
            if explanations is not None:
                d = explanations[i].to_dict()
                d["reasons"] = d["reasons"][:top]
                out["explanation"] = d
            results[pos] = out
    return results  # type: ignore[return-value]
