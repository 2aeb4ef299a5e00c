"""Stands between tfctl and one terraform so that tfctl's death stops terraform gently, once.

tfctl runs `python -I -S child_guard.py TFCTL_PID PROGRAM_PATH ARGS...` (by path, stdlib only, so it
starts in milliseconds). The kernel's parent-death signal fires once for every thread of the
parent that exits while holding the child: a SIGKILLed tfctl (several threads) could send
terraform two SIGINTs, and terraform reads a second SIGINT as "exit now", mid-state-save. This
single-threaded process forwards SIGINT and SIGTERM from tfctl (Ctrl-C) to terraform as SIGINT,
one each, and takes tfctl's death (SIGHUP, however many times) as one SIGINT to the whole process
group unless one was already sent, as a terminal's Ctrl-C does: that reaches the real terraform
behind 1.0's panicwrap parent and local-exec commands, while providers ignore it. It exits as
terraform did. If this process is killed (tfctl's hard stop), terraform is killed.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
from types import FrameType

_PR_SET_PDEATHSIG = 1
_STOPS = (signal.SIGINT, signal.SIGTERM)
_PARENT_GONE = signal.SIGHUP


def _set_parent_death_signal(signum: int) -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signum)


def main() -> None:
    parent, argv = int(sys.argv[1]), sys.argv[2:]
    child = 0
    owed: list[bool] = []  # one entry per SIGINT terraform is owed: True for the whole group
    asked = False  # whether tfctl (alive or dead) asked for a stop yet

    def deliver() -> None:
        while child and owed:
            if owed.pop(0):
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # tfctl is gone: none to forward
                os.killpg(0, signal.SIGINT)
            else:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(child, signal.SIGINT)

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal asked
        asked = True
        owed.append(False)
        deliver()

    def parent_gone(signum: int, frame: FrameType | None) -> None:
        nonlocal asked
        if not asked:
            asked = True
            owed.append(True)
        deliver()

    watched = {*_STOPS, _PARENT_GONE}
    signal.pthread_sigmask(signal.SIG_BLOCK, watched)
    for signum in _STOPS:
        signal.signal(signum, stop)
    signal.signal(_PARENT_GONE, parent_gone)
    _set_parent_death_signal(_PARENT_GONE)
    if os.getppid() != parent:  # tfctl died before it could be noticed
        os._exit(1)

    pid = os.fork()
    if pid == 0:
        try:
            for signum in watched:
                signal.signal(signum, signal.SIG_DFL)
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # what a program run from a shell gets
            signal.pthread_sigmask(signal.SIG_UNBLOCK, watched)
            _set_parent_death_signal(signal.SIGKILL)
            os.execv(argv[0], argv)  # noqa: S606 - tfctl resolved the path; no shell wanted
        finally:
            os._exit(127)
    child = pid
    signal.pthread_sigmask(signal.SIG_UNBLOCK, watched)  # handlers run here for any that waited
    deliver()
    _, status = os.waitpid(child, 0)  # a handler interrupts the wait, which then resumes
    code = os.waitstatus_to_exitcode(status)
    if code < 0:  # died of a signal: so does this process, for tfctl to see the same
        signal.pthread_sigmask(signal.SIG_BLOCK, watched)
        if -code != signal.SIGKILL:
            signal.signal(-code, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {-code})
        os.kill(os.getpid(), -code)
    os._exit(code & 0xFF if code >= 0 else 1)


if __name__ == "__main__":
    main()
