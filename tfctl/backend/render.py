"""Render the S3 backend's `-backend-config` settings for the detected Terraform version.

Pure: no AWS call, no subprocess. The S3 backend renamed several arguments in 1.6 and changed
locking in 1.10/1.11; Terraform rejects an old argument set together with its replacement, so each
version band gets exactly one spelling. Credentials never appear here: Terraform reads them from
the environment, as boto3 does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tfctl.errors import ConfigError, TerraformVersionError

Version = tuple[int, int, int]

MINIMUM_VERSION: Version = (1, 0, 0)
#: Settings file written for values that `key=value` cannot carry in every version (maps).
BACKEND_FILE_NAME = "tfctl-backend.tfbackend"


@dataclass(frozen=True)
class BackendConfig:
    """Where an environment's state lives and how it is locked. Holds no credentials."""

    bucket: str
    key: str
    region: str
    dynamodb_table: str | None
    encrypt: bool = True
    kms_key_id: str | None = None
    s3_endpoint: str | None = None
    dynamodb_endpoint: str | None = None
    use_lockfile: bool = False

    @classmethod
    def from_environment(
        cls,
        bucket: str,
        key: str,
        region: str,
        table: str | None,
        environ: Mapping[str, str],
        use_lockfile: bool = False,
        kms_key_id: str | None = None,
    ) -> BackendConfig:
        """Build a config, taking custom endpoints from the standard AWS_ENDPOINT_URL* variables.

        A service-specific variable (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL_DYNAMODB) beats the
        generic AWS_ENDPOINT_URL, which is the order boto3 and the AWS SDKs use.
        """
        return cls(
            bucket=bucket,
            key=key,
            region=region,
            dynamodb_table=table or None,
            kms_key_id=kms_key_id or None,
            s3_endpoint=endpoint_from_environment(environ, "S3"),
            dynamodb_endpoint=endpoint_from_environment(environ, "DYNAMODB"),
            use_lockfile=use_lockfile,
        )

    @property
    def custom_endpoint(self) -> bool:
        """True when any service talks to a non-AWS endpoint (moto, LocalStack, MinIO...)."""
        return bool(self.s3_endpoint or self.dynamodb_endpoint)


class RenderedBackend(dict[str, object]):
    """The `-backend-config` settings (a plain dict) plus warnings for the caller to show."""

    def __init__(self, settings: Mapping[str, object], warnings: tuple[str, ...] = ()) -> None:
        super().__init__(settings)
        self.warnings = warnings


def endpoint_from_environment(environ: Mapping[str, str], service: str) -> str | None:
    """The endpoint URL for `service` (e.g. "S3"), specific variable first, else the generic one."""
    specific = environ.get(f"AWS_ENDPOINT_URL_{service.upper()}", "").strip()
    generic = environ.get("AWS_ENDPOINT_URL", "").strip()
    return specific or generic or None


