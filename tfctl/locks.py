"""State locks: list them from the DynamoDB lock table, force-unlock one through terraform.

Terraform's S3 backend keeps one item per held lock, keyed `<bucket>/<state key>`, whose `Info`
attribute is a JSON document (ID, Operation, Who, Version, Created, Path). The same table also
holds `<bucket>/<state key>-md5` digest items, which are not locks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from tfctl.backend.aws import aws_call
from tfctl.errors import ConfigError

if TYPE_CHECKING:
    from tfctl.protocols import EnvironmentContext, ProjectContext

T = TypeVar("T")

DIGEST_SUFFIX = "-md5"
_STATE_KEY = re.compile(r"^env/(?P<env>[^/]+)/terraform\.tfstate$")
# Terraform's lock ids are UUIDs (8-4-4-4-12 hex digits).
_LOCK_ID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)


@dataclass(frozen=True)
class LockInfo:
    """One held state lock, as terraform recorded it."""

    path: str  # <bucket>/<state key>
    environment: str | None
    id: str
    operation: str
    who: str
    version: str
    created: str
    info: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "environment": self.environment,
            "id": self.id,
            "operation": self.operation,
            "who": self.who,
            "version": self.version,
            "created": self.created,
            "path": self.path,
            "info": self.info,
        }


def aws_client(project: ProjectContext, service: str) -> Any:
    """A boto3 client for the project's backend (S3 or DynamoDB): its region, its credentials
    and endpoint from the project's environment (tfctl.backend.aws.backend_client)."""
    from tfctl.backend.aws import backend_client
    from tfctl.backend.render import endpoint_from_environment

    environ = project.environ
    endpoint = endpoint_from_environment(environ, service.upper())
    return backend_client(
        service, region=project.settings.region, environ=environ, endpoint=endpoint
    )


def environment_of(path: str, bucket: str) -> str | None:
    """The environment a lock path `<bucket>/env/<env>/terraform.tfstate` belongs to."""
    prefix = f"{bucket}/"
    if not path.startswith(prefix):
        return None
    match = _STATE_KEY.match(path[len(prefix) :])
    return match.group("env") if match else None


def parse_lock_item(item: dict[str, Any], bucket: str) -> LockInfo | None:
    """A LockInfo from one DynamoDB item (low-level format), or None for digest items."""
    path = str(item.get("LockID", {}).get("S", ""))
    if not path or path.endswith(DIGEST_SUFFIX):
        return None
    raw = item.get("Info", {}).get("S", "")
    try:
        info = json.loads(raw) if raw else {}
    except ValueError:
        info = {}
    if not isinstance(info, dict):
        info = {}
    return LockInfo(
        path=path,
        environment=environment_of(path, bucket),
        id=str(info.get("ID", "?")),
        operation=str(info.get("Operation", "unknown")),
        who=str(info.get("Who", "unknown")),
        version=str(info.get("Version", "")),
        created=str(info.get("Created", "")),
        info=str(info.get("Info", "")),
    )


def list_locks(project: ProjectContext, environment: str | None = None) -> list[LockInfo]:
    """Locks currently held on this project's state bucket, optionally for one environment."""
    if environment is not None:
        project.environment(environment)  # unknown names fail with the valid ones
    settings = project.settings
    table = settings.lock_table
    client = aws_client(project, "dynamodb")
    locks: list[LockInfo] = []
    start: dict[str, Any] | None = None
    while True:
        params: dict[str, Any] = {"TableName": table, "ConsistentRead": True}
        if start:
            params["ExclusiveStartKey"] = start
        page = aws_call("Scan", f"lock table {table}", lambda p=params: client.scan(**p))  # type: ignore[misc]
        for item in page.get("Items", []):
            lock = parse_lock_item(item, settings.state_bucket)
            if lock is None or not lock.path.startswith(f"{settings.state_bucket}/"):
                continue
            if environment is None or lock.environment == environment:
                locks.append(lock)
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    return sorted(locks, key=lambda lock: (lock.environment or "", lock.created))


def validate_lock_id(lock_id: str) -> str:
    """A terraform lock id (a UUID), else ConfigError."""
    if not _LOCK_ID.fullmatch(lock_id.strip()):
        raise ConfigError(
            f"{lock_id!r} is not a lock id",
            hint="lock ids look like 63bcb7fa-61a8-6c6b-0270-bea5121e64f2; see tfctl locks ENV",
        )
    return lock_id.strip()


def find_lock(env: EnvironmentContext, lock_id: str) -> LockInfo:
    """The lock `lock_id` held on `env`'s state, or ConfigError naming the current ones."""
    lock_id = validate_lock_id(lock_id)
    held = list_locks(env.project, env.name)
    for lock in held:
        if lock.id == lock_id:
            return lock
    current = ", ".join(lock.id for lock in held)
    raise ConfigError(
        f"{env.name} holds no lock {lock_id}",
        hint=f"current locks: {current}" if current else "its state is not locked",
    )


def force_unlock(env: EnvironmentContext, lock_id: str) -> LockInfo:
    """Release `lock_id` on `env` with `terraform force-unlock`, after checking it is held there."""
    lock = find_lock(env, lock_id)
    env.force_unlock(lock.id)
    return lock
