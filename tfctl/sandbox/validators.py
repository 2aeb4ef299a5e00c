"""The emulated providers' plan-time checks, with the diagnostics the real providers produce.

Schema validators are declared in behaviour.RULES and run by schema_validators.py. What the real
providers check in code (ValidateConfig, ModifyPlan, Configure) is copied here, function by
function, with the source it follows.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from tfctl.sandbox import behaviour, grants
from tfctl.sandbox.cty import UNKNOWN
from tfctl.sandbox.schema_validators import Finding, go_quote, run_rules

__all__ = ["Finding", "configure", "modify_plan", "validate_provider", "validate_resource"]


# ---- entry points ------------------------------------------------------------------------------
def validate_resource(type_name: str, config: Any) -> list[Finding]:
    """ValidateResourceConfig: schema validators plus the resource's own ValidateConfig."""
    findings = list(run_rules(behaviour.RULES.get(type_name, ()), config))
    check = CONFIG_CHECKS.get(type_name)
    if check is not None and isinstance(config, dict):
        findings += check(config)
    return findings


def validate_provider(provider: str, config: Any) -> list[Finding]:
    """ValidateProviderConfig: the provider block's schema validators."""
    return list(run_rules(behaviour.PROVIDER_RULES.get(provider, ()), config))


def configure(provider: str, config: Any, environ: Mapping[str, str]) -> list[Finding]:
    """ConfigureProvider: what the real Configure refuses, with the environment it reads."""
    check = CONFIGURE_CHECKS.get(provider)
    return check(config, environ) if check is not None and isinstance(config, dict) else []


def modify_plan(type_name: str, prior: Any, config: Any, planned: Any) -> tuple[Any, list[Finding]]:
    """ModifyPlan: the resource's plan-time errors and the values it writes into the plan."""
    modifier = PLAN_MODIFIERS.get(type_name)
    if modifier is None or not isinstance(planned, dict) or not isinstance(config, dict):
        return planned, []
    planned = dict(planned)
    findings = modifier(prior, config, planned)
    return planned, findings


# ---- clickhouse_service (internal/service/clickhouse/resource/service.go @ v3.25.3) -------------
def _known(value: Any) -> bool:
    return value is not None and value is not UNKNOWN


def _service_config_checks(config: Mapping[str, Any]) -> list[Finding]:
    """ValidateConfig (:1222): replica and memory bands in order."""
    findings = []
    for low, high in (
        ("min_replicas", "max_replicas"),
        ("min_replica_memory_gb", "max_replica_memory_gb"),
    ):
        a: Any = config.get(low)
        b: Any = config.get(high)
        if _known(a) and _known(b) and a > b:
            detail = f"{low} must be less than or equal to {high}."
            findings.append(Finding("Invalid Configuration", detail, (low,)))
    return findings


def _invalid(detail: str) -> Finding:
    return Finding("Invalid Configuration", detail)


