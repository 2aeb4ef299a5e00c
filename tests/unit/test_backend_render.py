"""Backend rendering per Terraform version: one spelling per argument, skip flags off AWS only."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfctl.backend.render import (
    BACKEND_FILE_NAME,
    BackendConfig,
    backend_config_args,
    backend_fingerprint,
    render_backend_config,
    render_backend_file,
)
from tfctl.errors import ConfigError, TerraformVersionError

MOTO = "http://127.0.0.1:5000"
OLD_TO_NEW = {
    "endpoint": "endpoints",
    "dynamodb_endpoint": "endpoints",
    "force_path_style": "use_path_style",
}
SKIP_FLAGS = {"skip_credentials_validation", "skip_region_validation", "skip_metadata_api_check"}


def local_config(**overrides: object) -> BackendConfig:
    values: dict[str, object] = {
        "bucket": "acme-tfstate",
        "key": "env/dev/terraform.tfstate",
        "region": "eu-west-1",
        "dynamodb_table": "acme-tflock",
        "s3_endpoint": MOTO,
        "dynamodb_endpoint": MOTO,
    }
    values.update(overrides)
    return BackendConfig(**values)  # type: ignore[arg-type]


def aws_config(**overrides: object) -> BackendConfig:
    return local_config(s3_endpoint=None, dynamodb_endpoint=None, **overrides)


def assert_no_old_with_new(rendered: dict[str, object]) -> None:
    for old, new in OLD_TO_NEW.items():
        assert not (old in rendered and new in rendered), f"{old} rendered with {new}"


# --- from_environment ------------------------------------------------------------------------


def test_from_environment_generic_endpoint_serves_both_services() -> None:
    config = BackendConfig.from_environment("b", "k", "us-east-1", "t", {"AWS_ENDPOINT_URL": MOTO})
    assert config.s3_endpoint == MOTO
    assert config.dynamodb_endpoint == MOTO
    assert config.custom_endpoint


def test_from_environment_specific_beats_generic() -> None:
    environ = {
        "AWS_ENDPOINT_URL": "http://generic:1",
        "AWS_ENDPOINT_URL_S3": "http://s3:2",
    }
    config = BackendConfig.from_environment("b", "k", "us-east-1", "t", environ)
    assert config.s3_endpoint == "http://s3:2"
    assert config.dynamodb_endpoint == "http://generic:1"


def test_from_environment_without_variables_is_real_aws() -> None:
    config = BackendConfig.from_environment(
        "b", "k", "us-east-1", "", {"AWS_ENDPOINT_URL": "  "}, use_lockfile=True
    )
    assert config.s3_endpoint is None
    assert config.dynamodb_endpoint is None
    assert config.dynamodb_table is None
    assert not config.custom_endpoint


# --- version bands ---------------------------------------------------------------------------


def test_terraform_1_0_3_uses_legacy_endpoint_arguments() -> None:
    rendered = render_backend_config(local_config(), (1, 0, 3))
    assert rendered == {
        "bucket": "acme-tfstate",
        "key": "env/dev/terraform.tfstate",
        "region": "eu-west-1",
        "encrypt": True,
        "dynamodb_table": "acme-tflock",
        "endpoint": MOTO,
        "dynamodb_endpoint": MOTO,
        "force_path_style": True,
        "skip_credentials_validation": True,
        "skip_region_validation": True,
        "skip_metadata_api_check": True,
    }
    assert rendered.warnings == ()


def test_terraform_1_5_7_is_still_legacy() -> None:
    rendered = render_backend_config(local_config(), (1, 5, 7))
    assert rendered["endpoint"] == MOTO
    assert rendered["force_path_style"] is True
    assert "endpoints" not in rendered
    assert "use_path_style" not in rendered
    assert "skip_requesting_account_id" not in rendered
    assert_no_old_with_new(rendered)


def test_terraform_1_6_0_uses_endpoints_map_and_use_path_style() -> None:
    rendered = render_backend_config(local_config(), (1, 6, 0))
    assert rendered["endpoints"] == {"s3": MOTO, "dynamodb": MOTO}
    assert rendered["use_path_style"] is True
    assert rendered["skip_requesting_account_id"] is True
    assert "skip_s3_checksum" not in rendered  # introduced in 1.7
    for old in OLD_TO_NEW:
        assert old not in rendered
    assert rendered.warnings == ()


def test_terraform_1_9_adds_s3_checksum_skip_for_custom_endpoint() -> None:
    rendered = render_backend_config(local_config(), (1, 9, 8))
    assert rendered["skip_s3_checksum"] is True
    assert rendered["endpoints"] == {"s3": MOTO, "dynamodb": MOTO}
    assert_no_old_with_new(rendered)
    assert "use_lockfile" not in rendered


def test_use_lockfile_before_1_10_is_refused() -> None:
    with pytest.raises(ConfigError, match=r"use_lockfile needs terraform 1\.10"):
        render_backend_config(local_config(use_lockfile=True), (1, 9, 8))


def test_terraform_1_10_0_lockfile_is_experimental() -> None:
    rendered = render_backend_config(local_config(use_lockfile=True), (1, 10, 0))
    assert rendered["use_lockfile"] is True
    assert rendered["dynamodb_table"] == "acme-tflock"
    assert any("experimental" in warning for warning in rendered.warnings)
    assert not any("deprecated" in warning for warning in rendered.warnings)


def test_terraform_1_11_0_warns_dynamodb_table_deprecated() -> None:
    rendered = render_backend_config(local_config(), (1, 11, 0))
    assert rendered["dynamodb_table"] == "acme-tflock"
    assert any("dynamodb_table is deprecated" in warning for warning in rendered.warnings)


def test_terraform_1_11_0_lockfile_only_drops_dynamodb_entirely() -> None:
    rendered = render_backend_config(
        local_config(dynamodb_table=None, use_lockfile=True), (1, 11, 0)
    )
    assert rendered["use_lockfile"] is True
    assert "dynamodb_table" not in rendered
    assert rendered["endpoints"] == {"s3": MOTO}
    assert rendered.warnings == ()


@pytest.mark.parametrize(
    "version", [(1, 0, 3), (1, 5, 7), (1, 6, 0), (1, 9, 8), (1, 10, 0), (1, 11, 0)]
)
def test_real_aws_sets_no_endpoint_or_skip_flag(version: tuple[int, int, int]) -> None:
    rendered = render_backend_config(aws_config(), version)
    forbidden = (
        SKIP_FLAGS
        | set(OLD_TO_NEW)
        | {
            "endpoints",
            "use_path_style",
            "skip_requesting_account_id",
            "skip_s3_checksum",
        }
    )
    assert forbidden.isdisjoint(rendered), sorted(forbidden & set(rendered))
    assert rendered["region"] == "eu-west-1"


@pytest.mark.parametrize(
    "version", [(1, 0, 3), (1, 5, 7), (1, 6, 0), (1, 9, 8), (1, 10, 0), (1, 11, 0)]
)
def test_custom_endpoint_sets_skip_flags_in_every_band(version: tuple[int, int, int]) -> None:
    rendered = render_backend_config(local_config(), version)
    assert set(rendered) >= SKIP_FLAGS
    assert_no_old_with_new(rendered)


def test_only_dynamodb_endpoint_custom_does_not_force_path_style() -> None:
    rendered = render_backend_config(local_config(s3_endpoint=None), (1, 0, 3))
    assert "force_path_style" not in rendered
    assert "endpoint" not in rendered
    assert rendered["dynamodb_endpoint"] == MOTO


def test_kms_key_is_rendered() -> None:
    rendered = render_backend_config(aws_config(kms_key_id="alias/state"), (1, 0, 3))
    assert rendered["kms_key_id"] == "alias/state"


def test_no_locking_at_all_is_refused() -> None:
    with pytest.raises(ConfigError, match="no state locking"):
        render_backend_config(aws_config(dynamodb_table=None), (1, 11, 0))


def test_pre_1_0_is_unsupported() -> None:
    with pytest.raises(TerraformVersionError, match=r"0\.15\.5"):
        render_backend_config(local_config(), (0, 15, 5))


def test_rendering_holds_no_credentials() -> None:
    rendered = render_backend_config(local_config(), (1, 11, 0))
    for name in rendered:
        assert "secret" not in name
        assert "access_key" not in name
        assert name != "token"


# --- argv and file ---------------------------------------------------------------------------


def test_legacy_args_are_key_value_and_write_no_file(tmp_path: Path) -> None:
    rendered = render_backend_config(local_config(), (1, 0, 3))
    args = backend_config_args(rendered, tmp_path)
    assert "-backend-config=force_path_style=true" in args
    assert "-backend-config=encrypt=true" in args
    assert f"-backend-config=endpoint={MOTO}" in args
    assert len(args) == len(rendered)
    assert not (tmp_path / ".terraform").exists()


def test_endpoints_map_goes_into_a_file(tmp_path: Path) -> None:
    rendered = render_backend_config(local_config(), (1, 6, 0))
    args = backend_config_args(rendered, tmp_path)
    path = tmp_path / ".terraform" / BACKEND_FILE_NAME
    assert args[-1] == f"-backend-config={path}"
    assert not any(arg.startswith("-backend-config=endpoints=") for arg in args)
    text = path.read_text()
    assert f'endpoints = {{ dynamodb = "{MOTO}", s3 = "{MOTO}" }}' in text
    assert "testing" not in text


def test_backend_file_escapes_hcl_templates() -> None:
    text = render_backend_file({"endpoints": {"s3": 'http://x/${a}"%{b}'}})
    assert text is not None
    assert r'"http://x/$${a}\"%%{b}"' in text


def test_backend_file_none_without_maps() -> None:
    assert render_backend_file({"bucket": "b", "encrypt": True}) is None


# --- fingerprint -----------------------------------------------------------------------------


def test_fingerprint_is_stable_and_order_independent() -> None:
    first = render_backend_config(local_config(), (1, 6, 0))
    reordered = dict(reversed(list(first.items())))
    assert backend_fingerprint(first) == backend_fingerprint(reordered)
    assert len(backend_fingerprint(first)) == 64


def test_fingerprint_changes_with_any_setting() -> None:
    base = backend_fingerprint(render_backend_config(local_config(), (1, 6, 0)))
    assert base != backend_fingerprint(
        render_backend_config(local_config(region="us-east-1"), (1, 6, 0))
    )
    assert base != backend_fingerprint(render_backend_config(local_config(), (1, 5, 7)))
    assert base != backend_fingerprint(
        render_backend_config(local_config(dynamodb_endpoint="http://other:1"), (1, 6, 0))
    )
