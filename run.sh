#!/usr/bin/env bash
# Set up and run the main job.
#   ./run.sh                      synthetic data (20,000 clients), then the feature table
#   SCORING_DATA_DIR=DIR ./run.sh the same on your own data in the Kaggle layout
# Outputs go to data/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")"
source scripts/_setup.sh
CLIENTS="${SCORING_SYNTH_CLIENTS:-20000}"
DATA_DIR="${SCORING_DATA_DIR:-}"
if [ -z "$DATA_DIR" ]; then
    DATA_DIR="data/synthetic"
    if [ ! -f "$DATA_DIR/application_train.csv" ]; then
        python -m scoring_core synth --clients "$CLIENTS" --seed 0 --out "$DATA_DIR"
    else
        echo ">> using existing synthetic data in $DATA_DIR (delete it to regenerate)"
    fi
fi
python -m scoring_core features --data-dir "$DATA_DIR" --out data/features.parquet
python - <<'PY'
import pandas as pd
df = pd.read_parquet("data/features.parquet")
print(f"data/features.parquet: {len(df):,} clients, {df.shape[1] - 2} features; first rows:")
print(df.iloc[:5, :8].to_string(index=False))
PY
