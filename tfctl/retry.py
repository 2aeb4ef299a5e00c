"""Named tenacity retry policies, and the predicates that decide which AWS errors are worth a retry.

Every retry in tfctl goes through a policy defined here, so attempts, total time and backoff are
declared once and tested once. botocore's own retries are switched off on the clients tfctl
builds, so a policy's attempt count is the real number of requests.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    import tenacity

T = TypeVar("T")


def first_then_retrying(
    func: Callable[[], T],
    should_retry: Callable[[BaseException], bool],
    retrying: Callable[[float], tenacity.Retrying],
) -> T:
    """Run `func` once; only when that attempt fails in a way `should_retry` accepts, build the
    tenacity Retrying (`retrying(seconds the first attempt took)`) and let it run the rest, the
    failed attempt replayed as its first, so attempts, waits and messages are what tenacity
    alone would give. Most calls succeed at once and never load tenacity (~10 ms of imports)."""
    started = time.monotonic()
    try:
        return func()
    except BaseException as exc:  # KeyboardInterrupt too: should_retry refuses it, it re-raises
        if not should_retry(exc):
            raise
        first = exc
    spent = time.monotonic() - started
    replayed = False

    def attempt() -> T:
        nonlocal replayed
        if not replayed:
            replayed = True
            raise first
        return func()

    result: T = retrying(spent)(attempt)
    return result


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
        spent: float = 0.0,
        before_sleep: Callable[[tenacity.RetryCallState], None] | None = None,
    ) -> tenacity.Retrying:
        """A tenacity Retrying for this policy that retries exceptions `should_retry` accepts;
        `spent` seconds of the policy's time are already used (see first_then_retrying), and
        `before_sleep` hears of each retry before its wait.

        The last exception is re-raised unchanged when the policy gives up.
        """
        import tenacity

        extra: dict[str, Any] = {} if sleep is None else {"sleep": sleep}
        if before_sleep is not None:
            extra["before_sleep"] = before_sleep
        return tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.max_attempts)
            | tenacity.stop_after_delay(max(0.0, self.max_seconds - spent)),
            wait=tenacity.wait_random_exponential(multiplier=self.initial_wait, max=self.max_wait),
            retry=tenacity.retry_if_exception(should_retry),
            reraise=True,
            **extra,
        )

    def call(self, should_retry: Callable[[BaseException], bool], func: Callable[[], T]) -> T:
        """Run `func` under this policy."""
        return first_then_retrying(
            func, should_retry, lambda spent: self.retrying(should_retry, spent=spent)
        )


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


# --- terraform commands (tfctl.failures decides what is retryable) ----------------------------

#: Terraform's read-only commands; `max_attempts` is replaced by settings.retries + 1.
TERRAFORM = RetryPolicy(
    "terraform", max_attempts=4, max_seconds=300.0, initial_wait=1.0, max_wait=30.0
)
