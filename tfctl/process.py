"""The ONLY place tfctl starts a subprocess.

`run()` streams stdout and stderr line by line through a masking hook to callbacks while
capturing them (through in-memory files, not pipes: see `_output_file`), takes the child
environment from `child_environment()` (the one place that environment is made), and turns
Ctrl-C or SIGTERM into one forwarded SIGINT so terraform stops cleanly and releases its state
lock; a second one forwards a second SIGINT (terraform's hard stop); only after a grace period
does it kill. `raise_on_sigterm()` makes SIGTERM outside a child unwind like Ctrl-C, so cleanup
(`finally`) runs.
"""

from __future__ import annotations

import codecs
import contextlib
import json
import logging
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any, Protocol

from tfctl.errors import Interrupted, Terminated, TerraformNotFoundError

log = logging.getLogger(__name__)

LineCallback = Callable[[str], None]

# Variables that make terraform chatty or leak secrets into logs; cleared unless debugging.
_DEBUG_VARIABLES = ("TF_LOG", "TF_LOG_PATH", "TF_LOG_CORE", "TF_LOG_PROVIDER")
_GUARD = str(Path(__file__).with_name("child_guard.py"))
# Stopped like Ctrl-C while a child runs: CI cancellation sends SIGTERM.
_FORWARDED = (signal.SIGINT, signal.SIGTERM)
_CHUNK = 65536
# How long a reader waits before looking at an idle output file again: first, at most (seconds).
_POLL_FIRST = 0.005
_POLL_MAX = 0.05

# Children of run() still running, so a Ctrl-C seen by the main thread can reach those that
# worker threads started (plan --all): only the main thread receives signals.
_running: set[subprocess.Popen[bytes]] = set()
_running_lock = threading.Lock()


def interrupt_all() -> int:
    """Send SIGINT (terraform's graceful stop) to every child run() is waiting for; how many."""
    with _running_lock:
        children = [proc for proc in _running if proc.poll() is None]
    for proc in children:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGINT)
    return len(children)


class StreamMasker(Protocol):
    def feed(self, chunk: str) -> str: ...

    def flush(self) -> str: ...


class MaskingHook(Protocol):
    """What process.py needs of a Masker: a per-stream masker and a one-shot mask."""

    def stream(self) -> StreamMasker: ...

    def mask(self, text: str) -> str: ...


@dataclass(frozen=True)
class CompletedRun:
    """A finished child process. stdout/stderr are already masked."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    interrupted: bool = False


def child_environment(
    base: Mapping[str, str],
    *,
    extra: Mapping[str, str] | None = None,
    debug: bool = False,
    plugin_cache_dir: Path | None = None,
) -> dict[str, str]:
    """The environment of every terraform child: automation mode, no prompts, no debug log."""
    env = dict(base)
    if not debug:
        for name in _DEBUG_VARIABLES:
            env.pop(name, None)
    env["TF_IN_AUTOMATION"] = "1"
    env["TF_INPUT"] = "0"
    if plugin_cache_dir is not None and "TF_PLUGIN_CACHE_DIR" not in (extra or {}):
        plugin_cache_dir.mkdir(parents=True, exist_ok=True)
        env["TF_PLUGIN_CACHE_DIR"] = str(plugin_cache_dir)
    env.update(extra or {})
    return env


def _resolve(program: str, cwd: Path | None, env: Mapping[str, str] | None) -> str:
    """The program's path as the child would find it; FileNotFoundError or PermissionError."""
    if os.sep in program:
        candidate = Path(cwd or os.curdir) / program
        if not candidate.is_file():
            raise FileNotFoundError(program)
        if not os.access(candidate, os.X_OK):
            raise PermissionError(program)
        return str(candidate)
    found = shutil.which(program, path=(os.environ if env is None else env).get("PATH"))
    if found is None:
        raise FileNotFoundError(program)
    return found


def _guarded(argv: list[str], cwd: Path | None, env: Mapping[str, str] | None) -> list[str]:
    # Through child_guard.py, so a killed tfctl reaches terraform as exactly one SIGINT (its
    # graceful stop: finish in-flight work, save state, release the lock). Linux only.
    program = _resolve(argv[0], cwd, env)
    if not sys.platform.startswith("linux"):
        return [program, *argv[1:]]
    return [sys.executable, "-I", "-S", _GUARD, str(os.getpid()), program, *argv[1:]]


