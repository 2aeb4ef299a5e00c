"""Named tenacity retry policies, and the predicates that decide what is worth retrying.

Every retry in tfctl goes through a policy defined here, so attempts, total time and backoff are
declared once and tested once. botocore's own retries are switched off on the clients tfctl
builds, so a policy's attempt count is the real number of requests.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any, TypeVar

import tenacity

from tfctl.errors import StateLockError, TerraformCommandError
from tfctl.process import CompletedRun

T = TypeVar("T")


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter, bounded by attempts AND total elapsed time."""

    name: str
    max_attempts: int
    max_seconds: float
    initial_wait: float
    max_wait: float

    def retrying(
        self,
        should_retry: Callable[[BaseException], bool],
        *,
        sleep: Callable[[float], None] | None = None,
    ) -> tenacity.Retrying:
        """A tenacity Retrying for this policy that retries exceptions `should_retry` accepts.

        The last exception is re-raised unchanged when the policy gives up.
        """
        extra: dict[str, Any] = {} if sleep is None else {"sleep": sleep}
        return tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.max_attempts)
            | tenacity.stop_after_delay(self.max_seconds),
            wait=tenacity.wait_random_exponential(multiplier=self.initial_wait, max=self.max_wait),
            retry=tenacity.retry_if_exception(should_retry),
            reraise=True,
            **extra,
        )

    def call(self, should_retry: Callable[[BaseException], bool], func: Callable[[], T]) -> T:
        """Run `func` under this policy."""
        result: T = self.retrying(should_retry)(func)
        return result


# --- AWS API calls (boto3) -------------------------------------------------------------------

#: One AWS API request: throttling, 5xx and dropped connections.
AWS_API = RetryPolicy("aws-api", max_attempts=8, max_seconds=60.0, initial_wait=0.2, max_wait=10.0)
#: Reads right after a create, while S3/DynamoDB catch up (NoSuchBucket, ResourceNotFound).
AWS_AFTER_CREATE = RetryPolicy(
    "aws-after-create", max_attempts=12, max_seconds=90.0, initial_wait=0.25, max_wait=10.0
)
#: Waiting for a DynamoDB table (ours or a concurrent bootstrap's) to become ACTIVE.
AWS_TABLE_ACTIVE = RetryPolicy(
    "aws-table-active", max_attempts=120, max_seconds=300.0, initial_wait=0.5, max_wait=5.0
)

#: Error codes that mean "slow down" or "the service failed, not your request".
AWS_TRANSIENT_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottled",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "LimitExceededException",
        "SlowDown",
        "RequestTimeout",
        "RequestTimeoutException",
        "PriorRequestNotComplete",
        "InternalError",
        "InternalFailure",
        "InternalServerError",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        # S3: a conflicting create/delete of the same bucket is in flight (concurrent bootstrap).
        "OperationAborted",
    }
)
#: Error codes that, right after a create, only mean "not visible yet".
AWS_NOT_YET_VISIBLE_CODES = frozenset(
    {
        "NoSuchBucket",
        "404",
        "NotFound",
        "ResourceNotFoundException",
        "ContinuousBackupsUnavailableException",
    }
)


def aws_error_code(exc: BaseException) -> str | None:
    """The AWS error code of a botocore ClientError (duck-typed: botocore stays a lazy import)."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    code = response.get("Error", {}).get("Code")
    return str(code) if code else None


def aws_http_status(exc: BaseException) -> int | None:
    """The HTTP status of a botocore ClientError, when it carries one."""
    response = getattr(exc, "response", None)
    if not isinstance(response, dict):
        return None
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    return int(status) if isinstance(status, int) else None


def is_transient_aws_error(exc: BaseException) -> bool:
    """Throttling, a 5xx, or a connection that failed or timed out: worth another attempt."""
    code = aws_error_code(exc)
    if code is not None:
        status = aws_http_status(exc)
        return code in AWS_TRANSIENT_CODES or (status is not None and status >= 500)
    from botocore.exceptions import ConnectionError as BotoConnectionError
    from botocore.exceptions import HTTPClientError

    return isinstance(exc, BotoConnectionError | HTTPClientError)


def is_transient_or_not_yet_visible(exc: BaseException) -> bool:
    """Transient, or a resource we just created that the service does not show yet."""
    return is_transient_aws_error(exc) or aws_error_code(exc) in AWS_NOT_YET_VISIBLE_CODES


def aws_retry_predicate(
    *, after_create: bool = False, also: Collection[str] = ()
) -> Callable[[BaseException], bool]:
    """The predicate for one AWS call: transient errors, plus not-yet-visible ones after a create,
    plus any extra error codes in `also` (e.g. "ResourceInUseException" while a table settles)."""
    extra = frozenset(also)
    base = is_transient_or_not_yet_visible if after_create else is_transient_aws_error

    def predicate(exc: BaseException) -> bool:
        return base(exc) or (bool(extra) and aws_error_code(exc) in extra)

    return predicate


# --- terraform failures ------------------------------------------------------------------------
# The ONE place that reads terraform's human error text. Terraform offers no structured error
# codes, so lock contention and transient network/backend failures are recognised here only.

TRANSIENT = "transient"
LOCKED = "locked"
FATAL = "fatal"

_TERRAFORM_TRANSIENT_PATTERNS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"TLS handshake timeout",
        r"connection reset by peer",
        r"i/o timeout",
        r"timeout awaiting response headers",
        r"Client\.Timeout exceeded",
        r"unexpected EOF",
        r"Failed to (?:install|query available) provider",
        r"could not query provider registry",
        r"error while (?:downloading|installing) module",
        r"429 Too Many Requests",
        r"\b(?:Throttling|ThrottlingException|SlowDown|RequestLimitExceeded)\b",
        r"ProvisionedThroughputExceededException",
        r"\bStatusCode: 5\d\d\b",
        r"\b(?:500 Internal Server Error|502 Bad Gateway|503 Service Unavailable|504 Gateway Timeout)\b",
        r"InternalError|ServiceUnavailable",
        r"connection refused",
        r"no such host",
    )
)
_LOCK_PATTERN = re.compile(r"Error acquiring the state lock", re.IGNORECASE)
_LOCK_FIELD = re.compile(r"^\s*(ID|Path|Operation|Who|Version|Created|Info):\s*(.*?)\s*$", re.MULTILINE)


def classify_stderr(text: str) -> str:
    """TRANSIENT, LOCKED or FATAL for terraform's error text."""
    if _LOCK_PATTERN.search(text):
        return LOCKED
    if any(pattern.search(text) for pattern in _TERRAFORM_TRANSIENT_PATTERNS):
        return TRANSIENT
    return FATAL


def parse_lock_info(text: str) -> dict[str, str]:
    """The `Lock Info:` block terraform prints when the state is locked."""
    _, found, tail = text.partition("Lock Info:")
    if not found:
        return {}
    return {key: value for key, value in _LOCK_FIELD.findall(tail) if value}


def classify_failure(completed: CompletedRun) -> TerraformCommandError:
    """The exception for a failed terraform run: StateLockError with the holder, or the general one."""
    text = completed.stderr
    if classify_stderr(text) == LOCKED:
        return StateLockError(
            completed.argv,
            completed.returncode,
            completed.stdout,
            completed.stderr,
            lock_info=parse_lock_info(text),
        )
    error = TerraformCommandError(
        completed.argv, completed.returncode, completed.stdout, completed.stderr
    )
    error.kind = classify_stderr(text)
    return error
