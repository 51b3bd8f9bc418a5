"""Feature build on full-scale data, against merely reading the raw tables, in one run.

Needs a data directory, by default ``build/full`` made by ``bench/bench_synth_scale.py``
(full Kaggle size). Measures, in this order and in this process:

1. reading the raw tables (CSV parsing, validation, dtypes; cache off): the baseline;
2. fitting the feature builder on the training clients and building the features of all
   clients (train + test) from the tables already in memory;
3. the single-client path: building the per-client index once, then one client's features
   from all seven tables, for a few hundred random clients (median / p99);
4. reading the tables again through the parquet cache (what a second load costs).

Targets (issue 2): build <= 3 min, peak memory <= 8 GiB, build <= 4x the raw read,
one client <= 20 ms.

    python bench/bench_features.py [--data-dir build/full] [--clients 300]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import psutil

from scoring_core.data import load_dataset
from scoring_core.features import FeatureBuilder, HistoryStore
from scoring_core.settings import get_settings


class PeakMemory:
    """Samples this process's resident memory every 50 ms."""

    def __init__(self):
        self.peak = 0
        self._stop = threading.Event()
        self._proc = psutil.Process()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            time.sleep(0.05)

    def __enter__(self):
        self.peak = self._proc.memory_info().rss
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=Path("build/full"))
    ap.add_argument("--clients", type=int, default=300, help="clients timed on the single-client path")
    a = ap.parse_args(argv)
    if (
        not (a.data_dir / "application_train.csv").exists()
        and not (a.data_dir / "application_train.parquet").exists()
    ):
        raise SystemExit(
            f"no data in {a.data_dir}: run `python bench/bench_synth_scale.py --out {a.data_dir}` first"
        )
    os.environ["SCORING_CACHE_DIR"] = tempfile.mkdtemp(prefix="bench-cache-")
    get_settings.cache_clear()

    with PeakMemory() as mem:
        t0 = time.perf_counter()
        ds = load_dataset(a.data_dir, cache=False, progress=False)
        t_read = time.perf_counter() - t0
        rss_read = psutil.Process().memory_info().rss
        rows = sum(len(df) for df in ds.tables.values() if df is not None)

        t0 = time.perf_counter()
        builder = FeatureBuilder().fit(ds.feature_tables("train"))
        t_fit = time.perf_counter() - t0
        t0 = time.perf_counter()
        all_tables = ds.feature_tables("all")
        X = builder.transform(all_tables)
        t_build = time.perf_counter() - t0
    peak = max(mem.peak, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    build = t_fit + t_build
    print(f"data: {a.data_dir} ({rows:,} rows in {sum(df is not None for df in ds.tables.values())} tables)")
    print(f"read raw tables (baseline):   {t_read:7.1f} s   (RSS after read {rss_read / 2**30:.2f} GiB)")
    print(f"fit feature builder (train):  {t_fit:7.1f} s")
    print(
        f"build features (all clients): {t_build:7.1f} s   -> {X.shape[0]:,} clients x {X.shape[1]} features"
    )
    print(
        f"feature build (fit + build):  {build:7.1f} s   = {build / t_read:.2f}x the raw read (target <= 4x; "
        f"<= 180 s)"
    )
    print(
        f"read + build:                 {t_read + build:7.1f} s   = {(t_read + build) / t_read:.2f}x the raw read"
    )
    print(f"peak memory (read + build):   {peak / 2**30:7.2f} GiB (target <= 8 GiB)")

    t0 = time.perf_counter()
    store = HistoryStore(all_tables)
    t_store = time.perf_counter() - t0
    rng = np.random.default_rng(0)
    ids = rng.choice(X.index.to_numpy(), size=min(a.clients, len(X)), replace=False)
    times = []
    for cid in ids:
        t0 = time.perf_counter()
        builder.transform(store.client_tables(int(cid)))
        times.append(time.perf_counter() - t0)
    times_ms = np.array(times) * 1000
    same = all(builder.transform(store.client_tables(int(c))).equals(X.loc[[c]]) for c in ids[:20])
    print(f"single-client index built in {t_store:.1f} s")
    print(
        f"one client's features, all tables: median {np.median(times_ms):.2f} ms, p99 "
        f"{np.percentile(times_ms, 99):.2f} ms over {len(ids)} clients (target <= 20 ms); "
        f"equal to the batch rows: {same}"
    )

    t0 = time.perf_counter()
    load_dataset(a.data_dir, cache=True, progress=False)  # writes the cache
    t_write_cache = time.perf_counter() - t0
    t0 = time.perf_counter()
    load_dataset(a.data_dir, cache=True, progress=False)
    t_cached = time.perf_counter() - t0
    print(
        f"read through the parquet cache: first {t_write_cache:.1f} s (fills it), then {t_cached:.1f} s "
        f"= {t_read / t_cached:.1f}x faster than the raw read"
    )


if __name__ == "__main__":
    main()