def _service_modify_plan(
    prior: Any, config: dict[str, Any], planned: dict[str, Any]
) -> list[Finding]:
    """ModifyPlan (:637): its errors, and the values it writes into the plan."""
    findings: list[Finding] = []
    has_state = isinstance(prior, dict)
    state: Mapping[str, Any] = prior if has_state else {}
    if has_state:
        findings += _service_update_checks(state, planned)
        if config.get("idle_timeout_minutes") is None:
            planned["idle_timeout_minutes"] = None
    if planned.get("tier") == "development":
        findings += _development_tier_checks(planned)
        if not has_state:
            # The development tier has no scaling shape: the read-back leaves all of it null.
            for name in _SCALING:
                if config.get(name) is None:
                    planned[name] = None
    else:
        if not has_state:
            for name, total in (
                ("min_replica_memory_gb", "min_total_memory_gb"),
                ("max_replica_memory_gb", "max_total_memory_gb"),
            ):
                if config.get(name) is None and config.get(total) is None:
                    findings.append(
                        _invalid(
                            f"{name} must be defined if the service tier is production or PPv2"
                        )
                    )
        if config.get("autoscaling_mode") is not UNKNOWN:
            horizontal = _resolve_is_horizontal(config, state)
            planned["autoscaling_mode"] = "horizontal" if horizontal else "vertical"
            for name in ("num_replicas",) if horizontal else ("min_replicas", "max_replicas"):
                if config.get(name) is None:
                    planned[name] = None
        if config.get("encryption_key") is None and not state.get("encryption_key"):
            planned["encryption_key"] = None
    findings += _memory_field_checks(planned)
    idle_scaling, idle_timeout = config.get("idle_scaling"), config.get("idle_timeout_minutes")
    if idle_timeout is None and idle_scaling is True:
        findings.append(_invalid("idle_timeout_minutes must be defined if idle_scaling is enabled"))
    if (
        idle_timeout is not None
        and idle_scaling is not None
        and planned.get("idle_scaling") is not True
    ):
        findings.append(_invalid("idle_timeout_minutes must be null if idle_scaling is disabled"))
    if not has_state and idle_timeout is None and idle_scaling is not True:
        # The read-back nulls it while idle scaling is off (the sandbox's default when unset).
        planned["idle_timeout_minutes"] = None
    _plan_transparent_data_encryption(state, config, planned)
    _plan_backup_defaults(config, planned)
    if config.get("warehouse_id") is not None:
        if config.get("backup_configuration") is not None:
            findings.append(
                Finding(
                    "Invalid configuration",
                    "backup_configuration cannot be specified when warehouse_id is set",
                )
            )
        planned["backup_configuration"] = None
    return findings


_SCALING = (
    "autoscaling_mode",
    "min_replicas",
    "max_replicas",
    "num_replicas",
    "min_replica_memory_gb",
    "max_replica_memory_gb",
)


def _service_update_checks(state: Mapping[str, Any], planned: Mapping[str, Any]) -> list[Finding]:
    findings = []
    if planned.get("backup_id") != state.get("backup_id"):
        text = "ClickHouse does not support changing Backup ID for a service"
        findings.append(Finding("Invalid Update", text, ("backup_id",)))
    for name, what in (("cloud_provider", "cloud providers"), ("region", "regions")):
        if planned.get(name) is not None and planned.get(name) != state.get(name):
            text = f"ClickHouse does not support changing service {what}"
            findings.append(Finding("Invalid Update", text, (name,)))
    tier = planned.get("tier")
    if _known(tier) and tier != state.get("tier"):
        if state.get("tier") is None:
            text = "Please remove the `tier` field from the service definition"
            findings.append(Finding("Action required", text, ("tier",)))
        else:
            text = "ClickHouse does not support changing service tiers"
            findings.append(Finding("Invalid Update", text, ("tier",)))
    return findings


def _development_tier_checks(planned: Mapping[str, Any]) -> list[Finding]:
    findings = []
    suffix = "cannot be defined if the service tier is development"
    if _known(planned.get("byoc_id")):
        findings.append(_invalid(f"byoc_id {suffix}"))
    for name in ("min_total_memory_gb", "max_total_memory_gb"):
        if planned.get(name) is not None:
            findings.append(_invalid(f"{name} {suffix}"))
    if _known(planned.get("num_replicas")):
        findings.append(_invalid(f"num_replicas {suffix}"))
    if any(_known(planned.get(n)) for n in ("autoscaling_mode", "min_replicas", "max_replicas")):
        findings.append(_invalid(f"autoscaling_mode, min_replicas, and max_replicas {suffix}"))
    if any(_known(planned.get(n)) for n in ("min_replica_memory_gb", "max_replica_memory_gb")):
        findings.append(_invalid(f"min_replica_memory_gb and max_replica_memory_gb {suffix}"))
    if _known(planned.get("encryption_key")) or planned.get("encryption_assumed_role_identifier"):
        findings.append(_invalid(f"encryption_key and encryption_assumed_role_identifier {suffix}"))
    if _known(planned.get("backup_configuration")):
        findings.append(_invalid(f"backup_configuration {suffix}"))
    channel = planned.get("release_channel")
    if channel is not UNKNOWN and channel != "default":
        findings.append(
            _invalid("release_channel must be 'default' if the service tier is development")
        )
    return findings


