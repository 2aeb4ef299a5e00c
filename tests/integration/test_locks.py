"""State locks with the real terraform and a moto backend: concurrent applies queue, a crashed
run's lock is listed and force-unlocked, and the state survives."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.conftest import FixtureProject

pytestmark = pytest.mark.integration

DEV_KEY = "env/dev/terraform.tfstate"
LOCK_MESSAGE = "the state is locked by"


def lock_items(p: FixtureProject) -> list[dict[str, object]]:
    items = p.client("dynamodb").scan(TableName=p.table)["Items"]
    return [item for item in items if not item["LockID"]["S"].endswith("-md5")]


def dev_state(p: FixtureProject) -> dict[str, object]:
    body = p.client("s3").get_object(Bucket=p.bucket, Key=DEV_KEY)["Body"].read()
    state: dict[str, object] = json.loads(body)  # valid JSON or the test fails here
    return state


def test_eight_concurrent_applies_queue_and_count_serials(basic_project: FixtureProject) -> None:
    p = basic_project
    first = p.tfctl("apply", "dev", "--auto-approve")
    assert first.returncode == 0, first.stderr
    initial = int(dev_state(p)["serial"])  # type: ignore[call-overload]

    def apply(revision: int) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tfctl", "apply", "dev", "--auto-approve"],
            cwd=p.root,
            env={**p.env, "TF_VAR_revision": f"r{revision}", "TFCTL_LOCK_TIMEOUT": "15s"},
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(apply, range(8)))

    succeeded = [r for r in results if r.returncode == 0]
    print(f"{len(succeeded)} of 8 applies succeeded")
    for result in results:
        assert "Traceback" not in result.stderr
        if result.returncode != 0:
            assert LOCK_MESSAGE in result.stderr, result.stderr[-2000:]
    assert len(succeeded) >= 2, "the lock queues: more than one apply gets through"
    state = dev_state(p)
    assert state["serial"] == initial + len(succeeded)
    assert lock_items(p) == []


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.extend(int(child) for child in text)
    return found


def _terraform_child(pid: int) -> int:
    """The terraform tfctl (pid) runs, behind tfctl's child guard."""
    for child in _children(pid):
        cmdline = Path(f"/proc/{child}/cmdline").read_bytes().decode(errors="replace")
        if "child_guard" in cmdline:
            return _terraform_child(child)
        if "terraform" in cmdline:
            return child
    raise AssertionError("no terraform child found")


def _gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        # A zombie has exited; its parent (init after tfctl died) reaps it.
        try:
            if Path(f"/proc/{pid}/stat").read_text().split()[2] in {"Z", "X"}:
                return True
        except OSError:
            return True
        time.sleep(0.2)
    return False


def _sweep_group(group: int) -> None:
    # Whatever outlived terraform in tfctl's child's process group: no test leaves a process
    # behind.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(group, signal.SIGKILL)


