"""The complete scoring model as MLflow serves it: raw tables in, ``probability, decision, grade`` out.

What MLflow's model registry holds for each registered version is an MLflow ``pyfunc`` model
(:mod:`scoring_core.model.mlflow_entry`, logged "from code", no pickle) whose one artifact is the
saved model directory (feature builder, model, calibration, threshold, grades; hashes verified
on load). So ``mlflow.pyfunc.load_model("models:/credit-scoring/3").predict(tables)`` or
``mlflow models serve -m models:/credit-scoring@champion`` scores clients exactly as
``python -m scoring_core score`` does, with nothing else to fetch. The environment that loads it
needs this package installed (``pip install pret-a-depenser-scoring[tracking]``).

Input (decided here, the same for Python and for ``mlflow models serve``):

- a ``pandas.DataFrame``: the application rows (``application_test`` columns, one row per
  application, ``SK_ID_CURR`` required; extra columns such as ``TARGET`` are ignored);
- or a mapping of Kaggle table names to DataFrames: ``application_test`` (or
  ``application_train`` / ``application``) plus any of the six history tables.

History tables are optional in the input but, as for ``score``, a table the model was trained
with that the input lacks is refused with :class:`~scoring_core.errors.MissingTableError`
(every client would read as having no history there), unless asked: ``predict(...,
params={"allow_missing_tables": True})`` (the logged signature declares this parameter, so a
``mlflow models serve`` request can pass it next to its ``dataframe_split``), or the model
loaded with ``model_config={"allow_missing_tables": True}``.
Every table is normalized exactly as files are (:func:`~scoring_core.data.normalize_table`).

Output: a DataFrame ``SK_ID_CURR, probability, decision, grade``, as the ``score`` command's CSV.

This module does not import MLflow: :class:`ScoringPredictor` holds the logic, the entry module
only adapts it to ``mlflow.pyfunc.PythonModel``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from ..errors import DataError

__all__ = ["ScoringPredictor", "input_tables", "APPLICATION_KEYS", "ARTIFACT_KEY"]

#: Name of the saved model directory among the pyfunc model's artifacts.
ARTIFACT_KEY = "scoring_model"
#: Accepted names of the application table in a mapping input (first found is used).
APPLICATION_KEYS = ("application_test", "application_train", "application")


def input_tables(model_input) -> dict[str, pd.DataFrame | None]:
    """The feature tables (``application`` + the six history tables, ``None`` when absent) of a
    pyfunc input, each normalized as a file would be.

    Raises
    ------
    DataError
        An input that is neither a DataFrame nor a mapping of DataFrames, no application
        table, an unknown table name, or a table that does not fit its schema (named).
    """
    from ..data.loader import normalize_table
    from ..data.schema import HISTORY_TABLES

    if isinstance(model_input, pd.DataFrame):
        given: dict = {"application_test": model_input}
    elif isinstance(model_input, Mapping):
        given = dict(model_input)
    else:
        raise DataError(
            "the scoring model takes the application rows as a DataFrame, or a mapping of table "
            f"names to DataFrames; got {type(model_input).__name__}"
        )
    unknown = sorted(set(given) - set(APPLICATION_KEYS) - set(HISTORY_TABLES))
    if unknown:
        raise DataError(
            f"unknown table(s) {', '.join(map(str, unknown))}: expected application_test (or "
            f"application_train / application) and any of {', '.join(HISTORY_TABLES)}"
        )
    apps = [k for k in APPLICATION_KEYS if given.get(k) is not None]
    if not apps:
        raise DataError(
            "no application table in the input (application_test, application_train or application)"
        )
    for name, df in given.items():
        if df is not None and not isinstance(df, pd.DataFrame):
            raise DataError(f"table {name}: expected a DataFrame, got {type(df).__name__}")
    # application_train's schema requires TARGET; scoring never reads it
    application = normalize_table(given[apps[0]], "application_test", source=apps[0])
    tables: dict[str, pd.DataFrame | None] = {"application": application}
    for name in HISTORY_TABLES:
        df = given.get(name)
        tables[name] = None if df is None else normalize_table(df, name, source=name)
    return tables


class ScoringPredictor:
    """A saved model directory that scores raw tables (the logic of the MLflow pyfunc model).

    Parameters
    ----------
    model_dir : a model directory written by :func:`~scoring_core.model.artifact.save_model`
        (loaded once, hashes verified).
    allow_missing_tables : score even when the input lacks a table the model was trained with.

    Examples
    --------
    >>> ScoringPredictor("models/current").predict(application_rows)  # doctest: +SKIP
    """

    def __init__(self, model_dir: str | os.PathLike, *, allow_missing_tables: bool = False):
        from .artifact import load_model

        self.model_dir = Path(model_dir)
        self.allow_missing_tables = bool(allow_missing_tables)
        self.model = load_model(self.model_dir)

    def predict(self, model_input, *, allow_missing_tables: bool | None = None) -> pd.DataFrame:
        """``SK_ID_CURR, probability, decision, grade`` of every application row of ``model_input``.

        ``allow_missing_tables`` overrides the predictor's setting for this call (the pyfunc
        model's ``params={"allow_missing_tables": True}``, also through ``mlflow models serve``).

        Raises
        ------
        DataError, MissingTableError
            See :func:`input_tables` and :func:`~scoring_core.model.tables.check_tables`.
        """
        from ..errors import MissingTableError
        from .tables import check_tables

        tables = input_tables(model_input)
        try:
            allow = self.allow_missing_tables if allow_missing_tables is None else bool(allow_missing_tables)
            check_tables(self.model, tables, allow_missing=allow)
        except MissingTableError as exc:
            message = str(exc).replace(
                "pass --allow-missing-tables",
                'predict with params={"allow_missing_tables": True}, or load the model with '
                'model_config={"allow_missing_tables": True},',
            )
            raise MissingTableError(message) from None
        return self.model.score_tables(tables)
