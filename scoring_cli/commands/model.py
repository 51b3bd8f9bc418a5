"""Commands about models: ``train``, ``retrain``, ``rollback`` and ``report``."""

from __future__ import annotations

import sys
import time

from scoring_core.errors import ScoringError

__all__ = ["cmd_train", "cmd_retrain", "cmd_rollback", "cmd_report", "train_config"]


def _parse_monotone(items: list[str]) -> dict[str, int]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or value.strip() not in ("+1", "1", "-1", "0"):
            raise ScoringError(f"--monotone {item!r}: expected FEATURE=+1, FEATURE=-1 or FEATURE=0")
        out[name.strip()] = int(value)
    return out


def train_config(args):
    """The :class:`TrainConfig` of ``train`` and ``retrain`` (options a command lacks keep their default)."""
    from scoring_core.model.training import TrainConfig

    kw = dict(
        strategy=args.strategy,
        c_fn=args.c_fn,
        c_fp=args.c_fp,
        seed=args.seed,
        tune=not args.no_tune,
        tune_budget=args.tune_budget,
        quick=args.quick,
    )
    for name in ("folds", "holdout"):
        if hasattr(args, name):
            kw[name] = getattr(args, name)
    if getattr(args, "monotone", None):
        kw["monotone"] = _parse_monotone(args.monotone) or None
    if getattr(args, "tables", None):
        kw["tables"] = args.tables.split(",")
    for name in ("calibration", "grades"):
        if getattr(args, name, None) is not None:
            kw[name] = getattr(args, name)
    return TrainConfig(**kw)


def cmd_train(args) -> int:
    """``train``: train, save and log through :func:`scoring_core.model.workflow.train_and_save`."""
    from scoring_core.data import load_dataset
    from scoring_core.model.workflow import train_and_save

    config = train_config(args)
    start = time.perf_counter()
    if getattr(args, "dask", None) is not None:
        from . import on_dask

        run = on_dask.train_run(args, config)
    else:
        ds = load_dataset(
            args.data_dir, require_train=True, cache=False if args.no_cache else None, progress=not args.quiet
        )
        run = train_and_save(
            ds,
            args.out,
            config,
            log_mlflow=not args.no_mlflow,
            experiment=args.experiment,
            progress=not args.quiet,
        )
    result = run.result
    m = result.metrics
    at = m["holdout"]["at_threshold"]
    print(
        f"model written to {args.out} (version {result.model.version}) in {time.perf_counter() - start:.0f}s"
    )
    print(
        f"  clients: {result.model.metadata['training']['clients']:,} "
        f"(default rate {result.model.metadata['training']['default_rate']:.2%}), "
        f"{len(result.model.feature_names)} features, {result.model.metadata['n_estimators']} trees"
    )
    print(
        f"  out-of-fold AUC {m['oof']['auc']:.4f}; cost per client at the threshold {m['oof']['cost_at_threshold']:.4f}"
    )
    print(
        f"  threshold {result.model.threshold:.4f} (minimum cost with c_fn={config.c_fn:g}, c_fp={config.c_fp:g})"
    )
    print(
        f"  hold-out: AUC {m['holdout']['auc']:.4f}, cost {at['cost']:.4f}, approval rate {at['approval_rate']:.1%}, "
        f"Brier {m['holdout']['brier']:.4f}; confusion TN {at['tn']} FP {at['fp']} FN {at['fn']} TP {at['tp']}"
    )
    cal = m["calibration"]
    print(
        f"  calibration ({cal['method']}, fitted on out-of-fold predictions), hold-out: "
        f"Brier {cal['holdout_brier_before']:.4f} -> {cal['holdout_brier_after']:.4f}, "
        f"ECE {cal['holdout_ece_before']:.4f} -> {cal['holdout_ece_after']:.4f} "
        f"(a perfectly calibrated model would measure about {cal['holdout_ece_noise_floor']:.4f} "
        f"on {cal['holdout_clients']:,} clients)"
    )
    print(
        "  hold-out default rate by grade: "
        + ", ".join(
            f"{g['grade']} {g['default_rate']:.1%} ({g['clients']})"
            if g["clients"]
            else f"{g['grade']} - (0)"
            for g in m["grades"]
        )
    )
    print(f"  tables: {', '.join(result.model.metadata['tables'])}")
    _print_mlflow(run.mlflow)
    return 0


