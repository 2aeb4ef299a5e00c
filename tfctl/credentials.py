"""Provider credentials and secret inputs: what a root needs, preflight, the child's environment.

An environment needs only the credentials of the providers its root actually requires (read from
its HCL), plus a value for each variable it declares `sensitive` without a default. Secret inputs
are read from `TF_VAR_<name>`, else from the upper-cased name (`QSTASH_TOKEN` for `qstash_token`),
and reach terraform only as `TF_VAR_<name>` in its environment: never `-var`, never a file.
Nothing here returns or formats a credential's value except `CredentialPlan.env`/`.secrets`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from tfctl import hcl
from tfctl.errors import ConfigError, CredentialsError

__all__ = [
    "PROVIDER_SPECS",
    "AwsIdentity",
    "CredentialPlan",
    "CredentialReport",
    "CredentialStatus",
    "MissingCredential",
    "ProviderSpec",
    "Requirement",
    "VariableSpec",
    "check_aws_identity",
    "doctor_report",
    "preflight",
    "require",
    "required_providers",
    "sensitive_variables",
    "variables",
]

log = logging.getLogger(__name__)

REGISTRY_PREFIX = "registry.terraform.io/"
# Read by terraform's s3 backend from the inherited environment; masked, never injected.
AWS_SECRET_NAMES = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


@dataclass(frozen=True)
class Requirement:
    """One credential a provider needs, satisfied by any one group of environment variables.

    With `mirror`, the chosen group's values are exported under every group's names, position by
    position, so any provider version finds the names it reads.
    """

    label: str
    alternatives: tuple[tuple[str, ...], ...]
    mirror: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for group in self.alternatives for name in group)


@dataclass(frozen=True)
class ProviderSpec:
    """The environment variables one provider reads for its configuration."""

    source: str
    title: str
    requirements: tuple[Requirement, ...]
    secret_names: frozenset[str]
    documented_at: str
    # passed through when set, never required
    optional: tuple[str, ...] = ()
    note: str = ""


PROVIDER_SPECS: Mapping[str, ProviderSpec] = {
    "clickhouse/clickhouse": ProviderSpec(
        source="clickhouse/clickhouse",
        title="ClickHouse Cloud",
        requirements=(
            Requirement("organization id", (("CLICKHOUSE_ORG_ID",),)),
            Requirement(
                "API key",
                # CLICKHOUSE_CLOUD_API_* are read from provider 3.16; CLICKHOUSE_TOKEN_* by all
                (
                    ("CLICKHOUSE_CLOUD_API_KEY", "CLICKHOUSE_CLOUD_API_SECRET"),
                    ("CLICKHOUSE_TOKEN_KEY", "CLICKHOUSE_TOKEN_SECRET"),
                ),
                mirror=True,
            ),
        ),
        secret_names=frozenset(
            {
                "CLICKHOUSE_CLOUD_API_KEY",
                "CLICKHOUSE_CLOUD_API_SECRET",
                "CLICKHOUSE_TOKEN_KEY",
                "CLICKHOUSE_TOKEN_SECRET",
            }
        ),
        documented_at="https://registry.terraform.io/providers/ClickHouse/clickhouse/latest/docs",
        optional=("CLICKHOUSE_API_URL",),
    ),
    "upstash/upstash": ProviderSpec(
        source="upstash/upstash",
        title="Upstash",
        requirements=(
            Requirement("account email", (("UPSTASH_EMAIL",),)),
            Requirement("API key", (("UPSTASH_API_KEY",),)),
        ),
        secret_names=frozenset({"UPSTASH_API_KEY"}),
        documented_at="https://registry.terraform.io/providers/upstash/upstash/latest/docs",
    ),
    "clickhouse/clickhousedbops": ProviderSpec(
        source="clickhouse/clickhousedbops",
        title="ClickHouse database users and grants",
        requirements=(),
        secret_names=frozenset(),
        documented_at="https://registry.terraform.io/providers/ClickHouse/clickhousedbops/latest/docs",
        note="configured from the root's variables (its password is a sensitive variable)",
    ),
}


@dataclass(frozen=True)
class VariableSpec:
    """A root module variable as far as credentials care."""

    name: str
    sensitive: bool
    has_default: bool
    declared_in: Path

    @property
    def env_name(self) -> str:
        return f"TF_VAR_{self.name}"

    @property
    def fallback_name(self) -> str:
        return self.name.upper()


@dataclass(frozen=True)
class MissingCredential:
    """A credential that is absent or empty: its name, alternatives, and where it is documented."""

    name: str
    documented_at: str
    alternatives: tuple[str, ...] = ()

    def __str__(self) -> str:
        if not self.alternatives:
            return self.name
        return f"{self.name} (or {' or '.join(self.alternatives)})"


@dataclass(frozen=True)
class CredentialPlan:
    """The outcome of preflight for one root.

    `env` goes into terraform's environment (process.child_environment); `secrets` go to
    Masker.register before terraform starts; `missing` is empty when the root can run.
    """

    env: dict[str, str] = field(repr=False)
    secrets: list[str] = field(repr=False)
    missing: list[MissingCredential]
    providers: frozenset[str] = frozenset()

    @property
    def ok(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class CredentialStatus:
    """Whether one credential is present, for `tfctl doctor`. Never holds the value."""

    scope: str
    name: str
    present: bool
    secret: bool
    required: bool
    documented_at: str
    alternatives: tuple[str, ...] = ()


@dataclass(frozen=True)
class CredentialReport:
    """Every credential a root needs and whether it is there (`tfctl doctor`)."""

    root: Path
    providers: tuple[str, ...]
    entries: tuple[CredentialStatus, ...]
    missing: tuple[MissingCredential, ...]
    unknown_providers: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.missing


@dataclass(frozen=True)
class AwsIdentity:
    """Who the state backend's AWS credentials belong to (STS GetCallerIdentity)."""

    account: str
    arn: str
    user_id: str


