"""Credential specs, HCL discovery, preflight, doctor data, AWS identity check (no process)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from tfctl.credentials import (
    CredentialPlan,
    MissingCredential,
    check_aws_identity,
    doctor_report,
    preflight,
    require,
    required_providers,
    sensitive_variables,
)
from tfctl.errors import ConfigError, CredentialsError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "credentials"
PLATFORM = FIXTURES / "platform"
DEV = Path(__file__).parents[2] / "terraform" / "environments" / "dev"

FULL_ENV = {
    "CLICKHOUSE_ORG_ID": "org-1234",
    "CLICKHOUSE_CLOUD_API_KEY": "key-abcdef",
    "CLICKHOUSE_CLOUD_API_SECRET": "secret-abcdef",
    "UPSTASH_EMAIL": "ops@example.com",
    "UPSTASH_API_KEY": "upstash-key-123",
    "TF_VAR_clickhouse_admin_password": "admin-pw-123",
    "QSTASH_TOKEN": "qstash-token-xyz",
}


def test_required_providers_are_lowercased_sources() -> None:
    assert required_providers(PLATFORM) == {
        "clickhouse/clickhouse",
        "upstash/upstash",
        "clickhouse/clickhousedbops",
    }


def test_required_providers_defaults_and_legacy_syntax() -> None:
    assert required_providers(FIXTURES / "null_only") == {"hashicorp/null"}
    assert required_providers(FIXTURES / "legacy_syntax") == {"hashicorp/null"}


def test_required_providers_follow_local_modules_only() -> None:
    assert required_providers(FIXTURES / "with_module") == {"hashicorp/null", "upstash/upstash"}


def test_unparsable_hcl_is_a_one_line_config_error() -> None:
    with pytest.raises(ConfigError) as caught:
        required_providers(FIXTURES / "broken")
    message = str(caught.value)
    assert "main.tf" in message
    assert "line 3" in message
    assert "\n" not in message
    assert "unterminated" not in message  # no source text: it could be a value


def test_a_missing_root_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a directory"):
        required_providers(tmp_path / "nope")


def test_sensitive_variables() -> None:
    assert sensitive_variables(PLATFORM) == [
        "clickhouse_admin_password",
        "optional_secret",
        "qstash_token",
        "tfvars_secret",
    ]
    assert sensitive_variables(FIXTURES / "null_only") == []


@pytest.mark.skipif(not DEV.is_dir(), reason="the dev environment is not in this tree yet")
def test_the_dev_environment_needs_the_platform_providers() -> None:
    assert required_providers(DEV) == {
        "clickhouse/clickhouse",
        "upstash/upstash",
        "clickhouse/clickhousedbops",
    }
    assert {"clickhouse_admin_password", "qstash_token"} <= set(sensitive_variables(DEV))


def test_a_null_only_root_needs_nothing() -> None:
    plan = preflight(FIXTURES / "null_only", {})
    assert plan == CredentialPlan(
        env={}, secrets=[], missing=[], providers=frozenset({"hashicorp/null"})
    )
    require(plan)


def test_preflight_with_everything_set() -> None:
    plan = preflight(PLATFORM, FULL_ENV)
    assert plan.ok
    assert plan.env == {
        "CLICKHOUSE_ORG_ID": "org-1234",
        "CLICKHOUSE_CLOUD_API_KEY": "key-abcdef",
        "CLICKHOUSE_CLOUD_API_SECRET": "secret-abcdef",
        "CLICKHOUSE_TOKEN_KEY": "key-abcdef",
        "CLICKHOUSE_TOKEN_SECRET": "secret-abcdef",
        "UPSTASH_EMAIL": "ops@example.com",
        "UPSTASH_API_KEY": "upstash-key-123",
        "TF_VAR_clickhouse_admin_password": "admin-pw-123",
        "TF_VAR_qstash_token": "qstash-token-xyz",
    }
    assert set(plan.secrets) == {
        "key-abcdef",
        "secret-abcdef",
        "upstash-key-123",
        "admin-pw-123",
        "qstash-token-xyz",
    }
    # identifiers are passed, not masked
    assert "org-1234" not in plan.secrets
    assert "ops@example.com" not in plan.secrets


def test_legacy_clickhouse_names_are_accepted_and_mirrored() -> None:
    environ = {
        key: value for key, value in FULL_ENV.items() if not key.startswith("CLICKHOUSE_CLOUD")
    }
    environ |= {"CLICKHOUSE_TOKEN_KEY": "old-key-1", "CLICKHOUSE_TOKEN_SECRET": "old-secret-1"}
    plan = preflight(PLATFORM, environ)
    assert plan.ok
    assert plan.env["CLICKHOUSE_CLOUD_API_KEY"] == plan.env["CLICKHOUSE_TOKEN_KEY"] == "old-key-1"
    assert plan.env["CLICKHOUSE_CLOUD_API_SECRET"] == "old-secret-1"
    assert "old-secret-1" in plan.secrets


def test_tf_var_wins_over_the_upper_case_name() -> None:
    environ = FULL_ENV | {"TF_VAR_qstash_token": "from-tf-var", "QSTASH_TOKEN": "from-upper"}
    plan = preflight(PLATFORM, environ)
    assert plan.env["TF_VAR_qstash_token"] == "from-tf-var"
    assert "from-upper" not in plan.secrets


def test_defaults_and_tfvars_make_a_secret_optional_but_set_values_are_used() -> None:
    plan = preflight(PLATFORM, FULL_ENV | {"OPTIONAL_SECRET": "opt-secret-1"})
    assert plan.env["TF_VAR_optional_secret"] == "opt-secret-1"
    assert "opt-secret-1" in plan.secrets
    assert "TF_VAR_tfvars_secret" not in plan.env


def test_aws_secrets_in_the_environment_are_masked_not_injected() -> None:
    environ = {"AWS_SECRET_ACCESS_KEY": "aws-secret-1", "AWS_SESSION_TOKEN": "aws-token-1"}
    plan = preflight(FIXTURES / "null_only", environ)
    assert plan.secrets == ["aws-secret-1", "aws-token-1"]
    assert plan.env == {}


def test_every_missing_name_is_reported_at_once() -> None:
    plan = preflight(PLATFORM, {"CLICKHOUSE_ORG_ID": "org-1", "UPSTASH_EMAIL": ""})
    assert [str(item) for item in plan.missing] == [
        "CLICKHOUSE_CLOUD_API_KEY (or CLICKHOUSE_TOKEN_KEY)",
        "CLICKHOUSE_CLOUD_API_SECRET (or CLICKHOUSE_TOKEN_SECRET)",
        "UPSTASH_EMAIL",
        "UPSTASH_API_KEY",
        "TF_VAR_clickhouse_admin_password (or CLICKHOUSE_ADMIN_PASSWORD)",
        "TF_VAR_qstash_token (or QSTASH_TOKEN)",
    ]
    assert plan.missing[-1].documented_at.endswith('variables.tf: variable "qstash_token"')
    with pytest.raises(CredentialsError) as caught:
        require(plan)
    message = str(caught.value)
    assert "\n" not in message
    for item in plan.missing:
        assert item.name in message
    assert "registry.terraform.io/providers/ClickHouse/clickhouse" in message
    assert caught.value.exit_code == 1


def test_a_half_set_legacy_pair_asks_for_its_other_half() -> None:
    environ = FULL_ENV.copy()
    del environ["CLICKHOUSE_CLOUD_API_KEY"], environ["CLICKHOUSE_CLOUD_API_SECRET"]
    environ["CLICKHOUSE_TOKEN_KEY"] = "old-key-1"
    plan = preflight(PLATFORM, environ)
    assert plan.missing == [
        MissingCredential(
            "CLICKHOUSE_TOKEN_SECRET",
            "https://registry.terraform.io/providers/ClickHouse/clickhouse/latest/docs",
            ("CLICKHOUSE_CLOUD_API_SECRET",),
        )
    ]


def test_the_plan_repr_holds_no_value() -> None:
    plan = preflight(PLATFORM, FULL_ENV)
    text = repr(plan)
    for value in FULL_ENV.values():
        if value in plan.secrets:
            assert value not in text


def test_doctor_report_says_present_or_missing_never_the_value() -> None:
    environ = FULL_ENV.copy()
    del environ["UPSTASH_API_KEY"]
    report = doctor_report(PLATFORM, environ)
    assert not report.ok
    assert [str(item) for item in report.missing] == ["UPSTASH_API_KEY"]
    status = {entry.name: entry for entry in report.entries}
    assert status["UPSTASH_API_KEY"].present is False
    assert status["UPSTASH_API_KEY"].required is True
    assert status["CLICKHOUSE_CLOUD_API_SECRET"].present is True
    assert status["CLICKHOUSE_TOKEN_SECRET"].required is False
    assert status["TF_VAR_qstash_token"].present is True  # via QSTASH_TOKEN
    assert status["TF_VAR_optional_secret"].required is False
    dumped = repr(dataclasses.asdict(report))
    for value in environ.values():
        assert value not in dumped


def test_doctor_report_lists_providers_without_a_spec() -> None:
    report = doctor_report(FIXTURES / "null_only", {})
    assert report.ok
    assert report.unknown_providers == ("hashicorp/null",)
    assert report.entries == ()


def test_aws_check_is_skipped_for_a_custom_endpoint() -> None:
    assert check_aws_identity("us-east-1", "http://127.0.0.1:1") is None


@pytest.fixture
def no_aws_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.mark.usefixtures("no_aws_credentials")
def test_aws_check_without_credentials_is_one_clear_line() -> None:
    with pytest.raises(CredentialsError) as caught:
        check_aws_identity("us-east-1")
    assert str(caught.value).startswith("no AWS credentials found")
    assert "\n" not in str(caught.value)


@pytest.mark.usefixtures("no_aws_credentials")
def test_aws_check_with_an_unknown_profile() -> None:
    with pytest.raises(CredentialsError, match="profile nobody does not exist"):
        check_aws_identity("us-east-1", profile="nobody")


@pytest.mark.usefixtures("no_aws_credentials")
def test_aws_check_returns_the_identity(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto import mock_aws

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAFAKEFAKEFAKE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "fake-secret-key")
    with mock_aws():
        identity = check_aws_identity("eu-west-1")
    assert identity is not None
    assert identity.account.isdigit()
    assert identity.arn.startswith("arn:aws:")
