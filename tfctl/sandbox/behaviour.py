"""What emulated providers do beyond their schema: validation rules, computed values, credentials.

Plain Python data, read by the emulator. The schema (types, required/optional/computed, sensitive,
force-new) comes from tfctl/provider_schemas/*.json; only behaviour lives here.

Templates are strings formatted with a context of: every top-level string/number/bool attribute of
the planned object, `provider_<name>` for provider configuration values, and `uuid`, `short`
(8 hex), `secret`, `secret2`, `secret3` (random tokens), `epoch`, `epoch_ms`. A template string
for a number attribute is parsed as a number; non-string leaves are used as they are.
"""

from __future__ import annotations

from dataclasses import KW_ONLY, dataclass
from typing import Any

from tfctl.sandbox import grants

Path = tuple[str, ...]  # attribute names; "*" steps into every element of a list or set


@dataclass(frozen=True)
class Rule:
    """One schema validator of the real provider (terraform-plugin-framework-validators).

    path: where it sits; "*" steps into every element of a list (block). kind and its values:
    "one_of" / "none_of" (strings), "one_of_number", "regex" (values[0]; message replaces the
    default text, as in RegexMatches), "at_least", "length_at_least", "length_at_most",
    "length_between" (min, max), "map_size_at_most", "map_keys_length_between",
    "map_values_length_at_most"; the combination validators "also_requires", "conflicts_with",
    "at_least_one_of", "exactly_one_of" over `others` (root paths, or ("<", name) for a sibling,
    as MatchRelative().AtParent()); "config_at_least_one_of" is a resource-level AtLeastOneOf;
    "deprecated" (summary, message) warns when the attribute is set.
    sensitive: the value is not repeated in the diagnostic.
    """

    kind: str
    path: Path
    values: tuple[Any, ...] = ()
    _: KW_ONLY
    others: tuple[Path, ...] = ()
    message: str = ""
    sensitive: bool = False


BACKUP_PERIODS = (6, 8, 12, 16, 20, 24, 36, 48)
BACKUP_RETENTIONS = (24, 48, 72, 96, 120, 144, 168, 336, 504, 672, 720)
HEX_SHA256 = r"^[a-fA-F0-9]{64}$"
FRAMEWORK_DEPRECATED = "Attribute Deprecated"  # fwserver/attribute_validation.go
SDK_DEPRECATED = "Argument is deprecated"  # plugin-sdk v2 schemaMap.validate


def _requires(path: Path, *others: Path) -> Rule:
    return Rule("also_requires", path, others=others)


def _conflicts(path: Path, *others: Path) -> Rule:
    return Rule("conflicts_with", path, others=others)


def _grantee_rules() -> tuple[Rule, ...]:
    both = (("grantee_user_name",), ("grantee_role_name",))
    return (
        _conflicts(("grantee_user_name",), ("grantee_role_name",)),
        Rule("at_least_one_of", ("grantee_user_name",), others=both),
        _conflicts(("grantee_role_name",), ("grantee_user_name",)),
        Rule("at_least_one_of", ("grantee_role_name",), others=both),
    )


def _secret_method_rules(block: str, *value_rules: Rule) -> tuple[Rule, ...]:
    """auth.go secretAuthAttributes: value XOR value_wo, value_wo <-> value_wo_version."""
    element = ("auth", block, "*")
    checks = [
        Rule("exactly_one_of", (*element, "value"), others=(("<", "value"), ("<", "value_wo"))),
    ]
    checks += [
        Rule(r.kind, (*element, "value"), r.values, message=r.message, sensitive=True)
        for r in value_rules
    ]
    checks.append(_requires((*element, "value_wo"), ("<", "value_wo_version")))
    checks += [
        Rule(r.kind, (*element, "value_wo"), r.values, message=r.message, sensitive=True)
        for r in value_rules
    ]
    checks.append(_requires((*element, "value_wo_version"), ("<", "value_wo")))
    return tuple(checks)


AUTH_LIST_BLOCKS = (
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
)


