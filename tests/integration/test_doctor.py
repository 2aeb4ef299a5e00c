"""`tfctl doctor`: binary, backend and credentials per environment; never a value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import FixtureProject

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]


def test_fixture_root_needs_no_credentials(basic_project: FixtureProject) -> None:
    result = basic_project.tfctl("doctor", "--json")
    assert result.returncode == 0, result.stdout + result.stderr
    report = json.loads(result.stdout)
    items = {(f["topic"], f["item"]): f for f in report["findings"]}
    assert "1.0.3" in items[("terraform", "binary")]["detail"]
    assert "key=env/dev/terraform.tfstate" in items[("env dev", "backend")]["detail"]
    assert items[("aws", "identity")]["detail"].startswith("local endpoint")


def test_real_environment_lists_missing_credentials_without_values(
    basic_project: FixtureProject,
) -> None:
    env = dict(basic_project.env, TFCTL_ROOT=str(REPO), UPSTASH_API_KEY="upstash-key-value-42")
    result = basic_project.tfctl("doctor", "dev", "--no-aws", "--json", env=env)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    by_item = {f["item"]: f for f in report["findings"] if f["topic"] == "env dev"}
    assert by_item["UPSTASH_API_KEY"]["ok"] is True
    assert by_item["UPSTASH_EMAIL"]["ok"] is False
    assert by_item["CLICKHOUSE_ORG_ID"]["ok"] is False
    assert by_item["TF_VAR_qstash_token"]["ok"] is False
    assert "upstash-key-value-42" not in result.stdout + result.stderr
