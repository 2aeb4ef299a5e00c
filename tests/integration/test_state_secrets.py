"""No supplied ClickHouse password reaches the state: the dev root applied in the sandbox.

The sandbox runs the real dev environment with the emulated protocol-6 providers, Terraform
>= 1.11 and the local S3 endpoint. The three ClickHouse passwords are known here; every version
of the state object in the bucket is searched for them in every form a provider or Terraform
could store: the value, its hex and base64 SHA256 (hash arguments), its double SHA1 (MySQL
protocol), its base64 and URL-encoded forms. The qstash_token output is the documented exception
(terraform/environments/README.md) and must be found, which also proves the search sees values.
Rotation follows the README: a new password alone changes nothing, a new version updates in place.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tfctl.sandbox.demo import VARIABLES_FILE, down, run_demo, sandbox_project

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
# Meet the modules' password rules; distinct so that a leak names its source.
WRITE_ONLY = {
    "clickhouse_admin_password": "Adm1n!state-probe-Q7x",
    "clickhouse_app_user_password": "App2!state-probe-R8y",
    "clickhouse_cdc_user_password": "Cdc3!state-probe-S9z",
}
QSTASH_TOKEN = "qstash-state-probe-token-T0w"


def stored_forms(secret: str) -> dict[str, str]:
    """Every encoding of `secret` a state file could hold."""
    raw = secret.encode()
    digest = hashlib.sha256(raw).digest()
    return {
        "value": secret,
        "json-escaped": json.dumps(secret)[1:-1],
        "url-encoded": urllib.parse.quote(secret, safe=""),
        "base64": base64.b64encode(raw).decode(),
        "sha256 hex": digest.hex(),
        "sha256 HEX": digest.hex().upper(),
        "base64 sha256": base64.b64encode(digest).decode(),
        "double sha1 hex": hashlib.sha1(hashlib.sha1(raw).digest()).hexdigest(),
    }


def state_versions(project: Any, key: str) -> list[str]:
    """Every stored version of the state object, newest first."""
    import boto3

    environ = project.environ
    s3 = boto3.client(
        "s3",
        endpoint_url=environ["AWS_ENDPOINT_URL"],
        region_name=project.settings.region,
        aws_access_key_id=environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=environ["AWS_SECRET_ACCESS_KEY"],
    )
    bucket = project.settings.state_bucket
    listed = s3.list_object_versions(Bucket=bucket, Prefix=key).get("Versions", [])
    versions = [v for v in listed if v["Key"] == key]
    versions.sort(key=lambda v: v["LastModified"], reverse=True)
    bodies = [
        s3.get_object(Bucket=bucket, Key=key, VersionId=v["VersionId"])["Body"].read().decode()
        for v in versions
    ]
    if not bodies:  # an unversioned bucket keeps only the current object
        bodies = [s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()]
    return bodies


def instances(state: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """Attributes of every instance of one resource type, by resource name."""
    return {
        resource["name"]: instance["attributes"]
        for resource in state["resources"]
        if resource["type"] == resource_type and resource.get("mode") == "managed"
        for instance in resource["instances"]
    }


def write_variables(sandbox_dir: Path, values: dict[str, str]) -> None:
    """The sandbox takes its secret variables from variables.json; give it known ones."""
    sandbox_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = sandbox_dir / VARIABLES_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(values, handle)


def assert_no_leak(bodies: list[str], secrets: dict[str, str]) -> None:
    leaks = [
        f"{name} as {form} in state version {index}"
        for index, body in enumerate(bodies)
        for name, secret in secrets.items()
        for form, text in stored_forms(secret).items()
        if text in body
    ]
    assert leaks == []


@pytest.fixture(scope="module")
def sandbox_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The dev environment applied once in a sandbox with known secrets; removed afterwards."""
    directory = tmp_path_factory.mktemp("state-secrets") / "sbx"
    write_variables(directory, {**WRITE_ONLY, "qstash_token": QSTASH_TOKEN})
    try:
        report = run_demo(ROOT, "dev", keep=True, sandbox_dir=directory, environ={})
        assert report.created > 10
        yield directory
    finally:
        down(ROOT, sandbox_dir=directory)
    assert not directory.exists()


def test_dev_state_holds_no_supplied_clickhouse_password(sandbox_dir: Path) -> None:
    project = sandbox_project(ROOT, sandbox_dir=sandbox_dir, environ={})
    bodies = state_versions(project, project.environment("dev").state_key)
    state = json.loads(bodies[0])
    version = tuple(int(p) for p in state["terraform_version"].split("-")[0].split("."))
    assert version >= (1, 11, 0)
    assert_no_leak(bodies, WRITE_ONLY)

    # Write-only arguments are stored as null; only their versions are kept.
    (service,) = instances(state, "clickhouse_service").values()
    assert service["password_wo"] is None
    assert service["password_wo_version"] == 1
    assert service.get("password_hash") is None and service.get("password") is None
    users = instances(state, "clickhousedbops_user")
    assert set(users) == {"app", "cdc"}
    for user in users.values():
        assert user.get("password_sha256_hash") is None
        (method,) = user["auth"]["sha256_hash"]
        assert method["value_wo"] is None
        assert method["value_wo_version"] == 1

    # The documented exception: the passed-through qstash_token output, nowhere else.
    outputs = state["outputs"]
    assert outputs["qstash_token"] == {"value": QSTASH_TOKEN, "type": "string", "sensitive": True}
    assert bodies[0].count(QSTASH_TOKEN) == 1
    connection = outputs["clickhouse_connection_string"]["value"]
    assert connection.startswith("https://default@") and "default:" not in connection


def test_rotation_needs_a_new_version_and_updates_in_place(sandbox_dir: Path) -> None:
    rotated = {**WRITE_ONLY, "clickhouse_app_user_password": "App4!rotated-probe-U1v"}
    write_variables(sandbox_dir, {**rotated, "qstash_token": QSTASH_TOKEN})
    project = sandbox_project(ROOT, sandbox_dir=sandbox_dir, environ={})
    env = project.environment("dev")

    # Terraform cannot see a write-only value change: a new password alone plans nothing.
    assert not env.plan().has_changes

    (env.path / "rotation.auto.tfvars").write_text("clickhouse_app_user_password_version = 2\n")
    plan = env.plan()
    assert [(c.address, c.action) for c in plan.changes] == [
        ("module.platform.module.database_access.clickhousedbops_user.app", "update")
    ]
    applied = env.apply(approve=lambda _plan: True)
    assert (applied.add, applied.change, applied.remove) == (0, 1, 0)

    bodies = state_versions(project, env.state_key)
    assert_no_leak(
        bodies, {**WRITE_ONLY, "rotated app password": rotated["clickhouse_app_user_password"]}
    )
    users = instances(json.loads(bodies[0]), "clickhousedbops_user")
    assert users["app"]["auth"]["sha256_hash"][0]["value_wo_version"] == 2
    assert users["cdc"]["auth"]["sha256_hash"][0]["value_wo_version"] == 1