def _user_auth_rules() -> tuple[Rule, ...]:
    rules: list[Rule] = [
        Rule(
            "config_at_least_one_of",
            (),
            others=(
                ("auth", "no_password"),
                *(("auth", b) for b in AUTH_LIST_BLOCKS),
                ("password_sha256_hash",),
                ("password_sha256_hash_wo",),
            ),
        ),
        _conflicts(
            ("auth", "no_password"),
            *(("auth", b) for b in AUTH_LIST_BLOCKS),
            ("password_sha256_hash",),
            ("password_sha256_hash_wo",),
        ),
    ]
    for block in (
        "plaintext_password",
        "sha256_password",
        "double_sha1_password",
        "bcrypt_password",
    ):
        rules += _secret_method_rules(block)
    rules += _secret_method_rules(
        "sha256_hash",
        Rule("regex", (), (HEX_SHA256,), message="sha256_hash value must be a valid SHA256 hash"),
    )
    rules += _secret_method_rules(
        "double_sha1_hash",
        Rule(
            "regex",
            (),
            (r"^[a-fA-F0-9]{40}$",),
            message="double_sha1_hash value must be a valid SHA1 hash",
        ),
    )
    rules += _secret_method_rules(
        "bcrypt_hash",
        Rule(
            "regex",
            (),
            (r"^\$2[abxy]\$[0-9]{2}\$[A-Za-z0-9./]{53}$",),
            message="bcrypt_hash value must be a valid bcrypt hash",
        ),
    )
    for block, first, second in (
        ("ssl_certificate", "common_name", "subject_alt_name"),
        ("http", "server", "scheme"),
    ):
        rules.append(
            Rule(
                "exactly_one_of",
                ("auth", block, "*", first),
                others=(("<", first), ("<", second)),
            )
        )
    return tuple(rules)


