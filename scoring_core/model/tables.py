"""The tables a model was trained with, and the check that scoring data has them.

A model trained with, say, the bureau table reads a client with no bureau record as "no
credit history elsewhere". Scoring data that lacks the whole table would read *every*
client that way, silently: scoring refuses such data, naming the table, unless told
explicitly to go on (``allow_missing=True``, ``--allow-missing-tables``), and then says
which tables were missing. A client with no records in a present table is normal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

from ..data.schema import HISTORY_TABLES
from ..errors import MissingTableError, ScoringError

__all__ = [
    "KNOWN_TABLES",
    "parse_tables",
    "model_tables",
    "missing_tables",
    "missing_table_files",
    "check_tables",
]

#: Table names of ``train --tables`` (the application table is always used).
KNOWN_TABLES: tuple[str, ...] = ("application", *HISTORY_TABLES)


def parse_tables(spec: str | Iterable[str]) -> tuple[str, ...]:
    """``"application,bureau"`` (or a list) -> validated table names, ``application`` first.

    Examples
    --------
    >>> parse_tables("bureau, application")
    ('application', 'bureau')
    """
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    names = [str(s).strip() for s in items if str(s).strip()]
    unknown = [n for n in names if n not in KNOWN_TABLES]
    if unknown:
        raise ScoringError(f"unknown table(s) {', '.join(unknown)}; known: {', '.join(KNOWN_TABLES)}")
    return ("application", *[t for t in HISTORY_TABLES if t in names])


def model_tables(model) -> list[str]:
    """The tables ``model`` was trained with (``application`` first)."""
    return ["application", *model.builder.history_tables_]


def missing_tables(model, tables: Mapping[str, pd.DataFrame | None]) -> list[str]:
    """Tables the model was trained with that ``tables`` lacks (``None`` or absent)."""
    return [t for t in model.builder.history_tables_ if tables.get(t) is None]


def check_tables(
    model, tables: Mapping[str, pd.DataFrame | None], *, allow_missing: bool = False
) -> list[str]:
    """Refuse scoring data lacking a table the model was trained with; return the missing ones.

    Raises
    ------
    MissingTableError
        Naming the missing table(s), unless ``allow_missing``.
    """
    missing = missing_tables(model, tables)
    if missing and not allow_missing:
        plural = "s" if len(missing) > 1 else ""
        raise MissingTableError(
            f"table{plural} {', '.join(missing)} missing from the data: the model was trained with "
            f"{', '.join(model_tables(model))}; without {'them' if plural else 'it'} every client would be "
            "scored as having no history there (pass --allow-missing-tables to score anyway)"
        )
    return missing


def missing_table_files(data_dir, names) -> list[str]:
    """Of the table ``names``, those with no file in ``data_dir`` (any supported format)."""
    from ..data.loader import find_table_file

    return [t for t in names if find_table_file(data_dir, t) is None]
