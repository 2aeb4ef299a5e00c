"""The 1.6+ and 1.10+ backend renderings against a real newer Terraform, where the machine has one.

Terraform 1.0.3 (the pinned test binary) proves the 1.0-1.5 rendering in every other integration
test. This machine image also ships a newer terraform on PATH; when it is there (>= 1.6), the
`endpoints = {...}` / `use_path_style` rendering and S3-native locking (`use_lockfile`, 1.10+)
are proven against it. Without one, the tests are skipped and say why.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import FixtureProject

pytestmark = pytest.mark.integration


def modern_terraform() -> tuple[Path, tuple[int, ...]] | None:
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        candidate = shutil.which("terraform", path=directory)
        if candidate is None:
            continue
        try:
            answer = subprocess.run(
                [candidate, "version", "-json"], capture_output=True, text=True, timeout=30
            )
            version = tuple(
                int(p) for p in json.loads(answer.stdout)["terraform_version"].split(".")[:3]
            )
        except (OSError, ValueError, KeyError, subprocess.TimeoutExpired):
            continue
        if version >= (1, 6, 0):
            return Path(candidate), version
    return None


FOUND = modern_terraform()
needs_modern = pytest.mark.skipif(FOUND is None, reason="no terraform >= 1.6 on PATH")


@needs_modern
def test_endpoints_map_and_path_style_with_terraform_1_6_plus(
    basic_project: FixtureProject,
) -> None:
    assert FOUND is not None
    binary, version = FOUND
    p = basic_project
    p.env["TFCTL_TERRAFORM_BIN"] = str(binary)
    init = p.run("init", "dev")
    assert init.returncode == 0, init.stderr
    rendered = (
        p.root / "terraform/environments/dev/.terraform/tfctl-backend.tfbackend"
    ).read_text()
    assert "endpoints = {" in rendered and "s3 =" in rendered
    if version >= (1, 11, 0):
        assert "dynamodb_table is deprecated" in init.stderr
    apply = p.run("apply", "dev", "--auto-approve")
    assert apply.returncode == 0, apply.stderr
    state = p.client("s3").get_object(Bucket=p.bucket, Key="env/dev/terraform.tfstate")
    assert json.loads(state["Body"].read())["terraform_version"] == ".".join(map(str, version))


@needs_modern
def test_use_lockfile_with_terraform_1_10_plus(basic_project: FixtureProject) -> None:
    assert FOUND is not None
    binary, version = FOUND
    if version < (1, 10, 0):
        pytest.skip(f"terraform {'.'.join(map(str, version))} has no use_lockfile")
    p = basic_project
    p.env.update(TFCTL_TERRAFORM_BIN=str(binary), TFCTL_USE_LOCKFILE="true")
    apply = p.run("apply", "dev", "--auto-approve")
    assert apply.returncode == 0, apply.stderr
    replan = p.run("plan", "dev", "--detailed-exitcode")
    assert replan.returncode == 0, replan.stderr
    keys = [o["Key"] for o in p.client("s3").list_objects_v2(Bucket=p.bucket).get("Contents", [])]
    assert keys == ["env/dev/terraform.tfstate"]  # the .tflock object is gone after each run
