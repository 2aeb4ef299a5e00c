"""Run real environments offline: a Project routed to the sandbox, and the one-command demo.

`sandbox_project()` is what `--sandbox` (TFCTL_SANDBOX=1) uses: a copy of the repository's
terraform/ tree inside the sandbox directory (so lock files and .terraform never touch the
repository), the local S3/DynamoDB endpoint, the emulated providers, fake credentials and
generated values for the roots' sensitive variables, all registered with the masker.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tfctl.errors import ConfigError, DriftDetected
from tfctl.sandbox import endpoint as endpoints
from tfctl.sandbox.install import (
    FAKE_CREDENTIALS,
    SandboxLayout,
    copy_workspace,
    install,
)
from tfctl.settings import CONFIG_FILE, read_config_file
from tfctl.terraform import BUNDLED, bundled_terraform

if TYPE_CHECKING:
    from tfctl.masking import Masker
    from tfctl.project import Environment, Project
    from tfctl.results import OutputValue

VARIABLES_FILE = "variables.json"
# Variables of the caller's environment that would send a sandbox run to real services.
_ROUTED_PREFIXES = ("AWS_", "CLICKHOUSE", "UPSTASH", "TF_VAR_", "TFCTL_ROOT")
_ROUTED_NAMES = (
    "TF_CLI_CONFIG_FILE",
    "TF_DATA_DIR",
    "TF_REATTACH_PROVIDERS",
    "TF_PLUGIN_CACHE_DIR",
)
_SENSITIVE_VARIABLE = re.compile(
    r'variable\s+"(?P<name>[A-Za-z0-9_-]+)"\s*\{(?P<body>(?:[^{}]|\{[^{}]*\})*)\}', re.S
)

StepCallback = Callable[[str, float, str], None]


def default_sandbox_dir(root: Path, environ: Mapping[str, str]) -> Path:
    """TFCTL_SANDBOX_DIR, else a per-repository folder under the user's cache (outside the repo)."""
    if environ.get("TFCTL_SANDBOX_DIR"):
        return Path(environ["TFCTL_SANDBOX_DIR"]).expanduser().resolve()
    cache = Path(environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    digest = hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:10]
    return cache / "tfctl" / f"sandbox-{digest}"


def sensitive_variables(environments_dir: Path) -> list[str]:
    """Names of sensitive variables without a default, in every environment root."""
    names: set[str] = set()
    for variables in sorted(environments_dir.glob("*/*.tf")):
        for match in _SENSITIVE_VARIABLE.finditer(variables.read_text()):
            body = match.group("body")
            if re.search(r"^\s*sensitive\s*=\s*true", body, re.M) and not re.search(
                r"^\s*default\s*=", body, re.M
            ):
                names.add(match.group("name"))
    return sorted(names)


def _fake_secret() -> str:
    # Meets the modules' password rules: length, lower, upper, digit and a special character.
    return f"Sbx-{secrets.token_hex(8)}-Q7!"


def sandbox_variables(layout: SandboxLayout, names: list[str]) -> dict[str, str]:
    """Stable generated values for sensitive variables, kept (0600) until the sandbox is removed."""
    path = layout.root / VARIABLES_FILE
    try:
        values: dict[str, str] = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        values = {}
    missing = [n for n in names if n not in values]
    if missing:
        values.update({n: _fake_secret() for n in missing})
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(values, handle)
    return {n: values[n] for n in names}