# Schema validators by resource type, as the real providers declare them (Upstash, on SDKv2,
# declares only deprecations on the resources used here). What a provider checks in code
# (ValidateConfig, ModifyPlan, Configure) is in tfctl/sandbox/validators.py.
RULES: dict[str, tuple[Rule, ...]] = {
    "clickhouse_service": (
        Rule("one_of", ("cloud_provider",), ("aws", "gcp", "azure")),
        Rule("one_of", ("tier",), ("development", "production")),
        Rule("one_of", ("release_channel",), ("slow", "default", "fast")),
        Rule("one_of", ("autoscaling_mode",), ("vertical", "horizontal")),
        Rule("one_of", ("compliance_type",), ("hipaa", "pci")),
        _conflicts(
            ("warehouse_id",),
            ("password",),
            ("password_wo",),
            ("password_hash",),
            ("backup_configuration",),
        ),
        _requires(("readonly",), ("warehouse_id",)),
        _conflicts(("password",), ("double_sha1_password_hash",)),
        Rule(
            "at_least_one_of",
            ("password",),
            others=(("password_hash",), ("password_wo",), ("warehouse_id",)),
        ),
        Rule(
            "regex",
            ("password_hash",),
            (r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$",),
            message="must be a base64 encoded hash",
            sensitive=True,
        ),
        _conflicts(("password_hash",), ("password",), ("password_wo",)),
        Rule(
            "regex",
            ("double_sha1_password_hash",),
            (r"^[0-9a-fA-F]{40}$",),
            message="must be a double sha1 hash",
            sensitive=True,
        ),
        _requires(("double_sha1_password_hash",), ("password_hash",)),
        _conflicts(("password_wo",), ("double_sha1_password_hash",)),
        _requires(("password_wo",), ("password_wo_version",)),
        Rule(
            "at_least_one_of",
            ("password_wo",),
            others=(("password",), ("password_hash",), ("warehouse_id",)),
        ),
        _requires(("password_wo_version",), ("password_wo",)),
        Rule("at_least", ("min_replica_memory_gb",), (1,)),
        Rule("at_least", ("max_replica_memory_gb",), (1,)),
        _conflicts(("num_replicas",), ("min_replicas",), ("max_replicas",)),
        Rule("at_least", ("min_replicas",), (1,)),
        _requires(("min_replicas",), ("max_replicas",)),
        Rule("at_least", ("max_replicas",), (1,)),
        _requires(("max_replicas",), ("min_replicas",)),
        _requires(("idle_timeout_minutes",), ("idle_scaling",)),
        _requires(("encryption_key",), ("encryption_assumed_role_identifier",)),
        _requires(("encryption_assumed_role_identifier",), ("encryption_key",)),
        Rule("length_at_least", ("query_api_endpoints", "allowed_origins"), (1,)),
        Rule("one_of_number", ("backup_configuration", "backup_period_in_hours"), BACKUP_PERIODS),
        _conflicts(
            ("backup_configuration", "backup_period_in_hours"),
            ("backup_configuration", "backup_start_time"),
        ),
        Rule(
            "one_of_number",
            ("backup_configuration", "backup_retention_period_in_hours"),
            BACKUP_RETENTIONS,
        ),
        Rule(
            "regex",
            ("backup_configuration", "backup_start_time"),
            (r"^(?:[0-9]|0[0-9]|1[0-9]|2[0-3]):00$",),
            message="must be in HH:00 format",
        ),
        _conflicts(
            ("backup_configuration", "backup_start_time"),
            ("backup_configuration", "backup_period_in_hours"),
        ),
        Rule("map_size_at_most", ("tags",), (50,)),
        Rule("map_keys_length_between", ("tags",), (1, 128)),
        Rule("map_values_length_at_most", ("tags",), (256,)),
        Rule(
            "deprecated",
            ("min_total_memory_gb",),
            (FRAMEWORK_DEPRECATED, "Please use min_replica_memory_gb instead"),
        ),
        Rule(
            "deprecated",
            ("max_total_memory_gb",),
            (FRAMEWORK_DEPRECATED, "Please use max_replica_memory_gb instead"),
        ),
    ),
    "upstash_redis_database": (
        Rule("deprecated", ("consistent",), (SDK_DEPRECATED, "Consistent option is deprecated.")),
        Rule(
            "deprecated",
            ("multizone",),
            (
                SDK_DEPRECATED,
                "Multizone option is deprecated. It is enabled by default for paid databases.",
            ),
        ),
    ),
    "clickhousedbops_database": (
        Rule("length_at_least", ("comment",), (1,)),
        Rule("length_at_most", ("comment",), (255,)),
    ),
    "clickhousedbops_user": (
        Rule(
            "regex",
            ("password_sha256_hash",),
            (HEX_SHA256,),
            message="password_sha256_hash must be a valid SHA256 hash",
            sensitive=True,
        ),
        _conflicts(("password_sha256_hash",), ("password_sha256_hash_wo",)),
        Rule(
            "regex",
            ("password_sha256_hash_wo",),
            (HEX_SHA256,),
            message="password_sha256_hash must be a valid SHA256 hash",
            sensitive=True,
        ),
        _requires(("password_sha256_hash_wo",), ("password_sha256_hash_wo_version",)),
        _conflicts(("password_sha256_hash_wo",), ("password_sha256_hash",)),
        _requires(("password_sha256_hash_wo_version",), ("password_sha256_hash_wo",)),
        *(
            Rule("deprecated", (name,), (FRAMEWORK_DEPRECATED, "Prefer auth.sha256_hash block"))
            for name in (
                "password_sha256_hash",
                "password_sha256_hash_wo",
                "password_sha256_hash_wo_version",
            )
        ),
        *_user_auth_rules(),
    ),
    "clickhousedbops_grant_role": _grantee_rules(),
    "clickhousedbops_grant_privilege": (
        Rule("one_of", ("privilege_name",), tuple(grants.catalog().valid_names())),
        Rule("length_at_least", ("database_name",), (1,)),
        Rule("none_of", ("database_name",), ("*",)),
        Rule("length_at_least", ("table_name",), (1,)),
        Rule("none_of", ("table_name",), ("*",)),
        _requires(("table_name",), ("database_name",)),
        Rule("length_at_least", ("column_name",), (1,)),
        _requires(("column_name",), ("database_name",), ("table_name",)),
        Rule("length_at_least", ("access_object",), (1,)),
        Rule("none_of", ("access_object",), ("*",)),
        _conflicts(("access_object",), ("database_name",), ("table_name",), ("column_name",)),
        *_grantee_rules(),
    ),
}

# Schema validators of provider blocks.
PROVIDER_RULES: dict[str, tuple[Rule, ...]] = {
    "clickhousedbops": (
        Rule("one_of", ("protocol",), ("native", "nativesecure", "http", "https")),
        Rule("one_of", ("auth_config", "strategy"), ("password", "basicauth")),
        Rule("length_at_least", ("auth_config", "username"), (1,)),
        Rule("length_at_least", ("auth_config", "password"), (1,)),
        Rule("at_least", ("read_after_write_timeout",), (1,)),
        Rule("at_least", ("dial_timeout",), (1,)),
    ),
}

# Values of computed attributes, filled in at apply. Attributes not listed get a value made from
# their type (a string from `short`, 0, false, empty collections).
COMPUTED: dict[str, dict[str, Any]] = {
    "clickhouse_service": {
        "id": "{uuid}",
        "iam_role": "arn:aws:iam::000000000000:role/CH-S3-{short}-Role",
        "is_primary": True,
        "num_replicas": 3,  # the API's default count for a vertical service
        "release_channel": "default",
        "enable_core_dumps": False,
        "backup_configuration": {
            "backup_period_in_hours": 24,
            "backup_retention_period_in_hours": 24,
            "backup_start_time": None,
        },
        "transparent_data_encryption": {"enabled": False, "role_id": None},
        "private_endpoint_config": {
            "endpoint_service_id": "com.amazonaws.vpce.{region}.vpce-svc-{short}",
            "private_dns_hostname": "{short}.{region}.vpce.{cloud_provider}.clickhouse.cloud",
        },
        "endpoints": {
            "https": {"host": "{short}.{region}.{cloud_provider}.clickhouse.cloud", "port": 8443},
            "nativesecure": {
                "host": "{short}.{region}.{cloud_provider}.clickhouse.cloud",
                "port": 9440,
            },
            "mysql": None,  # optional, not computed: null unless configured (as the real provider)
        },
    },
    "upstash_redis_database": {
        "id": "upstash-database-{uuid}",  # crud.go: "upstash-database-" + database_id
        "database_id": "{uuid}",
        "endpoint": "{short}-{database_name}.upstash.io",
        "port": 6379,
        "password": "{secret}",
        "rest_token": "{secret2}",
        "read_only_rest_token": "{secret3}",
        "creation_time": "{epoch}",
        "database_type": "Pay as You Go",
        "state": "active",
        "user_email": "{provider_email}",
        "db_max_clients": 10000,
        "db_max_request_size": 104857600,
        "db_disk_threshold": 107374182400,
        "db_max_entry_size": 104857600,
        "db_memory_threshold": 3221225472,
        "db_daily_bandwidth_limit": 53687091200,
        "db_max_commands_per_second": 10000,
    },
    "upstash_qstash_topic_v2": {
        "id": "upstash-qstash-topic-{name}",  # crud.go: "upstash-qstash-topic-" + name
        "created_at": "{epoch_ms}",
        "updated_at": "{epoch_ms}",
    },
    "clickhousedbops_database": {"uuid": "{uuid}"},
    "clickhousedbops_role": {"id": "{uuid}"},
    "clickhousedbops_user": {"id": "{uuid}"},
    "clickhousedbops_grant_role": {"admin_option": False},
    "clickhousedbops_grant_privilege": {"grant_option": False, "current_grants": False},
}

# Schema defaults: known at plan time whenever the configuration leaves the attribute null.
# admin_option and grant_option have none (Optional+Computed): unknown until apply when omitted.
PLAN_DEFAULTS: dict[str, dict[str, Any]] = {
    "upstash_redis_database": {
        "budget": 20,
        "tls": False,
        "eviction": False,
        "auto_scale": False,
        "prod_pack": False,
        "consistent": False,
        "multizone": False,
    },
    "clickhousedbops_grant_privilege": {"current_grants": False},
}

# The attribute naming a resource in the fake cloud (import uses it); default "id".
KEY_ATTRIBUTE: dict[str, str] = {
    "upstash_redis_database": "database_id",
    "clickhousedbops_database": "uuid",
}

# Provider configuration the real provider insists on at Configure, each with its environment
# fallbacks; attributes listed here are offered to Terraform as optional, as the SDK does.
# The clickhouse provider's own Configure checks, with its texts, are in validators.py.
PROVIDER_CREDENTIALS: dict[str, dict[str, tuple[str, ...]]] = {
    "upstash": {
        "email": ("UPSTASH_EMAIL",),
        "api_key": ("UPSTASH_API_KEY",),
    },
}
