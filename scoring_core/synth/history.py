"""Synthetic history tables, coherent with their parents.

``bureau`` and ``previous_application`` columns follow their calibrated marginals, tied to
the client's history risk ``H`` through the same copula as the application columns, then
made coherent (a closed credit has an end date and no debt; a refused application has a
reject reason and no payment schedule...). The monthly and instalment tables are built
from their parent records: ``bureau_balance`` from each bureau credit's dates, ``POS_CASH``
and ``installments_payments`` from approved cash / consumer loans, ``credit_card_balance``
from approved revolving loans. Late payments, underpayments and days past due become more
frequent as ``H`` rises.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit

from ..data.schema import DAYS_SENTINEL, SCHEMAS
from .marginals import CategoricalMarginal, NumericMarginal, latent

__all__ = ["HistoryModel", "expand"]

_MONTH = 30.4375
#: Share of bureau credits with a monthly balance history (the full Kaggle data has
#: 27.3M bureau_balance rows for 1.72M bureau credits: about 16 months per credit).
BUREAU_BALANCE_SHARE = 0.71


def expand(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parent index and position within parent for ``counts`` children per parent."""
    counts = np.asarray(counts, dtype=np.int64)
    parent = np.repeat(np.arange(len(counts)), counts)
    starts = np.cumsum(counts) - counts
    pos = np.arange(len(parent)) - np.repeat(starts, counts)
    return parent, pos


def _count_sampler(dist: dict[str, float]):
    vals = np.array([int(k) for k in dist], dtype=np.int64)
    p = np.array(list(dist.values()), dtype=float)
    cum = np.cumsum(p / p.sum())
    cum[-1] = 1.0
    return lambda u: vals[np.searchsorted(cum, u, "right").clip(max=len(vals) - 1)]


class _TableSampler:
    """Generic copula sampling of a table's columns from its calibration."""

    def __init__(self, stats: dict, table: str, risk_scale: float, skip=()):
        self.schema = SCHEMAS[table]
        self.risk_scale = risk_scale
        self.marginals = {}
        for col in self.schema.columns:
            if col in self.schema.ids or col in skip or col not in stats:
                continue
            st = stats[col]
            self.marginals[col] = CategoricalMarginal(st) if st["kind"] == "cat" else NumericMarginal(st)

    def loading(self, col: str) -> float:
        return float(np.clip(self.risk_scale * self.marginals[col].risk_corr, -0.8, 0.8))

    def sample(self, risk: np.ndarray, rng) -> dict[str, np.ndarray]:
        n = len(risk)
        return {
            c: m.sample(latent(rng, n, [(self.loading(c), risk)]), rng) for c, m in self.marginals.items()
        }


