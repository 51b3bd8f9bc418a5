"""Data loading, validation and the table schema."""

from .loader import SUFFIXES, Dataset, DataWarning, find_table_file, load_dataset, normalize_table, read_table
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
