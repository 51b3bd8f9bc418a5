"""Tiny hand-made tables in the loader's layout (schema columns, int32 ids, category, float32).

Clients of the application table:

* ``1``: a bit of everything (bureau + monthly balance, previous applications,
  installments, POS); the expected values of the tests are computed by hand below.
* ``2``: odd values (zero denominators, not employed) and a credit card.
* ``3``: no history at all.

Client ``99`` has history rows but no application: they must be ignored.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from scoring_core.data.schema import HISTORY_TABLES, SCHEMAS

NAN = np.nan


def make_table(name: str, rows: list[dict]) -> pd.DataFrame:
    """A normalized table: all schema columns, missing ones NaN, loader dtypes."""
    schema = SCHEMAS["application_test" if name == "application" else name]
    data = {}
    for column in schema.columns:
        values = [row.get(column) for row in rows]
        dtype = schema.dtype(column)
        if dtype == "category":
            data[column] = pd.Categorical([None if v is None else str(v) for v in values])
        elif column in schema.ids:
            data[column] = np.asarray(values, dtype=np.int32)
        else:
            data[column] = np.asarray([NAN if v is None else v for v in values], dtype=np.float32)
    return pd.DataFrame(data)


APPLICATION = [
    {
        "SK_ID_CURR": 1,
        "NAME_CONTRACT_TYPE": "Cash loans",
        "CODE_GENDER": "F",
        "AMT_INCOME_TOTAL": 100_000,
        "AMT_CREDIT": 200_000,
        "AMT_ANNUITY": 10_000,
        "AMT_GOODS_PRICE": 160_000,
        "CNT_CHILDREN": 1,
        "CNT_FAM_MEMBERS": 2,
        "DAYS_BIRTH": -7305,  # 20 years
        "DAYS_EMPLOYED": -730.5,  # 2 years
        "DAYS_REGISTRATION": -3652.5,
        "DAYS_ID_PUBLISH": -1461,
        "OWN_CAR_AGE": 5,
        "EXT_SOURCE_1": 0.25,
        "EXT_SOURCE_2": 0.5,
        "EXT_SOURCE_3": 0.75,
        "FLAG_DOCUMENT_3": 1,
        "FLAG_DOCUMENT_5": 1,
    },
    {
        "SK_ID_CURR": 2,
        "NAME_CONTRACT_TYPE": "Revolving loans",
        "CODE_GENDER": "M",
        "AMT_INCOME_TOTAL": 0,
        "AMT_CREDIT": 50_000,
        "AMT_ANNUITY": 0,
        "AMT_GOODS_PRICE": None,
        "CNT_CHILDREN": 0,
        "CNT_FAM_MEMBERS": 0,
        "DAYS_BIRTH": -14610,
        "DAYS_EMPLOYED": None,  # not employed (365243 in the raw data)
        "EXT_SOURCE_2": 0.5,
    },
    {
        "SK_ID_CURR": 3,
        "NAME_CONTRACT_TYPE": "Cash loans",
        "CODE_GENDER": "F",
        "AMT_INCOME_TOTAL": 50_000,
        "AMT_CREDIT": 100_000,
        "AMT_ANNUITY": 5_000,
        "AMT_GOODS_PRICE": 100_000,
        "DAYS_BIRTH": -10000,
        "DAYS_EMPLOYED": -1000,
    },
]

BUREAU = [
    # client 1: two active credits, one closed
    {"SK_ID_CURR": 1, "SK_ID_BUREAU": 11, "CREDIT_ACTIVE": "Active", "CREDIT_TYPE": "Consumer credit",
     "DAYS_CREDIT": -100, "AMT_CREDIT_SUM": 1000, "AMT_CREDIT_SUM_DEBT": 400, "AMT_CREDIT_SUM_OVERDUE": 10},
    {"SK_ID_CURR": 1, "SK_ID_BUREAU": 12, "CREDIT_ACTIVE": "Active", "CREDIT_TYPE": "Credit card",
     "DAYS_CREDIT": -500, "AMT_CREDIT_SUM": 3000, "AMT_CREDIT_SUM_DEBT": 600, "AMT_CREDIT_SUM_OVERDUE": 0},
    {"SK_ID_CURR": 1, "SK_ID_BUREAU": 13, "CREDIT_ACTIVE": "Closed", "CREDIT_TYPE": "Consumer credit",
     "DAYS_CREDIT": -1000, "AMT_CREDIT_SUM": 500, "AMT_CREDIT_SUM_DEBT": 0, "AMT_CREDIT_SUM_OVERDUE": 0},
    # client 2: one closed credit with unknown debt
    {"SK_ID_CURR": 2, "SK_ID_BUREAU": 21, "CREDIT_ACTIVE": "Closed", "CREDIT_TYPE": "Car loan",
     "DAYS_CREDIT": -2000, "AMT_CREDIT_SUM": 200, "AMT_CREDIT_SUM_DEBT": None},
    # client 99 is not an application: ignored
    {"SK_ID_CURR": 99, "SK_ID_BUREAU": 99, "CREDIT_ACTIVE": "Active", "CREDIT_TYPE": "Mortgage",
     "DAYS_CREDIT": -1, "AMT_CREDIT_SUM": 1e6, "AMT_CREDIT_SUM_DEBT": 1e6},
]  # fmt: skip

BUREAU_BALANCE = [
    {"SK_ID_BUREAU": 11, "MONTHS_BALANCE": -1, "STATUS": "0"},
    {"SK_ID_BUREAU": 11, "MONTHS_BALANCE": -2, "STATUS": "1"},
    {"SK_ID_BUREAU": 11, "MONTHS_BALANCE": -3, "STATUS": "2"},
    {"SK_ID_BUREAU": 11, "MONTHS_BALANCE": -20, "STATUS": "C"},
    {"SK_ID_BUREAU": 12, "MONTHS_BALANCE": -1, "STATUS": "X"},
    {"SK_ID_BUREAU": 12, "MONTHS_BALANCE": -2, "STATUS": "0"},
    {"SK_ID_BUREAU": 21, "MONTHS_BALANCE": -1, "STATUS": "5"},
    {"SK_ID_BUREAU": 99, "MONTHS_BALANCE": -1, "STATUS": "5"},
    {"SK_ID_BUREAU": 99, "MONTHS_BALANCE": -2, "STATUS": "4"},
    {"SK_ID_BUREAU": 777, "MONTHS_BALANCE": -1, "STATUS": "3"},  # unknown credit
]

PREVIOUS = [
    {"SK_ID_PREV": 101, "SK_ID_CURR": 1, "NAME_CONTRACT_STATUS": "Approved", "NAME_CONTRACT_TYPE": "Cash loans",
     "AMT_APPLICATION": 100, "AMT_CREDIT": 125, "DAYS_DECISION": -10},
    {"SK_ID_PREV": 102, "SK_ID_CURR": 1, "NAME_CONTRACT_STATUS": "Refused", "NAME_CONTRACT_TYPE": "Cash loans",
     "AMT_APPLICATION": 50, "AMT_CREDIT": 0, "DAYS_DECISION": -400},
    {"SK_ID_PREV": 103, "SK_ID_CURR": 1, "NAME_CONTRACT_STATUS": "Refused", "NAME_CONTRACT_TYPE": "Consumer loans",
     "AMT_APPLICATION": 30, "AMT_CREDIT": 30, "DAYS_DECISION": -50},
    {"SK_ID_PREV": 199, "SK_ID_CURR": 99, "NAME_CONTRACT_STATUS": "Refused", "NAME_CONTRACT_TYPE": "Cash loans",
     "AMT_APPLICATION": 1e6, "AMT_CREDIT": 1e6, "DAYS_DECISION": -1},
]  # fmt: skip

INSTALLMENTS = [
    # client 1: (due, paid, instalment, payment)
    {"SK_ID_PREV": 101, "SK_ID_CURR": 1, "DAYS_INSTALMENT": -100, "DAYS_ENTRY_PAYMENT": -105,
     "AMT_INSTALMENT": 100, "AMT_PAYMENT": 100},  # early, paid in full
    {"SK_ID_PREV": 101, "SK_ID_CURR": 1, "DAYS_INSTALMENT": -70, "DAYS_ENTRY_PAYMENT": -60,
     "AMT_INSTALMENT": 100, "AMT_PAYMENT": 80},  # 10 days late, 20 missing
    {"SK_ID_PREV": 101, "SK_ID_CURR": 1, "DAYS_INSTALMENT": -40, "DAYS_ENTRY_PAYMENT": -40,
     "AMT_INSTALMENT": 100, "AMT_PAYMENT": 100},  # on the day: not late
    {"SK_ID_PREV": 101, "SK_ID_CURR": 1, "DAYS_INSTALMENT": -10, "DAYS_ENTRY_PAYMENT": None,
     "AMT_INSTALMENT": 100, "AMT_PAYMENT": None},  # no payment recorded
    {"SK_ID_PREV": 199, "SK_ID_CURR": 99, "DAYS_INSTALMENT": -10, "DAYS_ENTRY_PAYMENT": 50,
     "AMT_INSTALMENT": 100, "AMT_PAYMENT": 1},
]  # fmt: skip

POS = [
    {"SK_ID_PREV": 101, "SK_ID_CURR": 1, "MONTHS_BALANCE": -1, "CNT_INSTALMENT": 12, "CNT_INSTALMENT_FUTURE": 6,
     "NAME_CONTRACT_STATUS": "Active", "SK_DPD": 0, "SK_DPD_DEF": 0},
    {"SK_ID_PREV": 101, "SK_ID_CURR": 1, "MONTHS_BALANCE": -2, "CNT_INSTALMENT": 12, "CNT_INSTALMENT_FUTURE": 7,
     "NAME_CONTRACT_STATUS": "Active", "SK_DPD": 5, "SK_DPD_DEF": 0},
    {"SK_ID_PREV": 104, "SK_ID_CURR": 1, "MONTHS_BALANCE": -13, "CNT_INSTALMENT": 10, "CNT_INSTALMENT_FUTURE": 0,
     "NAME_CONTRACT_STATUS": "Completed", "SK_DPD": 0, "SK_DPD_DEF": 0},
    {"SK_ID_PREV": 199, "SK_ID_CURR": 99, "MONTHS_BALANCE": -1, "CNT_INSTALMENT": 12, "CNT_INSTALMENT_FUTURE": 6,
     "NAME_CONTRACT_STATUS": "Active", "SK_DPD": 100, "SK_DPD_DEF": 100},
]  # fmt: skip

CREDIT_CARD = [
    {"SK_ID_PREV": 201, "SK_ID_CURR": 2, "MONTHS_BALANCE": -1, "AMT_BALANCE": 500, "AMT_CREDIT_LIMIT_ACTUAL": 1000,
     "AMT_INST_MIN_REGULARITY": 50, "AMT_PAYMENT_TOTAL_CURRENT": 20, "NAME_CONTRACT_STATUS": "Active", "SK_DPD": 0},
    {"SK_ID_PREV": 201, "SK_ID_CURR": 2, "MONTHS_BALANCE": -2, "AMT_BALANCE": 0, "AMT_CREDIT_LIMIT_ACTUAL": 0,
     "AMT_INST_MIN_REGULARITY": 0, "AMT_PAYMENT_TOTAL_CURRENT": 0, "NAME_CONTRACT_STATUS": "Active", "SK_DPD": 3},
    {"SK_ID_PREV": 299, "SK_ID_CURR": 99, "MONTHS_BALANCE": -1, "AMT_BALANCE": 1e6, "AMT_CREDIT_LIMIT_ACTUAL": 1,
     "NAME_CONTRACT_STATUS": "Demand", "SK_DPD": 100},
]  # fmt: skip


def hand_tables() -> dict[str, pd.DataFrame]:
    """The hand-made tables (fresh copies)."""
    return {
        "application": make_table("application", APPLICATION),
        "bureau": make_table("bureau", BUREAU),
        "bureau_balance": make_table("bureau_balance", BUREAU_BALANCE),
        "previous_application": make_table("previous_application", PREVIOUS),
        "POS_CASH_balance": make_table("POS_CASH_balance", POS),
        "installments_payments": make_table("installments_payments", INSTALLMENTS),
        "credit_card_balance": make_table("credit_card_balance", CREDIT_CARD),
    }


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    """Hand-made tables of clients 1, 2, 3 (and ignored rows of client 99)."""
    return hand_tables()


def _random_table(rng: np.random.Generator, name: str, n: int, ids: dict[str, np.ndarray]) -> pd.DataFrame:
    schema = SCHEMAS[name]
    data = {}
    for column in schema.columns:
        if column in ids:
            data[column] = ids[column].astype(np.int32)
        elif column in schema.categorical:
            codes = rng.integers(-1, 4, n)  # -1: missing
            data[column] = pd.Categorical.from_codes(
                codes, categories=["Active", "Closed", "Refused", "Approved"]
            )
        else:
            values = rng.normal(0, 100, n).round().astype(np.float32)
            values[rng.random(n) < 0.15] = np.nan
            data[column] = values
    return pd.DataFrame(data)


@pytest.fixture(scope="session")
def random_tables() -> dict[str, pd.DataFrame]:
    """60 clients with random history (some without any), rows in random order."""
    rng = np.random.default_rng(7)
    clients = np.arange(1000, 1060)
    app = _random_table(rng, "application_test", len(clients), {"SK_ID_CURR": clients})
    tables = {"application": app}
    owners = {}
    for name in HISTORY_TABLES:
        if name == "bureau_balance":
            continue
        owner = rng.choice(
            np.append(clients[:50], [5, 6]), size=rng.integers(150, 300)
        )  # 5, 6: no application
        owners[name] = owner
        ids = {"SK_ID_CURR": owner, "SK_ID_PREV": rng.integers(1, 10**6, len(owner)),
               "SK_ID_BUREAU": np.arange(len(owner)) + 50_000}  # fmt: skip
        tables[name] = _random_table(rng, name, len(owner), ids)
    credits = rng.choice(tables["bureau"]["SK_ID_BUREAU"].to_numpy(), size=600)
    balance = _random_table(rng, "bureau_balance", len(credits), {"SK_ID_BUREAU": credits})
    balance["STATUS"] = pd.Categorical.from_codes(
        rng.integers(0, 8, len(credits)), ["0", "1", "2", "3", "4", "5", "C", "X"]
    )
    tables["bureau_balance"] = balance
    return tables


@pytest.fixture
def table_factory():
    """``make_table(name, rows)``: a normalized table from a list of row dicts."""
    return make_table
