"""End to end: bootstrap the backend on moto, then the real Terraform 1.0.3 through `tfctl
init/apply` on a fixture root; concurrent applies serialise through the DynamoDB lock."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.conftest import FixtureProject, MotoServer, make_fixture_project
from tfctl.backend import bootstrap

pytestmark = pytest.mark.integration


def lock_items(project: FixtureProject) -> list[dict[str, Any]]:
    items = project.client("dynamodb").scan(TableName=project.table)["Items"]
    return [item for item in items if not item["LockID"]["S"].endswith("-md5")]


def start_apply(project: FixtureProject, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tfctl", "apply", "dev", "--auto-approve"],
        cwd=project.root,
        env={**project.env, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def bootstrapped(
    tmp_path: Path, moto_server: MotoServer, terraform_bin: Path, terraform_cli_config: Path
) -> FixtureProject:
    project = make_fixture_project(
        "basic",
        tmp_path,
        moto=moto_server,
        terraform_bin=terraform_bin,
        cli_config=terraform_cli_config,
        create_backend=False,
    )
    session = boto3.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
    )
    report = bootstrap(
        bucket=project.bucket,
        table=project.table,
        region="us-east-1",
        endpoint=moto_server.endpoint,
        session=session,
    )
    assert report.changed
    # On a plain-HTTP endpoint every request has aws:SecureTransport=false: no TLS-only policy.
    skipped = [row for row in report.settings if row.status == "skipped"]
    assert [row.setting for row in skipped] == ["tls-only policy"]
    return project


def test_bootstrap_then_init_apply_and_concurrent_applies_serialise(
    bootstrapped: FixtureProject,
) -> None:
    p = bootstrapped
    init = p.tfctl("init", "dev")
    assert init.returncode == 0, init.stderr

    first = start_apply(p, TF_VAR_sleep_seconds="4", TF_VAR_revision="2")
    deadline = time.monotonic() + 60
    # tfctl plans to a file, then applies it: the lock is free for a moment in between. Wait for
    # the lock of the apply itself, held for the whole 4 s the slow resource takes.
    while not any(
        "OperationTypeApply" in item.get("Info", {}).get("S", "") for item in lock_items(p)
    ):
        assert first.poll() is None, first.communicate()
        assert time.monotonic() < deadline, "the first apply never took the lock"
        time.sleep(0.05)
    # While it holds the lock: one apply that waits (default lock timeout), one that may not.
    waiting = start_apply(p, TF_VAR_sleep_seconds="0", TF_VAR_revision="3")
    impatient = start_apply(
        p, TF_VAR_sleep_seconds="0", TF_VAR_revision="4", TFCTL_LOCK_TIMEOUT="0s"
    )

    _, impatient_err = impatient.communicate(timeout=120)
    first_out, first_err = first.communicate(timeout=120)
    waiting_out, waiting_err = waiting.communicate(timeout=120)

    assert first.returncode == 0, first_err
    assert "2 added" in first_out or "2 added" in first_err
    assert waiting.returncode == 0, waiting_err
    # It planned only after the first released the lock, against the first's state: it replaces
    # both resources. Without the lock it would plan against empty state (nothing destroyed).
    assert "2 destroyed" in waiting_out + waiting_err, waiting_out
    assert impatient.returncode != 0
    assert "state is locked by" in impatient_err, impatient_err
    assert "Traceback" not in impatient_err

    s3 = p.client("s3")
    state = json.loads(
        s3.get_object(Bucket=p.bucket, Key="env/dev/terraform.tfstate")["Body"].read()
    )
    assert {r["name"] for r in state["resources"]} == {"app", "slow"}
    triggers = {
        r["name"]: r["instances"][0]["attributes"]["triggers"]["revision"]
        for r in state["resources"]
    }
    assert triggers == {"app": "3", "slow": "3"}
    assert lock_items(p) == []
    # Versioning from the bootstrap keeps earlier state versions as backups.
    versions = s3.list_object_versions(Bucket=p.bucket, Prefix="env/dev/terraform.tfstate")
    assert len(versions.get("Versions", [])) >= 2
