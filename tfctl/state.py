"""State history and recovery from the state bucket's object versions.

`history()` lists the versions of an environment's state with their serial and lineage (read
from the first bytes of each version, never shown). `restore()` makes an old version current
again while holding the environment's DynamoDB lock: it writes that version's content as the
newest version, with the serial raised above the current one (so an older copy can never be
pushed over it), and updates the `<bucket>/<key>-md5` digest item, without which terraform would
reject the restored state with a checksum error.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import re
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tfctl.backend.aws import aws_call
from tfctl.errors import BackendError, ConfigError, PlanRefusedError, StateLockError
from tfctl.locks import DIGEST_SUFFIX, aws_client

if TYPE_CHECKING:
    from tfctl.protocols import EnvironmentContext

_SERIAL = re.compile(rb'"serial"\s*:\s*(\d+)')
_LINEAGE = re.compile(rb'"lineage"\s*:\s*"([^"]*)"')
_TF_VERSION = re.compile(rb'"terraform_version"\s*:\s*"([^"]*)"')
#: Terraform writes version, terraform_version, serial and lineage first.
_HEAD_BYTES = 1024


@dataclass(frozen=True)
class StateVersion:
    """One stored version of an environment's state."""

    version_id: str
    last_modified: datetime
    size: int
    is_latest: bool
    serial: int | None
    lineage: str | None
    terraform_version: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "version_id": self.version_id,
            "last_modified": self.last_modified.isoformat(),
            "size": self.size,
            "is_latest": self.is_latest,
            "serial": self.serial,
            "lineage": self.lineage,
            "terraform_version": self.terraform_version,
        }


@dataclass(frozen=True)
class RestoreResult:
    """What a restore did."""

    environment: str
    restored_version: str
    new_version: str
    serial: int
    lineage: str

    def to_json(self) -> dict[str, Any]:
        return {
            "environment": self.environment,
            "restored_version": self.restored_version,
            "new_version": self.new_version,
            "serial": self.serial,
            "lineage": self.lineage,
        }


def _head_fields(head: bytes) -> tuple[int | None, str | None, str | None]:
    serial = _SERIAL.search(head)
    lineage = _LINEAGE.search(head)
    version = _TF_VERSION.search(head)
    return (
        int(serial.group(1)) if serial else None,
        lineage.group(1).decode() if lineage else None,
        version.group(1).decode() if version else None,
    )


def _require_versioning(s3: Any, bucket: str) -> None:
    status = aws_call(
        "GetBucketVersioning", f"bucket {bucket}", lambda: s3.get_bucket_versioning(Bucket=bucket)
    ).get("Status")
    if status != "Enabled":
        raise BackendError(
            f"versioning is not enabled on bucket {bucket}, so no old state versions are kept",
            hint="run tfctl bootstrap to turn versioning on",
        )


def history(env: EnvironmentContext, *, limit: int = 20) -> list[StateVersion]:
    """The newest `limit` versions of `env`'s state, newest first."""
    if limit < 1:
        raise ConfigError(f"--limit must be at least 1, got {limit}")
    bucket, key = env.project.settings.state_bucket, env.state_key
    s3 = aws_client(env.project, "s3")
    _require_versioning(s3, bucket)
    found: list[dict[str, Any]] = []
    params: dict[str, Any] = {"Bucket": bucket, "Prefix": key}
    while len(found) < limit:
        page = aws_call(
            "ListObjectVersions",
            f"bucket {bucket}",
            lambda p=dict(params): s3.list_object_versions(**p),  # type: ignore[misc]
        )
        found.extend(v for v in page.get("Versions", []) if v.get("Key") == key)
        if not page.get("IsTruncated"):
            break
        params["KeyMarker"] = page.get("NextKeyMarker")
        params["VersionIdMarker"] = page.get("NextVersionIdMarker")
    found.sort(key=lambda v: v["LastModified"], reverse=True)
    versions = []
    for item in found[:limit]:
        head = _read(s3, bucket, key, item["VersionId"], head=True)
        serial, lineage, tf_version = _head_fields(head)
        versions.append(
            StateVersion(
                version_id=str(item["VersionId"]),
                last_modified=item["LastModified"],
                size=int(item.get("Size", 0)),
                is_latest=bool(item.get("IsLatest")),
                serial=serial,
                lineage=lineage,
                terraform_version=tf_version,
            )
        )
    return versions


