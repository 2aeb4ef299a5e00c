"""`tfctl exec ENV -- ARGS`: any terraform command in the environment's root the tfctl way,
with terraform's exit code, masked output and the documented refusals (tfctl.passthrough)."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.conftest import FixtureProject

pytestmark = pytest.mark.integration

SECRET = "Exec-secret-value-0123456789"


@pytest.fixture
def applied(basic_project: FixtureProject) -> FixtureProject:
    basic_project.env["TF_VAR_db_password"] = SECRET
    done = basic_project.run("apply", "dev", "--auto-approve")
    assert done.returncode == 0, done.stderr
    return basic_project


def test_state_list_and_providers_schema_go_to_stdout(applied: FixtureProject) -> None:
    listed = applied.run("exec", "dev", "--", "state", "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.split() == ["null_resource.app", "null_resource.slow"]
    schema = applied.run("exec", "dev", "--", "providers", "schema", "-json")
    assert schema.returncode == 0, schema.stderr
    assert "registry.terraform.io/hashicorp/null" in json.loads(schema.stdout)["provider_schemas"]


def test_terraforms_exit_code_is_tfctls(applied: FixtureProject) -> None:
    same = applied.run("exec", "dev", "--", "plan", "-detailed-exitcode", "-input=false")
    assert same.returncode == 0, same.stderr
    changed = applied.run(
        "exec", "dev", "--", "plan", "-detailed-exitcode", "-input=false", TF_VAR_revision="2"
    )
    assert changed.returncode == 2, changed.stderr
    bad = applied.run("exec", "dev", "--", "state", "show", "null_resource.missing")
    assert bad.returncode == 1
    assert not [line for line in bad.stderr.splitlines() if line.startswith("error:")]


def test_output_is_masked(applied: FixtureProject) -> None:
    shown = applied.run("exec", "dev", "--", "output", "-json")
    assert shown.returncode == 0, shown.stderr
    assert SECRET not in shown.stdout + shown.stderr
    assert "***" in json.loads(shown.stdout)["connection_string"]["value"]
    raw = applied.run("exec", "dev", "--", "output", "-raw", "connection_string")
    assert raw.returncode == 0 and SECRET not in raw.stdout


def test_console_reads_stdin_and_is_masked(applied: FixtureProject) -> None:
    def console(expression: str) -> str:
        done = subprocess.run(
            [*_tfctl(), "exec", "dev", "--", "console"],
            cwd=applied.root,
            env=applied.env,
            input=expression + "\n",
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert SECRET not in done.stdout + done.stderr
        return done.stdout

    assert "42" in console("1 + 41").split()
    assert '"***"' in console("nonsensitive(var.db_password)")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["prod", "--", "apply", "-auto-approve"], "prod is protected: `apply` must go through"),
        (["prod", "--", "destroy"], "prod is protected: `destroy`"),
        (["prod", "--", "state", "rm", "null_resource.app"], "prod is protected: `state rm`"),
        (["dev", "--", "init", "-backend=false"], "`init` is not run through exec"),
        (["dev", "--", "workspace", "new", "x"], "`workspace` is not run through exec"),
        (["dev", "--", "-chdir=..", "plan"], "-chdir would run terraform outside"),
    ],
)
def test_refusals_start_nothing(
    basic_project: FixtureProject, args: list[str], message: str
) -> None:
    result = basic_project.run("exec", *args)
    assert result.returncode == 1
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("error:")]
    assert message in line, line
    environment = basic_project.root / "terraform" / "environments" / args[0]
    assert not (environment / ".terraform").exists()  # refused before init


def _tfctl() -> list[str]:
    import sys

    return [sys.executable, "-m", "tfctl"]
