"""What emulated providers do beyond their schema: validation rules, computed values, credentials.

Plain Python data, read by the emulator. The schema (types, required/optional/computed, sensitive,
force-new) comes from tfctl/provider_schemas/*.json; only behaviour lives here.

Templates are strings formatted with a context of: every top-level string/number/bool attribute of
the planned object, `provider_<name>` for provider configuration values, and `uuid`, `short`
(8 hex), `secret`, `secret2`, `secret3` (random tokens), `epoch`, `epoch_ms`. A template string
for a number attribute is parsed as a number; non-string leaves are used as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Path = tuple[str, ...]  # attribute names; "*" steps into every element of a list or set


@dataclass(frozen=True)
class Rule:
    """One validation rule; checked only on known values, so validate-time unknowns pass.

    kind: "one_of" (value in `values`), "min" (number >= values[0]), "pattern" (regex
    values[0]), "cidr", "url", "max_items" (values[0]), "requires" (`other` set when `path`
    is set), "conflicts" (not both set), "any_of" (at least one of `values`, each a Path, set).
    """

    kind: str
    path: Path
    values: tuple[Any, ...] = ()
    other: Path = ()
    message: str = ""


BACKUP_PERIODS = (6, 8, 12, 16, 20, 24, 36, 48)
BACKUP_RETENTIONS = (24, 48, 72, 96, 120, 144, 168, 336, 504, 672, 720)
UPSTASH_REGIONS = (
    "global",
    "us-east-1",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-central-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "sa-east-1",
)

RULES: dict[str, tuple[Rule, ...]] = {
    "clickhouse_service": (
        Rule("one_of", ("cloud_provider",), ("aws", "gcp", "azure")),
        Rule("one_of", ("tier",), ("development", "production")),
        Rule("one_of", ("release_channel",), ("default", "fast", "slow")),
        Rule("one_of", ("backup_configuration", "backup_period_in_hours"), BACKUP_PERIODS),
        Rule(
            "one_of",
            ("backup_configuration", "backup_retention_period_in_hours"),
            BACKUP_RETENTIONS,
        ),
        Rule(
            "pattern",
            ("backup_configuration", "backup_start_time"),
            (r"^([01][0-9]|2[0-3]):00$",),
            message="must be a full hour written HH:00, such as 03:00",
        ),
        Rule(
            "conflicts",
            ("backup_configuration", "backup_start_time"),
            other=("backup_configuration", "backup_period_in_hours"),
        ),
        Rule("min", ("idle_timeout_minutes",), (5,)),
        Rule("requires", ("idle_timeout_minutes",), other=("idle_scaling",)),
        Rule("min", ("min_replica_memory_gb",), (1,)),
        Rule("min", ("max_replica_memory_gb",), (1,)),
        Rule("min", ("num_replicas",), (1,)),
        Rule("cidr", ("ip_access", "*", "source")),
        Rule(
            "pattern",
            ("ip_access", "*", "description"),
            (r"\S",),
            message="must describe who the entry is for",
        ),
        Rule("requires", ("double_sha1_password_hash",), other=("password_hash",)),
        Rule(
            "any_of",
            (),
            (("password",), ("password_hash",), ("password_wo",), ("warehouse_id",)),
            message="one of password, password_hash, password_wo or warehouse_id must be set",
        ),
        Rule("max_items", ("tags",), (50,)),
        Rule(
            "pattern",
            ("name",),
            (r"^[A-Za-z0-9][A-Za-z0-9 _-]{0,49}$",),
            message="must be 1-50 letters, digits, spaces, '-' or '_'",
        ),
    ),
    "upstash_redis_database": (
        Rule("one_of", ("region",), UPSTASH_REGIONS),
        Rule(
            "pattern",
            ("database_name",),
            (r"^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$",),
            message="must be letters, digits, '-' or '_' (at most 63)",
        ),
        Rule("cidr", ("ip_allowlist", "*")),
        Rule("min", ("budget",), (0,)),
    ),
    "upstash_qstash_topic_v2": (
        Rule(
            "pattern",
            ("name",),
            (r"^[A-Za-z0-9_.-]{1,64}$",),
            message="must be letters, digits, '.', '-' or '_'",
        ),
        Rule("url", ("endpoints", "*")),
    ),
    "clickhousedbops_database": (
        Rule("pattern", ("name",), (r"^[A-Za-z_][A-Za-z0-9_]*$",), message="must be an identifier"),
    ),
    "clickhousedbops_role": (
        Rule("pattern", ("name",), (r"^[A-Za-z_][A-Za-z0-9_]*$",), message="must be an identifier"),
    ),
    "clickhousedbops_user": (
        Rule("pattern", ("name",), (r"^[A-Za-z_][A-Za-z0-9_]*$",), message="must be an identifier"),
        Rule(
            "pattern",
            ("password_sha256_hash",),
            (r"^[0-9a-fA-F]{64}$",),
            message="must be the hex sha256 of the password (64 hex digits)",
        ),
    ),
    "clickhousedbops_grant_role": (
        Rule(
            "any_of",
            (),
            (("grantee_user_name",), ("grantee_role_name",)),
            message="one of grantee_user_name or grantee_role_name must be set",
        ),
        Rule("conflicts", ("grantee_user_name",), other=("grantee_role_name",)),
    ),
    "clickhousedbops_grant_privilege": (
        Rule(
            "any_of",
            (),
            (("grantee_user_name",), ("grantee_role_name",)),
            message="one of grantee_user_name or grantee_role_name must be set",
        ),
        Rule("conflicts", ("grantee_user_name",), other=("grantee_role_name",)),
        Rule("requires", ("table_name",), other=("database_name",)),
        Rule("requires", ("column_name",), other=("table_name",)),
    ),
}

# Values of computed attributes, filled in at apply. Attributes not listed get a value made from
# their type (a string from `short`, 0, false, empty collections).
COMPUTED: dict[str, dict[str, Any]] = {
    "clickhouse_service": {
        "id": "{uuid}",
        "iam_role": "arn:aws:iam::000000000000:role/CH-S3-{short}-Role",
        "is_primary": True,
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
            "mysql": {"enabled": False, "host": None, "port": None},
        },
    },
    "upstash_redis_database": {
        "id": "{uuid}",
        "database_id": "{uuid}",
        "endpoint": "{short}-{database_name}.upstash.io",
        "port": 6379,
        "password": "{secret}",
        "rest_token": "{secret2}",
        "read_only_rest_token": "{secret3}",
        "budget": 20,
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
        "id": "{uuid}",
        "created_at": "{epoch_ms}",
        "updated_at": "{epoch_ms}",
    },
    "clickhousedbops_database": {"uuid": "{uuid}"},
    "clickhousedbops_role": {"id": "{uuid}"},
    "clickhousedbops_user": {"id": "{uuid}"},
    "clickhousedbops_grant_role": {"admin_option": False},
    "clickhousedbops_grant_privilege": {"grant_option": False},
}

# Computed attributes whose value is already known at plan time (the provider's schema default).
PLAN_DEFAULTS: dict[str, dict[str, Any]] = {
    "upstash_redis_database": {"budget": 20},
    "clickhousedbops_grant_role": {"admin_option": False},
    "clickhousedbops_grant_privilege": {"grant_option": False},
}

# The attribute naming a resource in the fake cloud (import uses it); default "id".
KEY_ATTRIBUTE: dict[str, str] = {
    "upstash_redis_database": "database_id",
    "clickhousedbops_database": "uuid",
}

# Provider configuration the real provider insists on at Configure, each with its environment
# fallbacks; attributes listed here are offered to Terraform as optional, as the SDK does.
PROVIDER_CREDENTIALS: dict[str, dict[str, tuple[str, ...]]] = {
    "clickhouse": {
        "organization_id": ("CLICKHOUSE_ORG_ID",),
        "token_key": ("CLICKHOUSE_CLOUD_API_KEY", "CLICKHOUSE_TOKEN_KEY"),
        "token_secret": ("CLICKHOUSE_CLOUD_API_SECRET", "CLICKHOUSE_TOKEN_SECRET"),
    },
    "upstash": {
        "email": ("UPSTASH_EMAIL",),
        "api_key": ("UPSTASH_API_KEY",),
    },
    "clickhousedbops": {
        "host": (),
    },
}