def sandbox_environ(
    base: Mapping[str, str],
    layout: SandboxLayout,
    endpoint: endpoints.Endpoint,
    variables: Mapping[str, str],
) -> dict[str, str]:
    """The process environment of a sandboxed Project: real-service variables replaced."""
    environ = {
        k: v
        for k, v in base.items()
        if not k.startswith(_ROUTED_PREFIXES) and k not in _ROUTED_NAMES
    }
    environ.update(FAKE_CREDENTIALS)
    if (
        not environ.get("TFCTL_TERRAFORM_BIN")
        and "terraform_bin" not in read_config_file(layout.workspace / CONFIG_FILE)
        and bundled_terraform(environ) is not None
    ):
        # The rehearsal runs the tested Terraform (the bundled one), not whatever PATH holds,
        # unless TFCTL_TERRAFORM_BIN or tfctl.toml names one.
        environ["TFCTL_TERRAFORM_BIN"] = BUNDLED
    environ["AWS_ENDPOINT_URL"] = endpoint.url
    environ["TF_CLI_CONFIG_FILE"] = str(layout.cli_config)
    environ["CHECKPOINT_DISABLE"] = "1"
    if endpoint.reattach:
        environ["TF_REATTACH_PROVIDERS"] = endpoint.reattach
    environ.update({f"TF_VAR_{name}": value for name, value in variables.items()})
    return environ


def sandbox_project(
    root: Path,
    *,
    sandbox_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
    require_running: bool = True,
    **project_options: Any,
) -> Project:
    """A Project over the sandbox copy of `root`, talking to the running sandbox endpoint.

    Raises ConfigError when no sandbox endpoint runs (start one with `tfctl sandbox up`).
    """
    from tfctl.project import Project

    base = dict(os.environ if environ is None else environ)
    directory = sandbox_dir or default_sandbox_dir(root, base)
    endpoint = endpoints.running(directory)
    if endpoint is None:
        if require_running:
            raise ConfigError(
                "no sandbox is running", hint="start one with `tfctl sandbox up` (or use demo)"
            )
        endpoint = endpoints.start(directory)
    layout = install(directory)
    workspace = copy_workspace(root, layout)
    variables = sandbox_variables(layout, sensitive_variables(root / "terraform" / "environments"))
    project = Project.discover(
        workspace,
        environ=sandbox_environ(base, layout, endpoint, variables),
        **project_options,
    )
    for name in ("CLICKHOUSE_CLOUD_API_SECRET", "UPSTASH_API_KEY", "AWS_SECRET_ACCESS_KEY"):
        project.masker.register(FAKE_CREDENTIALS[name])
    for value in variables.values():
        project.masker.register(value)
    return project


