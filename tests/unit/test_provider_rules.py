"""The emulated providers accept what the real ones accept and refuse what they refuse.

One case (or a pair: accepted / refused) per item of the provider audit: schema flags, missing
attributes and blocks, false facts, emulator checks that were stricter than the real providers, and
the real plan-time rules, with the real providers' diagnostic texts. Sources: ClickHouse/clickhouse
3.25.3, ClickHouse/clickhousedbops 1.11.2, upstash/upstash 2.0.1 (see provider_schemas/*.json).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tfctl.sandbox.cloud import Cloud
from tfctl.sandbox.cty import UNKNOWN, conform
from tfctl.sandbox.emulator import Diagnostic, ProviderEmulator, load_schema_document

REPO = Path(__file__).resolve().parents[2]
UPSTASH_ENV = {"UPSTASH_EMAIL": "me@example.com", "UPSTASH_API_KEY": "k"}
HEX64 = "a" * 64
BASE64_SHA256 = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="


@pytest.fixture
def cloud(tmp_path: Path) -> Cloud:
    return Cloud.in_dir(tmp_path)


def emulator(name: str, cloud: Cloud) -> ProviderEmulator:
    return ProviderEmulator(name, load_schema_document(name), cloud, UPSTASH_ENV)


def schema_node(provider: str, type_name: str, *path: str) -> dict[str, Any]:
    """An attribute or block of a schema document; type_name "provider" is the provider block."""
    doc = load_schema_document(provider)
    block = doc["provider"] if type_name == "provider" else doc["resources"][type_name]
    node: dict[str, Any] = block
    for step in path:
        if step in node.get("blocks", {}):
            node = node["blocks"][step]
        else:
            node = node["attributes"][step]
            if "nested" in node and step != path[-1]:
                node = node["nested"]
    return node


def errors(diags: list[Diagnostic]) -> list[str]:
    return [f"{d.summary}: {d.detail}" for d in diags if d.severity == "error"]


def text(diags: list[Diagnostic]) -> str:
    return " | ".join(f"{d.summary}: {d.detail}" for d in diags)


SERVICE = {
    "name": "analytics",
    "cloud_provider": "aws",
    "region": "us-east-1",
    "ip_access": [{"source": "10.0.0.0/8", "description": "vpn"}],
    "password_hash": BASE64_SHA256,
    "min_replica_memory_gb": 8,
    "max_replica_memory_gb": 16,
}
CONFIGS: dict[str, dict[str, Any]] = {
    "clickhouse_service": SERVICE,
    "upstash_redis_database": {"database_name": "cache", "region": "global"},
    "upstash_qstash_topic_v2": {"name": "cdc", "endpoints": ["https://example.com/hook"]},
    "clickhousedbops_database": {"name": "analytics", "comment": "events"},
    "clickhousedbops_role": {"name": "reader"},
    "clickhousedbops_user": {"name": "app", "password_sha256_hash": HEX64},
    "clickhousedbops_grant_role": {"role_name": "reader", "grantee_user_name": "app"},
    "clickhousedbops_grant_privilege": {
        "privilege_name": "SELECT",
        "database_name": "analytics",
        "grantee_role_name": "reader",
    },
}


def provider_of(type_name: str) -> str:
    return next(p for p in ("clickhousedbops", "clickhouse", "upstash") if type_name.startswith(p))


def config(em: ProviderEmulator, type_name: str, **overrides: Any) -> Any:
    return conform({**CONFIGS[type_name], **overrides}, em.resource_type(type_name))


def validate(cloud: Cloud, type_name: str, **overrides: Any) -> list[Diagnostic]:
    em = emulator(provider_of(type_name), cloud)
    return em.validate_resource(type_name, config(em, type_name, **overrides))


def plan_create(cloud: Cloud, type_name: str, **overrides: Any) -> Any:
    em = emulator(provider_of(type_name), cloud)
    value = config(em, type_name, **overrides)
    return em.plan(type_name, None, value, value)


def test_base_configurations_are_accepted(cloud: Cloud) -> None:
    for type_name in CONFIGS:
        result = plan_create(cloud, type_name)
        assert result.diagnostics == [], (type_name, text(result.diagnostics))


# ---- B: flags (24 attributes) -------------------------------------------------------------------
FLAGS = [
    ("clickhouse", "clickhouse_service", ("idle_scaling",), {"computed": True}),
    ("clickhouse", "clickhouse_service", ("idle_timeout_minutes",), {"computed": True}),
    ("clickhouse", "clickhouse_service", ("min_replica_memory_gb",), {"computed": True}),
    ("clickhouse", "clickhouse_service", ("max_replica_memory_gb",), {"computed": True}),
    ("clickhouse", "clickhouse_service", ("num_replicas",), {"computed": True}),
    ("clickhouse", "clickhouse_service", ("min_replicas",), {"computed": True}),
    ("clickhouse", "clickhouse_service", ("max_replicas",), {"computed": True}),
    ("clickhouse", "clickhouse_service", ("autoscaling_mode",), {"computed": True}),
    (
        "clickhouse",
        "clickhouse_service",
        ("backup_configuration", "backup_start_time"),
        {"computed": False, "optional": True},
    ),
    ("clickhouse", "clickhouse_service", ("backup_id",), {"force_new": True}),
    ("clickhouse", "clickhouse_service", ("warehouse_id",), {"computed": True, "force_new": True}),
    ("clickhouse", "clickhouse_service", ("readonly",), {"computed": True, "force_new": True}),
    ("clickhouse", "clickhouse_service", ("encryption_key",), {"computed": True}),
    (
        "clickhouse",
        "clickhouse_service",
        ("transparent_data_encryption", "enabled"),
        {"computed": True, "optional": True},
    ),
    ("clickhouse", "clickhouse_service", ("compliance_type",), {"force_new": True}),
    ("clickhouse", "clickhouse_service", ("endpoints", "mysql"), {"computed": False}),
    ("upstash", "upstash_redis_database", ("id",), {"optional": True, "computed": True}),
    ("upstash", "upstash_qstash_topic_v2", ("id",), {"optional": True, "computed": True}),
    ("upstash", "upstash_redis_database", ("budget",), {"computed": False, "optional": True}),
    ("clickhousedbops", "provider", ("auth_config", "password"), {"sensitive": False}),
    ("clickhousedbops", "clickhousedbops_role", ("name",), {"force_new": False}),
    ("clickhousedbops", "clickhousedbops_user", ("password_sha256_hash",), {"deprecated": True}),
    ("clickhousedbops", "clickhousedbops_user", ("password_sha256_hash_wo",), {"deprecated": True}),
    (
        "clickhousedbops",
        "clickhousedbops_user",
        ("password_sha256_hash_wo_version",),
        {"deprecated": True},
    ),
]


@pytest.mark.parametrize(
    ("provider", "type_name", "path", "flags"), FLAGS, ids=[".".join(f[2]) for f in FLAGS]
)
def test_schema_flags_match_the_real_provider(
    provider: str, type_name: str, path: tuple[str, ...], flags: dict[str, bool]
) -> None:
    node = schema_node(provider, type_name, *path)
    assert {flag: node[flag] for flag in flags} == flags


def test_there_are_24_flag_cases() -> None:
    assert len(FLAGS) == 24


# ---- C: attributes and blocks the schema lacked (10) --------------------------------------------
MISSING = [
    ("clickhouse", "provider", ("timeout_seconds",), "O"),
    ("clickhouse", "provider", ("clickstack_endpoint",), "O"),
    ("clickhouse", "provider", ("clickstack_api_key",), "OS"),
    ("clickhouse", "provider", ("clickstack_service_id",), "O"),
    ("clickhousedbops", "provider", ("tls_config", "ca_cert"), "OS"),
    ("clickhousedbops", "provider", ("read_after_write_timeout",), "O"),
    ("clickhousedbops", "provider", ("dial_timeout",), "O"),
    ("clickhousedbops", "clickhousedbops_user", ("auth",), "block"),
    ("clickhousedbops", "clickhousedbops_grant_privilege", ("access_object",), "OF"),
    ("clickhousedbops", "clickhousedbops_grant_privilege", ("current_grants",), "OCF"),
]
LETTERS = {"O": "optional", "C": "computed", "S": "sensitive", "F": "force_new"}


@pytest.mark.parametrize(
    ("provider", "type_name", "path", "flags"), MISSING, ids=[".".join(m[2]) for m in MISSING]
)
def test_missing_attributes_and_blocks_are_described(
    provider: str, type_name: str, path: tuple[str, ...], flags: str
) -> None:
    node = schema_node(provider, type_name, *path)
    if flags == "block":
        assert node["nesting"] == "single"
        return
    assert {name for letter, name in LETTERS.items() if node[name]} == {
        LETTERS[letter] for letter in flags
    }


def test_user_auth_block_has_the_real_method_blocks() -> None:
    auth = schema_node("clickhousedbops", "clickhousedbops_user", "auth")
    blocks = auth["blocks"]
    assert blocks["no_password"]["nesting"] == "single"
    assert blocks["no_password"]["attributes"] == {}
    listed = {n for n, b in blocks.items() if b["nesting"] == "list"}
    assert listed == {
        "plaintext_password",
        "sha256_password",
        "sha256_hash",
        "double_sha1_password",
        "double_sha1_hash",
        "bcrypt_password",
        "bcrypt_hash",
        "ssl_certificate",
        "http",
        "ssh_key",
        "ldap",
        "kerberos",
    }
    sha256 = blocks["sha256_hash"]["attributes"]
    assert set(sha256) == {"value", "value_wo", "value_wo_version", "salt"}
    assert sha256["value"]["sensitive"] and not sha256["value"]["write_only"]
    assert sha256["value_wo"]["write_only"] and sha256["value_wo"]["sensitive"]
    assert sha256["value_wo_version"]["type"] == "number"
    assert blocks["ssh_key"]["attributes"]["public_key"]["required"]


# ---- D: false facts (3) -------------------------------------------------------------------------
def test_autoscaling_mode_arrived_in_3_19_0() -> None:
    description = schema_node("clickhouse", "clickhouse_service", "autoscaling_mode")["description"]
    assert "3.19.0" in description
    assert "3.20" not in description


def test_ip_access_description_is_required_since_2_3_0() -> None:
    node = schema_node("clickhouse", "clickhouse_service", "ip_access", "description")
    assert node["required"]
    assert "2.3.0" in node["description"]
    assert "since 3.0" not in node["description"]


def test_the_invented_clickhousedbops_password_variable_is_gone() -> None:
    invented = "CLICKHOUSEDBOPS_" + "PASSWORD"  # split, so this file does not match itself
    roots = [REPO / d for d in ("tfctl", "terraform", "tests", "scripts", "docs", "bench")]
    files = [p for r in roots if r.is_dir() for p in r.rglob("*") if p.is_file()]
    files += list(REPO.glob("*.md"))
    hits = []
    for path in files:
        if path.suffix in {".pyc", ".so"} or "__pycache__" in path.parts:
            continue
        try:
            if invented in path.read_text(errors="ignore"):
                hits.append(str(path.relative_to(REPO)))
        except OSError:
            continue
    assert hits == []


# ---- checks the emulator had that the real providers do not (12) --------------------------------
ACCEPTED = [
    ("clickhouse_service", {"name": "Analytics (prod) #1!"}),
    ("clickhouse_service", {"ip_access": [{"source": "not-an-ip", "description": "x"}]}),
    ("clickhouse_service", {"ip_access": [{"source": "10.0.0.0/8", "description": " "}]}),
    ("clickhouse_service", {"idle_scaling": True, "idle_timeout_minutes": 1}),
    ("clickhouse_service", {"num_replicas": 0}),
    ("upstash_redis_database", {"region": "mars-central-1"}),
    ("upstash_redis_database", {"database_name": "my cache!"}),
    ("upstash_redis_database", {"ip_allowlist": ["not-a-cidr"]}),
    ("upstash_redis_database", {"budget": -5}),
    ("upstash_qstash_topic_v2", {"name": "topic with spaces"}),
    ("upstash_qstash_topic_v2", {"endpoints": ["not a url"]}),
    ("clickhousedbops_database", {"name": "Analytics-DB"}),
    ("clickhousedbops_role", {"name": "role-1"}),
    ("clickhousedbops_user", {"name": "user.name@corp"}),
    ("clickhouse_service", {"backup_configuration": {"backup_start_time": "3:00"}}),
]


@pytest.mark.parametrize(("type_name", "overrides"), ACCEPTED)
def test_what_the_real_provider_does_not_check_is_accepted(
    cloud: Cloud, type_name: str, overrides: dict[str, Any]
) -> None:
    assert errors(validate(cloud, type_name, **overrides)) == []


def test_backup_start_time_keeps_the_real_pattern(cloud: Cloud) -> None:
    diags = validate(
        cloud, "clickhouse_service", backup_configuration={"backup_start_time": "24:00"}
    )
    assert errors(diags) == [
        "Invalid Attribute Value Match: Attribute backup_configuration.backup_start_time "
        'must be in HH:00 format, got: "24:00"'
    ]


# ---- real plan-time rules the emulator lacked ---------------------------------------------------
MEMORY_MISSING = "min_replica_memory_gb must be defined if the service tier is production or PPv2"


def test_memory_is_required_on_create_unless_development(cloud: Cloud) -> None:
    result = plan_create(cloud, "clickhouse_service", min_replica_memory_gb=None)
    assert errors(result.diagnostics) == [f"Invalid Configuration: {MEMORY_MISSING}"]
    development = plan_create(
        cloud,
        "clickhouse_service",
        tier="development",
        min_replica_memory_gb=None,
        max_replica_memory_gb=None,
    )
    assert development.diagnostics == []


def test_memory_may_be_omitted_on_update(cloud: Cloud) -> None:
    em = emulator("clickhouse", cloud)
    created = config(em, "clickhouse_service")
    planned = em.plan("clickhouse_service", None, created, created).planned
    prior = em.apply("clickhouse_service", None, planned).new_state
    updated = config(em, "clickhouse_service", min_replica_memory_gb=None)
    proposed = {**updated, "min_replica_memory_gb": prior["min_replica_memory_gb"]}
    result = em.plan("clickhouse_service", prior, {**prior, **proposed}, updated)
    assert result.diagnostics == []


@pytest.mark.parametrize(
    ("idle_scaling", "timeout", "expected"),
    [
        (True, None, "idle_timeout_minutes must be defined if idle_scaling is enabled"),
        (False, 15, "idle_timeout_minutes must be null if idle_scaling is disabled"),
        (True, 15, None),
        (False, None, None),
    ],
)
def test_idle_timeout_follows_idle_scaling(
    cloud: Cloud, idle_scaling: bool, timeout: int | None, expected: str | None
) -> None:
    result = plan_create(
        cloud, "clickhouse_service", idle_scaling=idle_scaling, idle_timeout_minutes=timeout
    )
    assert errors(result.diagnostics) == (
        [f"Invalid Configuration: {expected}"] if expected else []
    )


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        (
            {f"k{i}": "v" for i in range(51)},
            "Invalid Attribute Value: Attribute tags map must contain at most 50 elements, got: 51",
        ),
        (
            {"": "v"},
            'Invalid Attribute Value Length: Attribute tags[""] string length must be between '
            "1 and 128, got: 0",
        ),
        (
            {"k" * 129: "v"},
            f'Invalid Attribute Value Length: Attribute tags["{"k" * 129}"] string length must '
            "be between 1 and 128, got: 129",
        ),
        (
            {"k": "v" * 257},
            'Invalid Attribute Value Length: Attribute tags["k"] string length must be at most '
            "256, got: 257",
        ),
        ({**{f"k{i}": "v" for i in range(49)}, "k" * 128: "v" * 256}, None),
    ],
)
def test_tag_limits(cloud: Cloud, tags: dict[str, str], expected: str | None) -> None:
    assert errors(validate(cloud, "clickhouse_service", tags=tags)) == (
        [expected] if expected else []
    )


def test_password_hash_must_be_base64(cloud: Cloud) -> None:
    assert errors(validate(cloud, "clickhouse_service", password_hash="not base64!")) == [
        "Invalid Attribute Value Match: Attribute password_hash must be a base64 encoded hash, "
        "got: (sensitive value)"
    ]


def test_double_sha1_password_hash_is_40_hex_and_needs_password_hash(cloud: Cloud) -> None:
    assert errors(validate(cloud, "clickhouse_service", double_sha1_password_hash="b" * 40)) == []
    assert errors(validate(cloud, "clickhouse_service", double_sha1_password_hash="xyz")) == [
        "Invalid Attribute Value Match: Attribute double_sha1_password_hash must be a double "
        "sha1 hash, got: (sensitive value)"
    ]
    no_hash = validate(
        cloud,
        "clickhouse_service",
        password_hash=None,
        password="pw",
        double_sha1_password_hash="b" * 40,
    )
    assert (
        'Invalid Attribute Combination: Attribute "password_hash" must be specified when '
        '"double_sha1_password_hash" is specified' in errors(no_hash)
    )


@pytest.mark.parametrize(
    ("name", "value", "listed"),
    [
        ("autoscaling_mode", "diagonal", '["vertical" "horizontal"]'),
        ("compliance_type", "sox", '["hipaa" "pci"]'),
    ],
)
def test_one_of_lists(cloud: Cloud, name: str, value: str, listed: str) -> None:
    assert errors(validate(cloud, "clickhouse_service", **{name: value})) == [
        f"Invalid Attribute Value Match: Attribute {name} value must be one of: {listed}, "
        f'got: "{value}"'
    ]
    good = listed.split('"')[1]
    assert errors(validate(cloud, "clickhouse_service", **{name: good})) == []


# ---- clickhousedbops_grant_privilege: the privilege catalog -------------------------------------
@pytest.mark.parametrize("privilege", ["SELECT", "INSERT", "CREATE TABLE", "ALTER UPDATE"])
def test_canonical_privileges_on_a_database_are_accepted(cloud: Cloud, privilege: str) -> None:
    assert validate(cloud, "clickhousedbops_grant_privilege", privilege_name=privilege) == []


def test_an_invented_privilege_is_refused(cloud: Cloud) -> None:
    found = errors(validate(cloud, "clickhousedbops_grant_privilege", privilege_name="SELEC"))
    assert found[0].startswith(
        "Invalid Attribute Value Match: Attribute privilege_name value must be one of: ["
    )
    assert found[0].endswith('], got: "SELEC"')
    assert found[1] == 'Unsupported Privilege: "SELEC" privilege_name is currently unsupported'


def test_an_alias_is_refused_with_its_canonical_name(cloud: Cloud) -> None:
    assert errors(validate(cloud, "clickhousedbops_grant_privilege", privilege_name="UPDATE")) == [
        'Cannot use alias: "UPDATE" is an alias for "ALTER UPDATE". '
        'Please use "ALTER UPDATE" instead'
    ]


def test_a_target_outside_the_privilege_scope_is_refused(cloud: Cloud) -> None:
    diags = validate(cloud, "clickhousedbops_grant_privilege", privilege_name="CREATE USER")
    assert errors(diags) == [
        "Invalid Grant Privilege: \"database_name\" must be null when 'privilege_name' is "
        '"CREATE USER"'
    ]
    column = validate(cloud, "clickhousedbops_grant_privilege", table_name="t", column_name="c")
    assert errors(column) == []
    table_only = validate(
        cloud,
        "clickhousedbops_grant_privilege",
        privilege_name="CREATE TABLE",
        table_name="t",
        column_name="c",
    )
    assert errors(table_only) == [
        "Invalid Grant Privilege: \"column_name\" must be null when 'privilege_name' is "
        '"CREATE TABLE"'
    ]


def test_a_group_on_a_database_is_narrowed_with_a_warning(cloud: Cloud) -> None:
    diags = validate(cloud, "clickhousedbops_grant_privilege", privilege_name="ALL")
    assert errors(diags) == []
    assert [d.summary for d in diags] == ["Grant scope will be narrowed to supported grants"]
    assert plan_create(cloud, "clickhousedbops_grant_privilege", privilege_name="ALL").planned


def test_grant_privilege_target_validators(cloud: Cloud) -> None:
    assert errors(validate(cloud, "clickhousedbops_grant_privilege", database_name="*")) == [
        'Invalid Attribute Value Match: Attribute database_name value must be none of: ["*"], '
        'got: "*"'
    ]
    assert (
        'Invalid Attribute Combination: Attribute "database_name" cannot be specified when '
        '"access_object" is specified'
        in errors(validate(cloud, "clickhousedbops_grant_privilege", access_object="S3"))
    )


# ---- clickhousedbops_user: authentication -------------------------------------------------------
NO_AUTH = (
    "Missing Attribute Configuration: At least one of these attributes must be configured: "
    "[auth.no_password,auth.plaintext_password,auth.sha256_password,auth.sha256_hash,"
    "auth.double_sha1_password,auth.double_sha1_hash,auth.bcrypt_password,auth.bcrypt_hash,"
    "auth.ssl_certificate,auth.http,auth.ssh_key,auth.ldap,auth.kerberos,"
    "password_sha256_hash,password_sha256_hash_wo]"
)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"password_sha256_hash": None}, [NO_AUTH]),
        ({"password_sha256_hash": None, "auth": {}}, [NO_AUTH]),  # empty list blocks are null
        ({"password_sha256_hash": None, "auth": {"no_password": {}}}, []),
        (
            {
                "password_sha256_hash": None,
                "password_sha256_hash_wo": HEX64,
                "password_sha256_hash_wo_version": 1,
            },
            [],
        ),
        (
            {"password_sha256_hash": None, "auth": {"sha256_hash": [{"value": HEX64}]}},
            [],
        ),
        (
            {
                "password_sha256_hash": None,
                "auth": {"no_password": {}, "sha256_hash": [{"value": HEX64}]},
            },
            [
                'Invalid Attribute Combination: Attribute "auth.sha256_hash" cannot be '
                'specified when "auth.no_password" is specified'
            ],
        ),
    ],
)
def test_a_user_needs_one_authentication_method(
    cloud: Cloud, overrides: dict[str, Any], expected: list[str]
) -> None:
    assert errors(validate(cloud, "clickhousedbops_user", **overrides)) == expected


SHA256_EXPRESSIONS = "[auth.sha256_hash[0].value.<.value,auth.sha256_hash[0].value.<.value_wo]"


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ({"value": HEX64}, []),
        ({"value_wo": HEX64, "value_wo_version": 1}, []),
        ({"value": HEX64, "salt": "pepper"}, []),
        (
            {"value": HEX64, "value_wo": HEX64, "value_wo_version": 1},
            [
                "Invalid Attribute Combination: 2 attributes specified when one (and only one) "
                f"of {SHA256_EXPRESSIONS} is required"
            ],
        ),
        (
            {"salt": "pepper"},
            [
                "Invalid Attribute Combination: No attribute specified when one (and only one) "
                f"of {SHA256_EXPRESSIONS} is required"
            ],
        ),
        (
            {"value_wo": HEX64},
            [
                'Invalid Attribute Combination: Attribute "auth.sha256_hash[0].value_wo_version" '
                'must be specified when "auth.sha256_hash[0].value_wo" is specified'
            ],
        ),
        (
            {"value": HEX64, "value_wo_version": 2},
            [
                'Invalid Attribute Combination: Attribute "auth.sha256_hash[0].value_wo" '
                'must be specified when "auth.sha256_hash[0].value_wo_version" is specified'
            ],
        ),
        (
            {"value": "abc"},
            [
                "Invalid Attribute Value Match: Attribute auth.sha256_hash[0].value sha256_hash "
                "value must be a valid SHA256 hash, got: (sensitive value)"
            ],
        ),
        (
            {"value_wo": "abc", "value_wo_version": 1},
            [
                "Invalid Attribute Value Match: Attribute auth.sha256_hash[0].value_wo "
                "sha256_hash value must be a valid SHA256 hash, got: (sensitive value)"
            ],
        ),
    ],
)
def test_sha256_hash_method(cloud: Cloud, method: dict[str, Any], expected: list[str]) -> None:
    overrides = {"password_sha256_hash": None, "auth": {"sha256_hash": [method]}}
    assert errors(validate(cloud, "clickhousedbops_user", **overrides)) == expected


def test_write_only_hash_is_planned_null(cloud: Cloud) -> None:
    auth = {"sha256_hash": [{"value_wo": HEX64, "value_wo_version": 1}]}
    result = plan_create(cloud, "clickhousedbops_user", password_sha256_hash=None, auth=auth)
    assert result.diagnostics == []
    assert result.planned["auth"]["sha256_hash"][0]["value_wo"] is None
    assert result.planned["auth"]["sha256_hash"][0]["value_wo_version"] == 1


def test_legacy_hash_keeps_its_pattern(cloud: Cloud) -> None:
    assert errors(validate(cloud, "clickhousedbops_user", password_sha256_hash="nothex")) == [
        "Invalid Attribute Value Match: Attribute password_sha256_hash password_sha256_hash "
        "must be a valid SHA256 hash, got: (sensitive value)"
    ]


# ---- clickhousedbops_database.comment -----------------------------------------------------------
@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("", "string length must be at least 1, got: 0"),
        ("c" * 256, "string length must be at most 255, got: 256"),
        ("c" * 255, None),
    ],
)
def test_database_comment_length(cloud: Cloud, comment: str, expected: str | None) -> None:
    found = errors(validate(cloud, "clickhousedbops_database", comment=comment))
    assert found == (
        [f"Invalid Attribute Value Length: Attribute comment {expected}"] if expected else []
    )


# ---- clickhousedbops provider configuration -----------------------------------------------------
def dbops_config(em: ProviderEmulator, **overrides: Any) -> Any:
    value = {
        "host": "abc.clickhouse.cloud",
        "port": 8443,
        "protocol": "https",
        "auth_config": {"strategy": "basicauth", "username": "default", "password": "p"},
        **overrides,
    }
    return conform(value, em.provider_type())


@pytest.mark.parametrize(
    ("protocol", "strategy", "expected"),
    [
        ("https", "basicauth", None),
        ("http", "basicauth", None),
        ("native", "password", None),
        ("nativesecure", "password", None),
        (
            "https",
            "password",
            'invalid authentication strategy "\\"password\\"". http protocol only supports '
            '"basicauth"',
        ),
        (
            "nativesecure",
            "basicauth",
            'invalid authentication strategy "\\"basicauth\\"". native protocol only supports '
            '"password"',
        ),
    ],
)
def test_strategy_must_pair_with_the_protocol(
    cloud: Cloud, protocol: str, strategy: str, expected: str | None
) -> None:
    em = emulator("clickhousedbops", cloud)
    auth = {"strategy": strategy, "username": "default", "password": "p"}
    value = dbops_config(em, protocol=protocol, auth_config=auth)
    assert em.validate_provider(value) == []
    assert errors(em.configure(value)) == (
        [f"invalid configuration: {expected}"] if expected else []
    )


def test_configure_waits_for_an_unknown_endpoint(cloud: Cloud) -> None:
    em = emulator("clickhousedbops", cloud)
    auth = {"strategy": "password", "username": "default", "password": "p"}
    assert em.configure(dbops_config(em, host=UNKNOWN, auth_config=auth)) == []


def test_provider_validators(cloud: Cloud) -> None:
    em = emulator("clickhousedbops", cloud)
    found = errors(em.validate_provider(dbops_config(em, protocol="grpc", dial_timeout=0)))
    assert found == [
        "Invalid Attribute Value Match: Attribute protocol value must be one of: "
        '["native" "nativesecure" "http" "https"], got: "grpc"',
        "Invalid Attribute Value: Attribute dial_timeout value must be at least 1, got: 0",
    ]
    assert errors(em.configure(dbops_config(em, port=70000))) == [
        "invalid configuration: invalid port 70000."
    ]


def test_host_is_required(cloud: Cloud) -> None:
    em = emulator("clickhousedbops", cloud)
    assert em.provider_attribute_flags()["host"]["required"]


# ---- upstash ids and defaults, computed options -------------------------------------------------
def test_upstash_ids_have_the_real_shape(cloud: Cloud) -> None:
    em = emulator("upstash", cloud)
    database = config(em, "upstash_redis_database")
    planned = em.plan("upstash_redis_database", None, database, database).planned
    state = em.apply("upstash_redis_database", None, planned).new_state
    assert state["id"] == f"upstash-database-{state['database_id']}"
    topic = config(em, "upstash_qstash_topic_v2")
    planned = em.plan("upstash_qstash_topic_v2", None, topic, topic).planned
    assert em.apply("upstash_qstash_topic_v2", None, planned).new_state["id"] == (
        "upstash-qstash-topic-cdc"
    )


def test_budget_defaults_to_20_at_plan_time(cloud: Cloud) -> None:
    assert plan_create(cloud, "upstash_redis_database").planned["budget"] == 20
    assert plan_create(cloud, "upstash_redis_database", budget=50).planned["budget"] == 50


@pytest.mark.parametrize(
    ("type_name", "name"),
    [
        ("clickhousedbops_grant_role", "admin_option"),
        ("clickhousedbops_grant_privilege", "grant_option"),
    ],
)
def test_grant_options_are_unknown_until_apply_when_omitted(
    cloud: Cloud, type_name: str, name: str
) -> None:
    assert plan_create(cloud, type_name).planned[name] is UNKNOWN
    assert plan_create(cloud, type_name, **{name: False}).planned[name] is False


def test_current_grants_defaults_to_false_at_plan_time(cloud: Cloud) -> None:
    assert plan_create(cloud, "clickhousedbops_grant_privilege").planned["current_grants"] is False


# ---- clickhouse_service plan values the real ModifyPlan writes ----------------------------------
def test_service_plan_values(cloud: Cloud) -> None:
    planned = plan_create(
        cloud,
        "clickhouse_service",
        idle_scaling=False,
        backup_configuration={"backup_start_time": "3:00"},
    ).planned
    assert planned["autoscaling_mode"] == "vertical"
    assert planned["min_replicas"] is None and planned["max_replicas"] is None
    assert planned["num_replicas"] is UNKNOWN
    assert planned["idle_timeout_minutes"] is None
    assert planned["transparent_data_encryption"] == {"enabled": False, "role_id": None}
    assert planned["backup_configuration"] == {
        "backup_period_in_hours": 24,  # Default(24) fills it even beside a start time
        "backup_retention_period_in_hours": 24,
        "backup_start_time": "3:00",
    }
    horizontal = plan_create(cloud, "clickhouse_service", min_replicas=2, max_replicas=4).planned
    assert horizontal["autoscaling_mode"] == "horizontal"
    assert horizontal["num_replicas"] is None


def test_service_replica_band_order(cloud: Cloud) -> None:
    assert errors(validate(cloud, "clickhouse_service", min_replicas=4, max_replicas=2)) == [
        "Invalid Configuration: min_replicas must be less than or equal to max_replicas."
    ]


# ---- clickhouse provider Configure ---------------------------------------------------------------
CLOUD_ENV = {"CLICKHOUSE_ORG_ID": "o", "CLICKHOUSE_CLOUD_API_KEY": "k"}


def clickhouse_configure(cloud: Cloud, environ: dict[str, str], **config: Any) -> list[str]:
    em = ProviderEmulator("clickhouse", load_schema_document("clickhouse"), cloud, environ)
    return errors(em.configure(conform(config, em.provider_type())))


def test_cloud_credentials_come_from_config_or_environment(cloud: Cloud) -> None:
    assert clickhouse_configure(cloud, {**CLOUD_ENV, "CLICKHOUSE_TOKEN_SECRET": "legacy"}) == []
    assert clickhouse_configure(cloud, CLOUD_ENV, token_secret="s") == []
    assert clickhouse_configure(cloud, CLOUD_ENV) == [
        "Missing ClickHouse OpenAPI Token Secret: The provider cannot create the ClickHouse "
        "OpenAPI client: missing or empty value for the token secret. Set the token_secret value "
        "in the configuration or use the CLICKHOUSE_CLOUD_API_SECRET environment variable. If "
        "either is already set, ensure the value is not empty."
    ]


def test_a_stray_clickstack_api_key_fails_configure(cloud: Cloud) -> None:
    environ = {**CLOUD_ENV, "CLICKHOUSE_CLOUD_API_SECRET": "s", "CLICKSTACK_API_KEY": "x"}
    found = clickhouse_configure(cloud, environ)
    assert len(found) == 1
    assert found[0].startswith("Missing ClickStack endpoint: clickstack_api_key authenticates")
    assert clickhouse_configure(cloud, environ, clickstack_endpoint="http://localhost:8000") == []


# ---- deprecations: warnings, never errors -------------------------------------------------------
@pytest.mark.parametrize(
    ("type_name", "overrides", "warning"),
    [
        (
            "clickhousedbops_user",
            {},
            "Attribute Deprecated: Prefer auth.sha256_hash block",
        ),
        (
            "clickhouse_service",
            {
                "min_total_memory_gb": 24,
                "max_total_memory_gb": 48,
                "min_replica_memory_gb": None,
                "max_replica_memory_gb": None,
            },
            "Attribute Deprecated: Please use min_replica_memory_gb instead | "
            "Attribute Deprecated: Please use max_replica_memory_gb instead",
        ),
        (
            "upstash_redis_database",
            {"consistent": False},
            "Argument is deprecated: Consistent option is deprecated.",
        ),
    ],
)
def test_deprecated_attributes_warn(
    cloud: Cloud, type_name: str, overrides: dict[str, Any], warning: str
) -> None:
    diags = validate(cloud, type_name, **overrides)
    assert errors(diags) == []
    warnings = [f"{d.summary}: {d.detail}" for d in diags if d.severity == "warning"]
    assert warnings == warning.split(" | ")
    assert plan_create(cloud, type_name, **overrides).diagnostics == []
