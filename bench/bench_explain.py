"""Latency of one client's explanation, what-if and counterfactual with the default model.

Trains a model on synthetic data (``--clients``, default 20,000; ``--model DIR`` to use an
existing one with ``--data-dir``), builds the scoring service once, then times for random
clients: the exact TreeSHAP explanation with top-10 folding and reasons, a what-if
(credit amount x 0.8, features recomputed through the pipeline), and the counterfactual
search for refused clients. Baseline in the same run: the booster's raw contribution call
for one row. Targets (issue 4): explanation <= 10 ms, what-if <= 30 ms, counterfactual <= 1 s.

``--before REV`` also times the explanation (top 10, reasons, JSON) with the package as it was
at git revision ``REV`` (extracted with ``git archive``, run in a subprocess on the same model,
data and clients, with its own booster baseline), e.g. before explanations by concept
(issue 12: still at most 10 ms in-process).

    python bench/bench_explain.py [--clients 20000] [--n 200] [--before b63db1a]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
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


_TIMING = """
import json, sys, time
import numpy as np
from scoring_core.service import ScoringService
model, data, ids = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
service = ScoringService.from_paths(model, data)
service.explain(ids[0]).to_dict()
def timed(fn):
    out = []
    for c in ids:
        t0 = time.perf_counter(); fn(c); out.append((time.perf_counter() - t0) * 1000)
    return out
booster = service.model.estimator
base = timed(lambda c: booster.predict(service.features.loc[[c]], pred_contrib=True))
explain = timed(lambda c: service.explain(c, top=10).to_dict())
print(json.dumps({"base": base, "explain": explain}))
"""


def explain_stages(service, ids) -> dict[str, np.ndarray]:
    """Per client: the exact contributions, then what explanations by concept add (grouping,
    reasons by concept, top-K folding, the JSON with labels)."""
    from scoring_core.explain.reasons import reasons

    out: dict[str, list[float]] = {
        k: []
        for k in ("contributions", "explain() (contributions again + groups)", "reasons", "top 10", "JSON")
    }
    for cid in ids:
        X = service.features.loc[[int(cid)]]
        t0 = time.perf_counter()
        service.explainer.contributions(X)
        t1 = time.perf_counter()
        e = service.explainer.explain(X, client_id=int(cid))
        t2 = time.perf_counter()
        e.reasons = [r.text for r in reasons(e, service.population)]
        t3 = time.perf_counter()
        e = e.top(10)
        t4 = time.perf_counter()
        e.to_dict()
        t5 = time.perf_counter()
        for k, v in zip(out, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True):
            out[k].append(v * 1000)
    return {k: np.array(v) for k, v in out.items()}


def time_at_revision(rev: str, model_dir: Path, data_dir: Path, ids) -> dict[str, np.ndarray]:
    """Explanation latency with the package of git revision ``rev`` (a subprocess)."""
    root = Path(__file__).resolve().parents[1]
    src = Path(tempfile.mkdtemp(prefix=f"bench-explain-{rev}-"))
    archive = subprocess.run(
        ["git", "archive", rev, "scoring_core"], cwd=root, capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(src)], input=archive.stdout, check=True)
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(
        [sys.executable, "-c", _TIMING, str(model_dir), str(data_dir), json.dumps([int(i) for i in ids])],
        env=env,
        cwd=src,
        capture_output=True,
        text=True,
        check=True,
    )
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return {k: np.array(v) for k, v in out.items()}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=20000)
    ap.add_argument("--n", type=int, default=200, help="clients timed")
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--data-dir", type=Path, default=None)
    ap.add_argument(
        "--before", default=None, metavar="REV", help="also time the explanation at git revision REV"
    )
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
    explain_json = timed(lambda c: service.explain(c, top=10).to_dict(), ids)
    whatif = timed(lambda c: service.what_if(c, {"AMT_CREDIT": service.profile(c)["AMT_CREDIT"] * 0.8}), ids)
    refused = service.probabilities[service.probabilities >= model.threshold].index.to_numpy()
    cf_ids = rng.choice(refused, size=min(30, len(refused)), replace=False)
    results = []
    cf = timed(lambda c: results.append(service.counterfactual(c)), cf_ids)
    print("latency per client:")
    show("booster contributions (baseline)", base)
    show("explanation (top 10 + reasons)", explain, 10)
    show("explanation + JSON (concepts, labels)", explain_json, 10)
    show("what-if (credit x 0.8)", whatif, 30)
    show("counterfactual (refused clients)", cf, 1000)
    print(f"  counterfactual found for {sum(r.found for r in results)}/{len(results)} refused clients")
    stages = explain_stages(service, ids)
    print("explanation by stage (median per client; the booster call dominates):")
    for name, ms in stages.items():
        show(name, ms)
    if a.before:
        old = time_at_revision(a.before, model_dir, data_dir, ids)
        print(f"explanation + JSON, before ({a.before}) and now, same model, data and clients:")
        show(f"booster contributions ({a.before} run)", old["base"])
        show(f"explanation + JSON at {a.before}", old["explain"], 10)
        show("booster contributions (this run)", base)
        show("explanation + JSON now", explain_json, 10)
        ratio_old = np.median(old["explain"]) / np.median(old["base"])
        ratio_new = np.median(explain_json) / np.median(base)
        print(
            f"  explanation / booster call: {ratio_old:.2f}x before, {ratio_new:.2f}x now (load-independent)"
        )


if __name__ == "__main__":
    main()