def bootstrap_backend(project: Project) -> None:
    """Create the state bucket and lock table on the sandbox endpoint."""
    import boto3

    from tfctl.backend import bootstrap

    environ = project.environ
    settings = project.settings
    session = boto3.Session(
        aws_access_key_id=environ["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=environ["AWS_SECRET_ACCESS_KEY"],
        region_name=settings.region,
    )
    bootstrap(
        bucket=settings.state_bucket,
        table=settings.lock_table,
        region=settings.region,
        endpoint=environ["AWS_ENDPOINT_URL"],
        session=session,
    )  # a plain-HTTP endpoint: bootstrap leaves out the TLS-only policy by itself


@dataclass
class DemoReport:
    """What one demo run did: timed steps, the outputs (secrets wrapped), and what it left."""

    environment: str
    steps: list[tuple[str, float, str]] = field(default_factory=list)
    outputs: dict[str, OutputValue] = field(default_factory=dict)
    created: int = 0
    destroyed: int = 0
    kept: bool = False
    sandbox_dir: Path | None = None

    @property
    def seconds(self) -> float:
        """Total wall time of the steps."""
        return sum(s for _n, s, _d in self.steps)


def destroyable(env: Environment) -> list[str]:
    """Every address a destroy would remove: a protected environment's sandbox copy is fake."""
    if not env.protected:
        return []
    return [change.address for change in env.plan(destroy=True).changes]


def run_demo(
    root: Path,
    environment: str,
    *,
    keep: bool = False,
    sandbox_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
    on_step: StepCallback | None = None,
    masker: Masker | None = None,
    **project_options: Any,
) -> DemoReport:
    """Endpoint, bootstrap, init, validate, plan, apply, outputs, re-plan (no changes), destroy.

    With `keep`, the resources, the endpoint and the sandbox directory stay for `--sandbox` runs
    (`tfctl sandbox down` removes them); otherwise everything is stopped and deleted.
    Raises DriftDetected when the re-plan after apply is not empty.
    """
    base = dict(os.environ if environ is None else environ)
    directory = sandbox_dir or default_sandbox_dir(root, base)
    report = DemoReport(environment, kept=keep, sandbox_dir=directory)
    started_here = endpoints.running(directory) is None

    def step(name: str, action: Callable[[], str]) -> None:
        started = time.monotonic()
        detail = action()
        elapsed = time.monotonic() - started
        report.steps.append((name, elapsed, detail))
        if on_step is not None:
            on_step(name, elapsed, detail)

    holder: dict[str, Any] = {}
    try:
        step("endpoint", lambda: f"local S3/DynamoDB at {endpoints.start(directory).url}")
        options = dict(project_options)
        if masker is not None:
            options["masker"] = masker
        project = sandbox_project(root, sandbox_dir=directory, environ=base, **options)
        env = project.environment(environment)
        env.check_required_version()  # the wrong terraform stops the demo before bootstrap
        holder["env"] = env

        def bootstrap() -> str:
            bootstrap_backend(project)
            return f"bucket {project.settings.state_bucket}, table {project.settings.lock_table}"

        step("bootstrap", bootstrap)

        def init() -> str:
            env.init()
            found = env.terraform_binary
            where = found.describe()
            if found.bundled and project.environ.get("TFCTL_TERRAFORM_BIN") == BUNDLED:
                where = f"{found.path} (bundled: the sandbox's choice unless TFCTL_TERRAFORM_BIN"
                where += " or tfctl.toml names a terraform)"
            return f"providers from the sandbox mirror; terraform {env.version} at {where}"

        def validate() -> str:
            env.validate()
            return "configuration is valid"

        step("init", init)
        step("validate", validate)

        def plan() -> str:
            result = env.plan()
            return f"{result.add} to add, {result.change} to change, {result.remove} to destroy"

        step("plan", plan)

        def apply() -> str:
            result = env.apply(approve=lambda _plan: True)
            report.created = result.add
            return f"{result.add} added, {result.change} changed, {result.remove} destroyed"

        step("apply", apply)

        def outputs() -> str:
            report.outputs = env.outputs()
            return f"{len(report.outputs)} outputs"

        step("outputs", outputs)

        def replan() -> str:
            result = env.plan(detailed_exitcode=True)
            if result.has_changes:
                raise DriftDetected(
                    f"the re-plan of {environment} after apply is not empty "
                    f"({result.add} to add, {result.change} to change, {result.remove} to destroy)",
                    hint="an emulated provider is not idempotent; report it with the plan",
                )
            return "no changes"

        step("re-plan", replan)
        if not keep:

            def destroy() -> str:
                result = env.destroy(approve=lambda _plan: True, allow_destroy=destroyable(env))
                report.destroyed = result.remove
                return f"{result.remove} destroyed"

            step("destroy", destroy)
    finally:
        if not keep and started_here:
            endpoints.stop(directory)
            from tfctl.sandbox.install import remove

            remove(directory)
    return report


def down(
    root: Path, *, sandbox_dir: Path | None = None, environ: Mapping[str, str] | None = None
) -> bool:
    """Stop the sandbox's services and delete its directory; False when nothing was there."""
    base = dict(os.environ if environ is None else environ)
    directory = sandbox_dir or default_sandbox_dir(root, base)
    stopped = endpoints.stop(directory)
    existed = directory.is_dir()
    from tfctl.sandbox.install import remove

    remove(directory)
    return stopped or existed


def up(
    root: Path, *, sandbox_dir: Path | None = None, environ: Mapping[str, str] | None = None
) -> endpoints.Endpoint:
    """Start (or find) the background services, lay out the files, bootstrap the state backend."""
    base = dict(os.environ if environ is None else environ)
    directory = sandbox_dir or default_sandbox_dir(root, base)
    endpoint = endpoints.start(directory)
    bootstrap_backend(sandbox_project(root, sandbox_dir=directory, environ=base))
    return endpoint
