#!/usr/bin/env bash
# Set up and run every test (lint + pytest). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/_setup.sh test
echo ">> ruff"
ruff check .
echo ">> pytest"
python -m pytest "$@"
