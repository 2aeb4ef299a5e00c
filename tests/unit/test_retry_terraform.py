"""The terraform retry rules (no process): which failures are retried for which command, how many
attempts, and that every retry is logged. The classifier itself is tested on real terraform
texts in tests/integration/test_safety_terraform_errors.py."""

from __future__ import annotations

import json
import logging
import time

import pytest

from tfctl.errors import Interrupted, StateLockError, TerraformCommandError
from tfctl.failures import (
    FATAL,
    OWN_LOCK_SECONDS,
    STALE_PLAN,
    TRANSIENT,
    failed_before_changes,
    lock_created,
    own_lock_id,
    retry_terraform,
    should_retry_terraform,
)
from tfctl.retry import RetryPolicy

LOCK_FAILURE = (
    "Error: Error acquiring the state lock\n  Error message: dial tcp: connection refused"
)
APPLY_START = json.dumps({"type": "apply_start", "hook": {"resource": {"addr": "null_resource.a"}}})


def failure(
    command: str, kind: str, *, stderr: str = "Error: boom", stdout: str = ""
) -> TerraformCommandError:
    error = TerraformCommandError(["terraform", command], 1, stdout, stderr)
    error.kind = kind
    return error


@pytest.mark.parametrize("command", ["init", "validate", "plan", "output", "show"])
def test_read_only_commands_retry_transient_failures_only(command: str) -> None:
    assert should_retry_terraform(command, failure(command, TRANSIENT))
    assert not should_retry_terraform(command, failure(command, FATAL))
    assert not should_retry_terraform(command, failure(command, STALE_PLAN))


@pytest.mark.parametrize("command", ["apply", "destroy"])
def test_apply_retries_only_before_anything_changed(command: str) -> None:
    before = failure(command, TRANSIENT, stderr=LOCK_FAILURE)
    assert failed_before_changes(before)
    assert should_retry_terraform(command, before)

    after = failure(command, TRANSIENT, stderr=LOCK_FAILURE, stdout=APPLY_START + "\n")
    assert not failed_before_changes(after)
    assert not should_retry_terraform(command, after)

    # Transient-looking text that is not a backend/lock failure: unknown phase, never retried.
    unknown = failure(command, TRANSIENT, stderr="Error: connection reset by peer")
    assert not should_retry_terraform(command, unknown)


def test_locked_and_other_errors_are_never_retried() -> None:
    locked = StateLockError(["terraform", "plan"], 1, "", "Lock Info:\n  ID: x", lock_info={})
    assert not should_retry_terraform("plan", locked)
    assert not should_retry_terraform("plan", Interrupted("interrupted"))
    assert not should_retry_terraform("plan", ValueError("bug"))
    assert not should_retry_terraform("force-unlock", failure("force-unlock", TRANSIENT))


class Flaky:
    """Fails with the given errors, then returns "ok"."""

    def __init__(self, *errors: BaseException) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def test_transient_failures_are_retried_and_each_attempt_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    func = Flaky(failure("plan", TRANSIENT), failure("plan", TRANSIENT))
    notices: list[str] = []
    waits: list[float] = []
    with caplog.at_level(logging.WARNING, logger="tfctl.failures"):
        result = retry_terraform("plan", func, retries=3, notify=notices.append, sleep=waits.append)
    assert result == "ok"
    assert func.calls == 3
    assert len(waits) == 2 and all(0 <= w <= 30 for w in waits)
    assert [n.split("(attempt ")[1] for n in notices] == ["2 of 4)", "3 of 4)"]
    assert all("terraform plan failed with a transient error" in n for n in notices)
    assert len([r for r in caplog.records if "retrying in" in r.getMessage()]) == 2


def test_attempts_are_bounded_and_the_last_error_is_raised() -> None:
    errors = [failure("plan", TRANSIENT, stderr=f"Error: attempt {i}") for i in range(5)]
    func = Flaky(*errors)
    with pytest.raises(TerraformCommandError) as caught:
        retry_terraform("plan", func, retries=2, sleep=lambda _: None)
    assert func.calls == 3
    assert caught.value is errors[2]


def test_zero_retries_means_one_attempt() -> None:
    func = Flaky(failure("init", TRANSIENT))
    with pytest.raises(TerraformCommandError):
        retry_terraform("init", func, retries=0, sleep=lambda _: None)
    assert func.calls == 1


