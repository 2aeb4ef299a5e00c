"""Bootstrap the Terraform state backend: the S3 bucket and the DynamoDB lock table.

`bootstrap()` creates what is missing and repairs what drifted, setting by setting, and reports
each one as created / repaired / in place (or drift, with check=True, which changes nothing).
A converged backend costs read calls only, so running it from many machines is safe, and two
runs at once both succeed. Rendering `-backend-config` for `terraform init` lives in
tfctl.backend_render.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tfctl.backend_aws import STATUSES, SettingResult, Status, is_mutating
from tfctl.backend_names import (
    validate_bucket_name,
    validate_region,
    validate_table_name,
    validate_tags,
)
from tfctl.backend_render import endpoint_from_environment
from tfctl.errors import ConfigError, CredentialsError, DriftDetected

__all__ = [
    "STATUSES",
    "BootstrapReport",
    "SettingResult",
    "Status",
    "bootstrap",
]

DEFAULT_RETENTION_DAYS = 90


@dataclass(frozen=True)
class BootstrapReport:
    """What a bootstrap found and did: one row per setting, and every AWS API call it made."""

    bucket: str
    table: str
    region: str
    check: bool
    settings: tuple[SettingResult, ...]
    api_calls: tuple[str, ...]
    elapsed_seconds: float

    @property
    def changed(self) -> bool:
        """True when anything was created or repaired."""
        return any(row.status in ("created", "repaired") for row in self.settings)

    @property
    def drifted(self) -> bool:
        """True when a check found a setting (or a whole resource) differing from the design."""
        return any(row.status == "drift" for row in self.settings)

    @property
    def mutating_calls(self) -> tuple[str, ...]:
        """The calls that changed something (Create*/Put*/Update*/Delete*/Tag*)."""
        return tuple(call for call in self.api_calls if is_mutating(call.split(":", 1)[1]))

    def raise_if_drifted(self) -> None:
        """Raise DriftDetected (exit code 2) naming every setting that differs."""
        drift = [f"{row.resource} {row.setting}" for row in self.settings if row.status == "drift"]
        if drift:
            raise DriftDetected(
                f"backend drift in {len(drift)} settings: {', '.join(drift)}",
                hint="run `tfctl bootstrap` without --check to repair",
            )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form for `--json`."""
        return {
            "bucket": self.bucket,
            "table": self.table,
            "region": self.region,
            "check": self.check,
            "changed": self.changed,
            "drifted": self.drifted,
            "settings": [
                {
                    "resource": row.resource,
                    "setting": row.setting,
                    "status": row.status,
                    "detail": row.detail,
                }
                for row in self.settings
            ],
            "api_calls": list(self.api_calls),
            "mutating_calls": list(self.mutating_calls),
            "elapsed_seconds": round(self.elapsed_seconds, 3),
        }


def bootstrap(
    *,
    bucket: str,
    table: str,
    region: str,
    kms_key_id: str | None = None,
    retention_days: int = DEFAULT_RETENTION_DAYS,
    tags: Mapping[str, str] | None = None,
    check: bool = False,
    endpoint: str | None = None,
    session: Any = None,
    enforce_tls: bool | None = None,
) -> BootstrapReport:
    """Create or repair the state bucket and lock table; with `check`, only report drift.

    `endpoint` overrides the AWS endpoint for both services (otherwise boto3 reads
    AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_DYNAMODB itself). `session` is a
    boto3.Session (a new one by default). `enforce_tls` adds the TLS-only bucket policy; by
    default it is skipped only for a plain-HTTP endpoint (a local emulator), where every request
    has aws:SecureTransport=false and the policy would lock everyone out.
    Input is validated before any AWS call.
    Raises ConfigError (bad input), CredentialsError, BackendError (AWS refused or failed).
    """
    validate_bucket_name(bucket)
    validate_table_name(table)
    validate_region(region)
    if retention_days < 1:
        raise ConfigError(
            f"retention must be at least 1 day, got {retention_days}",
            hint="pass a positive number of days to keep old state versions",
        )
    if kms_key_id is not None and (not kms_key_id.strip() or any(c.isspace() for c in kms_key_id)):
        raise ConfigError(
            f"invalid KMS key id {kms_key_id!r}", hint="pass a key id, key ARN or alias/NAME"
        )
    wanted_tags = validate_tags(tags or {})

    started = time.monotonic()
    s3, dynamodb, partition = _clients(session, region, endpoint)

    from tfctl.backend_aws import BootstrapContext
    from tfctl.backend_bucket import converge_bucket
    from tfctl.backend_table import converge_table

    ctx = BootstrapContext(s3, dynamodb, check=check)
    s3_endpoint = endpoint or endpoint_from_environment(os.environ, "S3") or ""
    converge_bucket(
        ctx,
        bucket=bucket,
        region=region,
        partition=partition,
        kms_key_id=kms_key_id,
        retention_days=retention_days,
        tags=wanted_tags,
        plain_http=not enforce_tls
        if enforce_tls is not None
        else s3_endpoint.startswith("http://"),
    )
    converge_table(ctx, table=table, kms_key_id=kms_key_id, tags=wanted_tags)
    return BootstrapReport(
        bucket=bucket,
        table=table,
        region=region,
        check=check,
        settings=tuple(ctx.rows),
        api_calls=tuple(ctx.calls),
        elapsed_seconds=time.monotonic() - started,
    )


def _clients(session: Any, region: str, endpoint: str | None) -> tuple[Any, Any, str]:
    """S3 and DynamoDB clients with botocore's retries off (tfctl.retry owns retrying)."""
    import boto3
    from botocore.config import Config

    session = session or boto3.Session(region_name=region)
    if session.get_credentials() is None:
        raise CredentialsError(
            "no AWS credentials found",
            hint="set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
        )
    custom = bool(
        endpoint or os.environ.get("AWS_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL_S3")
    )
    base = Config(
        retries={"total_max_attempts": 1, "mode": "standard"},
        connect_timeout=5,
        read_timeout=30,
        user_agent_extra="tfctl-bootstrap",
    )
    s3_config = base.merge(Config(s3={"addressing_style": "path"})) if custom else base
    s3 = session.client("s3", region_name=region, endpoint_url=endpoint, config=s3_config)
    dynamodb = session.client("dynamodb", region_name=region, endpoint_url=endpoint, config=base)
    return s3, dynamodb, str(session.get_partition_for_region(region))