def _read(s3: Any, bucket: str, key: str, version_id: str | None, *, head: bool = False) -> bytes:
    params: dict[str, Any] = {"Bucket": bucket, "Key": key}
    if version_id is not None:
        params["VersionId"] = version_id
    if head:
        params["Range"] = f"bytes=0-{_HEAD_BYTES - 1}"
    response = aws_call("GetObject", f"state {key}", lambda: s3.get_object(**params))
    body: bytes = response["Body"].read()
    return body


def _parse_state(body: bytes, what: str) -> dict[str, Any]:
    try:
        state = json.loads(body)
    except ValueError:
        raise PlanRefusedError(f"{what} is not valid JSON; it cannot be restored") from None
    if not isinstance(state, dict) or not {"version", "serial", "lineage"} <= set(state):
        raise PlanRefusedError(f"{what} is not a terraform state (no version/serial/lineage)")
    return state


@dataclass(frozen=True)
class _HeldLock:
    path: str
    info: str


def _lock_info_document(path: str, version_id: str) -> str:
    who = f"{getpass.getuser()}@{socket.gethostname()}"
    from tfctl._version import __version__

    return json.dumps(
        {
            "ID": str(uuid.uuid4()),
            "Operation": "tfctl state restore",
            "Info": f"restoring version {version_id}",
            "Who": who,
            "Version": f"tfctl {__version__}",
            "Created": datetime.now(UTC).isoformat(),
            "Path": path,
        }
    )


_TAKEN = "ConditionalCheckFailedException"


def _acquire(dynamodb: Any, table: str, bucket: str, path: str, version_id: str) -> _HeldLock:
    """Take the environment's state lock exactly as terraform does (a conditional put);
    StateLockError naming the holder when someone else has it.

    A put retried after a lost response meets its own item: the lock is ours when the item
    holds our Info document (its ID is a fresh UUID), not someone else's."""
    from tfctl.retry import aws_error_code

    info = _lock_info_document(path, version_id)
    try:
        aws_call(
            "PutItem",
            f"lock table {table}",
            lambda: dynamodb.put_item(
                TableName=table,
                Item={"LockID": {"S": path}, "Info": {"S": info}},
                ConditionExpression="attribute_not_exists(LockID)",
            ),
            passthrough={_TAKEN},
        )
    except Exception as exc:
        if aws_error_code(exc) != _TAKEN:
            raise
        item = _lock_item(dynamodb, table, path)
        if item is None or item.get("Info", {}).get("S") != info:
            raise StateLockError(
                ("tfctl", "state restore"), 1, "", "", lock_info=_holder(item, bucket)
            ) from None
    return _HeldLock(path=path, info=info)


def _release(dynamodb: Any, table: str, lock: _HeldLock) -> None:
    """Delete our lock item, only if it is still ours (someone may have force-unlocked it)."""
    from tfctl.retry import aws_error_code

    try:
        aws_call(
            "DeleteItem",
            f"lock table {table}",
            lambda: dynamodb.delete_item(
                TableName=table,
                Key={"LockID": {"S": lock.path}},
                ConditionExpression="Info = :info",
                ExpressionAttributeValues={":info": {"S": lock.info}},
            ),
            passthrough={_TAKEN},
        )
    except Exception as exc:
        if aws_error_code(exc) != _TAKEN:
            raise


def _lock_item(dynamodb: Any, table: str, path: str) -> dict[str, Any] | None:
    item: dict[str, Any] | None = aws_call(
        "GetItem",
        f"lock table {table}",
        lambda: dynamodb.get_item(
            TableName=table, Key={"LockID": {"S": path}}, ConsistentRead=True
        ),
    ).get("Item")
    return item


