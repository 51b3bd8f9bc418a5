#!/usr/bin/env bash
# Set up and run the main job: data -> model -> scores -> scoring API -> advisor dashboard (Voilà),
# the dashboard calling the API with its key, as in production.
#   ./run.sh                      synthetic data (20,000 clients), quick model, scores
#   ./run.sh --retrain            retrain even when data and settings are unchanged (or SCORING_RETRAIN=1)
#   SCORING_DATA_DIR=DIR ./run.sh the same on your own data in the Kaggle layout
#   SCORING_TRAIN_ARGS="--tune-budget 300" ./run.sh   full training instead of --quick
# A second run reuses models/current when the data files, the training arguments and the
# library's code are unchanged (fingerprint in models/current.fingerprint), and installs nothing.
# Outputs go to data/ and models/ (git-ignored); MLflow runs to ./mlflow.db and ./mlruns;
# the API's audit log to ./audit.jsonl; the API's and Voilà's logs to build/logs/.
# Dashboard kernels: preheated, shut down when their page is left, culled after
# SCORING_DASHBOARD_IDLE_TIMEOUT seconds without activity (default 1200; dashboards/voila.json).
set -euo pipefail
cd "$(dirname "$0")"
RETRAIN="${SCORING_RETRAIN:-0}"
for arg in "$@"; do
    case "$arg" in
        --retrain) RETRAIN=1 ;;
        -h | --help) sed -n '2,14p' "$0" | cut -c3-; exit 0 ;;
        *) echo "!! unknown argument: $arg (see ./run.sh --help)" >&2; exit 2 ;;
    esac
done
source scripts/_setup.sh dashboard,tracking
CLIENTS="${SCORING_SYNTH_CLIENTS:-20000}"
DATA_DIR="${SCORING_DATA_DIR:-}"
TRAIN_ARGS="${SCORING_TRAIN_ARGS:---quick}"
LOGS=build/logs
mkdir -p "$LOGS" models
if [ -z "$DATA_DIR" ]; then
    DATA_DIR="data/synthetic"
    if [ ! -f "$DATA_DIR/application_train.csv" ]; then
        python -m scoring_core synth --clients "$CLIENTS" --seed 0 --out "$DATA_DIR"
    else
        echo ">> using existing synthetic data in $DATA_DIR (delete it to regenerate)"
    fi
fi

# what the model depends on: the data files (name, size, modification time), the training
# arguments and the library's code (its git tree, else its version)
FINGERPRINT="$(python - "$DATA_DIR" "$TRAIN_ARGS" <<'PY'
import hashlib
import subprocess
import sys
from pathlib import Path

import scoring_core

data_dir, train_args = Path(sys.argv[1]), sys.argv[2]
h = hashlib.sha256(f"train {train_args}\n".encode())
for f in sorted(p for p in data_dir.rglob("*") if p.is_file()):
    st = f.stat()
    h.update(f"{f.relative_to(data_dir)} {st.st_size} {st.st_mtime_ns}\n".encode())
try:
    code = subprocess.run(["git", "rev-parse", "HEAD:scoring_core"], capture_output=True, text=True, check=True)
    h.update(f"code {code.stdout.strip()}\n".encode())
except (OSError, subprocess.CalledProcessError):
    h.update(f"version {scoring_core.__version__}\n".encode())
print(h.hexdigest())
PY
)"
if [ "$RETRAIN" != 1 ] && [ -f models/current/metadata.json ] \
    && [ "$(cat models/current.fingerprint 2>/dev/null)" = "$FINGERPRINT" ]; then
    echo ">> reusing the model in models/current: data, training settings and code unchanged (./run.sh --retrain to retrain)"
else
    # shellcheck disable=SC2086
    python -m scoring_core train --data-dir "$DATA_DIR" --out models/current $TRAIN_ARGS
    echo "$FINGERPRINT" > models/current.fingerprint.tmp && mv models/current.fingerprint.tmp models/current.fingerprint
    rm -f data/scores.csv
fi
if [ ! -f data/scores.csv ] || [ data/scores.csv -ot models/current.fingerprint ]; then
    python -m scoring_core score --model models/current --data-dir "$DATA_DIR" --out data/scores.csv
fi
echo ">> scores in data/scores.csv; model in models/current"
echo ">> MLflow UI: .venv/bin/mlflow ui --backend-store-uri sqlite:///mlflow.db  (then open http://127.0.0.1:5000)"
# the keys the server accepts (SCORING_API_KEYS, 'name:key', comma-separated) and the dashboard's
# one key (SCORING_API_KEY): by default one generated key named "advisor"; with your own list,
# the dashboard uses its first key unless SCORING_API_KEY says which
if [ -z "${SCORING_API_KEYS:-}" ]; then
    if [ -n "${SCORING_API_KEY:-}" ]; then  # before SCORING_API_KEYS, the server's keys had this name
        SCORING_API_KEYS="$SCORING_API_KEY"
        unset SCORING_API_KEY
    else
        SCORING_API_KEYS="advisor:$(python -c 'import secrets; print(secrets.token_urlsafe(24))')"
    fi
fi
if [ -z "${SCORING_API_KEY:-}" ]; then
    FIRST_KEY="${SCORING_API_KEYS%%,*}"
    SCORING_API_KEY="${FIRST_KEY#*:}"
fi
export SCORING_API_KEYS SCORING_API_KEY
PORT="${SCORING_API_PORT:-8000}"
DASH_PORT="${SCORING_DASHBOARD_PORT:-8866}"
python -m scoring_core serve --model models/current --data-dir "$DATA_DIR" --port "$PORT" > "$LOGS/api.log" 2>&1 &
API_PID=$!
trap 'kill $API_PID 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 120); do
    if python -c "import httpx,sys; sys.exit(httpx.get('http://127.0.0.1:$PORT/health').status_code != 200)" 2>/dev/null; then
        break
    fi
    if ! kill -0 $API_PID 2>/dev/null; then
        echo "!! the scoring API did not start; the end of $LOGS/api.log:" >&2
        tail -n 20 "$LOGS/api.log" >&2
        exit 1
    fi
    sleep 0.5
done
echo ">> scoring API on http://127.0.0.1:$PORT (docs: /docs); the dashboard's API key: $SCORING_API_KEY; log: $LOGS/api.log"
echo ">> e.g. curl -H \"X-API-Key: $SCORING_API_KEY\" http://127.0.0.1:$PORT/clients/100002/explanation"
echo ">> advisor dashboard: http://127.0.0.1:$DASH_PORT/  (e.g. http://127.0.0.1:$DASH_PORT/?client=100002&lang=fr); log: $LOGS/dashboard.log"
echo ">> Ctrl-C to stop both"
SCORING_API_URL="http://127.0.0.1:$PORT" voila dashboards/advisor.ipynb --no-browser --port="$DASH_PORT" \
    --Voila.ip=127.0.0.1 --Voila.config_file_paths=dashboards \
    --MappingKernelManager.cull_idle_timeout="${SCORING_DASHBOARD_IDLE_TIMEOUT:-1200}" > "$LOGS/dashboard.log" 2>&1 \
    || echo ">> the dashboard stopped; its log: $LOGS/dashboard.log"
