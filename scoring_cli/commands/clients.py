"""Commands about clients: ``score``, ``explain``, ``summary`` and ``serve`` (the API)."""

from __future__ import annotations

import sys

from scoring_core.errors import ScoringError

from ._common import print_scored, warn_missing_tables

__all__ = ["cmd_score", "cmd_explain", "cmd_summary", "cmd_serve"]


def cmd_score(args) -> int:
    """``score``: every client of application_test (else application_train) to a CSV."""
    if getattr(args, "dask", None) is not None:
        from . import on_dask

        return on_dask.cmd_score(args)
    from scoring_core.data import load_dataset
    from scoring_core.io import atomic_path
    from scoring_core.model.artifact import load_model
    from scoring_core.model.tables import check_tables

    if args.out.suffix != ".csv":
        raise ScoringError(f"--out must be a .csv file, got {args.out}")
    model = load_model(args.model)
    ds = load_dataset(args.data_dir, cache=False if args.no_cache else None, progress=not args.quiet)
    which = "test" if ds.test is not None else "train"
    if len(ds.tables[f"application_{which}"]) == 0:
        raise ScoringError(f"table application_{which} in {args.data_dir} has no rows: no clients to score")
    tables = ds.feature_tables(which)
    missing = check_tables(model, tables, allow_missing=args.allow_missing_tables)
    warn_missing_tables(missing)
    scores = model.score_tables(tables)
    with atomic_path(args.out, suffix=".csv") as tmp:
        scores.to_csv(tmp, index=False)
    refused = (scores["decision"] == "refuse").mean()
    print_scored(len(scores), which, model, refused, args.out, missing)
    return 0


def cmd_explain(args) -> int:
    """``explain``: one client's score, contributions and reasons (text or the contract's JSON)."""
    import json

    from scoring_core.data import load_dataset
    from scoring_core.model.artifact import load_model
    from scoring_core.service import ScoringService

    model = load_model(args.model)
    ds = load_dataset(args.data_dir, progress=not args.quiet)
    service = ScoringService(model, ds, allow_missing_tables=args.allow_missing_tables)
    warn_missing_tables(service.missing_tables)
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
    from scoring_core.explain.concepts import concept_label

    print("by concept:")
    for g in e.groups:
        print(f"  {g.shap:+.3f}  {g.points * 100:+6.2f} pts  {concept_label(g.group, args.lang)}")
    print("reasons:")
    for r in e.reasons:
        print(f"  - {r}")
    return 0


def cmd_summary(args) -> int:
    """``summary``: a client's printable decision summary (HTML, or PDF by the system Chromium)."""
    try:
        from scoring_reports.summary import write_summary
    except ImportError as exc:
        raise ScoringError(f"the summary needs the scoring_reports package ({exc.name} missing)") from None
    from scoring_core.data import load_dataset
    from scoring_core.model.artifact import load_model
    from scoring_core.service import ScoringService

    if args.out.suffix.lower() not in (".html", ".htm", ".pdf"):
        raise ScoringError(f"--out must end in .html or .pdf, got {args.out.name!r}")
    service = ScoringService(load_model(args.model), load_dataset(args.data_dir, progress=not args.quiet))
    out = write_summary(service, args.client, args.out, lang=args.lang)
    print(f"wrote the summary of client {args.client} to {out}")
    return 0


def cmd_serve(args) -> int:
    """``serve``: the scoring API (needs the ``api`` extra and an API key unless ``--no-auth``)."""
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
        # the flag allows; without it the API's setting (SCORING_API_ALLOW_MISSING_TABLES) decides
        allow_missing_tables=True if args.allow_missing_tables else None,
    )
    return 0
