"""What a failed terraform run means, and whether to run it again.

The ONE place that reads terraform's human error text. Terraform offers no structured error
codes, so lock contention and transient network/backend failures are recognised here only.
The patterns are tested against texts produced by the real binary (tests/integration). The
retry itself runs under tfctl.retry's TERRAFORM policy.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from tfctl.errors import StateLockError, TerraformCommandError
from tfctl.process import CompletedRun, parse_events
from tfctl.retry import TERRAFORM, RetryPolicy, first_then_retrying

if TYPE_CHECKING:
    import tenacity

T = TypeVar("T")

log = logging.getLogger(__name__)


class _LazyPattern:
    """A regular expression compiled on first use: this module loads on every start-up and
    most runs never read an error."""

    def __init__(self, pattern: str, flags: int = re.IGNORECASE) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None

    def _get(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def search(self, text: str) -> re.Match[str] | None:
        return self._get().search(text)

    def findall(self, text: str) -> list[Any]:
        return self._get().findall(text)


TRANSIENT = "transient"
LOCKED = "locked"
FATAL = "fatal"
#: A saved plan whose state moved on (another run applied first); nothing was changed.
STALE_PLAN = "stale-plan"

_TERRAFORM_TRANSIENT_PATTERNS = tuple(
    _LazyPattern(pattern)
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
        r"\bStatusCode: (?:5\d\d|429)\b",
        r"\b(?:500 Internal Server Error|502 Bad Gateway|503 Service Unavailable)\b",
        r"\b504 Gateway Timeout\b",
        r"\b(?:InternalError|ServiceUnavailable|RequestTimeout)\b",
        r"send request failed",
        r"connection refused",
        r"no such host",
        r"temporary failure in name resolution",
    )
)
_STALE_PLAN = _LazyPattern(r"Saved plan is stale")
_LOCK_ERROR = _LazyPattern(r"Error acquiring the state lock")
# "Error acquiring the state lock" also wraps network failures; only these mean someone holds it.
_LOCK_HELD = _LazyPattern(r"Lock Info:|ConditionalCheckFailedException")
_LOCK_FIELD = _LazyPattern(
    r"^\s*(ID|Path|Operation|Who|Version|Created|Info):\s*(.*?)\s*$", re.MULTILINE
)

#: Failures that happen while loading the backend or taking the lock, before any resource changes.
_BEFORE_CHANGES_PATTERNS = tuple(
    _LazyPattern(pattern)
    for pattern in (
        r"Error acquiring the state lock",
        r"Error refreshing state",
        r"Error loading state",
        r"Failed to load state",
        r"Failed to (?:read|get) (?:the )?(?:existing )?(?:state|workspaces)",
        r"error loading the remote state",
        # the S3 backend listing workspaces while it loads (1.15.5 says no more than this)
        r"Unable to list objects in S3 bucket",
    )
)
#: -json UI events that mean terraform started changing something.
_CHANGE_EVENTS = frozenset(
    {"apply_start", "apply_progress", "apply_complete", "apply_errored", "provision_start"}
)

#: Commands that read only, or converge to the same result when repeated.
READ_ONLY_COMMANDS = frozenset({"init", "validate", "plan", "output", "show"})
#: Commands retried only when terraform failed before changing anything.
MUTATING_COMMANDS = frozenset({"apply", "destroy"})


def classify_stderr(text: str) -> str:
    """TRANSIENT, LOCKED, STALE_PLAN or FATAL for terraform's error text.

    LOCKED means another run holds the state lock (terraform printed its Lock Info); a failure
    to *reach* the lock table is TRANSIENT like any other dropped connection. STALE_PLAN means
    a saved plan was refused because the state changed after it was made.
    """
    if _LOCK_ERROR.search(text) and _LOCK_HELD.search(text):
        return LOCKED
    if _STALE_PLAN.search(text):
        return STALE_PLAN
    if any(pattern.search(text) for pattern in _TERRAFORM_TRANSIENT_PATTERNS):
        return TRANSIENT
    return FATAL


def parse_lock_info(text: str) -> dict[str, str]:
    """The `Lock Info:` block terraform prints when the state is locked."""
    _, found, tail = text.partition("Lock Info:")
    if not found:
        return {}
    return {key: value for key, value in _LOCK_FIELD.findall(tail) if value}


#: The operation terraform records in the lock of each command that takes the state lock.
LOCK_OPERATIONS = {
    "plan": "OperationTypePlan",
    "apply": "OperationTypeApply",
    "destroy": "OperationTypeApply",
}
#: How soon after a run starts terraform has taken its lock (it does so before reading state).
OWN_LOCK_SECONDS = 60
_LOCK_CREATED = _LazyPattern(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.(\d+))? \+0000 UTC$")


def lock_created(text: str) -> float | None:
    """Terraform's `Created:` time of a lock ("2026-11-30 09:19:08.138909685 +0000 UTC")."""
    match = _LOCK_CREATED.search(text.strip())
    if match is None:
        return None
    from datetime import UTC, datetime

    seconds = datetime.strptime(match[1], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC).timestamp()
    return seconds + float(f"0.{match[2] or 0}")


