"""The emulated providers under real Terraform versions, failing and passing where the real ones do.

ClickHouse is a terraform-plugin-framework provider on plugin protocol 6 with nested attributes.
Terraform 1.0.3 cannot follow a reference into a nested attribute ("Unsupported attribute": its
static check applies the traversal to the attribute's `type`, which protocol 6 leaves empty),
crashes planning an unset optional single nested attribute, and is refused write-only values by
the framework (they need 1.11). Terraform 1.15.5 does all of it. Upstash stays on protocol 5
(terraform-plugin-sdk v2.7); clickhousedbops is protocol 6 without nested attributes in use here.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.harness import SandboxRoot
from tfctl.sandbox.host import start_host

pytestmark = pytest.mark.integration


PROVIDERS = """\
terraform {
  required_providers {
    clickhouse = {
      source  = "ClickHouse/clickhouse"
      version = "3.25.3"
    }
    clickhousedbops = {
      source  = "ClickHouse/clickhousedbops"
      version = "1.11.2"
    }
    upstash = {
      source  = "upstash/upstash"
      version = "2.0.1"
    }
  }
}

provider "clickhouse" {}

provider "upstash" {}

variable "password_wo_version" {
  type    = number
  default = 1
}

variable "password" {
  type      = string
  default   = "fixture-password-not-secret"
  sensitive = true
}
"""

SERVICE = """\
resource "clickhouse_service" "x" {
  name                  = "fidelity"
  cloud_provider        = "aws"
  region                = "us-east-1"
  min_replica_memory_gb = 8
  max_replica_memory_gb = 16
  idle_scaling          = false
  %(password)s
  ip_access = [{
    source      = "203.0.113.0/24"
    description = "office"
  }]
}
"""
PASSWORD = 'password = "fixture-password-not-secret"'
PASSWORD_WO = "password_wo = var.password\n  password_wo_version = var.password_wo_version"

NESTED_REFERENCE = """\
resource "upstash_qstash_topic_v2" "t" {
  name      = "events"
  endpoints = ["https://${clickhouse_service.x.endpoints.https.host}/ingest"]
}

output "host" {
  value = clickhouse_service.x.endpoints.https.host
}
"""

DBOPS = """\
provider "clickhousedbops" {
  host     = "sandbox.clickhouse.cloud"
  port     = 8443
  protocol = "https"
  auth_config = {
    strategy = "basicauth"
    username = "default"
    password = "fixture-password-not-secret"
  }
}

