"""The sandbox's background services: moto (S3 + DynamoDB) and the provider host.

`start()` launches both detached (process.spawn_background), waits until they answer, and records
them in `endpoint.json` under the sandbox directory so later tfctl runs (`--sandbox`) and
`stop()` find them. Only pids recorded there, and still running the expected command, are ever
signalled.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys
import time
import urllib.parse
from dataclasses import asdict, dataclass
from pathlib import Path

from tfctl import process
from tfctl.errors import BackendError

STATE_FILE = "endpoint.json"
LOG_FILE = "services.log"
_START_TIMEOUT = 60.0


@dataclass(frozen=True)
class Endpoint:
    """A running sandbox: the moto URL and pids, and TF_REATTACH_PROVIDERS for the provider host."""

    url: str
    port: int
    moto_pid: int
    host_pid: int | None = None
    reattach: str | None = None

    def to_json(self) -> str:
        """The state file's content."""
        return json.dumps(asdict(self), sort_keys=True)


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def running(sandbox_dir: Path) -> Endpoint | None:
    """The recorded endpoint when its moto process still runs and answers; else None."""
    try:
        endpoint = Endpoint(**json.loads((sandbox_dir / STATE_FILE).read_text()))
    except (FileNotFoundError, ValueError, TypeError):
        return None
    if not _is_ours(endpoint.moto_pid, "moto.server") or not _answers(endpoint.url):
        return None
    if endpoint.host_pid is not None and not _is_ours(endpoint.host_pid, "tfctl.sandbox.host"):
        endpoint = Endpoint(endpoint.url, endpoint.port, endpoint.moto_pid)
    return endpoint


def start(sandbox_dir: Path, *, providers: bool = True) -> Endpoint:
    """Start moto (and the provider host) in the background, or return the ones already running."""
    current = running(sandbox_dir)
    if current is not None:
        return current
    sandbox_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    log_file = sandbox_dir / LOG_FILE
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    moto_pid = process.spawn_background(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        log_file=log_file,
        env=env,
    )
    host_pid = None
    reattach = None
    reattach_file = sandbox_dir / "providers.json"
    if providers:
        reattach_file.unlink(missing_ok=True)
        host_pid = process.spawn_background(
            [sys.executable, "-m", "tfctl.sandbox.host", str(sandbox_dir)],
            log_file=log_file,
            env={**env, "PYTHONPATH": _code_root()},
        )
    deadline = time.monotonic() + _START_TIMEOUT
    while not _answers(url) or (providers and not reattach_file.is_file()):
        if (
            time.monotonic() > deadline
            or not _alive(moto_pid)
            or (host_pid and not _alive(host_pid))
        ):
            _terminate(moto_pid)
            if host_pid:
                _terminate(host_pid)
            raise BackendError(
                "the sandbox endpoint did not start",
                hint=f"see {log_file}; is moto[server] installed (pip install 'tfctl[sandbox]')?",
            )
        time.sleep(0.05)
    if providers:
        reattach = reattach_file.read_text()
    endpoint = Endpoint(url, port, moto_pid, host_pid, reattach)
    state = sandbox_dir / STATE_FILE
    fd = os.open(state, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(endpoint.to_json())
    return endpoint


def stop(sandbox_dir: Path) -> bool:
    """Stop the recorded services; False when nothing was running."""
    state = sandbox_dir / STATE_FILE
    try:
        recorded = json.loads(state.read_text())
    except (FileNotFoundError, ValueError):
        return False
    stopped = False
    for pid, marker in (
        (recorded.get("moto_pid"), "moto.server"),
        (recorded.get("host_pid"), "tfctl.sandbox.host"),
    ):
        if isinstance(pid, int) and _is_ours(pid, marker):
            _terminate(pid)
            stopped = True
    state.unlink(missing_ok=True)
    return stopped


def _code_root() -> str:
    # The host imports tfctl from where this tfctl lives, installed or not.
    return str(Path(__file__).resolve().parent.parent.parent)


def _answers(url: str) -> bool:
    """True when the server at `url` (http://127.0.0.1:PORT) answers moto's API page with a
    success: one HTTP/1.0 request over a socket, as urllib would cost every sandboxed command
    ~10 ms of imports."""
    parsed = urllib.parse.urlsplit(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    request = f"GET /moto-api/ HTTP/1.0\r\nHost: {host}:{port}\r\n\r\n".encode()
    try:
        with socket.create_connection((host, port), timeout=1) as sock:
            sock.sendall(request)
            with sock.makefile("rb") as response:
                status = response.readline(256).split()
    except OSError:
        return False
    return len(status) >= 2 and status[0].startswith(b"HTTP/") and status[1][:1] in (b"2", b"3")


def _alive(pid: int) -> bool:
    try:
        done, _status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return process.is_alive(pid)
    return done == 0


def _is_ours(pid: int, marker: str) -> bool:
    """The pid runs the command we started (not a recycled pid of something else)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return False
    return marker in cmdline and _alive(pid)


def _terminate(pid: int, grace: float = 5.0) -> None:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while _alive(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            break
        time.sleep(0.05)