# -- reading the HCL --------------------------------------------------------------------------


def _normalise_source(source: str) -> str:
    source = source.strip().lower()
    return source.removeprefix(REGISTRY_PREFIX)


def required_versions(root: Path) -> list[tuple[str, str]]:
    """Every `required_version` of `root` and its local modules, as (constraint, file path)."""
    found: list[tuple[str, str]] = []
    for _directory, path, document in hcl.walk_modules(root):
        for terraform in hcl.blocks(document, "terraform"):
            constraint = terraform.get("required_version")
            if isinstance(constraint, str) and constraint.strip():
                found.append((constraint, str(path)))
    return found


def required_providers(root: Path) -> set[str]:
    """Lower-cased provider sources ("clickhouse/clickhouse") required by `root` and its local
    modules. An entry without `source` means "hashicorp/<name>", as terraform reads it."""
    found: set[str] = set()
    for _directory, _path, document in hcl.walk_modules(root):
        for terraform in hcl.blocks(document, "terraform"):
            for providers in terraform.get("required_providers", []) or []:
                if not isinstance(providers, dict):
                    continue
                for local_name, requirement in providers.items():
                    if local_name == "__is_block__":
                        continue
                    source = None
                    if isinstance(requirement, dict):
                        source = hcl.unquote(requirement.get("source"))
                    if not isinstance(source, str) or not source:
                        source = f"hashicorp/{local_name}"
                    found.add(_normalise_source(source))
    return found


def variables(root: Path) -> list[VariableSpec]:
    """Every variable declared in `root` (not in its modules), in name order."""
    specs: dict[str, VariableSpec] = {}
    for path in hcl.tf_files(root):
        for name, body in hcl.labelled(hcl.load(path), "variable"):
            specs[name] = VariableSpec(
                name=name,
                sensitive=body.get("sensitive") is True,
                has_default="default" in body,
                declared_in=path,
            )
    return [specs[name] for name in sorted(specs)]


def sensitive_variables(root: Path) -> list[str]:
    """Names of the variables `root` declares `sensitive = true`, sorted."""
    return [spec.name for spec in variables(root) if spec.sensitive]


def _tfvars_names(root: Path) -> set[str]:
    names: set[str] = set()
    for path in [root / "terraform.tfvars", *sorted(root.glob("*.auto.tfvars"))]:
        if path.is_file():
            names |= {str(hcl.unquote(key)) for key in hcl.load(path)}
    for path in [root / "terraform.tfvars.json", *sorted(root.glob("*.auto.tfvars.json"))]:
        if path.is_file():
            try:
                document = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                raise ConfigError(f"cannot parse {path} as JSON") from None
            if isinstance(document, dict):
                names |= set(document)
    return names


