"""The stderr classifier and the retry rules on error texts produced live by the real terraform,
1.15.5 through the launcher and the 1.0.3 binary where 1.0 words things differently (connection
refused, S3 throttling and 5xx from a failing endpoint, a held lock, a stale saved plan, a
backend that went away before apply, a failure after changes began, a configuration error).
Nothing here is a hand-written error string."""

from __future__ import annotations

import http.server
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FixtureProject, MotoServer, free_port, make_fixture_project
from tests.harness import start_moto
from tfctl.errors import StateLockError, TerraformCommandError
from tfctl.failures import (
    FATAL,
    LOCKED,
    STALE_PLAN,
    TRANSIENT,
    classify_stderr,
    command_of,
    failed_before_changes,
    parse_lock_info,
    should_retry_terraform,
)
from tfctl.project import Project

pytestmark = pytest.mark.integration


def project(p: FixtureProject, notices: list[str] | None = None, **extra: str) -> Project:
    environ = {**p.env, "TFCTL_RETRIES": "0", **extra}
    return Project.discover(
        p.root, environ=environ, on_notice=notices.append if notices is not None else None
    )


def test_connection_refused_is_transient_and_retried(basic_project: FixtureProject) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    notices: list[str] = []
    env = project(basic_project, notices, AWS_ENDPOINT_URL=closed, TFCTL_RETRIES="1")
    with pytest.raises(TerraformCommandError) as caught:
        env.environment("dev").init()
    error = caught.value
    assert "connection refused" in error.stderr
    assert classify_stderr(error.stderr) == TRANSIENT
    assert error.kind == TRANSIENT
    assert should_retry_terraform("init", error)
    retries = [n for n in notices if "failed with a transient error" in n]
    assert len(retries) == 1, notices
    assert "retrying in" in retries[0] and "(attempt 2 of 2)" in retries[0]