def _holder(item: dict[str, Any] | None, bucket: str) -> dict[str, str]:
    from tfctl.locks import parse_lock_item

    lock = parse_lock_item(item, bucket) if item else None
    if lock is None:
        return {}
    return {"ID": lock.id, "Operation": lock.operation, "Who": lock.who, "Created": lock.created}


Confirm = Callable[[StateVersion, StateVersion], bool]


def restore(
    env: EnvironmentContext,
    version_id: str,
    *,
    force: bool = False,
    confirm: Confirm | None = None,
) -> RestoreResult:
    """Make `version_id` the current state of `env` again.

    Refuses a version of another lineage (another state altogether) unless `force`. `confirm` is
    called with (version to restore, current version) before anything changes; returning False
    cancels. The environment's DynamoDB lock is held from the final checks to the digest update.
    """
    version_id = version_id.strip()
    if not version_id or any(ch.isspace() for ch in version_id):
        raise ConfigError(f"{version_id!r} is not a version id", hint="see tfctl state history ENV")
    settings = env.project.settings
    bucket, key, table = settings.state_bucket, env.state_key, settings.lock_table
    s3 = aws_client(env.project, "s3")
    dynamodb = aws_client(env.project, "dynamodb")
    versions = {v.version_id: v for v in history(env, limit=1000)}
    target = versions.get(version_id)
    if target is None:
        raise ConfigError(
            f"{env.name} has no state version {version_id}",
            hint=f"see tfctl state history {env.name}",
        )
    current = next((v for v in versions.values() if v.is_latest), None)
    if current is None:
        raise ConfigError(f"{env.name} has no current state to replace")
    if target.is_latest:
        raise ConfigError(
            f"version {version_id} is already the current state of {env.name}",
            hint=f"pick an older version from tfctl state history {env.name}",
        )
    if target.lineage != current.lineage and not force:
        raise PlanRefusedError(
            f"version {version_id} has lineage {target.lineage}, the current state has "
            f"{current.lineage}: it is another state, not an earlier version of this one",
            hint="pass --force only if you are sure this is the state to use",
        )
    if confirm is not None and not confirm(target, current):
        raise PlanRefusedError("not restored: the restore was not confirmed")

    path = f"{bucket}/{key}"
    lock = _acquire(dynamodb, table, bucket, path, version_id)
    try:
        latest = _parse_state(_read(s3, bucket, key, None), "the current state")
        if latest.get("lineage") != current.lineage or latest.get("serial") != current.serial:
            raise PlanRefusedError(
                f"the state of {env.name} changed while preparing the restore",
                hint="look at tfctl state history again and retry",
            )
        state = _parse_state(_read(s3, bucket, key, version_id), f"version {version_id}")
        state["serial"] = max(int(latest["serial"]), int(state["serial"])) + 1
        body = (json.dumps(state, indent=2) + "\n").encode("utf-8")
        extra: dict[str, Any] = {"ServerSideEncryption": "AES256"}
        if settings.kms_key_id:
            extra = {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": settings.kms_key_id}
        written = aws_call(
            "PutObject",
            f"bucket {bucket}",
            lambda: s3.put_object(
                Bucket=bucket, Key=key, Body=body, ContentType="application/json", **extra
            ),
        )
        digest = hashlib.md5(body).hexdigest()  # noqa: S324 - terraform's own checksum scheme
        aws_call(
            "PutItem",
            f"lock table {table}",
            lambda: dynamodb.put_item(
                TableName=table,
                Item={"LockID": {"S": path + DIGEST_SUFFIX}, "Digest": {"S": digest}},
            ),
        )
    finally:
        _release(dynamodb, table, lock)
    return RestoreResult(
        environment=env.name,
        restored_version=version_id,
        new_version=str(written.get("VersionId", "")),
        serial=int(state["serial"]),
        lineage=str(state["lineage"]),
    )
