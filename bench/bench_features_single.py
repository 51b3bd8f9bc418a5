"""Benchmark of the feature builder: batch transform and the single-client path.

Builds a realistic-sized random dataset in memory (Kaggle "Home Credit" layout and
the loader's dtypes: int32 ids, ``category`` columns, float32 values), fits a
:class:`~scoring_core.features.FeatureBuilder`, then times

* the batch transform of all clients, and
* one client's features from all tables through :class:`~scoring_core.features.HistoryStore`
  (median and p99 over a few hundred clients).

Run: ``python bench/bench_features_single.py [--clients 20000] [--single 300] [--seed 0]``
"""

from __future__ import annotations

import argparse
import logging
import time

import numpy as np
import pandas as pd

from scoring_core.data.schema import SCHEMAS
from scoring_core.features import FeatureBuilder, HistoryStore

#: Mean rows per client (per bureau credit for bureau_balance), as in the Kaggle data.
ROWS_PER_CLIENT = {
    "bureau": 5,
    "bureau_balance": 16,
    "previous_application": 5,
    "POS_CASH_balance": 28,
    "installments_payments": 38,
    "credit_card_balance": 11,
}

_LEVELS = {
    "CREDIT_ACTIVE": ["Active", "Closed", "Sold", "Bad debt"],
    "CREDIT_CURRENCY": ["currency 1", "currency 2", "currency 3", "currency 4"],
    "CREDIT_TYPE": [
        "Consumer credit",
        "Credit card",
        "Car loan",
        "Mortgage",
        "Microloan",
        "Another type of loan",
    ],
    "STATUS": ["0", "1", "2", "3", "4", "5", "C", "X"],
    "NAME_CONTRACT_STATUS": ["Approved", "Refused", "Canceled", "Unused offer"],
    "NAME_CONTRACT_TYPE": ["Cash loans", "Consumer loans", "Revolving loans"],
    "CODE_GENDER": ["F", "M"],
    "FLAG_OWN_CAR": ["N", "Y"],
    "FLAG_OWN_REALTY": ["N", "Y"],
    "ORGANIZATION_TYPE": [f"Business Entity Type {i}" for i in range(1, 4)]
    + [f"Industry: type {i}" for i in range(1, 14)],
    "WEEKDAY_APPR_PROCESS_START": [
        "MONDAY",
        "TUESDAY",
        "WEDNESDAY",
        "THURSDAY",
        "FRIDAY",
        "SATURDAY",
        "SUNDAY",
    ],
}
_POS_STATUS = ["Active", "Completed", "Signed", "Demand", "Returned to the store"]
_CC_STATUS = ["Active", "Completed", "Signed", "Demand", "Sent proposal"]


def _categorical(
    rng: np.random.Generator, levels: list[str], n: int, missing: float = 0.02
) -> pd.Categorical:
    weights = rng.dirichlet(np.ones(len(levels)) * 2)
    codes = rng.choice(len(levels), size=n, p=weights)
    codes[rng.random(n) < missing] = -1
    return pd.Categorical.from_codes(codes, categories=levels)


def _frame(
    rng: np.random.Generator, table: str, n: int, values: dict[str, np.ndarray], cats=None
) -> pd.DataFrame:
    """A table of the schema: given columns, random float32 / category for the others."""
    schema = SCHEMAS[table]
    cats = cats or {}
    data = {}
    for column in schema.columns:
        if column in values:
            data[column] = values[column]
        elif column in schema.categorical:
            levels = cats.get(column) or _LEVELS.get(column) or [f"{column[:8]}_{i}" for i in range(6)]
            data[column] = _categorical(rng, levels, n)
        else:
            col = rng.gamma(2.0, 50.0, n).astype(np.float32)
            col[rng.random(n) < 0.05] = np.nan
            data[column] = col
    return pd.DataFrame(data)


def _client_rows(rng: np.random.Generator, ids: np.ndarray, mean: float) -> np.ndarray:
    """Owner id of each row: a Poisson number of rows per id, rows in random order."""
    owners = np.repeat(ids, rng.poisson(mean, len(ids)))
    return owners[rng.permutation(len(owners))]


