"""Data loading, validation and the table schema.

The names are imported on first use (PEP 562), so that importing one light submodule
(e.g. for labels) does not load the heavy ones.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .loader import (
        SUFFIXES,
        Dataset,
        DataWarning,
        find_table_file,
        load_dataset,
        normalize_table,
        read_table,
    )
    from .schema import (
        APPLICATION_TABLES,
        DAYS_SENTINEL,
        HISTORY_TABLES,
        MISSING_TOKENS,
        SCHEMAS,
        TABLE_NAMES,
        TableSchema,
        get_schema,
    )

_EXPORTS = {
    "SUFFIXES": ".loader",
    "Dataset": ".loader",
    "DataWarning": ".loader",
    "find_table_file": ".loader",
    "load_dataset": ".loader",
    "normalize_table": ".loader",
    "read_table": ".loader",
    "APPLICATION_TABLES": ".schema",
    "DAYS_SENTINEL": ".schema",
    "HISTORY_TABLES": ".schema",
    "MISSING_TOKENS": ".schema",
    "SCHEMAS": ".schema",
    "TABLE_NAMES": ".schema",
    "TableSchema": ".schema",
    "get_schema": ".schema",
}

__all__ = [
    "APPLICATION_TABLES",
    "DAYS_SENTINEL",
    "HISTORY_TABLES",
    "MISSING_TOKENS",
    "SCHEMAS",
    "SUFFIXES",
    "TABLE_NAMES",
    "Dataset",
    "DataWarning",
    "TableSchema",
    "find_table_file",
    "get_schema",
    "load_dataset",
    "normalize_table",
    "read_table",
]


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name], __name__), name)
    else:
        try:  # a submodule, e.g. ``package.loader``
            value = import_module(f".{name}", __name__)
        except ModuleNotFoundError:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
