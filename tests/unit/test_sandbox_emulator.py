"""The schema-driven emulator on plain values, and the gRPC service each SDK personality answers."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import msgpack  # type: ignore[import-untyped]
import pytest

from tfctl.sandbox.cloud import Cloud
from tfctl.sandbox.cty import UNKNOWN, conform, decode_msgpack, encode_msgpack
from tfctl.sandbox.emulator import ProviderEmulator, load_schema_document, write_only_values
from tfctl.sandbox.grpc_service import build_server, provider_service
from tfctl.sandbox.plugin_server import (
    MAGIC_COOKIE_KEY,
    MAGIC_COOKIE_VALUE,
    HandshakeError,
    check_handshake_environment,
    handshake_line,
    provider_protocol,
)
from tfctl.sandbox.proto import protocol_modules

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
        "min_replica_memory_gb": 8,
        "max_replica_memory_gb": 16,
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
    assert states[0]["id"] == f"upstash-database-{states[0]['database_id']}"


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
            "Attribute backup_configuration.backup_period_in_hours value must be one of: "
            '["6" "8" "12" "16" "20" "24" "36" "48"], got: 7',
        ),
        (
            {"ip_access": [{"source": "10.0.0.0/8", "description": None}]},
            'The argument "description" is required in ip_access[0]',
        ),
        (
            {"cloud_provider": "ibm"},
            'Attribute cloud_provider value must be one of: ["aws" "gcp" "azure"], got: "ibm"',
        ),
        (
            {"password": None},
            "At least one attribute out of [password_hash,password_wo,warehouse_id,password]",
        ),
        (
            {"idle_timeout_minutes": 10},
            'Attribute "idle_scaling" must be specified when "idle_timeout_minutes" is specified',
        ),
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
    unknown = em.configure({"organization_id": "o", "token_key": None, "token_secret": UNKNOWN})
    assert [d.summary for d in unknown] == ["Unknown ClickHouse OpenAPI Token Secret"]
    diags = em.configure({"organization_id": "o", "token_key": None, "token_secret": "s"})
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


# ---- nested attributes, blocks, write-only, destroy: a small schema document of our own ----------
def _attr(kind: str = "string", **flags: Any) -> dict[str, Any]:
    return {"type": kind, **flags}


SECRET_METHOD = {
    "nesting": "list",
    "attributes": {
        "value": _attr(optional=True, sensitive=True),
        "value_wo": _attr(optional=True, sensitive=True, write_only=True),
        "value_wo_version": _attr("number", optional=True),
        "salt": _attr(optional=True),
    },
    "blocks": {},
}
WIDGET = {
    "attributes": {
        "id": _attr(computed=True),
        "name": _attr(required=True, force_new=True),
        "secret_wo": _attr(optional=True, sensitive=True, write_only=True, force_new=True),
        "secret_wo_version": _attr("number", optional=True),
        "endpoint": {
            "nested": {
                "nesting": "single",
                "attributes": {
                    "host": _attr(computed=True),
                    "port": _attr("number", optional=True, computed=True),
                },
            },
            "optional": True,
            "computed": True,
        },
        "rules": {
            "nested": {
                "nesting": "list",
                "attributes": {
                    "cidr": _attr(required=True),
                    "rule_id": _attr(computed=True),
                    "token_wo": _attr(optional=True, write_only=True),
                },
            },
            "optional": True,
        },
    },
    "blocks": {
        "auth": {
            "nesting": "single",
            "attributes": {},
            "blocks": {"sha256_hash": SECRET_METHOD, "no_password": {"nesting": "single"}},
            "description": "How the widget authenticates.",
        },
        "tag": {
            "nesting": "set",
            "attributes": {"key": _attr(required=True), "value": _attr(optional=True)},
            "max_items": 3,
        },
    },
}


def document(protocol: int) -> dict[str, Any]:
    return {
        "source": "example/widgets",
        "version": "1.0.0",
        "protocol": protocol,
        "provider": {"attributes": {"endpoint_url": _attr(optional=True)}},
        "resources": {"widgets_widget": WIDGET},
    }


@pytest.fixture(params=[6, 5])
def widgets(request: pytest.FixtureRequest, cloud: Cloud) -> ProviderEmulator:
    return ProviderEmulator("widgets", document(request.param), cloud, {})


def widget(em: ProviderEmulator, **values: Any) -> Any:
    base = {"name": "w", "secret_wo": "s3cret", "secret_wo_version": 1, "tag": []}
    return conform({**base, **values}, em.resource_type("widgets_widget"))


def test_block_types_follow_their_nesting(widgets: ProviderEmulator) -> None:
    members = widgets.resource_type("widgets_widget")[1]
    assert members["auth"][0] == "object"
    assert members["auth"][1]["sha256_hash"][0] == "list"
    assert members["auth"][1]["no_password"] == ["object", {}]
    assert members["tag"] == ["set", ["object", {"key": "string", "value": "string"}]]
    assert members["rules"][0] == "list"


def test_write_only_values_are_null_in_plan_apply_read_import_and_upgrade(
    widgets: ProviderEmulator,
) -> None:
    auth = {"sha256_hash": [{"value_wo": "hash", "value_wo_version": 1}], "no_password": None}
    config = widget(widgets, rules=[{"cidr": "10.0.0.0/8", "token_wo": "t"}], auth=auth)
    planned = widgets.plan("widgets_widget", None, config, config).planned
    assert planned["secret_wo"] is None
    assert planned["rules"][0]["token_wo"] is None
    assert planned["auth"]["sha256_hash"][0]["value_wo"] is None
    assert planned["auth"]["sha256_hash"][0]["value_wo_version"] == 1
    assert planned["secret_wo_version"] == 1

    sneaky = {**planned, "secret_wo": "leaked"}  # even if a plan carried one, apply drops it
    applied = widgets.apply("widgets_widget", None, sneaky)
    state = applied.new_state
    assert state["secret_wo"] is None
    assert state["auth"]["sha256_hash"][0]["value_wo"] is None
    widgets.cloud.put("widgets_widget", state["id"], {**state, "secret_wo": "stored"})
    assert widgets.read("widgets_widget", state, applied.private).new_state["secret_wo"] is None
    assert widgets.import_state("widgets_widget", state["id"]).new_state["secret_wo"] is None
    assert widgets.upgrade("widgets_widget", {**state, "secret_wo": "old"})["secret_wo"] is None


def test_write_only_change_makes_no_diff_and_no_replacement(widgets: ProviderEmulator) -> None:
    config = widget(widgets)
    prior = widgets.apply(
        "widgets_widget", None, widgets.plan("widgets_widget", None, config, config).planned
    ).new_state
    changed = widget(widgets, secret_wo="rotated")
    proposed = {**prior, "secret_wo": "rotated"}
    result = widgets.plan("widgets_widget", prior, proposed, changed)
    assert result.planned == prior
    assert result.requires_replace == []
    renamed = {**prior, "name": "other"}
    result = widgets.plan("widgets_widget", prior, renamed, widget(widgets, name="other"))
    assert result.requires_replace == [("name",)]


def test_destroy_plan_is_null(widgets: ProviderEmulator) -> None:
    config = widget(widgets)
    prior = widgets.apply(
        "widgets_widget", None, widgets.plan("widgets_widget", None, config, config).planned
    ).new_state
    result = widgets.plan("widgets_widget", prior, None, None)
    assert result.planned is None
    assert result.diagnostics == []


def test_configured_nested_attribute_is_walked_not_planned_unknown(
    widgets: ProviderEmulator,
) -> None:
    config = widget(widgets, endpoint={"port": 8443}, rules=[{"cidr": "10.0.0.0/8"}])
    planned = widgets.plan("widgets_widget", None, config, config).planned
    assert planned["endpoint"] == {"host": UNKNOWN, "port": 8443}
    assert planned["rules"] == [{"cidr": "10.0.0.0/8", "rule_id": UNKNOWN, "token_wo": None}]
    assert planned["id"] is UNKNOWN
    bare = widget(widgets)
    planned = widgets.plan("widgets_widget", None, bare, bare).planned
    assert planned["endpoint"] is UNKNOWN  # optional+computed, not configured
    assert planned["rules"] is None  # optional, not computed
    state = widgets.apply("widgets_widget", None, planned).new_state
    assert state["endpoint"]["host"]
    assert state["auth"] is None  # an absent single block is null
    assert state["tag"] == []  # an absent set block is empty


def test_unknown_inside_configured_nested_attribute_stays_as_configured(
    widgets: ProviderEmulator,
) -> None:
    config = widget(widgets, endpoint={"port": UNKNOWN}, rules=UNKNOWN)
    planned = widgets.plan("widgets_widget", None, config, config).planned
    assert planned["endpoint"] == {"host": UNKNOWN, "port": UNKNOWN}
    assert planned["rules"] is UNKNOWN


def test_write_only_values_are_found_at_every_depth(widgets: ProviderEmulator) -> None:
    auth = {"sha256_hash": [{"value_wo": UNKNOWN}], "no_password": None}
    config = widget(widgets, rules=[{"cidr": "c", "token_wo": "t"}], auth=auth)
    found = write_only_values(config, widgets.resource_block("widgets_widget"))
    assert sorted(found, key=str) == sorted(
        [("secret_wo",), ("rules", 0, "token_wo"), ("auth", "sha256_hash", 0, "value_wo")],
        key=str,
    )
    assert write_only_values(widget(widgets, secret_wo=None), WIDGET) == []


# ---- on the wire: what each SDK personality answers (service methods called directly) -----------
def msgpack_value(em: ProviderEmulator, value: Any) -> Any:
    pb, _ = protocol_modules(em.protocol)
    return pb.DynamicValue(msgpack=encode_msgpack(value, em.resource_type("widgets_widget")))


def by_name(items: Any) -> dict[str, Any]:
    return {item.name if hasattr(item, "name") else item.type_name: item for item in items}


def test_protocol_6_schema_has_real_nested_attributes_blocks_and_write_only(cloud: Cloud) -> None:
    em = ProviderEmulator("widgets", document(6), cloud, {})
    pb, _ = protocol_modules(6)
    response = provider_service(em).GetProviderSchema(pb.GetProviderSchema.Request(), None)
    block = response.resource_schemas["widgets_widget"].block
    attrs = by_name(block.attributes)
    endpoint = attrs["endpoint"]
    assert endpoint.type == b""  # Terraform rejects type and nested_type together
    assert endpoint.nested_type.nesting == pb.Schema.Object.SINGLE
    assert endpoint.optional and endpoint.computed
    inner = by_name(endpoint.nested_type.attributes)
    assert inner["host"].type == b'"string"' and inner["host"].computed
    assert attrs["rules"].nested_type.nesting == pb.Schema.Object.LIST
    assert by_name(attrs["rules"].nested_type.attributes)["token_wo"].write_only
    assert attrs["secret_wo"].write_only and attrs["secret_wo"].sensitive
    assert not attrs["secret_wo_version"].write_only
    blocks = by_name(block.block_types)
    assert blocks["auth"].nesting == pb.Schema.NestedBlock.SINGLE
    assert blocks["auth"].block.description == "How the widget authenticates."
    method = by_name(blocks["auth"].block.block_types)["sha256_hash"]
    assert method.nesting == pb.Schema.NestedBlock.LIST
    assert by_name(method.block.attributes)["value_wo"].write_only
    assert blocks["tag"].nesting == pb.Schema.NestedBlock.SET and blocks["tag"].max_items == 3
    capabilities = response.server_capabilities
    assert capabilities.plan_destroy and capabilities.get_provider_schema_optional
    assert capabilities.move_resource_state


def test_protocol_5_schema_has_object_types_and_no_server_capabilities(cloud: Cloud) -> None:
    em = ProviderEmulator("widgets", document(5), cloud, {})
    pb, _ = protocol_modules(5)
    response = provider_service(em).GetSchema(pb.GetProviderSchema.Request(), None)
    block = response.resource_schemas["widgets_widget"].block
    attrs = by_name(block.attributes)
    assert json.loads(attrs["endpoint"].type) == [
        "object",
        {"host": "string", "port": "number"},
    ]
    assert json.loads(attrs["rules"].type)[0] == "list"
    assert attrs["secret_wo"].write_only
    assert by_name(block.block_types)["auth"].nesting == pb.Schema.NestedBlock.SINGLE
    assert not response.HasField("server_capabilities")  # terraform-plugin-sdk v2.7 has none


def test_framework_answers_metadata_identity_functions_and_stop(cloud: Cloud) -> None:
    em = ProviderEmulator("widgets", document(6), cloud, {})
    pb, _ = protocol_modules(6)
    svc = provider_service(em)
    metadata = svc.GetMetadata(pb.GetMetadata.Request(), None)
    assert [r.type_name for r in metadata.resources] == ["widgets_widget"]
    assert metadata.server_capabilities.plan_destroy
    identity = svc.GetResourceIdentitySchemas(pb.GetResourceIdentitySchemas.Request(), None)
    assert len(identity.identity_schemas) == 0 and len(identity.diagnostics) == 0
    assert len(svc.GetFunctions(pb.GetFunctions.Request(), None).functions) == 0
    assert svc.StopProvider(pb.StopProvider.Request(), None).Error == ""
    moved = svc.MoveResourceState(pb.MoveResourceState.Request(target_type_name="x"), None)
    assert moved.diagnostics[0].summary == "Unable to Move Resource State"


@pytest.mark.parametrize("protocol", [6, 5])
def test_destroy_plan_over_the_wire_is_null(cloud: Cloud, protocol: int) -> None:
    em = ProviderEmulator("widgets", document(protocol), cloud, {})
    pb, _ = protocol_modules(protocol)
    config = widget(em)
    prior = em.apply(
        "widgets_widget", None, em.plan("widgets_widget", None, config, config).planned
    ).new_state
    null = msgpack_value(em, None)
    response = provider_service(em).PlanResourceChange(
        pb.PlanResourceChange.Request(
            type_name="widgets_widget",
            prior_state=msgpack_value(em, prior),
            proposed_new_state=null,
            config=null,
            prior_private=b'{"key": "k"}',
            client_capabilities=pb.ClientCapabilities(write_only_attributes_allowed=True),
        ),
        None,
    )
    assert list(response.diagnostics) == []
    assert response.planned_state.msgpack == b"\xc0"  # msgpack nil: the planned state is null
    assert response.legacy_type_system is (protocol == 5)  # SDKv2 sets it; the framework never
    assert not response.HasField("deferred")


@pytest.mark.parametrize("protocol", [6, 5])
def test_plan_and_apply_over_the_wire_null_write_only(cloud: Cloud, protocol: int) -> None:
    em = ProviderEmulator("widgets", document(protocol), cloud, {})
    pb, _ = protocol_modules(protocol)
    rtype = em.resource_type("widgets_widget")
    config = msgpack_value(em, widget(em))
    svc = provider_service(em)
    plan = svc.PlanResourceChange(
        pb.PlanResourceChange.Request(
            type_name="widgets_widget",
            prior_state=msgpack_value(em, None),
            proposed_new_state=config,
            config=config,
        ),
        None,
    )
    planned = decode_msgpack(plan.planned_state.msgpack, rtype)
    assert planned["secret_wo"] is None and planned["id"] is UNKNOWN
    apply = svc.ApplyResourceChange(
        pb.ApplyResourceChange.Request(
            type_name="widgets_widget",
            prior_state=msgpack_value(em, None),
            planned_state=plan.planned_state,
            config=config,
        ),
        None,
    )
    state = decode_msgpack(apply.new_state.msgpack, rtype)
    assert state["secret_wo"] is None and state["id"]
    assert apply.legacy_type_system is (protocol == 5)


def test_framework_refuses_write_only_values_to_terraform_before_1_11(cloud: Cloud) -> None:
    em = ProviderEmulator("widgets", document(6), cloud, {})
    pb, _ = protocol_modules(6)
    request = pb.ValidateResourceConfig.Request(
        type_name="widgets_widget", config=msgpack_value(em, widget(em))
    )
    old = provider_service(em).ValidateResourceConfig(
        request, None
    )  # no client capabilities: < 1.11
    assert [d.summary for d in old.diagnostics] == ["WriteOnly Attribute Not Allowed"]
    assert "secret_wo" in old.diagnostics[0].detail
    assert [s.attribute_name for s in old.diagnostics[0].attribute.steps] == ["secret_wo"]
    request.client_capabilities.write_only_attributes_allowed = True
    assert list(provider_service(em).ValidateResourceConfig(request, None).diagnostics) == []


def test_refined_unknowns_in_validate_are_accepted(cloud: Cloud) -> None:
    em = ProviderEmulator("widgets", document(5), cloud, {})
    pb, _ = protocol_modules(5)
    wire = encode_msgpack(widget(em), em.resource_type("widgets_widget"))
    refined = msgpack.ExtType(12, msgpack.packb({1: False, 2: "prefix-"}))
    raw = msgpack.unpackb(wire)
    raw["name"] = refined
    config = pb.DynamicValue(msgpack=msgpack.packb(raw, use_bin_type=True))
    response = provider_service(em).ValidateResourceTypeConfig(
        pb.ValidateResourceTypeConfig.Request(type_name="widgets_widget", config=config), None
    )
    assert list(response.diagnostics) == []


@pytest.mark.parametrize("protocol", [6, 5])
def test_calls_the_sdk_does_not_know_are_unimplemented(
    cloud: Cloud, tmp_path: Path, protocol: int
) -> None:
    import grpc

    em = ProviderEmulator("widgets", document(protocol), cloud, {})
    socket_path = tmp_path / "p.sock"
    server = build_server(em, f"unix:{socket_path}", lambda: None)
    server.start()
    try:
        pb, services = protocol_modules(protocol)
        with grpc.insecure_channel(f"unix:{socket_path}") as channel:
            stub = services.ProviderStub(channel)
            if protocol == 6:
                answer = stub.GetResourceIdentitySchemas(pb.GetResourceIdentitySchemas.Request())
                assert len(answer.identity_schemas) == 0
                schema = stub.GetProviderSchema(pb.GetProviderSchema.Request())
            else:
                # terraform-plugin-sdk v2.7 predates the call; Terraform tolerates UNIMPLEMENTED.
                identity = channel.unary_unary(
                    "/tfplugin5.Provider/GetResourceIdentitySchemas",
                    request_serializer=lambda b: b,
                    response_deserializer=lambda b: b,
                )
                with pytest.raises(grpc.RpcError) as failure:
                    identity(b"")
                assert failure.value.code() == grpc.StatusCode.UNIMPLEMENTED
                schema = stub.GetSchema(pb.GetProviderSchema.Request())
            assert "widgets_widget" in schema.resource_schemas
    finally:
        server.stop(grace=None)


@pytest.mark.parametrize(("protocol", "offered"), [("6", "5,6"), ("6", "6,5"), ("5", "6,5")])
def test_handshake_accepts_either_offer_order(protocol: str, offered: str) -> None:
    environ = {MAGIC_COOKIE_KEY: MAGIC_COOKIE_VALUE, "PLUGIN_PROTOCOL_VERSIONS": offered}
    check_handshake_environment(environ, protocol)
    assert handshake_line(1234, None, protocol).startswith(f"1|{protocol}|tcp|127.0.0.1:1234|")


def test_handshake_refuses_a_terraform_without_the_protocol_in_one_line() -> None:
    environ = {MAGIC_COOKIE_KEY: MAGIC_COOKIE_VALUE, "PLUGIN_PROTOCOL_VERSIONS": "5"}
    with pytest.raises(HandshakeError) as refused:
        check_handshake_environment(environ, "6")
    assert "\n" not in str(refused.value)
    assert "speaks only 6 (use terraform 0.15.4 or later)" in str(refused.value)


def test_each_provider_speaks_its_real_protocol() -> None:
    assert provider_protocol("clickhouse") == "6"
    assert provider_protocol("clickhousedbops") == "6"
    assert provider_protocol("upstash") == "5"
