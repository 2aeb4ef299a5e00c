"""What the lower core modules read of a Project and an Environment.

State and locks work on an environment that the project module defines above them; typing them
against these protocols instead of the classes keeps every import pointing down (no cycles,
type-only ones included). tfctl.project.Project and tfctl.project.Environment satisfy them
structurally; nothing here is instantiated.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from tfctl.backend.render import RenderedBackend
    from tfctl.masking import Masker
    from tfctl.settings import Settings


class ProjectContext(Protocol):
    """A project as the core sees it: root, settings, process environment, masking, environments."""

    @property
    def root(self) -> Path: ...
    @property
    def settings(self) -> Settings: ...
    @property
    def environ(self) -> Mapping[str, str]: ...
    @property
    def debug(self) -> bool: ...
    @property
    def masker(self) -> Masker: ...
    @property
    def on_line(self) -> Callable[[str], None] | None: ...
    @property
    def on_notice(self) -> Callable[[str], None] | None: ...
    def environment(self, name: str) -> EnvironmentContext: ...


class ShowsPlans(Protocol):
    """The one terraform command the plan-file checks run: `show -json PLANFILE`."""

    def show_plan(self, plan_file: Path) -> dict[str, Any]: ...


class EnvironmentContext(Protocol):
    """An environment as safety, state and locks see it."""

    @property
    def name(self) -> str: ...
    @property
    def path(self) -> Path: ...
    @property
    def project(self) -> ProjectContext: ...
    @property
    def state_key(self) -> str: ...
    def rendered_backend(self) -> RenderedBackend: ...
    def terraform(self) -> ShowsPlans: ...
    def force_unlock(self, lock_id: str) -> None: ...