def test_held_lock_is_locked_with_the_holder(basic_project: FixtureProject) -> None:
    p = basic_project
    assert p.run("apply", "dev", "--auto-approve").returncode == 0
    slow = subprocess.Popen(
        [sys.executable, "-m", "tfctl", "apply", "dev", "--auto-approve"],
        cwd=p.root,
        env={**p.env, "TF_VAR_sleep_seconds": "6", "TF_VAR_revision": "held"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    started = threading.Event()

    def read() -> None:
        assert slow.stderr is not None
        for line in slow.stderr:
            if "Provisioning with" in line:
                started.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert started.wait(60)
        items = p.client("dynamodb").scan(TableName=p.table)["Items"]
        held = [json.loads(i["Info"]["S"]) for i in items if "Info" in i]
        assert len(held) == 1
        with pytest.raises(StateLockError) as caught:
            project(p, TFCTL_LOCK_TIMEOUT="0s").environment("dev").plan()
        error = caught.value
        assert classify_stderr(error.stderr) == LOCKED
        assert not should_retry_terraform("plan", error)
        info = parse_lock_info(error.stderr)
        assert info["ID"] == held[0]["ID"]
        assert info["Operation"] == "OperationTypeApply"
        assert info["Who"] == held[0]["Who"]
        assert info["Created"].startswith(held[0]["Created"][:19].replace("T", " "))
        assert f"(lock id {held[0]['ID']})" in str(error)
    finally:
        slow.wait(timeout=60)


def test_stale_saved_plan_is_its_own_kind(basic_project: FixtureProject, tmp_path: Path) -> None:
    p = basic_project
    assert p.run("apply", "dev", "--auto-approve").returncode == 0
    plan_file = tmp_path / "old.tfplan"
    dev = project(p, TF_VAR_revision="planned").environment("dev")
    dev.plan(out=plan_file)
    assert p.run("apply", "dev", "--auto-approve", TF_VAR_revision="moved").returncode == 0
    with pytest.raises(TerraformCommandError) as caught:
        dev.apply(plan_file)
    assert "Saved plan is stale" in caught.value.stderr
    assert caught.value.kind == STALE_PLAN
    assert not should_retry_terraform("apply", caught.value)


@pytest.fixture
def private_moto() -> Iterator[MotoServer]:
    server = start_moto()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize("lane", ["pinned-1.0.3", "bundled-1.15.5"])
def test_backend_gone_before_apply_is_retryable_for_apply(
    tmp_path: Path,
    private_moto: MotoServer,
    terraform_cli_config: Path,
    request: pytest.FixtureRequest,
    lane: str,
) -> None:
    terraform = request.getfixturevalue(
        "terraform_1_0_3" if lane == "pinned-1.0.3" else "terraform_bin"
    )
    p = make_fixture_project(
        "basic",
        tmp_path,
        moto=private_moto,
        terraform_bin=terraform,
        cli_config=terraform_cli_config,
    )
    assert p.run("apply", "dev", "--auto-approve").returncode == 0
    plan_file = tmp_path / "dev.tfplan"
    dev = project(p, TF_VAR_revision="2").environment("dev")
    dev.plan(out=plan_file)
    private_moto.stop()
    with pytest.raises(TerraformCommandError) as user_path:
        dev.apply(plan_file)
    if lane == "pinned-1.0.3":
        # tfctl reads what a saved plan does with `terraform show` first; on 1.0 that read
        # loads the backend and fails already (a read-only command: retryable as such)
        assert "show" in str(user_path.value) and user_path.value.kind == TRANSIENT
        assert should_retry_terraform("show", user_path.value)
        # terraform apply's own 1.0.3 text when the backend is gone
        with pytest.raises(TerraformCommandError) as caught:
            dev.terraform().apply(plan_file=plan_file)
        error = caught.value
        assert "Error acquiring the state lock" in error.stderr
    else:
        error = user_path.value
        assert command_of(error) == "apply", error.argv
        assert "Unable to list objects in S3 bucket" in error.stderr
    assert "connection refused" in error.stderr
    assert error.kind == TRANSIENT, "a lock table that cannot be reached is not a held lock"
    assert failed_before_changes(error)
    assert should_retry_terraform("apply", error)


def test_failure_after_changes_began_is_never_retried(
    tmp_path: Path, moto_server: MotoServer, terraform_bin: Path, terraform_cli_config: Path
) -> None:
    p = make_fixture_project(
        "flaky",
        tmp_path,
        moto=moto_server,
        terraform_bin=terraform_bin,
        cli_config=terraform_cli_config,
    )
    # The provisioner fails with a network-looking message after the first resource was created.
    command = "echo 'read tcp: connection reset by peer' >&2; exit 1"
    dev = project(p, TF_VAR_command=command).environment("dev")
    with pytest.raises(TerraformCommandError) as caught:
        dev.apply(approve=lambda plan: True)
    error = caught.value
    assert "connection reset by peer" in error.stderr
    assert error.kind == TRANSIENT
    assert not failed_before_changes(error)
    assert not should_retry_terraform("apply", error)
    assert should_retry_terraform("plan", error), "the same text on a read-only command retries"
    state = json.loads(
        p.client("s3").get_object(Bucket=p.bucket, Key="env/dev/terraform.tfstate")["Body"].read()
    )
    assert "first" in {r["name"] for r in state["resources"]}, "changes had begun"


def test_configuration_error_is_fatal(basic_project: FixtureProject) -> None:
    p = basic_project
    extra = p.root / "terraform" / "environments" / "dev" / "extra.tf"
    extra.write_text('resource "null_resource" "x" {\n  triggers = { a = var.undeclared }\n}\n')
    with pytest.raises(TerraformCommandError) as caught:
        project(p).environment("dev").plan()
    error = caught.value
    assert "undeclared input variable" in error.stderr
    assert classify_stderr(error.stderr) == FATAL
    assert not should_retry_terraform("plan", error)


class _FailingS3(http.server.BaseHTTPRequestHandler):
    """An S3 endpoint that answers every request with one fixed error."""

    status = 503
    code = "SlowDown"

    def _answer(self) -> None:
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f"<Error><Code>{self.code}</Code><Message>injected by the test</Message></Error>"
        ).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize(
    ("status", "code", "expected"),
    [
        (503, "SlowDown", TRANSIENT),
        (500, "InternalError", TRANSIENT),
        (503, "ServiceUnavailable", TRANSIENT),
        (403, "AccessDenied", FATAL),
    ],
)
def test_backend_errors_from_a_failing_s3_endpoint(
    tmp_path: Path, terraform_1_0_3: Path, status: int, code: str, expected: str
) -> None:
    # The backend settings below are the 1.0-1.5 band's (endpoint, force_path_style).
    terraform_bin = terraform_1_0_3
    handler = type("Handler", (_FailingS3,), {"status": status, "code": code})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        (tmp_path / "main.tf").write_text('terraform {\n  backend "s3" {}\n}\n')
        settings = {
            "bucket": "b",
            "key": "env/dev/terraform.tfstate",
            "region": "us-east-1",
            "endpoint": f"http://127.0.0.1:{server.server_address[1]}",
            "force_path_style": "true",
            "skip_credentials_validation": "true",
            "skip_region_validation": "true",
            "skip_metadata_api_check": "true",
            "max_retries": "1",  # terraform's own retries; keeps the test to ~2 s
        }
        completed = subprocess.run(
            [str(terraform_bin), "init", "-no-color", "-input=false"]
            + [f"-backend-config={key}={value}" for key, value in settings.items()],
            cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin", "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "y"},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        server.shutdown()
    assert completed.returncode != 0
    assert code in completed.stderr, completed.stderr
    assert f"status code: {status}" in completed.stderr
    assert classify_stderr(completed.stderr) == expected
