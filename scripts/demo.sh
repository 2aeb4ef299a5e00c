#!/usr/bin/env bash
# The main job, set-up included, on any machine with Python 3.11 and no cloud account:
# runs the real dev environment offline (`tfctl sandbox demo dev`). Extra arguments go to the
# demo, e.g. `bash scripts/demo.sh prod --keep`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export TFCTL_EXTRAS="${TFCTL_EXTRAS:-sandbox}"
# shellcheck source=scripts/venv.sh
. scripts/venv.sh
if [ "$#" -eq 0 ]; then
  set -- dev
fi
exec tfctl sandbox demo "$@"
