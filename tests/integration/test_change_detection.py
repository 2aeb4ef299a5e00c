"""Change detection agrees with `terraform plan -detailed-exitcode`, per version band (the
bundled 1.15.5 and the pinned 1.0.3): update-only and output-only plans are changes for plan,
apply, --detailed-exitcode, plan --all and drift; drift terraform ignores is not; on 1.15.5 a
plan of `moved` blocks alone is a change, and apply writes the new addresses to state.

The updates go through the sandbox's upstash provider (plugin protocol 5), which updates in
place; the backend is moto. Each verdict is checked against terraform's own exit code.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import FixtureProject, make_fixture_project
from tests.harness import MotoServer
from tfctl.sandbox.cloud import Cloud
from tfctl.sandbox.install import FAKE_CREDENTIALS, install

pytestmark = pytest.mark.integration

DB = "upstash_redis_database.this"


class Root:
    def __init__(self, project: FixtureProject, binary: Path, sandbox: Path) -> None:
        self.project, self.binary, self.cloud = project, binary, Cloud.in_dir(sandbox)
        self.path = project.root / "terraform" / "environments" / "dev"

    def tfctl(self, *args: str, **variables: str) -> subprocess.CompletedProcess[str]:
        return self.project.run(*args, **{f"TF_VAR_{k}": v for k, v in variables.items()})

    def terraform_exit(self, **variables: str) -> int:
        """What `terraform plan -detailed-exitcode` itself says here (no lock, nothing saved)."""
        env = {**self.project.env, **{f"TF_VAR_{k}": v for k, v in variables.items()}}
        argv = [str(self.binary), "plan", "-detailed-exitcode", "-input=false", "-lock=false"]
        done = subprocess.run(argv, cwd=self.path, env=env, capture_output=True, text=True)
        assert done.returncode in (0, 2), done.stderr
        return done.returncode

    def state_addresses(self) -> set[str]:
        s3 = self.project.client("s3")
        body = s3.get_object(Bucket=self.project.bucket, Key="env/dev/terraform.tfstate")["Body"]
        state = json.loads(body.read())
        return {f"{r['type']}.{r['name']}" for r in state["resources"]}


def _root(base: Path, moto: MotoServer, binary: Path, cli_config: Path) -> Iterator[Root]:
    sandbox = base / "sandbox"
    layout = install(sandbox)
    project = make_fixture_project(
        "updates", base, moto=moto, terraform_bin=binary, cli_config=cli_config
    )
    project.env.update(FAKE_CREDENTIALS)
    project.env["TF_CLI_CONFIG_FILE"] = str(layout.cli_config)
    project.env["CHECKPOINT_DISABLE"] = "1"
    root = Root(project, binary, layout.root)
    created = root.tfctl("apply", "dev", "--auto-approve")
    assert created.returncode == 0, created.stderr
    yield root
    root.tfctl("destroy", "dev", "--auto-approve")


@pytest.fixture(params=["bundled-1.15.5", "pinned-1.0.3"])
def root(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    moto_server: MotoServer,
    terraform_cli_config: Path,
) -> Iterator[Root]:
    fixture = "terraform_bin" if request.param.startswith("bundled") else "terraform_1_0_3"
    binary: Path = request.getfixturevalue(fixture)
    yield from _root(tmp_path, moto_server, binary, terraform_cli_config)


def test_an_update_only_plan_is_planned_applied_and_exits_2(root: Root) -> None:
    assert root.terraform_exit(budget="150") == 2
    planned = root.tfctl("plan", "dev", "--json", "--detailed-exitcode", budget="150")
    assert planned.returncode == 2, planned.stderr
    document = json.loads(planned.stdout)
    assert document["has_changes"] and (document["add"], document["change"]) == (0, 1)
    assert [c["action"] for c in document["changes"]] == ["update"]

    every = root.tfctl("plan", "--all", "--detailed-exitcode", budget="150")
    assert every.returncode == 2, every.stderr
    drift = root.tfctl("drift", "dev", budget="150")
    assert drift.returncode == 2, drift.stderr

    applied = root.tfctl("apply", "dev", "--auto-approve", budget="150")
    assert applied.returncode == 0, applied.stderr
    assert "1 changed" in applied.stdout
    assert root.terraform_exit(budget="150") == 0
    again = root.tfctl("plan", "dev", "--detailed-exitcode", budget="150")
    assert again.returncode == 0, again.stderr
    assert root.tfctl("drift", "dev", budget="150").returncode == 0


def test_an_output_only_plan_is_a_change_and_apply_records_the_output(root: Root) -> None:
    # Terraform 1.0's -json stream has no outputs event: only the exit code tells
    assert root.terraform_exit(label="second") == 2
    planned = root.tfctl("plan", "dev", "--json", "--detailed-exitcode", label="second")
    assert planned.returncode == 2, planned.stderr
    assert json.loads(planned.stdout)["output_changes"] == ["label"]
    assert root.tfctl("plan", "--all", "--detailed-exitcode", label="second").returncode == 2
    applied = root.tfctl("apply", "dev", "--auto-approve", label="second")
    assert applied.returncode == 0, applied.stderr
    output = root.tfctl("output", "dev", "--json")
    assert json.loads(output.stdout)["label"]["value"] == "second"
    assert root.tfctl("plan", "dev", "--detailed-exitcode", label="second").returncode == 0


def test_drift_that_terraform_reverts_or_ignores_agrees_with_its_exit_code(root: Root) -> None:
    key, state = root.cloud.find("upstash_redis_database", lambda _k, _s: True) or ("", {})
    state["db_max_clients"] = 20000  # computed only: terraform records it, plans nothing
    root.cloud.put("upstash_redis_database", key, state)
    ignored = root.terraform_exit()
    assert root.tfctl("drift", "dev").returncode == ignored
    assert root.tfctl("plan", "dev", "--detailed-exitcode").returncode == ignored

    state["budget"] = 300  # configured: terraform updates it back
    root.cloud.put("upstash_redis_database", key, state)
    assert root.terraform_exit() == 2
    assert root.tfctl("drift", "dev").returncode == 2
    assert root.tfctl("apply", "dev", "--auto-approve").returncode == 0
    assert root.tfctl("drift", "dev").returncode == 0


def test_typed_outputs_with_each_nested_secret_masked(root: Root) -> None:
    shown = root.tfctl("output", "dev", "--json")
    assert shown.returncode == 0, shown.stderr
    values = json.loads(shown.stdout)
    assert values["settings"]["value"] == {"budget": 100, "tls": True, "ports": [6379]}
    assert values["tokens"]["value"] is None and "tok-nested" not in shown.stdout
    revealed = json.loads(root.tfctl("output", "dev", "--json", "--reveal").stdout)
    assert revealed["tokens"]["value"] == {
        "primary": "tok-nested-secret-0001",
        "all": ["tok-nested-secret-0001", "tok-nested-secret-0001-replica"],
    }
    one = root.tfctl("output", "dev", "settings", "--reveal")
    assert json.loads(one.stdout) == {"budget": 100, "ports": [6379], "tls": True}


def test_a_moves_only_plan_is_applied_so_state_has_the_new_address(
    tmp_path: Path, moto_server: MotoServer, terraform_bin: Path, terraform_cli_config: Path
) -> None:
    # Terraform >= 1.1 (moved blocks): 1.15.5's -detailed-exitcode returns 2 for moves alone
    for root in _root(tmp_path, moto_server, terraform_bin, terraform_cli_config):
        main = root.path / "main.tf"
        text = main.read_text().replace(
            'resource "upstash_redis_database" "this"', 'resource "upstash_redis_database" "cache"'
        )
        text = text.replace("upstash_redis_database.this.", "upstash_redis_database.cache.")
        moved = f"\nmoved {{\n  from = {DB}\n  to   = upstash_redis_database.cache\n}}\n"
        main.write_text(text + moved)
        assert root.terraform_exit() == 2
        planned = root.tfctl("plan", "dev", "--json", "--detailed-exitcode")
        assert planned.returncode == 2, planned.stderr
        document = json.loads(planned.stdout)
        assert (document["add"], document["change"], document["destroy"]) == (0, 0, 0)
        assert document["moved"] == 1
        assert root.state_addresses() == {DB}
        applied = root.tfctl("apply", "dev", "--auto-approve")
        assert applied.returncode == 0, applied.stderr
        assert root.state_addresses() == {"upstash_redis_database.cache"}
        assert root.terraform_exit() == 0
        assert root.tfctl("plan", "dev", "--detailed-exitcode").returncode == 0
