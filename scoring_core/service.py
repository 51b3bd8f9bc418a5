"""Everything a client-facing front end needs, loaded once: the model, the clients' data,
the explainer and the reference population.

The API and the in-process dashboard backend both wrap a :class:`ScoringService`; nothing
here reads a file or builds a model per request.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np
import pandas as pd

from .data import Dataset, load_dataset
from .errors import ScoringError, UnknownClientError
from .explain.local import Explainer, Explanation, json_value
from .explain.population import Bivariate, FeatureComparison, Population, SimilarClients
from .explain.reasons import reasons
from .explain.whatif import Counterfactual, LoanPricing, counterfactual, what_if_features
from .features import HistoryStore
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
    """Scores, explanations, comparisons and what-ifs for the clients of a data set."""

    def __init__(
        self,
        model: ScoringModel,
        dataset: Dataset,
        *,
        neighbours_on: int = 10,
        allow_missing_tables: bool = False,
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
        self._dependence: tuple[pd.DataFrame, pd.DataFrame] | None = None
        top = [d["feature"] for d in model.metadata.get("global_importance", [])][: neighbours_on * 2]
        numeric = [f for f in top if self.population.is_numeric(f)][:neighbours_on]
        if numeric:
            self.population.fit_neighbours(numeric)
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
        cid = self._check(client_id)
        return self.features.loc[[cid]]

    # -- answers ---------------------------------------------------------------------------
    def profile(self, client_id: int) -> dict:
        """The client's main application fields (the outcome is never included)."""
        app = self.client_tables(client_id)["application"].iloc[0]
        out = {"client_id": int(client_id)}
        out.update({f: json_value(app[f]) for f in PROFILE_FIELDS})
        # the loan as term and rate (what-if controls): {"term_months", "monthly_rate"} or None
        out["loan"] = self.pricing.to_dict(out.get("AMT_CREDIT"), out.get("AMT_ANNUITY"))
        return out

    def score(self, client_id: int) -> dict:
        cid = self._check(client_id)
        p = float(self.probabilities.loc[cid])
        return {
            "client_id": cid,
            "probability": p,
            "threshold": self.model.threshold,
            "decision": str(self.model.decide(np.array([p]))[0]),
            "grade": self.model.grade(np.array([p]))[0],
            "model_version": self.model.version,
        }

    def explain(self, client_id: int, *, top: int | None = 10, lang: str = "en") -> Explanation:
        cid = self._check(client_id)
        e = self.explainer.explain(self.features.loc[[cid]], client_id=cid)
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
        """The client rescored with ``changes`` to application fields (same feature pipeline)."""
        cid = self._check(client_id)
        X = what_if_features(
            self.model, self.store.client_tables(cid), changes, self.pricing, history=self.features.loc[[cid]]
        )
        return self._finish(self.explainer.explain(X, client_id=cid), top, lang)

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

    def portfolio(
        self, *, limit: int = 50, offset: int = 0, order: str = "risk", prefix: str = ""
    ) -> dict:
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
        decisions = self.model.decide(page.to_numpy())
        return {
            "total": int(len(p)),
            "clients": [
                {"client_id": int(c), "probability": float(v), "decision": str(d)}
                for c, v, d in zip(page.index, page.to_numpy(), decisions, strict=True)
            ],
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

    def dependence(self, feature: str, *, sample: int = 2000, seed: int = 0) -> pd.DataFrame:
        """Value against contribution (log-odds) of ``feature`` over a sample of clients.

        The sample's contributions are computed once and kept, so that every feature's
        dependence plot after the first is a lookup.
        """
        self._feature(feature)
        if self._dependence is None:
            n = min(sample, len(self.features))
            X = self.features.sample(n, random_state=seed) if n < len(self.features) else self.features
            contrib, _ = self.explainer.contributions(X)
            self._dependence = (X, pd.DataFrame(contrib, index=X.index, columns=self.features.columns))
        X, contrib = self._dependence
        return pd.DataFrame({"value": X[feature], "shap": contrib[feature]})

    def similar(self, client_id: int, k: int = 50) -> SimilarClients:
        cid = self._check(client_id)
        return self.population.similar(self.features.loc[[cid]], k=k, exclude=cid)
