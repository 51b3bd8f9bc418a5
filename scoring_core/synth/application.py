"""Synthetic application rows (``application_train`` / ``application_test`` columns).

Every column follows its calibrated marginal (see :mod:`.marginals`). Dependence comes from
normal latents: the client's application-visible risk ``R`` (loading proportional to the
column's rank correlation with default in the real data), and shared factors: ``YOUTH``
(age, employment length, pension), ``SIZE`` (income and loan amounts), ``REG`` (region
ratings), social circle and building factors. Structural rules then make rows coherent:
pensioners have no employment date (365243) nor organisation, annuity and goods price
follow the credit amount, family size counts children and spouse, building fields are
missing together, and so on.
"""

from __future__ import annotations

import numpy as np

from ..data.schema import DAYS_SENTINEL, SCHEMAS
from .marginals import CategoricalMarginal, NumericMarginal, latent

__all__ = ["ApplicationModel"]

_SCHEMA = SCHEMAS["application_test"]
_BUILDING_BASES = (
    "APARTMENTS",
    "BASEMENTAREA",
    "YEARS_BEGINEXPLUATATION",
    "YEARS_BUILD",
    "COMMONAREA",
    "ELEVATORS",
    "ENTRANCES",
    "FLOORSMAX",
    "FLOORSMIN",
    "LANDAREA",
    "LIVINGAPARTMENTS",
    "LIVINGAREA",
    "NONLIVINGAPARTMENTS",
    "NONLIVINGAREA",
)
_BUILDING_EXTRA = (
    "TOTALAREA_MODE",
    "FONDKAPREMONT_MODE",
    "HOUSETYPE_MODE",
    "WALLSMATERIAL_MODE",
    "EMERGENCYSTATE_MODE",
)
_BUILDING = tuple(f"{b}_{s}" for b in _BUILDING_BASES for s in ("AVG", "MODE", "MEDI")) + _BUILDING_EXTRA
_SOCIAL = (
    "OBS_30_CNT_SOCIAL_CIRCLE",
    "DEF_30_CNT_SOCIAL_CIRCLE",
    "OBS_60_CNT_SOCIAL_CIRCLE",
    "DEF_60_CNT_SOCIAL_CIRCLE",
)
_REQ = tuple(f"AMT_REQ_CREDIT_BUREAU_{p}" for p in ("HOUR", "DAY", "WEEK", "MON", "QRT", "YEAR"))
_NO_JOB_INCOME = ("Pensioner", "Unemployed")
_YEAR = 365.25

# Shared-factor loadings (factor name, loading) by column.
_FACTORS: dict[str, list[tuple[str, float]]] = {
    "DAYS_BIRTH": [("YOUTH", 0.92)],
    "NAME_INCOME_TYPE": [("YOUTH", 0.55)],
    "DAYS_EMPLOYED": [("YOUTH", 0.45)],
    "DAYS_REGISTRATION": [("YOUTH", 0.45)],
    "DAYS_ID_PUBLISH": [("YOUTH", 0.3)],
    "EXT_SOURCE_1": [("YOUTH", -0.3)],
    "CNT_CHILDREN": [("YOUTH", 0.2)],
    "AMT_INCOME_TOTAL": [("SIZE", 0.5)],
    "AMT_CREDIT": [("SIZE", 0.75)],
    "FLAG_OWN_CAR": [("SIZE", 0.3)],
    "NAME_EDUCATION_TYPE": [("SIZE", 0.2)],
    "REGION_RATING_CLIENT": [("REG", 0.85)],
    "REGION_RATING_CLIENT_W_CITY": [("REG", 0.85)],
    "REGION_POPULATION_RELATIVE": [("REG", -0.5)],
    "OBS_30_CNT_SOCIAL_CIRCLE": [("SOC", 0.97)],
    "OBS_60_CNT_SOCIAL_CIRCLE": [("SOC", 0.97)],
    "DEF_30_CNT_SOCIAL_CIRCLE": [("SOCD", 0.9)],
    "DEF_60_CNT_SOCIAL_CIRCLE": [("SOCD", 0.9)],
    "REG_REGION_NOT_WORK_REGION": [("MOVE", 0.7)],
    "LIVE_REGION_NOT_WORK_REGION": [("MOVE", 0.7)],
    "REG_CITY_NOT_WORK_CITY": [("MOVE", 0.7)],
    "LIVE_CITY_NOT_WORK_CITY": [("MOVE", 0.7)],
}
# Columns computed by rules rather than sampled from their own latent.
_DERIVED = {"AMT_GOODS_PRICE", "AMT_ANNUITY", "CNT_FAM_MEMBERS", "ORGANIZATION_TYPE"}