def render_backend_config(config: BackendConfig, version: Version) -> RenderedBackend:
    """The S3 backend settings for Terraform `version`, one spelling per argument.

    1.0-1.5: endpoint / dynamodb_endpoint / force_path_style. 1.6+: endpoints = {s3, dynamodb}
    and use_path_style, plus skip_requesting_account_id. 1.7+: skip_s3_checksum for custom
    endpoints. 1.10+: use_lockfile when asked. 1.11+: a warning that DynamoDB locking is
    deprecated. The skip_* flags are set only when a custom endpoint is in use.
    """
    if tuple(version) < MINIMUM_VERSION:
        raise TerraformVersionError(_dotted(version), _dotted(MINIMUM_VERSION))
    if config.use_lockfile and version < (1, 10, 0):
        raise ConfigError(
            f"use_lockfile needs terraform 1.10 or later, found {_dotted(version)}",
            hint="turn use_lockfile off or upgrade terraform",
        )
    if not config.dynamodb_table and not config.use_lockfile:
        raise ConfigError(
            "the S3 backend has no state locking: no lock table and use_lockfile is off",
            hint="set the lock table (TFCTL_LOCK_TABLE) or use_lockfile on terraform >= 1.10",
        )
    modern = version >= (1, 6, 0)
    warnings: list[str] = []
    settings: dict[str, object] = {
        "bucket": config.bucket,
        "key": config.key,
        "region": config.region,
        "encrypt": config.encrypt,
    }
    if config.kms_key_id:
        settings["kms_key_id"] = config.kms_key_id
    if config.dynamodb_table:
        settings["dynamodb_table"] = config.dynamodb_table
        if version >= (1, 11, 0):
            warnings.append(
                "dynamodb_table is deprecated since terraform 1.11; "
                "S3 native locking (use_lockfile) replaces it"
            )
    if config.use_lockfile:
        settings["use_lockfile"] = True
        if version < (1, 11, 0):
            warnings.append("use_lockfile is experimental in terraform 1.10")

    # The DynamoDB endpoint only matters while DynamoDB does the locking.
    dynamodb_endpoint = config.dynamodb_endpoint if config.dynamodb_table else None
    if modern:
        endpoints: dict[str, str] = {}
        if config.s3_endpoint:
            endpoints["s3"] = config.s3_endpoint
        if dynamodb_endpoint:
            endpoints["dynamodb"] = dynamodb_endpoint
        if endpoints:
            settings["endpoints"] = endpoints
        if config.s3_endpoint:
            settings["use_path_style"] = True
    else:
        if config.s3_endpoint:
            settings["endpoint"] = config.s3_endpoint
            settings["force_path_style"] = True
        if dynamodb_endpoint:
            settings["dynamodb_endpoint"] = dynamodb_endpoint

    if config.custom_endpoint:
        # A local or third-party endpoint has no STS, no IMDS and no real region list.
        settings["skip_credentials_validation"] = True
        settings["skip_region_validation"] = True
        settings["skip_metadata_api_check"] = True
        if modern:
            settings["skip_requesting_account_id"] = True
        if version >= (1, 7, 0) and config.s3_endpoint:
            # Newer AWS SDKs send checksum headers that S3-compatible servers may reject.
            settings["skip_s3_checksum"] = True
    return RenderedBackend(settings, tuple(warnings))


def render_backend_file(rendered: Mapping[str, object]) -> str | None:
    """HCL text for the settings that `key=value` cannot carry (maps), or None if there are none."""
    lines = []
    for name in sorted(rendered):
        value = rendered[name]
        if isinstance(value, Mapping):
            inner = ", ".join(f"{k} = {_hcl_scalar(v)}" for k, v in sorted(value.items()))
            lines.append(f"{name} = {{ {inner} }}")
    if not lines:
        return None
    return "# Written by tfctl on each init; holds no credentials.\n" + "\n".join(lines) + "\n"


def backend_config_args(rendered: Mapping[str, object], workdir: Path) -> list[str]:
    """The `-backend-config=...` argv entries for `terraform init` run in `workdir`.

    Scalars go on the command line as key=value. Maps (1.6+ `endpoints`) go into a small
    non-secret HCL file under `workdir/.terraform/`, written here, because a map given as
    key=value is not accepted by every Terraform version.
    """
    args = [
        f"-backend-config={name}={_cli_scalar(value)}"
        for name, value in sorted(rendered.items())
        if not isinstance(value, Mapping)
    ]
    text = render_backend_file(rendered)
    if text is not None:
        path = workdir / ".terraform" / BACKEND_FILE_NAME
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        args.append(f"-backend-config={path}")
    return args


def backend_fingerprint(rendered: Mapping[str, object]) -> str:
    """sha256 of the canonical rendering, so `init` can tell when backend settings changed."""
    canonical = json.dumps(dict(rendered), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _cli_scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _hcl_scalar(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    # JSON string escapes are valid HCL; template openers are doubled so they stay literal.
    return json.dumps(str(value)).replace("${", "$${").replace("%{", "%%{")


def _dotted(version: Version) -> str:
    return ".".join(str(part) for part in version)
