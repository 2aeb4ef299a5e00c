"""The real dev and prod roots end to end in the sandbox: Terraform >= 1.11, the emulated
providers (protocol 6 for ClickHouse, write-only arguments) and moto."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tfctl.sandbox import endpoint as endpoints
from tfctl.sandbox.cloud import Cloud
from tfctl.sandbox.demo import destroyable, down, run_demo, sandbox_project

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
STEPS = ["endpoint", "bootstrap", "init", "validate", "plan", "apply", "outputs", "re-plan"]


def _repo_artifacts() -> set[Path]:
    envs = ROOT / "terraform" / "environments"
    return {p for p in envs.glob("*/.terraform*")} | {p for p in envs.glob("*/*.tfstate")}


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_environment_end_to_end(tmp_path: Path, environment: str) -> None:
    before = _repo_artifacts()
    sandbox_dir = tmp_path / "sbx"
    try:
        report = run_demo(ROOT, environment, keep=True, sandbox_dir=sandbox_dir, environ={})
        assert [name for name, _s, _d in report.steps] == STEPS
        assert report.created == Cloud.in_dir(sandbox_dir).count() > 10
        outputs = report.outputs
        assert outputs["clickhouse_port"].value == 8443
        assert outputs["redis_url"].sensitive
        assert "***" in str(outputs["redis_url"].value)
        # The connection string stays a sensitive output but carries no password.
        connection = outputs["clickhouse_connection_string"]
        assert connection.sensitive
        host, port = outputs["clickhouse_host"].value, outputs["clickhouse_port"].value
        assert connection.reveal() == f"https://default@{host}:{port}"

        project = sandbox_project(ROOT, sandbox_dir=sandbox_dir, environ={})
        env = project.environment(environment)
        destroyed = env.destroy(approve=lambda _plan: True, allow_destroy=destroyable(env))
        assert destroyed.remove == report.created
        assert Cloud.in_dir(sandbox_dir).count() == 0
        again = env.plan()
        assert again.add == report.created
    finally:
        down(ROOT, sandbox_dir=sandbox_dir)
    assert not sandbox_dir.exists()
    assert _repo_artifacts() == before  # lock files and .terraform stay in the sandbox copy


def test_cli_demo_masks_secrets_and_leaves_nothing(tmp_path: Path) -> None:
    sandbox_dir = tmp_path / "sbx"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_", "TFCTL_"))}
    env["TFCTL_SANDBOX_DIR"] = str(sandbox_dir)

    def tfctl(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tfctl", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    try:
        demo = tfctl("sandbox", "demo", "dev", "--keep")
        assert demo.returncode == 0, demo.stdout + demo.stderr
        assert "no changes" in demo.stderr
        cloud = Cloud.in_dir(sandbox_dir).objects()
        (redis,) = cloud["upstash_redis_database"].values()
        variables = json.loads((sandbox_dir / "variables.json").read_text())
        secrets = [redis["password"], redis["rest_token"], *variables.values()]
        assert len(secrets) >= 4

        plan = tfctl("--sandbox", "plan", "dev")
        assert plan.returncode == 0, plan.stdout + plan.stderr
        shown = tfctl("--sandbox", "output", "dev")
        assert shown.returncode == 0, shown.stderr
        assert "(sensitive)" in shown.stdout
        for run in (demo, plan, shown):
            for secret in secrets:
                assert secret not in run.stdout + run.stderr
        assert endpoints.running(sandbox_dir) is not None
    finally:
        stopped = tfctl("sandbox", "down")
    assert stopped.returncode == 0
    assert not sandbox_dir.exists()


def test_sandbox_routing_without_a_running_sandbox_is_one_line_error(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_", "TFCTL_"))}
    env["TFCTL_SANDBOX_DIR"] = str(tmp_path / "none")
    env["TFCTL_SANDBOX"] = "1"
    result = subprocess.run(
        [sys.executable, "-m", "tfctl", "plan", "dev"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "no sandbox is running" in result.stderr
    assert "Traceback" not in result.stderr


def flatten_root(terraform: Path, environment: str) -> None:
    """Turn a copy's root into the layout before the platform module: the four modules called
    from the root itself. Built from the platform module's own files, so nothing is kept twice."""
    platform = terraform / "modules" / "platform"
    root = terraform / "environments" / environment
    for name in ("main.tf", "variables.tf", "outputs.tf"):
        text = (platform / name).read_text()
        (root / name).write_text(text.replace('source = "../', 'source = "../../modules/'))
    (root / "moved.tf").unlink()
    providers = (root / "providers.tf").read_text()
    providers = re.sub(
        r"module\.platform\.clickhouse_(host|port)", r"module.data_warehouse.\1", providers
    )
    (root / "providers.tf").write_text(providers)


def test_state_from_before_the_platform_module_moves_and_nothing_is_replaced(
    tmp_path: Path,
) -> None:
    """A root applied with the four modules in it plans only moves once it is the thin root."""
    old = tmp_path / "old"
    shutil.copytree(
        ROOT / "terraform", old / "terraform", ignore=shutil.ignore_patterns(".terraform*")
    )
    flatten_root(old / "terraform", "dev")
    sandbox_dir = tmp_path / "sbx"
    try:
        report = run_demo(old, "dev", keep=True, sandbox_dir=sandbox_dir, environ={})
        assert report.created > 10

        env = sandbox_project(ROOT, sandbox_dir=sandbox_dir, environ={}).environment("dev")
        env.init()
        plan = env.plan()
        assert (plan.add, plan.change, plan.remove) == (0, 0, 0)
        moves = plan.by_action("move")
        assert len(moves) == len(plan.changes) == report.created
        assert all(c.address.startswith("module.platform.module.") for c in moves)
        assert {c.resource_type for c in moves} >= {"clickhouse_service", "upstash_redis_database"}
        # moves alone are a change (terraform's -detailed-exitcode says 2): apply records them
        assert plan.has_changes
        env.apply()
        after = env.plan()
        assert not after.has_changes and not after.moved
    finally:
        down(ROOT, sandbox_dir=sandbox_dir)
