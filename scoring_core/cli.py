"""Command line: ``python -m scoring_core COMMAND`` (also installed as ``scoring``).

Exit codes: 0 success, 2 bad input (one line on stderr, no traceback), 130 interrupted.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import warnings
from pathlib import Path

from . import __version__
from .errors import MissingTableError, ScoringError

__all__ = ["main", "build_parser"]

log = logging.getLogger("scoring_core")


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error message and exit code 2."""

    def error(self, message: str):  # noqa: D401 - argparse API
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {v}")
    return v


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def _seed(text: str) -> int:
    v = _int(text)
    if not 0 <= v < 2**32:
        raise argparse.ArgumentTypeError(f"expected a seed between 0 and {2**32 - 1}, got {v}")
    return v


def _port(text: str) -> int:
    v = _int(text)
    if not 1 <= v <= 65535:
        raise argparse.ArgumentTypeError(f"expected a TCP port between 1 and 65535, got {v}")
    return v


_ALLOW_MISSING_HELP = (
    "score even if the data lacks a table the model was trained with (every client then reads as "
    "having no history there); the output names the missing tables"
)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="scoring", description="Credit-scoring toolkit for the Home Credit data layout.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    common.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    s = sub.add_parser("synth", parents=[common], help="generate synthetic data in the Kaggle layout")
    s.add_argument("--clients", type=_positive_int, required=True, help="number of training clients")
    s.add_argument("--seed", type=_seed, default=0, help="random seed (same seed, same bytes)")
    s.add_argument("--out", type=Path, required=True, help="output directory")
    s.add_argument("--format", choices=("csv", "parquet"), default="csv", help="file format (default csv)")
    s.set_defaults(func=_cmd_synth)

    f = sub.add_parser("features", parents=[common], help="build the feature table (one row per SK_ID_CURR)")
    f.add_argument("--data-dir", type=Path, required=True, help="directory of Kaggle-layout tables")
    f.add_argument("--out", type=Path, required=True, help="output parquet file")
    f.add_argument("--no-cache", action="store_true", help="do not use the parquet cache of loaded tables")
    f.set_defaults(func=_cmd_features)

    t = sub.add_parser("train", parents=[common], help="train a model and write its artifact")
    t.add_argument(
        "--data-dir", type=Path, required=True, help="directory with application_train and history"
    )
    t.add_argument("--out", type=Path, required=True, help="model directory (replaced atomically)")
    t.add_argument(
        "--quick", action="store_true", help="fast training for demos and tests (no tuning, 3 folds)"
    )
    t.add_argument(
        "--strategy",
        default="none",
        help="imbalance strategy: none, class_weight:R, class_weight:balanced, undersample, oversample",
    )
    t.add_argument("--folds", type=_positive_int, default=5, help="cross-validation folds (default 5)")
    t.add_argument("--holdout", type=float, default=0.2, help="share of clients held out for evaluation")
    t.add_argument("--c-fn", type=float, default=10.0, help="cost of a missed defaulter (default 10)")
    t.add_argument("--c-fp", type=float, default=1.0, help="cost of a refused good client (default 1)")
    t.add_argument("--seed", type=_seed, default=0)
    t.add_argument(
        "--tune-budget", type=float, default=300.0, help="seconds for LightGBM tuning (default 300)"
    )
    t.add_argument("--no-tune", action="store_true", help="default LightGBM parameters, no search")
    t.add_argument(
        "--monotone",
        action="append",
        default=[],
        metavar="FEATURE=+1|-1",
        help="monotone constraint on a feature (repeatable), e.g. EXT_SOURCES_MEAN=-1",
    )
    t.add_argument(
        "--tables",
        help="train on these tables only (comma-separated, e.g. application,bureau): the ones the "
        "lender will have at decision time (default: every table present)",
    )
    t.add_argument(
        "--calibration",
        choices=("sigmoid", "isotonic", "none"),
        default="sigmoid",
        help="probability calibration fitted on out-of-fold predictions (default sigmoid)",
    )
    t.add_argument(
        "--grades", type=_positive_int, default=7, help="risk grades of the master scale (default 7)"
    )
    t.add_argument("--no-mlflow", action="store_true", help="do not log the run to MLflow")
    t.add_argument("--experiment", default="credit-scoring", help="MLflow experiment name")
    t.add_argument("--no-cache", action="store_true", help="do not use the parquet cache of loaded tables")
    t.set_defaults(func=_cmd_train)

    sc = sub.add_parser("score", parents=[common], help="score every client of application_test")
    sc.add_argument("--model", type=Path, required=True, help="model directory")
    sc.add_argument("--data-dir", type=Path, required=True, help="directory of Kaggle-layout tables")
    sc.add_argument(
        "--out", type=Path, required=True, help="output CSV: SK_ID_CURR,probability,decision,grade"
    )
    sc.add_argument("--no-cache", action="store_true", help="do not use the parquet cache of loaded tables")
    sc.add_argument("--allow-missing-tables", action="store_true", help=_ALLOW_MISSING_HELP)
    sc.set_defaults(func=_cmd_score)

    e = sub.add_parser("explain", parents=[common], help="explain one client's score")
    e.add_argument("--model", type=Path, required=True, help="model directory")
    e.add_argument("--data-dir", type=Path, required=True, help="directory of Kaggle-layout tables")
    e.add_argument("--client", type=_int, required=True, help="SK_ID_CURR of the client")
    e.add_argument("--top", type=_positive_int, default=10, help="contributions listed (the rest folded)")
    e.add_argument("--lang", choices=("en", "fr"), default="en", help="language of the reasons")
    e.add_argument("--json", action="store_true", help="print the JSON of the contract")
    e.add_argument("--allow-missing-tables", action="store_true", help=_ALLOW_MISSING_HELP)
    e.set_defaults(func=_cmd_explain)

    sm = sub.add_parser("summary", parents=[common], help="write a client's decision summary (HTML or PDF)")
    sm.add_argument("--model", type=Path, required=True, help="model directory")
    sm.add_argument("--data-dir", type=Path, required=True, help="directory of Kaggle-layout tables")
    sm.add_argument("--client", type=_int, required=True, help="SK_ID_CURR of the client")
    sm.add_argument("--lang", choices=("en", "fr"), default="en", help="language of the page")
    sm.add_argument(
        "--out", type=Path, required=True, help="output file: .html, or .pdf (printed by the system Chromium)"
    )
    sm.set_defaults(func=_cmd_summary)

    sv = sub.add_parser("serve", parents=[common], help="run the scoring API (needs SCORING_API_KEY)")
    sv.add_argument("--model", type=Path, required=True, help="model directory")
    sv.add_argument("--data-dir", type=Path, required=True, help="directory of Kaggle-layout tables")
    sv.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sv.add_argument("--port", type=_port, default=8000, help="port (default 8000)")
    sv.add_argument(
        "--workers",
        type=_positive_int,
        default=None,
        help="server processes, each with the model loaded once (default: SCORING_API_WORKERS, "
        "else the number of CPU cores)",
    )
    sv.add_argument(
        "--no-auth",
        action="store_true",
        help="run WITHOUT authentication (local experiments only; refused by default)",
    )
    sv.set_defaults(func=_cmd_serve)

    dr = sub.add_parser("drift", parents=[common], help="compare new clients with the reference (data drift)")
    dr.add_argument("--reference", type=Path, required=True, help="reference data directory (training data)")
    dr.add_argument("--current", type=Path, required=True, help="current data directory (new clients)")
    dr.add_argument("--out", type=Path, help="write a self-contained HTML report (.html)")
    dr.add_argument("--json", type=Path, help="write the JSON report to this file")
    dr.add_argument("--model", type=Path, help="model directory: its features, importance ranking and score")
    dr.add_argument(
        "--top",
        type=_positive_int,
        default=30,
        help="engineered features compared, most important first (default 30; all without --model)",
    )
    dr.add_argument(
        "--reference-table",
        choices=("auto", "train", "test"),
        default="auto",
        help="application table of the reference (auto: train, else test)",
    )
    dr.add_argument(
        "--current-table",
        choices=("auto", "train", "test"),
        default="auto",
        help="application table of the current data (auto: test, else train)",
    )
    dr.add_argument("--no-cache", action="store_true", help="do not use the parquet cache of loaded tables")
    dr.add_argument("--allow-missing-tables", action="store_true", help=_ALLOW_MISSING_HELP)
    dr.set_defaults(func=_cmd_drift)

    rt = sub.add_parser(
        "retrain",
        parents=[common],
        help="train a challenger and promote it only if not worse (champion/challenger)",
    )
    rt.add_argument("--data-dir", type=Path, required=True, help="new data with application_train")
    rt.add_argument(
        "--model",
        type=Path,
        required=True,
        help="production model directory (the champion), e.g. models/current",
    )
    rt.add_argument(
        "--quick", action="store_true", help="fast training for demos and tests (no tuning, 3 folds)"
    )
    rt.add_argument(
        "--tolerance-auc", type=float, default=0.005, help="largest AUC drop accepted (default 0.005)"
    )
    rt.add_argument(
        "--tolerance-cost",
        type=float,
        default=0.01,
        help="largest cost-per-client increase accepted (default 0.01)",
    )
    rt.add_argument("--min-auc", type=float, default=0.6, help="AUC floor of the challenger (default 0.6)")
    rt.add_argument("--dry-run", action="store_true", help="train, check and compare; change nothing")
    rt.add_argument(
        "--fail-if-kept", action="store_true", help="exit code 1 when the champion is kept (for automation)"
    )
    rt.add_argument("--strategy", default="none", help="imbalance strategy of the challenger (as for train)")
    rt.add_argument("--c-fn", type=float, default=10.0, help="cost of a missed defaulter (default 10)")
    rt.add_argument("--c-fp", type=float, default=1.0, help="cost of a refused good client (default 1)")
    rt.add_argument("--seed", type=_seed, default=0)
    rt.add_argument(
        "--tune-budget", type=float, default=300.0, help="seconds for LightGBM tuning (default 300)"
    )
    rt.add_argument("--no-tune", action="store_true", help="default LightGBM parameters, no search")
    rt.add_argument(
        "--keep-archived", type=_int, default=5, help="older champions kept in MODEL.archive/ (default 5)"
    )
    rt.add_argument("--no-mlflow", action="store_true", help="do not log the run to MLflow")
    rt.add_argument("--experiment", default="credit-scoring", help="MLflow experiment name")
    rt.add_argument("--no-cache", action="store_true", help="do not use the parquet cache of loaded tables")
    rt.set_defaults(func=_cmd_retrain)

    rb = sub.add_parser("rollback", parents=[common], help="put the previous champion back (MODEL.previous)")
    rb.add_argument(
        "--model", type=Path, required=True, help="production model directory, e.g. models/current"
    )
    rb.add_argument("--no-mlflow", action="store_true", help="do not move the MLflow 'champion' alias")
    rb.set_defaults(func=_cmd_rollback)

    rp = sub.add_parser("report", parents=[common], help="write the methodology note of a model (HTML)")
    rp.add_argument("--model", type=Path, required=True, help="model directory")
    rp.add_argument(
        "--data-dir", type=Path, required=True, help="the model's training data (application_train)"
    )
    rp.add_argument("--out", type=Path, required=True, help="output HTML file (written atomically)")
    rp.add_argument("--client", type=_int, default=0, help="SK_ID_CURR of the local explanation example")
    rp.add_argument("--notebook", type=Path, help="also keep the executed notebook (.ipynb) there")
    rp.set_defaults(func=_cmd_report)
    return p


