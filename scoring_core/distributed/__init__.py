"""Features, scoring, drift and training on a Dask cluster (the ``[dask]`` extra).

The in-memory path never imports this package (nor Dask). Every partition of clients goes
through the same fitted :class:`~scoring_core.features.FeatureBuilder` and the same
:class:`~scoring_core.model.ScoringModel` as in memory, so results are identical.

Examples
--------
>>> from scoring_core.distributed import dask_client, load_dask_tables, fit_dask_builder, dask_features
>>> with dask_client() as client:  # a LocalCluster sized to the machine  # doctest: +SKIP
...     tables = load_dask_tables("data/big", "all")
...     features = dask_features(tables, fit_dask_builder(tables))
...     features.to_parquet("features/")
"""

from ._deps import DaskNotInstalledError, require_dask

require_dask()

from .cluster import DaskConnectionError, dask_client, release_worker_memory  # noqa: E402
from .drift import dask_drift, dask_drift_from_dirs  # noqa: E402
from .features import dask_features, fit_dask_builder, map_client_partitions  # noqa: E402
from .output import write_csv, write_parquet_dir, write_parquet_file  # noqa: E402
from .scoring import dask_scores, write_scores  # noqa: E402
from .tables import DaskTables, align_history, dask_tables_from_pandas, load_dask_tables  # noqa: E402
from .training import dask_train  # noqa: E402

__all__ = [
    "DaskConnectionError",
    "DaskNotInstalledError",
    "DaskTables",
    "align_history",
    "dask_client",
    "dask_drift",
    "dask_drift_from_dirs",
    "dask_features",
    "dask_scores",
    "dask_tables_from_pandas",
    "dask_train",
    "fit_dask_builder",
    "load_dask_tables",
    "map_client_partitions",
    "release_worker_memory",
    "require_dask",
    "write_csv",
    "write_parquet_dir",
    "write_parquet_file",
    "write_scores",
]
