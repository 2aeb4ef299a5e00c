"""Protected environments with the real terraform and a moto backend: without a terminal, prod
changes only through a fresh saved plan of prod plus --auto-approve; stateful resources are
destroyed only when named."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import FixtureProject

pytestmark = pytest.mark.integration

PROD_KEY = "env/prod/terraform.tfstate"


def prod_state(p: FixtureProject) -> dict[str, object] | None:
    s3 = p.client("s3")
    try:
        body = s3.get_object(Bucket=p.bucket, Key=PROD_KEY)["Body"].read()
    except s3.exceptions.NoSuchKey:
        return None
    state: dict[str, object] = json.loads(body)
    return state


def resource_ids(p: FixtureProject) -> dict[str, str]:
    state = prod_state(p)
    assert state is not None
    return {
        r["name"]: r["instances"][0]["attributes"]["id"]  # type: ignore[index]
        for r in state["resources"]  # type: ignore[attr-defined]
    }


def saved_plan(p: FixtureProject, env: str, path: Path, **extra: str) -> Path:
    result = p.run("plan", env, "--out", str(path), **extra)
    assert result.returncode == 0, result.stderr
    assert path.is_file() and Path(f"{path}.tfctl.json").is_file()
    return path


def test_prod_apply_without_terminal_needs_a_fresh_saved_prod_plan(
    basic_project: FixtureProject, tmp_path: Path
) -> None:
    p = basic_project

    bare = p.run("apply", "prod")
    assert bare.returncode == 1
    assert "no terminal to confirm apply of protected environment prod" in bare.stderr

    auto_only = p.run("apply", "prod", "--auto-approve")
    assert auto_only.returncode == 1
    assert "--auto-approve needs a saved plan" in auto_only.stderr

    plan_file = saved_plan(p, "prod", tmp_path / "prod.tfplan")
    assert oct(plan_file.stat().st_mode & 0o777) == "0o600"
    plan_only = p.run("apply", "prod", "--plan", str(plan_file))
    assert plan_only.returncode == 1
    assert "no terminal to confirm apply of protected environment prod" in plan_only.stderr

    foreign = saved_plan(p, "dev", tmp_path / "dev.tfplan")
    refused = p.run("apply", "prod", "--plan", str(foreign), "--auto-approve")
    assert refused.returncode == 1
    assert "dev.tfplan was made for dev, not prod" in refused.stderr

    stale = p.run(
        "apply", "prod", "--plan", str(plan_file), "--auto-approve",
        TFCTL_PLAN_MAX_AGE_MINUTES="0",
    )  # fmt: skip
    assert stale.returncode == 1
    assert "prod.tfplan is stale" in stale.stderr

    tfvars = p.root / "terraform" / "environments" / "prod" / "terraform.tfvars"
    tfvars.write_text('revision = "1"\n')
    changed = p.run("apply", "prod", "--plan", str(plan_file), "--auto-approve")
    assert changed.returncode == 1
    assert "the tfvars of prod changed since prod.tfplan was made" in changed.stderr
    tfvars.unlink()

    assert prod_state(p) is None, "every refusal must leave prod untouched"

    accepted = p.run("apply", "prod", "--plan", str(plan_file), "--auto-approve")
    assert accepted.returncode == 0, accepted.stderr
    assert "2 added" in accepted.stdout
    assert set(resource_ids(p)) == {"app", "slow"}
    applied = prod_state(p)

    # A plan made against empty state would create everything again: tfctl refuses a replay.
    again = p.run("apply", "prod", "--plan", str(plan_file), "--auto-approve")
    assert again.returncode == 1
    assert "prod.tfplan was already applied" in again.stderr
    assert prod_state(p) == applied


def test_destroy_plan_is_not_an_apply_plan(basic_project: FixtureProject, tmp_path: Path) -> None:
    p = basic_project
    plan_file = tmp_path / "dev-destroy.tfplan"
    result = p.run("plan", "dev", "--destroy", "--out", str(plan_file))
    assert result.returncode == 0, result.stderr
    refused = p.run("apply", "dev", "--plan", str(plan_file), "--auto-approve")
    assert refused.returncode == 1
    assert "dev-destroy.tfplan is a destroy plan" in refused.stderr


def test_stateful_replacement_in_prod_needs_each_address_named(
    basic_project: FixtureProject, tmp_path: Path
) -> None:
    p = basic_project
    stateful = {"TFCTL_STATEFUL_RESOURCE_TYPES": "null_resource"}
    first = saved_plan(p, "prod", tmp_path / "create.tfplan", **stateful)
    created = p.run("apply", "prod", "--plan", str(first), "--auto-approve", **stateful)
    assert created.returncode == 0, created.stderr
    before = resource_ids(p)

    # A new trigger value replaces both null resources: stateful data in this test.
    change = {**stateful, "TF_VAR_revision": "2"}
    replace = saved_plan(p, "prod", tmp_path / "replace.tfplan", **change)
    shown = p.run("plan", "prod", **change)
    assert "Destroys or replaces stateful resources" in shown.stdout

    none_named = p.run("apply", "prod", "--plan", str(replace), "--auto-approve", **change)
    assert none_named.returncode == 1
    assert "replace null_resource.app, replace null_resource.slow" in none_named.stderr
    assert (
        "--allow-destroy null_resource.app --allow-destroy null_resource.slow" in none_named.stderr
    )

    one_named = p.run(
        "apply", "prod", "--plan", str(replace), "--auto-approve",
        "--allow-destroy", "null_resource.app", **change,
    )  # fmt: skip
    assert one_named.returncode == 1
    assert "replace null_resource.slow" in one_named.stderr
    assert "replace null_resource.app" not in one_named.stderr
    assert resource_ids(p) == before, "refused plans change nothing"

    both = p.run(
        "apply", "prod", "--plan", str(replace), "--auto-approve",
        "--allow-destroy", "null_resource.app", "--allow-destroy", "null_resource.slow", **change,
    )  # fmt: skip
    assert both.returncode == 0, both.stderr
    after = resource_ids(p)
    assert set(after) == {"app", "slow"} and after["app"] != before["app"]


def test_unprotected_environment_is_not_held_to_stateful_rules(
    basic_project: FixtureProject,
) -> None:
    p = basic_project
    stateful = {"TFCTL_STATEFUL_RESOURCE_TYPES": "null_resource"}
    assert p.run("apply", "dev", "--auto-approve", **stateful).returncode == 0
    replaced = p.run("apply", "dev", "--auto-approve", TF_VAR_revision="2", **stateful)
    assert replaced.returncode == 0, replaced.stderr
    assert "Destroys or replaces stateful resources" in replaced.stdout


def _apply_in_terminal(p: FixtureProject, env: str, answer: str) -> tuple[int, str]:
    """Run `tfctl apply ENV` on a pseudo-terminal and type `answer` at the prompt."""
    import os
    import pty
    import select
    import sys
    import time

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tfctl", "apply", env],
        cwd=p.root,
        env={**p.env, "COLUMNS": "200"},
        stdin=slave,
        stdout=slave,
        stderr=slave,
    )
    os.close(slave)
    seen = b""
    answered = False
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.2)
        if ready:
            try:
                seen += os.read(master, 4096)
            except OSError:
                break
        if not answered and b"Type its name" in seen:
            os.write(master, answer.encode() + b"\n")
            answered = True
    while True:  # drain what is left after exit
        ready, _, _ = select.select([master], [], [], 0.2)
        try:
            chunk = os.read(master, 4096) if ready else b""
        except OSError:
            chunk = b""
        if not chunk:
            break
        seen += chunk
    if proc.poll() is None:
        proc.kill()
    proc.wait(timeout=60)
    os.close(master)
    assert answered, seen.decode(errors="replace")
    return proc.returncode, seen.decode(errors="replace")


def test_in_a_terminal_prod_asks_for_its_typed_name(basic_project: FixtureProject) -> None:
    p = basic_project
    code, text = _apply_in_terminal(p, "prod", "yes")
    assert code == 1
    assert "not applied: the plan was not approved" in text
    assert "null_resource.app" in text  # the summary came before the question
    assert prod_state(p) is None

    code, text = _apply_in_terminal(p, "prod", "prod")
    assert code == 0, text
    assert set(resource_ids(p)) == {"app", "slow"}
