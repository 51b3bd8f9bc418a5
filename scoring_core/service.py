"""Everything a client-facing front end needs, loaded once: the model, the clients' data,
the explainer and the reference population.

The API and the in-process dashboard backend both wrap a :class:`ScoringService`; nothing
here reads a file or builds a model per request. A score's JSON (``client_id, probability,
threshold, decision, grade, model_version``) is built in one place, :meth:`ScoringService.scores`,
for known clients, what-ifs, new applications and the portfolio alike.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from .data import Dataset, load_dataset, normalize_table
from .errors import ScoringError, UnknownClientError
from .explain.local import Explainer, Explanation, json_value
from .explain.population import Bivariate, FeatureComparison, Population
from .explain.reasons import reasons
from .explain.whatif import Counterfactual, LoanPricing, counterfactual, what_if_features
from .features import HistoryStore, new_client_tables
from .model.artifact import load_model
from .model.scoring import ScoringModel
from .model.tables import check_tables

__all__ = ["ScoringService", "PROFILE_FIELDS"]

log = logging.getLogger(__name__)

#: Application fields shown in a client profile (never the outcome).
PROFILE_FIELDS = (
    "CODE_GENDER",
    "DAYS_BIRTH",
    "NAME_FAMILY_STATUS",
    "CNT_CHILDREN",
    "NAME_EDUCATION_TYPE",
    "NAME_INCOME_TYPE",
    "OCCUPATION_TYPE",
    "DAYS_EMPLOYED",
    "AMT_INCOME_TOTAL",
    "NAME_CONTRACT_TYPE",
    "AMT_CREDIT",
    "AMT_ANNUITY",
    "AMT_GOODS_PRICE",
    "NAME_HOUSING_TYPE",
    "FLAG_OWN_CAR",
    "FLAG_OWN_REALTY",
)


class ScoringService:
    """Scores, explanations, comparisons and what-ifs for the clients of a data set.

    Parameters
    ----------
    model : the scoring model.
    dataset : the clients' tables.
    allow_missing_tables : score although the data lacks tables the model was trained with
        (their features are then missing); refused by default (``score --allow-missing-tables``).
    what_if_cache : clients whose history features (for what-ifs) are kept as plain arrays, least
        recently used dropped first; ``0`` keeps none.
    """

    def __init__(
        self,
        model: ScoringModel,
        dataset: Dataset,
        *,
        allow_missing_tables: bool = False,
        what_if_cache: int = 1024,
    ):
        t0 = time.perf_counter()
        self.model = model
        tables = dataset.feature_tables("all")
        #: tables the model was trained with that the data lacks (refused unless allowed)
        self.missing_tables = check_tables(model, tables, allow_missing=allow_missing_tables)
        apps = tables["application"]
        self._outcome = (
            pd.Series(
                pd.to_numeric(apps["TARGET"], errors="coerce").to_numpy(dtype=float),
                index=apps["SK_ID_CURR"].to_numpy(),
            )
            if "TARGET" in apps
            else None
        )
        self.store = HistoryStore(tables)
        #: credit / term / annuity relation of the data (what-if and counterfactual offers)
        self.pricing = LoanPricing.from_previous(tables.get("previous_application"))
        self.features = model.features(tables)
        self.probabilities = pd.Series(
            model.predict_proba(self.features), index=self.features.index, name="probability"
        )
        self.explainer = Explainer(model)
        if self.explainer.kind == "linear":
            self.explainer.fit_reference(self.features)
        self.population = Population(self.features, self._outcome)
        builder = model.builder
        #: the history features (float32), in the order of the features
        self._history_names = [
            name
            for table, names in builder.table_features_.items()
            if table in builder.history_tables_
            for name in names
            if builder.dtypes_[name] == "float32"
        ]
        # the history features are the last columns (the builder's layout): one slice, not a lookup
        start = len(self.features.columns) - len(self._history_names)
        self._history_slice = (
            slice(start, None) if list(self.features.columns[start:]) == self._history_names else None
        )
        self._history_columns = pd.Index(self._history_names)
        self._prepared: OrderedDict[tuple[str, int], np.ndarray] = OrderedDict()
        self._prepared_size = int(what_if_cache)
        self._prepared_lock = threading.Lock()
        log.info("scoring service ready: %d clients in %.1fs", len(self.features), time.perf_counter() - t0)

    @classmethod
    def from_paths(cls, model_dir: str | Path, data_dir: str | Path, **kw) -> ScoringService:
        return cls(load_model(model_dir), load_dataset(data_dir, progress=False), **kw)

    # -- lookups ---------------------------------------------------------------------------
    @property
    def client_ids(self) -> np.ndarray:
        return self.features.index.to_numpy()

    def _check(self, client_id: int) -> int:
        try:
            cid = int(client_id)
        except (TypeError, ValueError):
            raise UnknownClientError(client_id) from None
        if cid not in self.store:
            raise UnknownClientError(cid)
        return cid

    def client_tables(self, client_id: int) -> dict[str, pd.DataFrame]:
        return self.store.client_tables(self._check(client_id))

    def feature_row(self, client_id: int) -> pd.DataFrame:
        """The client's feature row (a one-row view of :attr:`features`)."""
        pos = self.features.index.get_loc(self._check(client_id))
        return self.features.iloc[pos : pos + 1]  # a slice: less than half the cost of .loc[[id]]

    # -- answers ---------------------------------------------------------------------------
    def profile(self, client_id: int) -> dict:
        """The client's main application fields (the outcome is never included)."""
        app = self.client_tables(client_id)["application"].iloc[0]
        out = {"client_id": int(client_id)}
        out.update({f: json_value(app[f]) for f in PROFILE_FIELDS})
        # the loan as term and rate (what-if controls): {"term_months", "monthly_rate"} or None
        out["loan"] = self.pricing.to_dict(out.get("AMT_CREDIT"), out.get("AMT_ANNUITY"))
        return out

    def scores(
        self, client_ids: Sequence[int] | np.ndarray, proba: Sequence[float] | np.ndarray
    ) -> list[dict]:
        """The score JSON of each client: ``{client_id, probability, threshold, decision, grade,
        model_version}`` (the one place a score is built: known clients, what-ifs, new
        applications, the portfolio)."""
        p = np.asarray(proba, dtype=float)
        decisions = self.model.decide(p)
        grades = self.model.grade(p)
        m = self.model
        return [
            {
                "client_id": None if c is None else int(c),
                "probability": float(v),
                "threshold": m.threshold,
                "decision": str(d),
                "grade": None if g is None else str(g),
                "model_version": m.version,
            }
            for c, v, d, g in zip(client_ids, p, decisions, grades, strict=True)
        ]

    def score(self, client_id: int) -> dict:
        cid = self._check(client_id)
        return self.scores([cid], [self.probabilities.loc[cid]])[0]

    def score_of(self, explanation: Explanation) -> dict:
        """The score JSON of an explanation (e.g. a what-if's)."""
        return self.scores([explanation.client_id], [explanation.probability])[0]

    @staticmethod
    def explanation_json(e: Explanation, top: int | None = None) -> dict:
        """The explanation JSON (the ``explain`` contract), with at most ``top`` reasons."""
        d = e.to_dict()
        if top:
            d["reasons"] = d["reasons"][:top]
        return d

    def explain(self, client_id: int, *, top: int | None = 10, lang: str = "en") -> Explanation:
        cid = self._check(client_id)
        e = self.explainer.explain(self.feature_row(cid), client_id=cid)
        return self._finish(e, top, lang)

    def explain_features(
        self, X: pd.DataFrame, *, top: int | None = 10, lang: str = "en"
    ) -> list[Explanation]:
        """Explanations with reasons of feature rows indexed by ``SK_ID_CURR`` that need not be
        in the data (new applications, ``POST /score?explain=true``): as :meth:`explain` does."""
        return [
            self._finish(self.explainer.explain(X.iloc[[i]], client_id=int(X.index[i])), top, lang)
            for i in range(len(X))
        ]

    def _finish(self, e: Explanation, top: int | None, lang: str) -> Explanation:
        e.lang = lang
        e.reasons = [r.text for r in reasons(e, self.population, lang=lang)]
        return e.top(top) if top else e

    def what_if(
        self, client_id: int, changes: dict, *, top: int | None = 10, lang: str = "en"
    ) -> Explanation:
        """The client rescored with ``changes`` to application fields (same feature pipeline,
        the client's history features reused: they never depend on the application)."""
        cid = self._check(client_id)
        app, history = self._what_if_inputs(cid)
        X = what_if_features(
            self.model, {"application": app}, changes, self.pricing, history=history, normalized=True
        )
        return self._finish(self.explainer.explain(X, client_id=cid), top, lang)

    def _what_if_inputs(self, cid: int) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The client's normalized application row (a slice of the store) and history features
        (one ``float32`` block). The history values come from a bounded least-recently-used
        cache keyed by model version and client, holding plain arrays: no object the garbage
        collector must scan (a cached data frame is a hundred of them, and a full collection
        over a thousand cached clients pauses every request for tens of milliseconds)."""
        app = self.store.application_rows(cid)
        pos = self.features.index.get_loc(cid)
        key = (self.model.version, cid)
        with self._prepared_lock:
            values = self._prepared.get(key)
            if values is not None:
                self._prepared.move_to_end(key)
        if values is None:
            rows = self.features.iloc[pos : pos + 1]
            part = (
                rows.iloc[:, self._history_slice]
                if self._history_slice is not None
                else rows[self._history_names]
            )
            values = part.to_numpy(dtype=np.float32)
            if self._prepared_size > 0:
                with self._prepared_lock:
                    self._prepared[key] = values
                    while len(self._prepared) > self._prepared_size:
                        self._prepared.popitem(last=False)
        history = pd.DataFrame(
            values, index=self.features.index[pos : pos + 1], columns=self._history_columns, copy=False
        )
        return app, history

    def score_applications(
        self,
        applications: pd.DataFrame,
        history: Mapping[str, pd.DataFrame] | None = None,
        *,
        explain: bool = False,
        top: int = 10,
        lang: str = "en",
    ) -> list[dict]:
        """Scores (with ``explain``, each with its ``explanation``) of new applications.

        Parameters
        ----------
        applications : application rows (Kaggle application columns, ``SK_ID_CURR`` included).
        history : history records by table (normalized), linked by ``SK_ID_CURR``.

        Each application is scored on its own with the history records of its ``SK_ID_CURR``
        through the training feature pipeline; an id repeated in ``applications`` is scored
        once per application. The results are in the order of the applications.
        """
        history = dict(history or {})
        results: list[dict | None] = [None] * len(applications)
        for positions in _rounds(applications["SK_ID_CURR"].tolist()):
            part = normalize_table(applications.iloc[positions].reset_index(drop=True), "application_test")
            X = self.model.features(new_client_tables(part, history))
            X = X.loc[part["SK_ID_CURR"].to_numpy()]  # the order of the request
            scores = self.scores(X.index, self.model.predict_proba(X))
            if explain:
                for s, e in zip(scores, self.explain_features(X, top=top, lang=lang), strict=True):
                    s["explanation"] = self.explanation_json(e, top)
            for pos, s in zip(positions, scores, strict=True):
                results[pos] = s
        return results  # type: ignore[return-value]

    def counterfactual(self, client_id: int) -> Counterfactual:
        return counterfactual(self.model, self.client_tables(client_id), self.pricing)

    def _feature(self, feature: str) -> str:
        if feature not in self.features.columns:
            raise ScoringError(f"unknown feature {feature!r}")
        return feature

    def compare(self, client_id: int, feature: str) -> FeatureComparison:
        """The client's value of ``feature`` on the distributions of all, repaid and defaulted clients."""
        row = self.feature_row(client_id)
        return self.population.compare(self._feature(feature), json_value(row[feature].iloc[0]))

    def bivariate(self, client_id: int, x: str, y: str, *, color: str = "score", bins: int = 25) -> Bivariate:
        """The population binned on ``x`` and ``y``, coloured by mean score or observed default
        rate (``color="outcome"``), with the client placed on it. Aggregates only."""
        row = self.feature_row(client_id)
        if color not in ("score", "outcome"):
            raise ScoringError(f"color must be 'score' or 'outcome', got {color!r}")
        if color == "outcome" and self._outcome is None:
            raise ScoringError("no known outcomes in the data: colour by score instead")
        values = self.probabilities if color == "score" else self._outcome
        try:
            return self.population.bivariate(
                self._feature(x), self._feature(y), values, color=color, bins=bins, client=row
            )
        except ValueError as exc:
            raise ScoringError(str(exc)) from None

    def portfolio(self, *, limit: int = 50, offset: int = 0, order: str = "risk", prefix: str = "") -> dict:
        """Clients with their score: riskiest first (``order="risk"``) or by id (``"id"``);
        ``prefix`` keeps the ids that start with it. ``{"total", "clients": [...]}``."""
        if order not in ("risk", "id"):
            raise ScoringError(f"order must be 'risk' or 'id', got {order!r}")
        p = self.probabilities
        if prefix:
            if not prefix.isdigit():
                raise ScoringError(f"a client id is a number, got {prefix!r}")
            p = p[p.index.astype(str).str.startswith(prefix)]
        p = p.sort_values(ascending=False, kind="mergesort") if order == "risk" else p.sort_index()
        page = p.iloc[offset : offset + limit]
        keep = ("client_id", "probability", "decision", "grade")
        return {
            "total": int(len(p)),
            "clients": [{k: s[k] for k in keep} for s in self.scores(page.index, page.to_numpy())],
        }

    def model_summary(self) -> dict:
        """The model's version, threshold, cost weights, metrics, global importance and the
        out-of-fold confusion counts by threshold (aggregates of its training run)."""
        m = self.model
        meta = m.metadata
        return {
            "model_version": m.version,
            "created_at": meta.get("created_at"),
            "model_kind": meta.get("model_kind"),
            "threshold": m.threshold,
            "cost_weights": meta.get("cost_weights", {}),
            "metrics": meta.get("metrics", {}),
            "n_features": len(m.feature_names),
            "training": meta.get("training", {}),
            "packages": meta.get("packages", {}),
            "global_importance": meta.get("global_importance", []),
            "categorical_features": [
                f
                for f, d in (meta.get("feature_dtypes") or dict(getattr(m.builder, "dtypes_", {}))).items()
                if str(d) == "category"
            ],
            "threshold_curve": meta.get("threshold_curve"),
        }


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
