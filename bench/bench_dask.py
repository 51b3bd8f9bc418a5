"""Features and batch scoring on a Dask LocalCluster against the in-memory path, in one run.

1. Synthetic data for ``--clients`` training clients (plus about a sixth as many test
   clients) written by ``synth`` as parquet, one row group per chunk of 20,000 clients
   (reused when ``--data-dir`` already holds it). The in-memory baseline runs on the same
   data, or with ``--memory-clients N`` on other data of ``N`` clients from the same generator
   (issue 15: Dask at 1,000,000 clients against in memory at the real size, 307,511).
2. A quick model trained in memory on ``--model-clients`` other synthetic clients (only
   needed to score; its builder featurizes the big data like any model's).
3. In memory, in a child process (its peak RSS measured alone): load the tables, fit the
   feature builder on the training clients, build the features of all clients and write them
   as parquet; load again and score ``application_test`` into a CSV.
4. On a ``LocalCluster`` of ``--workers`` worker processes (one thread each) with a
   ``--memory-limit`` each: the same two jobs through ``scoring_core.distributed`` (features
   to partitioned parquet, scores to one CSV), with each worker's RSS sampled every 0.5 s;
   the workers must be the same at the end (none killed and restarted).
5. Checks (same data only): the Dask features equal the in-memory ones exactly, the score
   CSVs are byte-equal.
6. With ``--train``: ``train --quick`` in memory (child process) and ``dask_train`` on the
   same cluster: wall time and hold-out AUC of each (on the same data: the same split; with
   ``--memory-clients``: each on the 20% hold-out of its own data).

Reports wall time, peak memory (in-memory process; each worker), clients/s and history
rows/s. Issue 15's target is bounded memory (no worker killed at 4 GiB) at 1,000,000 clients;
the default size here (100,000) finishes in a few minutes on a shared 2-core machine.

    python bench/bench_dask.py [--clients 100000] [--data-dir build/dask-100000]
                               [--memory-clients N] [--workers 2] [--memory-limit 4GiB] [--train]
    python bench/bench_dask.py --clients 1000000 --memory-clients 307511 --train   # issue 15
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import warnings
from pathlib import Path

import pandas as pd
import psutil
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]

IN_MEMORY = textwrap.dedent(
    """
    import json, resource, sys, time, warnings
    warnings.simplefilter("ignore")
    from scoring_core.data import load_dataset
    from scoring_core.features import FeatureBuilder
    from scoring_core.model.artifact import load_model
    data, model_dir, features_out, scores_out = sys.argv[1:5]
    t0 = time.perf_counter()
    ds = load_dataset(data, cache=False, progress=False)
    builder = FeatureBuilder().fit(ds.feature_tables("train"))
    X = builder.transform(ds.feature_tables("all"))
    X.reset_index().to_parquet(features_out, index=False)
    t1 = time.perf_counter()
    del X, ds, builder
    model = load_model(model_dir)
    ds = load_dataset(data, cache=False, progress=False, tables=None)
    scores = model.score_tables(ds.feature_tables("test"))
    scores.to_csv(scores_out, index=False)
    t2 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"features": t1 - t0, "score": t2 - t1, "peak": peak, "scored": len(scores)}))
    """
)


TRAIN_IN_MEMORY = textwrap.dedent(
    """
    import json, resource, sys, time, warnings
    warnings.simplefilter("ignore")
    from scoring_core.data import load_dataset
    from scoring_core.model.training import TrainConfig, train
    t0 = time.perf_counter()
    ds = load_dataset(sys.argv[1], cache=False, progress=False)
    result = train(ds.feature_tables("train"), TrainConfig(quick=True), progress=False)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": time.perf_counter() - t0, "auc": result.metrics["holdout"]["auc"],
                      "oof_auc": result.metrics["oof"]["auc"], "peak": peak}))
    """
)


class WorkerMemory:
    """Samples every worker's RSS every ``interval`` seconds; keeps the peak per worker."""

    def __init__(self, client, interval: float = 0.5, expect=None, on_change=None):
        self.client, self.interval = client, interval
        self.expect, self.on_change = expect, on_change
        self.peak: dict[str, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                rss = self.client.run(lambda: psutil.Process().memory_info().rss)
            except Exception:  # noqa: BLE001 - a worker restarting: sample again
                rss = {}
            for worker, value in rss.items():
                self.peak[worker] = max(self.peak.get(worker, 0), value)
            if self.on_change and self.expect is not None:
                if set(self.client.scheduler_info()["workers"]) != self.expect:
                    self.on_change(self)
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def gib(n: float) -> str:
    return f"{n / 2**30:.2f} GiB"


def ensure_data(data_dir: Path, clients: int) -> dict[str, int]:
    from scoring_core.synth import generate

    stamp = data_dir / "bench.json"
    if stamp.is_file() and json.loads(stamp.read_text()).get("clients") == clients:
        rows = json.loads(stamp.read_text())["rows"]
        print(f"data: reusing {data_dir}")
        return rows
    t0 = time.perf_counter()
    summary = generate(clients, data_dir, seed=0, fmt="parquet", progress=False)
    rows = {t: int(n) for t, n in summary.rows.items()}
    stamp.write_text(json.dumps({"clients": clients, "rows": rows}))
    print(f"data: synth wrote {data_dir} in {time.perf_counter() - t0:.0f}s")
    return rows


def train_model(out: Path, clients: int) -> None:
    from scoring_core.data import load_dataset
    from scoring_core.model.artifact import save_model
    from scoring_core.model.training import TrainConfig, train
    from scoring_core.synth import generate

    small = out.parent / "model-data"
    generate(clients, small, seed=1, fmt="parquet", progress=False)
    ds = load_dataset(small, cache=False, progress=False)
    save_model(train(ds.feature_tables("train"), TrainConfig(quick=True), progress=False).model, out)


def run_dask(args, data_dir: Path, model_dir: Path, work: Path) -> dict:
    from scoring_core.distributed import (
        dask_client,
        dask_features,
        dask_scores,
        fit_dask_builder,
        load_dask_tables,
        write_parquet_dir,
        write_scores,
    )
    from scoring_core.model.artifact import load_model

    out = {}
    with dask_client(
        n_workers=args.workers, threads_per_worker=1, memory_limit=args.memory_limit, processes=True
    ) as client:
        before = set(client.scheduler_info()["workers"])
        with WorkerMemory(client) as memory:
            t0 = time.perf_counter()
            tables = load_dask_tables(data_dir, "all")
            builder = fit_dask_builder(tables)
            write_parquet_dir(dask_features(tables, builder).reset_index(), work / "dask-features.parquet")
            t1 = time.perf_counter()
            model = load_model(model_dir)
            scores = dask_scores(load_dask_tables(data_dir, "auto"), model)
            write_scores(scores, work / "dask-scores.csv")
            t2 = time.perf_counter()
        after = set(client.scheduler_info()["workers"])
        out.update(
            features=t1 - t0,
            score=t2 - t1,
            peak=dict(memory.peak),
            partitions=tables.npartitions,
            same_workers=before == after and len(after) == args.workers,
        )
    return out


def run_dask_train(args, data_dir: Path) -> dict:
    """``dask_train`` (``--quick``) on a fresh cluster of ``--workers`` workers with
    ``--train-memory-limit`` each, as a nightly training job would run; every worker's RSS
    sampled. A worker restarted (killed at its limit) ends the benchmark: LightGBM's other
    workers would wait for it until their network time-out."""
    from scoring_core.distributed import dask_client, dask_train, load_dask_tables
    from scoring_core.model.training import TrainConfig

    limit = args.train_memory_limit or args.memory_limit
    with dask_client(
        n_workers=args.workers, threads_per_worker=1, memory_limit=limit, processes=True
    ) as client:
        before = set(client.scheduler_info()["workers"])

        def restarted(memory):
            print(f"\nDask training: a worker was restarted at its {limit} limit "
                  f"(peaks {', '.join(gib(v) for v in memory.peak.values())}); stopping", flush=True)  # fmt: skip
            os._exit(1)

        with WorkerMemory(client, expect=before, on_change=restarted) as memory:
            t0 = time.perf_counter()
            result = dask_train(load_dask_tables(data_dir, "train"), TrainConfig(quick=True))
            seconds = time.perf_counter() - t0
        same = set(client.scheduler_info()["workers"]) == before
    return {
        "train": seconds,
        "auc": result.metrics["holdout"]["auc"],
        "oof_auc": result.metrics["oof"]["auc"],
        "holdout_clients": len(result.holdout_scores),
        "steps": {k: round(v) for k, v in result.seconds.items()},
        "peak": dict(memory.peak),
        "limit": limit,
        "same_workers": same,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=100_000)
    p.add_argument("--data-dir", type=Path)
    p.add_argument("--memory-clients", type=int, help="in-memory baseline on other data of this size")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--memory-limit", default="4GiB")
    p.add_argument("--model-clients", type=int, default=3000)
    p.add_argument("--train", action="store_true", help="also train (--quick) in memory and on Dask")
    p.add_argument("--train-memory-limit", help="per worker for training (default: --memory-limit)")
    p.add_argument("--train-only", action="store_true", help="only the training comparison")
    args = p.parse_args()
    warnings.simplefilter("ignore")
    data_dir = args.data_dir or ROOT / "build" / f"dask-{args.clients}"
    rows = ensure_data(data_dir, args.clients)
    same = args.memory_clients in (None, args.clients)
    mem_dir = data_dir if same else ROOT / "build" / f"dask-{args.memory_clients}"
    mem_rows = rows if same else ensure_data(mem_dir, args.memory_clients)

    def sizes(rows):
        history = sum(n for t, n in rows.items() if not t.startswith("application"))
        return rows["application_train"] + rows["application_test"], rows["application_test"], history

    n_all, n_test, history_rows = sizes(rows)
    m_all, m_test, m_history = sizes(mem_rows)
    print(f"  Dask: {n_all:,} clients ({n_test:,} to score), {history_rows:,} history rows")
    print(f"  in memory: {m_all:,} clients ({m_test:,} to score), {m_history:,} history rows")

    if not args.train_only:
        with tempfile.TemporaryDirectory(prefix="bench-dask-") as tmp:
            work = Path(tmp)
            t0 = time.perf_counter()
            train_model(work / "model", args.model_clients)
            print(
                f"model: quick model on {args.model_clients:,} other clients in {time.perf_counter() - t0:.0f}s"
            )

            proc = subprocess.run(
                [sys.executable, "-c", IN_MEMORY, str(mem_dir), str(work / "model"),
                 str(work / "mem-features.parquet"), str(work / "mem-scores.csv")],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            if proc.returncode:
                sys.exit(f"in-memory run failed:\n{proc.stderr[-3000:]}")
            mem = json.loads(proc.stdout.strip().splitlines()[-1])
            dsk = run_dask(args, data_dir, work / "model", work)

            if same:
                expected = pd.read_parquet(work / "mem-features.parquet")
                got = pq.read_table(work / "dask-features.parquet").to_pandas()
                for c in expected.columns:  # categories: the same levels, fixed at fit
                    if isinstance(expected[c].dtype, pd.CategoricalDtype):
                        got[c] = got[c].astype(expected[c].dtype)
                pd.testing.assert_frame_equal(got, expected, check_exact=True)
                same_scores = (work / "mem-scores.csv").read_bytes() == (
                    work / "dask-scores.csv"
                ).read_bytes()
            else:  # different data: at least every client scored once, with a probability
                dask_scores = pd.read_csv(work / "dask-scores.csv")
                complete = (
                    len(dask_scores) == n_test
                    and dask_scores["SK_ID_CURR"].is_unique
                    and dask_scores["probability"].between(0, 1).all()
                )

        print()
        print(f"{'':24}{'in memory':>20}{'Dask':>20}")
        print(f"{'clients (to score)':24}{f'{m_all:,} ({m_test:,})':>20}{f'{n_all:,} ({n_test:,})':>20}")
        print(f"{'history rows':24}{m_history:>20,}{history_rows:>20,}")
        print(f"{'features (wall)':24}{mem['features']:>19.1f}s{dsk['features']:>19.1f}s")
        print(f"{'  clients/s':24}{m_all / mem['features']:>20,.0f}{n_all / dsk['features']:>20,.0f}")
        print(
            f"{'  history rows/s':24}{m_history / mem['features']:>20,.0f}"
            f"{history_rows / dsk['features']:>20,.0f}"
        )
        print(f"{'score (wall)':24}{mem['score']:>19.1f}s{dsk['score']:>19.1f}s")
        print(f"{'  clients/s':24}{m_test / mem['score']:>20,.0f}{n_test / dsk['score']:>20,.0f}")
        print(f"{'peak memory':24}{gib(mem['peak']):>20}")
        for i, (_worker, peak) in enumerate(sorted(dsk["peak"].items())):
            print(f"{'  worker ' + str(i + 1):24}{'':>20}{gib(peak):>20}  (limit {args.memory_limit})")
        print(f"application partitions: {dsk['partitions']}; workers {args.workers} x 1 thread")
        print(f"no worker killed or restarted: {dsk['same_workers']}")
        if same:
            print("features identical: True (checked exactly); score CSV byte-identical:", same_scores)
        else:
            print(f"different data (no equality check); Dask scored every test client once: {complete}")
        sys.stdout.flush()
    if not (args.train or args.train_only):
        return

    print("\ntraining (--quick): Dask on a fresh cluster, then in memory", flush=True)
    dtr = run_dask_train(args, data_dir)
    proc = subprocess.run(
        [sys.executable, "-c", TRAIN_IN_MEMORY, str(mem_dir)], capture_output=True, text=True, check=False
    )
    if proc.returncode:
        sys.exit(f"in-memory training failed:\n{proc.stderr[-3000:]}")
    mem_train = json.loads(proc.stdout.strip().splitlines()[-1])
    print(f"{'':24}{'in memory':>20}{'Dask':>20}")
    print(f"{'train --quick (wall)':24}{mem_train['seconds']:>19.1f}s{dtr['train']:>19.1f}s")
    split = "same split" if same else "each on its own data's 20% hold-out"
    print(f"{'  hold-out AUC':24}{mem_train['auc']:>20.4f}{dtr['auc']:>20.4f}  ({split})")
    print(f"{'  out-of-fold AUC':24}{mem_train['oof_auc']:>20.4f}{dtr['oof_auc']:>20.4f}")
    print(f"{'  peak memory':24}{gib(mem_train['peak']):>20}")
    for i, (_worker, peak) in enumerate(sorted(dtr["peak"].items())):
        print(f"{'  worker ' + str(i + 1):24}{'':>20}{gib(peak):>20}  (limit {dtr['limit']})")
    print(f"Dask training steps (s): {dtr['steps']}; hold-out {dtr['holdout_clients']:,} clients")
    print(f"no worker killed or restarted during training: {dtr['same_workers']}")


if __name__ == "__main__":
    main()
