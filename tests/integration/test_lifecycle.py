"""The whole lifecycle: real Terraform 1.0.3, the null provider, a moto S3/DynamoDB backend."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time

import pytest

from tests.conftest import FixtureProject

pytestmark = pytest.mark.integration


def lock_items(project: FixtureProject) -> list[dict[str, object]]:
    items = project.client("dynamodb").scan(TableName=project.table)["Items"]
    return [item for item in items if not item["LockID"]["S"].endswith("-md5")]


def test_init_plan_apply_output_replan_destroy(basic_project: FixtureProject) -> None:
    p = basic_project
    init = p.tfctl("init", "dev")
    assert init.returncode == 0, init.stderr

    plan = p.tfctl("plan", "dev", "--json", "--detailed-exitcode")
    assert plan.returncode == 2, plan.stderr
    document = json.loads(plan.stdout)  # --json: stdout holds JSON alone
    assert document["add"] == 2
    assert {c["address"] for c in document["changes"]} == {
        "null_resource.app",
        "null_resource.slow",
    }

    apply = p.tfctl("apply", "dev", "--auto-approve")
    assert apply.returncode == 0, apply.stderr
    assert "2 added" in apply.stdout

    s3 = p.client("s3")
    state = json.loads(
        s3.get_object(Bucket=p.bucket, Key="env/dev/terraform.tfstate")["Body"].read()
    )
    assert {r["name"] for r in state["resources"]} == {"app", "slow"}

    outputs = p.tfctl("output", "dev", "--json")
    assert outputs.returncode == 0, outputs.stderr
    values = json.loads(outputs.stdout)
    assert values["connection_string"]["sensitive"] is True
    assert values["connection_string"]["value"] is None
    assert values["app_id"]["sensitive"] is False and values["app_id"]["value"]
    table = p.tfctl("output", "dev")
    assert "(sensitive)" in table.stdout and "not-a-real-password" not in table.stdout
    revealed = p.tfctl("output", "dev", "connection_string", "--reveal")
    assert revealed.stdout.strip() == "postgres://app:not-a-real-password@db.internal:5432/app"

    replan = p.tfctl("plan", "dev", "--detailed-exitcode")
    assert replan.returncode == 0, replan.stderr
    assert "no changes" in replan.stdout

    destroy = p.tfctl("destroy", "dev", "--auto-approve")
    assert destroy.returncode == 0, destroy.stderr
    after = p.tfctl("plan", "dev", "--json")
    assert json.loads(after.stdout)["add"] == 2
    assert lock_items(p) == []


def test_apply_without_terminal_or_approval_is_refused(basic_project: FixtureProject) -> None:
    result = basic_project.tfctl("apply", "dev", stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert "no terminal to confirm apply of dev" in result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(basic_project.tfctl("plan", "dev", "--json").stdout)["add"] == 2


def test_sigint_during_apply_releases_the_lock_and_exits_130(basic_project: FixtureProject) -> None:
    p = basic_project
    env = dict(p.env, TF_VAR_sleep_seconds="5")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tfctl", "apply", "dev", "--auto-approve"],
        cwd=p.root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen: list[str] = []
    started = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            seen.append(line)
            if "null_resource.slow: Creating..." in line or "Provisioning with" in line:
                started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    assert started.wait(60), "".join(seen)
    time.sleep(1.0)
    assert lock_items(p), "terraform should hold the lock while applying"
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=60) == 130
    reader.join(timeout=10)
    text = "".join(seen)
    assert "asked terraform to stop" in text
    assert "Traceback" not in text
    assert lock_items(p) == []
    body = p.client("s3").get_object(Bucket=p.bucket, Key="env/dev/terraform.tfstate")["Body"]
    state = json.loads(body.read())  # terraform finished in-flight work and wrote valid state
    assert "null_resource.slow" in {f"{r['type']}.{r['name']}" for r in state["resources"]}
    replan = p.tfctl("plan", "dev", "--json")
    assert replan.returncode == 0, replan.stderr
