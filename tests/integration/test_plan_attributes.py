"""Issue 11's prod scenario in the sandbox, through the CLI: attribute changes in the terminal,
in --json and in the Markdown summary; a sensitive input shows only (sensitive); a replacement
names its forcing attribute; the saved plan's confirmation shows the same changes.

Runs real Terraform on a copy of the repository's terraform/ tree (never the tree itself).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tfctl.sandbox.demo import VARIABLES_FILE, down, run_demo

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
CLICKHOUSE = "module.platform.module.data_warehouse.clickhouse_service.this"
REDIS = "module.platform.module.serverless_cache.upstash_redis_database.this"
ALLOW_LIST = 'ip_access[0].source: "203.0.113.0/24" → "203.0.113.0/25"'


class Sandbox:
    def __init__(self, root: Path, sandbox_dir: Path) -> None:
        self.root, self.sandbox_dir = root, sandbox_dir
        self.tfvars = root / "terraform" / "environments" / "prod" / "terraform.tfvars"
        self.original = self.tfvars.read_text()
        self.env = {
            k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_", "TFCTL_"))
        }
        self.env["TFCTL_SANDBOX_DIR"] = str(sandbox_dir)
        self.env.pop("GITHUB_STEP_SUMMARY", None)

    def edit(self, *replacements: tuple[str, str]) -> None:
        text = self.original
        for old, new in replacements:
            assert old in text, old
            text = text.replace(old, new)
        self.tfvars.write_text(text)

    def tfctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "tfctl", "--sandbox", *args],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def secrets(self) -> list[str]:
        return list(json.loads((self.sandbox_dir / VARIABLES_FILE).read_text()).values())


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    base = tmp_path_factory.mktemp("attributes")
    root, sandbox_dir = base / "repo", base / "sbx"
    shutil.copytree(
        ROOT / "terraform",
        root / "terraform",
        ignore=shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*"),
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "TF_", "TFCTL_"))}
    try:
        run_demo(root, "prod", keep=True, sandbox_dir=sandbox_dir, environ=environ)
        yield Sandbox(root, sandbox_dir)
    finally:
        down(root, sandbox_dir=sandbox_dir, environ=environ)


def test_prod_scenario_in_terminal_json_and_markdown(sandbox: Sandbox, tmp_path: Path) -> None:
    sandbox.edit(
        ('"203.0.113.0/24"', '"203.0.113.0/25"'),
        ("cache_budget         = 100", "cache_budget         = 150"),
    )
    shown = sandbox.tfctl("plan", "prod", "--markdown", str(tmp_path / "plan.md"))
    assert shown.returncode == 0, shown.stderr
    assert ALLOW_LIST in shown.stdout and "budget: 100 → 150" in shown.stdout
    markdown = (tmp_path / "plan.md").read_text()
    assert '- ip_access[0].source: "203.0.113.0/24"\n+ ip_access[0].source: "203.0.113.0/25"' in (
        markdown
    )
    assert "- budget: 100\n+ budget: 150" in markdown and "plan not saved" in markdown

    as_json = sandbox.tfctl("plan", "prod", "--json")
    assert as_json.returncode == 0, as_json.stderr
    changes = {c["address"]: c for c in json.loads(as_json.stdout)["changes"]}
    assert ALLOW_LIST in [a["text"] for a in changes[CLICKHOUSE]["attributes"]]
    (budget,) = [a for a in changes[REDIS]["attributes"] if a["path"] == "budget"]
    assert (budget["before"], budget["after"]) == (100, 150)


def test_saved_plan_digest_and_the_confirmation_show_the_changes(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    sandbox.edit(('"203.0.113.0/24"', '"203.0.113.0/25"'))
    plan_file, summary = tmp_path / "prod.tfplan", tmp_path / "plan.md"
    sandbox.env["GITHUB_STEP_SUMMARY"] = str(tmp_path / "step-summary.md")
    try:
        made = sandbox.tfctl("plan", "prod", "--out", str(plan_file), "--markdown", str(summary))
    finally:
        del sandbox.env["GITHUB_STEP_SUMMARY"]
    assert made.returncode == 0, made.stderr
    from tfctl.markdown import file_sha256

    assert f"plan file sha256 `{file_sha256(plan_file)}`" in summary.read_text()
    assert (tmp_path / "step-summary.md").read_text() == summary.read_text()
    applied = sandbox.tfctl("apply", "prod", "--plan", str(plan_file), "--auto-approve")
    assert applied.returncode == 0, applied.stderr
    assert ALLOW_LIST in applied.stdout  # read from the plan file itself, before applying
    # back to the repository's values for the other tests (prod is protected: a saved plan)
    sandbox.tfvars.write_text(sandbox.original)
    restore = tmp_path / "restore.tfplan"
    assert sandbox.tfctl("plan", "prod", "--out", str(restore)).returncode == 0
    back = sandbox.tfctl("apply", "prod", "--plan", str(restore), "--auto-approve")
    assert back.returncode == 0, back.stderr


def test_sensitive_input_shows_only_sensitive(sandbox: Sandbox) -> None:
    variables = sandbox.sandbox_dir / VARIABLES_FILE
    saved = variables.read_text()
    values = json.loads(saved)
    values["clickhouse_admin_password"] = "Rotated-admin-0123456789-Q7!"
    values["qstash_token"] = "Rotated-qstash-0123456789-Q7!"
    variables.write_text(json.dumps(values))
    sandbox.edit(
        ("clickhouse_admin_password_version    = 1", "clickhouse_admin_password_version    = 2")
    )
    try:
        shown = sandbox.tfctl("plan", "prod", "--json")
    finally:
        variables.write_text(saved)
    assert shown.returncode == 0, shown.stderr
    document = json.loads(shown.stdout)
    (clickhouse,) = [c for c in document["changes"] if c["address"] == CLICKHOUSE]
    assert [a["text"] for a in clickhouse["attributes"]] == ["password_wo_version: 1 → 2"]
    assert "qstash_token" in document["output_changes"]
    assert [a["text"] for a in document["output_attributes"]] == [
        "qstash_token: (sensitive) → (sensitive)"
    ]
    for secret in [*values.values(), *json.loads(saved).values()]:
        assert secret not in shown.stdout + shown.stderr


def test_replace_names_the_forcing_attribute(sandbox: Sandbox) -> None:
    sandbox.edit(('cache_primary_region = "us-east-1"', 'cache_primary_region = "us-west-1"'))
    shown = sandbox.tfctl("plan", "prod")
    assert shown.returncode == 0, shown.stderr
    assert f"{REDIS} (forced by primary_region)" in shown.stdout
    assert 'primary_region: "us-east-1" → "us-west-1" # forces replacement' in shown.stdout
    assert "password: (sensitive) → (known after apply)" in shown.stdout
