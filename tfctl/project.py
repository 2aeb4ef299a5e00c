"""Project: the repository root, its settings and its environments.

The root is `--root`, else `TFCTL_ROOT`, else the nearest ancestor of the working directory holding
`terraform/environments/`. Environments are the sub-folders of `terraform/environments/`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tfctl.errors import ConfigError, ProjectNotFoundError, UnknownEnvironmentError
from tfctl.settings import Settings, resolve_settings

if TYPE_CHECKING:
    from tfctl.environment import Environment
    from tfctl.masking import Masker
    from tfctl.process import LineCallback

ENVIRONMENTS_DIR = Path("terraform") / "environments"
_ENV_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
#: Longer names are refused before any file is looked up (the OS limit is 255 bytes).
MAX_ENV_NAME = 64


def _new_masker() -> Masker:
    from tfctl.masking import Masker

    return Masker()


def find_root(start: Path) -> Path | None:
    """The nearest ancestor of `start` (itself included) holding terraform/environments/."""
    start = start.resolve()
    for candidate in (start, *start.parents):
        if (candidate / ENVIRONMENTS_DIR).is_dir():
            return candidate
    return None


def validate_environment_name(name: str) -> str:
    """Refuse anything that is not a plain folder name (`../x`, `/etc`, empty, hidden, long)."""
    if len(name) > MAX_ENV_NAME:
        raise ConfigError(
            f"environment name is too long ({len(name)} characters, at most {MAX_ENV_NAME})",
            hint="use a plain folder name under terraform/environments/, such as dev",
        )
    if not name or not _ENV_NAME.fullmatch(name) or name in {".", ".."}:
        raise ConfigError(
            f"{name!r} is not a valid environment name",
            hint="use a plain folder name under terraform/environments/, such as dev",
        )
    return name


@dataclass(frozen=True)
class Project:
    """A tfctl project: its root folder, resolved settings and the process environment it reads."""

    root: Path
    settings: Settings
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ), repr=False)
    debug: bool = False
    masker: Masker = field(default_factory=lambda: _new_masker(), repr=False)
    on_line: LineCallback | None = field(default=None, repr=False)
    on_notice: LineCallback | None = field(default=None, repr=False)

    @classmethod
    def discover(
        cls,
        root: str | Path | None = None,
        *,
        cwd: Path | None = None,
        environ: Mapping[str, str] | None = None,
        flags: Mapping[str, Any] | None = None,
        debug: bool = False,
        masker: Masker | None = None,
        on_line: LineCallback | None = None,
        on_notice: LineCallback | None = None,
    ) -> Project:
        """Find the project root and resolve its settings."""
        environ = dict(os.environ if environ is None else environ)
        if root is None and environ.get("TFCTL_ROOT"):
            root = environ["TFCTL_ROOT"]
        if root is not None:
            path = Path(root).expanduser().resolve()
            if not (path / ENVIRONMENTS_DIR).is_dir():
                raise ProjectNotFoundError(
                    f"{path} has no {ENVIRONMENTS_DIR}/ folder",
                    hint="pass --root (or TFCTL_ROOT) pointing at the repository root",
                )
        else:
            found = find_root(cwd or Path.cwd())
            if found is None:
                raise ProjectNotFoundError(
                    f"no {ENVIRONMENTS_DIR}/ folder in {cwd or Path.cwd()} or any parent",
                    hint="run tfctl inside the repository, or pass --root / set TFCTL_ROOT",
                )
            path = found
        settings = resolve_settings(path, flags=flags, environ=environ)
        return cls(
            root=path,
            settings=settings,
            environ=environ,
            debug=debug,
            masker=masker if masker is not None else _new_masker(),
            on_line=on_line,
            on_notice=on_notice,
        )

    @property
    def environments_dir(self) -> Path:
        return self.root / ENVIRONMENTS_DIR

    def environment_names(self) -> list[str]:
        """Names of every environment folder, sorted."""
        return sorted(
            entry.name
            for entry in self.environments_dir.iterdir()
            if entry.is_dir() and not entry.name.startswith(".")
        )

    def environment(self, name: str) -> Environment:
        """The environment called `name`; unknown names fail with the list of valid ones."""
        from tfctl.environment import Environment

        validate_environment_name(name)
        path = self.environments_dir / name
        if not path.is_dir():
            names = ", ".join(self.environment_names()) or "none"
            raise UnknownEnvironmentError(
                f"unknown environment {name!r}",
                hint=f"valid environments: {names}",
            )
        return Environment(project=self, name=name, path=path)

    def environments(self) -> list[Environment]:
        """Every environment of the project."""
        return [self.environment(name) for name in self.environment_names()]
