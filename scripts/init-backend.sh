#!/usr/bin/env bash
# Create or repair the Terraform state backend (S3 bucket + DynamoDB lock table).
# A thin wrapper over `tfctl bootstrap` for people who expect the script; every argument is
# passed through, e.g.:
#   scripts/init-backend.sh                       # bucket, table and region from project settings
#   scripts/init-backend.sh --region eu-west-1 --bucket acme-tfstate --table acme-tflock
#   scripts/init-backend.sh --check               # report drift only; exit 2 if anything differs
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

if command -v tfctl >/dev/null 2>&1; then
  exec tfctl bootstrap "$@"
fi
exec "${PYTHON:-python3}" -m tfctl bootstrap "$@"
