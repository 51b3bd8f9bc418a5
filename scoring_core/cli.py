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
from .errors import ScoringError

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


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="scoring", description="Credit-scoring toolkit for the Home Credit data layout.")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    common.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=_Parser)

    s = sub.add_parser("synth", parents=[common], help="generate synthetic data in the Kaggle layout")
    s.add_argument("--clients", type=_positive_int, required=True, help="number of training clients")
    s.add_argument("--seed", type=_int, default=0, help="random seed (same seed, same bytes)")
    s.add_argument("--out", type=Path, required=True, help="output directory")
    s.add_argument("--format", choices=("csv", "parquet"), default="csv", help="file format (default csv)")
    s.set_defaults(func=_cmd_synth)

    f = sub.add_parser("features", parents=[common], help="build the feature table (one row per SK_ID_CURR)")
    f.add_argument("--data-dir", type=Path, required=True, help="directory of Kaggle-layout tables")
    f.add_argument("--out", type=Path, required=True, help="output parquet file")
    f.add_argument("--no-cache", action="store_true", help="do not use the parquet cache of loaded tables")
    f.set_defaults(func=_cmd_features)
    return p


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
