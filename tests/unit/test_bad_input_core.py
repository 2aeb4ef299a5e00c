"""Bad input refused by the core before anything runs: one ConfigError / one clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfctl.errors import ConfigError, UnexpectedOutputError
from tfctl.project import validate_environment_name
from tfctl.results import PlanResult
from tfctl.settings import resolve_settings


def test_a_plan_stream_without_a_summary_is_an_error_not_no_changes() -> None:
    with pytest.raises(UnexpectedOutputError, match="plan of dev reported no change summary"):
        PlanResult.from_events("dev", [{"type": "version", "terraform": "1.0.3"}])
    with pytest.raises(UnexpectedOutputError):
        PlanResult.from_events("dev", [])
    summary = {"type": "change_summary", "changes": {"add": 0, "change": 0, "remove": 0}}
    assert not PlanResult.from_events("dev", [summary]).has_changes


def test_long_environment_names_are_refused_before_any_lookup() -> None:
    assert validate_environment_name("x" * 64) == "x" * 64
    with pytest.raises(ConfigError, match="too long \\(5000 characters, at most 64\\)") as caught:
        validate_environment_name("x" * 5000)
    assert len(str(caught.value)) < 200


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("TFCTL_STATE_BUCKET", "Bad_Bucket!!", "must be a valid S3 bucket name"),
        ("TFCTL_STATE_BUCKET", "ab", "must be a valid S3 bucket name (must be 3 to 63"),
        ("TFCTL_STATE_BUCKET", "192.168.1.1", "formatted as an IP address"),
        ("TFCTL_LOCK_TABLE", "x", "must be a valid DynamoDB table name"),
        ("TFCTL_LOCK_TABLE", "bad table", "must be a valid DynamoDB table name"),
    ],
)
def test_backend_names_are_validated_with_the_settings(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", "\\(")) as caught:
        resolve_settings(tmp_path, environ={variable: value})
    assert f"from {variable} is {value!r}" in str(caught.value)


def test_bucket_names_from_tfctl_toml_are_validated(tmp_path: Path) -> None:
    (tmp_path / "tfctl.toml").write_text('[tfctl]\nstate_bucket = "UPPER"\n')
    with pytest.raises(ConfigError, match="uppercase letters are not allowed"):
        resolve_settings(tmp_path, environ={})
    (tmp_path / "tfctl.toml").write_text('[tfctl]\nstate_bucket = "fine-bucket.name"\n')
    assert resolve_settings(tmp_path, environ={}).state_bucket == "fine-bucket.name"
