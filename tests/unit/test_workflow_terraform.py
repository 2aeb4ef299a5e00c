"""The shape of .github/workflows/terraform.yml: what the pipeline promises, read from the file.

actionlint (tests/integration/test_workflow_lint.py) checks that every workflow is valid; these
check what it is for: one job per environment from `tfctl envs --json`, the reviewed plan applied
on main, prod behind a GitHub environment, one concurrency group per environment, credentials
only from secrets and never in a script.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from tfctl.__main__ import app

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "terraform.yml"
# tracing, or echoing a credential variable
SHOWS_A_SECRET = r"\bset -x\b|\becho\s+\"?\$\{?(TFCTL_|AWS_SECRET|CLICKHOUSE_|UPSTASH_|QSTASH)"


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text())
    return document


def _runs(job: dict[str, Any]) -> list[str]:
    return [str(step["run"]) for step in job["steps"] if "run" in step]


def test_matrix_comes_from_tfctl_envs(
    workflow: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (listing,) = [r for r in _runs(workflow["jobs"]["environments"]) if "tfctl envs --json" in r]
    assert "{environment: .name, protected: .protected}" in listing
    for job in ("plan", "apply"):
        strategy = workflow["jobs"][job]["strategy"]
        assert strategy["matrix"] == "${{ fromJSON(needs.environments.outputs.matrix) }}"
        assert strategy["fail-fast"] is False  # one environment's failure stops no other
    # the keys the jq program reads are the ones `tfctl envs --json` prints
    for env in ("dev", "prod"):
        (tmp_path / "terraform" / "environments" / env).mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TFCTL_ROOT", raising=False)
    listed = json.loads(CliRunner().invoke(app, ["envs", "--json"]).stdout)
    assert {(e["name"], e["protected"]) for e in listed} == {("dev", False), ("prod", True)}


def test_pull_requests_plan_upload_and_comment(workflow: dict[str, Any]) -> None:
    plan = workflow["jobs"]["plan"]
    assert "github.event_name == 'pull_request'" in plan["if"]
    assert "head.repo.full_name == github.repository" in plan["if"]  # no secrets for forks
    script = "\n".join(_runs(plan))
    assert 'tfctl plan "$ENVIRONMENT" --out plan.tfplan --markdown plan.md' in script
    uploads = [s for s in plan["steps"] if str(s.get("uses", "")).startswith("actions/upload-")]
    assert uploads and "plan.tar.enc" in uploads[0]["with"]["path"]
    assert "plan.tfplan\n" not in uploads[0]["with"]["path"]  # the plan leaves encrypted only
    assert 'gh pr comment "$PR_NUMBER" --body-file plan.md' in script


def test_main_applies_the_reviewed_plan_behind_the_environment(workflow: dict[str, Any]) -> None:
    apply = workflow["jobs"]["apply"]
    assert apply["if"] == "github.event_name == 'push'"
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert apply["environment"] == "${{ matrix.environment }}"
    downloads = [s for s in apply["steps"] if str(s.get("uses", "")).startswith("actions/down")]
    assert downloads[0]["with"]["run-id"] == "${{ steps.reviewed.outputs.run }}"
    script = "\n".join(_runs(apply))
    assert 'tfctl apply "$ENVIRONMENT" --plan plan.tfplan --auto-approve' in script
    assert "tfctl plan" not in script  # never a fresh, unreviewed plan


def test_one_concurrency_group_per_environment(workflow: dict[str, Any]) -> None:
    apply = workflow["jobs"]["apply"]["concurrency"]
    assert apply == {"group": "terraform-${{ matrix.environment }}", "cancel-in-progress": False}
    plan = workflow["jobs"]["plan"]["concurrency"]
    assert "${{ matrix.environment }}" in plan["group"]


def test_secrets_reach_steps_only_through_env(workflow: dict[str, Any]) -> None:
    text = WORKFLOW.read_text()
    for job in workflow["jobs"].values():
        for script in _runs(job):
            assert "secrets." not in script
            assert not re.search(
                r"\bset -x\b|\becho\s+\"?\$\{?(TFCTL_|AWS_SECRET|CLICKHOUSE_|UP)", script
            )
    names = set(re.findall(r"\$\{\{ secrets\.([A-Z_]+) \}\}", text))
    assert {"AWS_SECRET_ACCESS_KEY", "UPSTASH_API_KEY", "TFCTL_PLAN_KEY"} <= names
    assert workflow["permissions"] == {"contents": "read"}