class HistoryModel:
    """Samples the six history tables for a chunk of clients."""

    def __init__(self, calibration: dict, risk_scale: float, signal: float = 1.0):
        self.signal = signal
        t = calibration["tables"]
        s = calibration["structure"]
        self.bureau = _TableSampler(t["bureau"], "bureau", risk_scale)
        self.prev = _TableSampler(t["previous_application"], "previous_application", risk_scale)
        self.reject = CategoricalMarginal(t["previous_application"]["CODE_REJECT_REASON"], exclude=("XAP",))
        self.prev_ratio = NumericMarginal(s["prev_credit_application_ratio"])
        self.n_bureau = _count_sampler(s["bureau_per_client"])
        self.n_prev = _count_sampler(s["previous_application_per_client"])
        self.bb_months = _count_sampler(s["bureau_balance_months"])
        self.card_limit = NumericMarginal(t["credit_card_balance"]["AMT_CREDIT_LIMIT_ACTUAL"])
        self.inst_version = NumericMarginal(t["installments_payments"]["NUM_INSTALMENT_VERSION"])

    # ------------------------------------------------------------------ bureau
    def bureau_tables(self, client_ids, hrisk, rng, next_id: int):
        n_b = self.n_bureau(rng.random(len(client_ids)))
        owner, _ = expand(n_b)
        h = hrisk[owner]
        cols = self.bureau.sample(h, rng)
        m = len(owner)
        active = cols["CREDIT_ACTIVE"] == "Active"
        dc = cols["DAYS_CREDIT"]
        cols["DAYS_CREDIT_ENDDATE"] = np.where(
            np.isnan(cols["DAYS_CREDIT_ENDDATE"]) | (cols["DAYS_CREDIT_ENDDATE"] > dc),
            cols["DAYS_CREDIT_ENDDATE"],
            dc + np.round(rng.uniform(30, 1500, m)),
        )
        fact = cols["DAYS_ENDDATE_FACT"]
        fact = np.where(np.isnan(fact) | (fact < dc), np.round(dc * rng.uniform(0, 1, m)), fact)
        cols["DAYS_ENDDATE_FACT"] = np.where(active, np.nan, np.minimum(fact, 0))
        cols["DAYS_CREDIT_UPDATE"] = np.maximum(cols["DAYS_CREDIT_UPDATE"], dc)
        for c in ("CREDIT_DAY_OVERDUE", "AMT_CREDIT_SUM_OVERDUE"):
            cols[c] = np.where(active, cols[c], 0.0)
        debt = cols["AMT_CREDIT_SUM_DEBT"]
        cols["AMT_CREDIT_SUM_DEBT"] = np.where(
            active, np.minimum(debt, cols["AMT_CREDIT_SUM"]), np.where(np.isnan(debt), np.nan, 0.0)
        )
        ids = next_id + np.arange(m)
        bureau = {"SK_ID_CURR": client_ids[owner], "SK_ID_BUREAU": ids, **cols}
        bb = self._bureau_balance(ids, dc, cols["DAYS_ENDDATE_FACT"], h, rng)
        return bureau, bb

    def _bureau_balance(self, bureau_ids, days_credit, days_end, h, rng):
        m = len(bureau_ids)
        has = rng.random(m) < BUREAU_BALANCE_SHARE
        age_months = np.floor(-days_credit / _MONTH).astype(np.int64) + 1
        length = np.minimum(self.bb_months(rng.random(m)), np.minimum(age_months, 97))
        length = np.where(has, np.maximum(length, 1), 0)
        parent, pos = expand(length)
        months = -pos
        close_month = np.where(np.isnan(days_end), 1, np.floor(days_end / _MONTH)).astype(np.int64)
        unknown_credit = rng.random(m) < 0.22
        hp = self.signal * h[parent]
        p_dpd = expit(-4.6 + 1.3 * hp)
        r = rng.random(len(parent))
        status = np.full(len(parent), "0", dtype=object)
        late = r < p_dpd
        level = np.minimum(1 + rng.geometric(np.clip(0.75 - 0.1 * hp, 0.3, 0.95)) - 1, 5)
        status[late] = level[late].astype(str)
        status[unknown_credit[parent] & (rng.random(len(parent)) < 0.8)] = "X"
        status[months > close_month[parent]] = "C"
        return {"SK_ID_BUREAU": bureau_ids[parent], "MONTHS_BALANCE": months.astype(float), "STATUS": status}

    # ------------------------------------------------------------------ previous applications
    def previous_tables(self, client_ids, hrisk, rng, next_id: int):
        n_p = self.n_prev(rng.random(len(client_ids)))
        owner, _ = expand(n_p)
        h = hrisk[owner]
        cols = self.prev.sample(h, rng)
        m = len(owner)
        status = cols["NAME_CONTRACT_STATUS"]
        approved = status == "Approved"
        refused = status == "Refused"
        no_offer = np.isin(status, ("Canceled", "Unused offer"))
        cols["CODE_REJECT_REASON"] = np.where(
            refused, self.reject.sample(latent(rng, m, [(0.3, h)]), rng, missing=False), "XAP"
        )
        app = cols["AMT_APPLICATION"]
        ratio = self.prev_ratio.sample(rng.standard_normal(m), rng, missing=False)
        cols["AMT_CREDIT"] = np.round(app * np.clip(ratio, 0.5, 2.0), 2)
        cols["AMT_GOODS_PRICE"] = np.where(np.isnan(cols["AMT_GOODS_PRICE"]) | (app <= 0), np.nan, app)
        cnt = cols["CNT_PAYMENT"]
        cnt = np.where(np.isnan(cnt), 12.0, cnt)
        cnt = np.where(approved & (cnt <= 0), 12.0, cnt)
        cols["CNT_PAYMENT"] = np.where(no_offer, np.nan, cnt)
        ann = cols["AMT_ANNUITY"]
        est = np.round(cols["AMT_CREDIT"] * (1 + 0.015 * cnt) / np.maximum(cnt, 1), 2)
        cols["AMT_ANNUITY"] = np.where(no_offer, np.nan, np.where(np.isnan(ann) | approved, est, ann))
        dd = cols["DAYS_DECISION"]
        first_due = dd + np.round(rng.uniform(15, 45, m))
        last_due_1 = first_due + np.round((np.nan_to_num(cnt, nan=12) - 1) * _MONTH)
        cols["DAYS_FIRST_DUE"] = np.where(approved, first_due, np.nan)
        cols["DAYS_LAST_DUE_1ST_VERSION"] = np.where(approved, last_due_1, np.nan)
        ended = approved & (last_due_1 < 0)
        cols["DAYS_LAST_DUE"] = np.where(ended, last_due_1, np.where(approved, float(DAYS_SENTINEL), np.nan))
        cols["DAYS_TERMINATION"] = np.where(
            ended, last_due_1 + 3, np.where(approved, float(DAYS_SENTINEL), np.nan)
        )
        cols["DAYS_FIRST_DRAWING"] = np.where(
            approved, np.where(rng.random(m) < 0.96, float(DAYS_SENTINEL), dd + 2), np.nan
        )
        cols["NFLAG_INSURED_ON_APPROVAL"] = np.where(
            approved, np.nan_to_num(cols["NFLAG_INSURED_ON_APPROVAL"]), np.nan
        )
        ids = next_id + np.arange(m)
        prev = {"SK_ID_PREV": ids, "SK_ID_CURR": client_ids[owner], **cols}
        kind = cols["NAME_CONTRACT_TYPE"]
        instal = approved & np.isin(kind, ("Cash loans", "Consumer loans"))
        card = approved & (kind == "Revolving loans")
        pos, inst = self._schedules(prev, instal, h, rng)
        cc, card_inst = self._cards(prev, card, h, rng)
        inst = {k: np.concatenate([inst[k], card_inst[k]]) for k in inst}
        return prev, pos, inst, cc

    def _schedules(self, prev, mask, h, rng):
        idx = np.flatnonzero(mask)
        cnt = prev["CNT_PAYMENT"][idx].astype(np.int64)
        start = np.floor(prev["DAYS_DECISION"][idx] / _MONTH).astype(np.int64)  # negative month
        hh = self.signal * h[idx]
        # POS_CASH: one row a month from the month after the decision to min(end, -1), last 96 months
        first = np.maximum(start + 1, -96)
        last = np.minimum(start + cnt + 1, -1)
        n_rows = np.maximum(last - first + 1, 0)
        parent, pos = expand(n_rows)
        month = first[parent] + pos
        elapsed = month - start[parent] - 1
        future = np.maximum(cnt[parent] - elapsed, 0).astype(float)
        hp = hh[parent]
        dpd_on = rng.random(len(parent)) < expit(-4.4 + 1.4 * hp)
        dpd = np.where(dpd_on, rng.geometric(np.clip(0.12 - 0.03 * hp, 0.01, 0.5)), 0).astype(float)
        pos_t = {
            "SK_ID_PREV": prev["SK_ID_PREV"][idx][parent],
            "SK_ID_CURR": prev["SK_ID_CURR"][idx][parent],
            "MONTHS_BALANCE": month.astype(float),
            "CNT_INSTALMENT": cnt[parent].astype(float),
            "CNT_INSTALMENT_FUTURE": future,
            "NAME_CONTRACT_STATUS": np.where(future > 0, "Active", "Completed").astype(object),
            "SK_DPD": dpd,
            "SK_DPD_DEF": np.where(rng.random(len(parent)) < 0.4, dpd, 0.0),
        }
        # installments: one row per due date already passed (a few paid in two parts)
        first_due = prev["DAYS_FIRST_DUE"][idx]
        n_due = np.clip(np.floor((-1 - first_due) / _MONTH).astype(np.int64) + 1, 0, cnt)
        parent, k = expand(n_due)
        hp = hh[parent]
        due = first_due[parent] + np.round(k * _MONTH)
        late = rng.random(len(parent)) < expit(-2.6 + 1.2 * hp)
        delay = np.where(
            late,
            rng.geometric(np.clip(0.15 - 0.04 * hp, 0.01, 0.6)),
            -np.round(rng.exponential(9.0, len(parent))),
        )
        entry = np.minimum(due + delay, -1.0)
        amount = prev["AMT_ANNUITY"][idx][parent]
        under = rng.random(len(parent)) < expit(-3.3 + 1.1 * hp)
        paid = np.where(under, np.round(amount * rng.uniform(0.05, 0.95, len(parent)), 2), amount)
        version = self.inst_version.sample(rng.standard_normal(len(parent)), rng, missing=False)
        inst_t = {
            "SK_ID_PREV": prev["SK_ID_PREV"][idx][parent],
            "SK_ID_CURR": prev["SK_ID_CURR"][idx][parent],
            "NUM_INSTALMENT_VERSION": np.where(k == 0, 1.0, np.minimum(version, 3)),
            "NUM_INSTALMENT_NUMBER": (k + 1).astype(float),
            "DAYS_INSTALMENT": due,
            "DAYS_ENTRY_PAYMENT": entry,
            "AMT_INSTALMENT": amount,
            "AMT_PAYMENT": paid,
        }
        return pos_t, inst_t

    def _cards(self, prev, mask, h, rng):
        idx = np.flatnonzero(mask)
        start = np.floor(prev["DAYS_DECISION"][idx] / _MONTH).astype(np.int64)
        first = np.maximum(start + 1, -96)
        n_rows = np.maximum(-1 - first + 1, 0)
        parent, pos = expand(n_rows)
        r = len(parent)
        hh = self.signal * h[idx]
        hp = hh[parent]
        limit = self.card_limit.sample(rng.standard_normal(len(idx)), rng, missing=False)
        limit = np.where(limit <= 0, 45000.0, limit)[parent]
        use = expit(-0.8 + 0.9 * hh + rng.normal(0, 1, len(idx)))[parent]
        idle = rng.random(r) < 0.35 * (1 - use)
        util = np.where(idle, 0.0, np.clip(use + rng.normal(0, 0.12, r), 0, 1.15))
        balance = np.round(util * limit, 2)
        draw_on = rng.random(r) < (0.2 + 0.4 * use)
        drawings = np.where(draw_on, np.round(limit * rng.uniform(0.01, 0.3, r), 2), 0.0)
        atm_share = rng.random(r)
        cnt_draw = np.where(draw_on, rng.integers(1, 8, r), 0).astype(float)
        min_reg = np.round(0.05 * balance, 2)
        pay_ratio = np.where(
            rng.random(r) < expit(-2.5 + 1.1 * hp), rng.uniform(0, 0.9, r), rng.uniform(1, 3, r)
        )
        payment = np.round(np.where(balance > 0, min_reg * pay_ratio, 0.0), 2)
        dpd_on = rng.random(r) < expit(-4.8 + 1.4 * hp)
        dpd = np.where(dpd_on, rng.geometric(0.1, r), 0).astype(float)
        missing_detail = rng.random(r) < 0.2

        def nan_if(v):
            return np.where(missing_detail, np.nan, v)

        months = (first[parent] + pos).astype(float)
        # card instalments (version 0): the minimum payment of each month with a balance
        due_row = np.flatnonzero(min_reg > 0)
        hd = hp[due_row]
        due = np.round(months[due_row] * _MONTH + rng.uniform(0, 28, len(due_row)))
        late = rng.random(len(due_row)) < expit(-2.6 + 1.2 * hd)
        delay = np.where(
            late,
            rng.geometric(np.clip(0.15 - 0.04 * hd, 0.01, 0.6)),
            -np.round(rng.exponential(6.0, len(due_row))),
        )
        card_inst = {
            "SK_ID_PREV": prev["SK_ID_PREV"][idx][parent][due_row],
            "SK_ID_CURR": prev["SK_ID_CURR"][idx][parent][due_row],
            "NUM_INSTALMENT_VERSION": np.zeros(len(due_row)),
            "NUM_INSTALMENT_NUMBER": (pos[due_row] + 1).astype(float),
            "DAYS_INSTALMENT": due,
            "DAYS_ENTRY_PAYMENT": np.minimum(due + delay, -1.0),
            "AMT_INSTALMENT": min_reg[due_row],
            "AMT_PAYMENT": np.where(payment[due_row] > 0, payment[due_row], 0.0),
        }
        return {
            "SK_ID_PREV": prev["SK_ID_PREV"][idx][parent],
            "SK_ID_CURR": prev["SK_ID_CURR"][idx][parent],
            "MONTHS_BALANCE": months,
            "AMT_BALANCE": balance,
            "AMT_CREDIT_LIMIT_ACTUAL": limit,
            "AMT_DRAWINGS_ATM_CURRENT": nan_if(np.round(drawings * (atm_share < 0.3), 2)),
            "AMT_DRAWINGS_CURRENT": drawings,
            "AMT_DRAWINGS_OTHER_CURRENT": nan_if(np.zeros(r)),
            "AMT_DRAWINGS_POS_CURRENT": nan_if(np.round(drawings * (atm_share >= 0.3), 2)),
            "AMT_INST_MIN_REGULARITY": min_reg,
            "AMT_PAYMENT_CURRENT": nan_if(payment),
            "AMT_PAYMENT_TOTAL_CURRENT": payment,
            "AMT_RECEIVABLE_PRINCIPAL": np.round(balance * 0.95, 2),
            "AMT_RECIVABLE": balance,
            "AMT_TOTAL_RECEIVABLE": balance,
            "CNT_DRAWINGS_ATM_CURRENT": nan_if(np.where(atm_share < 0.3, cnt_draw, 0.0)),
            "CNT_DRAWINGS_CURRENT": cnt_draw,
            "CNT_DRAWINGS_OTHER_CURRENT": nan_if(np.zeros(r)),
            "CNT_DRAWINGS_POS_CURRENT": nan_if(np.where(atm_share >= 0.3, cnt_draw, 0.0)),
            "CNT_INSTALMENT_MATURE_CUM": pos.astype(float),
            "NAME_CONTRACT_STATUS": np.where(rng.random(r) < 0.96, "Active", "Completed").astype(object),
            "SK_DPD": dpd,
            "SK_DPD_DEF": np.where(dpd > 30, dpd, 0.0),
        }, card_inst
