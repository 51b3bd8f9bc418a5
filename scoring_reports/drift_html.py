"""A self-contained HTML drift report: verdict, sortable table, histograms; works offline."""

from __future__ import annotations

import html
import os
from datetime import UTC, datetime
from pathlib import Path

import plotly.io as pio
from plotly.offline import get_plotlyjs

from scoring_core.drift import DRIFT, STABLE, WATCH, DriftReport, FeatureDrift
from scoring_core.io import atomic_path

from .drift_figures import STATUS_COLORS, STATUS_SYMBOLS, drift_figure

__all__ = ["drift_html", "render_drift_html"]

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto;
       max-width: 1200px; color: #222; padding: 0 1rem; }
h1 { margin-bottom: .2rem; }
.meta { color: #555; margin: .2rem 0; }
.verdict { border-left: 8px solid; padding: .8rem 1rem; margin: 1rem 0; background: #f6f6f6;
           font-size: 1.15rem; }
.chip { display: inline-block; padding: .05rem .5rem; border-radius: .8rem; color: #fff;
        font-weight: 600; font-size: .85rem; white-space: nowrap; }
.chip.watch { color: #000; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { padding: .3rem .5rem; border-bottom: 1px solid #ddd; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th { cursor: pointer; background: #f0f0f0; position: sticky; top: 0; user-select: none; }
th::after { content: " \\2195"; color: #999; }
th.asc::after { content: " \\2191"; color: #000; }
th.desc::after { content: " \\2193"; color: #000; }
.figure { margin: 1.5rem 0; }
details { margin: .5rem 0; }
"""

_SORT_JS = """
document.querySelectorAll("table.sortable th").forEach(function (th, col) {
  th.addEventListener("click", function () {
    var table = th.closest("table"), body = table.tBodies[0];
    var asc = !th.classList.contains("asc");
    table.querySelectorAll("th").forEach(function (h) { h.classList.remove("asc", "desc"); });
    th.classList.add(asc ? "asc" : "desc");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[col].dataset.sort, y = b.cells[col].dataset.sort;
      var nx = parseFloat(x), ny = parseFloat(y);
      var cmp = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : String(x).localeCompare(String(y));
      return asc ? cmp : -cmp;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"""

_SEVERITY = {STABLE: 0, WATCH: 1, DRIFT: 2}


def _e(x) -> str:
    return html.escape(str(x), quote=True)


def _chip(status: str, text: str | None = None) -> str:
    return (
        f'<span class="chip {status}" style="background:{STATUS_COLORS[status]}">'
        f"{STATUS_SYMBOLS[status]} {_e(text or status)}</span>"
    )


def _num_cell(value: float | None, fmt: str) -> str:
    if value is None:
        return '<td class="num" data-sort="-1">–</td>'
    return f'<td class="num" data-sort="{value!r}">{format(value, fmt)}</td>'


def _row(f: FeatureDrift) -> str:
    rank = f.importance_rank
    return (
        "<tr>"
        f'<td data-sort="{_SEVERITY[f.status]}">{_chip(f.status)}</td>'
        f'<td data-sort="{_e(f.name)}"><code>{_e(f.name)}</code></td>'
        f'<td data-sort="{_e(f.source)}">{_e(f.source)}</td>'
        f'<td data-sort="{_e(f.kind)}">{_e(f.kind)}</td>'
        + _num_cell(f.psi, ".3f")
        + f'<td data-sort="{_e(f.stat_name)}">{_e(f.stat_name)}</td>'
        + _num_cell(f.statistic, ".3g")
        + _num_cell(f.p_value, ".2g")
        + _num_cell(f.wasserstein, ".3f")
        + _num_cell(f.missing_reference, ".1%")
        + _num_cell(f.missing_current, ".1%")
        + (f'<td class="num" data-sort="{rank}">{rank}</td>' if rank else '<td data-sort="99999">–</td>')
        + "</tr>"
    )


def _table(report: DriftReport) -> str:
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "status",
            "column",
            "source",
            "kind",
            "PSI",
            "test",
            "statistic",
            "p-value",
            "Wasserstein / IQR",
            "missing (ref.)",
            "missing (cur.)",
            "importance rank",
        )
    )
    rows = "\n".join(_row(f) for f in report.features)
    return f'<table class="sortable"><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table>'


def _figures(report: DriftReport, max_figures: int) -> tuple[str, int]:
    chosen = [f for f in report.features if f.source == "score"]
    flagged = [f for f in report.features if f.source != "score" and f.status in (DRIFT, WATCH)]
    flagged.sort(key=lambda f: (-_SEVERITY[f.status], -f.psi))
    shown = chosen + flagged[: max(0, max_figures - len(chosen))]
    parts = []
    for i, f in enumerate(shown):
        div = pio.to_html(
            drift_figure(f),
            include_plotlyjs=False,
            full_html=False,
            div_id=f"drift-fig-{i}",
            config={"displaylogo": False, "responsive": True},
        )
        parts.append(f'<div class="figure" id="fig-{_e(f.name)}">{div}</div>')
    return "\n".join(parts), len(chosen) + len(flagged) - len(shown)


def drift_html(report: DriftReport, *, title: str = "Drift report", max_figures: int = 40) -> str:
    """The report as one HTML document (plotly.js embedded, no network access needed).

    Parameters
    ----------
    report : DriftReport
    title : str
        Page title.
    max_figures : int
        Histograms drawn at most: the score, then the drifted then the watched columns
        by decreasing PSI.
    """
    s = report.summary
    status = DRIFT if report.dataset_drift else STABLE
    reasons = "".join(f"<li>{_e(r)}</li>" for r in report.reasons)
    figures, hidden = _figures(report, max_figures)
    hidden_note = f"<p class='meta'>{hidden} more flagged column(s) not drawn.</p>" if hidden else ""
    p = report.params
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    rule = (
        f"A column <b>drifts</b> when its PSI is above {p.psi_drift:g} (watch from {p.psi_watch:g}) "
        f"and beyond sampling noise (alpha {p.alpha:g}); p-values of the KS / chi-square tests are "
        f"reported, not decisive. The <b>dataset drifts</b> when the score drifts, when one of the "
        f"model's {p.top_important} most important features drifts, or when more than "
        f"{p.drift_share:.0%} of the columns drift. Numeric bins: {p.bins} reference quantiles "
        f"plus a missing-value bin; categorical: levels plus other/unseen and missing."
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{_CSS}</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head>
<body>
<h1>{_e(title)}</h1>
<p class="meta">Reference: {_e(report.reference)}<br>Current: {_e(report.current)}<br>
Model: {_e(report.model_version or "none (features built by a builder fitted on the reference)")}
<br>Generated {generated}</p>
<div class="verdict" id="verdict" style="border-color:{STATUS_COLORS[status]}">
{_chip(status, "dataset drift" if report.dataset_drift else "no dataset drift")}
<p>{_e(report.verdict_text)}</p>
{f"<ul>{reasons}</ul>" if reasons else ""}
</div>
<p class="meta">{s["columns"]} columns compared: {_chip(DRIFT)} {s[DRIFT]} &nbsp; {_chip(WATCH)} {s[WATCH]}
&nbsp; {_chip(STABLE)} {s[STABLE]}</p>
<details><summary>How drift is judged</summary><p>{rule}</p></details>
<h2>Reference against current</h2>
{figures or "<p class='meta'>No flagged column to draw.</p>"}
{hidden_note}
<h2>All columns</h2>
<p class="meta">Click a header to sort.</p>
{_table(report)}
<script>{_SORT_JS}</script>
</body>
</html>
"""


def render_drift_html(
    report: DriftReport, path: str | os.PathLike, *, title: str = "Drift report", max_figures: int = 40
) -> Path:
    """Write :func:`drift_html` to ``path`` atomically (a reader never sees half a file).

    Examples
    --------
    >>> render_drift_html(report, "drift.html")  # doctest: +SKIP
    """
    text = drift_html(report, title=title, max_figures=max_figures)
    with atomic_path(path, suffix=".html") as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)
