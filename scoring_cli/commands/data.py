"""Commands about data: ``synth``, ``features`` and ``drift``."""

from __future__ import annotations

import time

from scoring_core.errors import MissingTableError, ScoringError

from ._common import warn_missing_tables

__all__ = ["cmd_synth", "cmd_features", "cmd_drift"]


def cmd_synth(args) -> int:
    """``synth``: synthetic tables in the Kaggle layout."""
    from scoring_core.synth import generate

    start = time.perf_counter()
    summary = generate(args.clients, args.out, seed=args.seed, fmt=args.format, progress=not args.quiet)
    rows = ", ".join(f"{t} {n:,}" for t, n in summary.rows.items())
    print(
        f"wrote {args.out} in {time.perf_counter() - start:.1f}s: {rows}; default rate {summary.default_rate:.2%}"
    )
    return 0


def cmd_features(args) -> int:
    """``features``: the feature table, one row per SK_ID_CURR, to parquet."""
    if getattr(args, "dask", None) is not None:
        from . import on_dask

        return on_dask.cmd_features(args)
    from scoring_core.data import load_dataset
    from scoring_core.features import FeatureBuilder
    from scoring_core.io import atomic_path

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


def cmd_drift(args) -> int:
    """``drift``: new clients against the reference (JSON and/or a self-contained HTML report)."""
    from scoring_core.drift import DRIFT, WATCH, drift_from_dirs
    from scoring_core.io import atomic_write_text

    if args.out is not None and args.out.suffix != ".html":
        raise ScoringError(f"--out must be an .html file, got {args.out}")
    if args.out is not None:
        try:
            from scoring_reports import render_drift_html
        except ImportError as exc:
            raise ScoringError(
                f"the HTML report needs the reports extra: pip install 'pret-a-depenser-scoring[reports]' "
                f"({exc.name} missing)"
            ) from None
    missing = []
    if args.model is not None:
        from scoring_core.model.artifact import load_model
        from scoring_core.model.tables import missing_table_files

        trained = load_model(args.model).builder.history_tables_
        for role, data_dir in (("reference", args.reference), ("current", args.current)):
            lacking = missing_table_files(data_dir, trained)
            if lacking and not args.allow_missing_tables:
                raise MissingTableError(
                    f"{role} data {data_dir} lacks table(s) {', '.join(lacking)} that the model was trained "
                    "with (pass --allow-missing-tables to compare anyway)"
                )
            missing += [f"{t} ({role})" for t in lacking]
        warn_missing_tables(missing)
    start = time.perf_counter()
    if getattr(args, "dask", None) is not None:
        from . import on_dask

        report = on_dask.drift_report(args)
    else:
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
