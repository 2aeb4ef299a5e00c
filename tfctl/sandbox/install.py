"""Lay out the sandbox: a filesystem mirror of launcher providers, a CLI config, a workspace.

Terraform installs providers from a `filesystem_mirror` named by the CLI config file that
TF_CLI_CONFIG_FILE points at. Each provider package holds one small executable launcher (shebang
to this interpreter) that imports tfctl from where it is installed: `terraform init` hashes the
package directory into the lock file, so the Python code stays outside it. Environments are run
from a copy of terraform/ inside the sandbox, so their lock files and .terraform directories never
touch the repository's own.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from tfctl.sandbox.tls import TLS_DIR, write_server_certificate

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "provider_schemas"
CODE_ROOT = Path(__file__).resolve().parent.parent.parent
REGISTRY_HOST = "registry.terraform.io"
PLATFORM = "linux_amd64"
NULL_PROVIDER = ("hashicorp", "null", "2.1.2", "terraform-provider-null_v2.1.2_x4")

# Fake credentials the emulated providers accept; masked like real ones by whoever prints output.
FAKE_CREDENTIALS: dict[str, str] = {
    "CLICKHOUSE_ORG_ID": "00000000-0000-4000-8000-000000000000",
    "CLICKHOUSE_CLOUD_API_KEY": "sandboxkey",
    "CLICKHOUSE_CLOUD_API_SECRET": "sandbox-secret-not-real",
    "UPSTASH_EMAIL": "sandbox@example.com",
    "UPSTASH_API_KEY": "sandbox-upstash-key-not-real",
    "AWS_ACCESS_KEY_ID": "sandbox",
    "AWS_SECRET_ACCESS_KEY": "sandbox-secret-not-real",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
}


@dataclass(frozen=True)
class EmulatedProvider:
    """One provider the sandbox emulates, as named by its schema document."""

    name: str  # schema file stem and the launcher's argument, e.g. "clickhouse"
    namespace: str
    type: str
    version: str

    @property
    def address(self) -> str:
        """The lower-case registry address Terraform normalises the source to."""
        return f"{REGISTRY_HOST}/{self.namespace}/{self.type}"

    @property
    def binary_name(self) -> str:
        """The file name Terraform expects inside an unpacked provider package."""
        return f"terraform-provider-{self.type}_v{self.version}"


@dataclass(frozen=True)
class SandboxLayout:
    """Where a sandbox keeps its files."""

    root: Path

    @property
    def mirror(self) -> Path:
        """The filesystem mirror of provider packages."""
        return self.root / "mirror"

    @property
    def cli_config(self) -> Path:
        """The Terraform CLI config (TF_CLI_CONFIG_FILE)."""
        return self.root / "terraformrc"

    @property
    def workspace(self) -> Path:
        """A project root holding a copy of the repository's terraform/ tree."""
        return self.root / "workspace"

    def data_dir(self, environment: str) -> Path:
        """TF_DATA_DIR for one environment."""
        return self.root / "data" / environment


def emulated_providers(schema_dir: Path = SCHEMA_DIR) -> list[EmulatedProvider]:
    """Every provider with a schema document, in name order."""
    providers = []
    for path in sorted(schema_dir.glob("*.json")):
        document = json.loads(path.read_text())
        namespace, type_name = document["source"].lower().split("/")
        providers.append(EmulatedProvider(path.stem, namespace, type_name, document["version"]))
    return providers


def launcher_text(provider: str, sandbox_dir: Path, python: str = sys.executable) -> str:
    """The executable a provider package holds: this interpreter, isolated, serving one provider."""
    return (
        f"#!{python} -I\n"
        "import sys\n"
        f"sys.path.insert(0, {str(CODE_ROOT)!r})\n"
        "from tfctl.sandbox.plugin_server import serve\n"
        f"serve({provider!r}, {str(sandbox_dir)!r})\n"
    )


