"""The schema-driven emulator on plain values, against the real schema documents."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from tfctl.sandbox.cloud import Cloud
from tfctl.sandbox.cty import UNKNOWN, conform
from tfctl.sandbox.emulator import ProviderEmulator, load_schema_document

CREDS = {"UPSTASH_EMAIL": "me@example.com", "UPSTASH_API_KEY": "k"}


@pytest.fixture
def cloud(tmp_path: Path) -> Cloud:
    return Cloud.in_dir(tmp_path)


@pytest.fixture
def clickhouse(cloud: Cloud) -> ProviderEmulator:
    return ProviderEmulator("clickhouse", load_schema_document("clickhouse"), cloud, {})


@pytest.fixture
def upstash(cloud: Cloud) -> ProviderEmulator:
    em = ProviderEmulator("upstash", load_schema_document("upstash"), cloud, CREDS)
    assert em.configure({"email": None, "api_key": None}) == []
    return em


def service(em: ProviderEmulator, **overrides: Any) -> Any:
    value = {
        "name": "analytics",
        "cloud_provider": "aws",
        "region": "us-east-1",
        "password": "pw",
        "ip_access": [{"source": "10.0.0.0/8", "description": "vpn"}],
        "backup_configuration": {
            "backup_period_in_hours": 24,
            "backup_retention_period_in_hours": 48,
            "backup_start_time": None,
        },
        **overrides,
    }
    return conform(value, em.resource_type("clickhouse_service"))


def messages(diags: list[Any]) -> str:
    return " | ".join(f"{d.summary}: {d.detail}" for d in diags)


def test_create_plan_makes_computed_unknown_and_keeps_config(clickhouse: ProviderEmulator) -> None:
    config = service(clickhouse)
    result = clickhouse.plan("clickhouse_service", None, config, config)
    assert result.diagnostics == []
    assert result.planned["id"] is UNKNOWN
    assert result.planned["endpoints"] is UNKNOWN
    assert result.planned["backup_configuration"] == config["backup_configuration"]
    assert result.planned["name"] == "analytics"


def test_plan_time_default_is_known(upstash: ProviderEmulator) -> None:
    config = conform(
        {"database_name": "cache", "region": "global", "primary_region": "us-east-1"},
        upstash.resource_type("upstash_redis_database"),
    )
    planned = upstash.plan("upstash_redis_database", None, config, config).planned
    assert planned["budget"] == 20
    assert planned["password"] is UNKNOWN


def test_apply_fills_templates_and_keeps_known_values(
    clickhouse: ProviderEmulator, cloud: Cloud
) -> None:
    config = service(clickhouse)
    planned = clickhouse.plan("clickhouse_service", None, config, config).planned
    result = clickhouse.apply("clickhouse_service", None, planned)
    state = result.new_state
    assert state["endpoints"]["https"]["port"] == 8443
    assert state["endpoints"]["https"]["host"].endswith(".us-east-1.aws.clickhouse.cloud")
    assert state["endpoints"]["nativesecure"]["port"] == 9440
    assert state["backup_configuration"]["backup_retention_period_in_hours"] == 48
    assert cloud.get("clickhouse_service", state["id"]) == state
    assert clickhouse.read("clickhouse_service", state, result.private).new_state == state


def test_redis_secrets_are_random_per_database(upstash: ProviderEmulator) -> None:
    states = []
    for name in ("a", "b"):
        config = conform(
            {"database_name": name, "region": "global"},
            upstash.resource_type("upstash_redis_database"),
        )
        planned = upstash.plan("upstash_redis_database", None, config, config).planned
        states.append(upstash.apply("upstash_redis_database", None, planned).new_state)
    assert states[0]["password"] != states[1]["password"]
    assert states[0]["port"] == 6379
    assert states[0]["user_email"] == "me@example.com"
    assert states[0]["database_id"] == states[0]["id"]


def test_force_new_change_requires_replace_and_set_order_does_not(
    upstash: ProviderEmulator,
) -> None:
    rtype = upstash.resource_type("upstash_redis_database")
    config = conform({"database_name": "a", "region": "global", "read_regions": ["x", "y"]}, rtype)
    planned = upstash.plan("upstash_redis_database", None, config, config).planned
    prior = upstash.apply("upstash_redis_database", None, planned).new_state
    renamed = {**prior, "database_name": "b"}
    assert upstash.plan("upstash_redis_database", prior, renamed, renamed).requires_replace == [
        ("database_name",)
    ]
    reordered = {**prior, "read_regions": ["y", "x"]}
    assert (
        upstash.plan("upstash_redis_database", prior, reordered, reordered).requires_replace == []
    )


def test_destroy_removes_from_cloud_and_read_then_reports_gone(
    clickhouse: ProviderEmulator, cloud: Cloud
) -> None:
    config = service(clickhouse)
    planned = clickhouse.plan("clickhouse_service", None, config, config).planned
    created = clickhouse.apply("clickhouse_service", None, planned)
    assert (
        clickhouse.apply("clickhouse_service", created.new_state, None, created.private).new_state
        is None
    )
    assert cloud.count() == 0
    assert (
        clickhouse.read("clickhouse_service", created.new_state, created.private).new_state is None
    )


def test_import_finds_by_id(clickhouse: ProviderEmulator) -> None:
    config = service(clickhouse)
    planned = clickhouse.plan("clickhouse_service", None, config, config).planned
    state = clickhouse.apply("clickhouse_service", None, planned).new_state
    assert clickhouse.import_state("clickhouse_service", state["id"]).new_state == state
    missing = clickhouse.import_state("clickhouse_service", "nope")
    assert "non-existent" in messages(missing.diagnostics)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        (
            {"backup_configuration": {"backup_period_in_hours": 7}},
            "backup_configuration.backup_period_in_hours must be one of 6, 8, 12",
        ),
        (
            {"ip_access": [{"source": "10.0.0.0/8", "description": None}]},
            'The argument "description" is required in ip_access[0]',
        ),
        ({"ip_access": [{"source": "not-an-ip", "description": "x"}]}, "ip_access[0].source"),
        ({"cloud_provider": "ibm"}, "cloud_provider must be one of aws, gcp, azure"),
        ({"password": None}, "one of password, password_hash"),
        ({"idle_timeout_minutes": 10}, "idle_timeout_minutes requires idle_scaling"),
        (
            {
                "endpoints": {
                    "https": {"host": "h", "port": None},
                    "nativesecure": None,
                    "mysql": None,
                }
            },
            '"host" in endpoints.https is read-only',
        ),
    ],
)
def test_validation_rules(clickhouse: ProviderEmulator, overrides: Any, expected: str) -> None:
    diags = clickhouse.validate_resource("clickhouse_service", service(clickhouse, **overrides))
    assert expected in messages(diags)


def test_unknown_values_skip_checks(clickhouse: ProviderEmulator) -> None:
    config = service(
        clickhouse,
        cloud_provider=UNKNOWN,
        password=UNKNOWN,
        ip_access=UNKNOWN,
        backup_configuration={"backup_period_in_hours": UNKNOWN},
    )
    assert clickhouse.validate_resource("clickhouse_service", config) == []


def test_valid_service_passes(clickhouse: ProviderEmulator) -> None:
    assert clickhouse.validate_resource("clickhouse_service", service(clickhouse)) == []


def test_configure_needs_credentials_from_config_or_environment(cloud: Cloud) -> None:
    em = ProviderEmulator("clickhouse", load_schema_document("clickhouse"), cloud, {})
    diags = em.configure({"organization_id": "o", "token_key": None, "token_secret": UNKNOWN})
    assert [d.path for d in diags] == [("token_key",)]
    assert "CLICKHOUSE_CLOUD_API_KEY" in diags[0].detail
    em.environ["CLICKHOUSE_TOKEN_KEY"] = "legacy"
    assert em.configure({"organization_id": "o", "token_key": None, "token_secret": "s"}) == []


def test_credentials_with_env_fallback_are_offered_as_optional(cloud: Cloud) -> None:
    em = ProviderEmulator("upstash", load_schema_document("upstash"), cloud, {})
    flags = em.provider_attribute_flags()
    assert flags["email"]["optional"]
    assert not flags["email"]["required"]


def test_cloud_is_shared_between_instances_and_threads(tmp_path: Path) -> None:
    first, second = Cloud.in_dir(tmp_path), Cloud.in_dir(tmp_path)

    def put(i: int) -> None:
        (first if i % 2 else second).put("t", f"k{i}", {"i": i})

    threads = [threading.Thread(target=put, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert first.count() == 20
    assert second.get("t", "k7") == {"i": 7}
    assert (tmp_path / "cloud.json").stat().st_mode & 0o077 == 0