# -- preflight ----------------------------------------------------------------------------------


def _value(environ: Mapping[str, str], name: str) -> str:
    return environ.get(name, "") or ""


def _where(spec: VariableSpec) -> str:
    path = spec.declared_in
    try:
        shown = str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        shown = str(path)
    return f'{shown}: variable "{spec.name}"'


def _provider_credentials(
    spec: ProviderSpec, environ: Mapping[str, str]
) -> tuple[dict[str, str], list[str], list[MissingCredential]]:
    env: dict[str, str] = {}
    secrets: list[str] = []
    missing: list[MissingCredential] = []
    for requirement in spec.requirements:
        complete = [
            group
            for group in requirement.alternatives
            if all(_value(environ, name) for name in group)
        ]
        if not complete:
            # report the group the user started on (most names set), else the first one
            best = max(
                requirement.alternatives,
                key=lambda group: sum(bool(_value(environ, name)) for name in group),
            )
            others = [group for group in requirement.alternatives if group is not best]
            for position, name in enumerate(best):
                if _value(environ, name):
                    continue
                alternatives = tuple(group[position] for group in others if position < len(group))
                missing.append(MissingCredential(name, spec.documented_at, alternatives))
            continue
        chosen = complete[0]
        values = [_value(environ, name) for name in chosen]
        targets = requirement.alternatives if requirement.mirror else (chosen,)
        for group in targets:
            for name, value in zip(group, values, strict=False):
                env[name] = value
        secrets += [v for name, v in zip(chosen, values, strict=True) if name in spec.secret_names]
    for name in spec.optional:
        if _value(environ, name):
            env[name] = _value(environ, name)
    return env, secrets, missing


def _variable_inputs(
    root: Path, environ: Mapping[str, str]
) -> tuple[dict[str, str], list[str], list[MissingCredential]]:
    env: dict[str, str] = {}
    secrets: list[str] = []
    missing: list[MissingCredential] = []
    sensitive = [spec for spec in variables(root) if spec.sensitive]
    in_tfvars = _tfvars_names(root) if sensitive else set()
    for spec in sensitive:
        value = _value(environ, spec.env_name) or _value(environ, spec.fallback_name)
        if value:
            env[spec.env_name] = value
            secrets.append(value)
        elif not spec.has_default and spec.name not in in_tfvars:
            missing.append(MissingCredential(spec.env_name, _where(spec), (spec.fallback_name,)))
    return env, secrets, missing


def preflight(root: Path, environ: Mapping[str, str]) -> CredentialPlan:
    """Everything the root at `root` needs from `environ`, without starting any process.

    Returns the variables to inject into terraform's environment, the values to register with
    the Masker, and every missing or empty credential (all of them, not the first).
    """
    providers = required_providers(root)
    env: dict[str, str] = {}
    secrets: list[str] = []
    missing: list[MissingCredential] = []
    for source in sorted(providers):
        spec = PROVIDER_SPECS.get(source)
        if spec is None:
            continue
        provider_env, provider_secrets, provider_missing = _provider_credentials(spec, environ)
        env.update(provider_env)
        secrets += provider_secrets
        missing += provider_missing
    variable_env, variable_secrets, variable_missing = _variable_inputs(root, environ)
    env.update(variable_env)
    secrets += variable_secrets
    missing += variable_missing
    secrets += [_value(environ, name) for name in AWS_SECRET_NAMES if _value(environ, name)]
    return CredentialPlan(
        env=env,
        secrets=list(dict.fromkeys(secrets)),
        missing=missing,
        providers=frozenset(providers),
    )


def require(plan: CredentialPlan) -> None:
    """Raise CredentialsError naming every missing credential, in one line, if any is missing."""
    if not plan.missing:
        return
    names = ", ".join(str(item) for item in plan.missing)
    documented = "; ".join(dict.fromkeys(item.documented_at for item in plan.missing))
    raise CredentialsError(
        f"missing credentials: {names}",
        hint=f"export them before running tfctl; documented at {documented}",
    )


