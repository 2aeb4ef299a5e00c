#!/usr/bin/env bash
# Formatting check for all HCL, then `tfctl validate` for each environment (or the ones named as arguments).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
terraform_bin="${TFCTL_TERRAFORM_BIN:-terraform}"

"$terraform_bin" fmt -check -recursive -diff "$repo_root/terraform"

if [ "$#" -gt 0 ]; then
  environments=("$@")
else
  environments=()
  for dir in "$repo_root"/terraform/environments/*/; do
    environments+=("$(basename "$dir")")
  done
fi

for environment in "${environments[@]}"; do
  tfctl validate "$environment"
done
