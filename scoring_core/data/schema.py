"""The schema of the eight Kaggle "Home Credit Default Risk" tables.

Written out once, with explicit dtypes: identifiers are ``int32`` (every Kaggle id fits),
``TARGET`` is ``int8``, categorical columns are pandas ``category``, every other column is
``float32`` (amounts, day counts and ratios keep their meaning at 7 significant digits and
take half the memory of ``float64``).

``required`` columns must be present in a file. The other columns of the schema are
optional: when absent they are added as missing values (with a warning), so that every
loaded table has the full schema. Extra columns are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .columns import DAYS_SENTINEL, ColumnMeaning, column_meaning

__all__ = [
    "TableSchema",
    "SCHEMAS",
    "APPLICATION_TABLES",
    "HISTORY_TABLES",
    "TABLE_NAMES",
    "MISSING_TOKENS",
    "DAYS_SENTINEL",
    "AMOUNT_PERIODS",
    "get_schema",
]

#: Placeholder strings that mean "missing" in the Kaggle data (``XNA``: not available,
#: ``XAP``: not applicable). Categorical values equal to these become missing values.
MISSING_TOKENS: tuple[str, ...] = ("XNA", "XAP")

_APPLICATION_COLUMNS = [
    "SK_ID_CURR",
    "TARGET",
    "NAME_CONTRACT_TYPE",
    "CODE_GENDER",
    "FLAG_OWN_CAR",
    "FLAG_OWN_REALTY",
    "CNT_CHILDREN",
    "AMT_INCOME_TOTAL",
    "AMT_CREDIT",
    "AMT_ANNUITY",
    "AMT_GOODS_PRICE",
    "NAME_TYPE_SUITE",
    "NAME_INCOME_TYPE",
    "NAME_EDUCATION_TYPE",
    "NAME_FAMILY_STATUS",
    "NAME_HOUSING_TYPE",
    "REGION_POPULATION_RELATIVE",
    "DAYS_BIRTH",
    "DAYS_EMPLOYED",
    "DAYS_REGISTRATION",
    "DAYS_ID_PUBLISH",
    "OWN_CAR_AGE",
    "FLAG_MOBIL",
    "FLAG_EMP_PHONE",
    "FLAG_WORK_PHONE",
    "FLAG_CONT_MOBILE",
    "FLAG_PHONE",
    "FLAG_EMAIL",
    "OCCUPATION_TYPE",
    "CNT_FAM_MEMBERS",
    "REGION_RATING_CLIENT",
    "REGION_RATING_CLIENT_W_CITY",
    "WEEKDAY_APPR_PROCESS_START",
    "HOUR_APPR_PROCESS_START",
    "REG_REGION_NOT_LIVE_REGION",
    "REG_REGION_NOT_WORK_REGION",
    "LIVE_REGION_NOT_WORK_REGION",
    "REG_CITY_NOT_LIVE_CITY",
    "REG_CITY_NOT_WORK_CITY",
    "LIVE_CITY_NOT_WORK_CITY",
    "ORGANIZATION_TYPE",
    "EXT_SOURCE_1",
    "EXT_SOURCE_2",
    "EXT_SOURCE_3",
    "APARTMENTS_AVG",
    "BASEMENTAREA_AVG",
    "YEARS_BEGINEXPLUATATION_AVG",
    "YEARS_BUILD_AVG",
    "COMMONAREA_AVG",
    "ELEVATORS_AVG",
    "ENTRANCES_AVG",
    "FLOORSMAX_AVG",
    "FLOORSMIN_AVG",
    "LANDAREA_AVG",
    "LIVINGAPARTMENTS_AVG",
    "LIVINGAREA_AVG",
    "NONLIVINGAPARTMENTS_AVG",
    "NONLIVINGAREA_AVG",
    "APARTMENTS_MODE",
    "BASEMENTAREA_MODE",
    "YEARS_BEGINEXPLUATATION_MODE",
    "YEARS_BUILD_MODE",
    "COMMONAREA_MODE",
    "ELEVATORS_MODE",
    "ENTRANCES_MODE",
    "FLOORSMAX_MODE",
    "FLOORSMIN_MODE",
    "LANDAREA_MODE",
    "LIVINGAPARTMENTS_MODE",
    "LIVINGAREA_MODE",
    "NONLIVINGAPARTMENTS_MODE",
    "NONLIVINGAREA_MODE",
    "APARTMENTS_MEDI",
    "BASEMENTAREA_MEDI",
    "YEARS_BEGINEXPLUATATION_MEDI",
    "YEARS_BUILD_MEDI",
    "COMMONAREA_MEDI",
    "ELEVATORS_MEDI",
    "ENTRANCES_MEDI",
    "FLOORSMAX_MEDI",
    "FLOORSMIN_MEDI",
    "LANDAREA_MEDI",
    "LIVINGAPARTMENTS_MEDI",
    "LIVINGAREA_MEDI",
    "NONLIVINGAPARTMENTS_MEDI",
    "NONLIVINGAREA_MEDI",
    "FONDKAPREMONT_MODE",
    "HOUSETYPE_MODE",
    "TOTALAREA_MODE",
    "WALLSMATERIAL_MODE",
    "EMERGENCYSTATE_MODE",
    "OBS_30_CNT_SOCIAL_CIRCLE",
    "DEF_30_CNT_SOCIAL_CIRCLE",
    "OBS_60_CNT_SOCIAL_CIRCLE",
    "DEF_60_CNT_SOCIAL_CIRCLE",
    "DAYS_LAST_PHONE_CHANGE",
    "FLAG_DOCUMENT_2",
    "FLAG_DOCUMENT_3",
    "FLAG_DOCUMENT_4",
    "FLAG_DOCUMENT_5",
    "FLAG_DOCUMENT_6",
    "FLAG_DOCUMENT_7",
    "FLAG_DOCUMENT_8",
    "FLAG_DOCUMENT_9",
    "FLAG_DOCUMENT_10",
    "FLAG_DOCUMENT_11",
    "FLAG_DOCUMENT_12",
    "FLAG_DOCUMENT_13",
    "FLAG_DOCUMENT_14",
    "FLAG_DOCUMENT_15",
    "FLAG_DOCUMENT_16",
    "FLAG_DOCUMENT_17",
    "FLAG_DOCUMENT_18",
    "FLAG_DOCUMENT_19",
    "FLAG_DOCUMENT_20",
    "FLAG_DOCUMENT_21",
    "AMT_REQ_CREDIT_BUREAU_HOUR",
    "AMT_REQ_CREDIT_BUREAU_DAY",
    "AMT_REQ_CREDIT_BUREAU_WEEK",
    "AMT_REQ_CREDIT_BUREAU_MON",
    "AMT_REQ_CREDIT_BUREAU_QRT",
    "AMT_REQ_CREDIT_BUREAU_YEAR",
]
_APPLICATION_CATEGORICAL = [
    "NAME_CONTRACT_TYPE",
    "CODE_GENDER",
    "FLAG_OWN_CAR",
    "FLAG_OWN_REALTY",
    "NAME_TYPE_SUITE",
    "NAME_INCOME_TYPE",
    "NAME_EDUCATION_TYPE",
    "NAME_FAMILY_STATUS",
    "NAME_HOUSING_TYPE",
    "OCCUPATION_TYPE",
    "WEEKDAY_APPR_PROCESS_START",
    "ORGANIZATION_TYPE",
    "FONDKAPREMONT_MODE",
    "HOUSETYPE_MODE",
    "WALLSMATERIAL_MODE",
    "EMERGENCYSTATE_MODE",
]

_BUREAU_COLUMNS = [
    "SK_ID_CURR",
    "SK_ID_BUREAU",
    "CREDIT_ACTIVE",
    "CREDIT_CURRENCY",
    "DAYS_CREDIT",
    "CREDIT_DAY_OVERDUE",
    "DAYS_CREDIT_ENDDATE",
    "DAYS_ENDDATE_FACT",
    "AMT_CREDIT_MAX_OVERDUE",
    "CNT_CREDIT_PROLONG",
    "AMT_CREDIT_SUM",
    "AMT_CREDIT_SUM_DEBT",
    "AMT_CREDIT_SUM_LIMIT",
    "AMT_CREDIT_SUM_OVERDUE",
    "CREDIT_TYPE",
    "DAYS_CREDIT_UPDATE",
    "AMT_ANNUITY",
]
_BUREAU_CATEGORICAL = ["CREDIT_ACTIVE", "CREDIT_CURRENCY", "CREDIT_TYPE"]

_BUREAU_BALANCE_COLUMNS = ["SK_ID_BUREAU", "MONTHS_BALANCE", "STATUS"]
_BUREAU_BALANCE_CATEGORICAL = ["STATUS"]

_PREVIOUS_APPLICATION_COLUMNS = [
    "SK_ID_PREV",
    "SK_ID_CURR",
    "NAME_CONTRACT_TYPE",
    "AMT_ANNUITY",
    "AMT_APPLICATION",
    "AMT_CREDIT",
    "AMT_DOWN_PAYMENT",
    "AMT_GOODS_PRICE",
    "WEEKDAY_APPR_PROCESS_START",
    "HOUR_APPR_PROCESS_START",
    "FLAG_LAST_APPL_PER_CONTRACT",
    "NFLAG_LAST_APPL_IN_DAY",
    "RATE_DOWN_PAYMENT",
    "RATE_INTEREST_PRIMARY",
    "RATE_INTEREST_PRIVILEGED",
    "NAME_CASH_LOAN_PURPOSE",
    "NAME_CONTRACT_STATUS",
    "DAYS_DECISION",
    "NAME_PAYMENT_TYPE",
    "CODE_REJECT_REASON",
    "NAME_TYPE_SUITE",
    "NAME_CLIENT_TYPE",
    "NAME_GOODS_CATEGORY",
    "NAME_PORTFOLIO",
    "NAME_PRODUCT_TYPE",
    "CHANNEL_TYPE",
    "SELLERPLACE_AREA",
    "NAME_SELLER_INDUSTRY",
    "CNT_PAYMENT",
    "NAME_YIELD_GROUP",
    "PRODUCT_COMBINATION",
    "DAYS_FIRST_DRAWING",
    "DAYS_FIRST_DUE",
    "DAYS_LAST_DUE_1ST_VERSION",
    "DAYS_LAST_DUE",
    "DAYS_TERMINATION",
    "NFLAG_INSURED_ON_APPROVAL",
]
_PREVIOUS_APPLICATION_CATEGORICAL = [
    "NAME_CONTRACT_TYPE",
    "WEEKDAY_APPR_PROCESS_START",
    "FLAG_LAST_APPL_PER_CONTRACT",
    "NAME_CASH_LOAN_PURPOSE",
    "NAME_CONTRACT_STATUS",
    "NAME_PAYMENT_TYPE",
    "CODE_REJECT_REASON",
    "NAME_TYPE_SUITE",
    "NAME_CLIENT_TYPE",
    "NAME_GOODS_CATEGORY",
    "NAME_PORTFOLIO",
    "NAME_PRODUCT_TYPE",
    "CHANNEL_TYPE",
    "NAME_SELLER_INDUSTRY",
    "NAME_YIELD_GROUP",
    "PRODUCT_COMBINATION",
]

_POS_CASH_BALANCE_COLUMNS = [
    "SK_ID_PREV",
    "SK_ID_CURR",
    "MONTHS_BALANCE",
    "CNT_INSTALMENT",
    "CNT_INSTALMENT_FUTURE",
    "NAME_CONTRACT_STATUS",
    "SK_DPD",
    "SK_DPD_DEF",
]
_POS_CASH_BALANCE_CATEGORICAL = ["NAME_CONTRACT_STATUS"]

_INSTALLMENTS_PAYMENTS_COLUMNS = [
    "SK_ID_PREV",
    "SK_ID_CURR",
    "NUM_INSTALMENT_VERSION",
    "NUM_INSTALMENT_NUMBER",
    "DAYS_INSTALMENT",
    "DAYS_ENTRY_PAYMENT",
    "AMT_INSTALMENT",
    "AMT_PAYMENT",
]
_INSTALLMENTS_PAYMENTS_CATEGORICAL = []

_CREDIT_CARD_BALANCE_COLUMNS = [
    "SK_ID_PREV",
    "SK_ID_CURR",
    "MONTHS_BALANCE",
    "AMT_BALANCE",
    "AMT_CREDIT_LIMIT_ACTUAL",
    "AMT_DRAWINGS_ATM_CURRENT",
    "AMT_DRAWINGS_CURRENT",
    "AMT_DRAWINGS_OTHER_CURRENT",
    "AMT_DRAWINGS_POS_CURRENT",
    "AMT_INST_MIN_REGULARITY",
    "AMT_PAYMENT_CURRENT",
    "AMT_PAYMENT_TOTAL_CURRENT",
    "AMT_RECEIVABLE_PRINCIPAL",
    "AMT_RECIVABLE",
    "AMT_TOTAL_RECEIVABLE",
    "CNT_DRAWINGS_ATM_CURRENT",
    "CNT_DRAWINGS_CURRENT",
    "CNT_DRAWINGS_OTHER_CURRENT",
    "CNT_DRAWINGS_POS_CURRENT",
    "CNT_INSTALMENT_MATURE_CUM",
    "NAME_CONTRACT_STATUS",
    "SK_DPD",
    "SK_DPD_DEF",
]
_CREDIT_CARD_BALANCE_CATEGORICAL = ["NAME_CONTRACT_STATUS"]


@dataclass(frozen=True)
class TableSchema:
    """Columns, dtypes and keys of one table.

    Parameters
    ----------
    name : Kaggle table name (file stem).
    columns : all columns in the Kaggle file order.
    ids : identifier columns (``int32``, never missing).
    categorical : columns loaded as pandas ``category``.
    required : columns a file must contain.
    unique_key : column whose values must be unique, if any.
    target : label column (``application_train`` only).
    sentinel_columns : ``DAYS_*`` columns where ``365243`` means "no date".
    """

    name: str
    columns: tuple[str, ...]
    ids: tuple[str, ...]
    categorical: tuple[str, ...]
    required: tuple[str, ...]
    unique_key: str | None = None
    target: str | None = None
    sentinel_columns: tuple[str, ...] = ()

    @property
    def numeric(self) -> tuple[str, ...]:
        """Non-id, non-target, non-categorical columns (``float32``)."""
        skip = set(self.ids) | set(self.categorical) | {self.target}
        return tuple(c for c in self.columns if c not in skip)

    def dtype(self, column: str):
        """The dtype ``column`` has once loaded."""
        if column in self.ids:
            return np.dtype("int32")
        if column == self.target:
            return np.dtype("int8")
        if column in self.categorical:
            return "category"
        if column in self.columns:
            return np.dtype("float32")
        raise KeyError(f"table {self.name} has no column {column}")

    def meaning(self, column: str) -> ColumnMeaning:
        """What ``column`` means: unit, bounds, period, sensitive attribute (:mod:`.columns`)."""
        if column not in self.columns:
            raise KeyError(f"table {self.name} has no column {column}")
        application = self.name.startswith("application_")
        return column_meaning(column, categorical=column in self.categorical, application=application)


_APP_REQUIRED = (
    "SK_ID_CURR",
    "AMT_INCOME_TOTAL",
    "AMT_CREDIT",
    "AMT_ANNUITY",
    "AMT_GOODS_PRICE",
    "DAYS_BIRTH",
    "DAYS_EMPLOYED",
)

SCHEMAS: dict[str, TableSchema] = {
    "application_train": TableSchema(
        "application_train",
        tuple(_APPLICATION_COLUMNS),
        ("SK_ID_CURR",),
        tuple(_APPLICATION_CATEGORICAL),
        _APP_REQUIRED + ("TARGET",),
        unique_key="SK_ID_CURR",
        target="TARGET",
        sentinel_columns=("DAYS_EMPLOYED",),
    ),
    "application_test": TableSchema(
        "application_test",
        tuple(c for c in _APPLICATION_COLUMNS if c != "TARGET"),
        ("SK_ID_CURR",),
        tuple(_APPLICATION_CATEGORICAL),
        _APP_REQUIRED,
        unique_key="SK_ID_CURR",
        sentinel_columns=("DAYS_EMPLOYED",),
    ),
    "bureau": TableSchema(
        "bureau",
        tuple(_BUREAU_COLUMNS),
        ("SK_ID_CURR", "SK_ID_BUREAU"),
        tuple(_BUREAU_CATEGORICAL),
        (
            "SK_ID_CURR",
            "SK_ID_BUREAU",
            "CREDIT_ACTIVE",
            "DAYS_CREDIT",
            "AMT_CREDIT_SUM",
        ),
        unique_key="SK_ID_BUREAU",
    ),
    "bureau_balance": TableSchema(
        "bureau_balance",
        tuple(_BUREAU_BALANCE_COLUMNS),
        ("SK_ID_BUREAU",),
        tuple(_BUREAU_BALANCE_CATEGORICAL),
        ("SK_ID_BUREAU", "MONTHS_BALANCE", "STATUS"),
    ),
    "previous_application": TableSchema(
        "previous_application",
        tuple(_PREVIOUS_APPLICATION_COLUMNS),
        ("SK_ID_PREV", "SK_ID_CURR"),
        tuple(_PREVIOUS_APPLICATION_CATEGORICAL),
        (
            "SK_ID_PREV",
            "SK_ID_CURR",
            "NAME_CONTRACT_STATUS",
            "AMT_APPLICATION",
            "AMT_CREDIT",
            "DAYS_DECISION",
        ),
        unique_key="SK_ID_PREV",
        sentinel_columns=(
            "DAYS_FIRST_DRAWING",
            "DAYS_FIRST_DUE",
            "DAYS_LAST_DUE_1ST_VERSION",
            "DAYS_LAST_DUE",
            "DAYS_TERMINATION",
        ),
    ),
    "POS_CASH_balance": TableSchema(
        "POS_CASH_balance",
        tuple(_POS_CASH_BALANCE_COLUMNS),
        ("SK_ID_PREV", "SK_ID_CURR"),
        tuple(_POS_CASH_BALANCE_CATEGORICAL),
        ("SK_ID_PREV", "SK_ID_CURR", "MONTHS_BALANCE", "SK_DPD"),
    ),
    "installments_payments": TableSchema(
        "installments_payments",
        tuple(_INSTALLMENTS_PAYMENTS_COLUMNS),
        ("SK_ID_PREV", "SK_ID_CURR"),
        tuple(_INSTALLMENTS_PAYMENTS_CATEGORICAL),
        (
            "SK_ID_PREV",
            "SK_ID_CURR",
            "DAYS_INSTALMENT",
            "DAYS_ENTRY_PAYMENT",
            "AMT_INSTALMENT",
            "AMT_PAYMENT",
        ),
    ),
    "credit_card_balance": TableSchema(
        "credit_card_balance",
        tuple(_CREDIT_CARD_BALANCE_COLUMNS),
        ("SK_ID_PREV", "SK_ID_CURR"),
        tuple(_CREDIT_CARD_BALANCE_CATEGORICAL),
        (
            "SK_ID_PREV",
            "SK_ID_CURR",
            "MONTHS_BALANCE",
            "AMT_BALANCE",
            "AMT_CREDIT_LIMIT_ACTUAL",
        ),
    ),
}

APPLICATION_TABLES: tuple[str, ...] = ("application_train", "application_test")
HISTORY_TABLES: tuple[str, ...] = (
    "bureau",
    "bureau_balance",
    "previous_application",
    "POS_CASH_balance",
    "installments_payments",
    "credit_card_balance",
)
TABLE_NAMES: tuple[str, ...] = APPLICATION_TABLES + HISTORY_TABLES

#: The period of each amount of the application (``"year"``, ``"month"``, ``None``: one-off),
#: from the columns' meaning; amounts are in the currency of the settings (``SCORING_CURRENCY``).
AMOUNT_PERIODS: dict[str, str | None] = {
    c: (None if m.period == "once" else m.period)
    for c in SCHEMAS["application_test"].columns
    if (m := SCHEMAS["application_test"].meaning(c)).unit == "currency"
}


def get_schema(table: str) -> TableSchema:
    """The schema of ``table``; a clear error for an unknown name."""
    try:
        return SCHEMAS[table]
    except KeyError:
        raise KeyError(f"unknown table {table!r}; expected one of {', '.join(TABLE_NAMES)}") from None
