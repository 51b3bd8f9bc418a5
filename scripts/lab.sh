#!/usr/bin/env bash
# JupyterLab on notebooks/ with the project's kernel, for data scientists:
#   ./scripts/lab.sh                 sets up .venv with the lab extra (JupyterLab, widgets, shap,
#                                    papermill), registers the kernel "pret-a-depenser-scoring",
#                                    opens JupyterLab on notebooks/ (start with 00_widgets_tour)
#   ./scripts/lab.sh --port 8890     extra arguments go to jupyter lab
# Idempotent: .venv is created and filled on first use and reused afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_setup.sh lab
python -m ipykernel install --sys-prefix --name pret-a-depenser-scoring \
    --display-name "Python (pret-a-depenser-scoring)" >/dev/null
echo ">> kernel 'Python (pret-a-depenser-scoring)' registered in $(python -c 'import sys; print(sys.prefix)')"
ROOT_ARGS=()
if [ "$(id -u)" -eq 0 ]; then ROOT_ARGS=(--allow-root); fi  # Jupyter refuses root otherwise (containers, CI)
exec jupyter lab --ServerApp.root_dir=notebooks --ServerApp.ip=127.0.0.1 "${ROOT_ARGS[@]}" "$@"