def _output_file() -> int:
    """A descriptor for one of the child's output streams: an anonymous in-memory file.

    Not a pipe: Go exits on a write to a pipe nobody reads when it is fd 1 or 2 (SIGPIPE, even
    when inherited as ignored), so a killed tfctl would take terraform down in the middle of
    saving state. A file takes every write whoever reads it. memfd has no name and no disk
    blocks, so unmasked output never outlives its last user; elsewhere an unlinked temp file.
    """
    if hasattr(os, "memfd_create"):
        return os.memfd_create("tfctl-output", os.MFD_CLOEXEC)
    fd, name = tempfile.mkstemp(prefix="tfctl-output-")
    os.unlink(name)
    return fd


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    # The child leads its own session: its group holds terraform and the providers it started.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        proc.kill()


class _Interrupts:
    """Counts Ctrl-C (and SIGTERM, handled alike) while a child runs and forwards each one as
    exactly one SIGINT, up to two: terraform reads a second SIGINT as a hard stop."""

    def __init__(
        self, proc: subprocess.Popen[bytes], notify: LineCallback | None, kill_after: float
    ) -> None:
        self.proc = proc
        self.notify = notify
        self.kill_after = kill_after
        self.count = 0
        self.terminated = False
        self.killer: threading.Timer | None = None

    def _kill(self) -> None:
        if self.proc.poll() is None:
            if self.notify:
                self.notify(f"terraform did not stop within {self.kill_after:.0f}s; killing it")
            _kill_group(self.proc)

    def cancel(self) -> None:
        if self.killer is not None:
            self.killer.cancel()

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.count += 1
        self.terminated = self.terminated or signum == signal.SIGTERM
        if self.count > 2 or self.proc.poll() is not None:
            return
        if self.count == 2:
            self.killer = threading.Timer(self.kill_after, self._kill)
            self.killer.daemon = True
            self.killer.start()
        message = (
            "interrupt: asked terraform to stop; it finishes in-flight work, saves state and "
            "releases the lock (press Ctrl-C again to force)"
            if self.count == 1
            else "second interrupt: terraform is stopping hard; state may be left locked"
        )
        if self.notify:
            self.notify(message)
        with contextlib.suppress(ProcessLookupError):
            self.proc.send_signal(signal.SIGINT)


def _pump(
    fd: int,
    exited: threading.Event,
    masker: StreamMasker | None,
    sink: list[str],
    on_line: LineCallback | None,
) -> None:
    # Follows the child's output file up to 64 KiB at a time: lines flow within _POLL_MAX of
    # being written, and the masker works on large chunks (several times faster than line by
    # line). pread leaves the file offset, which the child writes at, alone.
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    offset = 0
    idle = _POLL_FIRST
    pending = ""

    def emit(text: str) -> None:
        nonlocal pending
        pending += text
        if "\n" not in text:
            return
        *lines, pending = pending.split("\n")
        for line in lines:
            sink.append(line + "\n")
            if on_line:
                on_line(line)

    while True:
        finished = exited.is_set()  # looked at first: all the child wrote is in the file
        chunk = os.pread(fd, _CHUNK, offset)
        if chunk:
            offset += len(chunk)
            text = decoder.decode(chunk)
            emit(masker.feed(text) if masker else text)
            idle = _POLL_FIRST
        elif finished:
            break
        else:
            exited.wait(idle)  # returns at once when the child exits
            idle = min(idle * 2, _POLL_MAX)
    os.close(fd)
    text = decoder.decode(b"", final=True)
    emit((masker.feed(text) + masker.flush()) if masker else text)
    if pending:
        emit("\n")


def _start(
    argv: list[str], cwd: Path | None, env: Mapping[str, str] | None, stdin: int | None = None
) -> tuple[subprocess.Popen[bytes], tuple[int, int]]:
    """The child, and the descriptors of the files its stdout and stderr go to."""
    outputs = (_output_file(), _output_file())
    try:
        proc = subprocess.Popen(
            _guarded(argv, cwd, env),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL if stdin is None else stdin,
            stdout=outputs[0],
            stderr=outputs[1],
            start_new_session=True,  # the terminal's Ctrl-C reaches tfctl only; tfctl forwards one
        )
    except BaseException:
        for fd in outputs:
            os.close(fd)
        raise
    return proc, outputs


