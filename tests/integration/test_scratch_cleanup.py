"""No plan file (every secret input in clear) outlives a tfctl run that is killed mid-apply.

SIGTERM (what CI cancellation sends) is handled like Ctrl-C: terraform is asked to stop, tfctl
waits, removes its scratch folder and exits 143. SIGKILL cannot be handled: the scratch folder
stays until the next tfctl command, which removes it and says so in one line.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import FixtureProject

pytestmark = pytest.mark.integration


def children(pid: int) -> list[tuple[int, str]]:
    """Every descendant of pid with its command line (from /proc)."""
    found: list[tuple[int, str]] = []
    parents = {pid}
    changed = True
    while changed:
        changed = False
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) in parents:
                continue
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except (OSError, IndexError, ValueError):
                continue
            if ppid in parents:
                parents.add(int(entry.name))
                found.append((int(entry.name), cmdline))
                changed = True
    return found


def scratch_plans(tmpdir: Path) -> list[Path]:
    return sorted(tmpdir.glob("tfctl-*/*.tfplan"))


def start_slow_apply(p: FixtureProject, tmpdir: Path) -> tuple[subprocess.Popen[str], Path]:
    """`tfctl apply dev --auto-approve` until terraform is applying (a 30 s provisioner)."""
    env = {**p.env, "TMPDIR": str(tmpdir), "TF_VAR_sleep_seconds": "30"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tfctl", "apply", "dev", "--auto-approve"],
        cwd=p.root,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        plans = scratch_plans(tmpdir)
        applying = [cmd for _, cmd in children(proc.pid) if " apply " in f"{cmd} "]
        if plans and applying and any("sleep 30" in cmd for _, cmd in children(proc.pid)):
            return proc, plans[0]
        if proc.poll() is not None:
            break
        time.sleep(0.1)
    proc.kill()
    _out, err = proc.communicate()
    raise AssertionError(f"terraform never started applying: {err}")


def wait_for_terraform_to_exit(pids: list[int]) -> None:
    deadline = time.monotonic() + 30
    while any(Path(f"/proc/{pid}").exists() for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)


def test_sigterm_mid_apply_stops_terraform_and_removes_the_plan(
    basic_project: FixtureProject, tmp_path: Path
) -> None:
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    proc, plan = start_slow_apply(basic_project, tmpdir)
    assert oct(plan.stat().st_mode & 0o777) == "0o600"
    assert oct(plan.parent.stat().st_mode & 0o777) == "0o700"
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=90)
    assert proc.returncode == 143, stderr
    assert "Traceback" not in stderr
    assert [line for line in stderr.splitlines() if line.startswith("error:")] == [
        line for line in stderr.splitlines() if "terminated (SIGTERM)" in line
    ]
    assert scratch_plans(tmpdir) == [] and list(tmpdir.iterdir()) == []


def test_sigkill_mid_apply_leaves_nothing_after_the_next_command(
    basic_project: FixtureProject, tmp_path: Path
) -> None:
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    proc, plan = start_slow_apply(basic_project, tmpdir)
    terraform = [pid for pid, cmd in children(proc.pid) if " apply " in f"{cmd} "]
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert plan.is_file(), "SIGKILL cannot be handled: the plan stays until the next command"
    wait_for_terraform_to_exit(terraform)

    env = {**basic_project.env, "TMPDIR": str(tmpdir)}
    after = subprocess.run(
        [sys.executable, "-m", "tfctl", "envs"],
        cwd=basic_project.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert after.returncode == 0, after.stderr
    said = [line for line in after.stderr.splitlines() if "scratch folder" in line]
    assert len(said) == 1 and "removed 1 scratch folder left by a killed tfctl run" in said[0]
    # (terraform's own plugin socket folders may remain: they hold no plan)
    assert scratch_plans(tmpdir) == [] and list(tmpdir.glob("tfctl-*")) == []
    # a folder of a tfctl that is still running is left alone
    alive = tmpdir / "tfctl-scratch-dev-alive"
    alive.mkdir(mode=0o700)
    (alive / "owner.pid").write_text(f"{os.getpid()}\n")
    again = subprocess.run(
        [sys.executable, "-m", "tfctl", "envs"],
        cwd=basic_project.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert again.returncode == 0 and "scratch folder" not in again.stderr
    assert alive.is_dir()
