"""Signal forwarding without a process: a fake child counts every signal sent to it.

A real child's Python signal handling coalesces two SIGINTs sent back to back, so a bug that
forwards two on the first Ctrl-C (for terraform, the second one is a hard stop) would pass any
test that counts in the child. The fake counts `send_signal` calls exactly.
"""

from __future__ import annotations

import os
import signal
from typing import Any

import pytest

from tfctl import process
from tfctl.errors import Interrupted, Terminated


class FakeChild:
    """What process.run uses of a Popen; `wait` delivers the scripted signals to tfctl first."""

    def __init__(self, script: list[int]) -> None:
        self.script = script
        self.sent: list[int] = []
        self.returncode: int | None = None
        self.pid = 424242
        self.stdout = self._empty_pipe()
        self.stderr = self._empty_pipe()

    @staticmethod
    def _empty_pipe() -> Any:
        read, write = os.pipe()
        os.close(write)
        return os.fdopen(read, "rb")

    def poll(self) -> int | None:
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        for signum in self.script:
            # what the interpreter does when the signal arrives while tfctl waits
            handler = signal.getsignal(signum)
            assert callable(handler)
            handler(signum, None)
        self.script = []
        self.returncode = 130 if self.sent else 0
        return self.returncode

    def send_signal(self, signum: int) -> None:
        self.sent.append(signum)

    def kill(self) -> None:
        self.sent.append(signal.SIGKILL)


def run_with(script: list[int], monkeypatch: pytest.MonkeyPatch) -> tuple[FakeChild, Any]:
    children: list[FakeChild] = []

    def popen(*args: Any, **kwargs: Any) -> FakeChild:
        child = FakeChild(script)
        children.append(child)
        return child

    monkeypatch.setattr("subprocess.Popen", popen)
    notices: list[str] = []
    try:
        outcome: Any = process.run(["terraform", "apply"], on_notice=notices.append)
    except (Interrupted, Terminated) as exc:
        outcome = exc
    return children[0], outcome


def test_one_ctrl_c_forwards_exactly_one_sigint(monkeypatch: pytest.MonkeyPatch) -> None:
    child, outcome = run_with([signal.SIGINT], monkeypatch)
    assert child.sent == [signal.SIGINT]
    assert isinstance(outcome, Interrupted) and outcome.exit_code == 130


def test_two_ctrl_c_forward_two_sigints_and_never_more(monkeypatch: pytest.MonkeyPatch) -> None:
    child, _ = run_with([signal.SIGINT] * 2, monkeypatch)
    assert child.sent == [signal.SIGINT, signal.SIGINT]
    child, _ = run_with([signal.SIGINT] * 5, monkeypatch)
    assert child.sent == [signal.SIGINT, signal.SIGINT]


def test_sigterm_is_forwarded_once_as_sigint_and_exits_143(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    child, outcome = run_with([signal.SIGTERM], monkeypatch)
    assert child.sent == [signal.SIGINT]
    assert isinstance(outcome, Terminated) and outcome.exit_code == 143


def test_no_signal_sends_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    child, outcome = run_with([], monkeypatch)
    assert child.sent == []
    assert outcome.returncode == 0


def test_handlers_are_restored_after_the_child(monkeypatch: pytest.MonkeyPatch) -> None:
    before = (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM))
    run_with([signal.SIGTERM], monkeypatch)
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def test_sigterm_outside_a_child_unwinds_like_ctrl_c() -> None:
    previous = signal.getsignal(signal.SIGTERM)
    try:
        process.raise_on_sigterm()
        cleaned: list[bool] = []

        def work() -> None:
            try:
                os.kill(os.getpid(), signal.SIGTERM)  # the handler runs as kill returns
            finally:
                cleaned.append(True)

        with pytest.raises(Terminated):
            work()
        assert cleaned == [True]
    finally:
        signal.signal(signal.SIGTERM, previous)