resource "clickhousedbops_database" "d" {
  name = "analytics"
}
"""

REDIS = """\
resource "upstash_redis_database" "r" {
  database_name  = "cache"
  region         = "global"
  primary_region = "us-east-1"
  tls            = true
}
"""


def make_root(tmp_path: Path, terraform: Path, text: str, *, init: bool = True) -> SandboxRoot:
    root = tmp_path / "root"
    root.mkdir(parents=True)
    (root / "main.tf").write_text(PROVIDERS + text)
    made = SandboxRoot.create(root, tmp_path / "sandbox", terraform, "fidelity")
    if init:
        made.run("init", "-input=false")
    return made


def squeezed(result: subprocess.CompletedProcess[str]) -> str:
    return " ".join((result.stdout + result.stderr).split())


def test_terraform_1_0_3_cannot_reference_into_a_nested_attribute(
    tmp_path: Path, terraform_1_0_3: Path
) -> None:
    root = make_root(tmp_path, terraform_1_0_3, SERVICE % {"password": PASSWORD} + NESTED_REFERENCE)
    result = root.run("validate", check=False)
    assert result.returncode == 1
    text = squeezed(result)
    assert "Error: Unsupported attribute" in text
    assert "clickhouse_service.x.endpoints.https.host" in text
    assert "This value does not have any attributes." in text


def test_terraform_1_15_validates_the_same_root(tmp_path: Path, terraform_bin: Path) -> None:
    root = make_root(tmp_path, terraform_bin, SERVICE % {"password": PASSWORD} + NESTED_REFERENCE)
    assert "configuration is valid" in root.run("validate").stdout


def test_terraform_1_0_3_is_refused_write_only_values(
    tmp_path: Path, terraform_1_0_3: Path
) -> None:
    root = make_root(tmp_path, terraform_1_0_3, SERVICE % {"password": PASSWORD_WO})
    result = root.run("validate", check=False)
    assert result.returncode == 1
    text = squeezed(result)
    assert "Error: WriteOnly Attribute Not Allowed" in text
    assert "Write-only attributes are only supported in Terraform 1.11 and later." in text


def test_terraform_1_0_3_crashes_planning_an_unset_single_nested_attribute(
    tmp_path: Path, terraform_1_0_3: Path
) -> None:
    # objchange.proposedNewNestedType reads attributes of the null config object (fixed in 1.1).
    root = make_root(tmp_path, terraform_1_0_3, SERVICE % {"password": PASSWORD})
    result = root.run("plan", "-input=false", check=False)
    assert result.returncode != 0
    text = squeezed(result)
    assert "Terraform crashed!" in text
    assert "objchange.proposedNewNestedType" in text


def test_write_only_password_never_reaches_state_and_destroy_is_planned(
    tmp_path: Path, terraform_bin: Path
) -> None:
    root = make_root(
        tmp_path, terraform_bin, SERVICE % {"password": PASSWORD_WO} + NESTED_REFERENCE + REDIS
    )
    root.run("apply", "-auto-approve", "-input=false")
    state = root.state()
    service = state["clickhouse_service.x"]
    assert service["password_wo"] is None
    assert service["password_wo_version"] == 1
    assert "fixture-password-not-secret" not in (root.path / "terraform.tfstate").read_text()
    assert str(state["upstash_qstash_topic_v2.t"]["endpoints"]).endswith("/ingest']")

    unchanged = root.run("plan", "-input=false", "-detailed-exitcode", check=False)
    assert unchanged.returncode == 0, unchanged.stdout + unchanged.stderr
    rotated = root.run(
        "plan", "-input=false", "-detailed-exitcode", "-var", "password=another-one", check=False
    )
    assert rotated.returncode == 0, rotated.stdout + rotated.stderr  # write-only: no diff
    bumped = root.run(
        "plan", "-input=false", "-detailed-exitcode", "-var", "password_wo_version=2", check=False
    )
    assert bumped.returncode == 2
    assert "password_wo_version = 1 -> 2" in " ".join(bumped.stdout.split())

    # The framework plans its destroys (plan_destroy): Terraform sends null config and proposed
    # state and must get a null planned state back.
    destroy = root.run("destroy", "-auto-approve", "-input=false")
    assert "Destroy complete! Resources: 3 destroyed." in destroy.stdout
    assert root.cloud.count() == 0


PARTIAL_NESTED = """\
resource "clickhouse_service" "x" {
  name                  = "fidelity"
  cloud_provider        = "aws"
  region                = "us-east-1"
  min_replica_memory_gb = 8
  max_replica_memory_gb = 16
  idle_scaling          = false
  password              = "fixture-password-not-secret"
  ip_access = [{
    source      = "203.0.113.0/24"
    description = "office"
  }]
  endpoints = {
    mysql = { enabled = true }
  }
}
"""


def test_optional_attributes_of_nested_objects_may_be_left_out(
    tmp_path: Path, terraform_bin: Path
) -> None:
    root = make_root(tmp_path, terraform_bin, PARTIAL_NESTED + NESTED_REFERENCE)
    plan = " ".join(root.run("plan", "-input=false").stdout.split())
    # Configured, so walked rather than planned wholly unknown; left-out computed parts unknown.
    assert "+ https = (known after apply)" in plan
    assert "+ enabled = true + host = (known after apply)" in plan
    root.run("apply", "-auto-approve", "-input=false")
    endpoints = root.state()["clickhouse_service.x"]["endpoints"]
    assert isinstance(endpoints, dict)
    assert endpoints["mysql"]["enabled"] is True
    assert endpoints["https"]["host"].endswith(".clickhouse.cloud")
    replan = root.run("plan", "-input=false", "-detailed-exitcode", check=False)
    assert replan.returncode == 0, replan.stdout + replan.stderr
    root.run("destroy", "-auto-approve", "-input=false")


@pytest.fixture
def host(tmp_path: Path) -> Iterator[str]:
    reattach, servers = start_host(tmp_path / "host")
    yield reattach
    for server in servers:
        server.stop(grace=None)


def test_reattached_providers_speak_6_and_5(
    tmp_path: Path, terraform_bin: Path, terraform_1_0_3: Path, host: str
) -> None:
    versions = {address: entry["ProtocolVersion"] for address, entry in json.loads(host).items()}
    assert versions == {
        "registry.terraform.io/clickhouse/clickhouse": 6,
        "registry.terraform.io/clickhouse/clickhousedbops": 6,
        "registry.terraform.io/upstash/upstash": 5,
    }
    current = SERVICE % {"password": PASSWORD_WO} + NESTED_REFERENCE + DBOPS + REDIS
    for terraform, name, text, count in (
        (terraform_bin, "current", current, 4),
        (terraform_1_0_3, "old", DBOPS + REDIS, 2),
    ):
        root = make_root(tmp_path / name, terraform, text)
        root.env["TF_REATTACH_PROVIDERS"] = host
        result = root.run("apply", "-auto-approve", "-input=false")
        assert f"Resources: {count} added" in result.stdout
        replan = root.run("plan", "-input=false", "-detailed-exitcode", check=False)
        assert replan.returncode == 0, replan.stdout + replan.stderr
        root.run("destroy", "-auto-approve", "-input=false")
