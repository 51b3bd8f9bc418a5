"""Load and validate a data directory in the Kaggle "Home Credit" layout.

Each table may be ``NAME.csv``, ``NAME.csv.gz``, ``NAME.zip`` / ``NAME.csv.zip`` (one CSV
inside) or ``NAME.parquet``. Tables are normalized on load (see :func:`normalize_table`)
and cached as parquet, so that loading the same file a second time is fast.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import warnings
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from ..errors import ColumnTypeError, DataError, MissingTableError
from ..io import atomic_path
from .normalize import (  # noqa: F401 - re-exported: the loader's names, used by scoring_core.distributed
    _COLUMN_COUNT,
    _NULL_VALUES,
    DataWarning,
    _as_category,
    _check_required,
    _clean,
    _value,
    normalize_table,
)
from .schema import (
    APPLICATION_TABLES,
    HISTORY_TABLES,
    TABLE_NAMES,
    TableSchema,
    get_schema,
)

__all__ = [
    "Dataset",
    "DataWarning",
    "find_table_file",
    "read_table",
    "normalize_table",
    "load_dataset",
    "SUFFIXES",
]

log = logging.getLogger(__name__)

#: Accepted file suffixes, in the order they are looked for.
SUFFIXES: tuple[str, ...] = (".parquet", ".csv", ".csv.gz", ".csv.zip", ".zip")

#: Bump when normalization changes, so stale cache entries are not reused.
_CACHE_VERSION = "1"

_ARROW_ERR = re.compile(r"column #(\d+)")


def find_table_file(data_dir: str | Path, table: str) -> Path | None:
    """The file holding ``table`` in ``data_dir``, or ``None`` if there is none.

    Raises
    ------
    DataError
        If several files hold the same table (e.g. ``bureau.csv`` and ``bureau.parquet``).
    """
    data_dir = Path(data_dir)
    found = [data_dir / f"{table}{s}" for s in SUFFIXES if (data_dir / f"{table}{s}").is_file()]
    if len(found) > 1:
        names = ", ".join(p.name for p in found)
        raise DataError(f"table {table}: several files in {data_dir} ({names}); keep only one")
    return found[0] if found else None


# ----------------------------------------------------------------------------- reading


def _open_csv(path: Path):
    """A binary stream of the CSV in ``path`` (zip archives must hold exactly one CSV)."""
    if path.suffix == ".zip":
        try:
            zf = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise DataError(f"{path.name}: not a valid zip archive ({exc})") from None
        members = [m for m in zf.namelist() if not m.endswith("/") and not m.startswith("__MACOSX")]
        if len(members) != 1:
            raise DataError(
                f"{path.name}: a zip archive must hold exactly one CSV file, found {len(members)}"
            )
        return zf.open(members[0])
    return pa.input_stream(str(path))  # decompresses .gz from the extension


def _csv_header(path: Path) -> list[str]:
    with _open_csv(path) as f:
        reader = pacsv.open_csv(f, read_options=pacsv.ReadOptions(block_size=1 << 16))
        return list(reader.schema.names)


def _arrow_types(schema: TableSchema, present: Iterable[str]) -> dict[str, pa.DataType]:
    types = {}
    for col in present:
        if col in schema.ids or col == schema.target:
            types[col] = pa.int64()
        elif col in schema.categorical:
            types[col] = pa.dictionary(pa.int32(), pa.string())
        else:
            types[col] = pa.float32()
    return types


def _read_csv(path: Path, schema: TableSchema) -> pa.Table:
    header = _csv_header(path)
    present = [c for c in header if c in schema.columns]
    _check_required(schema, present)
    convert = pacsv.ConvertOptions(
        column_types=_arrow_types(schema, present),
        include_columns=present,
        null_values=_NULL_VALUES,
        strings_can_be_null=True,
    )
    try:
        with _open_csv(path) as f:
            return pacsv.read_csv(f, convert_options=convert)
    except pa.ArrowInvalid as exc:
        raise _type_error(schema, header, str(exc)) from None


def _unreadable(path: Path, table: str, exc: BaseException) -> DataError:
    detail = _clean(str(exc)) or type(exc).__name__
    if isinstance(exc, zlib.error):
        detail = f"corrupted compressed data: {detail}"
    kind = "parquet" if path.name.lower().endswith(".parquet") else "CSV"
    return DataError(f"table {table}: file {path} cannot be read ({detail}); is it a complete {kind} file?")


def _type_error(schema: TableSchema, header: list[str], message: str) -> DataError:
    m = _ARROW_ERR.search(message)
    if not m:
        return DataError(f"table {schema.name}: cannot be read ({_clean(message)})")
    col = header[int(m.group(1))] if int(m.group(1)) < len(header) else f"#{m.group(1)}"
    expected = "an integer id" if col in schema.ids or col == schema.target else "numeric"
    detail = _clean(message.split(":", 2)[-1])
    row = re.search(r"Row #(\d+)", message)
    if row:
        detail = f"row {row.group(1)}: {detail}"
    return ColumnTypeError(schema.name, col, expected, detail)


def _read_parquet(path: Path, schema: TableSchema) -> pa.Table:
    try:
        names = pq.read_schema(path).names
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(f"{path.name}: not a valid parquet file ({exc})") from None
    present = [c for c in names if c in schema.columns]
    _check_required(schema, present)
    return _conform_parquet(pq.read_table(path, columns=present), schema)


def _conform_parquet(table: pa.Table, schema: TableSchema) -> pa.Table:
    """The schema's arrow types for the columns of ``table`` read from parquet (also used
    on row groups by ``scoring_core.distributed``, so both paths convert one way)."""
    present = list(table.column_names)
    types = _arrow_types(schema, present)
    arrays = []
    for col in present:
        arr = table.column(col)
        want = types[col]
        try:
            if pa.types.is_dictionary(want):
                if pa.types.is_dictionary(arr.type):
                    arr = arr.cast(pa.dictionary(pa.int32(), pa.string()))
                else:
                    arr = arr.cast(pa.string()).dictionary_encode()
            else:
                if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
                    raise pa.ArrowInvalid(f"strings in a {want} column")
                arr = arr.cast(want)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            expected = (
                "an integer id"
                if want == pa.int64()
                else ("text" if pa.types.is_dictionary(want) else "numeric")
            )
            raise ColumnTypeError(schema.name, col, expected, f"found {arr.type}: {exc}") from None
        arrays.append(arr)
    return pa.table(arrays, names=present)


# ----------------------------------------------------------------------------- normalizing


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    return table.to_pandas(split_blocks=True, self_destruct=True, ignore_metadata=True)


# ----------------------------------------------------------------------------- cache


def _restore_categories(df: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """Parquet drops the dtype of an all-missing categorical column: put it back."""
    for col in schema.categorical:
        dtype = df[col].dtype if col in df.columns else None
        if dtype is not None and not (
            isinstance(dtype, pd.CategoricalDtype) and dtype.categories.dtype == "str"
        ):
            df[col] = _as_category(df[col])
    return df


def _cache_key(path: Path, table: str) -> str:
    st = path.stat()
    raw = f"{_CACHE_VERSION}|{table}|{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def read_table(path: str | Path, table: str, *, cache_dir: Path | None = None) -> pd.DataFrame:
    """Read one table file and normalize it (see :func:`normalize_table`).

    With ``cache_dir``, the normalized table is stored there as parquet, keyed by the file's
    path, size and modification time, and read from there next time.
    """
    path = Path(path)
    schema = get_schema(table)
    cached = None
    if cache_dir is not None:
        cached = Path(cache_dir) / f"{table}-{_cache_key(path, table)}.parquet"
        if cached.is_file():
            try:
                return _restore_categories(pd.read_parquet(cached), schema)
            except Exception as exc:  # corrupt cache entry: rebuild it
                log.warning("ignoring unreadable cache entry %s (%s)", cached, exc)
    name = path.name.lower()
    try:
        if name.endswith(".parquet"):
            raw = _read_parquet(path, schema)
        elif name.endswith((".csv", ".csv.gz", ".zip")):
            raw = _read_csv(path, schema)
        else:
            raise DataError(f"{path.name}: unsupported format; use .csv, .csv.gz, .zip or .parquet")
    except DataError:
        raise
    except (pa.ArrowInvalid, OSError, EOFError, zlib.error, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        # empty, binary, truncated or corrupted file (a corrupted zip raises zlib.error)
        raise _unreadable(path, table, exc) from None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", DataWarning)
        df = normalize_table(_to_pandas(raw), table, source=path.name)
    for w in caught:
        warnings.warn(w.message, DataWarning, stacklevel=2)
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(cached, suffix=".parquet") as tmp:
                df.to_parquet(tmp, index=False)
        except OSError as exc:
            log.warning("could not write cache %s (%s)", cached, exc)
    return df


# ----------------------------------------------------------------------------- dataset


@dataclass
class Dataset:
    """The tables of one data directory; absent history tables are ``None``."""

    data_dir: Path | None
    tables: dict[str, pd.DataFrame | None] = field(default_factory=dict)

    @property
    def train(self) -> pd.DataFrame | None:
        return self.tables.get("application_train")

    @property
    def test(self) -> pd.DataFrame | None:
        return self.tables.get("application_test")

    @property
    def history(self) -> dict[str, pd.DataFrame | None]:
        """The six history tables (``None`` for an absent one)."""
        return {t: self.tables.get(t) for t in HISTORY_TABLES}

    def applications(self, which: str = "all") -> pd.DataFrame:
        """Application rows: ``"train"``, ``"test"`` or ``"all"`` (train then test, with ``TARGET``
        missing for test clients).
        """
        if which not in ("train", "test", "all"):
            raise ValueError("which must be 'train', 'test' or 'all'")
        parts = []
        if which in ("train", "all") and self.train is not None:
            parts.append(self.train)
        if which in ("test", "all") and self.test is not None:
            parts.append(self.test)
        if not parts:
            raise MissingTableError(
                f"no application_{which if which != 'all' else 'train/test'} table loaded"
            )
        if len(parts) == 1:
            return parts[0]
        test = parts[1]
        cats = {}
        for c in get_schema("application_test").categorical:
            cats[c] = pd.api.types.union_categoricals([parts[0][c].array, test[c].array]).categories
        out = pd.concat([parts[0], test.assign(TARGET=pd.NA)], ignore_index=True)
        out["TARGET"] = out["TARGET"].astype("Int8")
        for c, levels in cats.items():
            out[c] = pd.Categorical(out[c], categories=levels)
        return out

    def feature_tables(self, which: str = "all") -> dict[str, pd.DataFrame | None]:
        """The mapping feature engineering takes: ``application`` plus the history tables."""
        return {"application": self.applications(which), **self.history}


def load_dataset(
    data_dir: str | Path,
    *,
    require_train: bool = False,
    tables: Iterable[str] | None = None,
    cache: bool | None = None,
    progress: bool = True,
) -> Dataset:
    """Load every table of ``data_dir``.

    Parameters
    ----------
    data_dir : directory in the Kaggle layout.
    require_train : fail when ``application_train`` is absent (needed to train).
    tables : only these tables (default: all eight).
    cache : use the parquet cache (default: ``Settings.use_cache``).
    progress : show a progress bar on stderr.

    Raises
    ------
    DataError
        Unknown directory, no application table, or any table error (named).
    """
    from ..progress import progress_bar
    from ..settings import get_settings

    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise DataError(f"data directory {data_dir} does not exist or is not a directory")
    settings = get_settings()
    use_cache = settings.use_cache if cache is None else cache
    cache_dir = settings.cache_dir / "tables" if use_cache else None
    wanted = list(tables) if tables is not None else list(TABLE_NAMES)
    for t in wanted:
        get_schema(t)
    files = {t: find_table_file(data_dir, t) for t in wanted}
    if require_train and files.get("application_train") is None:
        raise MissingTableError(
            f"table application_train not found in {data_dir} (looked for "
            f"application_train{{{','.join(SUFFIXES)}}}); it is needed to train"
        )
    if all(files.get(t) is None for t in APPLICATION_TABLES if t in wanted) and any(
        t in wanted for t in APPLICATION_TABLES
    ):
        raise MissingTableError(f"no application_train or application_test table found in {data_dir}")
    ds = Dataset(data_dir, {t: None for t in wanted})
    todo = [t for t in wanted if files[t] is not None]
    bar = progress_bar(total=len(todo), desc="Loading tables", unit="table", disable=not progress)
    for t in todo:
        bar.set_postfix_str(t)
        start = time.perf_counter()
        ds.tables[t] = read_table(files[t], t, cache_dir=cache_dir)
        log.info("loaded %s: %d rows in %.1fs", t, len(ds.tables[t]), time.perf_counter() - start)
        bar.update(1)
    bar.close()
    # warn only once every present table loaded: a bad table fails with one clear error
    for t in wanted:
        if files[t] is None and t in HISTORY_TABLES:
            warnings.warn(
                f"table {t} not found in {data_dir}: its features will be missing", DataWarning, stacklevel=2
            )
    return ds