def _memory_field_checks(planned: Mapping[str, Any]) -> list[Finding]:
    findings = []
    for side in ("min", "max"):
        if planned.get(f"{side}_total_memory_gb") is not None and _known(
            planned.get(f"{side}_replica_memory_gb")
        ):
            findings.append(
                _invalid(
                    f"{side}_total_memory_gb and {side}_replica_memory_gb can't be specified at "
                    f"the same time. Please remove deprecated field {side}_total_memory_gb"
                )
            )
    per_replica = any(_known(planned.get(f"{s}_replica_memory_gb")) for s in ("min", "max"))
    totals = any(planned.get(f"{s}_total_memory_gb") is not None for s in ("min", "max"))
    if per_replica and totals:
        findings.append(
            _invalid(
                "If you specify either min_replica_memory_gb or max_replica_memory_gb fields, you "
                "can't use deprecated min_total_memory_gb nor max_total_memory_gb fields any more."
            )
        )
    return findings


def _plan_transparent_data_encryption(
    state: Mapping[str, Any], config: Mapping[str, Any], planned: dict[str, Any]
) -> None:
    """Always planned: enabled from the configuration (false when unset), role_id from state."""
    configured = config.get("transparent_data_encryption")
    if configured is UNKNOWN:
        return
    enabled: Any = False
    role: Any = None
    if isinstance(configured, dict):
        enabled, role = configured.get("enabled"), UNKNOWN
    prior = state.get("transparent_data_encryption")
    if isinstance(prior, dict):
        role = prior.get("role_id")
    planned["transparent_data_encryption"] = {"enabled": enabled, "role_id": role}


def _resolve_is_horizontal(config: Mapping[str, Any], state: Mapping[str, Any]) -> bool:
    """resolveIsHorizontal (:610)."""
    mode = config.get("autoscaling_mode")
    if mode in ("horizontal", "vertical"):
        return bool(mode == "horizontal")
    low, high = config.get("min_replicas"), config.get("max_replicas")
    equal_band = _known(low) and _known(high) and low == high
    if low is not None and high is not None and not equal_band:
        return True
    if config.get("num_replicas") is not None:
        return False
    return bool(state.get("autoscaling_mode") == "horizontal")


def _plan_backup_defaults(config: Mapping[str, Any], planned: dict[str, Any]) -> None:
    """Default(24) on both periods fills a configured object's null fields, start time or not."""
    backup = config.get("backup_configuration")
    if not isinstance(backup, dict):
        return
    current = planned.get("backup_configuration")
    filled = dict(current if isinstance(current, dict) else backup)
    for name in ("backup_period_in_hours", "backup_retention_period_in_hours"):
        if backup.get(name) is None:
            filled[name] = 24
    planned["backup_configuration"] = filled


# ---- clickhouse provider (internal/provider/provider.go @ v3.25.3) ------------------------------
_CLOUD_CREDENTIALS = (
    # attribute, what the messages call it, its environment variables (first set wins)
    ("api_url", "API URL", "Environment", ("CLICKHOUSE_API_URL",)),
    ("organization_id", "Organization ID", "organization id", ("CLICKHOUSE_ORG_ID",)),
    ("token_key", "Token Key", "token key", ("CLICKHOUSE_CLOUD_API_KEY", "CLICKHOUSE_TOKEN_KEY")),
    (
        "token_secret",
        "Token Secret",
        "token secret",
        ("CLICKHOUSE_CLOUD_API_SECRET", "CLICKHOUSE_TOKEN_SECRET"),
    ),
)