class ApplicationModel:
    """Samples application rows for given latent risks.

    Parameters
    ----------
    calibration : the calibration statistics (``calibration.json``).
    risk_scale : factor from a column's real rank correlation with default to its loading
        on the latent risk (clipped to +-0.85).
    """

    def __init__(self, calibration: dict, risk_scale: float):
        stats = calibration["tables"]["application"]
        self.risk_scale = risk_scale
        self.marginals: dict[str, NumericMarginal | CategoricalMarginal] = {}
        for col in _SCHEMA.columns:
            if col in _SCHEMA.ids:
                continue
            st = stats[col]
            if st["kind"] == "cat":
                self.marginals[col] = CategoricalMarginal(st)
            else:
                self.marginals[col] = NumericMarginal(st)
        self.org = CategoricalMarginal(stats["ORGANIZATION_TYPE"], exclude=("XNA",))
        self.days_employed = NumericMarginal({**stats["DAYS_EMPLOYED"], "atoms": {}})
        self.credit_goods = NumericMarginal(calibration["structure"]["credit_goods_ratio"])
        self.annuity_credit = NumericMarginal(calibration["structure"]["annuity_credit_ratio"])

    def _loading(self, col: str) -> float:
        return float(np.clip(self.risk_scale * self.marginals[col].risk_corr, -0.85, 0.85))

    def _g(self, col: str, risk: np.ndarray, factors: dict[str, np.ndarray], rng) -> np.ndarray:
        loads = [(self._loading(col), risk)]
        for name, l in _FACTORS.get(col, []):
            loads.append((l, factors[name]))
        base = col.rsplit("_", 1)[0]
        if base in _BUILDING_BASES:
            loads.append((0.97, factors[f"B_{base}"]))
        return latent(rng, len(risk), loads)

    def sample(self, risk: np.ndarray, rng: np.random.Generator) -> dict[str, np.ndarray]:
        """Columns (name -> array; categorical as object arrays with ``None`` for missing)."""
        n = len(risk)
        factors = {k: rng.standard_normal(n) for k in ("YOUTH", "SIZE", "REG", "SOC", "SOCD", "MOVE", "BLD")}
        for b in _BUILDING_BASES:
            factors[f"B_{b}"] = 0.6 * factors["BLD"] + 0.8 * rng.standard_normal(n)
        out: dict[str, np.ndarray] = {}
        blocks = {
            "building": (_BUILDING, rng.random(n)),
            "social": (_SOCIAL, rng.random(n)),
            "req": (_REQ, rng.random(n)),
        }
        block_of = {c: name for name, (cols, _) in blocks.items() for c in cols}
        block_rate = {
            name: min(self.marginals[c].missing for c in cols) for name, (cols, _) in blocks.items()
        }
        for col, m in self.marginals.items():
            if col in _DERIVED or col == "TARGET":
                continue
            g = self._g(col, risk, factors, rng)
            if col in block_of:
                name = block_of[col]
                v = m.sample(g, rng, missing=False)
                rate0 = block_rate[name]
                extra = 0.0 if rate0 >= 1 else max(0.0, (m.missing - rate0) / (1 - rate0))
                miss = (blocks[name][1] < rate0) | (rng.random(n) < extra)
                v = _set_missing(v, miss)
            else:
                v = m.sample(g, rng)
            out[col] = v
        self._employment(out, factors, risk, rng)
        self._amounts(out, risk, rng)
        self._family(out, rng)
        return out

    def _employment(self, out, factors, risk, rng) -> None:
        n = len(risk)
        income = out["NAME_INCOME_TYPE"]
        no_job = np.isin(income, _NO_JOB_INCOME)
        age_days = -out["DAYS_BIRTH"]
        # pensioners are old
        young_pensioner = no_job & (income == "Pensioner") & (age_days < 45 * _YEAR)
        out["DAYS_BIRTH"] = np.where(
            young_pensioner, -np.round(rng.uniform(55, 68, n) * _YEAR), out["DAYS_BIRTH"]
        )
        age_days = -out["DAYS_BIRTH"]
        g = latent(rng, n, [(0.45, factors["YOUTH"]), (self._loading("DAYS_EMPLOYED"), risk)])
        emp = self.days_employed.sample(g, rng, missing=False)
        emp = np.maximum(emp, -(age_days - 18 * _YEAR)).round()
        out["DAYS_EMPLOYED"] = np.where(no_job, float(DAYS_SENTINEL), np.minimum(emp, 0.0))
        out["ORGANIZATION_TYPE"] = np.where(
            no_job,
            "XNA",
            self.org.sample(
                latent(rng, n, [(float(np.clip(self.risk_scale * self.org.risk_corr, -0.85, 0.85)), risk)]),
                rng,
                missing=False,
            ),
        )
        occ = self.marginals["OCCUPATION_TYPE"].sample(
            latent(rng, n, [(self._loading("OCCUPATION_TYPE"), risk)]), rng, missing=False
        )
        rate_job = max(
            0.0, (self.marginals["OCCUPATION_TYPE"].missing - no_job.mean()) / max(1e-9, 1 - no_job.mean())
        )
        out["OCCUPATION_TYPE"] = _set_missing(occ.copy(), no_job | (rng.random(n) < rate_job))
        out["FLAG_EMP_PHONE"] = np.where(no_job, 0.0, 1.0)
        out["FLAG_WORK_PHONE"] = np.where(no_job, 0.0, out["FLAG_WORK_PHONE"])
        for col in ("DAYS_REGISTRATION", "DAYS_ID_PUBLISH"):
            out[col] = np.maximum(out[col], -(age_days - 14 * _YEAR)).round()
        car = out["FLAG_OWN_CAR"] == "Y"
        car_age = self.marginals["OWN_CAR_AGE"].sample(rng.standard_normal(n), rng, missing=False)
        out["OWN_CAR_AGE"] = np.where(car, car_age, np.nan)
        # a few XNA genders, as in the real data (4 in 307,511 rows)
        gender = out["CODE_GENDER"].copy()
        gender[rng.random(n) < 1.3e-5] = "XNA"
        out["CODE_GENDER"] = gender

    def _amounts(self, out, risk, rng) -> None:
        n = len(risk)
        credit = out["AMT_CREDIT"]
        ratio = self.credit_goods.sample(rng.standard_normal(n), rng, missing=False)
        goods = np.round(credit / np.maximum(ratio, 0.5) / 500.0) * 500.0
        goods = np.maximum(goods, 500.0)
        goods[rng.random(n) < self.marginals["AMT_GOODS_PRICE"].missing] = np.nan
        out["AMT_GOODS_PRICE"] = goods
        g = latent(rng, n, [(self._loading("AMT_ANNUITY") + 0.15, risk)])
        rate = self.annuity_credit.sample(g, rng, missing=False)
        annuity = np.round(credit * rate * 2) / 2
        annuity[rng.random(n) < self.marginals["AMT_ANNUITY"].missing] = np.nan
        out["AMT_ANNUITY"] = annuity

    def _family(self, out, rng) -> None:
        couple = np.isin(out["NAME_FAMILY_STATUS"], ("Married", "Civil marriage"))
        fam = out["CNT_CHILDREN"] + np.where(couple, 2.0, 1.0)
        fam[rng.random(len(fam)) < self.marginals["CNT_FAM_MEMBERS"].missing] = np.nan
        out["CNT_FAM_MEMBERS"] = fam
        for a, b in (
            ("OBS_30_CNT_SOCIAL_CIRCLE", "OBS_60_CNT_SOCIAL_CIRCLE"),
            ("DEF_30_CNT_SOCIAL_CIRCLE", "DEF_60_CNT_SOCIAL_CIRCLE"),
        ):
            both = ~np.isnan(out[a])
            out[b] = np.where(both, np.maximum(out[b], out[a]) if a.startswith("DEF") else out[b], np.nan)
            if a.startswith("OBS"):
                out[b] = np.where(both, np.maximum(out[b], out[a] - 1), np.nan)


def _set_missing(v: np.ndarray, mask: np.ndarray) -> np.ndarray:
    if v.dtype == object:
        v = v.copy()
        v[mask] = None
        return v
    return np.where(mask, np.nan, v)
