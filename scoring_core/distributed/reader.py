"""Read the Kaggle-layout tables as Dask data frames, normalized exactly as in memory.

Each partition is a piece of one file, converted by the loader's own code
(:func:`scoring_core.data.normalize_table`, the same arrow types), so a partition holds
exactly the rows the in-memory loader would have, with the same values:

- parquet: groups of row groups (``synth`` writes one row group per chunk of clients), or
  the files of a ``NAME.parquet/`` directory (a partitioned data set written by Spark or
  Dask), in name order;
- ``.csv``: byte ranges cut at line ends, each parsed by pyarrow with the loader's types
  (so a quoted value must not hold a line break: Kaggle's and ``synth``'s files have none);
- ``.csv.gz`` and zip archives cannot be split: one partition each.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass
from pathlib import Path

import dask.dataframe as dd
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..data.loader import (
    _NULL_VALUES,
    DataWarning,
    _arrow_types,
    _check_required,
    _conform_parquet,
    _csv_header,
    _to_pandas,
    _type_error,
    find_table_file,
    normalize_table,
    read_table,
)
from ..data.schema import get_schema
from ..errors import DataError

__all__ = ["Piece", "table_path", "table_pieces", "read_piece", "read_dask_table"]

logger = logging.getLogger(__name__)

#: Rows per partition aimed at when grouping parquet row groups: history tables (narrow,
#: many rows per client) and application tables (wide; their partitions are the partitions
#: of clients every result has, so they also set the parallelism).
PARTITION_ROWS = 1_000_000
APPLICATION_ROWS = 50_000
#: Bytes per partition of an uncompressed CSV file.
CSV_BLOCK_BYTES = 64 << 20


@dataclass(frozen=True)
class Piece:
    """One partition of a table file: ``kind`` is ``"parquet"``, ``"csv"`` or ``"file"``."""

    kind: str
    path: str
    row_groups: tuple[int, ...] = ()
    start: int = 0
    stop: int = 0
    header: tuple[str, ...] = ()


def table_path(data_dir: str | Path, table: str) -> Path | None:
    """The file (or ``NAME.parquet`` directory) holding ``table`` in ``data_dir``, or ``None``."""
    data_dir = Path(data_dir)
    folder = data_dir / f"{table}.parquet"
    if folder.is_dir():
        return folder
    return find_table_file(data_dir, table)


def _parquet_pieces(path: Path, rows: int) -> list[Piece]:
    files = sorted(p for p in path.glob("*.parquet") if p.is_file()) if path.is_dir() else [path]
    if not files:
        raise DataError(f"{path}: a directory of parquet files holds no .parquet file")
    pieces = []
    for file in files:
        try:
            meta = pq.ParquetFile(file).metadata
        except (pa.ArrowInvalid, OSError) as exc:
            raise DataError(f"{file.name}: not a valid parquet file ({exc})") from None
        group: list[int] = []
        n = 0
        for i in range(meta.num_row_groups):
            group.append(i)
            n += meta.row_group(i).num_rows
            if n >= rows:
                pieces.append(Piece("parquet", str(file), tuple(group)))
                group, n = [], 0
        if group or not pieces or pieces[-1].path != str(file):
            pieces.append(Piece("parquet", str(file), tuple(group)))
    return pieces


def _csv_pieces(path: Path, block: int) -> list[Piece]:
    header = tuple(_csv_header(path))
    size = path.stat().st_size
    cuts = [0]
    with open(path, "rb") as f:
        f.readline()  # the header line
        cuts[0] = f.tell()
        pos = cuts[0] + block
        while pos < size:
            f.seek(pos)
            f.readline()  # to the end of the line cut through
            pos = f.tell()
            if pos >= size:
                break
            cuts.append(pos)
            pos += block
    cuts.append(size)
    return [
        Piece("csv", str(path), start=a, stop=b, header=header)
        for a, b in zip(cuts[:-1], cuts[1:], strict=True)
    ]


def table_pieces(
    path: str | Path, *, rows: int | None = None, block: int | None = None, table: str = ""
) -> list[Piece]:
    """The partitions of one table file (see the module docstring).

    ``rows`` (parquet) and ``block`` (CSV bytes) default to :data:`APPLICATION_ROWS` and
    a 16th of :data:`CSV_BLOCK_BYTES` for an application ``table``, to
    :data:`PARTITION_ROWS` and :data:`CSV_BLOCK_BYTES` otherwise.
    """
    application = table.startswith("application")
    if rows is None:
        rows = APPLICATION_ROWS if application else PARTITION_ROWS
    if block is None:
        block = CSV_BLOCK_BYTES // 16 if application else CSV_BLOCK_BYTES
    path = Path(path)
    name = path.name.lower()
    if name.endswith(".parquet"):
        return _parquet_pieces(path, rows)
    if name.endswith(".csv"):
        return _csv_pieces(path, block)
    return [Piece("file", str(path))]


def read_piece(piece: Piece, table: str) -> pd.DataFrame:
    """The normalized rows of one piece (as :func:`scoring_core.data.read_table` gives them)."""
    schema = get_schema(table)
    path = Path(piece.path)
    if piece.kind == "file":
        return read_table(path, table)
    if piece.kind == "parquet":
        names = pq.read_schema(path).names
        present = [c for c in names if c in schema.columns]
        _check_required(schema, present)
        raw = _conform_parquet(
            pq.ParquetFile(path).read_row_groups(list(piece.row_groups), columns=present), schema
        )
    else:
        present = [c for c in piece.header if c in schema.columns]
        _check_required(schema, present)
        with open(path, "rb") as f:
            f.seek(piece.start)
            data = f.read(piece.stop - piece.start)
        convert = pacsv.ConvertOptions(
            column_types=_arrow_types(schema, present),
            include_columns=present,
            null_values=_NULL_VALUES,
            strings_can_be_null=True,
        )
        if not data.strip():  # a header-only file: no rows, the schema's types
            types = _arrow_types(schema, present)
            raw = pa.table({c: pa.array([], type=types[c]) for c in present})
        else:
            try:
                raw = pacsv.read_csv(
                    pa.BufferReader(data),
                    read_options=pacsv.ReadOptions(column_names=list(piece.header)),
                    convert_options=convert,
                )
            except pa.ArrowInvalid as exc:
                raise _type_error(schema, list(piece.header), str(exc)) from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataWarning)  # warned once, when the meta is read
        return normalize_table(_to_pandas(raw), table, source=path.name)


def read_dask_table(path: str | Path, table: str, **kwargs) -> dd.DataFrame:
    """``table`` from ``path`` as a Dask data frame, one partition per :class:`Piece`.

    ``kwargs`` go to :func:`table_pieces`. The first piece is read once here for the
    columns and dtypes (and the warnings about absent optional columns).
    """
    pieces = table_pieces(path, table=table, **kwargs)
    first = pieces[0]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        sample = read_piece(first, table) if first.kind != "file" else None
    for w in caught:
        warnings.warn(w.message, DataWarning, stacklevel=2)
    if sample is None:  # an unsplittable file: one partition, read where it is computed
        sample = read_table(path, table)
    meta = sample.iloc[:0]
    logger.info("table %s: %d partition(s) from %s", table, len(pieces), path)
    return dd.from_map(read_piece, pieces, table=table, meta=meta, enforce_metadata=False)