def _cmd_serve(args) -> int:
    try:
        from scoring_api.server import serve
    except ImportError as exc:
        raise ScoringError(f"the API needs its extra: pip install -e '.[api]' ({exc.name} missing)") from None
    if args.no_auth:
        print("warning: running WITHOUT authentication", file=sys.stderr)
    serve(
        args.model,
        args.data_dir,
        host=args.host,
        port=args.port,
        workers=args.workers,
        no_auth=args.no_auth,
        quiet=args.quiet,
    )
    return 0


def _cmd_explain(args) -> int:
    import json

    from .data import load_dataset
    from .model.artifact import load_model
    from .service import ScoringService

    model = load_model(args.model)
    ds = load_dataset(args.data_dir, progress=not args.quiet)
    service = ScoringService(model, ds, allow_missing_tables=args.allow_missing_tables)
    _warn_missing_tables(service.missing_tables)
    e = service.explain(args.client, top=args.top, lang=args.lang)
    grade = model.grade([e.probability])[0]
    if args.json:
        # the shap values add up (with base_value) to the model's own log-odds, before calibration
        out = e.to_dict() | {"grade": grade, "raw_score": e.raw_score}
        if service.missing_tables:
            out["missing_tables"] = service.missing_tables
        print(json.dumps(out, indent=1, ensure_ascii=False))
        return 0
    print(
        f"client {e.client_id}: P(default) {e.probability:.3f}"
        + (f" (grade {grade})" if grade else "")
        + f", threshold {e.threshold:.3f} -> {e.decision}"
    )
    print(f"base value {e.base_value:+.3f} (log-odds), model log-odds {e.raw_score:+.3f}")
    for c in e.contributions:
        print(f"  {c.shap:+.3f}  {c.points * 100:+6.2f} pts  {c.feature} = {c.value}")
    from .explain.concepts import concept_label

    print("by concept:")
    for g in e.groups:
        print(f"  {g.shap:+.3f}  {g.points * 100:+6.2f} pts  {concept_label(g.group, args.lang)}")
    print("reasons:")
    for r in e.reasons:
        print(f"  - {r}")
    return 0


