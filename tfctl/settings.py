"""Settings, resolved in order: CLI flag > TFCTL_* / AWS_* environment > tfctl.toml > default.

Every setting records where its value came from, so `tfctl doctor` can say why it is what it is.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from tfctl.errors import ConfigError
from tfctl.paths import default_cache_dir

CONFIG_FILE = "tfctl.toml"


@dataclass(frozen=True)
class Settings:
    """Resolved settings of one project; `sources` maps each field to where its value came from."""

    state_bucket: str = "salla-analytics-terraform-state"
    lock_table: str = "salla-analytics-terraform-locks"
    region: str = "us-east-1"
    protected_environments: tuple[str, ...] = ("prod",)
    #: A path, a command on PATH, or "bundled"; None: `terraform` on PATH, else the bundled one.
    terraform_bin: str | None = None
    plugin_cache_dir: Path | None = None
    lock_timeout: str = "2m"
    retries: int = 3
    use_lockfile: bool = False
    kms_key_id: str | None = None
    state_retention_days: int = 90
    plan_max_age_minutes: int = 60
    stateful_resource_types: tuple[str, ...] = ("clickhouse_service", "upstash_redis_database")
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)

    def is_protected(self, environment: str) -> bool:
        """True when apply/destroy of this environment needs the extra confirmations."""
        return environment in self.protected_environments


def _as_str(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("a non-empty string")
    return value.strip()


def _as_bucket(value: Any) -> str:
    # validated on every command, not only by bootstrap: a bad name must not reach terraform
    from tfctl.backend.names import bucket_name_problem

    name = _as_str(value)
    problem = bucket_name_problem(name)
    if problem:
        raise ValueError(f"a valid S3 bucket name ({problem})")
    return name


def _as_table(value: Any) -> str:
    from tfctl.backend.names import table_name_problem

    name = _as_str(value)
    problem = table_name_problem(name)
    if problem:
        raise ValueError(f"a valid DynamoDB table name ({problem})")
    return name


def _as_optional_str(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return _as_str(value)


def _as_names(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        items = [item.strip() for item in value.split(",")]
    elif isinstance(value, list | tuple):
        items = [str(item).strip() for item in value]
    else:
        raise ValueError("a list of names")
    return tuple(item for item in items if item)


def _as_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError("a whole number")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError("a whole number") from None
    if number < 0:
        raise ValueError("a whole number >= 0")
    return number


def _as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("true or false")


def _as_path(value: Any) -> Path | None:
    if value is None or value == "":
        return None
    return Path(os.path.expanduser(_as_str(value)))


def _as_duration(value: Any) -> str:
    text = _as_str(value)
    if not (text[:-1].isdigit() and text[-1] in "smh") and not text.isdigit():
        raise ValueError("a duration such as 30s, 2m or 1h")
    return text if not text.isdigit() else f"{text}s"


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "state_bucket": _as_bucket,
    "lock_table": _as_table,
    "region": _as_str,
    "protected_environments": _as_names,
    "terraform_bin": _as_optional_str,
    "plugin_cache_dir": _as_path,
    "lock_timeout": _as_duration,
    "retries": _as_int,
    "use_lockfile": _as_bool,
    "kms_key_id": _as_optional_str,
    "state_retention_days": _as_int,
    "plan_max_age_minutes": _as_int,
    "stateful_resource_types": _as_names,
}

# Environment variables per setting, first match wins.
ENVIRONMENT_VARIABLES: dict[str, tuple[str, ...]] = {
    "state_bucket": ("TFCTL_STATE_BUCKET",),
    "lock_table": ("TFCTL_LOCK_TABLE",),
    "region": ("TFCTL_REGION", "AWS_REGION", "AWS_DEFAULT_REGION"),
    "protected_environments": ("TFCTL_PROTECTED_ENVIRONMENTS",),
    "terraform_bin": ("TFCTL_TERRAFORM_BIN",),
    "plugin_cache_dir": ("TFCTL_PLUGIN_CACHE_DIR", "TF_PLUGIN_CACHE_DIR"),
    "lock_timeout": ("TFCTL_LOCK_TIMEOUT",),
    "retries": ("TFCTL_RETRIES",),
    "use_lockfile": ("TFCTL_USE_LOCKFILE",),
    "kms_key_id": ("TFCTL_KMS_KEY_ID",),
    "state_retention_days": ("TFCTL_STATE_RETENTION_DAYS",),
    "plan_max_age_minutes": ("TFCTL_PLAN_MAX_AGE_MINUTES",),
    "stateful_resource_types": ("TFCTL_STATEFUL_RESOURCE_TYPES",),
}


def read_config_file(path: Path) -> dict[str, Any]:
    """The `[tfctl]` table of tfctl.toml (or its top level); {} when the file does not exist."""
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"{path.name} is not valid TOML: {exc}", hint=f"fix the syntax in {path}"
        ) from None
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    table = document.get("tfctl", document)
    if not isinstance(table, dict):
        raise ConfigError(f"{path.name}: [tfctl] must be a table")
    unknown = sorted(set(table) - set(_CONVERTERS))
    if unknown:
        raise ConfigError(
            f"{path.name}: unknown setting {', '.join(repr(k) for k in unknown)}",
            hint=f"valid settings: {', '.join(sorted(_CONVERTERS))}",
        )
    return dict(table)


def resolve_settings(
    root: Path,
    *,
    flags: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Resolve every setting: CLI flag > environment > tfctl.toml > default."""
    environ = os.environ if environ is None else environ
    config = read_config_file(root / CONFIG_FILE)
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for item in fields(Settings):
        name = item.name
        if name == "sources":
            continue
        candidates: list[tuple[str, Any]] = []
        if flags and flags.get(name) is not None:
            candidates.append((f"--{name.replace('_', '-')}", flags[name]))
        for variable in ENVIRONMENT_VARIABLES[name]:
            if environ.get(variable):
                candidates.append((variable, environ[variable]))
                break
        if name in config:
            candidates.append((CONFIG_FILE, config[name]))
        if not candidates:
            sources[name] = "default"
            continue
        origin, raw = candidates[0]
        try:
            values[name] = _CONVERTERS[name](raw)
        except ValueError as exc:
            raise ConfigError(
                f"setting {name} from {origin} is {raw!r}; it must be {exc}",
                hint=f"fix {origin}",
            ) from None
        sources[name] = origin
    if values.get("plugin_cache_dir") is None:
        values["plugin_cache_dir"] = default_cache_dir(environ) / "plugins"
    return Settings(**values, sources=sources)
