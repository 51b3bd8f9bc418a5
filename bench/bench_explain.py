"""Latency of one client's explanation, what-if and counterfactual with the default model.

Trains a model on synthetic data (``--clients``, default 20,000; ``--model DIR`` to use an
existing one with ``--data-dir``), builds the scoring service once, then times for random
clients: the exact TreeSHAP explanation with top-10 folding and reasons, a what-if
(credit amount x 0.8, features recomputed through the pipeline), and the counterfactual
search for refused clients. Baseline in the same run: the booster's raw contribution call
for one row. Targets (issue 4): explanation <= 10 ms, what-if <= 30 ms, counterfactual <= 1 s.

    python bench/bench_explain.py [--clients 20000] [--n 200]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from scoring_core.data import load_dataset
from scoring_core.model.artifact import load_model, save_model
from scoring_core.model.training import TrainConfig, train
from scoring_core.service import ScoringService
from scoring_core.synth import generate


def timed(fn, ids) -> np.ndarray:
    out = []
    for cid in ids:
        t0 = time.perf_counter()
        fn(int(cid))
        out.append((time.perf_counter() - t0) * 1000)
    return np.array(out)


def show(name: str, ms: np.ndarray, target: float | None = None) -> None:
    t = f" (target <= {target:g} ms)" if target else ""
    print(f"  {name:34s} median {np.median(ms):8.2f} ms   p99 {np.percentile(ms, 99):8.2f} ms{t}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=20000)
    ap.add_argument("--n", type=int, default=200, help="clients timed")
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--data-dir", type=Path, default=None)
    a = ap.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="bench-explain-"))
    data_dir = a.data_dir or generate(a.clients, tmp / "data", seed=0, progress=False).out_dir
    ds = load_dataset(data_dir, progress=False)
    if a.model is None:
        result = train(ds.feature_tables("train"), TrainConfig(tune=False), progress=False)
        save_model(result.model, tmp / "model")
        model_dir = tmp / "model"
    else:
        model_dir = a.model
    model = load_model(model_dir)
    t0 = time.perf_counter()
    service = ScoringService(model, ds)
    print(
        f"{len(service.client_ids):,} clients, {len(model.feature_names)} features, "
        f"{model.metadata.get('n_estimators')} trees; service built in {time.perf_counter() - t0:.1f} s"
    )
    rng = np.random.default_rng(0)
    ids = rng.choice(service.client_ids, size=min(a.n, len(service.client_ids)), replace=False)
    service.explain(int(ids[0]))  # warm-up
    booster = model.estimator
    base = timed(lambda c: booster.predict(service.features.loc[[c]], pred_contrib=True), ids)
    explain = timed(lambda c: service.explain(c, top=10), ids)
    whatif = timed(lambda c: service.what_if(c, {"AMT_CREDIT": service.profile(c)["AMT_CREDIT"] * 0.8}), ids)
    refused = service.probabilities[service.probabilities >= model.threshold].index.to_numpy()
    cf_ids = rng.choice(refused, size=min(30, len(refused)), replace=False)
    results = []
    cf = timed(lambda c: results.append(service.counterfactual(c)), cf_ids)
    print("latency per client:")
    show("booster contributions (baseline)", base)
    show("explanation (top 10 + reasons)", explain, 10)
    show("what-if (credit x 0.8)", whatif, 30)
    show("counterfactual (refused clients)", cf, 1000)
    print(f"  counterfactual found for {sum(r.found for r in results)}/{len(results)} refused clients")


if __name__ == "__main__":
    main()