def install(sandbox_dir: Path, *, python: str = sys.executable) -> SandboxLayout:
    """Write the mirror, the CLI config and the TLS certificate; idempotent."""
    layout = SandboxLayout(sandbox_dir.resolve())
    layout.root.mkdir(mode=0o700, parents=True, exist_ok=True)
    includes = []
    for provider in emulated_providers():
        package = layout.mirror / provider.address / provider.version / PLATFORM
        package.mkdir(parents=True, exist_ok=True)
        launcher = package / provider.binary_name
        text = launcher_text(provider.name, layout.root, python)
        if not launcher.is_file() or launcher.read_text() != text:
            launcher.write_text(text)
            launcher.chmod(0o755)
        includes.append(provider.address)
    null_binary = Path(sys.prefix) / "lib" / NULL_PROVIDER[3]
    if null_binary.is_file():
        namespace, type_name, version, binary = NULL_PROVIDER
        package = layout.mirror / REGISTRY_HOST / namespace / type_name / version / PLATFORM
        package.mkdir(parents=True, exist_ok=True)
        if not (package / binary).exists():
            shutil.copy2(null_binary, package / binary)
        includes.append(f"{REGISTRY_HOST}/{namespace}/{type_name}")
    include_list = ", ".join(json.dumps(i) for i in includes)
    layout.cli_config.write_text(
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f"    path    = {json.dumps(str(layout.mirror))}\n"
        f"    include = [{include_list}]\n"
        "  }\n"
        "}\n"
    )
    if not (layout.root / TLS_DIR / "server.pem").is_file():
        write_server_certificate(layout.root / TLS_DIR)
    return layout


_NOT_COPIED = (".terraform", ".terraform.lock.hcl", "*.tfstate", "*.tfstate.*", "*.tfplan")


def _mirror(source: Path, target: Path) -> None:
    """Make `target` hold `source`'s files (rewriting only those that differ, removing those gone),
    leaving alone what is never copied: the sandbox's own .terraform dirs, lock files, state."""
    names = os.listdir(source)
    skipped = shutil.ignore_patterns(*_NOT_COPIED)(str(source), names)
    target.mkdir(parents=True, exist_ok=True)
    wanted = {name for name in names if name not in skipped}
    for name in sorted(wanted):
        src, dst = source / name, target / name
        if src.is_dir():
            if dst.exists() and not dst.is_dir():
                dst.unlink()
            _mirror(src, dst)
        elif not dst.is_file() or dst.read_bytes() != src.read_bytes():
            if dst.is_dir():
                shutil.rmtree(dst)
            shutil.copy2(src, dst)
    present = os.listdir(target)
    kept = shutil.ignore_patterns(*_NOT_COPIED)(str(target), present)
    for name in present:
        if name not in wanted and name not in kept:
            gone = target / name
            if gone.is_dir() and not gone.is_symlink():
                shutil.rmtree(gone)
            else:
                gone.unlink()


def copy_workspace(project_root: Path, layout: SandboxLayout) -> Path:
    """Mirror terraform/ (no .terraform dirs, lock files, state) into the sandbox; return its root.

    Each environment's .terraform survives between runs, so `init` runs again only when what it
    depends on changed (it took about as long as the plan itself on every sandbox command).
    """
    _mirror(project_root / "terraform", layout.workspace / "terraform")
    for name in ("tfctl.toml",):
        if (project_root / name).is_file():
            shutil.copy2(project_root / name, layout.workspace / name)
    return layout.workspace


def terraform_environment(layout: SandboxLayout, environment: str) -> dict[str, str]:
    """Variables pointing a terraform child at the sandbox mirror, data dir and fake credentials."""
    data_dir = layout.data_dir(environment)
    data_dir.mkdir(parents=True, exist_ok=True)
    env = dict(FAKE_CREDENTIALS)
    env["TF_CLI_CONFIG_FILE"] = str(layout.cli_config)
    env["TF_DATA_DIR"] = str(data_dir)
    env["CHECKPOINT_DISABLE"] = "1"
    return env


def remove(sandbox_dir: Path) -> None:
    """Delete a sandbox directory and everything in it (fake cloud, certificates, workspace)."""
    if sandbox_dir.is_dir():
        shutil.rmtree(sandbox_dir)
