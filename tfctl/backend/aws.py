"""AWS call plumbing for the backend bootstrap: the clients, one AWS call with retries and clear
errors, and the per-setting rows of the report.

Every AWS request of a bootstrap goes through `BootstrapContext.call`, which records it, retries it
under a named policy from tfctl.retry, and turns AWS errors into one-line tfctl errors
(AccessDenied names the IAM action that is missing).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Mapping
from typing import Any, TypeVar

from tfctl.backend.report import SettingResult, Status
from tfctl.errors import BackendError, CredentialsError
from tfctl.retry import (
    AWS_AFTER_CREATE,
    AWS_API,
    aws_error_code,
    aws_retry_predicate,
    is_transient_aws_error,
)

T = TypeVar("T")

# IAM actions whose name differs from "<service>:<Operation>".
_IAM_ACTIONS = {
    "HeadBucket": "s3:ListBucket",
    "GetBucketEncryption": "s3:GetEncryptionConfiguration",
    "PutBucketEncryption": "s3:PutEncryptionConfiguration",
    "GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
    "PutBucketLifecycleConfiguration": "s3:PutLifecycleConfiguration",
    "GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
    "PutPublicAccessBlock": "s3:PutBucketPublicAccessBlock",
}
_ACCESS_DENIED = frozenset(
    {"AccessDenied", "AccessDeniedException", "403", "Forbidden", "AllAccessDisabled"}
)
_BAD_CREDENTIALS = frozenset(
    {
        "InvalidAccessKeyId",
        "SignatureDoesNotMatch",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
        "InvalidToken",
        "UnrecognizedClientException",
    }
)


def iam_action(service: str, operation: str) -> str:
    """The IAM action an API operation needs, e.g. ("s3", "HeadBucket") -> "s3:ListBucket"."""
    return _IAM_ACTIONS.get(operation, f"{service}:{operation}")


class BootstrapContext:
    """The clients, the mode (check or apply), the calls made and the rows of one bootstrap run."""

    def __init__(self, s3: Any, dynamodb: Any, *, check: bool) -> None:
        self.s3 = s3
        self.dynamodb = dynamodb
        self.check = check
        self.calls: list[str] = []
        self.rows: list[SettingResult] = []
        #: The error code behind the last call that returned None via `none_on`.
        self.last_absent_code: str | None = None

    def call(
        self,
        client: Any,
        method: str,
        *,
        resource: str,
        none_on: Collection[str] = (),
        after_create: bool = False,
        retry_also: Collection[str] = (),
        **params: Any,
    ) -> dict[str, Any] | None:
        """Call `client.<method>(**params)` under the AWS retry policy.

        Returns None when the error code is in `none_on` (e.g. "NoSuchBucketPolicy": nothing
        set). `after_create` also retries not-yet-visible errors; `retry_also` adds codes.
        """
        operation = client.meta.method_to_api_mapping[method]
        service = client.meta.service_model.service_name
        policy = AWS_AFTER_CREATE if after_create else AWS_API
        predicate = aws_retry_predicate(after_create=after_create, also=retry_also)
        absent = frozenset(none_on)

        def attempt() -> dict[str, Any] | None:
            self.calls.append(f"{service}:{operation}")  # every attempt is a request
            try:
                response: dict[str, Any] = getattr(client, method)(**params)
            except Exception as exc:
                code = aws_error_code(exc)
                if code in absent:
                    self.last_absent_code = code
                    return None
                raise
            return response

        try:
            return policy.call(predicate, attempt)
        except Exception as exc:
            raise translate_aws_error(exc, service, operation, resource) from None

    def setting(
        self,
        resource: str,
        name: str,
        *,
        in_place: bool,
        current: str,
        desired: str,
        created: bool,
        fix: Callable[[], object],
    ) -> None:
        """Record one setting; when it differs and this is not a check, apply `fix` first."""
        if in_place:
            # On a resource created this run, a setting already right was set at creation.
            status_: Status = "created" if created else "in place"
            self.rows.append(SettingResult(resource, name, status_, current))
        elif self.check:
            self.rows.append(SettingResult(resource, name, "drift", f"{current}; want {desired}"))
        else:
            fix()
            status: Status = "created" if created else "repaired"
            detail = desired if created else f"{desired} (was {current})"
            self.rows.append(SettingResult(resource, name, status, detail))

    def create(
        self, client: Any, method: str, *, resource: str, exists_code: str, **params: Any
    ) -> bool:
        """Call a Create* method; False when `exists_code` says a concurrent bootstrap won."""
        response = self.call(client, method, resource=resource, none_on=(exists_code,), **params)
        return response is not None

    def expect(
        self,
        resource: str,
        name: str,
        *,
        current: str,
        desired: str,
        created: bool,
        fix: Callable[[], object],
    ) -> None:
        """Record a setting that is right exactly when its value reads `desired`."""
        self.setting(
            resource,
            name,
            in_place=current == desired,
            current=current,
            desired=desired,
            created=created,
            fix=fix,
        )

    def tags(
        self,
        resource: str,
        tag_set: list[dict[str, str]],
        wanted: Mapping[str, str],
        *,
        created: bool,
        fix: Callable[[dict[str, str], dict[str, str]], object],
    ) -> None:
        """Record the tags setting: every wanted tag present in `tag_set`, other tags kept.

        `fix(current, missing)` writes them when they differ.
        """
        current = {t["Key"]: t["Value"] for t in tag_set}
        missing = {k: v for k, v in wanted.items() if current.get(k) != v}
        state = f"missing {', '.join(sorted(missing))}" if missing else f"{len(wanted)} tags set"
        self.setting(
            resource,
            "tags",
            in_place=not missing,
            current=state,
            desired=", ".join(f"{k}={v}" for k, v in sorted(wanted.items())),
            created=created,
            fix=lambda: fix(current, missing),
        )

    def row(self, resource: str, name: str, status: Status, detail: str) -> None:
        """Record a row whose status the caller decided (resource existence)."""
        self.rows.append(SettingResult(resource, name, status, detail))


def tag_list(tags: Mapping[str, str]) -> list[dict[str, str]]:
    """Tags in the [{"Key": ..., "Value": ...}] form both S3 and DynamoDB take, sorted by key."""
    return [{"Key": key, "Value": value} for key, value in sorted(tags.items())]


def _client_config(user_agent: str, *, path_style: bool = False) -> Any:
    """botocore settings of every client tfctl builds: botocore's own retries off (tfctl.retry
    owns retrying), 5 s to connect, 30 s to read, path-style S3 addressing for custom endpoints."""
    from botocore.config import Config

    return Config(
        retries={"total_max_attempts": 1, "mode": "standard"},
        connect_timeout=5,
        read_timeout=30,
        user_agent_extra=user_agent,
        s3={"addressing_style": "path"} if path_style else None,
    )


def clients(session: Any, region: str, endpoint: str | None) -> tuple[Any, Any, str]:
    """S3 and DynamoDB clients and the region's partition, with botocore's retries off
    (tfctl.retry owns retrying)."""
    import boto3

    session = session or boto3.Session(region_name=region)
    if session.get_credentials() is None:
        raise CredentialsError(
            "no AWS credentials found",
            hint="set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
        )
    custom = bool(
        endpoint or os.environ.get("AWS_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL_S3")
    )
    s3_config = _client_config("tfctl-bootstrap", path_style=custom)
    s3 = session.client("s3", region_name=region, endpoint_url=endpoint, config=s3_config)
    base = _client_config("tfctl-bootstrap")
    dynamodb = session.client("dynamodb", region_name=region, endpoint_url=endpoint, config=base)
    return s3, dynamodb, str(session.get_partition_for_region(region))


def translate_aws_error(exc: Exception, service: str, operation: str, resource: str) -> Exception:
    """A one-line tfctl error for an AWS failure; unknown exceptions pass through unchanged."""
    from botocore.exceptions import BotoCoreError, NoCredentialsError

    code = aws_error_code(exc)
    if code is not None:
        message = str(getattr(exc, "response", {}).get("Error", {}).get("Message") or "").strip()
        if code in _ACCESS_DENIED:
            action = iam_action(service, operation)
            return BackendError(
                f"access denied: {operation} on {resource} needs the IAM permission {action}",
                hint=f"grant {action} to this AWS identity, or bootstrap as one that has it",
            )
        if code in _BAD_CREDENTIALS:
            return CredentialsError(
                f"AWS rejected the credentials ({code}) calling {operation}",
                hint="refresh them (aws sso login, new keys) or pick another AWS_PROFILE",
            )
        if code == "BucketAlreadyExists":
            return BackendError(
                f"{resource} is owned by another AWS account: S3 bucket names are global",
                hint="choose another bucket name (--bucket or the project's state bucket)",
            )
        detail = f"{code}: {message}" if message else code
        return BackendError(f"{operation} on {resource} failed: {detail}")
    if isinstance(exc, NoCredentialsError):
        return CredentialsError(
            "no AWS credentials found",
            hint="set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
        )
    if isinstance(exc, BotoCoreError):
        return BackendError(f"{operation} on {resource} failed: {exc}")
    return exc


def backend_client(
    service: str, *, region: str, environ: Mapping[str, str], endpoint: str | None
) -> Any:
    """A boto3 client for the state backend (S3 or DynamoDB) with the credentials in `environ`
    (else boto3's chain). botocore's own retries are off: calls go through `aws_call`."""
    import boto3

    session = boto3.Session(
        aws_access_key_id=environ.get("AWS_ACCESS_KEY_ID") or None,
        aws_secret_access_key=environ.get("AWS_SECRET_ACCESS_KEY") or None,
        aws_session_token=environ.get("AWS_SESSION_TOKEN") or None,
        region_name=region,
    )
    config = _client_config("tfctl", path_style=bool(endpoint))
    return session.client(service, endpoint_url=endpoint, config=config)  # type: ignore[call-overload]


def aws_call(
    operation: str, resource: str, func: Callable[[], T], *, passthrough: Collection[str] = ()
) -> T:
    """One AWS request under the AWS_API retry policy; failures become one-line tfctl errors,
    except error codes in `passthrough`, re-raised unchanged for the caller.

    A missing bucket or table says to run `tfctl bootstrap`.
    """
    try:
        return AWS_API.call(is_transient_aws_error, func)
    except Exception as exc:
        code = aws_error_code(exc)
        if code is not None and code in passthrough:
            raise
        if code in {"NoSuchBucket", "ResourceNotFoundException"}:
            raise BackendError(
                f"{resource} does not exist ({code})",
                hint="run tfctl bootstrap to create the state bucket and lock table",
            ) from None
        service = "dynamodb" if resource.startswith("lock table") else "s3"
        raise translate_aws_error(exc, service, operation, resource) from None