def own_lock_id(
    error: StateLockError,
    *,
    command: str,
    started: float,
    ended: float,
    who: str,
    version: str,
) -> str | None:
    """The ID of the lock terraform waited on, when that lock is the run's own: taken by `who`
    (user@host, as terraform writes it) with this terraform `version` and operation, within
    OWN_LOCK_SECONDS of the run's start and before its end (epoch seconds). None when anything
    differs.

    Terraform's S3 backend leaves such a lock when the SDK retries its lock request after the
    first one went through: the retry meets the item the first one wrote, terraform waits on
    its own lock until -lock-timeout, gives up, and never releases it.
    """
    info = error.lock_info
    operation = LOCK_OPERATIONS.get(command)
    if operation is None or info.get("Operation") != operation:
        return None
    if info.get("Who") != who or info.get("Version") != version:
        return None
    created = lock_created(info.get("Created", ""))
    if created is None or not started - 1 <= created <= min(ended, started + OWN_LOCK_SECONDS):
        return None
    return info.get("ID") or None


def classify_failure(completed: CompletedRun) -> TerraformCommandError:
    """The exception for a failed run: StateLockError with the holder, or the general one."""
    text = completed.stderr
    kind = classify_stderr(text)
    if kind == LOCKED:
        return StateLockError(
            completed.argv,
            completed.returncode,
            completed.stdout,
            completed.stderr,
            lock_info=parse_lock_info(text),
        )
    error = TerraformCommandError(
        completed.argv,
        completed.returncode,
        completed.stdout,
        completed.stderr,
        summary=_plan_version_summary(text) or _missing_backend_summary(text),
    )
    error.kind = kind
    return error


_PLAN_VERSION = _LazyPattern(
    r"plan file was created by\s+Terraform\s+(\d+(?:\.\d+)*(?:-\w+)?),\s+"
    r"but\s+this\s+is\s+(\d+(?:\.\d+)*(?:-\w+)?)"
)


def _plan_version_summary(text: str) -> str | None:
    """A one-line explanation when a saved plan comes from another Terraform release."""
    found = _PLAN_VERSION.search(text)
    if found is None:
        return None
    return (
        f"the plan was made by Terraform {found.group(1)} and this is {found.group(2)}: a plan "
        "file works only with the Terraform release that wrote it; plan again with this one"
    )


_MISSING_BUCKET = _LazyPattern(r"NoSuchBucket|S3 bucket does not exist")
_MISSING_TABLE = _LazyPattern(r"ResourceNotFoundException")


def _missing_backend_summary(text: str) -> str | None:
    """A one-line explanation when the state bucket or lock table does not exist."""
    if _MISSING_BUCKET.search(text):
        return "the state bucket does not exist; run tfctl bootstrap to create it"
    if _MISSING_TABLE.search(text):
        return "the lock table does not exist; run tfctl bootstrap to create it"
    return None


def failed_before_changes(error: TerraformCommandError) -> bool:
    """True when an apply/destroy failed while loading the backend or taking the lock.

    Both conditions must hold: no -json event says a resource operation started, and the error is
    one terraform reports before changing anything. Anything else may have changed infrastructure.
    """
    if any(event.get("type") in _CHANGE_EVENTS for event in parse_events(error.stdout)):
        return False
    text = f"{error.stderr}\n{error.stdout}"
    return any(pattern.search(text) for pattern in _BEFORE_CHANGES_PATTERNS)


def command_of(error: TerraformCommandError) -> str:
    """The terraform sub-command of a failed run (argv[1]), or "" when unknown."""
    return error.argv[1] if len(error.argv) > 1 else ""


def should_retry_terraform(command: str, exc: BaseException) -> bool:
    """The retry rule: transient failures of read-only commands; for apply and destroy, only
    transient failures that happened before terraform changed anything. Never lock-held (the
    -lock-timeout already queued) nor fatal errors."""
    if not isinstance(exc, TerraformCommandError) or exc.kind != TRANSIENT:
        return False
    if command in READ_ONLY_COMMANDS:
        return True
    if command in MUTATING_COMMANDS:
        return failed_before_changes(exc)
    return False


def retry_terraform(
    command: str,
    func: Callable[[], T],
    *,
    retries: int,
    notify: Callable[[str], None] | None = None,
    sleep: Callable[[float], None] | None = None,
    policy: RetryPolicy = TERRAFORM,
) -> T:
    """Run one terraform command (`func`) with up to `retries` retries under `policy`.

    Each retry is logged at WARNING and passed to `notify` with the reason and the wait.
    The last error is re-raised unchanged when the policy gives up or the error is not retryable.
    """
    attempts = max(0, retries) + 1

    def before_sleep(state: tenacity.RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome is not None else None
        wait = state.next_action.sleep if state.next_action is not None else 0.0
        reason = str(error) if error is not None else "unknown error"
        message = (
            f"terraform {command} failed with a transient error ({reason}); "
            f"retrying in {wait:.1f}s (attempt {state.attempt_number + 1} of {attempts})"
        )
        log.warning("%s", message)
        if notify is not None:
            notify(message)

    def should_retry(exc: BaseException) -> bool:
        return attempts > 1 and should_retry_terraform(command, exc)

    bounded = dataclasses.replace(policy, max_attempts=attempts)
    return first_then_retrying(
        func,
        should_retry,
        lambda spent: bounded.retrying(
            should_retry, sleep=sleep, spent=spent, before_sleep=before_sleep
        ),
    )
