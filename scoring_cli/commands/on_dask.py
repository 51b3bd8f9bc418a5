"""``--dask [ADDRESS]`` of ``features``, ``score``, ``drift`` and ``train``: the same jobs on a
Dask cluster (:mod:`scoring_core.distributed`), with the same outputs.

``--dask tcp://host:8786`` connects to that scheduler; ``--dask`` alone uses the
``SCORING_DASK_ADDRESS`` setting, or starts a local cluster sized to the machine. Without
the ``[dask]`` extra the commands stop with a one-line message naming it.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import sys
import time
from collections.abc import Iterator

from scoring_core.errors import ScoringError

from ._common import print_scored, warn_missing_tables

__all__ = ["add_dask_option", "dask_session", "cmd_features", "cmd_score", "drift_report", "train_run"]

#: Loggers whose warnings are routine notes: p2p shuffles starting and ending, a worker process
#: killed after the 4-second grace period when the local cluster shuts down.
_CHATTY = ("distributed.shuffle._scheduler_plugin", "distributed.nanny")

_HELP = (
    "run on Dask: on the scheduler at ADDRESS (tcp://host:8786), else at SCORING_DASK_ADDRESS, else on a "
    "local cluster sized to the machine (needs the [dask] extra); same results as in memory"
)


def add_dask_option(parser: argparse.ArgumentParser) -> None:
    """``--dask [ADDRESS]`` (absent: in memory; given without an address: the setting or a local cluster)."""
    parser.add_argument("--dask", nargs="?", const="", default=None, metavar="ADDRESS", help=_HELP)


@contextlib.contextmanager
def dask_session(args) -> Iterator[object]:
    """The Dask client of the command (closed, with its local cluster, at the end).

    Dask's own INFO logs (scheduler, nannies, workers: they inherit the environment) and its
    notes about shuffles and slow shutdowns are shown with ``-v`` only.
    """
    if not args.verbose:
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
    from scoring_core.distributed._deps import require_dask

    require_dask()
    if not args.verbose:
        logging.getLogger("distributed").setLevel(logging.WARNING)
        for name in _CHATTY:
            logging.getLogger(name).setLevel(logging.ERROR)
    from scoring_core.distributed import dask_client
    from scoring_core.settings import get_settings

    address = args.dask or get_settings().dask_address or None
    with dask_client(address) as client:
        if not args.quiet:
            where = address or f"a local cluster of {len(client.scheduler_info()['workers'])} workers"
            print(f"Dask: {where} (dashboard {client.dashboard_link})", file=sys.stderr)
        yield client


def cmd_features(args) -> int:
    from scoring_core.distributed import dask_features, fit_dask_builder, load_dask_tables, write_parquet_file

    if args.out.suffix != ".parquet":
        raise ScoringError(f"--out must be a .parquet file, got {args.out}")
    start = time.perf_counter()
    with dask_session(args):
        tables = load_dask_tables(args.data_dir, "all")
        builder = fit_dask_builder(tables)
        # TARGET as in memory: int8 for training clients only, float (NaN) with test clients
        has_test = _has_test(args.data_dir)
        feats = dask_features(tables, builder, target="float64" if has_test else "int8")
        n = write_parquet_file(feats, args.out, prepare=lambda part: part.reset_index())
    print(
        f"wrote {args.out}: {n:,} clients x {builder.n_features_out_} features "
        f"in {time.perf_counter() - start:.1f}s (Dask)"
    )
    return 0


def cmd_score(args) -> int:
    from scoring_core.distributed import dask_scores, load_dask_tables, write_csv, write_parquet_dir
    from scoring_core.model.artifact import load_model
    from scoring_core.model.tables import check_tables

    if args.out.suffix not in (".csv", ".parquet"):
        raise ScoringError(
            f"--out must be a .csv file (or, with --dask, a .parquet directory), got {args.out}"
        )
    model = load_model(args.model)
    with dask_session(args):
        tables = load_dask_tables(args.data_dir, "auto")
        which = "test" if _has_test(args.data_dir) else "train"
        n = sum(len(ids) for ids in tables.client_ids())
        if n == 0:
            raise ScoringError(
                f"table application_{which} in {args.data_dir} has no rows: no clients to score"
            )
        missing = check_tables(model, tables.history, allow_missing=args.allow_missing_tables)
        warn_missing_tables(missing)
        scores = dask_scores(tables, model)
        if args.out.suffix == ".csv":
            refused = 0

            def count(part):
                nonlocal refused
                refused += int((part["decision"] == "refuse").sum())
                return part

            write_csv(scores, args.out, prepare=count)
        else:
            write_parquet_dir(scores, args.out)
            refused = int((scores["decision"] == "refuse").sum().compute())
    print_scored(n, which, model, refused / n, args.out, missing, how=" (Dask)")
    return 0


def _has_test(data_dir) -> bool:
    from scoring_core.distributed.reader import table_path

    return table_path(data_dir, "application_test") is not None


def drift_report(args):
    """``drift --dask``: the report of :func:`scoring_core.distributed.dask_drift_from_dirs`
    (written and printed by ``drift`` as in memory)."""
    from scoring_core.distributed import dask_drift_from_dirs

    with dask_session(args):
        return dask_drift_from_dirs(
            args.reference,
            args.current,
            args.model,
            top=args.top,
            reference_table=args.reference_table,
            current_table=args.current_table,
        )


def train_run(args, config):
    """``train --dask``: :func:`scoring_core.distributed.dask_train`, saved (and logged to
    MLflow) as ``train`` saves an in-memory run; printed by ``train``."""
    from scoring_core.distributed import dask_train, load_dask_tables
    from scoring_core.model.workflow import TrainRun, log_trained, save_trained

    # lightgbm.dask prints its port search on stdout: on stderr with -v, else dropped
    quiet_lightgbm = contextlib.redirect_stdout(sys.stderr if args.verbose else io.StringIO())
    with dask_session(args), quiet_lightgbm:
        try:
            result = dask_train(load_dask_tables(args.data_dir, "train", require_train=True), config)
        except ValueError as exc:  # e.g. an unknown feature in --monotone
            if isinstance(exc, ScoringError):
                raise
            raise ScoringError(str(exc)) from None
    model_dir = save_trained(result, args.out)
    info = None if args.no_mlflow else log_trained(result, model_dir, experiment=args.experiment)
    return TrainRun(result=result, model_dir=model_dir, mlflow=info)
