"""Sandbox routing helpers: sensitive variables, the routed environment, state-file handling."""

from __future__ import annotations

import re
from pathlib import Path

from tfctl.sandbox import endpoint as endpoints
from tfctl.sandbox.demo import (
    _fake_secret,
    default_sandbox_dir,
    sandbox_environ,
    sandbox_variables,
    sensitive_variables,
)
from tfctl.sandbox.install import FAKE_CREDENTIALS, SandboxLayout

VARIABLES = """
variable "admin_password" {
  type        = string
  description = "x"
  sensitive   = true
}

variable "tags" {
  type    = map(string)
  default = {}
}

variable "token_with_default" {
  type      = string
  default   = ""
  sensitive = true
  validation {
    condition     = length(var.token_with_default) >= 0
    error_message = "x."
  }
}
"""


def test_sensitive_variables_without_default(tmp_path: Path) -> None:
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "variables.tf").write_text(VARIABLES)
    assert sensitive_variables(tmp_path) == ["admin_password"]


def test_real_roots_need_generated_secrets() -> None:
    envs = Path(__file__).resolve().parents[2] / "terraform" / "environments"
    names = sensitive_variables(envs)
    assert "clickhouse_admin_password" in names


def test_fake_secrets_meet_password_rules_and_are_stable(tmp_path: Path) -> None:
    secret = _fake_secret()
    assert len(secret) >= 12
    for pattern in ("[a-z]", "[A-Z]", "[0-9]", "[^A-Za-z0-9]"):
        assert re.search(pattern, secret)
    layout = SandboxLayout(tmp_path)
    first = sandbox_variables(layout, ["a", "b"])
    assert sandbox_variables(layout, ["a", "b"]) == first
    assert first["a"] != first["b"]
    assert (tmp_path / "variables.json").stat().st_mode & 0o077 == 0


def test_sandbox_environ_replaces_real_service_variables(tmp_path: Path) -> None:
    layout = SandboxLayout(tmp_path)
    endpoint = endpoints.Endpoint("http://127.0.0.1:9", 9, 1, 2, '{"x": {}}')
    base = {
        "PATH": "/bin",
        "AWS_PROFILE": "prod",
        "CLICKHOUSE_TOKEN_SECRET": "real",
        "TF_VAR_admin_password": "real",
        "TF_DATA_DIR": "/elsewhere",
    }
    env = sandbox_environ(base, layout, endpoint, {"admin_password": "fake"})
    assert env["PATH"] == "/bin"
    assert "AWS_PROFILE" not in env
    assert "CLICKHOUSE_TOKEN_SECRET" not in env
    assert "TF_DATA_DIR" not in env
    assert env["TF_VAR_admin_password"] == "fake"
    assert env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:9"
    assert env["TF_REATTACH_PROVIDERS"] == '{"x": {}}'
    assert env["TF_CLI_CONFIG_FILE"] == str(layout.cli_config)
    assert env["UPSTASH_API_KEY"] == FAKE_CREDENTIALS["UPSTASH_API_KEY"]


def test_default_sandbox_dir_is_outside_the_repository(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    found = default_sandbox_dir(repo, {"XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert found.parent == tmp_path / "cache" / "tfctl"
    assert repo not in found.parents
    assert default_sandbox_dir(repo, {"TFCTL_SANDBOX_DIR": str(tmp_path / "x")}) == tmp_path / "x"


def test_running_ignores_missing_garbage_and_foreign_pids(tmp_path: Path) -> None:
    assert endpoints.running(tmp_path) is None
    (tmp_path / endpoints.STATE_FILE).write_text("not json")
    assert endpoints.running(tmp_path) is None
    # pid 1 is alive but is not a moto server we started: never trusted, never signalled.
    foreign = endpoints.Endpoint("http://127.0.0.1:9", 9, 1, 1, None)
    (tmp_path / endpoints.STATE_FILE).write_text(foreign.to_json())
    assert endpoints.running(tmp_path) is None
    assert endpoints.stop(tmp_path) is False