def test_fatal_and_after_change_failures_raise_at_once() -> None:
    fatal = Flaky(failure("plan", FATAL))
    with pytest.raises(TerraformCommandError):
        retry_terraform("plan", fatal, retries=5, sleep=lambda _: None)
    assert fatal.calls == 1

    changed = Flaky(failure("apply", TRANSIENT, stderr=LOCK_FAILURE, stdout=APPLY_START))
    with pytest.raises(TerraformCommandError):
        retry_terraform("apply", changed, retries=5, sleep=lambda _: None)
    assert changed.calls == 1

    before = Flaky(failure("apply", TRANSIENT, stderr=LOCK_FAILURE))
    assert retry_terraform("apply", before, retries=5, sleep=lambda _: None) == "ok"
    assert before.calls == 2


def test_a_policy_counts_the_first_attempt_and_gives_up_on_time() -> None:
    transient = Flaky(ValueError("a"), ValueError("b"))
    policy = RetryPolicy("test", max_attempts=3, max_seconds=60, initial_wait=0, max_wait=0)
    assert policy.call(lambda exc: isinstance(exc, ValueError), transient) == "ok"
    assert transient.calls == 3

    bounded = Flaky(*(ValueError(str(i)) for i in range(5)))
    with pytest.raises(ValueError, match=r"^2$"):
        policy.call(lambda exc: isinstance(exc, ValueError), bounded)
    assert bounded.calls == 3

    # the first attempt used up the policy's time: no second one
    slow = RetryPolicy("slow", max_attempts=5, max_seconds=0.05, initial_wait=0, max_wait=0)

    def late() -> str:
        time.sleep(0.06)
        raise ValueError("late")

    calls = Flaky()
    with pytest.raises(ValueError, match="late"):
        slow.call(lambda exc: isinstance(exc, ValueError), lambda: (calls(), late())[1])
    assert calls.calls == 1


def locked_by(**info: str) -> StateLockError:
    base = {
        "ID": "0b8e8f2a-1111-2222-3333-444455556666",
        "Operation": "OperationTypePlan",
        "Who": "deploy@ci-7",
        "Version": "1.15.5",
        "Created": "2026-11-30 09:19:08.138909685 +0000 UTC",
    }
    return StateLockError(["terraform", "plan"], 1, "", "", lock_info={**base, **info})


CREATED = 1796030348.138909685  # 2026-11-30 09:19:08.138909685 UTC


def test_terraform_lock_times_are_read_in_utc() -> None:
    assert lock_created("2026-11-30 09:19:08.138909685 +0000 UTC") == pytest.approx(CREATED)
    assert lock_created("2026-11-30 09:19:08 +0000 UTC") == pytest.approx(int(CREATED))
    assert lock_created("2026-11-30 10:19:08 +0100 CET") is None
    assert lock_created("yesterday") is None


def test_a_lock_is_the_runs_own_only_when_everything_matches() -> None:
    mine = {
        "command": "plan",
        "started": CREATED - 0.5,
        "ended": CREATED + 120,
        "who": "deploy@ci-7",
        "version": "1.15.5",
    }
    assert own_lock_id(locked_by(), **mine) == "0b8e8f2a-1111-2222-3333-444455556666"  # type: ignore[arg-type]
    others = [
        locked_by(Who="deploy@ci-8"),
        locked_by(Version="1.11.4"),
        locked_by(Operation="OperationTypeApply"),
        locked_by(Created="2026-11-30 09:17:00 +0000 UTC"),  # before the run
        locked_by(Created="garbled"),
        locked_by(ID=""),
    ]
    for error in others:
        assert own_lock_id(error, **mine) is None, error.lock_info  # type: ignore[arg-type]
    late = {**mine, "started": CREATED - OWN_LOCK_SECONDS - 1}  # long after the run started
    assert own_lock_id(locked_by(), **late) is None  # type: ignore[arg-type]
    assert own_lock_id(locked_by(), **{**mine, "command": "output"}) is None  # type: ignore[arg-type]
    applied = locked_by(Operation="OperationTypeApply")
    assert own_lock_id(applied, **{**mine, "command": "destroy"}) is not None  # type: ignore[arg-type]
