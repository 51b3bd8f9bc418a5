#!/usr/bin/env bash
# Set up and run the main job (until the dashboard and API land: data -> model -> scores).
#   ./run.sh                      synthetic data (20,000 clients), quick model, scores
#   SCORING_DATA_DIR=DIR ./run.sh the same on your own data in the Kaggle layout
#   SCORING_TRAIN_ARGS="--tune-budget 300" ./run.sh   full training instead of --quick
# Outputs go to data/ and models/ (git-ignored); MLflow runs to ./mlflow.db and ./mlruns.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/_setup.sh
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
