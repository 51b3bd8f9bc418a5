"""Plant a known shift in application rows: a demo and test tool, not a data generator.

Drift detection is only convincing when it flags a shift we know is there and leaves the
rest alone. :func:`shift_applications` changes chosen columns of a copy of the application
rows and nothing else; the default (:data:`DEMO_SCALE`, :data:`DEMO_ADD`,
:data:`DEMO_MOVE`) is the demo of notebook ``04_drift``:

- incomes 50% higher (``AMT_INCOME_TOTAL`` x 1.5), so income ratios move too;
- the external scores 2 and 3 lower by 0.2 (``EXT_SOURCE_2``, ``EXT_SOURCE_3``, kept within
  their observed range): a riskier population, so the score drifts too;
- half of the cash loans become revolving loans (``NAME_CONTRACT_TYPE``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

import numpy as np
import pandas as pd

from ..data import Dataset
from .errors import DriftError

__all__ = ["DEMO_SCALE", "DEMO_ADD", "DEMO_MOVE", "shift_applications", "shift_dataset"]

#: ``{column: factor}`` of the demo shift.
DEMO_SCALE: Mapping[str, float] = MappingProxyType({"AMT_INCOME_TOTAL": 1.5})
#: ``{column: added value}`` of the demo shift.
DEMO_ADD: Mapping[str, float] = MappingProxyType({"EXT_SOURCE_2": -0.2, "EXT_SOURCE_3": -0.2})
#: ``{column: (from level, to level, share of the from-level rows moved)}`` of the demo shift.
DEMO_MOVE: Mapping[str, tuple[str, str, float]] = MappingProxyType(
    {"NAME_CONTRACT_TYPE": ("Cash loans", "Revolving loans", 0.5)}
)


def _column(apps: pd.DataFrame, col: str) -> pd.Series:
    if col not in apps.columns:
        raise DriftError(f"cannot shift column {col}: not in the application rows")
    return apps[col]


def shift_applications(
    apps: pd.DataFrame,
    scale: Mapping[str, float] = DEMO_SCALE,
    add: Mapping[str, float] = DEMO_ADD,
    move: Mapping[str, tuple[str, str, float]] = DEMO_MOVE,
    *,
    seed: int = 0,
) -> pd.DataFrame:
    """A copy of ``apps`` with a planted, documented shift (raw or loaded application rows).

    Parameters
    ----------
    apps : pandas.DataFrame
        Application rows (``application_train`` / ``application_test``).
    scale : mapping, default :data:`DEMO_SCALE`
        ``{column: factor}``: numeric values multiplied by ``factor``.
    add : mapping, default :data:`DEMO_ADD`
        ``{column: value}``: numeric values shifted by ``value``, clipped to the column's
        observed range.
    move : mapping, default :data:`DEMO_MOVE`
        ``{column: (from_level, to_level, share)}``: a random ``share`` of the rows at
        ``from_level`` get ``to_level``.
    seed : int
        Seed of the rows moved.

    Pass ``{}`` to leave a kind of change out; every other column is untouched.

    Raises
    ------
    DriftError
        An unknown column, a non-numeric column to scale or shift, a level not present.

    Examples
    --------
    >>> shifted = shift_applications(apps, scale={"AMT_CREDIT": 2.0}, add={}, move={})  # doctest: +SKIP
    """
    out = apps.copy()
    for col, factor in scale.items():
        s = _column(out, col)
        if not pd.api.types.is_numeric_dtype(s):
            raise DriftError(f"cannot scale column {col}: not numeric")
        out[col] = s * factor
    for col, value in add.items():
        s = _column(out, col)
        if not pd.api.types.is_numeric_dtype(s):
            raise DriftError(f"cannot shift column {col}: not numeric")
        out[col] = (s + value).clip(s.min(), s.max())
    rng = np.random.default_rng(seed)
    for col, (source, target, share) in move.items():
        s = _column(out, col)
        at = (s.astype("object") == source).to_numpy()
        if not at.any():
            raise DriftError(f"cannot move level {source!r} of column {col}: no row has it")
        chosen = at & (rng.random(len(s)) < share)
        if isinstance(s.dtype, pd.CategoricalDtype):
            if target not in s.cat.categories:
                s = s.cat.add_categories([target])
            s = s.copy()
        out[col] = s.where(~chosen, target)
    return out


def shift_dataset(dataset: Dataset, *, which: str = "test", seed: int = 0, **shift) -> Dataset:
    """A data set holding only the shifted ``application_{which}`` and the same history tables.

    Keyword arguments ``scale``, ``add``, ``move`` go to :func:`shift_applications` (the demo
    shift by default). Use it as the current data of
    :func:`~scoring_core.drift.compute_drift`.
    """
    table = f"application_{which}"
    apps = dataset.tables.get(table)
    if apps is None:
        raise DriftError(f"cannot shift {table}: the data set has no such table")
    shifted = shift_applications(apps, seed=seed, **shift)
    return Dataset(None, {table: shifted, **dataset.history})
