"""What `terraform init` installs or configures for a root: provider requirements, module calls
(source and version) and the backend settings. tfctl records them when init succeeds and runs
init again before validate/plan/apply when they changed, so no one reads terraform's "Please run
terraform init". Read from the configuration's skeleton (tfctl.credentials), never from values.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

#: Beside terraform's own records in the data directory; sources and versions only, no secret.
INIT_RECORD = "tfctl-init.json"

PROVIDERS = "provider requirements"
MODULES = "module sources/versions"
BACKEND = "backend settings"


def init_requirements(root: Path) -> dict[str, dict[str, Any]]:
    """Provider requirements and module calls of `root` and of the local modules it calls,
    keyed by "<folder relative to root>:<name>"."""
    from tfctl import hcl

    providers: dict[str, Any] = {}
    modules: dict[str, Any] = {}
    start = root.resolve()
    for directory, _path, document in hcl.walk_modules(start):
        where = os.path.relpath(directory, start)
        for terraform in hcl.blocks(document, "terraform"):
            for block in terraform.get("required_providers", []) or []:
                if not isinstance(block, dict):
                    continue
                for name, requirement in block.items():
                    if name != "__is_block__":
                        providers[f"{where}:{name}"] = _plain(requirement, hcl.unquote)
        for name, module in hcl.labelled(document, "module"):
            modules[f"{where}:{name}"] = {
                "source": hcl.unquote(module.get("source")),
                "version": hcl.unquote(module.get("version")),
            }
    return {PROVIDERS: providers, MODULES: modules}


def _plain(value: Any, unquote: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v, unquote) for k, v in value.items() if k != "__is_block__"}
    if isinstance(value, list):
        return [_plain(v, unquote) for v in value]
    return unquote(value)


def current_record(root: Path, backend_fingerprint: str) -> dict[str, Any]:
    """What an init now would record."""
    return {**init_requirements(root), BACKEND: backend_fingerprint}


def changes_since_init(record_file: Path, current: dict[str, Any]) -> list[str]:
    """What changed since the recorded init (PROVIDERS, MODULES, BACKEND), in that order; every
    part when there is no readable record (an init by terraform itself, or by an older tfctl)."""
    try:
        recorded = json.loads(record_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recorded = None
    if not isinstance(recorded, dict):
        return [PROVIDERS, MODULES, BACKEND]
    return [part for part in (PROVIDERS, MODULES, BACKEND) if recorded.get(part) != current[part]]


def write_record(record_file: Path, current: dict[str, Any]) -> None:
    record_file.parent.mkdir(parents=True, exist_ok=True)
    record_file.write_text(json.dumps(current, sort_keys=True, indent=1) + "\n", encoding="utf-8")
