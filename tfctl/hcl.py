"""The parts of Terraform files tfctl reads itself: provider requirements, module calls,
variable flags and tfvars names, from python-hcl2, cached per file (never a value).

`walk_modules` visits a root module and every local module it calls ("./..." or "../..."),
once each; preflight, the required_version check and the init record all read through it.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from tfctl.errors import ConfigError
from tfctl.paths import default_cache_dir


def unquote(value: Any) -> Any:
    # python-hcl2 >= 7 keeps the quotes of string literals and block labels
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


# Bumped whenever _skeleton keeps more, so older cache entries are parsed again.
_SKELETON_FORMAT = 3


def load(path: Path) -> dict[str, Any]:
    """The parts of a .tf/.tfvars file that preflight reads, cached by path, size and mtime.

    python-hcl2 takes ~0.1 s per file (lark), a visible share of a small `tfctl plan`. Only the
    skeleton is kept (provider requirements, module sources, variable flags, tfvars key names),
    never a value, so the cache holds nothing secret.
    """
    try:
        stat = path.stat()
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    resolved = str(path.resolve())
    key = [resolved, stat.st_size, stat.st_mtime_ns, _SKELETON_FORMAT]
    digest = hashlib.sha256(resolved.encode()).hexdigest()[:32]
    cache = default_cache_dir(os.environ) / "hcl" / f"{digest}.json"
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached.get("key") == key and isinstance(cached.get("skeleton"), dict):
            skeleton: dict[str, Any] = cached["skeleton"]
            return skeleton
    except (OSError, ValueError):
        pass
    skeleton = _skeleton(_parse_hcl(path), tfvars=path.name.endswith(".tfvars"))
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps({"key": key, "skeleton": skeleton}), encoding="utf-8")
    except (OSError, TypeError, ValueError):
        pass  # a cache that cannot be written only costs time
    return skeleton


def _skeleton(document: Mapping[str, Any], *, tfvars: bool) -> dict[str, Any]:
    """What preflight needs of a parsed file, with every value that could be secret dropped."""
    if tfvars:
        return {str(name): None for name in document}
    skeleton: dict[str, Any] = {}
    terraform = [
        {
            "required_providers": block.get("required_providers", []),
            **(
                {"required_version": unquote(block["required_version"])}
                if isinstance(block.get("required_version"), str)
                else {}
            ),
        }
        for block in blocks(document, "terraform")
    ]
    if terraform:
        skeleton["terraform"] = terraform
    variables = [
        {
            name: {
                "sensitive": body.get("sensitive"),
                **({"default": None} if "default" in body else {}),
            }
            for name, body in block.items()
            if name != "__is_block__" and isinstance(body, dict)
        }
        for block in blocks(document, "variable")
    ]
    if variables:
        skeleton["variable"] = variables
    modules = [
        {
            name: {"source": body.get("source"), "version": body.get("version")}
            for name, body in block.items()
            if name != "__is_block__" and isinstance(body, dict)
        }
        for block in blocks(document, "module")
    ]
    if modules:
        skeleton["module"] = modules
    return skeleton


def _parse_hcl(path: Path) -> dict[str, Any]:
    import hcl2  # lazy: python-hcl2 (lark) is slow to import

    try:
        with path.open(encoding="utf-8") as handle:
            document = hcl2.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from None
    except Exception as exc:
        # lark's message quotes source text, which may hold a value: report the position only
        line = getattr(exc, "line", None)
        where = f"line {line}" if isinstance(line, int) else "somewhere"
        raise ConfigError(
            f"cannot parse {path} ({type(exc).__name__} at {where})",
            hint="run `terraform fmt` / `terraform validate` on it",
        ) from None
    return document if isinstance(document, dict) else {}


def tf_files(root: Path) -> list[Path]:
    if not root.is_dir():
        raise ConfigError(f"{root} is not a directory", hint="pass an environment's folder")
    return sorted(root.glob("*.tf"))


def blocks(document: Mapping[str, Any], kind: str) -> Iterable[dict[str, Any]]:
    for block in document.get(kind, []) or []:
        if isinstance(block, dict):
            yield block


def labelled(document: Mapping[str, Any], kind: str) -> Iterable[tuple[str, dict[str, Any]]]:
    for block in blocks(document, kind):
        for label, body in block.items():
            if label != "__is_block__" and isinstance(body, dict):
                yield str(unquote(label)), body


def walk_modules(root: Path) -> Iterator[tuple[Path, Path, dict[str, Any]]]:
    """(directory, file, skeleton) for every .tf file of `root` and of each local module it
    calls, recursively; each directory once."""
    seen: set[Path] = set()
    pending = [root.resolve()]
    while pending:
        directory = pending.pop()
        if directory in seen:
            continue
        seen.add(directory)
        for path in tf_files(directory):
            document = load(path)
            yield directory, path, document
            for _name, module in labelled(document, "module"):
                source = unquote(module.get("source"))
                if isinstance(source, str) and source.startswith(("./", "../")):
                    target = (directory / source).resolve()
                    if target.is_dir():
                        pending.append(target)