def doctor_report(root: Path, environ: Mapping[str, str]) -> CredentialReport:
    """Per credential of this root: present or missing (never the value), for `tfctl doctor`."""
    providers = required_providers(root)
    entries: list[CredentialStatus] = []
    unknown: list[str] = []
    for source in sorted(providers):
        spec = PROVIDER_SPECS.get(source)
        if spec is None:
            unknown.append(source)
            continue
        for requirement in spec.requirements:
            first, *others = requirement.alternatives
            for position, name in enumerate(first):
                entries.append(
                    CredentialStatus(
                        scope=source,
                        name=name,
                        present=bool(_value(environ, name)),
                        secret=name in spec.secret_names,
                        required=True,
                        documented_at=spec.documented_at,
                        alternatives=tuple(g[position] for g in others if position < len(g)),
                    )
                )
            for group in others:
                for name in group:
                    entries.append(
                        CredentialStatus(
                            scope=source,
                            name=name,
                            present=bool(_value(environ, name)),
                            secret=name in spec.secret_names,
                            required=False,
                            documented_at=spec.documented_at,
                        )
                    )
        for name in spec.optional:
            entries.append(
                CredentialStatus(
                    scope=source,
                    name=name,
                    present=bool(_value(environ, name)),
                    secret=False,
                    required=False,
                    documented_at=spec.documented_at,
                )
            )
    sensitive = [spec for spec in variables(root) if spec.sensitive]
    in_tfvars = _tfvars_names(root) if sensitive else set()
    for variable in sensitive:
        entries.append(
            CredentialStatus(
                scope="variables",
                name=variable.env_name,
                present=bool(
                    _value(environ, variable.env_name) or _value(environ, variable.fallback_name)
                ),
                secret=True,
                required=not variable.has_default and variable.name not in in_tfvars,
                documented_at=_where(variable),
                alternatives=(variable.fallback_name,),
            )
        )
    plan = preflight(root, environ)
    return CredentialReport(
        root=root,
        providers=tuple(sorted(providers)),
        entries=tuple(entries),
        missing=tuple(plan.missing),
        unknown_providers=tuple(unknown),
    )


# -- AWS ------------------------------------------------------------------------------------------


def check_aws_identity(
    region: str | None, endpoint: str | None = None, *, profile: str | None = None
) -> AwsIdentity | None:
    """Who the backend's AWS credentials are (STS GetCallerIdentity), via boto3's usual chain.

    Returns None without calling anything when `endpoint` is set (a local S3/DynamoDB endpoint has
    no STS to ask). Raises CredentialsError with a one-line reason when no usable credentials exist.
    """
    if endpoint:
        return None
    import boto3  # lazy: boto3 takes a noticeable share of start-up
    import botocore.config
    import botocore.exceptions as bx

    hint = "set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `aws sso login`"
    try:
        session = boto3.Session(profile_name=profile, region_name=region)
        client = session.client(
            "sts",
            config=botocore.config.Config(
                connect_timeout=5, read_timeout=10, retries={"max_attempts": 2}
            ),
        )
        answer = client.get_caller_identity()
    except bx.ProfileNotFound:
        raise CredentialsError(
            f"AWS profile {profile or '(from AWS_PROFILE)'} does not exist",
            hint="check AWS_PROFILE and ~/.aws/config",
        ) from None
    except (bx.NoCredentialsError, bx.PartialCredentialsError):
        raise CredentialsError(
            "no AWS credentials found for the state backend", hint=hint
        ) from None
    except (bx.SSOTokenLoadError, bx.UnauthorizedSSOTokenError, bx.TokenRetrievalError):
        raise CredentialsError(
            "the AWS SSO session has expired", hint="run `aws sso login`"
        ) from None
    except bx.ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "unknown error")
        raise CredentialsError(f"AWS rejected the credentials ({code})", hint=hint) from None
    except bx.EndpointConnectionError:
        raise CredentialsError(
            f"cannot reach AWS STS in {region or 'the default region'}",
            hint="check the network, or set the backend endpoint for a local S3",
        ) from None
    except bx.BotoCoreError as exc:
        raise CredentialsError(
            f"cannot check the AWS credentials ({type(exc).__name__})", hint=hint
        ) from None
    return AwsIdentity(
        account=str(answer.get("Account", "")),
        arn=str(answer.get("Arn", "")),
        user_id=str(answer.get("UserId", "")),
    )
