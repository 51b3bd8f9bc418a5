"""Build the advisor dashboard from its settings (what ``dashboards/advisor.ipynb`` runs).

The settings (:class:`~widgets.settings.DashboardSettings`, environment or ``.env``):

- ``SCORING_API_URL`` (+ ``SCORING_API_KEY``): talk to the scoring API, as in production.
- otherwise in-process: ``SCORING_MODEL_DIR`` (default ``models/current``) and
  ``SCORING_DATA_DIR`` (default ``data/synthetic``), relative paths looked up from the working
  directory and its parent (Voilà runs the notebook in ``dashboards/``).
- the page's query string (Voilà's request environment, ``QUERY_STRING``): ``?client=ID``
  preselects a client, ``?lang=fr`` switches to French (default ``SCORING_LANG`` or English).

With Voilà's preheated kernels (``dashboards/voila.json``) the notebook runs before anyone opens
the page: it builds the dashboard, then :func:`wait_for_query` waits for the page's request and
:func:`apply_query` applies its ``?client=`` and ``?lang=``. In a kernel started for the page,
:func:`wait_for_query` returns the query at once.

A problem (no model, unreachable API, bad key) is shown on the page in words.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from urllib.parse import parse_qs

import ipywidgets as W

from scoring_core.languages import DEFAULT_LANGUAGE

from .backend import BackendError, LocalBackend, backend_from_env
from .i18n import LANGUAGES
from .settings import DashboardSettings, SettingsError, load_settings
from .style import esc

__all__ = ["apply_query", "dashboard_from_env", "query_options", "wait_for_query"]

log = logging.getLogger(__name__)


def query_options(query: str | None = None, default_lang: str = DEFAULT_LANGUAGE) -> dict:
    """``client`` (int or None) and ``lang`` from a query string such as ``client=100002&lang=fr``
    (``default_lang`` without ``?lang=``: the ``SCORING_LANG`` setting)."""
    query = os.environ.get("QUERY_STRING", "") if query is None else query
    q = parse_qs(query.lstrip("?"))
    lang = (q.get("lang") or [default_lang])[0].lower()
    client = (q.get("client") or [""])[0].strip()
    return {
        "client_id": int(client) if client.isdigit() else None,
        "lang": lang if lang in LANGUAGES else DEFAULT_LANGUAGE,
        "bad_client": client if client and not client.isdigit() else None,
    }


def _find(path: str) -> Path:
    p = Path(path).expanduser()
    if p.is_absolute() or p.exists():
        return p
    parent = Path.cwd().parent / p
    return parent if parent.exists() else p


def _local_backend(settings: DashboardSettings) -> LocalBackend:
    from scoring_core.errors import ScoringError
    from scoring_core.service import ScoringService

    model_dir = _find(str(settings.model_dir))
    data_dir = _find(str(settings.data_dir))
    try:
        return LocalBackend(ScoringService.from_paths(model_dir, data_dir))
    except ScoringError as exc:
        raise BackendError(
            f"{exc} (model {model_dir}, data {data_dir}; set SCORING_MODEL_DIR and SCORING_DATA_DIR, "
            "or SCORING_API_URL and SCORING_API_KEY)"
        ) from None


def dashboard_from_env(query: str | None = None) -> W.Widget:
    """The :class:`~widgets.dashboard.AdvisorDashboard`, or a page explaining what is wrong."""
    from .dashboard import AdvisorDashboard

    try:
        settings = load_settings()
        opts = query_options(query, settings.lang)
        backend = backend_from_env(lambda: _local_backend(settings), settings)
    except (BackendError, SettingsError) as exc:
        return W.HTML(
            f"<div class='scoring-error' role='alert' data-testid='dashboard-error' "
            f"style='padding:12px;border-left:4px solid #D55E00;background:#fff4e5'>"
            f"⚠ The dashboard cannot start: {esc(exc)}</div>"
        )
    dash = AdvisorDashboard(backend, lang=opts["lang"], client_id=opts["client_id"])
    _bad_client(dash, opts)
    return dash


def _bad_client(dash, opts: dict) -> None:
    if opts["bad_client"] is not None and not dash.error:
        dash.show_bad_query_client(opts["bad_client"])


def apply_query(widget: W.Widget, query: str | None = None) -> W.Widget:
    """Apply a page's ``?lang=`` and ``?client=`` to a dashboard built before the page was
    opened (a preheated kernel); ``widget`` is returned (an error page is left as it is)."""
    from .dashboard import AdvisorDashboard

    if not isinstance(widget, AdvisorDashboard):
        return widget
    opts = query_options(query, load_settings().lang)  # the settings were read to build it
    widget.lang = opts["lang"]
    if opts["client_id"] is not None:
        widget.client_id = opts["client_id"]
    _bad_client(widget, opts)
    return widget


def wait_for_query(open_timeout: float = 10.0) -> str:
    """The page's query string (without ``?``).

    In a kernel that Voilà preheated (``VOILA_PREHEAT=True``) the notebook runs before the
    page is requested: this waits for the request, as ``voila.utils.get_query_string`` does
    (Voilà sends the request's environment over its ``/voila/query/<kernel id>`` websocket), but
    without importing the Voilà server into the kernel (about 70 MB and 2 s). Otherwise the
    kernel was started for the page and ``QUERY_STRING`` is already set.
    """
    env = os.environ
    if env.get("VOILA_PREHEAT", "False") != "True":
        return env.get("QUERY_STRING", "")
    from websockets.sync.client import connect

    base = env.get("VOILA_WS_BASE_URL") or env.get("VOILA_SERVER_URL") or "/"
    url = (
        f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
        f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/{env.get('VOILA_KERNEL_ID', '')}"
    )
    try:
        with connect(url, open_timeout=open_timeout, max_size=None) as ws:
            info = json.loads(ws.recv())
    except (OSError, TimeoutError, ValueError) as exc:
        log.warning("no page request received from Voilà at %s: %s", url, exc)
        return ""
    env.update({str(k): str(v) for k, v in info.items()})
    return env.get("QUERY_STRING", "")