def run(
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    masker: MaskingHook | None = None,
    on_stdout: LineCallback | None = None,
    on_stderr: LineCallback | None = None,
    on_notice: LineCallback | None = None,
    kill_after: float = 60.0,
    on_started: Callable[[], None] | None = None,
    stdin: int | None = None,
) -> CompletedRun:
    """Run argv to completion, streaming masked lines to the callbacks and capturing them.

    `on_started` runs once the child and its readers run: work that may overlap the child.
    `stdin` is a descriptor the child reads (tfctl exec's `console`); none by default.

    Raises TerraformNotFoundError when the program is missing, Interrupted (exit code 130) when the
    user pressed Ctrl-C (after the child has exited, so its state lock is released).
    """
    argv = [str(part) for part in argv]
    if log.isEnabledFor(logging.DEBUG):  # masking waits for every secret: only when logged
        shown = shlex.join(argv)
        log.debug("run: %s (cwd=%s)", masker.mask(shown) if masker else shown, cwd)
    started = time.monotonic()
    try:
        proc, outputs = _start(argv, cwd, env, stdin)
    except FileNotFoundError:
        raise TerraformNotFoundError(
            f"{argv[0]} not found",
            hint="install terraform >= 1.0.3 or set TFCTL_TERRAFORM_BIN to its path",
        ) from None
    except PermissionError:
        raise TerraformNotFoundError(
            f"{argv[0]} is not executable", hint="fix its permissions or set TFCTL_TERRAFORM_BIN"
        ) from None

    with _running_lock:
        _running.add(proc)
    out: list[str] = []
    err: list[str] = []
    exited = threading.Event()
    readers = [
        threading.Thread(
            target=_pump,
            args=(outputs[0], exited, masker.stream() if masker else None, out, on_stdout),
            daemon=True,
        ),
        threading.Thread(
            target=_pump,
            args=(outputs[1], exited, masker.stream() if masker else None, err, on_stderr),
            daemon=True,
        ),
    ]
    for reader in readers:
        reader.start()
    if on_started is not None:
        on_started()

    interrupts = _Interrupts(proc, on_notice, kill_after)
    in_main = threading.current_thread() is threading.main_thread()
    previous = (
        {signum: signal.signal(signum, interrupts) for signum in _FORWARDED} if in_main else {}
    )
    try:
        proc.wait()  # blocking: no polling delay; Ctrl-C runs the handler and the wait resumes
    finally:
        interrupts.cancel()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if proc.poll() is None:  # an unexpected error in tfctl: do not leave terraform running
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=kill_after)
            except subprocess.TimeoutExpired:
                _kill_group(proc)
                proc.wait()
        exited.set()
        for reader in readers:
            reader.join()
        with _running_lock:
            _running.discard(proc)

    result = CompletedRun(
        argv=tuple(argv),
        returncode=proc.returncode,
        stdout="".join(out),
        stderr="".join(err),
        seconds=time.monotonic() - started,
        interrupted=interrupts.count > 0,
    )
    log.debug("exit %s after %.2fs: %s", result.returncode, result.seconds, argv[:2])
    if interrupts.terminated:
        raise Terminated(
            f"terminated (SIGTERM); terraform exited with code {proc.returncode}",
            hint="the state lock was released unless terraform said otherwise",
        )
    if interrupts.count:
        raise Interrupted(
            f"interrupted; terraform exited with code {proc.returncode}",
            hint="the state lock was released unless terraform said otherwise",
        )
    return result


def raise_on_sigterm() -> None:
    """From now on SIGTERM raises Terminated in the main thread (Python's default kills the
    process on the spot, so no `finally` would remove the scratch plan)."""

    def terminate(signum: int, frame: FrameType | None) -> None:
        # children that worker threads started (plan --all) stop like on Ctrl-C
        stopping = interrupt_all()
        hint = f"asked {stopping} running terraform to stop" if stopping else None
        raise Terminated("terminated (SIGTERM)", hint=hint)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, terminate)


def spawn_background(
    argv: Sequence[str],
    *,
    log_file: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> int:
    """Start a long-lived helper (a local S3/DynamoDB endpoint) detached from tfctl; its pid."""
    log.debug("spawn: %s", shlex.join(argv))
    with log_file.open("ab") as sink:
        proc = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env=dict(env) if env is not None else None,
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return proc.pid


def is_alive(pid: int) -> bool:
    """True when a process with this pid exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def parse_events(stdout: str) -> list[dict[str, Any]]:
    """Every JSON object of a -json UI stream; other lines are skipped."""
    events = []
    for line in stdout.splitlines():
        if line.startswith("{"):
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict):
                events.append(event)
    return events


def terraform_running(*, uid: int | None = None) -> bool | None:
    """Whether a terraform process of this user (`terraform`, `tfctl-terraform`) runs on this
    host now; None where that cannot be known (no /proc)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return None
    user = os.getuid() if uid is None else uid
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid != user:
                continue
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:  # gone meanwhile, or not ours to read
            continue
        names = [os.path.basename(part).decode(errors="replace") for part in argv[:2]]
        if any(name in {"terraform", "tfctl-terraform"} for name in names):
            return True
    return False