def _print_mlflow(info: dict | None) -> None:
    """The MLflow line of ``train``: the run and the registered version, or why there is none."""
    if info is None:
        return
    if info.get("unavailable"):
        print(f"warning: {info['error']}", file=sys.stderr)
    elif "error" in info:
        print(f"warning: MLflow logging failed ({info['error']}); the model is saved", file=sys.stderr)
    else:
        print(
            f"  MLflow run {info['run_id']} in {info['tracking_uri']}"
            + (
                f", registered as {info['registered_model']} v{info['model_version']}"
                if info["model_version"]
                else ""
            )
        )


def cmd_retrain(args) -> int:
    """``retrain``: a challenger promoted over the champion only if not worse."""
    from scoring_core.data import load_dataset
    from scoring_core.model.retraining import retrain

    config = train_config(args)
    start = time.perf_counter()
    ds = load_dataset(
        args.data_dir, require_train=True, cache=False if args.no_cache else None, progress=not args.quiet
    )
    result = retrain(
        ds,
        args.model,
        config=config,
        tolerance_auc=args.tolerance_auc,
        tolerance_cost=args.tolerance_cost,
        min_auc=args.min_auc,
        dry_run=args.dry_run,
        keep_archived=args.keep_archived,
        log_mlflow=not args.no_mlflow,
        experiment=args.experiment,
        progress=not args.quiet,
    )
    print(result.summary())
    elapsed = f"{time.perf_counter() - start:.0f}s"
    if result.dry_run:
        print(
            f"DRY RUN ({elapsed}): nothing changed; {args.model} still holds {result.champion_version or 'no model'}"
        )
    elif result.promoted:
        print(
            f"PROMOTED ({elapsed}): {args.model} now holds {result.challenger_version}"
            + (
                f"; the previous champion {result.champion_version} is in {result.previous_dir}"
                if result.champion
                else ""
            )
            + " (a running API picks it up with POST /model/reload)"
        )
    else:
        print(
            f"KEPT THE CHAMPION ({elapsed}): {args.model} unchanged"
            + (f" ({result.champion_version})" if result.champion else " (no model)")
        )
    if result.mlflow and "run_id" in result.mlflow:
        print(f"  MLflow run {result.mlflow['run_id']} in {result.mlflow['tracking_uri']}")
    elif result.mlflow and result.mlflow.get("unavailable"):
        print(f"warning: {result.mlflow['error']}", file=sys.stderr)
    elif result.mlflow:
        print(f"warning: MLflow logging failed ({result.mlflow['error']})", file=sys.stderr)
    return 1 if args.fail_if_kept and not result.promoted else 0


def cmd_rollback(args) -> int:
    """``rollback``: the previous champion back in place."""
    from scoring_core.model.store import rollback

    r = rollback(args.model, log_mlflow=not args.no_mlflow)
    print(
        f"rolled back {r.champion_dir}: {r.restored_version} restored; {r.replaced_version or 'nothing'} moved to "
        f"{r.previous_dir} (rollback again to undo; a running API picks it up with POST /model/reload)"
    )
    return 0


def cmd_report(args) -> int:
    """``report``: the methodology note of a model (needs the ``reports`` extra)."""
    try:
        from scoring_reports.methodology import render_methodology
    except ImportError as exc:
        raise ScoringError(
            "the methodology note needs the reports extra: pip install 'pret-a-depenser-scoring[reports]' "
            f"({exc.name} missing)"
        ) from None
    start = time.perf_counter()
    render_methodology(
        args.model,
        args.data_dir,
        args.out,
        parameters={"example_client": args.client} if args.client else None,
        keep_notebook=args.notebook,
        progress=not args.quiet,
    )
    print(f"wrote the methodology note {args.out} in {time.perf_counter() - start:.0f}s")
    return 0
