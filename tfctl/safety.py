"""Safety rules for changing an environment: who must approve, which saved plans are acceptable,
and which destructive changes need to be named explicitly.

- Protected environments (settings.protected_environments, default `prod`): in a terminal the user
  types the environment's name; without one, only `--auto-approve` with a saved plan is accepted.
- A saved plan carries metadata beside it (`<plan>.tfctl.json`): the environment, a content hash of
  the root configuration, its local modules, its tfvars and the rendered backend settings, the
  plan file's own sha256, the creation time and whether it was applied, signed (HMAC-SHA256) with
  a per-user key kept 0600 in ~/.config/tfctl/plan-key. A plan of another environment, a changed
  configuration, a replaced plan file, an old or used plan, or edited metadata is refused.
- What a saved plan does (the summary shown, the changes the guards judge) is read from the plan
  file itself with `terraform show -json`, never from the metadata.
- In a protected environment, deleting or replacing a stateful resource (settings.
  stateful_resource_types) is refused unless each address is named with `--allow-destroy ADDR`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import os
import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tfctl.errors import ConfigError, PlanRefusedError
from tfctl.paths import config_dir
from tfctl.results import PlanResult, ResourceChange

if TYPE_CHECKING:
    from tfctl.backend.render import RenderedBackend
    from tfctl.masking import Masker
    from tfctl.settings import Settings

METADATA_SUFFIX = ".tfctl.json"
METADATA_FORMAT = 2
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


def typed_name_matches(answer: str, environment: str) -> bool:
    """True only when `answer` is the environment's name exactly: surrounding blanks aside, no
    case folding and no Unicode normalisation (`PROD` or a Cyrillic look-alike is not `prod`)."""
    return answer.strip() == environment


#: Environment names whose protection tfctl expects; unprotecting one is said on every change.
ALWAYS_PROTECTED = ("prod",)


def protection_warning(environment: str, settings: Settings) -> str | None:
    """A warning when `environment` is one protected by default (or named prod) but the
    settings leave it unprotected; None when nothing was removed."""
    expected = set(ALWAYS_PROTECTED) | set(type(settings)().protected_environments)
    if environment not in expected or settings.is_protected(environment):
        return None
    origin = settings.sources.get("protected_environments", "default")
    shown = ", ".join(settings.protected_environments) or "none"
    return (
        f"{environment} is NOT protected: protected_environments from {origin} is [{shown}]; "
        "changes need no typed name and --auto-approve needs no saved plan"
    )


def confirm_protected(
    environment: str,
    action: str,
    *,
    interactive: bool,
    yes: bool,
    confirm: str | None,
    ask: Callable[[str], str],
) -> bool:
    """The confirmation of a protected environment's `state restore` or `unlock`.

    `--yes --confirm ENV` (the exact name) is accepted with or without a terminal; otherwise a
    terminal asks for the typed name; otherwise the action is refused.
    """
    if confirm is not None:
        if not typed_name_matches(confirm, environment):
            raise PlanRefusedError(
                f"--confirm {confirm!r} does not name {environment}",
                hint=f"pass --confirm {environment}",
            )
        if yes:
            return True
    if interactive:
        return typed_name_matches(
            ask(f"{environment} is protected. Type its name to {action}"), environment
        )
    raise PlanRefusedError(
        f"{environment} is protected: without a terminal, {action} needs --yes --confirm "
        f"{environment}",
        hint=f"pass --yes --confirm {environment}",
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


def content_parts(folder: Path, root: Path, backend: RenderedBackend) -> dict[str, str]:
    """Hashes of what a plan of the root module in `folder` (in the project at `root`) depends
    on: config, modules, tfvars and backend settings."""
    from tfctl.backend.render import backend_fingerprint

    modules = local_module_dirs(folder)
    return {
        "configuration": _digest_files(folder, _config_files(folder)),
        "modules": _digest_files(
            root, [path for module in modules for path in _config_files(module)]
        ),
        "tfvars": _digest_files(
            folder,
            [p for p in folder.iterdir() if p.is_file() and p.name.endswith(_TFVARS_SUFFIXES)],
        ),
        "backend settings": backend_fingerprint(backend),
    }


def content_hash(parts: Mapping[str, str]) -> str:
    """One hash over the parts."""
    return hashlib.sha256(json.dumps(dict(parts), sort_keys=True).encode("utf-8")).hexdigest()


# -- saved plan metadata ----------------------------------------------------------------------

#: The per-user key that signs saved-plan metadata, and the record of plans already applied.
PLAN_KEY_FILE = "plan-key"
USED_PLANS_FILE = "used-plans"
_KEY_BYTES = 32


def metadata_path(plan_file: Path) -> Path:
    """Where the metadata of `plan_file` lives: beside it, `<name>.tfctl.json`."""
    return plan_file.with_name(plan_file.name + METADATA_SUFFIX)


def _private_dir(environ: Mapping[str, str]) -> Path:
    folder = config_dir(environ)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _check_private(path: Path, handle: int) -> None:
    info = os.fstat(handle)
    if info.st_mode & 0o077 or info.st_uid != os.getuid():
        raise ConfigError(
            f"{path} is readable or writable by others; saved plans cannot be trusted",
            hint=f"chmod 600 {path}, or delete it and make the plans again",
        )


def plan_key(environ: Mapping[str, str], *, create: bool = False) -> bytes:
    """The per-user HMAC key (0600, created on first use when `create`) for plan metadata."""
    path = config_dir(environ) / PLAN_KEY_FILE
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        if not create:
            raise PlanRefusedError(
                f"no plan-signing key at {path}: the plan was not made by tfctl for this user",
                hint="make the plan again with tfctl plan ENV --out FILE",
            ) from None
        folder = _private_dir(environ)
        key = secrets.token_bytes(_KEY_BYTES)
        try:
            fd = os.open(folder / PLAN_KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another tfctl created it first: use theirs
            return plan_key(environ)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(key.hex() + "\n")
        return key
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    with os.fdopen(fd, "r", encoding="ascii", errors="replace") as handle:
        _check_private(path, handle.fileno())
        text = handle.read().strip()
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < _KEY_BYTES:
        raise ConfigError(f"{path} is corrupt", hint="delete it and make the plans again")
    return key


def _sign(key: bytes, document: Mapping[str, Any]) -> str:
    body = {name: value for name, value in document.items() if name != "hmac"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return hmac.new(key, canonical, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class PlanMetadata:
    """What tfctl records beside a saved plan, signed with the user's key (see plan_key).

    It holds no secret and no summary of changes: what a plan does is read from the plan file
    itself (`terraform show -json`) when it is applied.
    """

    environment: str
    created: float
    content_hash: str
    parts: Mapping[str, str]
    plan_sha256: str
    destroy: bool
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
        }

    @classmethod
    def from_json(cls, document: Mapping[str, Any]) -> PlanMetadata:
        if document.get("format") != METADATA_FORMAT:
            raise ValueError("unknown metadata format")
        return cls(
            environment=str(document["environment"]),
            created=float(document["created_unix"]),
            content_hash=str(document["content_hash"]),
            parts={str(k): str(v) for k, v in dict(document["parts"]).items()},
            plan_sha256=str(document["plan_sha256"]),
            destroy=bool(document["destroy"]),
            used=str(document["used"]) if document.get("used") else None,
        )


def write_plan_metadata(
    plan: PlanResult,
    parts: Mapping[str, str],
    *,
    environ: Mapping[str, str],
    created: float | None = None,
) -> Path:
    """Write the signed metadata of a saved plan beside it (mode 0600); returns its path."""
    assert plan.plan_file is not None
    meta = PlanMetadata(
        environment=plan.environment,
        created=time.time() if created is None else created,
        content_hash=content_hash(parts),
        parts=dict(parts),
        plan_sha256=_file_digest(plan.plan_file),
        destroy=plan.destroy,
    )
    return _write_metadata(meta, plan.plan_file, plan_key(environ, create=True))


def _write_metadata(meta: PlanMetadata, plan_file: Path, key: bytes) -> Path:
    path = metadata_path(plan_file)
    document = meta.to_json()
    document["hmac"] = _sign(key, document)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2, sort_keys=True)
        handle.write("\n")
    return path


def _used_plans(environ: Mapping[str, str]) -> set[str]:
    path = config_dir(environ) / USED_PLANS_FILE
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return set()
    with os.fdopen(fd, "r", encoding="ascii", errors="replace") as handle:
        _check_private(path, handle.fileno())
        return {line.split()[0] for line in handle if line.strip()}


def mark_used(plan_file: Path, *, environ: Mapping[str, str]) -> None:
    """Record that this saved plan is being applied, so it is never applied twice.

    Terraform refuses a replayed plan only when state existed at plan time; a plan made against
    empty state would happily create everything a second time. The record is kept twice: in the
    signed metadata, and in the user's used-plans list (a restored older copy of the metadata
    is refused too).
    """
    meta = read_plan_metadata(plan_file, environ=environ)
    if _file_digest(plan_file) != meta.plan_sha256:
        raise PlanRefusedError(f"{plan_file.name} changed after tfctl saved it")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    fd = os.open(
        _private_dir(environ) / USED_PLANS_FILE, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600
    )
    with os.fdopen(fd, "a", encoding="ascii") as handle:
        handle.write(f"{meta.plan_sha256} {now}\n")
    _write_metadata(dataclasses.replace(meta, used=now), plan_file, plan_key(environ))


def read_plan_metadata(plan_file: Path, *, environ: Mapping[str, str]) -> PlanMetadata:
    """The metadata beside `plan_file` once its signature checks, else PlanRefusedError."""
    if not plan_file.is_file():
        raise ConfigError(
            f"plan file {plan_file} does not exist", hint="make one with tfctl plan ENV --out FILE"
        )
    path = metadata_path(plan_file)
    again = "plan again: tfctl plan ENV --out FILE"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(document, dict):
            raise ValueError("not an object")
    except FileNotFoundError:
        raise PlanRefusedError(
            f"{plan_file.name} was not made by tfctl (no {path.name} beside it)",
            hint="make the plan with tfctl plan ENV --out FILE",
        ) from None
    except (OSError, ValueError):
        raise PlanRefusedError(f"{path.name} is unreadable or corrupt", hint=again) from None
    signature = document.get("hmac")
    if not isinstance(signature, str) or not hmac.compare_digest(
        signature, _sign(plan_key(environ), document)
    ):
        raise PlanRefusedError(
            f"{path.name} was altered or not written by tfctl for this user (bad signature)",
            hint=again,
        )
    try:
        return PlanMetadata.from_json(document)
    except (ValueError, KeyError, TypeError):
        raise PlanRefusedError(f"{path.name} is unreadable or corrupt", hint=again) from None


def summarize_saved_plan(
    environment: str, plan_file: Path, raw: Mapping[str, Any], masker: Masker, *, destroy: bool
) -> PlanResult:
    """What the plan file itself will do, from `raw` = `terraform show -json PLAN` (unmasked; the
    result is masked).

    The guards judge this, never a summary written beside the plan: that one could be edited.
    """
    from tfctl.plan_diff import diff_plan

    document = masker.mask_json(raw)
    try:
        result = PlanResult.from_plan_document(
            environment, document, plan_file=plan_file, destroy=destroy
        )
        # the same read gives the attribute changes; compared unmasked, shown masked
        diff = diff_plan(raw, mask=masker.mask)
        return result.with_attributes(diff.resources, diff.outputs)
    except (ValueError, TypeError, AttributeError):
        raise PlanRefusedError(
            f"{plan_file.name} is not a terraform plan terraform can read",
            hint=f"plan again: tfctl plan {environment} --out FILE",
        ) from None


def check_saved_plan(
    environment: str,
    plan_file: Path,
    *,
    environ: Mapping[str, str],
    parts: Callable[[], Mapping[str, str]],
    max_age_minutes: int,
    destroy: bool = False,
    now: float | None = None,
) -> PlanMetadata:
    """Accept a saved plan for `environment`, or refuse it (PlanRefusedError) when it was made
    for another environment, is of the wrong kind, was replaced, is older than
    `max_age_minutes`, or the configuration, modules, tfvars or backend settings changed since
    (`parts` computes their content_parts now), or its signed metadata was altered. Returns the
    metadata; what the plan does comes from summarize_saved_plan (the plan file itself)."""
    meta = read_plan_metadata(plan_file, environ=environ)
    again = f"plan again: tfctl plan {environment}{' --destroy' if destroy else ''} --out FILE"
    if meta.used is not None:
        raise PlanRefusedError(f"{plan_file.name} was already applied at {meta.used}", hint=again)
    if meta.plan_sha256 in _used_plans(environ):
        raise PlanRefusedError(f"{plan_file.name} was already applied", hint=again)
    if meta.environment != environment:
        raise PlanRefusedError(
            f"{plan_file.name} was made for {meta.environment}, not {environment}", hint=again
        )
    if meta.destroy != destroy:
        kind, use = (
            ("a destroy plan", "destroy") if meta.destroy else ("not a destroy plan", "apply")
        )
        raise PlanRefusedError(
            f"{plan_file.name} is {kind}",
            hint=f"use tfctl {use} {environment} --plan FILE, or {again}",
        )
    if _file_digest(plan_file) != meta.plan_sha256:
        raise PlanRefusedError(f"{plan_file.name} changed after tfctl saved it", hint=again)
    limit = max_age_minutes
    age = (time.time() if now is None else now) - meta.created
    if age > limit * 60:
        raise PlanRefusedError(
            f"{plan_file.name} is stale: made {age / 60:.0f} minutes ago, the limit is {limit}",
            hint=again,
        )
    if age < -CLOCK_SKEW_SECONDS:
        raise PlanRefusedError(f"{plan_file.name} is dated in the future", hint=again)
    now_parts = parts()
    if content_hash(now_parts) != meta.content_hash:
        changed = [name for name, value in now_parts.items() if meta.parts.get(name) != value]
        raise PlanRefusedError(
            f"the {', '.join(changed) or 'configuration'} of {environment} changed "
            f"since {plan_file.name} was made",
            hint=again,
        )
    return meta
