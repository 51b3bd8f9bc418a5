"""Data loading, validation and the table schema.

The names are imported on first use (PEP 562), so that importing one light submodule
(e.g. for labels) does not load the heavy ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_exports

if TYPE_CHECKING:
    from .loader import (
        SUFFIXES,
        Dataset,
        find_table_file,
        load_dataset,
        read_table,
    )
    from .normalize import DataWarning, normalize_table
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
    "DataWarning": ".normalize",
    "find_table_file": ".loader",
    "load_dataset": ".loader",
    "normalize_table": ".normalize",
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


lazy_exports(__name__, _EXPORTS)