def _warn_missing_tables(missing: list[str]) -> None:
    if missing:
        print(
            f"warning: data WITHOUT table(s) {', '.join(missing)} that the model was trained with: "
            "every client reads as having no history there",
            file=sys.stderr,
        )


def _cmd_summary(args) -> int:
    try:
        from scoring_reports.summary import write_summary
    except ImportError as exc:
        raise ScoringError(f"the summary needs the scoring_reports package ({exc.name} missing)") from None
    from .data import load_dataset
    from .model.artifact import load_model
    from .service import ScoringService

    if args.out.suffix.lower() not in (".html", ".htm", ".pdf"):
        raise ScoringError(f"--out must end in .html or .pdf, got {args.out.name!r}")
    service = ScoringService(load_model(args.model), load_dataset(args.data_dir, progress=not args.quiet))
    out = write_summary(service, args.client, args.out, lang=args.lang)
    print(f"wrote the summary of client {args.client} to {out}")
    return 0


def _parse_monotone(items: list[str]) -> dict[str, int]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or value.strip() not in ("+1", "1", "-1", "0"):
            raise ScoringError(f"--monotone {item!r}: expected FEATURE=+1, FEATURE=-1 or FEATURE=0")
        out[name.strip()] = int(value)
    return out


def _train_config(args):
    """The :class:`TrainConfig` of ``train`` and ``retrain`` (options a command lacks keep their default)."""
    from .model.training import TrainConfig

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


