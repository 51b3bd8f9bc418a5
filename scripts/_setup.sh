# Sourced by run.sh, test.sh and scripts/lab.sh: create .venv (once) and install the project
# into it with the extras asked for (first argument, e.g. "dashboard"), unless an install for
# the same pyproject.toml already includes them (an install with "test" serves "dashboard").
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${PYTHON:-python3}"
VENV="${SCORING_VENV:-$ROOT/.venv}"
EXTRAS="${1:-}"
if [ ! -x "$VENV/bin/python" ]; then
    echo ">> creating virtual environment $VENV"
    "$PY" -m venv "$VENV"
fi
HASH="$(sha256sum "$ROOT/pyproject.toml" | cut -c1-16)"
STAMP="$VENV/.installed-$HASH${EXTRAS:+-$EXTRAS}"

# extras installed for this pyproject.toml (one stamp file per install)
_installed_extras() {
    local f e
    for f in "$VENV/.installed-$HASH"*; do
        [ -e "$f" ] || continue
        e="${f#"$VENV/.installed-$HASH"}"
        printf '%s\n' "${e#-}"
    done
}

# true when the extras asked for are included in an install done (extras include others:
# "test" -> "dashboard" -> "api", "widgets"; read from pyproject.toml)
_extras_covered() {
    local installed
    installed="$(_installed_extras)"
    [ -n "$installed" ] || return 1
    # shellcheck disable=SC2086
    "$VENV/bin/python" - "$ROOT/pyproject.toml" "$EXTRAS" $installed <<'PY'
import re
import sys
import tomllib

pyproject, wanted, *installed = sys.argv[1:]
with open(pyproject, "rb") as f:
    project = tomllib.load(f)["project"]
extras = project.get("optional-dependencies", {})
self_ref = re.compile(re.escape(project["name"]) + r"\[([^\]]+)\]")


def closure(extra, seen):
    if extra not in seen:
        seen.add(extra)
        for req in extras.get(extra, []):
            m = self_ref.match(req.replace(" ", ""))
            if m:
                for sub in m.group(1).split(","):
                    closure(sub, seen)
    return seen


have = set()
for extra in installed:
    closure(extra, have)
sys.exit(0 if {w for w in wanted.split(",") if w} <= have else 1)
PY
}

if [ ! -f "$STAMP" ] && ! _extras_covered; then
    echo ">> installing the project and its dependencies into $VENV${EXTRAS:+ (extras: $EXTRAS)}"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    # PYTHONWARNINGS: setuptools' build backend prints a generic multi-line "Editable
    # installation" warning on every editable install; pip's errors still show
    PYTHONWARNINGS=ignore "$VENV/bin/python" -m pip install --quiet -e "$ROOT${EXTRAS:+[$EXTRAS]}"
    touch "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
# OpenMP threads that spin while waiting slow LightGBM down badly on shared cores
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-passive}"
