"""Shared machinery for the backend bootstrap: one AWS call with retries and clear errors, and
the per-setting rows of the report.

Every AWS request of a bootstrap goes through `BootstrapContext.call`, which records it, retries it
under a named policy from tfctl.retry, and turns AWS errors into one-line tfctl errors
(AccessDenied names the IAM action that is missing).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, Literal

from tfctl.errors import BackendError, CredentialsError
from tfctl.retry import AWS_AFTER_CREATE, AWS_API, aws_error_code, aws_retry_predicate

Status = Literal["created", "repaired", "in place", "drift", "skipped"]
STATUSES: tuple[Status, ...] = ("created", "repaired", "in place", "drift", "skipped")
#: Operation-name prefixes of API calls that change something (used to prove idempotency).
MUTATING_PREFIXES = ("Create", "Put", "Update", "Delete", "Tag", "Untag")


@dataclass(frozen=True)
class SettingResult:
    """One row of a bootstrap report: what one setting of one resource was, or became."""

    resource: str
    setting: str
    status: Status
    detail: str


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


def is_mutating(operation: str) -> bool:
    """True for API operations that change something (Create*, Put*, Update*, Delete*, Tag*)."""
    return operation.startswith(MUTATING_PREFIXES)


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

    def row(self, resource: str, name: str, status: Status, detail: str) -> None:
        """Record a row whose status the caller decided (resource existence)."""
        self.rows.append(SettingResult(resource, name, status, detail))


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