def _start_slow_apply(p: FixtureProject) -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tfctl", "apply", "dev", "--auto-approve"],
        cwd=p.root,
        env={**p.env, "TF_VAR_sleep_seconds": "60", "TF_VAR_revision": "slow"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            if "Provisioning with" in line:
                started.set()

    threading.Thread(target=read, daemon=True).start()
    assert started.wait(60), "the slow apply never started provisioning"
    time.sleep(0.5)
    assert lock_items(p), "terraform holds the lock while applying"
    return proc, _terraform_child(proc.pid)


def test_kill_9_of_tfctl_stops_terraform_and_keeps_state(basic_project: FixtureProject) -> None:
    p = basic_project
    assert p.tfctl("apply", "dev", "--auto-approve").returncode == 0
    proc, terraform = _start_slow_apply(p)
    group = os.getpgid(terraform)

    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    # tfctl's death reaches terraform as one SIGINT: it stops gracefully (the provisioner's
    # 60 s sleep is cut short), saves state and releases the lock.
    stopped = _gone(terraform, 30)
    _sweep_group(group)
    assert stopped, "terraform kept running after tfctl was killed"
    assert lock_items(p) == [], "terraform released its lock"

    dev_state(p)
    assert json.loads(p.tfctl("locks", "dev", "--json").stdout) == []
    after = p.tfctl("apply", "dev", "--auto-approve")
    assert after.returncode == 0, after.stderr
    assert lock_items(p) == []


def test_crash_leaves_a_lock_that_locks_lists_and_unlock_clears(
    basic_project: FixtureProject,
) -> None:
    p = basic_project
    assert p.tfctl("apply", "dev", "--auto-approve").returncode == 0
    before = dev_state(p)
    proc, terraform = _start_slow_apply(p)

    # A machine crash: tfctl, terraform and its providers die at once, nobody releases the lock.
    os.killpg(os.getpgid(terraform), signal.SIGKILL)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)

    listed = p.tfctl("locks", "dev", "--json")
    assert listed.returncode == 0, listed.stderr
    held = json.loads(listed.stdout)
    assert len(held) == 1
    lock = held[0]
    assert lock["environment"] == "dev"
    assert lock["operation"] == "OperationTypeApply"
    assert lock["path"] == f"{p.bucket}/{DEV_KEY}"

    blocked = subprocess.run(
        [sys.executable, "-m", "tfctl", "plan", "dev"],
        cwd=p.root,
        env={**p.env, "TFCTL_LOCK_TIMEOUT": "1s"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert blocked.returncode == 1
    assert f"(lock id {lock['id']})" in blocked.stderr
    assert "OperationTypeApply" in blocked.stderr

    plain = p.tfctl("locks")
    assert lock["id"] in plain.stdout

    unlocked = p.tfctl("unlock", "dev", lock["id"], "--yes")
    assert unlocked.returncode == 0, unlocked.stderr
    assert lock_items(p) == []

    state = dev_state(p)
    assert state["lineage"] == before["lineage"]
    after = subprocess.run(
        [sys.executable, "-m", "tfctl", "apply", "dev", "--auto-approve"],
        cwd=p.root,
        env={**p.env, "TF_VAR_revision": "after"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert after.returncode == 0, after.stderr
    assert "2 added" in after.stdout
    assert lock_items(p) == []
    assert int(dev_state(p)["serial"]) > int(state["serial"])  # type: ignore[call-overload]


def lock_taken_during_the_run(p: FixtureProject, who: str) -> str:
    """A lock item as terraform writes one, dated two seconds from now: what the plan about to
    start meets when its own lock request went through twice."""
    from datetime import UTC, datetime, timedelta

    version = json.loads(
        subprocess.run(
            [p.env["TFCTL_TERRAFORM_BIN"], "version", "-json"],
            capture_output=True,
            text=True,
            check=True,
            env=p.env,
        ).stdout
    )["terraform_version"]
    created = datetime.now(UTC) + timedelta(seconds=2)
    lock_id = "5d1c2f64-0e6b-7a3c-2f1d-8c9b0a7e6d5f"
    info = {
        "ID": lock_id,
        "Operation": "OperationTypePlan",
        "Info": "",
        "Who": who,
        "Version": version,
        "Created": created.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "Path": f"{p.bucket}/{DEV_KEY}",
    }
    p.client("dynamodb").put_item(
        TableName=p.table,
        Item={"LockID": {"S": f"{p.bucket}/{DEV_KEY}"}, "Info": {"S": json.dumps(info)}},
    )
    return lock_id


def this_user_here() -> str:
    import pwd
    import socket

    return f"{pwd.getpwuid(os.getuid()).pw_name}@{socket.gethostname()}"


def test_a_lock_terraform_took_itself_is_released_and_the_plan_runs_again(
    basic_project: FixtureProject,
) -> None:
    p = basic_project
    assert p.tfctl("apply", "dev", "--auto-approve").returncode == 0
    lock_id = lock_taken_during_the_run(p, this_user_here())
    plan = p.tfctl("plan", "dev", env={**p.env, "TFCTL_LOCK_TIMEOUT": "4s"})
    assert plan.returncode == 0, plan.stderr
    assert "waited on the lock it had taken itself" in plan.stderr
    assert lock_id in plan.stderr
    assert "no changes" in plan.stdout
    assert lock_items(p) == []


def test_a_lock_of_another_user_or_host_is_never_released(basic_project: FixtureProject) -> None:
    p = basic_project
    assert p.tfctl("apply", "dev", "--auto-approve").returncode == 0
    lock_taken_during_the_run(p, "someone@elsewhere")
    plan = p.tfctl("plan", "dev", env={**p.env, "TFCTL_LOCK_TIMEOUT": "4s"})
    assert plan.returncode == 1
    assert LOCK_MESSAGE in plan.stderr and "someone@elsewhere" in plan.stderr
    assert "taken itself" not in plan.stderr
    assert len(lock_items(p)) == 1
