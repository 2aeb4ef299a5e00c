"""The Terraform state backend: the S3 bucket, the DynamoDB lock table and the backend settings.

`bootstrap()` creates what is missing and repairs what drifted, setting by setting, and reports
each one as created / repaired / in place (or drift, with check=True, which changes nothing).
A converged backend costs read calls only, so running it from many machines is safe, and two
runs at once both succeed. `render_backend_config()` and its helpers give `terraform init` the
`-backend-config` settings for the detected Terraform version.

This module is the package's face; render.py (settings per Terraform version), names.py
(naming rules), report.py (the report's rows), aws.py (call plumbing), fetch.py (one signed S3 GET),
bucket.py and table.py (convergence) are its parts. The face loads the machinery (aws, bucket,
table, tenacity) only when bootstrap() runs, so that importing a leaf costs little: core modules
import the leaves they need (render, names, report, aws, fetch); bucket.py and table.py are
private to the package.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from typing import Any

from tfctl.backend.names import bucket_name_problem, known_regions, table_name_problem
from tfctl.backend.render import (
    BackendConfig,
    RenderedBackend,
    Version,
    backend_config_args,
    backend_fingerprint,
    endpoint_from_environment,
    render_backend_config,
    render_backend_file,
)
from tfctl.backend.report import STATUSES, BootstrapReport, SettingResult, Status, is_mutating
from tfctl.errors import ConfigError, DriftDetected

__all__ = [
    "STATUSES",
    "BackendConfig",
    "BootstrapReport",
    "RenderedBackend",
    "SettingResult",
    "Status",
    "Version",
    "backend_config_args",
    "backend_fingerprint",
    "bootstrap",
    "bucket_name_problem",
    "endpoint_from_environment",
    "is_mutating",
    "raise_if_drifted",
    "render_backend_config",
    "render_backend_file",
    "table_name_problem",
    "translate_aws_error",
    "validate_bucket_name",
    "validate_region",
    "validate_table_name",
    "validate_tags",
]

DEFAULT_RETENTION_DAYS = 90


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
    # the machinery (tenacity, the converging code) loads here, not with the package: every
    # command imports tfctl.backend's leaves, few bootstrap
    from tfctl.backend.aws import BootstrapContext, clients
    from tfctl.backend.bucket import converge_bucket
    from tfctl.backend.table import converge_table

    started = time.monotonic()
    s3, dynamodb, partition = clients(session, region, endpoint)
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


def translate_aws_error(exc: Exception, service: str, operation: str, resource: str) -> Exception:
    """An AWS client error as the one-line tfctl error to raise (tfctl.backend.aws)."""
    from tfctl.backend import aws

    return aws.translate_aws_error(exc, service, operation, resource)


def raise_if_drifted(report: BootstrapReport) -> None:
    """Raise DriftDetected (exit code 2) naming every setting a check=True bootstrap found
    differing; nothing when the backend is as it should be."""
    drift = report.drifted_settings
    if drift:
        raise DriftDetected(
            f"backend drift in {len(drift)} settings: {', '.join(drift)}",
            hint="run `tfctl bootstrap` without --check to repair",
        )


_REGION_SHAPE = re.compile(r"^[a-z]{2,4}(-[a-z0-9]+)+-\d+$")


def validate_bucket_name(name: str) -> str:
    """Check `name` against S3's general-purpose bucket naming rules; return it unchanged."""
    rule = bucket_name_problem(name)
    if rule:
        raise ConfigError(
            f"invalid S3 bucket name {name!r}: {rule}",
            hint="pick a name of 3-63 lowercase letters, digits, hyphens or dots",
        )
    return name


def validate_table_name(name: str) -> str:
    """Check `name` against DynamoDB's table naming rules; return it unchanged."""
    if table_name_problem(name):
        raise ConfigError(
            f"invalid DynamoDB table name {name!r}: "
            "must be 3-255 characters of letters, digits, underscore (_), hyphen (-) or dot (.)",
            hint="pick another lock table name",
        )
    return name


def validate_region(region: str, *, allow_unlisted: bool = False) -> str:
    """Check `region` is one botocore knows (with `allow_unlisted`, merely shaped like one)."""
    if not region:
        raise ConfigError(
            "no AWS region given", hint="pass --region or set AWS_REGION / the project's region"
        )
    if not _REGION_SHAPE.match(region):
        raise ConfigError(
            f"invalid AWS region {region!r}: expected a name like eu-west-1",
            hint="pass --region with a real AWS region",
        )
    if not allow_unlisted and region not in known_regions():
        raise ConfigError(
            f"unknown AWS region {region!r}: not in botocore's list of S3/DynamoDB regions",
            hint="check the spelling, or upgrade boto3 if the region is new",
        )
    return region


def validate_tags(tags: Mapping[str, str]) -> dict[str, str]:
    """Check tags fit both S3 and DynamoDB (50 tags, key 1-128, value <= 256, no aws: prefix)."""
    if len(tags) > 50:
        raise ConfigError(f"too many tags: {len(tags)}, S3 allows 50", hint="drop some tags")
    for key, value in tags.items():
        if not 1 <= len(key) <= 128:
            raise ConfigError(f"tag key {key!r} must be 1-128 characters", hint="shorten the key")
        if len(value) > 256:
            raise ConfigError(f"tag {key!r} value is over 256 characters", hint="shorten the value")
        if key.lower().startswith("aws:"):
            raise ConfigError(f"tag key {key!r} uses the reserved aws: prefix", hint="rename it")
    return dict(tags)
