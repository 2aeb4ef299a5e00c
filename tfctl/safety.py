"""Safety rules for changing an environment: who must approve, which saved plans are acceptable,
and which destructive changes need to be named explicitly.

- Protected environments (settings.protected_environments, default `prod`): in a terminal the user
  types the environment's name; without one, only `--auto-approve` with a saved plan is accepted.
- A saved plan carries metadata beside it (`<plan>.tfctl.json`): the environment, a content hash of
  the root configuration, its local modules, its tfvars and the rendered backend settings, the
  plan file's own sha256 and the creation time. A plan of another environment, a changed
  configuration, a replaced plan file or an old plan is refused.
- In a protected environment, deleting or replacing a stateful resource (settings.
  stateful_resource_types) is refused unless each address is named with `--allow-destroy ADDR`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tfctl.errors import ConfigError, PlanRefusedError
from tfctl.results import PlanResult, ResourceChange

if TYPE_CHECKING:
    from tfctl.environment import Environment

METADATA_SUFFIX = ".tfctl.json"
METADATA_FORMAT = 1
#: A plan dated this far in the future means a wrong clock: refused like a stale one.
CLOCK_SKEW_SECONDS = 300

_CONFIG_SUFFIXES = (".tf", ".tf.json")
_TFVARS_SUFFIXES = (".tfvars", ".tfvars.json")
_LOCK_FILE = ".terraform.lock.hcl"
_LOCAL_SOURCE = re.compile(r"""\bsource\s*=\s*"(\.{1,2}/[^"]*)\"""")
_NAME = r"[A-Za-z_][A-Za-z0-9_-]*"
_INDEX = r"(?:\[(?:\d+|\"[^\"]*\")\])?"
_MODULE = rf"module\.{_NAME}{_INDEX}"
_RESOURCE = rf"(?!module\.)(?:data\.)?{_NAME}\.{_NAME}{_INDEX}"
_RESOURCE_ADDRESS = re.compile(rf"^(?:{_MODULE}\.)*{_RESOURCE}$")
_TARGET_ADDRESS = re.compile(rf"^(?:{_MODULE}\.)*(?:{_MODULE}|{_RESOURCE})$")


class Approval(Enum):
    """How a change must be approved."""

    AUTO = "auto"  # --auto-approve accepted
    CONFIRM = "confirm"  # a yes/no question in a terminal
    TYPE_NAME = "type-name"  # the user types the environment's name


def approval_mode(
    environment: str,
    *,
    protected: bool,
    interactive: bool,
    auto_approve: bool,
    saved_plan: bool,
    action: str = "apply",
) -> Approval:
    """Decide how `action` on `environment` is approved, or refuse (PlanRefusedError).

    Called before anything runs, so a refusal changes nothing.
    """
    if not protected:
        if auto_approve:
            return Approval.AUTO
        if interactive:
            return Approval.CONFIRM
        raise PlanRefusedError(
            f"no terminal to confirm {action} of {environment}",
            hint="review the plan and pass --auto-approve",
        )
    how = (
        f"tfctl plan {environment}{' --destroy' if action == 'destroy' else ''} --out FILE, "
        f"review it, then tfctl {action} {environment} --plan FILE --auto-approve"
    )
    if auto_approve:
        if saved_plan:
            return Approval.AUTO
        raise PlanRefusedError(
            f"{environment} is protected: --auto-approve needs a saved plan (--plan FILE)",
            hint=how,
        )
    if interactive:
        return Approval.TYPE_NAME
    raise PlanRefusedError(
        f"no terminal to confirm {action} of protected environment {environment}", hint=how
    )


# -- addresses -------------------------------------------------------------------------------------


def validate_resource_address(address: str, *, option: str = "--allow-destroy") -> str:
    """A resource address such as `module.cache.upstash_redis_database.this`, else ConfigError."""
    if not _RESOURCE_ADDRESS.fullmatch(address.strip()):
        raise ConfigError(
            f"{option} {address!r} is not a resource address",
            hint="use an address from the plan, such as module.warehouse.clickhouse_service.this",
        )
    return address.strip()


def validate_target_address(address: str) -> str:
    """A `--target` address (a resource or a module), else ConfigError."""
    if not _TARGET_ADDRESS.fullmatch(address.strip()):
        raise ConfigError(
            f"--target {address!r} is not a resource or module address",
            hint="use an address such as null_resource.app or module.cache",
        )
    return address.strip()


def check_destructive_changes(
    environment: str,
    plan: PlanResult,
    *,
    protected: bool,
    stateful_types: Iterable[str],
    allow_destroy: Sequence[str] = (),
) -> tuple[ResourceChange, ...]:
    """Refuse a protected environment's plan that deletes or replaces stateful resources which
    were not each named in `allow_destroy`. Returns the stateful destructive changes."""
    allowed = {validate_resource_address(address) for address in allow_destroy}
    critical = plan.destructive_changes(stateful_types)
    if not protected:
        return critical
    refused = [change for change in critical if change.address not in allowed]
    if refused:
        listed = ", ".join(f"{change.action} {change.address}" for change in refused)
        flags = " ".join(f"--allow-destroy {change.address}" for change in refused)
        raise PlanRefusedError(
            f"{environment} is protected and the plan would {listed} (stateful data)",
            hint=f"if that is intended, name each address: {flags}",
        )
    return critical


# -- content hash -----------------------------------------------------------------------------


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _digest_files(base: Path, files: Iterable[Path]) -> str:
    entries = sorted((os.path.relpath(path, base), _file_digest(path)) for path in set(files))
    return hashlib.sha256(json.dumps(entries).encode("utf-8")).hexdigest()


def _config_files(folder: Path) -> list[Path]:
    return [
        path
        for path in folder.iterdir()
        if path.is_file() and (path.name.endswith(_CONFIG_SUFFIXES) or path.name == _LOCK_FILE)
    ]


def local_module_dirs(folder: Path) -> list[Path]:
    """Every local module (source "./..." or "../...") reachable from `folder`, recursively."""
    seen: set[Path] = set()
    pending = [folder.resolve()]
    while pending:
        current = pending.pop()
        for path in current.glob("*.tf"):
            for source in _LOCAL_SOURCE.findall(path.read_text(encoding="utf-8", errors="replace")):
                module = (current / source).resolve()
                if module.is_dir() and module not in seen and module != folder.resolve():
                    seen.add(module)
                    pending.append(module)
    return sorted(seen)


def content_parts(env: Environment) -> dict[str, str]:
    """Hashes of what a plan depends on: config, modules, tfvars and backend settings."""
    from tfctl.backend_render import backend_fingerprint

    folder = env.path
    modules = local_module_dirs(folder)
    root = env.project.root
    return {
        "configuration": _digest_files(folder, _config_files(folder)),
        "modules": _digest_files(
            root, [path for module in modules for path in _config_files(module)]
        ),
        "tfvars": _digest_files(
            folder,
            [p for p in folder.iterdir() if p.is_file() and p.name.endswith(_TFVARS_SUFFIXES)],
        ),
        "backend settings": backend_fingerprint(env.rendered_backend()),
    }


def content_hash(parts: Mapping[str, str]) -> str:
    """One hash over the parts."""
    return hashlib.sha256(json.dumps(dict(parts), sort_keys=True).encode("utf-8")).hexdigest()


# -- saved plan metadata ----------------------------------------------------------------------


def metadata_path(plan_file: Path) -> Path:
    """Where the metadata of `plan_file` lives: beside it, `<name>.tfctl.json`."""
    return plan_file.with_name(plan_file.name + METADATA_SUFFIX)


@dataclass(frozen=True)
class PlanMetadata:
    """What tfctl records beside a saved plan. Holds no secret (addresses and hashes only)."""

    environment: str
    created: float
    content_hash: str
    parts: Mapping[str, str]
    plan_sha256: str
    destroy: bool
    plan: PlanResult
    used: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "used": self.used,
            "format": METADATA_FORMAT,
            "environment": self.environment,
            "created": datetime.fromtimestamp(self.created, UTC).isoformat(),
            "created_unix": self.created,
            "content_hash": self.content_hash,
            "parts": dict(self.parts),
            "plan_sha256": self.plan_sha256,
            "destroy": self.destroy,
            "summary": self.plan.to_json(),
        }

    @classmethod
    def from_json(cls, document: Mapping[str, Any], plan_file: Path) -> PlanMetadata:
        if document.get("format") != METADATA_FORMAT:
            raise ValueError("unknown metadata format")
        summary = document["summary"]
        changes = tuple(
            ResourceChange(
                address=str(c["address"]), resource_type=str(c["type"]), action=str(c["action"])
            )
            for c in summary["changes"]
        )
        plan = PlanResult(
            environment=str(document["environment"]),
            changes=changes,
            add=int(summary["add"]),
            change=int(summary["change"]),
            remove=int(summary["destroy"]),
            plan_file=plan_file,
            output_changes=tuple(str(name) for name in summary.get("output_changes", ())),
            drifted=tuple(str(name) for name in summary.get("drifted", ())),
            destroy=bool(document["destroy"]),
        )
        return cls(
            environment=str(document["environment"]),
            created=float(document["created_unix"]),
            content_hash=str(document["content_hash"]),
            parts={str(k): str(v) for k, v in dict(document["parts"]).items()},
            plan_sha256=str(document["plan_sha256"]),
            destroy=bool(document["destroy"]),
            plan=plan,
            used=str(document["used"]) if document.get("used") else None,
        )


def write_plan_metadata(
    plan: PlanResult, parts: Mapping[str, str], *, created: float | None = None
) -> Path:
    """Write the metadata of a saved plan beside it (mode 0600); returns its path."""
    assert plan.plan_file is not None
    meta = PlanMetadata(
        environment=plan.environment,
        created=time.time() if created is None else created,
        content_hash=content_hash(parts),
        parts=dict(parts),
        plan_sha256=_file_digest(plan.plan_file),
        destroy=plan.destroy,
        plan=plan,
    )
    return _write_metadata(meta, plan.plan_file)


def _write_metadata(meta: PlanMetadata, plan_file: Path) -> Path:
    path = metadata_path(plan_file)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(meta.to_json(), handle, indent=2, sort_keys=True)
        handle.write("\n")
    return path


def mark_used(plan_file: Path) -> None:
    """Record that this saved plan is being applied, so it is never applied twice.

    Terraform refuses a replayed plan only when state existed at plan time; a plan made against
    empty state would happily create everything a second time.
    """
    meta = read_plan_metadata(plan_file)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    _write_metadata(dataclasses.replace(meta, used=now), plan_file)


def read_plan_metadata(plan_file: Path) -> PlanMetadata:
    """The metadata beside `plan_file`, or PlanRefusedError when it is missing or unreadable."""
    if not plan_file.is_file():
        raise ConfigError(
            f"plan file {plan_file} does not exist", hint="make one with tfctl plan ENV --out FILE"
        )
    path = metadata_path(plan_file)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return PlanMetadata.from_json(document, plan_file)
    except FileNotFoundError:
        raise PlanRefusedError(
            f"{plan_file.name} was not made by tfctl (no {path.name} beside it)",
            hint="make the plan with tfctl plan ENV --out FILE",
        ) from None
    except (OSError, ValueError, KeyError, TypeError):
        raise PlanRefusedError(
            f"{path.name} is unreadable or corrupt", hint="plan again: tfctl plan ENV --out FILE"
        ) from None


def check_saved_plan(
    env: Environment,
    plan_file: Path,
    *,
    destroy: bool = False,
    now: float | None = None,
    max_age_minutes: int | None = None,
) -> PlanResult:
    """Accept a saved plan for `env`, or refuse it (PlanRefusedError) when it was made for another
    environment, is of the wrong kind, was replaced, is too old, or the configuration, modules,
    tfvars or backend settings changed since. Returns the plan's summary from its metadata."""
    meta = read_plan_metadata(plan_file)
    again = f"plan again: tfctl plan {env.name}{' --destroy' if destroy else ''} --out FILE"
    if meta.used is not None:
        raise PlanRefusedError(f"{plan_file.name} was already applied at {meta.used}", hint=again)
    if meta.environment != env.name:
        raise PlanRefusedError(
            f"{plan_file.name} was made for {meta.environment}, not {env.name}", hint=again
        )
    if meta.destroy != destroy:
        kind, use = (
            ("a destroy plan", "destroy") if meta.destroy else ("not a destroy plan", "apply")
        )
        raise PlanRefusedError(
            f"{plan_file.name} is {kind}",
            hint=f"use tfctl {use} {env.name} --plan FILE, or {again}",
        )
    if _file_digest(plan_file) != meta.plan_sha256:
        raise PlanRefusedError(f"{plan_file.name} changed after tfctl saved it", hint=again)
    limit = (
        env.project.settings.plan_max_age_minutes if max_age_minutes is None else max_age_minutes
    )
    age = (time.time() if now is None else now) - meta.created
    if age > limit * 60:
        raise PlanRefusedError(
            f"{plan_file.name} is stale: made {age / 60:.0f} minutes ago, the limit is {limit}",
            hint=again,
        )
    if age < -CLOCK_SKEW_SECONDS:
        raise PlanRefusedError(f"{plan_file.name} is dated in the future", hint=again)
    parts = content_parts(env)
    if content_hash(parts) != meta.content_hash:
        changed = [name for name, value in parts.items() if meta.parts.get(name) != value]
        raise PlanRefusedError(
            f"the {', '.join(changed) or 'configuration'} of {env.name} changed "
            f"since {plan_file.name} was made",
            hint=again,
        )
    return meta.plan