def _cmd_train(args) -> int:
    from .data import load_dataset
    from .model.artifact import save_model
    from .model.evaluation import evaluation_files
    from .model.training import train

    config = _train_config(args)
    start = time.perf_counter()
    ds = load_dataset(
        args.data_dir, require_train=True, cache=False if args.no_cache else None, progress=not args.quiet
    )
    try:
        result = train(ds.feature_tables("train"), config, progress=not args.quiet)
    except ValueError as exc:  # e.g. an unknown feature in --monotone
        raise ScoringError(str(exc)) from None
    save_model(result.model, args.out, extra_files=evaluation_files(result))
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
        f"ECE {cal['holdout_ece_before']:.4f} -> {cal['holdout_ece_after']:.4f}"
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
    if not args.no_mlflow:
        from .tracking import log_training

        try:
            info = log_training(result, args.out, experiment=args.experiment)
        except Exception as exc:  # tracking must not lose a trained model
            print(
                f"warning: MLflow logging failed ({type(exc).__name__}: {exc}); the model is saved",
                file=sys.stderr,
            )
        else:
            print(
                f"  MLflow run {info['run_id']} in {info['tracking_uri']}"
                + (
                    f", registered as {info['registered_model']} v{info['model_version']}"
                    if info["model_version"]
                    else ""
                )
            )
    return 0


def _cmd_score(args) -> int:
    from .data import load_dataset
    from .io import atomic_path
    from .model.artifact import load_model
    from .model.tables import check_tables

    if args.out.suffix != ".csv":
        raise ScoringError(f"--out must be a .csv file, got {args.out}")
    model = load_model(args.model)
    ds = load_dataset(args.data_dir, cache=False if args.no_cache else None, progress=not args.quiet)
    which = "test" if ds.test is not None else "train"
    if len(ds.tables[f"application_{which}"]) == 0:
        raise ScoringError(f"table application_{which} in {args.data_dir} has no rows: no clients to score")
    tables = ds.feature_tables(which)
    missing = check_tables(model, tables, allow_missing=args.allow_missing_tables)
    _warn_missing_tables(missing)
    scores = model.score_tables(tables)
    with atomic_path(args.out, suffix=".csv") as tmp:
        scores.to_csv(tmp, index=False)
    refused = (scores["decision"] == "refuse").mean()
    print(
        f"scored {len(scores):,} clients of application_{which} with model {model.version}: "
        f"{refused:.1%} refused at threshold {model.threshold:.4f}; wrote {args.out}"
        + (f"; missing tables: {', '.join(missing)}" if missing else "")
    )
    return 0


def _cmd_synth(args) -> int:
    from .synth import generate

    start = time.perf_counter()
    summary = generate(args.clients, args.out, seed=args.seed, fmt=args.format, progress=not args.quiet)
    rows = ", ".join(f"{t} {n:,}" for t, n in summary.rows.items())
    print(
        f"wrote {args.out} in {time.perf_counter() - start:.1f}s: {rows}; default rate {summary.default_rate:.2%}"
    )
    return 0


