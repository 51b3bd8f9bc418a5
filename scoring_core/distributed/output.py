"""Writing Dask results: one file streamed partition by partition, or a partitioned parquet
directory; atomic either way (a reader never sees half a result)."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import dask
import dask.dataframe as dd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import ScoringError
from ..io import atomic_path

__all__ = ["iter_partitions", "write_csv", "write_parquet_file", "write_parquet_dir"]

logger = logging.getLogger(__name__)


def iter_partitions(frame: dd.DataFrame) -> Iterator[pd.DataFrame]:
    """The partitions of ``frame`` in order, computed on the current Dask client (without one,
    all at once by the local scheduler).

    All partitions are submitted in one graph, so the shuffles behind them run once (separate
    submissions could run a shuffle again for each partition); each partition is gathered in
    turn and released as soon as it is handed over, so only one is held here at a time.
    """
    parts = frame.to_delayed()
    try:
        from distributed import default_client

        client = default_client()
    except (ImportError, ValueError):
        client = None
    if client is None:
        yield from dask.compute(*parts)
        return
    futures = client.compute(parts)
    try:
        for i, future in enumerate(futures):
            result = future.result()
            future.release()
            futures[i] = None
            yield result
    finally:
        for future in futures:
            if future is not None:
                future.release()


def write_csv(frame: dd.DataFrame, out: str | os.PathLike, prepare: Callable | None = None) -> int:
    """``frame`` as one CSV file (header once, no index), as ``DataFrame.to_csv`` writes it.

    Returns the number of rows written.
    """
    n = 0
    with atomic_path(out, suffix=".csv") as tmp, open(tmp, "w", newline="") as f:
        for i, part in enumerate(iter_partitions(frame)):
            part = prepare(part) if prepare else part
            part.to_csv(f, index=False, header=i == 0)
            n += len(part)
    return n


def write_parquet_file(frame: dd.DataFrame, out: str | os.PathLike, prepare: Callable | None = None) -> int:
    """``frame`` as one parquet file, one row group per partition (no index)."""
    n = 0
    writer = None
    with atomic_path(out, suffix=".parquet") as tmp:
        try:
            for part in iter_partitions(frame):
                part = prepare(part) if prepare else part
                table = pa.Table.from_pandas(part, preserve_index=False)
                if writer is None:
                    writer = pq.ParquetWriter(tmp, table.schema)
                writer.write_table(table)
                n += len(part)
            if writer is None:
                raise ScoringError("nothing to write: the data has no partition")
        finally:
            if writer is not None:
                writer.close()
    return n


def _schema(meta: pd.DataFrame) -> pa.Schema:
    """The arrow schema of ``meta``, object columns as (nullable) strings: Dask cannot infer
    them from an empty frame."""
    fields = []
    for name, dtype in meta.dtypes.items():
        if pd.api.types.is_object_dtype(dtype):
            fields.append(pa.field(str(name), pa.string()))
        else:
            fields.append(pa.Schema.from_pandas(meta[[name]], preserve_index=False).field(str(name)))
    return pa.schema(fields)


def write_parquet_dir(frame: dd.DataFrame, out: str | os.PathLike) -> None:
    """``frame`` as a directory of parquet files (one per partition), replacing ``out``
    atomically (written next to it, then renamed)."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ScoringError(f"--out {out} exists and is not a directory")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        frame.to_parquet(tmp, write_index=False, overwrite=True, schema=_schema(frame._meta))
        old = None
        if out.exists():
            old = out.with_name(f".{out.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            os.replace(out, old)
        os.replace(tmp, out)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(tmp)
        raise
