# Sourced by run.sh and test.sh: create .venv (once) and install the project into it.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${PYTHON:-python3}"
VENV="${SCORING_VENV:-$ROOT/.venv}"
EXTRAS="${1:-}"
if [ ! -x "$VENV/bin/python" ]; then
    echo ">> creating virtual environment $VENV"
    "$PY" -m venv "$VENV"
fi
STAMP="$VENV/.installed-$(cat "$ROOT/pyproject.toml" | sha256sum | cut -c1-16)${EXTRAS:+-$EXTRAS}"
if [ ! -f "$STAMP" ]; then
    echo ">> installing the project and its dependencies into $VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -e "$ROOT${EXTRAS:+[$EXTRAS]}"
    touch "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
# OpenMP threads that spin while waiting slow LightGBM down badly on shared cores
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
