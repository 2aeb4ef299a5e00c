"""Converge the DynamoDB lock table: LockID (S) hash key, on-demand billing, server-side
encryption, point-in-time recovery, deletion protection and tags; wait until ACTIVE.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tfctl.backend.aws import BootstrapContext, tag_list
from tfctl.errors import BackendError
from tfctl.retry import AWS_TABLE_ACTIVE

RESOURCE = "table"
LOCK_KEY = "LockID"


class _NotActiveYet(Exception):
    """The table is CREATING or UPDATING; poll again."""


def converge_table(
    ctx: BootstrapContext,
    *,
    table: str,
    kms_key_id: str | None,
    tags: Mapping[str, str],
) -> None:
    """Create the lock table if missing (apply mode), wait until ACTIVE, converge each setting."""
    where = f"table {table}"
    description = _describe(ctx, table, after_create=False)
    existed = description is not None
    created = False
    if description is None:
        if ctx.check:
            ctx.row(RESOURCE, "table", "drift", f"{table} does not exist")
            return
        created = _create_table(ctx, table, kms_key_id, tags)
    if not ctx.check and (description is None or description.get("TableStatus") != "ACTIVE"):
        description = wait_until_active(ctx, table)
    assert description is not None
    _require_lock_schema(description, table)
    ctx.row(RESOURCE, "table", "created" if created else "in place", f"{table}, {LOCK_KEY} (S)")
    # Reads just after a create (ours or a concurrent one) may not see the table yet.
    fresh = not existed

    def update(**params: Any) -> None:
        # ResourceInUse: a concurrent bootstrap's update is still running; wait and retry.
        ctx.call(
            ctx.dynamodb,
            "update_table",
            resource=where,
            retry_also=("ResourceInUseException",),
            TableName=table,
            **params,
        )
        wait_until_active(ctx, table)

    billing = description.get("BillingModeSummary", {}).get("BillingMode", "PROVISIONED")
    ctx.expect(
        RESOURCE,
        "billing mode",
        current=billing,
        desired="PAY_PER_REQUEST",
        created=created,
        fix=lambda: update(BillingMode="PAY_PER_REQUEST"),
    )

    sse = description.get("SSEDescription", {})
    sse_on = sse.get("Status") in ("ENABLED", "ENABLING")
    key_ok = not kms_key_id or _same_key(sse.get("KMSMasterKeyArn"), kms_key_id)
    ctx.setting(
        RESOURCE,
        "encryption",
        in_place=sse_on and key_ok,
        current=f"KMS ({sse.get('KMSMasterKeyArn', 'AWS managed key')})"
        if sse_on
        else "AWS owned key",
        desired=f"KMS key {kms_key_id}" if kms_key_id else "KMS (AWS managed key)",
        created=created,
        fix=lambda: update(SSESpecification=_sse_specification(kms_key_id)),
    )

    def call(method: str, **params: Any) -> dict[str, Any] | None:
        return ctx.call(ctx.dynamodb, method, resource=where, after_create=fresh, **params)

    backups = call("describe_continuous_backups", TableName=table)
    pitr = (
        (backups or {})
        .get("ContinuousBackupsDescription", {})
        .get("PointInTimeRecoveryDescription", {})
        .get("PointInTimeRecoveryStatus", "DISABLED")
    )
    ctx.expect(
        RESOURCE,
        "point-in-time recovery",
        current=pitr,
        desired="ENABLED",
        created=created,
        fix=lambda: call(
            "update_continuous_backups",
            TableName=table,
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        ),
    )

    ctx.expect(
        RESOURCE,
        "deletion protection",
        current="on" if description.get("DeletionProtectionEnabled") else "off",
        desired="on",
        created=created,
        fix=lambda: update(DeletionProtectionEnabled=True),
    )

    if tags:
        arn = description["TableArn"]
        listed = call("list_tags_of_resource", ResourceArn=arn)
        ctx.tags(
            RESOURCE,
            (listed or {}).get("Tags", []),
            tags,
            created=created,
            # TagResource adds and overwrites only the keys given: other tags stay.
            fix=lambda _, missing: ctx.call(
                ctx.dynamodb,
                "tag_resource",
                resource=where,
                ResourceArn=arn,
                Tags=tag_list(missing),
            ),
        )


def _describe(ctx: BootstrapContext, table: str, *, after_create: bool) -> dict[str, Any] | None:
    response = ctx.call(
        ctx.dynamodb,
        "describe_table",
        resource=f"table {table}",
        none_on=() if after_create else ("ResourceNotFoundException",),
        after_create=after_create,
        TableName=table,
    )
    return None if response is None else dict(response["Table"])


def _create_table(
    ctx: BootstrapContext, table: str, kms_key_id: str | None, tags: Mapping[str, str]
) -> bool:
    """Create the table; False when a concurrent bootstrap is already creating it."""
    params: dict[str, Any] = {
        "TableName": table,
        "AttributeDefinitions": [{"AttributeName": LOCK_KEY, "AttributeType": "S"}],
        "KeySchema": [{"AttributeName": LOCK_KEY, "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
        "SSESpecification": _sse_specification(kms_key_id),
        "DeletionProtectionEnabled": True,
    }
    if tags:
        params["Tags"] = tag_list(tags)
    return ctx.create(
        ctx.dynamodb,
        "create_table",
        resource=f"table {table}",
        exists_code="ResourceInUseException",
        **params,
    )


def _sse_specification(kms_key_id: str | None) -> dict[str, Any]:
    spec: dict[str, Any] = {"Enabled": True, "SSEType": "KMS"}
    if kms_key_id:
        spec["KMSMasterKeyId"] = kms_key_id
    return spec


def _same_key(arn: str | None, wanted: str) -> bool:
    # DynamoDB reports the key ARN; the user may give an id or ARN (an alias cannot be compared).
    return bool(arn) and (
        arn == wanted or str(arn).endswith(f"/{wanted}") or wanted.startswith("alias/")
    )


def _require_lock_schema(description: Mapping[str, Any], table: str) -> None:
    keys = description.get("KeySchema", [])
    types = {
        a["AttributeName"]: a["AttributeType"] for a in description.get("AttributeDefinitions", [])
    }
    if keys != [{"AttributeName": LOCK_KEY, "KeyType": "HASH"}] or types.get(LOCK_KEY) != "S":
        raise BackendError(
            f"table {table} exists but its key is not a {LOCK_KEY} (S) hash key, "
            "so terraform cannot lock with it",
            hint="choose another --table name; a key schema cannot be changed in place",
        )


def wait_until_active(ctx: BootstrapContext, table: str) -> dict[str, Any]:
    """Poll DescribeTable until the table is ACTIVE (ours or a concurrent bootstrap's)."""

    def poll() -> dict[str, Any]:
        description = _describe(ctx, table, after_create=True)
        assert description is not None
        if description.get("TableStatus") != "ACTIVE":
            raise _NotActiveYet(description.get("TableStatus"))
        return description

    try:
        return AWS_TABLE_ACTIVE.call(lambda exc: isinstance(exc, _NotActiveYet), poll)
    except _NotActiveYet as exc:
        raise BackendError(
            f"table {table} is still {exc} after {AWS_TABLE_ACTIVE.max_seconds:.0f}s",
            hint="check the table in the AWS console, then run bootstrap again",
        ) from None
