"""The argument parser of the command line (``python -m scoring_core COMMAND``, or ``scoring``).

Each sub-command's ``func`` is a ``cmd_*`` function of :mod:`scoring_cli.commands`, taking the
parsed arguments and returning the exit code.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from scoring_core import __version__
from scoring_core.languages import DEFAULT_LANGUAGE, LANGUAGES

from .commands import clients, data, model
from .commands.on_dask import add_dask_option

__all__ = ["build_parser"]


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
    s.set_defaults(func=data.cmd_synth)

    f = sub.add_parser("features", parents=[common], help="build the feature table (one row per SK_ID_CURR)")
    f.add_argument("--data-dir", type=Path, required=True, help="directory of Kaggle-layout tables")
    f.add_argument("--out", type=Path, required=True, help="output parquet file")
    f.add_argument("--no-cache", action="store_true", help="do not use the parquet cache of loaded tables")
    add_dask_option(f)
    f.set_defaults(func=data.cmd_features)

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
    add_dask_option(t)
    t.set_defaults(func=model.cmd_train)

    sc = sub.add_parser("score", parents=[common], help="score every client of application_test")
    sc.add_argument("--model", type=Path, required=True, help="model directory")
    sc.add_argument("--data-dir", type=Path, required=True, help="directory of Kaggle-layout tables")
    sc.add_argument(
        "--out", type=Path, required=True, help="output CSV: SK_ID_CURR,probability,decision,grade"
    )
    sc.add_argument("--no-cache", action="store_true", help="do not use the parquet cache of loaded tables")
    sc.add_argument("--allow-missing-tables", action="store_true", help=_ALLOW_MISSING_HELP)
    add_dask_option(sc)
    sc.set_defaults(func=clients.cmd_score)

    e = sub.add_parser("explain", parents=[common], help="explain one client's score")
    e.add_argument("--model", type=Path, required=True, help="model directory")
    e.add_argument("--data-dir", type=Path, required=True, help="directory of Kaggle-layout tables")
    e.add_argument("--client", type=_int, required=True, help="SK_ID_CURR of the client")
    e.add_argument("--top", type=_positive_int, default=10, help="contributions listed (the rest folded)")
    e.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help="language of the reasons")
    e.add_argument("--json", action="store_true", help="print the JSON of the contract")
    e.add_argument("--allow-missing-tables", action="store_true", help=_ALLOW_MISSING_HELP)
    e.set_defaults(func=clients.cmd_explain)

    sm = sub.add_parser("summary", parents=[common], help="write a client's decision summary (HTML or PDF)")
    sm.add_argument("--model", type=Path, required=True, help="model directory")
    sm.add_argument("--data-dir", type=Path, required=True, help="directory of Kaggle-layout tables")
    sm.add_argument("--client", type=_int, required=True, help="SK_ID_CURR of the client")
    sm.add_argument("--lang", choices=LANGUAGES, default=DEFAULT_LANGUAGE, help="language of the page")
    sm.add_argument(
        "--out", type=Path, required=True, help="output file: .html, or .pdf (printed by the system Chromium)"
    )
    sm.set_defaults(func=clients.cmd_summary)

    sv = sub.add_parser("serve", parents=[common], help="run the scoring API (needs SCORING_API_KEYS)")
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
    sv.add_argument(
        "--allow-missing-tables",
        action="store_true",
        help="serve even if the data lacks a table the model was trained with (default: "
        "SCORING_API_ALLOW_MISSING_TABLES, else refused)",
    )
    sv.set_defaults(func=clients.cmd_serve)

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
    add_dask_option(dr)
    dr.set_defaults(func=data.cmd_drift)

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
    rt.set_defaults(func=model.cmd_retrain)

    rb = sub.add_parser("rollback", parents=[common], help="put the previous champion back (MODEL.previous)")
    rb.add_argument(
        "--model", type=Path, required=True, help="production model directory, e.g. models/current"
    )
    rb.add_argument("--no-mlflow", action="store_true", help="do not move the MLflow 'champion' alias")
    rb.set_defaults(func=model.cmd_rollback)

    rp = sub.add_parser("report", parents=[common], help="write the methodology note of a model (HTML)")
    rp.add_argument("--model", type=Path, required=True, help="model directory")
    rp.add_argument(
        "--data-dir", type=Path, required=True, help="the model's training data (application_train)"
    )
    rp.add_argument("--out", type=Path, required=True, help="output HTML file (written atomically)")
    rp.add_argument("--client", type=_int, default=0, help="SK_ID_CURR of the local explanation example")
    rp.add_argument("--notebook", type=Path, help="also keep the executed notebook (.ipynb) there")
    rp.set_defaults(func=model.cmd_report)
    return p
