"""plan --all and drift over several environments, with the real terraform and a moto backend."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import FixtureProject

pytestmark = pytest.mark.integration

PREFIXED = re.compile(r"^(?:tfctl: )?\[(?:dev |prod)\] ")


def by_env(stdout: str) -> dict[str, dict[str, object]]:
    return {item["environment"]: item for item in json.loads(stdout)}


def test_plan_all_prefixes_every_line_and_reports_each_environment(
    basic_project: FixtureProject,
) -> None:
    p = basic_project
    result = p.run("plan", "--all", "--json")
    assert result.returncode == 0, result.stderr
    outcomes = by_env(result.stdout)
    assert set(outcomes) == {"dev", "prod"}
    for outcome in outcomes.values():
        assert outcome["status"] == "changes"
        assert outcome["plan"]["add"] == 2  # type: ignore[index]

    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines
    for line in lines:
        assert PREFIXED.match(line), f"unprefixed or interleaved line: {line!r}"
        assert len(re.findall(r"\[(?:dev |prod)\] ", line)) == 1, line
    assert any(line.startswith("[dev ] ") and "Plan to create" in line for line in lines)
    assert any(line.startswith("[prod] ") and "Plan to create" in line for line in lines)

    detailed = p.run("plan", "--all", "--detailed-exitcode", "--parallel", "1")
    assert detailed.returncode == 2, detailed.stderr


def test_drift_exit_codes_follow_the_environments(basic_project: FixtureProject) -> None:
    p = basic_project
    assert p.run("apply", "dev", "--auto-approve").returncode == 0

    partial = p.run("drift", "--all", "--json")
    assert partial.returncode == 2, partial.stderr
    outcomes = by_env(partial.stdout)
    assert outcomes["dev"]["status"] == "in sync"
    assert outcomes["prod"]["status"] == "changes"

    assert p.run("drift", "dev").returncode == 0

    # The configuration moves on without an apply: dev now differs from its state.
    moved = p.run("drift", "dev", TF_VAR_revision="2")
    assert moved.returncode == 2
    assert "changes" in moved.stdout


def test_one_broken_environment_does_not_stop_the_others(basic_project: FixtureProject) -> None:
    p = basic_project
    prod = p.root / "terraform" / "environments" / "prod" / "main.tf"
    prod.write_text(prod.read_text() + '\nresource "null_resource" "broken" {\n  triggers = {\n')
    result = p.run("plan", "--all", "--json")
    assert result.returncode == 1
    outcomes = by_env(result.stdout)
    assert outcomes["dev"]["status"] == "changes"
    assert outcomes["prod"]["status"] == "error"
    assert outcomes["prod"]["error"]