def _clickhouse_configure(config: dict[str, Any], environ: Mapping[str, str]) -> list[Finding]:
    """Configure (:103): unknown values, the ClickStack modes, then the Cloud credentials."""
    findings = []
    for name, title, noun, env_names in _CLOUD_CREDENTIALS:
        if config.get(name) is UNKNOWN:
            findings.append(
                Finding(
                    f"Unknown ClickHouse OpenAPI {title}",
                    "The provider cannot create the ClickHouse OpenAPI client as there is an "
                    f"unknown configuration value for the {noun}. Either target apply the source "
                    "of the value first, set the value statically in the configuration, or use the "
                    f"{env_names[0]} environment variable.",
                    (name,),
                )
            )
    stack = ("clickstack_endpoint", "clickstack_api_key", "clickstack_service_id")
    for name in stack:
        if config.get(name) is UNKNOWN:
            findings.append(
                Finding(
                    "Unknown ClickStack configuration value",
                    "The provider cannot configure the ClickStack client as there is an unknown "
                    f"configuration value for {name}. Either target apply the source of the value "
                    "first, set the value statically in the configuration, or use the "
                    "corresponding CLICKSTACK_* environment variable.",
                    (name,),
                )
            )
    if findings:
        return findings

    def value(name: str, env_names: tuple[str, ...]) -> str:
        configured = config.get(name)
        if configured is not None:
            return str(configured)
        return next((environ[e] for e in env_names if environ.get(e)), "")

    endpoint, api_key, service_id = (value(n, (n.upper(),)) for n in stack)
    cloud_in_config = bool(config.get("clickstack_service_id"))
    self_hosted_in_config = bool(
        config.get("clickstack_endpoint") or config.get("clickstack_api_key")
    )
    if cloud_in_config and not self_hosted_in_config:
        endpoint = api_key = ""
    elif self_hosted_in_config and not cloud_in_config:
        service_id = ""
    if service_id and (api_key or endpoint):
        return [
            Finding(
                "Ambiguous ClickStack configuration",
                "clickstack_service_id selects ClickStack on ClickHouse Cloud and cannot be "
                "combined with clickstack_api_key or clickstack_endpoint, which select a "
                "self-hosted ClickStack deployment. Set one or the other (also check the "
                "CLICKSTACK_* environment variables).",
                ("clickstack_service_id",),
            )
        ]
    if api_key and not endpoint:
        return [
            Finding(
                "Missing ClickStack endpoint",
                "clickstack_api_key authenticates a self-hosted ClickStack deployment; set "
                "clickstack_endpoint (or the CLICKSTACK_ENDPOINT environment variable) to its API "
                "base URL. For ClickStack on ClickHouse Cloud, set clickstack_service_id instead "
                "\u2014 the Cloud API authenticates with organization_id, token_key and "
                "token_secret, not a ClickStack API key.",
                ("clickstack_endpoint",),
            )
        ]
    if endpoint and not api_key:
        return [
            Finding(
                "Missing ClickStack API key",
                "clickstack_endpoint points at a self-hosted ClickStack deployment, which also "
                "needs clickstack_api_key (or the CLICKSTACK_API_KEY environment variable) to "
                "authenticate. Without it the endpoint would be silently ignored.",
                ("clickstack_api_key",),
            )
        ]
    values = {name: value(name, env_names) for name, _t, _n, env_names in _CLOUD_CREDENTIALS}
    values["api_url"] = values["api_url"] or "https://api.clickhouse.cloud/v1"
    cloud_configured = any(values[n] for n in values if n != "api_url") or bool(service_id)
    if not cloud_configured and (api_key or service_id):
        return []  # ClickStack only: Cloud resources fail on their own
    for name, title, noun, env_names in _CLOUD_CREDENTIALS:
        if not values[name]:
            setting = "API url" if name == "api_url" else f"{name}"
            findings.append(
                Finding(
                    f"Missing ClickHouse OpenAPI {title}",
                    "The provider cannot create the ClickHouse OpenAPI client: missing or empty "
                    f"value for the {'API url' if name == 'api_url' else noun}. Set the {setting} "
                    f"value in the configuration or use the {env_names[0]} environment variable. "
                    "If either is already set, ensure the value is not empty.",
                    ("organizationId",) if name == "organization_id" else (name,),
                )
            )
    return findings


