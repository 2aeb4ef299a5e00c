"""process.run against small stand-in programs: streaming, masking, capture, Ctrl-C forwarding."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tfctl.errors import Interrupted, TerraformNotFoundError
from tfctl.masking import Masker
from tfctl.process import run


def script(tmp_path: Path, body: str) -> list[str]:
    path = tmp_path / "fake.py"
    path.write_text(body)
    return [sys.executable, "-u", str(path)]


def test_lines_stream_before_the_process_ends(tmp_path: Path) -> None:
    argv = script(
        tmp_path,
        "import sys, time\nprint('first', flush=True)\ntime.sleep(1.0)\nprint('second')\n",
    )
    seen: list[tuple[str, float]] = []
    started = time.monotonic()
    result = run(argv, on_stdout=lambda line: seen.append((line, time.monotonic() - started)))
    assert [line for line, _ in seen] == ["first", "second"]
    assert seen[0][1] < 0.9 < seen[1][1]  # the first line arrived while the program still ran
    assert result.stdout == "first\nsecond\n"


def test_stdout_and_stderr_are_masked_and_captured(tmp_path: Path) -> None:
    masker = Masker()
    masker.register("s3cr3t-value")
    argv = script(
        tmp_path,
        "import sys\nprint('token=s3cr3t-value')\nprint('err s3cr3t-value', file=sys.stderr)\n",
    )
    out: list[str] = []
    err: list[str] = []
    result = run(argv, masker=masker, on_stdout=out.append, on_stderr=err.append)
    assert "s3cr3t-value" not in result.stdout + result.stderr + "".join(out + err)
    assert out == ["token=***"] and err == ["err ***"]
    assert result.returncode == 0


def test_missing_program_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(TerraformNotFoundError, match="TFCTL_TERRAFORM_BIN"):
        run([str(tmp_path / "no-such-terraform"), "version"])


TRAP = """
import signal, sys, time
count = 0
def handler(signum, frame):
    global count
    count += 1
    print(f"got SIGINT {count}", flush=True)
signal.signal(signal.SIGINT, handler)
print("ready", flush=True)
deadline = time.time() + 20
while time.time() < deadline and count < EXPECTED:
    time.sleep(0.05)
time.sleep(0.3)
print(f"exiting after {count}", flush=True)
sys.exit(1)
"""


@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_is_forwarded_once_per_press_and_exits_130(tmp_path: Path, presses: int) -> None:
    argv = script(tmp_path, TRAP.replace("EXPECTED", str(presses)))
    lines: list[str] = []
    notices: list[str] = []

    def press() -> None:
        for _ in range(presses):
            while "ready" not in lines:
                time.sleep(0.02)
            time.sleep(0.2)
            os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=press, daemon=True).start()
    with pytest.raises(Interrupted) as caught:
        run(argv, on_stdout=lines.append, on_notice=notices.append)
    assert caught.value.exit_code == 130
    assert f"exiting after {presses}" in lines
    assert len(notices) == presses
    assert "asked terraform to stop" in notices[0]
    if presses == 2:
        assert "second interrupt" in notices[1]


def test_secret_split_across_two_writes_is_masked(tmp_path: Path) -> None:
    masker = Masker()
    masker.register("split-secret-value")
    argv = script(
        tmp_path,
        "import sys, time\n"
        "sys.stdout.write('before split-sec'); sys.stdout.flush(); time.sleep(0.3)\n"
        "sys.stdout.write('ret-value after\\n' + 'x' * 200000 + '\\nend split-secret-value')\n",
    )
    lines: list[str] = []
    result = run(argv, masker=masker, on_stdout=lines.append)
    assert lines[0] == "before *** after"
    assert lines[-1] == "end ***"
    assert len(lines) == 3
    assert "split-secret" not in result.stdout


def test_interrupt_all_reaches_children_of_worker_threads(tmp_path: Path) -> None:
    # plan --all runs terraform from worker threads; only the main thread sees Ctrl-C.
    from tfctl.process import interrupt_all

    argv = script(tmp_path, TRAP.replace("EXPECTED", "1"))
    lines: list[list[str]] = [[], []]
    threads = [
        threading.Thread(target=run, args=(argv,), kwargs={"on_stdout": sink.append})
        for sink in lines
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    while not all("ready" in sink for sink in lines):
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert interrupt_all() == 2
    for thread in threads:
        thread.join(timeout=20)
    assert all("got SIGINT 1" in sink for sink in lines)
    assert interrupt_all() == 0


# Counts SIGINTs; after the first, writes to stdout and stderr (whose reader, tfctl, is dead by
# then) for a second, waits for any later SIGINT, and records the count: what terraform does
# when it stops gracefully and saves state.
SURVIVOR = """
import os, signal, sys, time
count = 0
def on_int(signum, frame):
    global count
    count += 1
signal.signal(signal.SIGINT, on_int)
open(sys.argv[1] + ".ready", "w").close()
while not count:
    time.sleep(0.01)
until = time.monotonic() + 1.0
while time.monotonic() < until:
    print("stopping gracefully " * 20, flush=True)
    print("still stopping", file=sys.stderr, flush=True)
time.sleep(1.0)
with open(sys.argv[1], "w") as done:
    done.write(str(count))
"""

# tfctl as a user has it: several threads (readers, workers) when it is killed.
PARENT = """
import sys, threading
from tfctl.process import run
for _ in range(4):
    threading.Thread(target=threading.Event().wait, daemon=True).start()
run([sys.executable, "-u", sys.argv[1], sys.argv[2]])
"""


def test_a_killed_tfctl_stops_the_child_with_one_sigint_and_it_keeps_writing(
    tmp_path: Path,
) -> None:
    child = tmp_path / "survivor.py"
    child.write_text(SURVIVOR)
    done = tmp_path / "done"
    parent = subprocess.Popen(
        [sys.executable, "-c", PARENT, str(child), str(done)], cwd=Path(__file__).parents[2]
    )
    deadline = time.monotonic() + 30
    while not Path(f"{done}.ready").exists():
        assert time.monotonic() < deadline and parent.poll() is None
        time.sleep(0.02)
    parent.kill()
    parent.wait(timeout=10)
    deadline = time.monotonic() + 30
    while not done.exists():
        assert time.monotonic() < deadline, "the child died with its reader"
        time.sleep(0.05)
    time.sleep(0.1)
    assert done.read_text() == "1", "exactly one SIGINT: a second one is terraform's hard stop"