def make_tables(n_clients: int, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Random but plausible tables for ``n_clients`` applications (loader dtypes)."""
    rng = np.random.default_rng(seed)
    f32 = np.float32
    ids = (100_000 + rng.permutation(n_clients * 2)[:n_clients]).astype(np.int32)
    n = n_clients
    employed = -rng.gamma(2.0, 1000.0, n).astype(f32)
    employed[rng.random(n) < 0.18] = np.nan  # not employed (365243 in the raw data)
    app = _frame(
        rng,
        "application_test",
        n,
        {
            "SK_ID_CURR": ids,
            "AMT_INCOME_TOTAL": rng.lognormal(12, 0.5, n).astype(f32),
            "AMT_CREDIT": rng.lognormal(13, 0.6, n).astype(f32),
            "AMT_ANNUITY": rng.lognormal(10, 0.5, n).astype(f32),
            "AMT_GOODS_PRICE": rng.lognormal(12.9, 0.6, n).astype(f32),
            "DAYS_BIRTH": -rng.integers(7000, 25000, n).astype(f32),
            "DAYS_EMPLOYED": employed,
            "CNT_FAM_MEMBERS": rng.integers(1, 6, n).astype(f32),
            "EXT_SOURCE_1": np.where(rng.random(n) < 0.5, np.nan, rng.random(n)).astype(f32),
            "EXT_SOURCE_2": rng.random(n).astype(f32),
            "EXT_SOURCE_3": np.where(rng.random(n) < 0.2, np.nan, rng.random(n)).astype(f32),
        },
    )
    tables: dict[str, pd.DataFrame] = {"application": app}

    owners = _client_rows(rng, ids, ROWS_PER_CLIENT["bureau"])
    m = len(owners)
    bureau_ids = (5_000_000 + np.arange(m)).astype(np.int32)
    days_credit = -rng.integers(1, 2900, m).astype(f32)
    tables["bureau"] = _frame(
        rng,
        "bureau",
        m,
        {
            "SK_ID_CURR": owners,
            "SK_ID_BUREAU": bureau_ids,
            "DAYS_CREDIT": days_credit,
            "DAYS_CREDIT_ENDDATE": (days_credit + rng.integers(100, 3000, m)).astype(f32),
            "AMT_CREDIT_SUM": rng.lognormal(12, 1, m).astype(f32),
            "AMT_CREDIT_SUM_DEBT": np.where(rng.random(m) < 0.5, 0, rng.lognormal(11, 1, m)).astype(f32),
            "CREDIT_DAY_OVERDUE": np.where(rng.random(m) < 0.97, 0, rng.integers(1, 90, m)).astype(f32),
        },
    )
    credit = _client_rows(rng, bureau_ids, ROWS_PER_CLIENT["bureau_balance"])
    tables["bureau_balance"] = pd.DataFrame(
        {
            "SK_ID_BUREAU": credit,
            "MONTHS_BALANCE": -rng.integers(0, 96, len(credit)).astype(f32),
            "STATUS": _categorical(rng, _LEVELS["STATUS"], len(credit), missing=0.0),
        }
    )
    for table, status in (
        ("previous_application", None),
        ("POS_CASH_balance", _POS_STATUS),
        ("installments_payments", None),
        ("credit_card_balance", _CC_STATUS),
    ):
        owners = _client_rows(rng, ids, ROWS_PER_CLIENT[table])
        m = len(owners)
        values = {"SK_ID_CURR": owners, "SK_ID_PREV": rng.integers(1_000_000, 2_900_000, m).astype(np.int32)}
        if "MONTHS_BALANCE" in SCHEMAS[table].columns:
            values["MONTHS_BALANCE"] = -rng.integers(1, 96, m).astype(f32)
            values["SK_DPD"] = np.where(rng.random(m) < 0.95, 0, rng.integers(1, 60, m)).astype(f32)
        if table == "previous_application":
            values["DAYS_DECISION"] = -rng.integers(1, 2900, m).astype(f32)
            values["AMT_CREDIT"] = rng.lognormal(11.5, 1, m).astype(f32)
        if table == "installments_payments":
            due = -rng.integers(1, 2900, m).astype(f32)
            values["DAYS_INSTALMENT"] = due
            values["DAYS_ENTRY_PAYMENT"] = (due + rng.normal(-5, 10, m)).round().astype(f32)
            values["AMT_INSTALMENT"] = rng.lognormal(9, 1, m).astype(f32)
            values["AMT_PAYMENT"] = (values["AMT_INSTALMENT"] * rng.choice([1.0, 1.0, 1.0, 0.5], m)).astype(
                f32
            )
        tables[table] = _frame(rng, table, m, values, {"NAME_CONTRACT_STATUS": status} if status else None)
    return tables


def _time(fn, repeat: int = 1) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20_000)
    parser.add_argument("--single", type=int, default=300, help="clients timed on the single-client path")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)

    t_data, tables = _time(lambda: make_tables(args.clients, args.seed))
    rows = {name: len(frame) for name, frame in tables.items()}
    print(f"data: {args.clients} clients built in {t_data:.1f} s; rows: {rows}")

    builder = FeatureBuilder()
    t_fit, _ = _time(lambda: builder.fit(tables))
    t_first, batch = _time(lambda: builder.transform(tables))
    t_batch, batch = _time(lambda: builder.transform(tables), repeat=2)
    n_cat = sum(dtype == "category" for dtype in builder.dtypes_.values())
    print(
        f"features: {builder.n_features_out_} ({builder.n_features_out_ - n_cat} float32, {n_cat} category)"
    )
    print(
        f"fit: {t_fit:.2f} s; batch transform of {len(batch)} clients: {t_batch:.2f} s best of 2 "
        f"({t_batch / len(batch) * 1e6:.0f} us/client; first call {t_first:.2f} s)"
    )

    t_store, store = _time(lambda: HistoryStore(tables))
    print(f"HistoryStore build: {t_store:.2f} s")
    rng = np.random.default_rng(args.seed + 1)
    ids = rng.choice(batch.index.to_numpy(), size=min(args.single, len(batch)), replace=False)
    builder.transform(store.client_tables(int(ids[0])))  # warm-up
    lookups, totals = [], []
    for client in ids:
        start = time.perf_counter()
        one = store.client_tables(int(client))
        middle = time.perf_counter()
        row = builder.transform(one)
        end = time.perf_counter()
        lookups.append(middle - start)
        totals.append(end - start)
        assert row.shape == (1, builder.n_features_out_)
    totals_ms = np.array(totals) * 1e3
    lookups_ms = np.array(lookups) * 1e3
    pd.testing.assert_frame_equal(row, batch.loc[[row.index[0]]])
    print(
        f"single client ({len(ids)} clients, lookup + transform): median {np.median(totals_ms):.2f} ms, "
        f"p99 {np.percentile(totals_ms, 99):.2f} ms (lookup alone: median {np.median(lookups_ms):.3f} ms)"
    )


if __name__ == "__main__":
    main()
