"""The dashboard's kernel in API mode loads no model code (issue 11: <= 150 MB per kernel).

Runs what ``dashboards/advisor.ipynb`` runs, in a fresh interpreter with ``SCORING_API_URL``
set (to a port where nothing listens: the page then explains that the API is unreachable).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

HEAVY = (
    "lightgbm",
    "sklearn",
    "shap",
    "mlflow",
    "scipy",
    "skops",
    "imblearn",
    "pandas",
    "pyarrow",
    "scoring_core.model",
    "scoring_core.service",
    "scoring_core.features",
    "fastapi",
    "voila",
    "jupyter_server",
)

_SCRIPT = """
import json, sys
from widgets.app import apply_query, dashboard_from_env, wait_for_query
d = apply_query(dashboard_from_env(query=""), wait_for_query())
print(json.dumps({"error": d.error, "loaded": [m for m in %r if m in sys.modules]}))
"""


def test_api_mode_imports_no_model_code():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        **os.environ,
        "SCORING_API_URL": f"http://127.0.0.1:{port}",
        "SCORING_API_KEY": "k",
        "QUERY_STRING": "client=100002&lang=fr",
    }
    env.pop("VOILA_PREHEAT", None)
    out = subprocess.run(
        [sys.executable, "-c", _SCRIPT % (HEAVY,)], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert "unreachable" in result["error"]
    assert result["loaded"] == []
