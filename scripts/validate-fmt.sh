#!/usr/bin/env bash
# Formatting check for all HCL, then `tfctl validate` for the named environments (all when none are named).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
terraform_bin="${TFCTL_TERRAFORM_BIN:-terraform}"

"$terraform_bin" fmt -check -recursive -diff "$repo_root/terraform"

cd "$repo_root"
if [ "$#" -eq 0 ]; then
  tfctl validate
else
  for environment in "$@"; do
    tfctl validate "$environment"
  done
fi
