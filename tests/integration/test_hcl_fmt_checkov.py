"""`terraform fmt` and checkov on terraform/, with the real tools.

checkov lives in its own virtualenv (its pins clash with the project's); the test reads its path
from TFCTL_CHECKOV_BIN and fails when that is unset under CI=true, so CI cannot silently skip it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
TERRAFORM = REPO / "terraform"
CUSTOM_CHECKS = TERRAFORM / "checkov"
SKIP_COMMENT = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)(?::(.*))?")


def run(argv: list[str], cwd: Path, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("TF_CLI_ARGS", "BC_", "PRISMA_"))
    }
    env.update(TF_IN_AUTOMATION="1", CHECKPOINT_DISABLE="1")
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_terraform_fmt_check_passes(terraform_bin: Path) -> None:
    proc = run([str(terraform_bin), "fmt", "-check", "-recursive", "-no-color", "terraform/"], REPO)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_terraform_fmt_check_catches_misformatted_hcl(terraform_bin: Path, tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text('variable "x" {\ntype=string\n  description = "x"\n}\n')
    proc = run([str(terraform_bin), "fmt", "-check", "-recursive", "-no-color", "."], tmp_path)
    assert proc.returncode == 3
    assert "main.tf" in proc.stdout


def test_every_checkov_skip_carries_a_reason() -> None:
    for path in sorted(TERRAFORM.rglob("*.tf")):
        for line in path.read_text().splitlines():
            match = SKIP_COMMENT.search(line)
            if match:
                assert (match.group(2) or "").strip(), (
                    f"{path}: skip of {match.group(1)} without reason"
                )


@pytest.fixture(scope="module")
def checkov_bin() -> Path:
    configured = os.environ.get("TFCTL_CHECKOV_BIN")
    if not configured:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("TFCTL_CHECKOV_BIN is unset; CI must install checkov and point at it")
        pytest.skip("TFCTL_CHECKOV_BIN is unset (checkov runs from its own virtualenv)")
    path = Path(configured)
    if not (path.is_file() and os.access(path, os.X_OK)):
        pytest.fail(f"TFCTL_CHECKOV_BIN={configured} is not an executable file")
    return path


def checkov(checkov_bin: Path, directory: Path) -> list[dict[str, Any]]:
    """Run checkov (terraform and secrets frameworks, project policies); return its reports."""
    argv = [str(checkov_bin), "--directory", str(directory), "--framework", "terraform", "secrets"]
    argv += ["--external-checks-dir", str(CUSTOM_CHECKS), "--skip-download", "--output", "json"]
    proc = run(argv, REPO, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    reports = json.loads(proc.stdout)
    return reports if isinstance(reports, list) else [reports]


def results(reports: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [check for report in reports for check in report.get("results", {}).get(kind, [])]


def test_checkov_passes_on_the_terraform_tree(checkov_bin: Path) -> None:
    reports = checkov(checkov_bin, TERRAFORM)
    failed = [
        (c["check_id"], c["file_path"], c["resource"]) for c in results(reports, "failed_checks")
    ]
    assert failed == []
    assert all(r.get("summary", {}).get("parsing_errors", 0) == 0 for r in reports)
    passed = {c["check_id"] for c in results(reports, "passed_checks")}
    assert {"CKV2_TFCTL_1", "CKV2_TFCTL_2", "CKV2_TFCTL_3"} <= passed
    for check in results(reports, "skipped_checks"):
        assert (check.get("check_result", {}).get("suppress_comment") or "").strip(), check


CLICKHOUSE_SERVICE = """
resource "clickhouse_service" "{name}" {{
  name           = "x"
  cloud_provider = "aws"
  region         = "us-east-1"
  ip_access      = []
{password}}}
"""
DATABASE_USER = """
resource "clickhousedbops_user" "{name}" {{
  name = "{name}"
{password}}}
"""


def failed_resources(checkov_bin: Path, directory: Path, check_id: str) -> set[str]:
    reports = checkov(checkov_bin, directory)
    return {c["resource"] for c in results(reports, "failed_checks") if c["check_id"] == check_id}


def test_checkov_fails_on_plaintext_password_and_disabled_tls(
    checkov_bin: Path, tmp_path: Path
) -> None:
    shutil.copy(
        TERRAFORM / "modules" / "serverless_cache" / "versions.tf", tmp_path / "versions.tf"
    )
    (tmp_path / "main.tf").write_text(
        'resource "upstash_redis_database" "this" {\n'
        '  database_name = "x"\n  region = "global"\n  tls = false\n}\n'
        + CLICKHOUSE_SERVICE.format(name="this", password='  password = "not-a-real-password"\n')
    )
    failed = {c["check_id"] for c in results(checkov(checkov_bin, tmp_path), "failed_checks")}
    assert {"CKV2_TFCTL_1", "CKV2_TFCTL_2"} <= failed


def test_checkov_requires_write_only_passwords(checkov_bin: Path, tmp_path: Path) -> None:
    """Only the write-only forms pass: a hash or a value would be stored in state."""
    services = {
        "hash": '  password_hash = "aGFzaA=="\n',
        "plain": '  password = "not-a-real-password"\n',
        "no_version": "  password_wo = var.p\n",
        "hash_and_wo": '  password_hash = "aGFzaA=="\n  password_wo = var.p\n'
        "  password_wo_version = 1\n",
        "write_only": "  password_wo = var.p\n  password_wo_version = 1\n",
    }
    users = {
        "legacy": "  password_sha256_hash = sha256(var.p)\n",
        "value": "  auth {\n    sha256_hash {\n      value = sha256(var.p)\n    }\n  }\n",
        "write_only": "  auth {\n    sha256_hash {\n      value_wo = sha256(var.p)\n"
        "      value_wo_version = 1\n    }\n  }\n",
    }
    (tmp_path / "main.tf").write_text(
        'variable "p" {\n  type = string\n}\n'
        + "".join(CLICKHOUSE_SERVICE.format(name=n, password=p) for n, p in services.items())
        + "".join(DATABASE_USER.format(name=n, password=p) for n, p in users.items())
    )
    assert failed_resources(checkov_bin, tmp_path, "CKV2_TFCTL_2") == {
        f"clickhouse_service.{name}" for name in services if name != "write_only"
    }
    assert failed_resources(checkov_bin, tmp_path, "CKV2_TFCTL_3") == {
        f"clickhousedbops_user.{name}" for name in users if name != "write_only"
    }