# ---- clickhousedbops (pkg/resource/*/ and pkg/provider/provider.go @ v1.11.2) -------------------
def _grant_privilege_checks(config: dict[str, Any]) -> list[Finding]:
    """grantprivilege.go validateScope (:230): aliases and targets the privilege cannot take."""
    privilege = config.get("privilege_name")
    if not isinstance(privilege, str):
        return []
    findings: list[Finding] = []
    cluster = config.get("cluster_name")
    if config.get("current_grants") is True and cluster is not UNKNOWN and cluster:
        findings.append(
            Finding(
                "Invalid Grant Privilege",
                "'current_grants' cannot be used together with 'cluster_name': "
                "GRANT CURRENT GRANTS cannot be executed ON CLUSTER.",
                ("current_grants",),
            )
        )
    catalog = grants.catalog()
    canonical = catalog.aliases.get(privilege)
    if canonical:
        detail = (
            f"{go_quote(privilege)} is an alias for {go_quote(canonical)}. "
            f"Please use {go_quote(canonical)} instead"
        )
        return [*findings, Finding("Cannot use alias", detail, ("privilege_name",))]
    own, union, supported = catalog.scope_attributes(privilege)
    if not supported:
        detail = f"{go_quote(privilege)} privilege_name is currently unsupported"
        return [*findings, Finding("Unsupported Privilege", detail, ("privilege_name",))]
    for name in ("database_name", "table_name", "column_name", "access_object"):
        if config.get(name) is None or getattr(own, name):
            continue
        if getattr(union, name):
            findings.append(
                Finding(
                    "Grant scope will be narrowed to supported grants",
                    f"only {go_quote(privilege)} descendants that support "
                    f"{go_quote(name)} attribute will be granted",
                    (name,),
                    "warning",
                )
            )
        else:
            findings.append(
                Finding(
                    "Invalid Grant Privilege",
                    f"{go_quote(name)} must be null when 'privilege_name' is {go_quote(privilege)}",
                    (name,),
                )
            )
    return findings


def _dbops_configure(config: dict[str, Any], _environ: Mapping[str, str]) -> list[Finding]:
    """provider.go Configure (:136): protocol <-> strategy pairing and the port range."""
    auth = config.get("auth_config")
    protocol = config.get("protocol")
    strategy = auth.get("strategy") if isinstance(auth, dict) else UNKNOWN
    username = auth.get("username") if isinstance(auth, dict) else UNKNOWN
    port = config.get("port")
    if any(v is UNKNOWN for v in (config.get("host"), protocol, port, strategy, username)):
        return []  # "We don't know the service data yet": no client until apply
    native = protocol in ("native", "nativesecure")
    wanted, family = ("password", "native") if native else ("basicauth", "http")
    if strategy != wanted:
        # The provider formats a types.String with %q: its String() is already quoted.
        shown = go_quote(go_quote(strategy))
        detail = (
            f"invalid authentication strategy {shown}. "
            f"{family} protocol only supports {go_quote(wanted)}"
        )
        return [Finding("invalid configuration", detail)]
    if isinstance(port, int | float) and not 0 < port <= 65535:
        return [Finding("invalid configuration", f"invalid port {port}.")]
    return []


ConfigCheck = Callable[[dict[str, Any]], list[Finding]]
ConfigureCheck = Callable[[dict[str, Any], Mapping[str, str]], list[Finding]]
PlanModifier = Callable[[Any, dict[str, Any], dict[str, Any]], list[Finding]]

CONFIG_CHECKS: dict[str, ConfigCheck] = {
    "clickhouse_service": _service_config_checks,
    "clickhousedbops_grant_privilege": _grant_privilege_checks,
}
PLAN_MODIFIERS: dict[str, PlanModifier] = {"clickhouse_service": _service_modify_plan}
CONFIGURE_CHECKS: dict[str, ConfigureCheck] = {
    "clickhouse": _clickhouse_configure,
    "clickhousedbops": _dbops_configure,
}
