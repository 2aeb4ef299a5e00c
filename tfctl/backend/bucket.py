"""Converge the S3 state bucket: existence, tags, ownership, versioning, encryption, public access
block, TLS-only policy and the noncurrent-version lifecycle rule.

Each setting is read first and written only when it differs, so a converged bucket costs reads only.
Writes merge with what is there: other policy statements, lifecycle rules and tags are kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from tfctl.backend.aws import BootstrapContext, tag_list
from tfctl.errors import BackendError

RESOURCE = "bucket"
TLS_STATEMENT_SID = "DenyInsecureTransport"
LIFECYCLE_RULE_ID = "tfctl-state-retention"
ABORT_MULTIPART_DAYS = 7
#: Calls one S3 method on the bucket: call(method, none_on=(...), **params).
BucketCall = Callable[..., dict[str, Any] | None]
_PUBLIC_ACCESS_BLOCK = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def converge_bucket(
    ctx: BootstrapContext,
    *,
    bucket: str,
    region: str,
    partition: str,
    kms_key_id: str | None,
    retention_days: int,
    tags: Mapping[str, str],
    plain_http: bool = False,
) -> None:
    """Create the bucket if missing (apply mode), then converge every setting.

    `plain_http`: the endpoint is http:// (a local emulator), where every request has
    aws:SecureTransport=false, so a TLS-only policy would lock everyone out: it is skipped.
    """
    where = f"bucket {bucket}"
    exists = _bucket_exists(ctx, bucket, region)
    created = False
    if not exists:
        if ctx.check:
            ctx.row(RESOURCE, "bucket", "drift", f"{bucket} does not exist")
            return
        created = _create_bucket(ctx, bucket, region, tags)
        ctx.row(RESOURCE, "bucket", "created" if created else "in place", _located(bucket, region))
    else:
        ctx.row(RESOURCE, "bucket", "in place", _located(bucket, region))

    # Reads just after our create may see NoSuchBucket for a moment: retry those.
    fresh = not exists

    def call(method: str, **kwargs: Any) -> dict[str, Any] | None:
        none_on = kwargs.pop("none_on", ())
        return ctx.call(
            ctx.s3,
            method,
            resource=where,
            after_create=fresh,
            none_on=none_on,
            Bucket=bucket,
            **kwargs,
        )

    _converge_tags(ctx, call, tags, created)
    _converge_ownership(ctx, call, created)
    _converge_versioning(ctx, call, created)
    _converge_encryption(ctx, call, kms_key_id, created)
    _converge_public_access_block(ctx, call, created)
    if plain_http:
        ctx.row(RESOURCE, "tls-only policy", "skipped", "plain-HTTP endpoint cannot use TLS")
    else:
        _converge_tls_policy(ctx, call, bucket, partition, created)
    _converge_lifecycle(ctx, call, retention_days, created)


def _located(bucket: str, region: str) -> str:
    return f"{bucket} in {region}"


def _bucket_exists(ctx: BootstrapContext, bucket: str, region: str) -> bool:
    where = f"bucket {bucket}"
    response = ctx.call(
        ctx.s3,
        "head_bucket",
        resource=where,
        none_on=("404", "NoSuchBucket", "NotFound", "403"),
        Bucket=bucket,
    )
    if response is None and ctx.last_absent_code == "403":
        _explain_forbidden_head(ctx, bucket, region)
        return True
    if response is None:
        return False
    actual = response.get("BucketRegion") or response.get("ResponseMetadata", {}).get(
        "HTTPHeaders", {}
    ).get("x-amz-bucket-region")
    if actual and actual != region:
        raise BackendError(
            f"bucket {bucket} exists in region {actual}, not {region}",
            hint=f"bootstrap with --region {actual}, or choose another bucket name",
        )
    return True


def _explain_forbidden_head(ctx: BootstrapContext, bucket: str, region: str) -> None:
    """HeadBucket gives a bare 403 both for "another account's bucket" and "no s3:ListBucket"."""
    # CreateBucket tells the two apart: BucketAlreadyExists (raised) or ...OwnedByYou (None).
    if not ctx.check and _create_bucket(ctx, bucket, region, {}):
        return  # the 403 was not about ownership after all: the bucket now exists and is ours
    raise BackendError(
        f"access denied: HeadBucket on bucket {bucket} needs the IAM permission s3:ListBucket",
        hint="grant s3:ListBucket on the bucket to this AWS identity"
        + ("" if not ctx.check else ", or check that another AWS account does not own it"),
    )


def _create_bucket(
    ctx: BootstrapContext, bucket: str, region: str, tags: Mapping[str, str]
) -> bool:
    """Create the bucket; False when a concurrent bootstrap created it first."""
    configuration: dict[str, Any] = {}
    if region != "us-east-1":  # us-east-1 takes no LocationConstraint
        configuration["LocationConstraint"] = region
    if tags:
        configuration["Tags"] = tag_list(tags)
    params: dict[str, Any] = {"Bucket": bucket, "ObjectOwnership": "BucketOwnerEnforced"}
    if configuration:
        params["CreateBucketConfiguration"] = configuration
    return ctx.create(
        ctx.s3,
        "create_bucket",
        resource=f"bucket {bucket}",
        exists_code="BucketAlreadyOwnedByYou",
        **params,
    )


def _converge_tags(
    ctx: BootstrapContext, call: BucketCall, tags: Mapping[str, str], created: bool
) -> None:
    if not tags:
        return
    response = call("get_bucket_tagging", none_on=("NoSuchTagSet", "NoSuchTagSetError"))
    ctx.tags(
        RESOURCE,
        (response or {}).get("TagSet", []),
        tags,
        created=created,
        # PutBucketTagging replaces the whole set: keep others' tags.
        fix=lambda current, _: call(
            "put_bucket_tagging", Tagging={"TagSet": tag_list({**current, **tags})}
        ),
    )


def _converge_ownership(ctx: BootstrapContext, call: BucketCall, created: bool) -> None:
    response = call("get_bucket_ownership_controls", none_on=("OwnershipControlsNotFoundError",))
    rules = (response or {}).get("OwnershipControls", {}).get("Rules", [])
    current = rules[0].get("ObjectOwnership", "unset") if rules else "unset"
    ctx.expect(
        RESOURCE,
        "object ownership",
        current=current,
        desired="BucketOwnerEnforced",
        created=created,
        fix=lambda: call(
            "put_bucket_ownership_controls",
            OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        ),
    )


def _converge_versioning(ctx: BootstrapContext, call: BucketCall, created: bool) -> None:
    response = call("get_bucket_versioning") or {}
    current = response.get("Status") or "never enabled"
    ctx.expect(
        RESOURCE,
        "versioning",
        current=current,
        desired="Enabled",
        created=created,
        fix=lambda: call("put_bucket_versioning", VersioningConfiguration={"Status": "Enabled"}),
    )


def _converge_encryption(
    ctx: BootstrapContext, call: BucketCall, kms_key_id: str | None, created: bool
) -> None:
    response = call(
        "get_bucket_encryption", none_on=("ServerSideEncryptionConfigurationNotFoundError",)
    )
    rules = (response or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules", [])
    default = rules[0].get("ApplyServerSideEncryptionByDefault", {}) if rules else {}
    algorithm = default.get("SSEAlgorithm")
    key = default.get("KMSMasterKeyID")
    bucket_key = bool(rules and rules[0].get("BucketKeyEnabled"))
    if kms_key_id:
        in_place = algorithm == "aws:kms" and key == kms_key_id and bucket_key
        desired = f"aws:kms key {kms_key_id} with bucket key"
        rule: dict[str, Any] = {
            "ApplyServerSideEncryptionByDefault": {
                "SSEAlgorithm": "aws:kms",
                "KMSMasterKeyID": kms_key_id,
            },
            "BucketKeyEnabled": True,
        }
    else:
        # Any default encryption satisfies "encrypted"; never downgrade KMS to AES256.
        in_place = algorithm in ("AES256", "aws:kms", "aws:kms:dsse")
        desired = "AES256"
        rule = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    current = "none" if not algorithm else algorithm + (f" key {key}" if key else "")
    ctx.setting(
        RESOURCE,
        "encryption",
        in_place=in_place,
        current=current,
        desired=desired,
        created=created,
        fix=lambda: call(
            "put_bucket_encryption", ServerSideEncryptionConfiguration={"Rules": [rule]}
        ),
    )


def _converge_public_access_block(ctx: BootstrapContext, call: BucketCall, created: bool) -> None:
    response = call("get_public_access_block", none_on=("NoSuchPublicAccessBlockConfiguration",))
    current = (response or {}).get("PublicAccessBlockConfiguration", {})
    off = sorted(name for name in _PUBLIC_ACCESS_BLOCK if not current.get(name))
    ctx.setting(
        RESOURCE,
        "public access block",
        in_place=not off,
        current="all four blocks on" if not off else f"off: {', '.join(off)}",
        desired="all four blocks on",
        created=created,
        fix=lambda: call(
            "put_public_access_block", PublicAccessBlockConfiguration=dict(_PUBLIC_ACCESS_BLOCK)
        ),
    )


def tls_only_statement(bucket: str, partition: str = "aws") -> dict[str, Any]:
    """The statement that denies every request made without TLS, to the bucket and its objects."""
    arn = f"arn:{partition}:s3:::{bucket}"
    return {
        "Sid": TLS_STATEMENT_SID,
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [arn, f"{arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }


def has_tls_only_statement(policy: Mapping[str, Any], bucket: str, partition: str = "aws") -> bool:
    """True when some statement denies all non-TLS access to the bucket and all its objects."""
    arn = f"arn:{partition}:s3:::{bucket}"
    for statement in _statements(policy):
        condition = statement.get("Condition", {}).get("Bool", {})
        principal = statement.get("Principal")
        resources = _as_list(statement.get("Resource"))
        if (
            statement.get("Effect") == "Deny"
            and str(condition.get("aws:SecureTransport", "")).lower() == "false"
            and principal in ("*", {"AWS": "*"})
            and "s3:*" in _as_list(statement.get("Action"))
            and arn in resources
            and f"{arn}/*" in resources
        ):
            return True
    return False


def merge_tls_only_statement(
    policy: Mapping[str, Any] | None, bucket: str, partition: str = "aws"
) -> dict[str, Any]:
    """`policy` with the TLS-only statement added, every other statement kept as it was.

    A statement already carrying our Sid but no longer matching is replaced (Sids are unique).
    """
    kept = [s for s in _statements(policy or {}) if s.get("Sid") != TLS_STATEMENT_SID]
    return {
        "Version": (policy or {}).get("Version", "2012-10-17"),
        **({"Id": policy["Id"]} if policy and "Id" in policy else {}),
        "Statement": [*kept, tls_only_statement(bucket, partition)],
    }


def _statements(policy: Mapping[str, Any]) -> list[dict[str, Any]]:
    statements = policy.get("Statement", [])
    return [statements] if isinstance(statements, dict) else list(statements)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _converge_tls_policy(
    ctx: BootstrapContext, call: BucketCall, bucket: str, partition: str, created: bool
) -> None:
    response = call("get_bucket_policy", none_on=("NoSuchBucketPolicy",))
    policy: dict[str, Any] | None = json.loads(response["Policy"]) if response else None
    others = len([s for s in _statements(policy or {}) if s.get("Sid") != TLS_STATEMENT_SID])
    present = policy is not None and has_tls_only_statement(policy, bucket, partition)
    if policy is None:
        current = "no bucket policy"
    elif present:
        current = f"TLS-only statement present ({others} other statements kept)"
    else:
        current = f"TLS-only statement missing ({others} other statements)"
    merged = merge_tls_only_statement(policy, bucket, partition)
    ctx.setting(
        RESOURCE,
        "tls-only policy",
        in_place=present,
        current=current,
        desired=f"deny aws:SecureTransport=false, {others} other statements kept",
        created=created,
        fix=lambda: call("put_bucket_policy", Policy=json.dumps(merged)),
    )


def lifecycle_rule(retention_days: int) -> dict[str, Any]:
    """Expire noncurrent state versions after `retention_days`; abort stale multipart uploads."""
    return {
        "ID": LIFECYCLE_RULE_ID,
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "NoncurrentVersionExpiration": {"NoncurrentDays": retention_days},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": ABORT_MULTIPART_DAYS},
    }


def _rule_matches(rule: Mapping[str, Any], retention_days: int) -> bool:
    filter_ = rule.get("Filter", {})
    return (
        rule.get("Status") == "Enabled"
        and set(filter_) <= {"Prefix"}
        and not filter_.get("Prefix")
        and not rule.get("Prefix")
        and rule.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays") == retention_days
        and rule.get("AbortIncompleteMultipartUpload", {}).get("DaysAfterInitiation")
        == ABORT_MULTIPART_DAYS
    )


def _converge_lifecycle(
    ctx: BootstrapContext, call: BucketCall, retention_days: int, created: bool
) -> None:
    response = call("get_bucket_lifecycle_configuration", none_on=("NoSuchLifecycleConfiguration",))
    rules: list[dict[str, Any]] = list((response or {}).get("Rules", []))
    ours = next((r for r in rules if r.get("ID") == LIFECYCLE_RULE_ID), None)
    if ours is None:
        current = "no state retention rule"
    else:
        days = ours.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays")
        current = f"rule {ours.get('Status', '?').lower()}, noncurrent versions kept {days} days"
    others = [r for r in rules if r.get("ID") != LIFECYCLE_RULE_ID]
    extra: dict[str, Any] = {}
    if response and response.get("TransitionDefaultMinimumObjectSize"):
        extra["TransitionDefaultMinimumObjectSize"] = response["TransitionDefaultMinimumObjectSize"]
    ctx.setting(
        RESOURCE,
        "lifecycle",
        in_place=ours is not None and _rule_matches(ours, retention_days),
        current=current,
        desired=(
            f"noncurrent versions expire after {retention_days} days, "
            f"incomplete uploads aborted after {ABORT_MULTIPART_DAYS}"
        ),
        created=created,
        fix=lambda: call(
            "put_bucket_lifecycle_configuration",
            LifecycleConfiguration={"Rules": [*others, lifecycle_rule(retention_days)]},
            **extra,
        ),
    )


__all__ = [
    "converge_bucket",
    "has_tls_only_statement",
    "lifecycle_rule",
    "merge_tls_only_statement",
    "tls_only_statement",
]
