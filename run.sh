#!/usr/bin/env bash
# Set up and run the main job: data -> model -> scores -> scoring API -> advisor dashboard (Voilà),
# the dashboard calling the API with its key, as in production.
#   ./run.sh                      synthetic data (20,000 clients), quick model, scores
#   SCORING_DATA_DIR=DIR ./run.sh the same on your own data in the Kaggle layout
#   SCORING_TRAIN_ARGS="--tune-budget 300" ./run.sh   full training instead of --quick
# Outputs go to data/ and models/ (git-ignored); MLflow runs to ./mlflow.db and ./mlruns;
# the API's audit log to ./audit.jsonl.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/_setup.sh dashboard
CLIENTS="${SCORING_SYNTH_CLIENTS:-20000}"
DATA_DIR="${SCORING_DATA_DIR:-}"
TRAIN_ARGS="${SCORING_TRAIN_ARGS:---quick}"
if [ -z "$DATA_DIR" ]; then
    DATA_DIR="data/synthetic"
    if [ ! -f "$DATA_DIR/application_train.csv" ]; then
        python -m scoring_core synth --clients "$CLIENTS" --seed 0 --out "$DATA_DIR"
    else
        echo ">> using existing synthetic data in $DATA_DIR (delete it to regenerate)"
    fi
fi
# shellcheck disable=SC2086
python -m scoring_core train --data-dir "$DATA_DIR" --out models/current $TRAIN_ARGS
python -m scoring_core score --model models/current --data-dir "$DATA_DIR" --out data/scores.csv
echo ">> scores in data/scores.csv; model in models/current"
echo ">> MLflow UI: .venv/bin/mlflow ui --backend-store-uri sqlite:///mlflow.db  (then open http://127.0.0.1:5000)"
if [ -z "${SCORING_API_KEY:-}" ]; then
    SCORING_API_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(24))')"
    export SCORING_API_KEY
fi
PORT="${SCORING_API_PORT:-8000}"
DASH_PORT="${SCORING_DASHBOARD_PORT:-8866}"
python -m scoring_core serve --model models/current --data-dir "$DATA_DIR" --port "$PORT" &
API_PID=$!
trap 'kill $API_PID 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 120); do
    if python -c "import httpx,sys; sys.exit(httpx.get('http://127.0.0.1:$PORT/health').status_code != 200)" 2>/dev/null; then
        break
    fi
    if ! kill -0 $API_PID 2>/dev/null; then echo "!! the scoring API did not start" >&2; exit 1; fi
    sleep 0.5
done
echo ">> scoring API on http://127.0.0.1:$PORT (docs: /docs); API key: $SCORING_API_KEY"
echo ">> e.g. curl -H \"X-API-Key: $SCORING_API_KEY\" http://127.0.0.1:$PORT/clients/100002/explanation"
echo ">> advisor dashboard: http://127.0.0.1:$DASH_PORT/  (e.g. http://127.0.0.1:$DASH_PORT/?client=100002&lang=fr)"
echo ">> Ctrl-C to stop both"
SCORING_API_URL="http://127.0.0.1:$PORT" voila dashboards/advisor.ipynb --no-browser --port="$DASH_PORT" \
    --Voila.ip=127.0.0.1 --show_tracebacks=False