def _cmd_features(args) -> int:
    from .data import load_dataset
    from .features import FeatureBuilder
    from .io import atomic_path

    if args.out.suffix != ".parquet":
        raise ScoringError(f"--out must be a .parquet file, got {args.out}")
    start = time.perf_counter()
    ds = load_dataset(args.data_dir, cache=False if args.no_cache else None, progress=not args.quiet)
    tables = ds.feature_tables("all")
    fit_on = ds.feature_tables("train") if ds.train is not None else tables
    builder = FeatureBuilder().fit(fit_on)
    feats = builder.transform(tables)
    apps = tables["application"]
    feats.insert(0, "TARGET", apps["TARGET"].to_numpy() if "TARGET" in apps else None)
    feats = feats.reset_index()
    with atomic_path(args.out, suffix=".parquet") as tmp:
        feats.to_parquet(tmp, index=False)
    print(
        f"wrote {args.out}: {len(feats):,} clients x {feats.shape[1] - 2} features "
        f"in {time.perf_counter() - start:.1f}s"
    )
    return 0


def _cmd_drift(args) -> int:
    from .drift import DRIFT, WATCH, drift_from_dirs
    from .io import atomic_write_text

    if args.out is not None and args.out.suffix != ".html":
        raise ScoringError(f"--out must be an .html file, got {args.out}")
    if args.out is not None:
        try:
            from scoring_reports import render_drift_html
        except ImportError as exc:
            raise ScoringError(f"the HTML report needs plotly ({exc.name} missing)") from None
    missing = []
    if args.model is not None:
        from .model.artifact import load_model
        from .model.tables import missing_table_files

        trained = load_model(args.model).builder.history_tables_
        for role, data_dir in (("reference", args.reference), ("current", args.current)):
            lacking = missing_table_files(data_dir, trained)
            if lacking and not args.allow_missing_tables:
                raise MissingTableError(
                    f"{role} data {data_dir} lacks table(s) {', '.join(lacking)} that the model was trained "
                    "with (pass --allow-missing-tables to compare anyway)"
                )
            missing += [f"{t} ({role})" for t in lacking]
        _warn_missing_tables(missing)
    start = time.perf_counter()
    report = drift_from_dirs(
        args.reference,
        args.current,
        args.model,
        top=args.top,
        reference_table=args.reference_table,
        current_table=args.current_table,
        cache=False if args.no_cache else None,
        progress=not args.quiet,
    )
    if args.json is not None:
        atomic_write_text(args.json, report.to_json())
    if args.out is not None:
        render_drift_html(report, args.out)
    print(
        ("DATASET DRIFT" if report.dataset_drift else "no dataset drift")
        + f" ({time.perf_counter() - start:.1f}s)"
    )
    print(f"  {report.verdict_text}")
    print(f"  reference {report.reference}; current {report.current}")
    if missing:
        print(f"  missing tables: {', '.join(missing)}")
    flagged = report.by_status(DRIFT) or report.by_status(WATCH)
    if flagged:
        shown = ", ".join(f"{f.name} {f.psi:.2f}" for f in flagged[:8])
        more = f" and {len(flagged) - 8} more" if len(flagged) > 8 else ""
        print(f"  {'drifted' if flagged[0].status == DRIFT else 'to watch'} (PSI): {shown}{more}")
    if report.score is not None:
        print(f"  score: {report.score.status}, PSI {report.score.psi:.3f}")
    for what, path in (("JSON", args.json), ("HTML report", args.out)):
        if path is not None:
            print(f"  wrote {what} {path}")
    return 0


def _cmd_retrain(args) -> int:
    from .data import load_dataset
    from .model.registry import retrain

    config = _train_config(args)
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
    elif result.mlflow:
        print(f"warning: MLflow logging failed ({result.mlflow['error']})", file=sys.stderr)
    return 1 if args.fail_if_kept and not result.promoted else 0


def _cmd_rollback(args) -> int:
    from .model.store import rollback

    r = rollback(args.model, log_mlflow=not args.no_mlflow)
    print(
        f"rolled back {r.champion_dir}: {r.restored_version} restored; {r.replaced_version or 'nothing'} moved to "
        f"{r.previous_dir} (rollback again to undo; a running API picks it up with POST /model/reload)"
    )
    return 0


def _cmd_report(args) -> int:
    try:
        from scoring_reports.methodology import render_methodology
    except ImportError as exc:
        raise ScoringError(
            f"the methodology note needs the scoring_reports package ({exc.name} missing)"
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


def _show_warning(message, category, filename, lineno, file=None, line=None):
    print(f"warning: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if args.quiet:
        os.environ["SCORING_NO_PROGRESS"] = "1"
    warnings.showwarning = _show_warning
    try:
        return args.func(args)
    except ScoringError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OSError, MemoryError) as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
