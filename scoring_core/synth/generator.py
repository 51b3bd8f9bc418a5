"""Synthetic Home Credit data: all seven tables in the Kaggle layout, in bounded memory.

Clients are generated in fixed-size chunks, each from its own random stream derived from
``(seed, chunk number)``, and streamed to disk; the same seed gives the same bytes.

Each client has two latent risks: ``R`` shows in the application fields, ``H`` in the
history tables (history rows see ``0.35 R + 0.94 H``). The default probability is
``expit(b0 + b1 (w R + sqrt(1 - w^2) H) + b2 B)`` where ``B`` is the standardized loan burden
(log annuity / income), with ``b0`` solved for the target default rate.
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
from scipy.optimize import brentq
from scipy.special import expit

from ..data.schema import HISTORY_TABLES, SCHEMAS
from ..errors import ScoringError
from .application import ApplicationModel
from .history import HistoryModel

__all__ = [
    "SynthConfig",
    "SynthSummary",
    "ensure_synthetic",
    "generate",
    "generate_tables",
    "load_calibration",
]

log = logging.getLogger(__name__)

_FIRST_CLIENT_ID = 100002
_FIRST_BUREAU_ID = 5000000
_FIRST_PREV_ID = 1000001
_FORMATS = ("csv", "parquet")
# log(annuity / income) of the calibrated population: mean and standard deviation
_BURDEN_MEAN, _BURDEN_SD = -1.84, 0.78
_OUT_TABLES = ("application_train", "application_test", *HISTORY_TABLES)


@lru_cache(maxsize=1)
def load_calibration() -> dict:
    """The calibration statistics shipped with the package (see :mod:`.calibrate`)."""
    text = resources.files(__package__).joinpath("calibration.json").read_text(encoding="utf-8")
    return json.loads(text)


@dataclass(frozen=True)
class SynthConfig:
    """Parameters of the synthetic population.

    The defaults are calibrated so that a LightGBM model reaches an AUC of about 0.75 on the
    application table alone and about 0.03 more with the history tables, as on the real data.
    """

    default_rate: float = 0.08
    risk_slope: float = 1.95  # b1
    burden_slope: float = 0.45  # effect of the loan burden (log annuity / income, standardized)
    app_weight: float = 0.88  # w: share of the risk visible in the application
    app_risk_scale: float = 3.6  # real rank correlation with default -> latent loading
    hist_risk_scale: float = 2.5
    hist_signal: float = 0.4  # strength of late payments / days past due as risk rises
    hist_app_mix: float = 0.35
    test_share: float = 1 / 6
    chunk_size: int = 20_000

    def intercept(self) -> float:
        """``b0`` such that the mean default probability is ``default_rate``."""
        x, w = np.polynomial.hermite_e.hermegauss(80)
        w = w / w.sum()
        slope = float(np.hypot(self.risk_slope, self.burden_slope))
        return brentq(lambda b0: float(np.sum(w * expit(b0 + slope * x))) - self.default_rate, -20, 5)


@dataclass
class SynthSummary:
    """What :func:`generate` wrote."""

    out_dir: Path | None
    rows: dict[str, int] = field(default_factory=dict)
    default_rate: float = float("nan")
    files: dict[str, Path] = field(default_factory=dict)


class _Generator:
    def __init__(self, n_clients: int, seed: int, config: SynthConfig):
        if n_clients < 1:
            raise ScoringError("--clients must be at least 1")
        self.n_train = int(n_clients)
        self.n_test = int(round(n_clients * config.test_share))
        self.total = self.n_train + self.n_test
        self.seed = int(seed)
        self.cfg = config
        cal = load_calibration()
        self.app = ApplicationModel(cal, config.app_risk_scale)
        self.hist = HistoryModel(cal, config.hist_risk_scale, config.hist_signal)
        self.b0 = config.intercept()
        rng = np.random.default_rng([self.seed, 0xC0FFEE])
        self.is_test = np.zeros(self.total, dtype=bool)
        self.is_test[rng.choice(self.total, self.n_test, replace=False)] = True
        self.next_bureau = _FIRST_BUREAU_ID
        self.next_prev = _FIRST_PREV_ID
        self.n_chunks = (self.total + config.chunk_size - 1) // config.chunk_size

    def chunk(self, c: int) -> dict[str, dict[str, np.ndarray]]:
        cfg = self.cfg
        lo, hi = c * cfg.chunk_size, min(self.total, (c + 1) * cfg.chunk_size)
        rng = np.random.default_rng([self.seed, c])
        n = hi - lo
        ids = (_FIRST_CLIENT_ID + np.arange(lo, hi)).astype(np.int64)
        r = rng.standard_normal(n)
        h = rng.standard_normal(n)
        w = cfg.app_weight
        app = self.app.sample(r, rng)
        # affordability: a heavier loan for the income raises the risk (what a smaller credit or a
        # longer term changes, hence what counterfactual suggestions can act on)
        burden = np.log(app["AMT_ANNUITY"] / app["AMT_INCOME_TOTAL"])
        burden = np.where(np.isfinite(burden), (burden - _BURDEN_MEAN) / _BURDEN_SD, 0.0)
        p = expit(self.b0 + cfg.risk_slope * (w * r + np.sqrt(1 - w * w) * h) + cfg.burden_slope * burden)
        target = (rng.random(n) < p).astype(np.int64)
        hrisk = cfg.hist_app_mix * r + np.sqrt(1 - cfg.hist_app_mix**2) * h
        bureau, bb = self.hist.bureau_tables(ids, hrisk, rng, self.next_bureau)
        self.next_bureau += len(bureau["SK_ID_BUREAU"])
        prev, pos, inst, cc = self.hist.previous_tables(ids, hrisk, rng, self.next_prev)
        self.next_prev += len(prev["SK_ID_PREV"])
        test = self.is_test[lo:hi]
        train_cols = {"SK_ID_CURR": ids[~test], "TARGET": target[~test]}
        train_cols.update({k: v[~test] for k, v in app.items()})
        test_cols = {"SK_ID_CURR": ids[test]}
        test_cols.update({k: v[test] for k, v in app.items()})
        return {
            "application_train": train_cols,
            "application_test": test_cols,
            "bureau": bureau,
            "bureau_balance": bb,
            "previous_application": prev,
            "POS_CASH_balance": pos,
            "installments_payments": inst,
            "credit_card_balance": cc,
        }


# ----------------------------------------------------------------------------- output


def _integer_columns() -> dict[str, set[str]]:
    cal = load_calibration()["tables"]
    out = {}
    for table in _OUT_TABLES:
        key = "application" if table.startswith("application") else table
        stats = cal.get(key, {})
        out[table] = {c for c, s in stats.items() if s.get("kind") == "num" and s.get("integer")}
    return out


def _arrow_schema(table: str, ints: set[str]) -> pa.Schema:
    schema = SCHEMAS[table]
    fields = []
    for col in schema.columns:
        if col in schema.ids or col == schema.target or col in ints:
            fields.append(pa.field(col, pa.int64()))
        elif col in schema.categorical:
            fields.append(pa.field(col, pa.string()))
        else:
            fields.append(pa.field(col, pa.float64()))
    return pa.schema(fields)


def _to_arrow(cols: dict[str, np.ndarray], schema: pa.Schema) -> pa.Table:
    arrays = []
    for f in schema:
        v = cols[f.name]
        if pa.types.is_string(f.type):
            arrays.append(pa.array(v, type=pa.string(), from_pandas=True))
            continue
        v = np.asarray(v, dtype=float)
        mask = np.isnan(v)
        if pa.types.is_integer(f.type):
            arrays.append(pa.array(np.where(mask, 0, np.round(v)).astype(np.int64), mask=mask))
        else:
            digits = 2 if f.name.startswith("AMT_") else 6
            arrays.append(pa.array(np.round(v, digits), mask=mask))
    return pa.Table.from_arrays(arrays, schema=schema)


class _Writer:
    def __init__(self, path: Path, schema: pa.Schema, fmt: str):
        self.path = path
        self.schema = schema
        self.rows = 0
        if fmt == "csv":
            self._w = pacsv.CSVWriter(
                str(path), schema, write_options=pacsv.WriteOptions(quoting_style="needed")
            )
        else:
            self._w = pq.ParquetWriter(str(path), schema, compression="zstd")

    def write(self, table: pa.Table) -> None:
        self.rows += table.num_rows
        if self.rows and table.num_rows:
            self._w.write_table(table)

    def close(self) -> None:
        if self.rows == 0:
            self._w.write_table(self.schema.empty_table())
        self._w.close()


def generate(
    n_clients: int,
    out_dir: str | Path,
    *,
    seed: int = 0,
    fmt: str = "csv",
    config: SynthConfig | None = None,
    progress: bool = True,
) -> SynthSummary:
    """Write the seven Kaggle tables for ``n_clients`` training clients to ``out_dir``.

    ``application_train`` holds ``n_clients`` clients with ``TARGET``; ``application_test``
    about ``n_clients / 6`` new ones. The files appear in ``out_dir`` only once all of them
    are complete (written in a temporary directory, then moved).

    Examples
    --------
    >>> generate(2000, "data/synthetic", seed=1)  # doctest: +SKIP
    """
    from ..progress import progress_bar

    if fmt not in _FORMATS:
        raise ScoringError(f"unknown format {fmt!r}; use csv or parquet")
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ScoringError(f"--out {out_dir} exists and is not a directory")
    out_dir.mkdir(parents=True, exist_ok=True)
    gen = _Generator(n_clients, seed, config or SynthConfig())
    ints = _integer_columns()
    summary = SynthSummary(out_dir)
    tmp_dir = Path(tempfile.mkdtemp(prefix=".synth-", dir=out_dir))
    try:
        writers = {t: _Writer(tmp_dir / f"{t}.{fmt}", _arrow_schema(t, ints[t]), fmt) for t in _OUT_TABLES}
        n_default = 0
        bar = progress_bar(total=gen.total, desc="Generating clients", unit="client", disable=not progress)
        for c in range(gen.n_chunks):
            tables = gen.chunk(c)
            n_default += int(tables["application_train"]["TARGET"].sum())
            for t, cols in tables.items():
                writers[t].write(_to_arrow(cols, writers[t].schema))
            bar.update(
                len(tables["application_train"]["SK_ID_CURR"]) + len(tables["application_test"]["SK_ID_CURR"])
            )
        bar.close()
        for t, w in writers.items():
            w.close()
            final = out_dir / w.path.name
            for other in out_dir.glob(f"{t}.*"):
                if other.name != final.name and other.suffix in (".csv", ".parquet", ".gz", ".zip"):
                    other.unlink()
            w.path.replace(final)
            summary.rows[t] = w.rows
            summary.files[t] = final
        summary.default_rate = n_default / max(1, gen.n_train)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
    log.info("synthetic data: %s", summary.rows)
    return summary


def generate_tables(
    n_clients: int, *, seed: int = 0, config: SynthConfig | None = None
) -> dict[str, pd.DataFrame]:
    """The same tables as :func:`generate`, in memory, as raw Kaggle-format data frames
    (strings with ``XNA``/``XAP``, ``365243`` sentinels): for tests and small demos.
    Pass them through :func:`scoring_core.data.normalize_table` to get loaded tables.
    """
    gen = _Generator(n_clients, seed, config or SynthConfig())
    ints = _integer_columns()
    parts: dict[str, list[pa.Table]] = {t: [] for t in _OUT_TABLES}
    for c in range(gen.n_chunks):
        for t, cols in gen.chunk(c).items():
            parts[t].append(_to_arrow(cols, _arrow_schema(t, ints[t])))
    return {t: pa.concat_tables(p).to_pandas() for t, p in parts.items()}


def ensure_synthetic(out_dir: str | Path, n_clients: int, *, seed: int = 0, progress: bool = True) -> Path:
    """``out_dir`` holding synthetic data for ``(n_clients, seed)``: generated unless already there.

    A small ``synth.json`` records the parameters; different parameters regenerate.
    """
    out_dir = Path(out_dir)
    stamp = out_dir / "synth.json"
    wanted = {"clients": int(n_clients), "seed": int(seed), "format": "csv"}
    if stamp.is_file() and (out_dir / "application_train.csv").is_file():
        try:
            if json.loads(stamp.read_text()) == wanted:
                return out_dir
        except json.JSONDecodeError:
            pass
    generate(n_clients, out_dir, seed=seed, fmt="csv", progress=progress)
    stamp.write_text(json.dumps(wanted))
    return out_dir
