"""Concept coverage: how much of a client's explanation the top concepts carry.

On the demo model (synthetic clients, ``train --quick``; or ``--model``/``--data-dir``), for
``--n`` clients: the share of the total absolute contribution carried by the top-5 concepts
(:mod:`scoring_core.explain.concepts`), against today's feature-level view, the share of the
top-10 features (the rest was the "other features" bar). Medians and deciles over clients.

Two denominators for the concepts: the sum of the concepts' absolute contributions (what the
waterfall draws) and, stricter, the sum of the features' absolute contributions (a concept
whose features pull both ways counts only its net). Target (issue 12): top-5 concepts >= 85%
for the median client.

    python bench/bench_concepts.py [--clients 20000] [--n 1000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from scoring_core.data import load_dataset
from scoring_core.explain.concepts import CONCEPTS, concept_index
from scoring_core.model.artifact import load_model
from scoring_core.service import ScoringService


def top_share(a: np.ndarray, k: int, denominator: np.ndarray | None = None) -> np.ndarray:
    """Per row: sum of the ``k`` largest absolute values over the row's total (or ``denominator``)."""
    a = np.abs(a)
    top = -np.sort(-a, axis=1)[:, :k].sum(axis=1)
    den = a.sum(axis=1) if denominator is None else denominator
    return top / np.where(den > 0, den, 1.0)


def demo_model(clients: int, tmp: Path) -> tuple[Path, Path]:
    data, model = tmp / "data", tmp / "model"
    run = [sys.executable, "-m", "scoring_core"]
    subprocess.run(
        [*run, "synth", "--clients", str(clients), "--seed", "0", "--out", str(data), "-q"], check=True
    )
    subprocess.run(
        [*run, "train", "--data-dir", str(data), "--out", str(model), "--quick", "--no-mlflow", "-q"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return model, data


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=20000, help="synthetic training clients of the demo model")
    ap.add_argument("--n", type=int, default=1000, help="clients measured")
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--data-dir", type=Path, default=None)
    a = ap.parse_args(argv)
    if a.model is None:
        model_dir, data_dir = demo_model(a.clients, Path(tempfile.mkdtemp(prefix="bench-concepts-")))
    else:
        model_dir, data_dir = a.model, a.data_dir
    service = ScoringService(load_model(model_dir), load_dataset(data_dir, progress=False))
    rng = np.random.default_rng(0)
    ids = rng.choice(service.client_ids, size=min(a.n, len(service.client_ids)), replace=False)
    X = service.features.loc[ids]
    t0 = time.perf_counter()
    contrib, _ = service.explainer.contributions(X)
    idx = concept_index(list(X.columns))
    onehot = np.zeros((contrib.shape[1], len(CONCEPTS)))
    onehot[np.arange(contrib.shape[1]), idx] = 1.0
    groups = contrib @ onehot
    elapsed = time.perf_counter() - t0
    feat_abs = np.abs(contrib).sum(axis=1)
    c5 = top_share(groups, 5)
    c5_strict = top_share(groups, 5, feat_abs)
    f10 = top_share(contrib, 10)
    f5 = top_share(contrib, 5)
    nonzero = (contrib != 0).sum(axis=1)
    print(
        f"{len(ids):,} clients, {contrib.shape[1]} features ({np.median(nonzero):.0f} non-zero for the median "
        f"client), {len(CONCEPTS)} concepts; contributions in {elapsed:.2f} s"
    )
    print("share of the total absolute contribution (median client [10th-90th percentile]):")
    for name, v in (
        ("top-5 concepts (of the concepts' total)", c5),
        ("top-5 concepts (of the features' total)", c5_strict),
        ("top-10 features, baseline (today's view)", f10),
        ("top-5 features", f5),
    ):
        print(f"  {name:44s} {np.median(v):6.1%}  [{np.percentile(v, 10):.1%} - {np.percentile(v, 90):.1%}]")
    print(
        f"  target: top-5 concepts >= 85% for the median client -> {'met' if np.median(c5) >= 0.85 else 'NOT met'}"
    )
    largest = np.abs(groups).argmax(axis=1)
    counts = np.bincount(largest, minlength=len(CONCEPTS))
    print("concept weighing most, share of clients:")
    for j in np.argsort(-counts):
        print(f"  {CONCEPTS[j].en:44s} {counts[j] / len(ids):6.1%}")


if __name__ == "__main__":
    main()
